// Fidelity of the Baidu emulator: Baidu's official Node SDK (baidu-aip-sdk 4.16.16, called
// unchanged; a devDependency) fetches its access token from the emulator, sends
// advanced_general the way it does to the real platform, and parses the answers and errors.
// The SDK hard-codes https://aip.baidubce.com; its own documented hook
// `HttpClient.setRequestInterceptor` (meant for proxies and timeouts) points that host at the
// emulator — the requests are otherwise exactly what the SDK builds.
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startBaiduEmulator,
  type BaiduEmulator,
} from '../../../main/emulators/baidu/baidu-emulator.ts';

interface BaiduResult {
  log_id?: number;
  result_num?: number;
  result?: { keyword: string; score: number; root: string }[];
  error_code?: number;
  error_msg?: string;
}
interface ImageClassifyClient {
  advancedGeneral(image: string, options?: Record<string, string>): Promise<BaiduResult>;
}
interface BaiduSdk {
  imageClassify: new (appId: string, apiKey: string, secretKey: string) => ImageClassifyClient;
  HttpClient: {
    setRequestInterceptor(callback: ((options: { url: string }) => unknown) | null): void;
  };
}
const sdk = createRequire(import.meta.url)('baidu-aip-sdk') as BaiduSdk;

let emulator: BaiduEmulator;
let photo: string;
const sdkUrls: string[] = [];

beforeAll(async () => {
  emulator = await startBaiduEmulator({ tagger: 'pixels' });
  sdk.HttpClient.setRequestInterceptor((options) => {
    sdkUrls.push(options.url);
    return { ...options, url: options.url.replace('https://aip.baidubce.com', emulator.baseUrl) };
  });
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
  sdk.HttpClient.setRequestInterceptor(null);
  await emulator.close();
});

describe(`${startBaiduEmulator.name} with the official SDK as client`, () => {
  it('the SDK gets a token and advancedGeneral is accepted and parsed', async () => {
    emulator.clearCalls();
    const client = new sdk.imageClassify(
      'tujian-test',
      emulator.credentials.apiKey,
      emulator.credentials.secretKey,
    );
    const answer = await client.advancedGeneral(photo);
    expect(answer.error_code).toBeUndefined();
    expect(answer.result_num).toBe(answer.result?.length);
    expect(answer.result?.map((r) => r.keyword)).toEqual(
      expect.arrayContaining(['前景物体', '蓝色']),
    );
    for (const r of answer.result ?? []) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
    expect(emulator.calls().map((c) => [c.route, c.outcome, c.paid])).toEqual([
      ['token', 'ok', false],
      ['advanced_general', 'ok', true],
    ]);
    // The SDK addressed the real platform; only the interceptor moved it here.
    expect(sdkUrls.some((u) => u.startsWith('https://aip.baidubce.com/oauth/2.0/token'))).toBe(
      true,
    );
  });

  it('a wrong Secret Key gets invalid_client from the token endpoint, and the call is refused', async () => {
    emulator.clearCalls();
    const client = new sdk.imageClassify('tujian-test', emulator.credentials.apiKey, 'wrong');
    const answer = await client.advancedGeneral(photo);
    // Without a token the SDK signs the BCE way, which AI-app keys cannot pass.
    expect(answer).toMatchObject({ error_code: 14, error_msg: 'IAM Certification failed' });
    expect(emulator.calls().map((c) => [c.route, c.outcome, c.paid])).toEqual([
      ['token', 'invalid_client', false],
      ['advanced_general', '14', false],
    ]);
  });

  it('a damaged image is 216201 image format error', async () => {
    const client = new sdk.imageClassify(
      'tujian-test',
      emulator.credentials.apiKey,
      emulator.credentials.secretKey,
    );
    const jpeg = Buffer.from(photo, 'base64');
    const answer = await client.advancedGeneral(jpeg.subarray(0, 300).toString('base64'));
    expect(answer).toMatchObject({ error_code: 216201 });
  });
});
