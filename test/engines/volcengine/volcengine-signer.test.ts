import { describe, expect, it } from 'vitest';
import {
  parseVolcengineAuthorization,
  sha256Hex,
  signVolcengineRequest,
  volcengineCanonicalQuery,
  volcengineUriEscape,
} from '../../../main/engines/volcengine/volcengine-signer.ts';

// Test vectors from PROTOCOLS.md §A.2, produced by the vendors' SDKs.
const base = {
  method: 'POST',
  accessKeyId: 'AKLTtestaccesskey',
  secretAccessKey: 'dGVzdHNlY3JldGtleQ==',
  region: 'cn-north-1',
  service: 'cv',
  date: new Date('2024-01-02T03:04:05Z'),
  headers: { 'Content-Type': 'application/json' },
};
const submitUrl = new URL(
  'https://visual.volcengineapi.com/?Action=CVSubmitTask&Version=2022-08-31',
);
const submitBody = '{"req_key":"test_req_key","image_url":"https://example.com/a.jpg"}';

describe(signVolcengineRequest.name, () => {
  it('hashes the exact body bytes', () => {
    expect(Buffer.byteLength(submitBody)).toBe(66);
    expect(sha256Hex(submitBody)).toBe(
      'd85fb0ac90e6122a4f6480f906dbc0fa355d22f160a60564b9bbd576ad0f5cf5',
    );
    expect(sha256Hex('')).toMatch(/^e3b0c442.*b855$/);
  });

  it.each([
    [
      ['x-content-sha256', 'x-date'],
      'e070b66baa4d68fde897be72801de806759160595c0da242c041f50bb7b1f729',
    ],
    [
      ['host', 'x-content-sha256', 'x-date'],
      'd060e1eed61dd954b3024debd93231307a826bf9bd57f4930e3ee6c3b267ade4',
    ],
    [
      ['content-type', 'host', 'x-content-sha256', 'x-date'],
      'dcf1cad2d0e0a994fc1adbdcb8d593e235eb80252f332ceaeeb7c85452e83887',
    ],
  ])('reproduces the SDK vector signing %j', (signedHeaders, signature) => {
    const signed = signVolcengineRequest({
      ...base,
      url: submitUrl,
      body: submitBody,
      signedHeaders,
    });
    expect(signed.signature).toBe(signature);
    expect(signed.headers.authorization).toBe(
      `HMAC-SHA256 Credential=AKLTtestaccesskey/20240102/cn-north-1/cv/request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
    );
    expect(signed.headers['x-date']).toBe('20240102T030405Z');
    expect(signed.headers['x-content-sha256']).toBe(sha256Hex(submitBody));
  });

  it('signs content-type;host;x-content-sha256;x-date by default (the Python SDK set)', () => {
    const signed = signVolcengineRequest({ ...base, url: submitUrl, body: submitBody });
    expect(signed.signature).toBe(
      'dcf1cad2d0e0a994fc1adbdcb8d593e235eb80252f332ceaeeb7c85452e83887',
    );
    expect(sha256Hex(signed.canonicalRequest)).toBe(
      'fa3c0aaef68f948607b47ad4aa4b08d5e661d9a3bc32017ca650056dc25dccba',
    );
    // CanonicalHeaders end in \n, so a blank line precedes SignedHeaders.
    expect(signed.canonicalRequest).toContain('x-date:20240102T030405Z\n\ncontent-type;host');
  });

  it('reproduces the CVGetResult vector', () => {
    const body = '{"req_key":"test_req_key","task_id":"7392616336519610409"}';
    expect(sha256Hex(body)).toBe(
      '94c726fb6c3242a15e01f7b3b48fef5c05e62a6bb745861a015d163cc81bdb58',
    );
    const signed = signVolcengineRequest({
      ...base,
      url: new URL('https://visual.volcengineapi.com/?Action=CVGetResult&Version=2022-08-31'),
      body,
    });
    expect(signed.signature).toBe(
      '5f70a30e6541f6f9e3bf1f14daf88b6b57267a7ede3f8eb2e0b888df3953b8a9',
    );
  });

  it('changes the signature when a byte of the body changes', () => {
    const a = signVolcengineRequest({ ...base, url: submitUrl, body: submitBody });
    const b = signVolcengineRequest({ ...base, url: submitUrl, body: `${submitBody} ` });
    expect(a.signature).not.toBe(b.signature);
  });

  it('signs X-Security-Token with temporary credentials', () => {
    const signed = signVolcengineRequest({
      ...base,
      url: submitUrl,
      body: submitBody,
      sessionToken: 'STS2token',
    });
    expect(signed.headers['x-security-token']).toBe('STS2token');
    expect(signed.headers.authorization).toContain(
      'SignedHeaders=content-type;host;x-content-sha256;x-date;x-security-token,',
    );
  });
});

describe(volcengineCanonicalQuery.name, () => {
  it('sorts keys and RFC 3986-encodes both sides', () => {
    expect(
      volcengineCanonicalQuery([
        ['Version', '2022-08-31'],
        ['Action', 'CVSubmitTask'],
      ]),
    ).toBe('Action=CVSubmitTask&Version=2022-08-31');
    expect(volcengineCanonicalQuery([['a b', "x*y!'()~"]])).toBe('a%20b=x%2Ay%21%27%28%29~');
    expect(volcengineUriEscape('中')).toBe('%E4%B8%AD');
  });
});

describe(parseVolcengineAuthorization.name, () => {
  it('parses what the signer writes and refuses other shapes', () => {
    const signed = signVolcengineRequest({ ...base, url: submitUrl, body: submitBody });
    expect(parseVolcengineAuthorization(signed.headers.authorization ?? '')).toEqual({
      accessKeyId: 'AKLTtestaccesskey',
      shortDate: '20240102',
      region: 'cn-north-1',
      service: 'cv',
      signedHeaders: ['content-type', 'host', 'x-content-sha256', 'x-date'],
      signature: 'dcf1cad2d0e0a994fc1adbdcb8d593e235eb80252f332ceaeeb7c85452e83887',
    });
    expect(parseVolcengineAuthorization('acs AK:sig')).toBeUndefined();
    expect(parseVolcengineAuthorization('HMAC-SHA256 Credential=AK, Signature=x')).toBeUndefined();
  });
});
