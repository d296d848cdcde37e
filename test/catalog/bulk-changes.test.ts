// Undoable bulk changes on a real catalog file: each undo puts back exactly the tag rows
// (states, confidences, boxes) or album members the change altered, also from a new
// connection (the grid refreshed, the app restarted), and only for the last change.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import {
  addPhotosToAlbum,
  listAlbumPhotoIds,
  moveAlbumPhotos,
} from '../../main/catalog/album-photos.ts';
import { createManualAlbum } from '../../main/catalog/albums.ts';
import {
  bulkAddTag,
  bulkAddToAlbum,
  bulkRemoveFromAlbum,
  bulkRemoveTag,
  BulkUndoError,
  lastBulkChange,
  undoBulkChange,
} from '../../main/catalog/bulk-changes.ts';
import { commonTags, SearchFixture } from '../search/search-fixture.ts';
import { join } from 'node:path';

let fx: SearchFixture;
let plain: number, dog: number, rejected: number, twin: number;

beforeEach(() => {
  fx = new SearchFixture();
  fx.addTags(commonTags);
  plain = fx.addPhoto({ relPath: 'plain.jpg', tags: [{ tag: 'cat' }] });
  dog = fx.addPhoto({
    relPath: 'dog.jpg',
    tags: [
      { tag: 'beach', engine: 'local', confidence: 71, boxes: 2 },
      { tag: 'beach', engine: 'huawei', confidence: null },
    ],
  });
  rejected = fx.addPhoto({
    relPath: 'rejected.jpg',
    tags: [{ tag: 'beach', engine: 'local', confidence: 64, state: 'rejected' }],
  });
  // The same bytes as dog.jpg in another place.
  twin = fx.addPhoto({ folder: '/copy', relPath: 'dog.jpg', hash: 'hash-dog.jpg' });
});
afterEach(() => {
  fx.close();
});

const beachRows = () =>
  fx.db
    .prepare(
      `SELECT pt.content_id, pt.engine, pt.state, pt.confidence,
         (SELECT count(*) FROM tag_boxes b WHERE b.content_id = pt.content_id AND b.tag_id = pt.tag_id
            AND b.engine = pt.engine) AS boxes
       FROM photo_tags pt WHERE pt.tag_id = ? ORDER BY pt.content_id, pt.engine`,
    )
    .all(fx.tagId('beach'));

describe(bulkAddTag.name, () => {
  it('tags the photos and says how many changed; undo puts every row back as it was', () => {
    const before = beachRows();
    const change = bulkAddTag(fx.db, [plain, dog, rejected], 'beach', 100);
    // dog.jpg had the tag already; rejected.jpg had it removed and gets it back.
    expect(change).toMatchObject({ kind: 'add-tag', photos: 2, tag: { name: 'beach' } });
    expect(beachRows()).not.toEqual(before);
    expect(undoBulkChange(fx.db, change.changeId)).toEqual(change);
    expect(beachRows()).toEqual(before);
  });

  it('counts places: two places of one content are two photos', () => {
    fx.db.prepare(`DELETE FROM photo_tags WHERE tag_id = ?`).run(fx.tagId('beach'));
    expect(bulkAddTag(fx.db, [dog, twin], 'Beach').photos).toBe(2);
  });

  it('undoes a new tag as well (its rows go; the search finds nothing)', () => {
    const change = bulkAddTag(fx.db, [plain], { zh: '海边小屋', en: 'Beach hut' });
    expect(change.kind === 'add-tag' && change.tag.en).toBe('Beach hut');
    undoBulkChange(fx.db, change.changeId);
    const rows = fx.db
      .prepare(
        `SELECT count(*) AS n FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.en = ?`,
      )
      .get('Beach hut');
    expect(rows).toEqual({ n: 0 });
  });
});

describe(bulkRemoveTag.name, () => {
  it('removes the tag; undo brings back the engine rows with their scores and boxes', () => {
    const before = beachRows();
    const change = bulkRemoveTag(fx.db, [dog, plain], fx.tagId('beach'), 100);
    expect(change).toMatchObject({ kind: 'remove-tag', photos: 1 });
    expect(beachRows().filter((r) => (r as { state: string }).state !== 'rejected')).toEqual([]);
    undoBulkChange(fx.db, change.changeId);
    expect(beachRows()).toEqual(before);
  });
});

describe(bulkAddToAlbum.name, () => {
  it('adds the photos; undo takes out only those this change added', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [dog]);
    const change = bulkAddToAlbum(fx.db, [plain, dog, rejected], album.id);
    expect(change).toMatchObject({ kind: 'add-to-album', photos: 2, album: { name: 'Trip' } });
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([dog, plain, rejected]);
    undoBulkChange(fx.db, change.changeId);
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([dog]);
  });
});

describe(bulkRemoveFromAlbum.name, () => {
  const places = (albumId: number) =>
    fx.db
      .prepare(
        `SELECT photo_id, position, added_at FROM album_photos WHERE album_id = ? ORDER BY position`,
      )
      .all(albumId);

  it('takes the photos out; undo puts them back at their places, as they were added', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [plain, dog], 10);
    addPhotosToAlbum(fx.db, album.id, [rejected, twin], 20);
    const before = places(album.id);
    const change = bulkRemoveFromAlbum(fx.db, [dog, twin], album.id, 30);
    expect(change).toMatchObject({
      kind: 'remove-from-album',
      photos: 2,
      album: { id: album.id, name: 'Trip' },
    });
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([plain, rejected]);
    expect(lastBulkChange(fx.db)).toEqual(change);
    expect(undoBulkChange(fx.db, change.changeId)).toEqual(change);
    expect(places(album.id)).toEqual(before);
  });

  it('counts only photos that were in the album', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [plain]);
    expect(bulkRemoveFromAlbum(fx.db, [plain, dog], album.id).photos).toBe(1);
  });

  it('puts them back before the photo that followed them when the album was reordered since', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [plain, dog, rejected, twin]);
    const change = bulkRemoveFromAlbum(fx.db, [plain, dog], album.id);
    // The move renumbers the album from 0: twin takes position 0, where plain was.
    moveAlbumPhotos(fx.db, album.id, [twin], rejected);
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([twin, rejected]);
    undoBulkChange(fx.db, change.changeId);
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([twin, plain, dog, rejected]);
  });

  it('skips a photo put back by hand and one that left the library', () => {
    const album = createManualAlbum(fx.db, 'Trip');
    addPhotosToAlbum(fx.db, album.id, [plain, dog, rejected]);
    const change = bulkRemoveFromAlbum(fx.db, [plain, dog, rejected], album.id);
    addPhotosToAlbum(fx.db, album.id, [dog]);
    fx.db.prepare(`DELETE FROM photos WHERE id = ?`).run(rejected);
    undoBulkChange(fx.db, change.changeId);
    // dog.jpg, added again into the empty album, took plain.jpg's position 0; plain.jpg was
    // followed by no photo that stayed, so it goes to the end.
    expect(listAlbumPhotoIds(fx.db, album.id)).toEqual([dog, plain]);
  });
});

describe(undoBulkChange.name, () => {
  it('works from another connection after the change (the record is in the catalog)', () => {
    const change = bulkRemoveTag(fx.db, [dog], fx.tagId('beach'));
    const other = openCatalog(join(fx.dir, 'catalog.sqlite'));
    try {
      expect(lastBulkChange(other)).toEqual(change);
      undoBulkChange(other, change.changeId);
    } finally {
      other.close();
    }
    expect(lastBulkChange(fx.db)).toBeNull();
    expect(beachRows().filter((r) => (r as { state: string }).state === 'rejected')).toHaveLength(
      1, // rejected.jpg's own removal stays
    );
  });

  it('undoes only the last change, once', () => {
    const first = bulkAddTag(fx.db, [plain], 'beach');
    const second = bulkAddTag(fx.db, [plain], 'dog');
    expect(second.changeId).toBeGreaterThan(first.changeId);
    expect(() => undoBulkChange(fx.db, first.changeId)).toThrow(BulkUndoError);
    undoBulkChange(fx.db, second.changeId);
    expect(() => undoBulkChange(fx.db, second.changeId)).toThrow(BulkUndoError);
    // An id is never given again after an undo cleared the record.
    expect(bulkAddTag(fx.db, [plain], 'cat').changeId).toBeGreaterThan(second.changeId);
  });
});
