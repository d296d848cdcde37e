import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AlbumError,
  deleteAlbum,
  findAlbumByName,
  getAlbum,
  renameAlbum,
} from '../../main/catalog/albums.ts';
import { addTag } from '../../main/catalog/tag-editing.ts';
import {
  albumPhotos,
  createAlbum,
  listAlbums,
  updateAlbumQuery,
} from '../../main/search/smart-albums.ts';
import { commonTags, SearchFixture } from './search-fixture.ts';

let fx: SearchFixture;

beforeEach(() => {
  fx = new SearchFixture();
  fx.addTags(commonTags);
  fx.addPhoto({ relPath: 'a.jpg', takenAt: '2023-05-01T00:00:00', tags: [{ tag: 'dog' }] });
  fx.addPhoto({
    relPath: 'b.jpg',
    takenAt: '2022-05-01T00:00:00',
    tags: [{ tag: 'dog' }, { tag: 'beach' }],
  });
  fx.addPhoto({ relPath: 'c.jpg', takenAt: '2023-07-01T00:00:00', tags: [{ tag: 'cat' }] });
});
afterEach(() => {
  fx.close();
});

function albumError(run: () => unknown): AlbumError {
  try {
    run();
  } catch (error) {
    if (error instanceof AlbumError) return error;
    throw error;
  }
  throw new Error('expected an AlbumError');
}

describe(createAlbum.name, () => {
  it('saves a named query whose count and photos are always current', () => {
    const album = createAlbum(fx.db, '  Dogs   of 2023 ', '狗 date:2023', 100);
    expect(album).toEqual({
      id: album.id,
      name: 'Dogs of 2023',
      kind: 'smart',
      query: '狗 date:2023',
      createdAt: 100,
      updatedAt: 100,
    });
    expect(listAlbums(fx.db)).toEqual([{ ...album, count: 1, error: null }]);
    expect(albumPhotos(fx.db, album.id).items.map((i) => i.relPath)).toEqual(['a.jpg']);
    // New tags change the album without touching it.
    addTag(fx.db, { photoIds: [fx.id('c.jpg')] }, 'dog');
    expect(listAlbums(fx.db)[0]?.count).toBe(2);
    expect(albumPhotos(fx.db, album.id).items.map((i) => i.relPath)).toEqual(['c.jpg', 'a.jpg']);
    expect(listAlbums(fx.db, { counts: false })[0]?.count).toBeNull();
  });

  it('refuses an invalid query at save time, with the position', () => {
    const error = albumError(() => createAlbum(fx.db, 'Broken', 'dog (cat'));
    expect(error.code).toBe('invalid-query');
    expect(error.position).toBe(4);
    expect(error.message).toMatch(/Unclosed "\("/);
    expect(albumError(() => createAlbum(fx.db, 'Empty', '  ')).code).toBe('invalid-query');
    expect(listAlbums(fx.db)).toEqual([]);
  });

  it('refuses an empty name and a name taken in any letter case', () => {
    createAlbum(fx.db, 'Trips', 'beach');
    expect(albumError(() => createAlbum(fx.db, 'trips', 'dog')).code).toBe('name-taken');
    expect(albumError(() => createAlbum(fx.db, ' ', 'dog')).code).toBe('invalid-name');
    expect(albumError(() => createAlbum(fx.db, 'x'.repeat(201), 'dog')).code).toBe('invalid-name');
  });
});

describe(renameAlbum.name, () => {
  it('renames, changes the query, deletes, and reports missing albums', () => {
    const a = createAlbum(fx.db, 'Beach', 'beach', 1);
    const b = createAlbum(fx.db, 'Cats', 'cat', 1);
    expect(renameAlbum(fx.db, a.id, 'Seaside', 5)).toMatchObject({ name: 'Seaside', updatedAt: 5 });
    expect(renameAlbum(fx.db, a.id, 'seaside').name).toBe('seaside'); // its own name in another case
    expect(albumError(() => renameAlbum(fx.db, a.id, 'CATS')).code).toBe('name-taken');
    expect(findAlbumByName(fx.db, 'SEASIDE')?.id).toBe(a.id);
    expect(updateAlbumQuery(fx.db, b.id, 'cat OR dog').query).toBe('cat OR dog');
    expect(albumError(() => updateAlbumQuery(fx.db, b.id, 'type:animal')).code).toBe(
      'invalid-query',
    );
    expect(getAlbum(fx.db, b.id).query).toBe('cat OR dog');
    expect(listAlbums(fx.db).map((x) => [x.name, x.count])).toEqual([
      ['Cats', 3],
      ['seaside', 1],
    ]);
    deleteAlbum(fx.db, a.id);
    expect(
      albumError(() => {
        deleteAlbum(fx.db, a.id);
      }).code,
    ).toBe('not-found');
    expect(albumError(() => getAlbum(fx.db, a.id)).code).toBe('not-found');
    expect(albumError(() => renameAlbum(fx.db, 999, 'x')).code).toBe('not-found');
  });

  it('lists an album whose saved query no longer parses with an error instead of a count', () => {
    createAlbum(fx.db, 'Fine', 'dog');
    // As if saved by an older Tujian whose language accepted it.
    fx.db
      .prepare(
        `INSERT INTO albums (name, query, created_at, updated_at) VALUES ('Old', 'dog (', 0, 0)`,
      )
      .run();
    const albums = listAlbums(fx.db);
    expect(albums.map((x) => [x.name, x.count])).toEqual([
      ['Fine', 2],
      ['Old', null],
    ]);
    expect(albums[1]?.error).toMatch(/position 6/);
  });
});
