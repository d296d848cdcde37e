// The pure half of the i18n layer: choose a language and fill in a message.
import type { UiLanguage } from '../../../preload/api-contract.ts';
import { messages, type MessageKey } from './messages.ts';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The saved choice wins; otherwise the first system/browser language we have. */
export function pickLanguage(saved: UiLanguage | null, preferred: readonly string[]): UiLanguage {
  if (saved) return saved;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function translate(
  lang: UiLanguage,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const template = messages[lang][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
