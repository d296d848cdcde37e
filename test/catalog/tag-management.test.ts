// Finding a tag by what a user types (names in either language, `name:type`, names merged
// away), and rename/merge with reports, on a real catalog file (SearchFixture).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import { removeTag, TagEditError } from '../../main/catalog/tag-editing.ts';
import {
  findTagCandidates,
  getTagInfo,
  mergeTagsReported,
  parseTagSpec,
  previewMerge,
  renameTagReported,
  resolveTagSpec,
  TagAmbiguousError,
} from '../../main/catalog/tag-management.ts';
import { searchPhotos } from '../../main/search/search-service.ts';
import { SearchFixture } from '../search/search-fixture.ts';

let fx: SearchFixture;

function tagIdOf(name: string, type: string): number {
  const row = fx.db
    .prepare<[string, string], { id: number }>(`SELECT id FROM tags WHERE name = ? AND type = ?`)
    .get(name, type);
  if (!row) throw new Error(`${name}:${type}`);
  return row.id;
}

const found = (query: string) =>
  searchPhotos(fx.db, query, { limit: 100, facets: false })
    .items.map((i) => i.relPath)
    .sort();

beforeEach(() => {
  fx = new SearchFixture();
  fx.addTags([
    { name: 'dog', zh: '狗', en: 'Dog' },
    { name: 'puppy', zh: '小狗', en: 'Puppy' },
    { name: 'canine', zh: '犬', en: 'Dog', type: 'concept' },
    { name: 'orange', zh: '橙子', en: 'Orange', type: 'object' },
    { name: 'orange', zh: '橙色', en: 'Orange', type: 'concept' },
    { name: 'cat', zh: '猫', en: 'Cat' },
  ]);
  fx.addPhoto({ relPath: 'a.jpg', tags: [{ tag: 'dog', boxes: 1 }] });
  fx.addPhoto({ relPath: 'b.jpg', tags: [{ tag: 'puppy', boxes: 2 }, { tag: 'dog' }] });
  fx.addPhoto({ relPath: 'c.jpg', tags: [{ tag: 'puppy' }] });
  fx.addPhoto({ relPath: 'c-copy.jpg', hash: 'hash-c.jpg' }); // same content as c.jpg
  fx.addPhoto({ relPath: 'd.jpg', tags: [{ tag: 'puppy' }, { tag: 'cat' }] });
  fx.addPhoto({ relPath: 'e.jpg', tags: [{ tag: 'orange' }] });
});
afterEach(() => {
  fx.close();
});

describe(parseTagSpec.name, () => {
  it('splits a trailing type (English or Chinese) and leaves other colons alone', () => {
    expect(parseTagSpec('dog:object')).toEqual({ text: 'dog', type: 'object' });
    expect(parseTagSpec(' 橙子：物体 ')).toEqual({ text: '橙子', type: 'object' });
    expect(parseTagSpec('hot dog : Scene')).toEqual({ text: 'hot dog', type: 'scene' });
    expect(parseTagSpec('12:30')).toEqual({ text: '12:30', type: undefined });
    expect(parseTagSpec(':object')).toEqual({ text: ':object', type: undefined });
  });
});

describe(resolveTagSpec.name, () => {
  it('finds a tag by its Chinese, English or canonical name, case-insensitively', () => {
    for (const text of ['小狗', 'puppy', 'PUPPY', ' Puppy ']) {
      expect(resolveTagSpec(fx.db, text)).toMatchObject({ name: 'puppy', photos: 4 });
    }
  });

  it('prefers the canonical name when display names collide, and takes name:type', () => {
    // "Dog" is the English name of dog:object and canine:concept; dog is the canonical one.
    expect(resolveTagSpec(fx.db, 'Dog').id).toBe(tagIdOf('dog', 'object'));
    expect(resolveTagSpec(fx.db, 'dog:concept').id).toBe(tagIdOf('canine', 'concept'));
    expect(resolveTagSpec(fx.db, '犬').id).toBe(tagIdOf('canine', 'concept'));
  });

  it('refuses an ambiguous name, listing how to name each candidate', () => {
    let error: unknown;
    try {
      resolveTagSpec(fx.db, 'orange');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TagAmbiguousError);
    const ambiguous = error as TagAmbiguousError;
    expect(ambiguous.code).toBe('invalid');
    expect(ambiguous.candidates.map((c) => `${c.name}:${c.type}`).sort()).toEqual([
      'orange:concept',
      'orange:object',
    ]);
    expect(ambiguous.message).toContain('orange:object (橙子 / Orange, 0 photos)');
    expect(ambiguous.message).toContain('orange:concept (橙色 / Orange, 1 photo)');
    expect(resolveTagSpec(fx.db, 'orange:object').zh).toBe('橙子');
    expect(resolveTagSpec(fx.db, '橙色').type).toBe('concept');
  });

  it('says when nothing matches (a part of a name is not the name)', () => {
    expect(() => resolveTagSpec(fx.db, 'pup')).toThrow(TagEditError);
    expect(() => resolveTagSpec(fx.db, 'pup')).toThrow('No tag named "pup"');
    expect(() => resolveTagSpec(fx.db, 'cat:scene')).toThrow('No tag named "cat" of type scene');
    expect(() => resolveTagSpec(fx.db, '   ')).toThrow('No tag named');
  });

  it('follows a merged name only when asked, and says where it went otherwise', () => {
    mergeTagsReported(fx.db, tagIdOf('puppy', 'object'), tagIdOf('dog', 'object'));
    expect(findTagCandidates(fx.db, 'puppy')).toMatchObject([
      { name: 'dog', via: { name: 'puppy', zh: '小狗' } },
    ]);
    expect(() => resolveTagSpec(fx.db, '小狗')).toThrow(
      '"小狗" was merged into 狗 / Dog (dog:object)',
    );
    expect(resolveTagSpec(fx.db, '小狗', { followMerged: true }).name).toBe('dog');
  });
});

describe(renameTagReported.name, () => {
  it('renames the display names, keeps the canonical one, and names tags that now clash', () => {
    const id = tagIdOf('puppy', 'object');
    const report = renameTagReported(fx.db, id, { en: 'Dog' });
    expect(report.before).toMatchObject({ zh: '小狗', en: 'Puppy' });
    expect(report.tag).toMatchObject({ name: 'puppy', zh: '小狗', en: 'Dog', photos: 4 });
    expect(report.sameName.map((c) => c.name).sort()).toEqual(['canine', 'dog']);
    // Search follows the new name at once; the canonical name still finds it.
    expect(found('puppy')).toEqual(['b.jpg', 'c-copy.jpg', 'c.jpg', 'd.jpg']);
    expect(found('"Puppy"')).toEqual(found('puppy'));
    const zh = renameTagReported(fx.db, id, { zh: '幼犬' });
    expect(zh.tag).toMatchObject({ zh: '幼犬', en: 'Dog' });
    expect(zh.sameName.map((c) => c.name).sort()).toEqual(['canine', 'dog']);
    expect(found('幼犬')).toEqual(['b.jpg', 'c-copy.jpg', 'c.jpg', 'd.jpg']);
  });

  it('refuses an empty rename and an unknown tag, changing nothing', () => {
    const id = tagIdOf('cat', 'object');
    expect(() => renameTagReported(fx.db, id, {})).toThrow('Give a new Chinese name');
    expect(() => renameTagReported(fx.db, id, { zh: '  ' })).toThrow('cannot be empty');
    expect(() => renameTagReported(fx.db, 9999, { zh: '猫咪' })).toThrow('No tag with id 9999');
    expect(getTagInfo(fx.db, id)).toMatchObject({ zh: '猫', en: 'Cat' });
  });
});

describe(mergeTagsReported.name, () => {
  it('moves photos onto the target, reports counts and the names that now point there', () => {
    const puppy = tagIdOf('puppy', 'object');
    const dog = tagIdOf('dog', 'object');
    const preview = previewMerge(fx.db, puppy, dog);
    expect(preview).toMatchObject({
      from: { name: 'puppy', photos: 4 },
      into: { name: 'dog', photos: 2 },
      gainedPhotos: 3, // c.jpg, c-copy.jpg (same content) and d.jpg; b.jpg had both
      lostPhotos: 0,
    });
    const report = mergeTagsReported(fx.db, puppy, dog, 1234);
    expect(report).toMatchObject({
      from: { name: 'puppy', zh: '小狗' },
      into: { name: 'dog', photos: 5 },
      movedRows: 3,
      fromPhotos: 4,
      gainedPhotos: 3,
      lostPhotos: 0,
      aliases: [{ name: 'puppy', type: 'object', zh: '小狗', en: 'Puppy', createdAt: 1234 }],
    });
    expect(found('dog')).toEqual(['a.jpg', 'b.jpg', 'c-copy.jpg', 'c.jpg', 'd.jpg']);
    expect(found('小狗')).toEqual(found('dog'));
    expect(() => getTagInfo(fx.db, puppy)).toThrow('No tag with id');
    expect(getTagInfo(fx.db, dog).aliases.map((a) => a.name)).toEqual(['puppy']);
  });

  it('carries earlier merges along and reports them as new names of the target', () => {
    const cat = tagIdOf('cat', 'object');
    mergeTagsReported(fx.db, tagIdOf('puppy', 'object'), tagIdOf('dog', 'object'));
    const report = mergeTagsReported(fx.db, tagIdOf('dog', 'object'), cat);
    expect(report.aliases.map((a) => a.name)).toEqual(['dog', 'puppy']);
    expect(report.into.photos).toBe(5);
    // An engine that reports puppy again lands on cat.
    saveEngineAnswer(
      fx.db,
      fx.db
        .prepare<[], { content_id: number }>(
          `SELECT content_id FROM photos WHERE rel_path = 'e.jpg'`,
        )
        .get()?.content_id ?? -1,
      {
        engine: 'local',
        model: 'm2',
        tags: [
          {
            name: 'puppy',
            type: 'object',
            confidence: 80,
            i18n: { zh: '小狗', en: 'Puppy' },
            instances: [],
          },
        ],
      },
      'k',
    );
    expect(found('猫')).toEqual(['a.jpg', 'b.jpg', 'c-copy.jpg', 'c.jpg', 'd.jpg', 'e.jpg']);
    expect(fx.db.prepare(`SELECT COUNT(*) AS n FROM tags WHERE name = 'puppy'`).get()).toEqual({
      n: 0,
    });
  });

  it('previews exactly what a merge does when the user had removed one of the tags', () => {
    const puppy = tagIdOf('puppy', 'object');
    const dog = tagIdOf('dog', 'object');
    // The user removed puppy from b.jpg (which also has dog) and dog from a.jpg.
    removeTag(fx.db, { photoIds: [fx.id('b.jpg')] }, puppy);
    removeTag(fx.db, { photoIds: [fx.id('a.jpg')] }, dog);
    const preview = previewMerge(fx.db, puppy, dog);
    const report = mergeTagsReported(fx.db, puppy, dog);
    expect(preview).toMatchObject({ gainedPhotos: 3, lostPhotos: 1 });
    expect(report).toMatchObject({ gainedPhotos: 3, lostPhotos: 1, fromPhotos: 3 });
    expect(found('dog')).toEqual(['c-copy.jpg', 'c.jpg', 'd.jpg']);
  });

  it('refuses merging a tag into itself or into a tag that is gone', () => {
    const dog = tagIdOf('dog', 'object');
    expect(() => previewMerge(fx.db, dog, dog)).toThrow('cannot be merged into itself');
    expect(() => mergeTagsReported(fx.db, dog, dog)).toThrow('cannot be merged into itself');
    expect(() => mergeTagsReported(fx.db, dog, 9999)).toThrow('No tag with id 9999');
    expect(getTagInfo(fx.db, dog).photos).toBe(2);
  });
});
