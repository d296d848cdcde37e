// Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256, as the official SDK
// (tencentcloud-sdk-nodejs, common/sign) computes it: the canonical request signs the
// content-type and host headers and the SHA-256 of the exact body bytes; the key is derived
// from the secret through the UTC date, the service name and "tc3_request". Test vectors come
// from the SDK itself (test/engines/tencent/tencent-signer.test.ts).
//
// The engine (tencent-client.ts) signs with `signTc3`; the emulator rebuilds the canonical
// request from the headers the caller says it signed and checks it with `tc3Signature`.
import { createHash, createHmac } from 'node:crypto';

export const tc3Algorithm = 'TC3-HMAC-SHA256';

export interface Tc3Request {
  readonly method: 'POST' | 'GET';
  /** e.g. `tiia.tencentcloudapi.com` (the signed host, without a port). */
  readonly host: string;
  /** The URL path (the API 3.0 endpoints use `/`). */
  readonly path?: string;
  /** The query string without `?` (empty for POST). */
  readonly query?: string;
  /** The header as sent, e.g. `application/json; charset=utf-8`. */
  readonly contentType: string;
  /** The exact bytes sent (empty for GET). */
  readonly body: string | Buffer;
  /** Service name in the credential scope, e.g. `tiia`. */
  readonly service: string;
  /** Unix seconds, the same value as the X-TC-Timestamp header. */
  readonly timestamp: number;
  readonly secretId: string;
  readonly secretKey: string;
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** The UTC date (YYYY-MM-DD) of a Unix timestamp: the credential scope's date. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export interface Tc3Signature {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
  /** The Authorization header value. */
  readonly authorization: string;
}

/** The SHA-256 of data as lower-case hex (the canonical request's payload hash). */
export { sha256Hex };

/** Signs a canonical request: the string to sign and the key derived through date and service. */
export function tc3Signature(input: {
  readonly canonicalRequest: string;
  readonly timestamp: number;
  readonly service: string;
  readonly secretKey: string;
}): { scope: string; stringToSign: string; signature: string } {
  const date = tc3Date(input.timestamp);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [
    tc3Algorithm,
    String(input.timestamp),
    scope,
    sha256Hex(input.canonicalRequest),
  ].join('\n');
  const kDate = hmac(`TC3${input.secretKey}`, date);
  const kService = hmac(kDate, input.service);
  const kSigning = hmac(kService, 'tc3_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  return { scope, stringToSign, signature };
}

export function signTc3(request: Tc3Request): Tc3Signature {
  const signedHeaders = 'content-type;host';
  const canonicalHeaders = `content-type:${request.contentType}\nhost:${request.host}\n`;
  const canonicalRequest = [
    request.method,
    request.path ?? '/',
    request.query ?? '',
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const { scope, stringToSign, signature } = tc3Signature({
    canonicalRequest,
    timestamp: request.timestamp,
    service: request.service,
    secretKey: request.secretKey,
  });
  return {
    canonicalRequest,
    stringToSign,
    signature,
    authorization: `${tc3Algorithm} Credential=${request.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
