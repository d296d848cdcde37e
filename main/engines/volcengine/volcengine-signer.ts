// Volcengine OpenAPI signature V4 (HMAC-SHA256), PROTOCOLS.md §A.2. Pure functions shared by
// the client (which signs) and the emulator (which rebuilds the canonical request from the
// SignedHeaders list a client sent, because the official SDKs disagree on which headers to sign).
import { createHash, createHmac } from 'node:crypto';

export const volcengineAlgorithm = 'HMAC-SHA256';

/** The headers this client signs: the Python SDK's choice, which also satisfies the docs (host, x-date). */
export const volcengineDefaultSignedHeaders = [
  'content-type',
  'host',
  'x-content-sha256',
  'x-date',
] as const;

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 encoding: only `A-Za-z0-9-_.~` stay as they are (space → %20, `*` → %2A). */
export function volcengineUriEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Sorted by key (then value), both sides encoded, joined with `&`. */
export function volcengineCanonicalQuery(params: Iterable<readonly [string, string]>): string {
  return [...params]
    .map(([k, v]) => [volcengineUriEscape(k), volcengineUriEscape(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `name:value\n` per signed header (lower-case names, whitespace runs collapsed, trimmed). */
export function volcengineCanonicalHeaders(
  headers: ReadonlyMap<string, string>,
  signedHeaders: readonly string[],
): string {
  return [...signedHeaders]
    .sort()
    .map((name) => `${name}:${(headers.get(name) ?? '').replace(/\s+/g, ' ').trim()}\n`)
    .join('');
}

export interface VolcengineCanonicalParts {
  readonly method: string;
  readonly path: string;
  readonly canonicalQuery: string;
  /** Lower-case header names to their values; must contain every signed header. */
  readonly headers: ReadonlyMap<string, string>;
  readonly signedHeaders: readonly string[];
  /** Hex SHA-256 of the body (the X-Content-Sha256 value when that header is sent). */
  readonly bodyHash: string;
}

export function volcengineCanonicalRequest(parts: VolcengineCanonicalParts): string {
  const signed = [...parts.signedHeaders].sort();
  return [
    parts.method.toUpperCase(),
    parts.path || '/',
    parts.canonicalQuery,
    volcengineCanonicalHeaders(parts.headers, signed),
    signed.join(';'),
    parts.bodyHash,
  ].join('\n');
}

export function volcengineCredentialScope(xDate: string, region: string, service: string): string {
  return `${xDate.slice(0, 8)}/${region}/${service}/request`;
}

export function volcengineStringToSign(
  xDate: string,
  scope: string,
  canonicalRequest: string,
): string {
  return `${volcengineAlgorithm}\n${xDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

/** kDate → kRegion → kService → kSigning; the SK is used as its raw UTF-8 string. */
export function volcengineSigningKey(
  secretKey: string,
  shortDate: string,
  region: string,
  service: string,
): Buffer {
  const kDate = hmac(secretKey, shortDate);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'request');
}

export function volcengineSignature(
  secretKey: string,
  xDate: string,
  region: string,
  service: string,
  canonicalRequest: string,
): string {
  const scope = volcengineCredentialScope(xDate, region, service);
  const key = volcengineSigningKey(secretKey, xDate.slice(0, 8), region, service);
  return createHmac('sha256', key)
    .update(volcengineStringToSign(xDate, scope, canonicalRequest), 'utf8')
    .digest('hex');
}

/** `20240102T030405Z` from a Date. */
export function volcengineXDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

export interface VolcengineSignInput {
  readonly method: string;
  readonly url: URL;
  readonly body: string | Buffer;
  /** Extra headers to send (e.g. content-type); names are matched case-insensitively. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly region: string;
  readonly service: string;
  readonly date: Date;
  /** Lower-case names to sign; defaults to the Python SDK's set. Missing headers are skipped. */
  readonly signedHeaders?: readonly string[];
}

export interface VolcengineSignedRequest {
  /** All headers to send, including Authorization (host is implied by the URL). */
  readonly headers: Record<string, string>;
  readonly canonicalRequest: string;
  readonly signature: string;
}

/** Signs one request: adds X-Date, X-Content-Sha256 (and X-Security-Token) and Authorization. */
export function signVolcengineRequest(input: VolcengineSignInput): VolcengineSignedRequest {
  const xDate = volcengineXDate(input.date);
  const bodyHash = sha256Hex(input.body);
  const all = new Map<string, string>();
  for (const [k, v] of Object.entries(input.headers ?? {})) all.set(k.toLowerCase(), v);
  all.set('host', input.url.host);
  all.set('x-date', xDate);
  all.set('x-content-sha256', bodyHash);
  if (input.sessionToken) all.set('x-security-token', input.sessionToken);
  const wanted = [...(input.signedHeaders ?? volcengineDefaultSignedHeaders)];
  if (input.sessionToken && !wanted.includes('x-security-token')) wanted.push('x-security-token');
  const signedHeaders = wanted.filter((name) => all.has(name)).sort();
  const canonicalRequest = volcengineCanonicalRequest({
    method: input.method,
    path: input.url.pathname,
    canonicalQuery: volcengineCanonicalQuery(input.url.searchParams),
    headers: all,
    signedHeaders,
    bodyHash,
  });
  const signature = volcengineSignature(
    input.secretAccessKey,
    xDate,
    input.region,
    input.service,
    canonicalRequest,
  );
  const scope = volcengineCredentialScope(xDate, input.region, input.service);
  const headers: Record<string, string> = {};
  for (const [k, v] of all) if (k !== 'host') headers[k] = v;
  headers.authorization = `${volcengineAlgorithm} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return { headers, canonicalRequest, signature };
}

export interface VolcengineAuthorization {
  readonly accessKeyId: string;
  readonly shortDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `HMAC-SHA256 Credential=AK/date/region/service/request, SignedHeaders=…, Signature=…`. */
export function parseVolcengineAuthorization(value: string): VolcengineAuthorization | undefined {
  const match =
    /^HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const [, accessKeyId, shortDate, region, service, signed, signature] = match;
  if (!accessKeyId || !shortDate || !region || !service || !signed || !signature) return undefined;
  return {
    accessKeyId,
    shortDate,
    region,
    service,
    signedHeaders: signed.split(';'),
    signature,
  };
}
