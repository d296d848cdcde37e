// Huawei Cloud / G42 API Gateway AK/SK signing, "SDK-HMAC-SHA256" (PROTOCOLS.md B.2).
// The same pieces serve the client (sign) and the emulator (rebuild the canonical request
// from the client's SignedHeaders and verify). Reproduces the vectors of the official Node
// SDK (core 3.1.211) and of the G42/Huawei Go signer tests (test/engines/huawei/).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const huaweiSigningAlgorithm = 'SDK-HMAC-SHA256';
export const emptyBodySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface HuaweiAkSk {
  readonly ak: string;
  readonly sk: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `YYYYMMDDTHHMMSSZ` in UTC, the X-Sdk-Date format. */
export function formatSdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Parses an X-Sdk-Date; undefined when it is not exactly `YYYYMMDDTHHMMSSZ`. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, ...number[]];
  const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Percent-encodes like the SDKs: only `A-Za-z0-9-_.~` stay, UTF-8 bytes as upper-case hex. */
export function encodeSigningComponent(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Each path segment encoded, and always a trailing `/` (the gateway's quirk).
 * `path` is the unencoded path; pass `decodeFirst` for a path as received on the wire.
 */
export function canonicalUri(path: string, decodeFirst = false): string {
  const segments = path
    .split('/')
    .map((segment) => encodeSigningComponent(decodeFirst ? decodeURIComponent(segment) : segment));
  const joined = segments.join('/');
  return joined.endsWith('/') ? joined : `${joined}/`;
}

/** Keys sorted, both sides encoded, values of a repeated key sorted, joined with `&`. */
export function canonicalQuery(params: Iterable<readonly [string, string]>): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of params) {
    const list = byKey.get(key) ?? [];
    list.push(value);
    byKey.set(key, list);
  }
  return [...byKey.keys()]
    .sort()
    .flatMap((key) =>
      (byKey.get(key) ?? [])
        .sort()
        .map((value) => `${encodeSigningComponent(key)}=${encodeSigningComponent(value)}`),
    )
    .join('&');
}

/** `name:value\n` for each signed header, names lower-case and sorted, values trimmed. */
export function canonicalHeaders(
  headers: Readonly<Record<string, string>>,
  signedHeaders: readonly string[],
): string {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return signedHeaders.map((name) => `${name}:${(lower.get(name) ?? '').trim()}\n`).join('');
}

export interface CanonicalRequestParts {
  readonly method: string;
  /** Unencoded path (`/v2/{project}/image/tagging`). */
  readonly path: string;
  readonly query: Iterable<readonly [string, string]>;
  readonly headers: Readonly<Record<string, string>>;
  /** Lower-case header names, sorted. */
  readonly signedHeaders: readonly string[];
  /** Hex SHA-256 of the body, or the X-Sdk-Content-Sha256 value. */
  readonly payloadHash: string;
}

export function buildCanonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method.toUpperCase(),
    canonicalUri(parts.path),
    canonicalQuery(parts.query),
    canonicalHeaders(parts.headers, parts.signedHeaders),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

/** `SDK-HMAC-SHA256\n{date}\n{hex(sha256(canonicalRequest))}`: no credential scope. */
export function buildStringToSign(sdkDate: string, canonicalRequest: string): string {
  return `${huaweiSigningAlgorithm}\n${sdkDate}\n${sha256Hex(canonicalRequest)}`;
}

/** HMAC-SHA256 keyed with the raw SK bytes; there is no key derivation. */
export function signStringToSign(sk: string, stringToSign: string): string {
  return createHmac('sha256', Buffer.from(sk, 'utf8')).update(stringToSign).digest('hex');
}

export interface SignInput {
  readonly method: string;
  /** Full URL; its host (with a non-default port) is signed as `host`. */
  readonly url: string;
  /** Headers to send and sign (besides host and X-Sdk-Date, which are added). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
  /** Fixed time for tests; now by default. */
  readonly date?: Date;
}

export interface SignedRequest {
  /** The headers to send: the input headers plus host, X-Sdk-Date and Authorization. */
  readonly headers: Record<string, string>;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
  readonly signedHeaders: readonly string[];
}

/**
 * Signs a request the way the official Node SDK does: every header sent is signed, plus
 * `host` and `X-Sdk-Date` (so content-type;host;x-project-id;x-sdk-date for its requests).
 */
export function signHuaweiRequest(input: SignInput, credentials: HuaweiAkSk): SignedRequest {
  const url = new URL(input.url);
  const sdkDate = formatSdkDate(input.date ?? new Date());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value;
  headers.host = url.host;
  headers['x-sdk-date'] = sdkDate;
  const signedHeaders = Object.keys(headers).sort();
  const payloadHash = headers['x-sdk-content-sha256'] ?? sha256Hex(input.body);
  const canonicalRequest = buildCanonicalRequest({
    method: input.method,
    path: decodeURIComponent(url.pathname),
    query: url.searchParams.entries(),
    headers,
    signedHeaders,
    payloadHash,
  });
  const stringToSign = buildStringToSign(sdkDate, canonicalRequest);
  const signature = signStringToSign(credentials.sk, stringToSign);
  return {
    headers: {
      ...headers,
      authorization: `${huaweiSigningAlgorithm} Access=${credentials.ak}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
    },
    canonicalRequest,
    stringToSign,
    signature,
    signedHeaders,
  };
}

export interface ParsedAuthorization {
  readonly ak: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`; undefined if malformed. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const m =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$/.exec(
      header.trim(),
    );
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { ak: m[1], signedHeaders: m[2].split(';'), signature: m[3].toLowerCase() };
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
