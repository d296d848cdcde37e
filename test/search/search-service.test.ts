import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  autocompleteTags,
  countPhotos,
  QueryParseError,
  SearchCursorError,
  searchPhotos,
  type SearchSort,
} from '../../main/search/search-service.ts';
import { savePhotoText } from '../../main/catalog/photo-text.ts';
import { commonTags, SearchFixture } from './search-fixture.ts';

let fx: SearchFixture;

beforeAll(() => {
  fx = new SearchFixture();
  fx.addTags(commonTags);
  const trips = '/photos';
  fx.addPhoto({
    folder: trips,
    relPath: 'Trips/2023/a.jpg',
    takenAt: '2023-06-01T10:00:00',
    camera: 'Canon EOS R5',
    lat: 22.5,
    tags: [
      { tag: 'dog', confidence: 95 },
      { tag: 'beach', engine: 'huawei', confidence: 80 },
    ],
  });
  fx.addPhoto({
    relPath: 'Home/b.jpg',
    takenAt: '2022-12-31T23:59:00',
    camera: 'iPhone 14',
    tags: [{ tag: 'puppy', confidence: 70 }],
  });
  fx.addPhoto({
    relPath: 'Home/c.jpg',
    takenAt: '2023-05-15T08:00:00',
    tags: [{ tag: 'hot dog', confidence: 60 }],
  });
  fx.addPhoto({
    relPath: 'Home/d.jpg',
    takenAt: null,
    tags: [{ tag: 'dogma', engine: 'aliyun', confidence: 99 }],
  });
  fx.addPhoto({
    relPath: 'Home/e.jpg',
    takenAt: '2021-01-01T00:00:00',
    tags: [
      { tag: 'cat', confidence: 88 },
      { tag: 'dog', confidence: 97, state: 'rejected' },
      { tag: 'sunset', confidence: 50, state: 'rejected' },
    ],
  });
  fx.addPhoto({
    relPath: 'Home/f.jpg',
    takenAt: '2024-03-01T12:00:00',
    tags: [{ tag: 'cat', engine: 'user', confidence: 100, state: 'user' }],
  });
  fx.addPhoto({
    relPath: 'People/g.jpg',
    takenAt: '2023-07-01T12:00:00',
    tags: [
      { tag: 'face', confidence: 90, boxes: 3 },
      { tag: 'person', confidence: 92 },
    ],
  });
  fx.addPhoto({
    relPath: 'Docs/h.jpg',
    takenAt: '2023-08-31T23:00:00',
    tags: [
      { tag: 'face', confidence: 70, boxes: 1 },
      { tag: 'document', confidence: 75 },
    ],
  });
  fx.addPhoto({ relPath: 'Trips/i.jpg', hash: null, status: 'pending' });
  fx.addPhoto({ relPath: 'Home/j.jpg', hash: null, status: 'broken' });
  fx.addPhoto({ folder: '/backup', relPath: 'copy-of-a.jpg', hash: 'hash-Trips/2023/a.jpg' });
  fx.addPhoto({
    relPath: 'Home/m.jpg',
    status: 'missing',
    takenAt: '2020-01-01T00:00:00',
    tags: [{ tag: 'dog' }],
  });
  fx.addPhoto({
    folder: '/offline',
    relPath: 'o.jpg',
    takenAt: '2019-05-05T00:00:00',
    tags: [{ tag: 'cat', confidence: 40 }],
  });
  fx.db.prepare(`UPDATE folders SET status = 'offline' WHERE path = '/offline'`).run();
  // Text read in two photos (the text engine): a menu in the document, a floor sign.
  const contentOf = (relPath: string) =>
    fx.db
      .prepare<[string], number>(`SELECT content_id FROM photos WHERE rel_path = ?`)
      .pluck()
      .get(relPath) ?? 0;
  const lines = (...texts: string[]) => ({
    engine: 'text' as const,
    model: 't1',
    tags: [],
    text: {
      lines: texts.map((text) => ({
        text,
        box: [
          [0.1, 0.1],
          [0.5, 0.1],
          [0.5, 0.2],
          [0.1, 0.2],
        ] as [number, number][],
        confidence: 95,
        language: 'mixed' as const,
      })),
    },
  });
  savePhotoText(fx.db, contentOf('Docs/h.jpg'), lines('今日咖啡 ¥18', 'Coffee of the day'));
  savePhotoText(fx.db, contentOf('People/g.jpg'), lines('小心地滑 Caution wet floor'));
  savePhotoText(fx.db, contentOf('Home/e.jpg'), { ...lines(), text: { lines: [] } });
});
afterAll(() => {
  fx.close();
});

/** Result photos as relative paths, in result order. */
function paths(query: string, sort?: SearchSort): string[] {
  const result = searchPhotos(fx.db, query, { sort, limit: 1000, facets: false });
  expect(result.total).toBe(result.items.length);
  expect(countPhotos(fx.db, query)).toBe(result.total);
  return result.items.map((i) => i.relPath);
}
const sorted = (query: string) => paths(query).sort();

describe(searchPhotos.name, () => {
  it('matches tag words in Chinese or English, case-insensitively', () => {
    const dogPhotos = ['Home/c.jpg', 'Trips/2023/a.jpg', 'copy-of-a.jpg'];
    expect(sorted('dog')).toEqual(dogPhotos);
    expect(sorted('Dog')).toEqual(dogPhotos);
    expect(sorted('DOG')).toEqual(dogPhotos);
    expect(sorted('ＤＯＧ')).toEqual(dogPhotos);
    // Chinese names match by "contains": 狗 also finds 小狗 (puppy) and 热狗 (hot dog).
    expect(sorted('狗')).toEqual(['Home/b.jpg', ...dogPhotos]);
    expect(sorted('小狗')).toEqual(['Home/b.jpg']);
    // English names match whole words: dog is not dogma; "hot dog" is only the phrase.
    expect(sorted('dogma')).toEqual(['Home/d.jpg']);
    expect(sorted('"hot dog"')).toEqual(['Home/c.jpg']);
    expect(sorted('hot')).toEqual(['Home/c.jpg']);
    expect(sorted('do')).toEqual([]);
    expect(sorted('人脸')).toEqual(['Docs/h.jpg', 'People/g.jpg']);
  });

  it('matches the last word as a tag-name prefix when searching as you type', () => {
    const typing = (query: string) =>
      searchPhotos(fx.db, query, { limit: 1000, facets: false, lastWordPrefix: true })
        .items.map((i) => i.relPath)
        .sort();
    // `do` is what autocomplete offers for it: dog, document, dogma and "hot dog".
    const offered = ['dog', 'document', 'dogma', '"hot dog"'].flatMap(sorted);
    expect(typing('do')).toEqual([...new Set(offered)].sort());
    // Only the last word, and only while it is being typed (no space after it, unquoted).
    expect(typing('do dogma')).toEqual(sorted('do dogma'));
    expect(typing('do ')).toEqual([]);
    expect(typing('"do"')).toEqual([]);
    expect(typing('dogm')).toEqual(sorted('dogma'));
  });

  it('shows every file: the same content in two folders is two results', () => {
    const result = searchPhotos(fx.db, 'beach', { facets: false });
    expect(result.items.map((i) => [i.folderPath, i.relPath]).sort()).toEqual([
      ['/backup', 'copy-of-a.jpg'],
      ['/photos', 'Trips/2023/a.jpg'],
    ]);
    expect(new Set(result.items.map((i) => i.contentId)).size).toBe(1);
  });

  it('combines words with AND, OR, NOT and parentheses', () => {
    expect(sorted('dog beach')).toEqual(['Trips/2023/a.jpg', 'copy-of-a.jpg']);
    expect(sorted('cat OR puppy')).toEqual(['Home/b.jpg', 'Home/e.jpg', 'Home/f.jpg', 'o.jpg']);
    expect(sorted('狗 -beach')).toEqual(['Home/b.jpg', 'Home/c.jpg']);
    expect(sorted('(cat OR 小狗) -status:offline')).toEqual([
      'Home/b.jpg',
      'Home/e.jpg',
      'Home/f.jpg',
    ]);
    expect(sorted('dog nosuchtag')).toEqual([]);
    expect(sorted('dog OR nosuchtag')).toEqual(sorted('dog'));
    expect(sorted('-nosuchtag').length).toBe(12); // every photo except the missing one
  });

  it('never matches rejected tags and always matches user tags', () => {
    expect(sorted('dog')).not.toContain('Home/e.jpg');
    expect(sorted('sunset')).toEqual([]);
    expect(sorted('cat')).toContain('Home/f.jpg');
    expect(sorted('engine:user')).toEqual(['Home/f.jpg']);
    expect(sorted('cat conf>=100')).toEqual(['Home/f.jpg']);
  });

  it('applies tag qualifiers to the words at the top level and alone elsewhere', () => {
    expect(sorted('type:scene')).toEqual(['Trips/2023/a.jpg', 'copy-of-a.jpg']);
    expect(sorted('类型:场景')).toEqual(sorted('type:scene'));
    expect(sorted('dog engine:huawei')).toEqual([]);
    expect(sorted('beach engine:huawei conf>70')).toEqual(['Trips/2023/a.jpg', 'copy-of-a.jpg']);
    expect(sorted('beach conf>85')).toEqual([]);
    expect(sorted('dog type:scene')).toEqual([]);
    expect(sorted('cat -engine:user')).toEqual(['Home/e.jpg', 'o.jpg']);
    expect(sorted('conf>90')).toEqual([
      'Home/d.jpg',
      'Home/f.jpg',
      'People/g.jpg',
      'Trips/2023/a.jpg',
      'copy-of-a.jpg',
    ]);
    expect(sorted('conf<50')).toEqual(['o.jpg']);
    expect(sorted('(puppy OR engine:aliyun)')).toEqual(['Home/b.jpg', 'Home/d.jpg']);
  });

  it('filters by date, camera, folder, faces, boxes, text, status and tagged', () => {
    expect(sorted('date:2023')).toEqual([
      'Docs/h.jpg',
      'Home/c.jpg',
      'People/g.jpg',
      'Trips/2023/a.jpg',
      'copy-of-a.jpg',
    ]);
    expect(sorted('date:2023-05..2023-06')).toEqual([
      'Home/c.jpg',
      'Trips/2023/a.jpg',
      'copy-of-a.jpg',
    ]);
    expect(sorted('date:2022-12-31')).toEqual(['Home/b.jpg']);
    expect(sorted('date:2023-08-31')).toEqual(['Docs/h.jpg']);
    expect(sorted('日期:..2022')).toEqual(['Home/b.jpg', 'Home/e.jpg', 'o.jpg']);
    expect(sorted('camera:"canon eos"')).toEqual(['Trips/2023/a.jpg', 'copy-of-a.jpg']);
    expect(sorted('相机:iphone')).toEqual(['Home/b.jpg']);
    expect(sorted('folder:Trips')).toEqual(['Trips/2023/a.jpg', 'Trips/i.jpg']);
    expect(sorted('folder:backup')).toEqual(['copy-of-a.jpg']);
    expect(sorted('folder:a.jpg')).toEqual([]); // a file name is not a folder
    expect(sorted('folder:%')).toEqual([]); // LIKE wildcards are literal
    expect(sorted('faces:2+')).toEqual(['People/g.jpg']);
    expect(sorted('人脸:1')).toEqual(['Docs/h.jpg']);
    expect(sorted('faces:1-3')).toEqual(['Docs/h.jpg', 'People/g.jpg']);
    expect(sorted('faces:0 date:2023')).toEqual([
      'Home/c.jpg',
      'Trips/2023/a.jpg',
      'copy-of-a.jpg',
    ]);
    expect(sorted('has:boxes')).toEqual(['Docs/h.jpg', 'People/g.jpg']);
    expect(sorted('has:text')).toEqual(['Docs/h.jpg', 'People/g.jpg']);
    expect(sorted('has:location')).toEqual(['Trips/2023/a.jpg', 'copy-of-a.jpg']);
    expect(sorted('status:offline')).toEqual(['o.jpg']);
    expect(sorted('status:broken')).toEqual(['Home/j.jpg']);
    expect(sorted('status:pending')).toEqual(['Trips/i.jpg']);
    expect(sorted('-tagged')).toEqual(['Home/j.jpg', 'Trips/i.jpg']);
    expect(sorted('未标记')).toEqual(sorted('-tagged'));
  });

  it('matches words in the text read in photos as well as tags, and text:/文字: in text only', () => {
    expect(sorted('咖啡')).toEqual(['Docs/h.jpg']);
    expect(sorted('coffee')).toEqual(['Docs/h.jpg']);
    expect(sorted('"of the day"')).toEqual(['Docs/h.jpg']);
    // a tag hit and a text hit together: the dog photos and the photo of the sign
    expect(sorted('dog OR floor')).toEqual([
      'Home/c.jpg',
      'People/g.jpg',
      'Trips/2023/a.jpg',
      'copy-of-a.jpg',
    ]);
    expect(sorted('小心 person')).toEqual(['People/g.jpg']);
    expect(sorted('text:floor')).toEqual(['People/g.jpg']);
    expect(sorted('text:dog')).toEqual([]);
    expect(sorted('文字:咖啡')).toEqual(['Docs/h.jpg']);
    expect(sorted('text:"wet floor"')).toEqual(['People/g.jpg']);
    // tag qualifiers are about tag rows: with them, words match tags only
    expect(sorted('floor engine:local')).toEqual([]);
    // "no text" read is not text
    expect(sorted('has:text')).toEqual(['Docs/h.jpg', 'People/g.jpg']);
    // by confidence, photos the word tags come first; a text-only hit has no tag score
    expect(paths('dog OR floor', 'confidence-desc').at(-1)).toBe('People/g.jpg');
    // facets count the text hits' tags too
    const facets = searchPhotos(fx.db, '咖啡 OR 小心').facets;
    expect(Object.fromEntries((facets?.tags ?? []).map((t) => [t.name, t.count]))).toMatchObject({
      face: 2,
      document: 1,
      person: 1,
    });
  });

  it('leaves missing files out unless asked for', () => {
    expect(sorted('')).not.toContain('Home/m.jpg');
    expect(sorted('')).toHaveLength(12);
    expect(sorted('status:missing')).toEqual(['Home/m.jpg']);
    expect(sorted('dog status:missing')).toEqual(['Home/m.jpg']);
  });

  it('sorts by date taken (newest first, no date last) or by best confidence', () => {
    expect(paths('cat OR puppy OR dogma')).toEqual([
      'Home/f.jpg',
      'Home/b.jpg',
      'Home/e.jpg',
      'o.jpg',
      'Home/d.jpg',
    ]);
    expect(paths('cat OR puppy OR dogma', 'taken-asc')).toEqual([
      'o.jpg',
      'Home/e.jpg',
      'Home/b.jpg',
      'Home/f.jpg',
      'Home/d.jpg',
    ]);
    expect(paths('cat OR puppy OR dogma', 'confidence-desc')).toEqual([
      'Home/f.jpg',
      'Home/d.jpg',
      'Home/e.jpg',
      'Home/b.jpg',
      'o.jpg',
    ]);
    const items = searchPhotos(fx.db, 'dog', { sort: 'confidence-desc' }).items;
    expect(items.map((i) => i.bestConfidence)).toEqual([95, 95, 60]);
    // Best confidence is over the query's tags: beach (80), not dog (95).
    expect(searchPhotos(fx.db, 'beach').items[0]?.bestConfidence).toBe(80);
  });

  it('pages with a keyset cursor that survives inserts before it and refuses foreign cursors', () => {
    for (const sort of [
      'taken-desc',
      'taken-asc',
      'added-desc',
      'path-asc',
      'confidence-desc',
    ] as const) {
      const all = paths('', sort);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = searchPhotos(fx.db, '', { sort, limit: 5, cursor, facets: false });
        expect(page.items.length).toBeLessThanOrEqual(5);
        seen.push(...page.items.map((i) => i.relPath));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen, sort).toEqual(all);
    }
    const first = searchPhotos(fx.db, 'cat OR puppy OR dogma', { limit: 2, facets: false });
    expect(first.items.map((i) => i.relPath)).toEqual(['Home/f.jpg', 'Home/b.jpg']);
    // A newer photo appears before the cursor: the next page still starts after Home/b.jpg.
    fx.addPhoto({
      relPath: 'Home/new.jpg',
      takenAt: '2025-01-01T00:00:00',
      tags: [{ tag: 'cat' }],
    });
    const next = searchPhotos(fx.db, 'cat OR puppy OR dogma', {
      limit: 2,
      cursor: first.nextCursor,
      facets: false,
    });
    expect(next.items.map((i) => i.relPath)).toEqual(['Home/e.jpg', 'o.jpg']);
    expect(() => searchPhotos(fx.db, 'dog', { cursor: first.nextCursor })).toThrow(
      SearchCursorError,
    );
    expect(() => searchPhotos(fx.db, 'cat OR puppy OR dogma', { cursor: 'garbage' })).toThrow(
      SearchCursorError,
    );
    fx.db.prepare(`DELETE FROM photos WHERE rel_path = 'Home/new.jpg'`).run();
    fx.db.prepare(`DELETE FROM contents WHERE hash = 'hash-Home/new.jpg'`).run();
  });

  it('computes facets over the whole result, counting photos', () => {
    const result = searchPhotos(fx.db, '狗 OR 人脸', { limit: 1 });
    expect(result.total).toBe(6);
    const facets = result.facets;
    if (!facets) throw new Error('facets expected');
    const tagCounts = Object.fromEntries(facets.tags.map((t) => [t.name, t.count]));
    expect(tagCounts).toEqual({
      dog: 2,
      beach: 2,
      face: 2,
      puppy: 1,
      'hot dog': 1,
      person: 1,
      document: 1,
    });
    expect(facets.tags.find((t) => t.name === 'dog')).toMatchObject({ zh: '狗', en: 'Dog' });
    expect(facets.years).toEqual([
      { year: 2023, count: 5 },
      { year: 2022, count: 1 },
    ]);
    expect(facets.folders).toEqual([
      { id: fx.folderId('/photos'), path: '/photos', count: 5 },
      { id: fx.folderId('/backup'), path: '/backup', count: 1 },
    ]);
    // The text engine writes no tags: its count is the result photos with text read in them.
    expect(searchPhotos(fx.db, '(狗 OR 人脸) has:text', { facets: false }).total).toBe(2);
    expect(facets.engines).toEqual([
      { engine: 'local', count: 6 },
      { engine: 'huawei', count: 2 },
      { engine: 'text', count: 2 },
    ]);
    expect(facets.types).toEqual([
      { type: 'object', count: 6 },
      { type: 'scene', count: 2 },
      { type: 'concept', count: 1 },
    ]);
    expect(facets.sampledFrom).toBeNull();
    // Above the sample limit the counts come from an even sample, scaled, and say so.
    const sampled = searchPhotos(fx.db, '狗 OR 人脸', { facetSampleLimit: 3 }).facets;
    expect(sampled?.sampledFrom).toBe(3);
    expect(sampled?.years).toEqual(facets.years);
    expect(sampled?.folders).toEqual(facets.folders);
    for (const t of sampled?.tags ?? []) expect(t.count % 2).toBe(0); // 3 of 6 photos, scaled by 2
    expect(searchPhotos(fx.db, 'nosuchtag').facets).toEqual({
      tags: [],
      years: [],
      folders: [],
      engines: [],
      types: [],
      sampledFrom: null,
    });
  });

  it('returns the fields the grid needs', () => {
    const [item] = searchPhotos(fx.db, 'dog camera:canon folder:Trips').items;
    expect(item).toEqual({
      id: fx.id('Trips/2023/a.jpg'),
      contentId: fx.db
        .prepare<[], { id: number }>(`SELECT id FROM contents WHERE hash = 'hash-Trips/2023/a.jpg'`)
        .get()?.id,
      folderId: fx.folderId('/photos'),
      folderPath: '/photos',
      folderStatus: 'online',
      relPath: 'Trips/2023/a.jpg',
      status: 'ok',
      hash: 'hash-Trips/2023/a.jpg',
      width: 640,
      height: 480,
      takenAt: Date.parse('2023-06-01T10:00:00Z'),
      camera: 'Canon EOS R5',
      bestConfidence: 95,
    });
  });

  it('treats SQL injection attempts as words and reports parse errors as QueryParseError', () => {
    expect(sorted("'; DROP TABLE photos; --")).toEqual([]);
    expect(sorted("dog' OR 1=1 --")).toEqual(sorted('dog'));
    expect(sorted('folder:"\'; DELETE FROM photos"')).toEqual([]);
    expect(fx.db.prepare(`SELECT count(*) AS n FROM photos`).get()).toEqual({ n: 13 });
    expect(() => searchPhotos(fx.db, 'dog (cat')).toThrow(QueryParseError);
    expect(() => countPhotos(fx.db, 'type:animal')).toThrow(QueryParseError);
  });

  it('sees renamed and new tags at once', () => {
    fx.db.prepare(`UPDATE tags SET zh = '猎犬', en = 'Hound' WHERE name = 'dog'`).run();
    expect(sorted('hound')).toEqual(['Trips/2023/a.jpg', 'copy-of-a.jpg']);
    expect(sorted('猎犬')).toEqual(sorted('hound'));
    expect(sorted('dog')).toEqual(['Home/c.jpg', 'Trips/2023/a.jpg', 'copy-of-a.jpg']); // canonical name still matches
    fx.db.prepare(`UPDATE tags SET zh = '狗', en = 'Dog' WHERE name = 'dog'`).run();
    expect(sorted('hound')).toEqual([]);
  });
});

describe(autocompleteTags.name, () => {
  const names = (prefix: string, limit = 8) =>
    autocompleteTags(fx.db, prefix, limit).map((t) => t.name);

  it('suggests English words starting with the text and Chinese names containing it, best first', () => {
    expect(names('狗')).toEqual(['dog', 'hot dog', 'puppy']);
    expect(names('do')).toEqual(['dog', 'document', 'dogma', 'hot dog']);
    expect(names('Do')).toEqual(names('do'));
    expect(names('dog')).toEqual(['dog', 'dogma', 'hot dog']);
    expect(names('ho')).toEqual(['hot dog']);
    expect(names('人')).toEqual(['face', 'person']);
    expect(names('c', 1)).toEqual(['cat']);
    expect(names('')).toEqual([]);
    expect(names('%')).toEqual([]);
  });

  it('counts photos per tag and leaves out tags that only have rejected rows', () => {
    const dog = autocompleteTags(fx.db, 'dog').find((t) => t.name === 'dog');
    expect(dog).toMatchObject({ zh: '狗', en: 'Dog', type: 'object', count: 2 }); // a (+k) and m
    expect(names('sun')).toEqual([]); // sunset exists only as rejected
    expect(autocompleteTags(fx.db, 'cat')[0]?.count).toBe(3);
  });
});

describe(`${searchPhotos.name}: tags without a confidence`, () => {
  // Volcengine answers yes/no; its tag has no confidence ([Note: Tags without a confidence]).
  let own: SearchFixture;
  beforeAll(() => {
    own = new SearchFixture();
    own.addTags(commonTags);
    own.addPhoto({
      relPath: 'a-detected.jpg',
      tags: [{ tag: 'person', engine: 'volcengine', confidence: null }],
    });
    own.addPhoto({ relPath: 'b-sure.jpg', tags: [{ tag: 'person', confidence: 85 }] });
    own.addPhoto({ relPath: 'c-unsure.jpg', tags: [{ tag: 'person', confidence: 40 }] });
  });
  afterAll(() => {
    own.close();
  });
  const found = (query: string, sort?: SearchSort) =>
    searchPhotos(own.db, query, { sort, limit: 100, facets: false }).items.map((i) => i.relPath);

  it('matches no confidence filter, and sorts last by confidence', () => {
    expect(found('conf>80')).toEqual(['b-sure.jpg']);
    expect(found('person conf<=100', 'path-asc')).toEqual(['b-sure.jpg', 'c-unsure.jpg']);
    expect(found('person conf<50')).toEqual(['c-unsure.jpg']);
    expect(found('person', 'confidence-desc')).toEqual([
      'b-sure.jpg',
      'c-unsure.jpg',
      'a-detected.jpg',
    ]);
    expect(found('engine:volcengine')).toEqual(['a-detected.jpg']);
  });
});
