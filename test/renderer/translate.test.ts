import { describe, expect, it } from 'vitest';
import { messages } from '../../renderer/src/i18n/messages.ts';
import { pickLanguage, translate } from '../../renderer/src/i18n/translate.ts';

describe(translate.name, () => {
  it('fills placeholders in both languages', () => {
    expect(translate('en', 'search.results', { count: '1,234' })).toBe('1,234 photos');
    expect(translate('zh', 'search.results', { count: 5 })).toBe('5 张照片');
    expect(translate('en', 'grid.selected')).toBe('{count} selected');
  });

  it('has every message in both languages with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(messages.en) as (keyof typeof messages.en)[]) {
      expect(messages.zh[key].trim(), key).not.toBe('');
      expect(placeholders(messages.zh[key]), key).toEqual(placeholders(messages.en[key]));
    }
  });
});

describe(pickLanguage.name, () => {
  it('prefers the saved choice, then the system languages, then English', () => {
    expect(pickLanguage('en', ['zh-CN'])).toBe('en');
    expect(pickLanguage(null, ['zh-TW', 'en'])).toBe('zh');
    expect(pickLanguage(null, ['fr-FR', 'en-GB'])).toBe('en');
    expect(pickLanguage(null, ['ja'])).toBe('en');
  });
});
