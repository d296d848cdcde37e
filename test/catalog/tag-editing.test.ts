import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../main/catalog/catalog-connection.ts';
import type { EngineAnswer, TagType } from '../../main/engines/tag-model.ts';
import { listContentTags, saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import {
  addTag,
  findOrCreateTag,
  findTagByName,
  listTagAliases,
  mergeTags,
  removeTag,
  renameTag,
  TagEditError,
  unrejectTag,
} from '../../main/catalog/tag-editing.ts';
import {
  autocompleteTags,
  QueryParseError,
  searchPhotos,
} from '../../main/search/search-service.ts';
import { selectionFor } from '../../main/search/query-tagging.ts';
import { commonTags, SearchFixture } from '../search/search-fixture.ts';

let fx: SearchFixture;
let db: Catalog;

const found = (query: string) =>
  searchPhotos(db, query, { limit: 1000, facets: false })
    .items.map((i) => i.relPath)
    .sort();

function contentOf(relPath: string): number {
  const row = db
    .prepare<[string], { content_id: number }>(`SELECT content_id FROM photos WHERE rel_path = ?`)
    .get(relPath);
  if (!row) throw new Error(relPath);
  return row.content_id;
}

function rows(
  relPath: string,
  tag: string,
): { engine: string; state: string; confidence: number }[] {
  return db
    .prepare<[number, string], { engine: string; state: string; confidence: number }>(
      `SELECT pt.engine, pt.state, pt.confidence FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
       WHERE pt.content_id = ? AND t.name = ? ORDER BY pt.engine`,
    )
    .all(contentOf(relPath), tag);
}

/** tag_stats must equal a count from scratch (see [Note: Tag counts]). */
function expectStatsExact(): void {
  const truth = db
    .prepare(
      `SELECT tag_id, count(DISTINCT content_id) AS n FROM photo_tags WHERE state != 'rejected' GROUP BY tag_id ORDER BY tag_id`,
    )
    .all();
  const kept = db
    .prepare(`SELECT tag_id, contents AS n FROM tag_stats WHERE contents != 0 ORDER BY tag_id`)
    .all();
  expect(kept).toEqual(truth);
}

beforeEach(() => {
  fx = new SearchFixture();
  db = fx.db;
  fx.addTags(commonTags);
  fx.addPhoto({
    relPath: 'a.jpg',
    tags: [
      { tag: 'dog', engine: 'local', confidence: 90, boxes: 1 },
      { tag: 'dog', engine: 'huawei', confidence: 80 },
      { tag: 'beach', engine: 'huawei', confidence: 70 },
    ],
  });
  fx.addPhoto({ folder: '/copy', relPath: 'a-copy.jpg', hash: 'hash-a.jpg' });
  fx.addPhoto({
    relPath: 'b.jpg',
    tags: [{ tag: 'puppy', confidence: 60, boxes: 2 }, { tag: 'beach' }],
  });
  fx.addPhoto({ relPath: 'c.jpg', tags: [{ tag: 'cat' }] });
  fx.addPhoto({ relPath: 'pending.jpg', hash: null });
});
afterEach(() => {
  fx.close();
});

describe(addTag.name, () => {
  it('adds a user tag to the contents of the selected photos, reusing a known tag by zh or en name', () => {
    const result = addTag(db, { photoIds: [fx.id('c.jpg'), fx.id('pending.jpg')] }, '狗', 1234);
    expect(result).toMatchObject({ created: false, changed: 1, skipped: 1 });
    expect(result.tag).toMatchObject({ name: 'dog', zh: '狗', en: 'Dog' });
    expect(rows('c.jpg', 'dog')).toEqual([{ engine: 'user', state: 'user', confidence: 100 }]);
    expect(found('dog')).toEqual(['a-copy.jpg', 'a.jpg', 'c.jpg']);
    expect(found('engine:user')).toEqual(['c.jpg']);
    // The same content in two places is tagged once and counted once.
    const twice = addTag(db, { photoIds: [fx.id('a.jpg'), fx.id('a-copy.jpg')] }, 'Cat');
    expect(twice.changed).toBe(1);
    expect(found('cat')).toEqual(['a-copy.jpg', 'a.jpg', 'c.jpg']);
    // Adding again changes nothing.
    expect(addTag(db, { photoIds: [fx.id('c.jpg')] }, 'dog').changed).toBe(0);
    expectStatsExact();
  });

  it('refuses a selection with nothing to tag, and creates no tag for it', () => {
    expect(() => addTag(db, selectionFor(db, { query: 'nosuchthing' }), '新标签')).toThrow(
      /No photo matches/,
    );
    expect(() => addTag(db, { photoIds: [fx.id('pending.jpg')] }, '新标签')).toThrow(
      /not ingested yet/,
    );
    expect(db.prepare(`SELECT count(*) FROM tags WHERE name = '新标签'`).pluck().get()).toBe(0);
  });

  it('creates an unknown tag, with both names or the missing one defaulted to the given text', () => {
    const one = addTag(db, { photoIds: [fx.id('c.jpg')] }, '柯基');
    expect(one.created).toBe(true);
    expect(one.tag).toMatchObject({ name: '柯基', zh: '柯基', en: '柯基', type: 'concept' });
    const both = findOrCreateTag(db, { zh: '度假', en: 'Vacation', type: 'scene' });
    expect(both).toMatchObject({
      created: true,
      tag: { name: 'vacation', zh: '度假', en: 'Vacation', type: 'scene' },
    });
    expect(findOrCreateTag(db, 'vacation').tag.id).toBe(both.tag.id);
    expect(findOrCreateTag(db, '度假').created).toBe(false);
    expect(() => findOrCreateTag(db, '   ')).toThrow(TagEditError);
    addTag(db, { photoIds: [fx.id('b.jpg')] }, { en: 'Vacation' });
    expect(found('度假')).toEqual(['b.jpg']);
    expect(found('柯基')).toEqual(['c.jpg']);
  });

  it('applies to every photo a query finds', () => {
    const result = addTag(db, selectionFor(db, { query: 'beach' }), { zh: '度假', en: 'Holiday' });
    expect(result.changed).toBe(2);
    expect(found('holiday')).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg']);
  });

  it('changes nothing when the selection query does not parse', () => {
    expect(() => addTag(db, selectionFor(db, { query: 'beach (' }), 'brand new')).toThrow(
      QueryParseError,
    );
    expect(db.prepare(`SELECT count(*) AS n FROM tags WHERE name = 'brand new'`).get()).toEqual({
      n: 0,
    });
  });
});

describe(removeTag.name, () => {
  it('rejects every engine row of the tag, keeps them, and search and autocomplete drop it', () => {
    const before = autocompleteTags(db, 'dog').find((t) => t.name === 'dog')?.count;
    expect(before).toBe(1);
    const result = removeTag(db, { photoIds: [fx.id('a-copy.jpg')] }, 'dog');
    expect(result.changed).toBe(1);
    expect(rows('a.jpg', 'dog')).toEqual([
      { engine: 'huawei', state: 'rejected', confidence: 80 },
      { engine: 'local', state: 'rejected', confidence: 90 },
    ]);
    expect(found('dog')).toEqual([]);
    expect(found('beach')).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg']);
    expect(autocompleteTags(db, 'dog').find((t) => t.name === 'dog')).toBeUndefined();
    expectStatsExact();
  });

  it('is never undone by re-tagging (saveEngineAnswer skips rejected pairs)', () => {
    removeTag(db, { photoIds: [fx.id('a.jpg')] }, 'dog');
    const saved = saveEngineAnswer(
      db,
      contentOf('a.jpg'),
      {
        engine: 'local',
        model: 'm2',
        tags: [
          {
            name: 'dog',
            i18n: { zh: '狗', en: 'Dog' },
            type: 'object',
            confidence: 99,
            instances: [{ x: 0.1, y: 0.1, w: 0.5, h: 0.5, confidence: 99 }],
          },
          {
            name: 'cat',
            i18n: { zh: '猫', en: 'Cat' },
            type: 'object',
            confidence: 70,
            instances: [],
          },
        ],
      },
      'k1',
    );
    expect(saved.skippedRejected).toBe(1);
    expect(found('dog')).toEqual([]);
    expect(found('cat')).toEqual(['a-copy.jpg', 'a.jpg', 'c.jpg']);
    expectStatsExact();
  });

  it('can be lifted by adding the tag again or by unrejecting it', () => {
    removeTag(db, { photoIds: [fx.id('a.jpg')] }, 'dog');
    const back = addTag(db, { photoIds: [fx.id('a.jpg')] }, 'dog');
    expect(back.changed).toBe(1);
    expect(rows('a.jpg', 'dog')).toEqual([
      { engine: 'huawei', state: 'auto', confidence: 80 },
      { engine: 'local', state: 'auto', confidence: 90 },
      { engine: 'user', state: 'user', confidence: 100 },
    ]);
    removeTag(db, selectionFor(db, { query: 'dog' }), 'dog');
    expect(rows('a.jpg', 'dog').every((r) => r.state === 'rejected')).toBe(true);
    expect(unrejectTag(db, { photoIds: [fx.id('a.jpg')] }, 'dog').changed).toBe(1);
    expect(rows('a.jpg', 'dog').map((r) => r.state)).toEqual(['auto', 'auto', 'user']);
    expectStatsExact();
  });

  it('refuses an unknown tag without changing anything', () => {
    expect(() => removeTag(db, { photoIds: [fx.id('a.jpg')] }, 'unicorn')).toThrow(/No tag named/);
    expect(() => removeTag(db, { photoIds: [fx.id('a.jpg')] }, 9999)).toThrow(TagEditError);
  });
});

describe(renameTag.name, () => {
  it('changes the display names, which search finds at once, and keeps the canonical name', () => {
    const tag = renameTag(db, fx.tagId('puppy'), { zh: '幼犬', en: 'Pup' });
    expect(tag).toMatchObject({ name: 'puppy', zh: '幼犬', en: 'Pup' });
    expect(found('幼犬')).toEqual(['b.jpg']);
    expect(found('pup')).toEqual(['b.jpg']);
    expect(found('小狗')).toEqual([]);
    expect(() => renameTag(db, fx.tagId('puppy'), { zh: ' ' })).toThrow(/cannot be empty/);
    expect(() => renameTag(db, 9999, { zh: 'x' })).toThrow(TagEditError);
  });
});

describe(mergeTags.name, () => {
  it('moves rows and boxes into the target, resolves collisions and deletes the merged tag', () => {
    // c.jpg has both puppy (local, 2 boxes) and dog (local, 1 box, higher confidence).
    fx.tagContent(contentOf('c.jpg'), { tag: 'puppy', engine: 'local', confidence: 40, boxes: 2 });
    fx.tagContent(contentOf('c.jpg'), { tag: 'dog', engine: 'local', confidence: 95, boxes: 1 });
    const result = mergeTags(db, fx.tagId('puppy'), fx.tagId('dog'));
    expect(result.into.name).toBe('dog');
    expect(result.from.name).toBe('puppy');
    expect(found('dog')).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg', 'c.jpg']);
    expect(db.prepare(`SELECT count(*) AS n FROM tags WHERE name = 'puppy'`).get()).toEqual({
      n: 0,
    });
    expect(rows('c.jpg', 'dog')).toEqual([{ engine: 'local', state: 'auto', confidence: 95 }]);
    const boxes = (rel: string) =>
      db
        .prepare<[number, number], { n: number }>(
          `SELECT count(*) AS n FROM tag_boxes WHERE content_id = ? AND tag_id = ?`,
        )
        .get(contentOf(rel), fx.tagId('dog'))?.n;
    expect(boxes('b.jpg')).toBe(2); // moved
    expect(boxes('c.jpg')).toBe(1); // the target's own boxes stay on a collision
    expectStatsExact();
  });

  it('keeps a removal on either side and a user addition over both', () => {
    fx.tagContent(contentOf('c.jpg'), { tag: 'puppy', engine: 'local', state: 'rejected' });
    fx.tagContent(contentOf('c.jpg'), { tag: 'dog', engine: 'huawei' });
    fx.tagContent(contentOf('b.jpg'), { tag: 'dog', engine: 'local', state: 'rejected' });
    fx.tagContent(contentOf('b.jpg'), {
      tag: 'dog',
      engine: 'user',
      state: 'user',
      confidence: 100,
    });
    mergeTags(db, fx.tagId('puppy'), fx.tagId('dog'));
    expect(rows('c.jpg', 'dog').map((r) => r.state)).toEqual(['rejected', 'rejected']);
    expect(rows('b.jpg', 'dog').map((r) => [r.engine, r.state])).toEqual([
      ['local', 'rejected'],
      ['user', 'user'],
    ]);
    expect(found('dog')).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg']);
    expectStatsExact();
  });

  it('refuses merging a tag into itself or into a missing tag, changing nothing', () => {
    expect(() => mergeTags(db, fx.tagId('dog'), fx.tagId('dog'))).toThrow(/itself/);
    expect(() => mergeTags(db, fx.tagId('dog'), 9999)).toThrow(TagEditError);
    expect(() => mergeTags(db, 9999, fx.tagId('dog'))).toThrow(TagEditError);
    expect(found('dog')).toEqual(['a-copy.jpg', 'a.jpg']);
    expect(listTagAliases(db)).toEqual([]);
  });
});

/** What an engine says about one content: the given tags, as saveEngineAnswer receives them. */
function engineSays(
  relPath: string,
  engine: 'local' | 'huawei',
  tags: readonly { name: string; zh: string; en: string; type?: TagType; confidence: number }[],
  settingsKey = 'k-again',
) {
  const answer: EngineAnswer = {
    engine,
    model: 'm2',
    tags: tags.map((t) => ({
      name: t.name,
      i18n: { zh: t.zh, en: t.en },
      type: t.type ?? 'object',
      confidence: t.confidence,
      instances: [{ x: 0.1, y: 0.1, w: 0.3, h: 0.3, confidence: t.confidence }],
    })),
  };
  return saveEngineAnswer(db, contentOf(relPath), answer, settingsKey);
}

const puppy = { name: 'puppy', zh: '小狗', en: 'Puppy' };
const tagCount = (name: string) =>
  db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM tags WHERE name = ?`).get(name)?.n;

describe(`${mergeTags.name} sticks`, () => {
  it('lands the merged-away tag on the target when an engine reports it again', () => {
    const dog = fx.tagId('dog');
    mergeTags(db, fx.tagId('puppy'), dog, 5000);
    expect(listTagAliases(db)).toEqual([
      { name: 'puppy', type: 'object', zh: '小狗', en: 'Puppy', tagId: dog, createdAt: 5000 },
    ]);
    // c.jpg had no dog at all; the local engine now says "puppy" (with a box).
    const saved = engineSays('c.jpg', 'local', [
      { ...puppy, confidence: 77 },
      { name: 'cat', zh: '猫', en: 'Cat', confidence: 70 },
    ]);
    expect(saved).toMatchObject({ saved: 2, skippedRejected: 0 });
    expect(tagCount('puppy')).toBe(0);
    expect(rows('c.jpg', 'dog')).toEqual([{ engine: 'local', state: 'auto', confidence: 77 }]);
    const onC = listContentTags(db, contentOf('c.jpg')).find((t) => t.name === 'dog');
    expect(onC?.boxes).toHaveLength(1);
    // b.jpg's moved row (local puppy 60) is refreshed in place, not duplicated or made stale.
    engineSays('b.jpg', 'local', [{ ...puppy, confidence: 65 }]);
    expect(rows('b.jpg', 'dog')).toEqual([{ engine: 'local', state: 'auto', confidence: 65 }]);
    // An answer naming both the old and the new tag keeps the first (best) one.
    const both = engineSays('a.jpg', 'huawei', [
      { ...puppy, confidence: 88 },
      { name: 'dog', zh: '狗', en: 'Dog', confidence: 50 },
    ]);
    expect(both.saved).toBe(1);
    expect(rows('a.jpg', 'dog')).toEqual([
      { engine: 'huawei', state: 'auto', confidence: 88 },
      { engine: 'local', state: 'auto', confidence: 90 },
    ]);
    expect(tagCount('puppy')).toBe(0);
    expectStatsExact();
  });

  it('follows a chain of merges: a→b then b→c lands a on c', () => {
    fx.addTags([{ name: 'canine', zh: '犬', en: 'Canine' }]);
    const canine = fx.tagId('canine');
    mergeTags(db, fx.tagId('puppy'), fx.tagId('dog'));
    mergeTags(db, fx.tagId('dog'), canine);
    expect(listTagAliases(db, canine).map((a) => a.name)).toEqual(['dog', 'puppy']);
    engineSays('c.jpg', 'local', [
      { ...puppy, confidence: 71 },
      { name: 'dog', zh: '狗', en: 'Dog', confidence: 72, type: 'object' },
    ]);
    expect(rows('c.jpg', 'canine')).toEqual([{ engine: 'local', state: 'auto', confidence: 71 }]);
    expect(tagCount('puppy')).toBe(0);
    expect(tagCount('dog')).toBe(0);
    expect(found('canine')).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg', 'c.jpg']);
    for (const word of ['puppy', 'dog', '狗', '小狗', 'Puppy', '犬']) {
      expect(found(word), word).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg', 'c.jpg']);
    }
    expectStatsExact();
  });

  it("keeps a user's removal on the target when an engine reports the old name again", () => {
    // The user removed dog from c.jpg (huawei had said dog), then merged puppy into dog.
    fx.tagContent(contentOf('c.jpg'), { tag: 'dog', engine: 'huawei' });
    removeTag(db, { photoIds: [fx.id('c.jpg')] }, 'dog');
    // And removed puppy from b.jpg before the merge: the merged rows stay removed.
    removeTag(db, { photoIds: [fx.id('b.jpg')] }, 'puppy');
    mergeTags(db, fx.tagId('puppy'), fx.tagId('dog'));
    const onC = engineSays('c.jpg', 'local', [{ ...puppy, confidence: 99 }]);
    const onB = engineSays('b.jpg', 'local', [{ ...puppy, confidence: 99 }]);
    expect(onC).toMatchObject({ saved: 0, skippedRejected: 1 });
    expect(onB).toMatchObject({ saved: 0, skippedRejected: 1 });
    expect(rows('c.jpg', 'dog')).toEqual([{ engine: 'huawei', state: 'rejected', confidence: 90 }]);
    expect(rows('b.jpg', 'dog')).toEqual([{ engine: 'local', state: 'rejected', confidence: 60 }]);
    expect(tagCount('puppy')).toBe(0);
    for (const word of ['dog', 'puppy', '小狗']) {
      expect(found(word), word).toEqual(['a-copy.jpg', 'a.jpg']);
    }
    expectStatsExact();
  });

  it('finds the target by any old name: search, autocomplete, and tags the user types', () => {
    const dog = fx.tagId('dog');
    expect(found('puppy')).toEqual(['b.jpg']);
    mergeTags(db, fx.tagId('puppy'), dog);
    expect(found('puppy')).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg']);
    expect(found('小狗')).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg']);
    expect(found('puppy -beach')).toEqual([]);
    expect(autocompleteTags(db, 'pup').map((t) => t.tagId)).toEqual([dog]);
    expect(findTagByName(db, 'Puppy')?.id).toBe(dog);
    // Adding "puppy" by hand tags dog instead of creating the merged-away tag again.
    const added = addTag(db, { photoIds: [fx.id('c.jpg')] }, 'Puppy');
    expect(added).toMatchObject({ created: false, changed: 1, tag: { id: dog } });
    expect(tagCount('puppy')).toBe(0);
    expect(found('puppy')).toEqual(['a-copy.jpg', 'a.jpg', 'b.jpg', 'c.jpg']);
  });

  it('changes nothing when the merge fails half-way', () => {
    // The alias is written after the rows moved; if writing it fails, nothing may be left
    // half-done (a failure injected with a temporary trigger on this connection).
    const before = db.prepare(`SELECT * FROM photo_tags ORDER BY 1, 2, 3`).all();
    db.exec(`CREATE TEMP TRIGGER fail_alias BEFORE INSERT ON tag_aliases BEGIN
               SELECT RAISE(ABORT, 'injected failure'); END`);
    expect(() => mergeTags(db, fx.tagId('puppy'), fx.tagId('dog'))).toThrow(/injected failure/);
    expect(db.prepare(`SELECT * FROM photo_tags ORDER BY 1, 2, 3`).all()).toEqual(before);
    expect(tagCount('puppy')).toBe(1);
    expect(listTagAliases(db)).toEqual([]);
  });
});
