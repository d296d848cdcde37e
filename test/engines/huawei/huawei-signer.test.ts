// The SDK-HMAC-SHA256 signer against the test vectors of PROTOCOLS.md B.2: the official Node
// SDK (core 3.1.211, AKSKSigner.sign) and the official Go signer tests (G42/Huawei Go SDK).
import { describe, expect, it } from 'vitest';
import {
  buildCanonicalRequest,
  buildStringToSign,
  canonicalQuery,
  canonicalUri,
  emptyBodySha256,
  encodeSigningComponent,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  sha256Hex,
  signHuaweiRequest,
  signStringToSign,
  signaturesEqual,
} from '../../../main/engines/huawei/huawei-signer.ts';

const nodeSdk = {
  ak: 'HWTESTAK0123456789AB',
  sk: 'hwTestSecretKey0123456789abcdefghijklmnop',
  project: '0123456789abcdef0123456789abcdef',
  date: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  url: 'https://image.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/image/tagging',
  body: '{"url":"https://example.com/cat.jpg","language":"zh","threshold":60,"limit":5}',
};

describe(signHuaweiRequest.name, () => {
  it('reproduces the Node SDK vector (content-type;host;x-project-id;x-sdk-date)', () => {
    expect(sha256Hex(nodeSdk.body)).toBe(
      'f6f37e9da15d1e4d143c29afeded47feb5704fc522b0fef04be85c3d2ad56188',
    );
    const signed = signHuaweiRequest(
      {
        method: 'POST',
        url: nodeSdk.url,
        headers: { 'Content-Type': 'application/json', 'X-Project-Id': nodeSdk.project },
        body: nodeSdk.body,
        date: nodeSdk.date,
      },
      nodeSdk,
    );
    expect(signed.signedHeaders.join(';')).toBe('content-type;host;x-project-id;x-sdk-date');
    expect(signed.canonicalRequest.split('\n')[1]).toBe(`/v2/${nodeSdk.project}/image/tagging/`);
    expect(sha256Hex(signed.canonicalRequest)).toBe(
      '4b96ab1c40a040411ea72e69d4aeb4c500b1397e8e44d69a7ffc772ac77e644a',
    );
    expect(signed.signature).toBe(
      '34449579a87a63d2feab0498c009eb27747795969348b3bd4e2f8b93ca7c2dbd',
    );
    expect(signed.headers.authorization).toBe(
      `SDK-HMAC-SHA256 Access=${nodeSdk.ak}, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=34449579a87a63d2feab0498c009eb27747795969348b3bd4e2f8b93ca7c2dbd`,
    );
    expect(signed.headers['x-sdk-date']).toBe('20240102T030405Z');
    expect(signed.headers.host).toBe('image.cn-north-4.myhuaweicloud.com');
  });

  it('reproduces the vector without X-Project-Id (content-type;host;x-sdk-date)', () => {
    const signed = signHuaweiRequest(
      {
        method: 'POST',
        url: nodeSdk.url,
        headers: { 'Content-Type': 'application/json' },
        body: nodeSdk.body,
        date: nodeSdk.date,
      },
      nodeSdk,
    );
    expect(signed.signature).toBe(
      '917884234767933d01d70b136d3f4da15d74751b068080e01df9daa8f5d554a1',
    );
  });

  it('signs a non-default port as part of host, and a changed body changes the signature', () => {
    const base = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      date: nodeSdk.date,
    };
    const a = signHuaweiRequest(
      { ...base, url: 'http://127.0.0.1:8123/v2/p/x', body: '{}' },
      nodeSdk,
    );
    expect(a.headers.host).toBe('127.0.0.1:8123');
    const b = signHuaweiRequest(
      { ...base, url: 'http://127.0.0.1:8123/v2/p/x', body: '{ }' },
      nodeSdk,
    );
    expect(b.signature).not.toBe(a.signature);
  });
});

describe(buildCanonicalRequest.name, () => {
  // The official Go signer tests (huaweicloud-sdk-go-v3 core/auth/signer/signer_test.go): AK
  // `AccessKey`, SK `SecretKey`, only x-sdk-date signed, date 20060102T150405Z.
  const goVector = (method: string, body: string) =>
    signStringToSign(
      'SecretKey',
      buildStringToSign(
        '20060102T150405Z',
        buildCanonicalRequest({
          method,
          path: '/path',
          query: [],
          headers: { 'X-Sdk-Date': '20060102T150405Z' },
          signedHeaders: ['x-sdk-date'],
          payloadHash: sha256Hex(body),
        }),
      ),
    );

  it('reproduces the Go signer GET vector', () => {
    expect(goVector('GET', '')).toBe(
      'eb70b3a0caf6633a8b8e4317622d8a0f6819821ec84896ceb7739a57e2d9ed76',
    );
  });

  it('reproduces the Go signer POST vector (json.Encoder body with its newline)', () => {
    expect(goVector('POST', '{"Name":"test","Id":1}\n')).toBe(
      '7f587e76874c5079f7e98769ab285ee75bea28e30110ab10dec4fc4d12c32f62',
    );
  });

  it('leaves a blank line after the canonical headers and uses the empty-body hash', () => {
    const request = buildCanonicalRequest({
      method: 'get',
      path: '/a b/',
      query: [
        ['b', '2'],
        ['a', 'x y'],
        ['b', '1'],
      ],
      headers: { Host: ' h ', 'x-sdk-date': 'd' },
      signedHeaders: ['host', 'x-sdk-date'],
      payloadHash: emptyBodySha256,
    });
    expect(request).toBe(
      `GET\n/a%20b/\na=x%20y&b=1&b=2\nhost:h\nx-sdk-date:d\n\nhost;x-sdk-date\n${emptyBodySha256}`,
    );
    expect(sha256Hex('')).toBe(emptyBodySha256);
  });
});

describe(canonicalUri.name, () => {
  it('encodes segments like the SDK and always ends in a slash', () => {
    expect(canonicalUri('/v2/p/image/tagging')).toBe('/v2/p/image/tagging/');
    expect(canonicalUri('/')).toBe('/');
    expect(canonicalUri("/a*b/c'd/图")).toBe('/a%2Ab/c%27d/%E5%9B%BE/');
    expect(canonicalUri('/a%20b/c', true)).toBe('/a%20b/c/');
  });

  it('keeps only the unreserved characters', () => {
    expect(encodeSigningComponent("AZaz09-_.~ !*'()/+=")).toBe(
      'AZaz09-_.~%20%21%2A%27%28%29%2F%2B%3D',
    );
    expect(canonicalQuery([['k', 'v w']])).toBe('k=v%20w');
  });
});

describe(parseAuthorization.name, () => {
  it('parses the header the signer writes and refuses others', () => {
    expect(
      parseAuthorization(
        'SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=AB12',
      ),
    ).toEqual({ ak: 'AK1', signedHeaders: ['host', 'x-sdk-date'], signature: 'ab12' });
    expect(parseAuthorization('HMAC-SHA256 Credential=x')).toBeUndefined();
    expect(parseAuthorization('SDK-HMAC-SHA256 Access=AK1, Signature=ab')).toBeUndefined();
  });

  it('compares signatures', () => {
    expect(signaturesEqual('ab', 'ab')).toBe(true);
    expect(signaturesEqual('ab', 'ac')).toBe(false);
    expect(signaturesEqual('ab', 'abc')).toBe(false);
  });
});

describe(formatSdkDate.name, () => {
  it('formats and parses X-Sdk-Date', () => {
    expect(formatSdkDate(nodeSdk.date)).toBe('20240102T030405Z');
    expect(parseSdkDate('20240102T030405Z')?.getTime()).toBe(nodeSdk.date.getTime());
    expect(parseSdkDate('2024-01-02T03:04:05Z')).toBeUndefined();
  });
});
