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
