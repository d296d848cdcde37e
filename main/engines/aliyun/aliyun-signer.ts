// Aliyun ROA signature (HMAC-SHA1), PROTOCOLS.md §C.2, as @alicloud/pop-core's ROAClient
// computes it. Pure functions shared by the client (which signs) and the emulator (which
// recomputes the string to sign from what it received).
import { createHash, createHmac, randomUUID } from 'node:crypto';

export const aliyunApiVersion = '2018-05-09';

export function contentMd5Base64(body: string | Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

/** `x-acs-*` headers, lower-case, sorted, values trimmed with tabs/newlines made spaces. */
export function aliyunCanonicalizedHeaders(headers: ReadonlyMap<string, string>): string {
  return [...headers.keys()]
    .filter((name) => name.startsWith('x-acs-'))
    .sort()
    .map((name) => `${name}:${(headers.get(name) ?? '').replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
}

/**
 * The path plus `?k=v&…` sorted by key, with the values NOT URL-encoded (the URL itself is
 * encoded; the signature is over the raw values). pop-core writes `k=` for an empty value;
 * the Tea openapi-util writes a bare `k` (`bareEmptyValues`), so a server may accept either.
 */
export function aliyunCanonicalizedResource(
  path: string,
  query: Iterable<readonly [string, string]>,
  bareEmptyValues = false,
): string {
  const pairs = [...query].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (pairs.length === 0) return path;
  return `${path}?${pairs.map(([k, v]) => (v === '' && bareEmptyValues ? k : `${k}=${v}`)).join('&')}`;
}

/** `headers` must have lower-case names. */
export function aliyunStringToSign(
  method: string,
  path: string,
  query: Iterable<readonly [string, string]>,
  headers: ReadonlyMap<string, string>,
  bareEmptyValues = false,
): string {
  const line = (name: string) => headers.get(name) ?? '';
  return (
    `${method.toUpperCase()}\n${line('accept')}\n${line('content-md5')}\n${line('content-type')}\n${line('date')}\n` +
    aliyunCanonicalizedHeaders(headers) +
    aliyunCanonicalizedResource(path, query, bareEmptyValues)
  );
}

export function aliyunSignature(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

export interface AliyunSignInput {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
  readonly date: Date;
  /** Unique per request; a fresh UUID when not given. */
  readonly nonce?: string;
  readonly apiVersion?: string;
}

export interface AliyunSignedRequest {
  /** Lower-case header names, Authorization included. */
  readonly headers: Record<string, string>;
  readonly stringToSign: string;
}

export function signAliyunRequest(input: AliyunSignInput): AliyunSignedRequest {
  const headers = new Map<string, string>([
    ['accept', 'application/json'],
    ['content-type', 'application/json'],
    ['content-md5', contentMd5Base64(input.body)],
    ['date', input.date.toUTCString()],
    ['x-acs-signature-method', 'HMAC-SHA1'],
    ['x-acs-signature-nonce', input.nonce ?? randomUUID()],
    ['x-acs-signature-version', '1.0'],
    ['x-acs-version', input.apiVersion ?? aliyunApiVersion],
  ]);
  if (input.securityToken) {
    headers.set('x-acs-accesskey-id', input.accessKeyId);
    headers.set('x-acs-security-token', input.securityToken);
  }
  const stringToSign = aliyunStringToSign(
    input.method,
    input.path,
    Object.entries(input.query ?? {}),
    headers,
  );
  const result = Object.fromEntries(headers);
  result.authorization = `acs ${input.accessKeyId}:${aliyunSignature(input.accessKeySecret, stringToSign)}`;
  return { headers: result, stringToSign };
}

/** Parses `acs AK:signature`. */
export function parseAliyunAuthorization(
  value: string,
): { accessKeyId: string; signature: string } | undefined {
  const match = /^acs\s+([^:\s]+):(\S+)$/.exec(value.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { accessKeyId: match[1], signature: match[2] };
}
