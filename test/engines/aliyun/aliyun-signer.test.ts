import { describe, expect, it } from 'vitest';
import {
  aliyunCanonicalizedResource,
  contentMd5Base64,
  parseAliyunAuthorization,
  signAliyunRequest,
} from '../../../main/engines/aliyun/aliyun-signer.ts';

// Test vectors from PROTOCOLS.md §C.2 (pop-core ROAClient 1.8.0 with Date and nonce pinned).
const base = {
  method: 'POST',
  accessKeyId: 'testAccessKeyId',
  accessKeySecret: 'testAccessKeySecret',
  date: new Date('Tue, 02 Jan 2024 03:04:05 GMT'),
  nonce: 'c0ffee00-0000-4000-8000-000000000001',
};

describe(signAliyunRequest.name, () => {
  it('reproduces the asyncscan vector, string to sign included', () => {
    const body =
      '{"scenes":["tag"],"tasks":[{"dataId":"img-001","url":"https://example.com/cat.jpg"}],"callback":"https://app.example.com/green/cb","seed":"s3cr3tSeed"}';
    expect(Buffer.byteLength(body)).toBe(151);
    expect(contentMd5Base64(body)).toBe('Fs39iBrbEvmANaJfR8pXDA==');
    const signed = signAliyunRequest({ ...base, path: '/green/image/asyncscan', body });
    expect(signed.stringToSign).toBe(
      [
        'POST',
        'application/json',
        'Fs39iBrbEvmANaJfR8pXDA==',
        'application/json',
        'Tue, 02 Jan 2024 03:04:05 GMT',
        'x-acs-signature-method:HMAC-SHA1',
        'x-acs-signature-nonce:c0ffee00-0000-4000-8000-000000000001',
        'x-acs-signature-version:1.0',
        'x-acs-version:2018-05-09',
        '/green/image/asyncscan',
      ].join('\n'),
    );
    expect(signed.headers.authorization).toBe('acs testAccessKeyId:drWtrvr4BGRSSnSnhVkRbUGo24U=');
    expect(signed.headers['content-md5']).toBe('Fs39iBrbEvmANaJfR8pXDA==');
  });

  it('reproduces the results vector with the query not encoded in the resource line', () => {
    const body = '["img4wlJcb7p4wH4lAP3111111-123456"]';
    expect(contentMd5Base64(body)).toBe('a5CoX8EX3hOkJsp5SFvhrA==');
    const signed = signAliyunRequest({
      ...base,
      path: '/green/image/results',
      query: { clientInfo: '{"ip":"127.0.0.1"}' },
      body,
    });
    expect(
      signed.stringToSign.endsWith('\n/green/image/results?clientInfo={"ip":"127.0.0.1"}'),
    ).toBe(true);
    expect(signed.headers.authorization).toBe('acs testAccessKeyId:JMg0PAau2B1VT1ESRKxTPrab4j4=');
  });

  it('signs the STS headers with temporary credentials', () => {
    const signed = signAliyunRequest({
      ...base,
      path: '/green/image/results',
      body: '[]',
      securityToken: 'sts-token',
    });
    expect(signed.stringToSign).toContain('x-acs-accesskey-id:testAccessKeyId\n');
    expect(signed.stringToSign).toContain('x-acs-security-token:sts-token\n');
  });
});

describe(aliyunCanonicalizedResource.name, () => {
  it('sorts the query by key and leaves values raw', () => {
    expect(aliyunCanonicalizedResource('/p', [])).toBe('/p');
    expect(
      aliyunCanonicalizedResource('/p', [
        ['z', 'a b'],
        ['a', '{"x":1}'],
      ]),
    ).toBe('/p?a={"x":1}&z=a b');
    expect(aliyunCanonicalizedResource('/p', [['e', '']])).toBe('/p?e=');
    expect(aliyunCanonicalizedResource('/p', [['e', '']], true)).toBe('/p?e');
  });
});

describe(parseAliyunAuthorization.name, () => {
  it('parses acs AK:signature', () => {
    expect(parseAliyunAuthorization('acs AK1:abc/+=')).toEqual({
      accessKeyId: 'AK1',
      signature: 'abc/+=',
    });
    expect(parseAliyunAuthorization('HMAC-SHA256 x')).toBeUndefined();
  });
});
