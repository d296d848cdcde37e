// Fidelity of the Tencent emulator: the official SDK (tencentcloud-sdk-nodejs 4.1.313, called
// unchanged; a devDependency) signs requests the emulator must accept and parses its answers
// and errors like the real gateway's. The SDK takes a plain http:// endpoint through its
// httpProfile, so no TLS is needed.
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTencentEmulator,
  type TencentEmulator,
} from '../../../main/emulators/tencent/tencent-emulator.ts';

interface SdkLabel {
  Name: string;
  Confidence: number;
  FirstCategory: string;
  SecondCategory: string;
}
interface TiiaClient {
  DetectLabelPro(req: { ImageBase64?: string; ImageUrl?: string }): Promise<{
    Labels?: SdkLabel[];
    RequestId?: string;
  }>;
  DetectLabel(req: { ImageBase64?: string; Scenes?: string[] }): Promise<{
    AlbumLabels?: SdkLabel[] | null;
    Labels?: SdkLabel[] | null;
  }>;
}
type TiiaClientClass = new (config: {
  credential: { secretId: string; secretKey: string };
  region: string;
  profile: { httpProfile: { endpoint: string; protocol: string } };
}) => TiiaClient;

// The SDK is CommonJS; require its tiia service the way its own index does.
const TiiaClient = (
  createRequire(import.meta.url)('tencentcloud-sdk-nodejs/tencentcloud/services/tiia') as {
    tiia: { v20190529: { Client: TiiaClientClass } };
  }
).tiia.v20190529.Client;

let emulator: TencentEmulator;
let photo: string;

beforeAll(async () => {
  emulator = await startTencentEmulator({ tagger: 'pixels' });
  const rect = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#00f' } })
    .png()
    .toBuffer();
  photo = (
    await sharp({ create: { width: 320, height: 200, channels: 3, background: '#fff' } })
      .composite([{ input: rect, left: 40, top: 100 }])
      .jpeg()
      .toBuffer()
  ).toString('base64');
});
afterAll(async () => {
  await emulator.close();
});

function sdkClient(secretKey = emulator.credentials.secretKey): TiiaClient {
  return new TiiaClient({
    credential: { secretId: emulator.credentials.secretId, secretKey },
    region: emulator.credentials.region,
    profile: {
      httpProfile: { endpoint: new URL(emulator.baseUrl).host, protocol: 'http://' },
    },
  });
}

describe(`${startTencentEmulator.name} with the official SDK as client`, () => {
  it('DetectLabelPro is signed by the SDK, accepted, and its answer parsed', async () => {
    emulator.clearCalls();
    const response = await sdkClient().DetectLabelPro({ ImageBase64: photo });
    expect(response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    const names = (response.Labels ?? []).map((l) => l.Name);
    expect(names).toEqual(expect.arrayContaining(['前景物体', '蓝色']));
    for (const label of response.Labels ?? []) {
      expect(label.Confidence).toBeGreaterThanOrEqual(0);
      expect(label.Confidence).toBeLessThanOrEqual(100);
      expect(typeof label.FirstCategory).toBe('string');
    }
    expect(emulator.calls().at(-1)).toMatchObject({ route: 'tiia', outcome: 'ok', paid: true });
  });

  it('DetectLabel answers the scene the SDK asked for, and only that one', async () => {
    const response = await sdkClient().DetectLabel({ ImageBase64: photo, Scenes: ['ALBUM'] });
    expect(response.AlbumLabels?.length).toBeGreaterThan(0);
    expect(response.Labels).toBeNull();
  });

  it('refuses a wrong secret with the gateway error AuthFailure.SignatureFailure, unbilled', async () => {
    emulator.clearCalls();
    const error: unknown = await sdkClient('not-the-secret-key')
      .DetectLabelPro({ ImageBase64: photo })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({
      code: 'AuthFailure.SignatureFailure',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
    expect((error as Error).message).toContain('could not be validated');
    expect(emulator.calls()).toMatchObject([
      { route: 'tiia', outcome: 'AuthFailure.SignatureFailure', paid: false },
    ]);
  });

  it('refuses an unknown SecretId with AuthFailure.SecretIdNotFound', async () => {
    const client = new TiiaClient({
      credential: { secretId: 'AKIDnobodyhasthisid0000000000000', secretKey: 'x' },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: new URL(emulator.baseUrl).host, protocol: 'http://' } },
    });
    await expect(client.DetectLabelPro({ ImageBase64: photo })).rejects.toMatchObject({
      code: 'AuthFailure.SecretIdNotFound',
    });
  });

  it('refuses a request signed more than 5 minutes ago with AuthFailure.SignatureExpire', async () => {
    emulator.advanceClock(6 * 60_000);
    try {
      await expect(sdkClient().DetectLabelPro({ ImageBase64: photo })).rejects.toMatchObject({
        code: 'AuthFailure.SignatureExpire',
      });
    } finally {
      emulator.advanceClock(-6 * 60_000);
    }
  });

  it('answers a damaged image with FailedOperation.ImageDecodeFailed', async () => {
    const jpeg = Buffer.from(photo, 'base64');
    await expect(
      sdkClient().DetectLabelPro({ ImageBase64: jpeg.subarray(0, 300).toString('base64') }),
    ).rejects.toMatchObject({ code: 'FailedOperation.ImageDecodeFailed' });
  });
});
