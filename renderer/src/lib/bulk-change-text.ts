// What the toast says about a bulk change, in the UI language with the right plural
// ("Tagged 1 photo ‘beach’", "Tagged 12 photos ‘beach’"; Chinese has one form and a
// measure word, but the count of one is written out the same way for symmetry).
import type { BulkChange, UiLanguage } from '../../../preload/api-contract.ts';
import type { Translate } from '../i18n/translate.ts';
import { formatCount } from './format.ts';

export function describeBulkChange(change: BulkChange, t: Translate, lang: UiLanguage): string {
  const count = formatCount(change.photos, lang);
  if ('album' in change) {
    const album = change.album.name;
    if (change.kind === 'add-to-album') {
      return change.photos === 1
        ? t('toast.addedOne', { album })
        : t('toast.added', { count, album });
    }
    // One photo is the photo view's own: "Removed from ‘Trip’" says all there is to say.
    return change.photos === 1
      ? t('toast.removedOne', { album })
      : t('toast.removed', { count, album });
  }
  const tag = lang === 'zh' ? change.tag.zh : change.tag.en;
  if (change.kind === 'add-tag') {
    return change.photos === 1 ? t('toast.taggedOne', { tag }) : t('toast.tagged', { count, tag });
  }
  return change.photos === 1
    ? t('toast.untaggedOne', { tag })
    : t('toast.untagged', { count, tag });
}
