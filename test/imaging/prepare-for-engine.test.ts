import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineLimits } from '../../main/engines/engine.ts';
import { encodeBmp24 } from '../../main/imaging/bmp-decode.ts';
import {
  base64Length,
  PrepareError,
  prepareForEngine,
} from '../../main/imaging/prepare-for-engine.ts';
import { makeHalves, makePngBomb } from '../library/library-fixtures.ts';

/** Image Tagging V2 (seeds/001): JPEG/PNG/BMP/WEBP, sides 15–4096 px, base64 at most 10 MB. */
const imageTaggingV2: EngineLimits = {
  formats: ['jpeg', 'png', 'bmp', 'webp'],
  maxSide: 4096,
  minSide: 15,
  maxBase64Length: 10 * 1024 * 1024,
  input: 'base64',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-prepare-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function pixelAt(data: Buffer, x: number, y: number): Promise<number[]> {
  const { data: raw, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...raw.subarray(at, at + info.channels)];
}

describe(prepareForEngine.name, () => {
  it('fits a 12000×9000 photo inside 4096 px and strips its metadata', async () => {
    const file = join(dir, 'huge.jpg');
    await sharp({ create: { width: 12000, height: 9000, channels: 3, background: '#6a8' } })
      .jpeg({ quality: 80 })
      .withExif({ IFD0: { Make: 'Secret', Model: 'Camera' } })
      .toFile(file);
    const prepared = await prepareForEngine(file, imageTaggingV2);
    expect([prepared.width, prepared.height]).toEqual([4096, 3072]);
    expect(prepared.format).toBe('jpeg');
    const metadata = await sharp(prepared.data).metadata();
    expect([metadata.width, metadata.height, metadata.format]).toEqual([4096, 3072, 'jpeg']);
    expect(metadata.exif).toBeUndefined();
    expect(base64Length(prepared.data.length)).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  it('refuses a 10×10 image below the minimum side', async () => {
    const tiny = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const error = await prepareForEngine(tiny, imageTaggingV2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrepareError);
    expect(error).toMatchObject({ code: 'too-small' });
    expect((error as Error).message).toMatch(/10×10 px; the engine needs at least 15 px/);
  });

  it('refuses a sliver that would fall below the minimum side once fitted', async () => {
    const sliver = await sharp({
      create: { width: 9000, height: 20, channels: 3, background: '#000' },
    })
      .png()
      .toBuffer();
    await expect(prepareForEngine(sliver, imageTaggingV2)).rejects.toMatchObject({
      code: 'cannot-fit',
    });
  });

  it('flattens a PNG with alpha onto white for JPEG, and keeps alpha for PNG', async () => {
    const opaqueRight = await sharp({
      create: { width: 50, height: 100, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } },
    })
      .png()
      .toBuffer();
    const png = await sharp({
      create: { width: 100, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .composite([{ input: opaqueRight, left: 50, top: 0 }])
      .png()
      .toBuffer();
    const jpeg = await prepareForEngine(png, imageTaggingV2);
    expect(jpeg.format).toBe('jpeg');
    const left = await pixelAt(jpeg.data, 10, 50);
    const right = await pixelAt(jpeg.data, 90, 50);
    expect(left.slice(0, 3).every((v) => v > 245)).toBe(true);
    expect(right[0]).toBeGreaterThan(240);
    expect(right[1]).toBeLessThan(20);

    const pngOnly = await prepareForEngine(png, { ...imageTaggingV2, formats: ['png'] });
    expect(pngOnly.format).toBe('png');
    expect((await pixelAt(pngOnly.data, 10, 50))[3]).toBe(0);
    expect((await pixelAt(pngOnly.data, 90, 50))[3]).toBe(255);
  });

  it('applies EXIF orientation and drops the orientation tag', async () => {
    const file = join(dir, 'rotated.jpg');
    const upright = await (await makeHalves(300, 100)).jpeg({ quality: 95 }).toBuffer();
    await sharp(upright).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toFile(file);
    expect((await sharp(file).metadata()).orientation).toBe(6);
    const prepared = await prepareForEngine(file, imageTaggingV2);
    expect([prepared.width, prepared.height]).toEqual([100, 300]);
    const metadata = await sharp(prepared.data).metadata();
    expect(metadata.orientation).toBeUndefined();
    // Orientation 6 turns the picture 90° clockwise: the red left half is now on top.
    const top = await pixelAt(prepared.data, 50, 40);
    const bottom = await pixelAt(prepared.data, 50, 260);
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
  });

  it('converts a CMYK JPEG to sRGB with the right colours', async () => {
    const file = join(dir, 'cmyk.jpg');
    await sharp({ create: { width: 200, height: 150, channels: 3, background: '#e02020' } })
      .toColourspace('cmyk')
      .jpeg({ quality: 95 })
      .toFile(file);
    expect((await sharp(file).metadata()).space).toBe('cmyk');
    const prepared = await prepareForEngine(file, imageTaggingV2);
    const metadata = await sharp(prepared.data).metadata();
    expect(metadata.space).toBe('srgb');
    expect(metadata.channels).toBe(3);
    const [r = 0, g = 0, b = 0] = await pixelAt(prepared.data, 100, 75);
    expect(r).toBeGreaterThan(180);
    expect(g).toBeLessThan(90);
    expect(b).toBeLessThan(90);
  });

  it('lowers quality, then size, until the base64 length fits the 10 MB limit', async () => {
    // Noise compresses badly: at quality 88 this 4096×3072 JPEG is far over 10 MB in base64.
    const noisy = await sharp(randomBytes(4096 * 3072 * 3), {
      raw: { width: 4096, height: 3072, channels: 3 },
    })
      .jpeg({ quality: 95 })
      .toBuffer();
    const atBest = await sharp(noisy).jpeg({ quality: 88 }).toBuffer();
    expect(base64Length(atBest.length)).toBeGreaterThan(10 * 1024 * 1024);

    const prepared = await prepareForEngine(noisy, imageTaggingV2);
    expect(base64Length(prepared.data.length)).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(prepared.data.toString('base64').length).toBe(base64Length(prepared.data.length));

    // A much tighter byte limit forces smaller sizes too, keeping the aspect ratio.
    const small = await prepareForEngine(noisy, { ...imageTaggingV2, maxBytes: 300_000 });
    expect(small.data.length).toBeLessThanOrEqual(300_000);
    expect(small.width).toBeLessThan(4096);
    expect(small.width / small.height).toBeCloseTo(4 / 3, 1);
  });

  it('reads BMP through its own decoder and refuses bombs and non-images clearly', async () => {
    const raw = await (await makeHalves(40, 20)).raw().toBuffer({ resolveWithObject: true });
    const bmp = encodeBmp24(raw.data, raw.info.width, raw.info.height, raw.info.channels);
    writeFileSync(join(dir, 'x.bmp'), bmp);
    const prepared = await prepareForEngine(join(dir, 'x.bmp'), imageTaggingV2);
    expect([prepared.width, prepared.height]).toEqual([40, 20]);
    expect((await pixelAt(prepared.data, 5, 10))[0]).toBeGreaterThan(200);

    await expect(prepareForEngine(makePngBomb(20_000), imageTaggingV2)).rejects.toThrow(
      /decompression bomb/,
    );
    await expect(prepareForEngine(Buffer.from('hello'), imageTaggingV2)).rejects.toMatchObject({
      code: 'unreadable',
    });
  });
});
