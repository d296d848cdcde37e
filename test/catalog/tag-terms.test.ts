// Tag terms with merged tags: the names of a tag merged into another are search terms of the
// survivor ([Note: Merged tags stay merged] in migration 0006), on a real catalog file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeTags } from '../../main/catalog/tag-editing.ts';
import {
  refreshTagTerms,
  resolveTagWord,
  tagIdsByName,
  termsForTag,
} from '../../main/catalog/tag-terms.ts';
import { searchPhotos } from '../../main/search/search-service.ts';
import { commonTags, SearchFixture } from '../search/search-fixture.ts';

let fx: SearchFixture;
beforeEach(() => {
  fx = new SearchFixture();
  fx.addTags(commonTags);
});
afterEach(() => {
  fx.close();
});

const termsOf = (tagId: number) =>
  fx.db
    .prepare<[number], { term: string; whole: number }>(
      `SELECT term, whole FROM tag_terms WHERE tag_id = ? ORDER BY term`,
    )
    .all(tagId);

describe(termsForTag.name, () => {
  it("adds the aliases' names, whole names ranked as whole, without duplicates", () => {
    const terms = termsForTag({ name: 'dog', zh: '狗', en: 'Dog' }, [
      { name: 'puppy', zh: '小狗', en: 'Puppy' },
      { name: 'hound dog', zh: '猎犬', en: 'Hound dog' },
    ]);
    expect(terms.map((t) => `${t.term}:${String(t.contains)}${String(t.whole)}`).sort()).toEqual([
      'dog:01', // own whole name wins over the suffix of "hound dog"
      'hound dog:01',
      'puppy:01',
      '小狗:11',
      '犬:10',
      '狗:11', // own whole name wins over the suffix of 小狗
      '猎犬:11',
    ]);
    expect(termsForTag({ name: 'dog', zh: '狗', en: 'Dog' })).toEqual(
      termsForTag({ name: 'dog', zh: '狗', en: 'Dog' }, []),
    );
  });
});

describe(refreshTagTerms.name, () => {
  it('re-indexes the target of a merge with the old names, and only what changed', () => {
    const dog = fx.tagId('dog');
    refreshTagTerms(fx.db);
    expect(refreshTagTerms(fx.db)).toBe(0);
    mergeTags(fx.db, fx.tagId('puppy'), dog);
    expect(refreshTagTerms(fx.db)).toBe(1);
    expect(termsOf(dog)).toEqual([
      { term: 'dog', whole: 1 },
      { term: 'puppy', whole: 1 },
      { term: '小狗', whole: 1 },
      { term: '狗', whole: 1 },
    ]);
    expect(resolveTagWord(fx.db, 'Puppy')).toEqual([dog]);
    expect(resolveTagWord(fx.db, '小狗')).toEqual([dog]);
    // Deleting the target drops its aliases with it: the old name resolves to nothing.
    fx.db.prepare(`DELETE FROM tags WHERE id = ?`).run(dog);
    expect(refreshTagTerms(fx.db)).toBe(0);
    expect(resolveTagWord(fx.db, 'puppy')).toEqual([]);
  });

  it('moves the old names along a chain of merges', () => {
    const person = fx.tagId('person');
    mergeTags(fx.db, fx.tagId('puppy'), fx.tagId('dog'));
    refreshTagTerms(fx.db);
    mergeTags(fx.db, fx.tagId('dog'), person);
    refreshTagTerms(fx.db);
    const hotDog = fx.tagId('hot dog');
    const both = [person, hotDog].sort((a, b) => a - b);
    for (const word of ['puppy', '小狗', 'person']) {
      expect(resolveTagWord(fx.db, word), word).toEqual([person]);
    }
    // "dog" and "狗" also find "hot dog" / 热狗, as before the merges; "hot dog" only itself.
    expect(resolveTagWord(fx.db, 'dog')).toEqual(both);
    expect(resolveTagWord(fx.db, '狗')).toEqual(both);
    expect(resolveTagWord(fx.db, 'hot dog')).toEqual([hotDog]);
  });
});

describe(tagIdsByName.name, () => {
  it('finds the tag a canonical name was merged into, so faces: keeps counting', () => {
    const person = fx.tagId('person');
    fx.addPhoto({ relPath: 'two.jpg', tags: [{ tag: 'face', engine: 'local', boxes: 2 }] });
    expect(searchPhotos(fx.db, 'faces:2').items.map((i) => i.relPath)).toEqual(['two.jpg']);
    mergeTags(fx.db, fx.tagId('face'), person);
    expect(tagIdsByName(fx.db, ['face'])).toEqual([person]);
    expect(tagIdsByName(fx.db, ['face', 'person', 'cat'])).toEqual(
      [person, fx.tagId('cat')].sort((a, b) => a - b),
    );
    expect(tagIdsByName(fx.db, ['unicorn'])).toEqual([]);
    expect(searchPhotos(fx.db, 'faces:2').items.map((i) => i.relPath)).toEqual(['two.jpg']);
  });
});
