// Turns a failed call into the sentence the UI shows, in the current language.
import { ApiCallError } from '../../../preload/api-client.ts';
import type { Translate } from '../i18n/translate.ts';

export function describeError(error: unknown, t: Translate): string {
  if (error instanceof ApiCallError) {
    if (error.code === 'unauthorized') return t('error.unauthorized');
    if (error.code === 'network') return t('error.network');
    return error.message;
  }
  return t('error.generic', { message: error instanceof Error ? error.message : String(error) });
}

/** A search the server could not parse, with the part to mark (0-based, in `query`). */
export interface QuerySyntaxError {
  readonly query: string;
  readonly start: number;
  readonly length: number;
  readonly message: string;
}

export function querySyntaxError(error: unknown, query: string): QuerySyntaxError | null {
  if (!(error instanceof ApiCallError) || error.code !== 'query-syntax') return null;
  const start = Math.min(error.span?.start ?? query.length, query.length);
  return { query, start, length: error.span?.length ?? 1, message: error.message };
}
