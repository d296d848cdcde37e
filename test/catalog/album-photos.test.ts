// Manual albums' photos on a real catalog file: order, moves, removal, pages in order that
// leave missing files out, photo rows deleted under an album, and the page query's plan.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addPhotosToAlbum,
  albumPageSql,
  countAlbumPhotos,
  listAlbumPage,
  listAlbumPhotoIds,
  moveAlbumPhotos,
  removePhotosFromAlbum,
} from '../../main/catalog/album-photos.ts';
import { AlbumError, createManualAlbum, deleteAlbum } from '../../main/catalog/albums.ts';
import { createAlbum, listAlbums } from '../../main/search/smart-albums.ts';
import { SearchFixture } from '../search/search-fixture.ts';

let fx: SearchFixture;
let a: number, b: number, c: number, d: number;

beforeEach(() => {
  fx = new SearchFixture();
  a = fx.addPhoto({ relPath: 'a.jpg' });
  b = fx.addPhoto({ relPath: 'b.jpg' });
  c = fx.addPhoto({ relPath: 'c.jpg' });
  d = fx.addPhoto({ folder: '/other', relPath: 'd.jpg' });
});
afterEach(() => {
  fx.close();
});

const code = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof AlbumError) return error.code;
    throw error;
  }
  return 'no error';
};

describe(addPhotosToAlbum.name, () => {
  it('appends new photos in the order given and leaves members where they are', () => {
    const album = createManualAlbum(fx.db, 'Trip', 10);
    expect(album).toMatchObject({ kind: 'manual', query: '' });
    expect(addPhotosToAlbum(fx.db, album.id, [c, a], 20)).toEqual([c, a]);
    expect(addPhotosToAlbum(fx.db, album.id, [a, b, b], 30)).toEqual([b]);
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([c, a, b]);
    expect(listAlbums(fx.db).find((x) => x.id === album.id)?.count).toBe(3);
  });

  it('refuses a smart album and photos that are not in the library, changing nothing', () => {
    const smart = createAlbum(fx.db, 'All', 'status:ok');
    expect(code(() => addPhotosToAlbum(fx.db, smart.id, [a]))).toBe('not-manual');
    const album = createManualAlbum(fx.db, 'Trip');
    expect(code(() => addPhotosToAlbum(fx.db, album.id, [a, 9999]))).toBe('not-found');
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([]);
  });
});

describe(moveAlbumPhotos.name, () => {
  it('moves the photos as one block before another photo or to the end', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [a, b, c, d]);
    moveAlbumPhotos(fx.db, album.id, [c], b); // one step earlier
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([a, c, b, d]);
    moveAlbumPhotos(fx.db, album.id, [d, a], null); // to the end, in album order
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([c, b, a, d]);
    moveAlbumPhotos(fx.db, album.id, [d], c); // to the front
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([d, c, b, a]);
    expect(
      code(() => {
        moveAlbumPhotos(fx.db, album.id, [d], d);
      }),
    ).toBe('not-found');
  });
});

describe(removePhotosFromAlbum.name, () => {
  it('takes photos out and keeps the order of the rest', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [a, b, c]);
    expect(removePhotosFromAlbum(fx.db, album.id, [b, d])).toBe(1);
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([a, c]);
    addPhotosToAlbum(fx.db, album.id, [b]);
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([a, c, b]);
  });
});

describe(listAlbumPage.name, () => {
  it('reads the album in its order, a page at a time after a position', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [d, b, a, c]);
    const first = listAlbumPage(fx.db, album.id, -1, 2);
    expect(first.map((r) => r.id)).toEqual([d, b]);
    const second = listAlbumPage(fx.db, album.id, first.at(-1)?.position ?? -1, 2);
    expect(second.map((r) => r.id)).toEqual([a, c]);
    expect(second[0]).toMatchObject({ rel_path: 'a.jpg', folder_path: '/photos', status: 'ok' });
  });

  it('leaves a missing file out until it comes back, and forgets a deleted photo row', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [a, b, d]);
    fx.db.prepare(`UPDATE photos SET status = 'missing' WHERE id = ?`).run(b);
    expect(listAlbumPage(fx.db, album.id, -1, 10).map((r) => r.id)).toEqual([a, d]);
    expect(countAlbumPhotos(fx.db, album.id)).toBe(2);
    fx.db.prepare(`UPDATE photos SET status = 'ok' WHERE id = ?`).run(b);
    expect(listAlbumPage(fx.db, album.id, -1, 10).map((r) => r.id)).toEqual([a, b, d]);
    // The folder of d leaves the library: its photo rows go, and with them the membership.
    fx.db.prepare(`DELETE FROM folders WHERE path = '/other'`).run();
    expect(listAlbumPage(fx.db, album.id, -1, 10).map((r) => r.id)).toEqual([a, b]);
    expect(addPhotosToAlbum(fx.db, album.id, [c])).toEqual([c]);
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([a, b, c]);
  });

  it('walks the album order index, never scanning or sorting the album', () => {
    const plan = fx.db
      .prepare<[number, number, number], { detail: string }>(`EXPLAIN QUERY PLAN ${albumPageSql}`)
      .all(1, -1, 100)
      .map((r) => r.detail);
    expect(plan[0]).toMatch(
      /^SEARCH ap USING (COVERING )?INDEX album_photos_order \(album_id=\? AND position>\?\)/,
    );
    expect(plan.join('\n')).toMatch(/SEARCH p USING INTEGER PRIMARY KEY/);
    expect(plan.join('\n')).not.toMatch(/SCAN|TEMP B-TREE/);
  });
});

describe(deleteAlbum.name, () => {
  it('deletes a manual album with its memberships, leaving the photos', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [a, b]);
    deleteAlbum(fx.db, album.id);
    expect(fx.db.prepare(`SELECT count(*) AS n FROM album_photos`).get()).toEqual({ n: 0 });
    expect(fx.db.prepare(`SELECT count(*) AS n FROM photos`).get()).toEqual({ n: 4 });
  });
});
