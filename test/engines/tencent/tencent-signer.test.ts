// The TC3-HMAC-SHA256 signer against the vendor's own: every vector is signed by the official
// SDK's Sign.sign3 (tencentcloud-sdk-nodejs, a devDependency, called unchanged) and by ours,
// and one vector produced by SDK 4.1.313 is pinned so a change on either side is seen.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { signTc3, tc3Date } from '../../../main/engines/tencent/tencent-signer.ts';

interface SdkSign {
  sign3(input: {
    method: string;
    url: string;
    payload: Buffer | undefined;
    timestamp: number;
    service: string;
    secretId: string;
    secretKey: string;
    headers: Record<string, string>;
  }): string;
}
// The SDK is CommonJS with a default export; require it the way its own client does.
const sdkSign = (
  createRequire(import.meta.url)('tencentcloud-sdk-nodejs/tencentcloud/common/sign.js') as {
    default: SdkSign;
  }
).default;

const secretId = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const secretKey = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';

const vectors = [
  {
    name: 'a DetectLabelPro body with base64',
    method: 'POST' as const,
    body: JSON.stringify({ ImageBase64: '/9j/4AAQSkZJRg==' }),
    contentType: 'application/json',
    timestamp: 1765065600,
  },
  {
    name: 'Chinese text in the body (UTF-8 bytes are hashed)',
    method: 'POST' as const,
    body: JSON.stringify({ ImageUrl: 'https://example.com/图片.jpg', Scenes: ['CAMERA'] }),
    contentType: 'application/json; charset=utf-8',
    timestamp: 1796169599, // 2026-12-01T23:59:59Z: the date is the UTC one
  },
  {
    name: 'a GET with an empty body',
    method: 'GET' as const,
    body: '',
    contentType: 'application/x-www-form-urlencoded',
    timestamp: 1700000000,
  },
];

describe(signTc3.name, () => {
  it.each(vectors)('signs $name exactly as the official SDK', (v) => {
    const ours = signTc3({
      method: v.method,
      host: 'tiia.tencentcloudapi.com',
      contentType: v.contentType,
      body: v.body,
      service: 'tiia',
      timestamp: v.timestamp,
      secretId,
      secretKey,
    });
    const theirs = sdkSign.sign3({
      method: v.method,
      url: 'https://tiia.tencentcloudapi.com/',
      payload: v.body === '' ? undefined : Buffer.from(v.body),
      timestamp: v.timestamp,
      service: 'tiia',
      secretId,
      secretKey,
      headers: { 'Content-Type': v.contentType },
    });
    expect(ours.authorization).toBe(theirs);
  });

  it('matches the vector SDK 4.1.313 produced', () => {
    const signed = signTc3({
      method: 'POST',
      host: 'tiia.tencentcloudapi.com',
      contentType: 'application/json',
      body: JSON.stringify({ ImageBase64: '/9j/4AAQSkZJRg==', Scenes: ['CAMERA'] }),
      service: 'tiia',
      timestamp: 1765065600,
      secretId,
      secretKey,
    });
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2025-12-07/tiia/tc3_request, SignedHeaders=content-type;host, Signature=88312dfe9235dfde17970930f01ea1d47e6d5bcaa772057cc2f12472746ccb52',
    );
  });

  it('changes with the secret, and scopes the key by the UTC date', () => {
    const base = {
      method: 'POST' as const,
      host: 'tiia.tencentcloudapi.com',
      contentType: 'application/json',
      body: '{}',
      service: 'tiia',
      timestamp: 1796169599,
      secretId,
    };
    expect(signTc3({ ...base, secretKey }).signature).not.toBe(
      signTc3({ ...base, secretKey: `${secretKey}x` }).signature,
    );
    expect(tc3Date(1796169599)).toBe('2026-12-01');
    expect(tc3Date(1796169600)).toBe('2026-12-02');
  });
});
