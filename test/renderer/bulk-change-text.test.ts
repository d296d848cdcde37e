import { describe, expect, it } from 'vitest';
import type { BulkChange } from '../../preload/api-contract.ts';
import { describeBulkChange } from '../../renderer/src/lib/bulk-change-text.ts';
import { translate } from '../../renderer/src/i18n/translate.ts';

const tag = { tagId: 3, name: 'beach', type: 'scene' as const, zh: '海滩', en: 'Beach' };
const say = (change: BulkChange, lang: 'zh' | 'en') =>
  describeBulkChange(change, (key, params) => translate(lang, key, params), lang);

describe(describeBulkChange.name, () => {
  it('says what a bulk change did with the right plural in English and the tag in each language', () => {
    const tagged: BulkChange = { changeId: 1, kind: 'add-tag', photos: 12, tag };
    expect(say(tagged, 'en')).toBe('Tagged 12 photos ‘Beach’');
    expect(say(tagged, 'zh')).toBe('已为 12 张照片添加标签“海滩”');
    expect(say({ ...tagged, photos: 1 }, 'en')).toBe('Tagged 1 photo ‘Beach’');
    expect(say({ ...tagged, photos: 1234 }, 'en')).toBe('Tagged 1,234 photos ‘Beach’');
    const removed: BulkChange = { changeId: 2, kind: 'remove-tag', photos: 1, tag };
    expect(say(removed, 'en')).toBe('Removed ‘Beach’ from 1 photo');
    expect(say({ ...removed, photos: 3 }, 'zh')).toBe('已从 3 张照片移除标签“海滩”');
    const added: BulkChange = {
      changeId: 3,
      kind: 'add-to-album',
      photos: 2,
      album: { id: 1, name: 'Trip' },
    };
    expect(say(added, 'en')).toBe('Added 2 photos to ‘Trip’');
    expect(say({ ...added, photos: 1 }, 'zh')).toBe('已将 1 张照片加入“Trip”');
    // Taken out of an album: one photo (the photo view's) needs no count.
    const taken: BulkChange = { ...added, changeId: 4, kind: 'remove-from-album', photos: 1 };
    expect(say(taken, 'en')).toBe('Removed from ‘Trip’');
    expect(say(taken, 'zh')).toBe('已从“Trip”移除');
    expect(say({ ...taken, photos: 3 }, 'en')).toBe('Removed 3 photos from ‘Trip’');
    expect(say({ ...taken, photos: 3 }, 'zh')).toBe('已从“Trip”移除 3 张照片');
  });
});
