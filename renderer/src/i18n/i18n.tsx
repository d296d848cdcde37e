// The React half of the i18n layer: the current language and `t` through context.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { UiLanguage } from '../../../preload/api-contract.ts';
import { translate, type Translate } from './translate.ts';

interface I18n {
  readonly lang: UiLanguage;
  readonly t: Translate;
}

const I18nContext = createContext<I18n>({
  lang: 'en',
  t: (key, params) => translate('en', key, params),
});

export function I18nProvider({ lang, children }: { lang: UiLanguage; children: ReactNode }) {
  const value = useMemo<I18n>(
    () => ({ lang, t: (key, params) => translate(lang, key, params) }),
    [lang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
