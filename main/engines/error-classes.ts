// Shared shapes for the cloud engines' error classification tables (DESIGN.md §3): each engine
// maps every documented code to an ErrorClass in ONE data table, and falls back on the HTTP
// status for codes it has never seen. Retry-After parsing lives here so all engines honour it
// the same way.
import type { ErrorClass } from './engine.ts';

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
