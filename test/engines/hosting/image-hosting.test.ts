import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkImageHost,
  createS3ImageHost,
  HostingError,
} from '../../../main/engines/hosting/image-hosting.ts';
import { prepareForEngine } from '../../../main/imaging/prepare-for-engine.ts';
import { volcengineLimits } from '../../../main/engines/volcengine/volcengine-engine.ts';
import { startS3rver, type S3Fixture } from './s3rver-fixture.ts';

/** A JPEG carrying EXIF with a camera model and GPS coordinates, like a phone photo. */
async function photoWithGps(): Promise<Buffer> {
  return sharp({
    create: { width: 900, height: 600, channels: 3, background: { r: 40, g: 120, b: 200 } },
  })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'GPS-1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '39/1 54/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '116/1 23/1 0/1',
      },
    })
    .toBuffer();
}

describe(createS3ImageHost.name, () => {
  let s3: S3Fixture;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(async () => {
    await s3.close();
  });

  it('uploads a prepared copy without EXIF/GPS, serves it by presigned URL, deletes it', async () => {
    const original = await photoWithGps();
    const before = (await exifr.parse(original, { gps: true })) as Record<string, unknown>;
    expect(before.Model).toBe('GPS-1');
    expect(before.latitude).toBeCloseTo(39.9, 1);

    const prepared = await prepareForEngine(original, volcengineLimits());
    const host = createS3ImageHost(s3.settings);
    const hosted = await host.put(prepared, 'ab'.repeat(32));
    expect(hosted.key).toMatch(/^tujian-tmp\/abababababab-[0-9a-f-]{36}\.jpg$/);
    expect(hosted.url).toContain('X-Amz-Signature=');
    expect(hosted.url).toContain('X-Amz-Expires=600');

    const res = await fetch(hosted.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const served = Buffer.from(await res.arrayBuffer());
    expect(served.equals(prepared.data)).toBe(true);
    const after = (await exifr.parse(served, { gps: true }).catch(() => undefined)) as
      Record<string, unknown> | undefined;
    expect(after?.latitude).toBeUndefined();
    expect(after?.Model).toBeUndefined();
    const meta = await sharp(served).metadata();
    expect(meta.exif).toBeUndefined();

    // s3rver checks the access key but not V4 signature values, so a tampered signature
    // cannot be tested here; the URL's shape is what the SDK's presigner guarantees.
    expect(new URL(hosted.url).searchParams.get('X-Amz-Credential')).toMatch(/^S3RVER\//);

    await host.remove(hosted.key);
    expect((await fetch(hosted.url)).status).toBe(404);
    host.close?.();
  });

  it('sweeps left-over copies under its prefix only, older than the cutoff', async () => {
    const host = createS3ImageHost({ ...s3.settings, prefix: 'sweep-test/' });
    const other = createS3ImageHost({ ...s3.settings, prefix: 'keep/' });
    const prepared = await prepareForEngine(await photoWithGps(), volcengineLimits());
    const a = await host.put(prepared, 'aa'.repeat(32));
    await host.put(prepared, 'bb'.repeat(32));
    const kept = await other.put(prepared, 'cc'.repeat(32));
    expect(await host.sweep?.(new Date(Date.now() - 3600_000))).toBe(0);
    expect((await fetch(a.url)).status).toBe(200);
    expect(await host.sweep?.(new Date(Date.now() + 60_000))).toBe(2);
    expect((await fetch(a.url)).status).toBe(404);
    expect((await fetch(kept.url)).status).toBe(200);
    await other.remove(kept.key);
    host.close?.();
    other.close?.();
  });

  it('reports a wrong bucket as a HostingError naming the bucket', async () => {
    const host = createS3ImageHost({ ...s3.settings, bucket: 'no-such-bucket' });
    const prepared = await prepareForEngine(await photoWithGps(), volcengineLimits());
    const error = await host.put(prepared, 'cd'.repeat(32)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostingError);
    expect((error as Error).message).toContain('no-such-bucket');
    host.close?.();
  });

  it('checks a bucket end to end and names what failed', async () => {
    const good = createS3ImageHost(s3.settings);
    expect(await checkImageHost(good)).toMatchObject({ step: 'hosting', ok: true });
    const bad = createS3ImageHost({ ...s3.settings, bucket: 'absent-bucket' });
    const failed = await checkImageHost(bad);
    expect(failed.ok).toBe(false);
    expect(failed.detail).toContain('absent-bucket');
    good.close?.();
    bad.close?.();
  });

  it('refuses settings without an endpoint URL', () => {
    expect(() => createS3ImageHost({ ...s3.settings, endpoint: 'not a url' })).toThrow();
  });
});
