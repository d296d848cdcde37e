// Shared shapes for the cloud engines' error classification tables (DESIGN.md §3): each engine
// maps every documented code to an ErrorClass in ONE data table, and falls back on the HTTP
// status for codes it has never seen. Retry-After parsing lives here so all engines honour it
// the same way.
import { EngineError, type ErrorClass } from './engine.ts';
import type { EngineId } from './tag-model.ts';

export interface ErrorRule {
  readonly errorClass: ErrorClass;
  /** What the code means, in words a user can act on. */
  readonly meaning: string;
}

export type ErrorTable = Readonly<Record<string, ErrorRule>>;

/** The class of an HTTP status when the vendor's code is unknown or absent. */
export function classifyHttpStatus(status: number): ErrorClass {
  if (status === 429) return 'retry-later';
  if (status === 401 || status === 403) return 'stop-engine';
  if (status === 408 || status >= 500) return 'retry';
  return 'permanent';
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined
 * when absent or unreadable. Never negative.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** What one JSON POST to a cloud API returned: the parsed body and any Retry-After. */
export interface JsonAnswer {
  readonly response: Response;
  readonly json: unknown;
  readonly retryAfterMs: number | undefined;
}

/**
 * POSTs a signed request and parses the JSON answer. Transport failures and bodies that are
 * not JSON become classified EngineErrors (timeout/network → retry; a non-JSON 429 →
 * retry-later), so each client only maps the vendor's own envelopes.
 */
export function postForJson(
  engine: EngineId,
  label: string,
  doFetch: typeof fetch,
  url: URL,
  init: { headers: Record<string, string>; body: string | Buffer; timeoutMs: number },
): Promise<JsonAnswer> {
  return requestJson(engine, label, doFetch, url, { method: 'POST', ...init });
}

/**
 * The system error code under a failed fetch (`ECONNREFUSED`, `ENOTFOUND`…): undici throws
 * `TypeError('fetch failed')` whose cause carries it. Found on an EngineError's cause chain.
 */
export function networkSystemCode(error: unknown): string | undefined {
  let cursor: unknown = error;
  for (let depth = 0; depth < 4 && cursor instanceof Error; depth++) {
    const code = (cursor as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    cursor = cursor.cause;
  }
  return undefined;
}

/** One JSON request (GET or POST); see `postForJson`. */
export async function requestJson(
  engine: EngineId,
  label: string,
  doFetch: typeof fetch,
  url: URL,
  init: {
    method: 'GET' | 'POST';
    headers: Record<string, string>;
    body?: string | Buffer;
    timeoutMs: number;
    signal?: AbortSignal | undefined;
  },
): Promise<JsonAnswer> {
  let response: Response;
  let text: string;
  const timeout = AbortSignal.timeout(init.timeoutMs);
  try {
    response = await doFetch(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: init.signal ? AbortSignal.any([timeout, init.signal]) : timeout,
    });
    text = await response.text();
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError' || timeout.aborted;
    throw new EngineError(
      engine,
      timedOut ? 'timeout' : 'network',
      `${label}: ${timedOut ? `no answer within ${String(init.timeoutMs)} ms` : `network error: ${(error as Error).message}`}`,
      'retry',
      undefined,
      { cause: error },
    );
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  try {
    return { response, json: JSON.parse(text) as unknown, retryAfterMs };
  } catch {
    throw new EngineError(
      engine,
      'malformed-response',
      `${label}: HTTP ${String(response.status)} with a body that is not JSON (${JSON.stringify(text.slice(0, 120))})`,
      response.status === 429 ? 'retry-later' : 'retry',
      retryAfterMs,
    );
  }
}
