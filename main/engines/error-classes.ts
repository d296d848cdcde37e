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
export async function postForJson(
  engine: EngineId,
  label: string,
  doFetch: typeof fetch,
  url: URL,
  init: { headers: Record<string, string>; body: string | Buffer; timeoutMs: number },
): Promise<JsonAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new EngineError(
      engine,
      timedOut ? 'timeout' : 'network',
      `${label}: ${timedOut ? `no answer within ${String(init.timeoutMs)} ms` : `network error: ${(error as Error).message}`}`,
      'retry',
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
