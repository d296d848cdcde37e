// The photos of manual albums, in the user's order ([Note: Manual albums hold places] in
// migration 0014): add, remove, move, and the album's page in order. Every change runs in
// one transaction. Smart albums have no rows here; their photos are a search.
import type { Catalog, ReadableCatalog } from './catalog-connection.ts';
import { AlbumError, getAlbum, type Album } from './albums.ts';

/** One photo of an album's page, in the columns the search's items have. */
export interface AlbumPhotoRow {
  readonly position: number;
  readonly id: number;
  readonly content_id: number | null;
  readonly folder_id: number;
  readonly folder_path: string;
  readonly folder_status: 'online' | 'offline';
  readonly rel_path: string;
  readonly status: 'pending' | 'ok' | 'broken' | 'skipped' | 'missing';
  readonly hash: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly taken_at: number | null;
  readonly camera: string | null;
}

/**
 * One page of an album in its order, after a position (keyset, -1 for the first page).
 * Photos whose file is missing are left out, as a search leaves them out (they come back
 * with their drive). Exported for the EXPLAIN QUERY PLAN test.
 */
export const albumPageSql = `SELECT ap.position, p.id, p.content_id, p.folder_id, f.path AS folder_path,
    f.status AS folder_status, p.rel_path, p.status, c.hash, c.width, c.height, c.taken_at, c.camera
  FROM album_photos ap JOIN photos p ON p.id = ap.photo_id JOIN folders f ON f.id = p.folder_id
  LEFT JOIN contents c ON c.id = p.content_id
  WHERE ap.album_id = ? AND ap.position > ? AND p.status != 'missing'
  ORDER BY ap.position LIMIT ?`;

/** The album, which must be manual to hold photos. */
export function requireManualAlbum(db: ReadableCatalog, albumId: number): Album {
  const album = getAlbum(db, albumId);
  if (album.kind !== 'manual') {
    throw new AlbumError(
      'not-manual',
      `"${album.name}" is a smart album: its photos are what its search finds.`,
    );
  }
  return album;
}

function assertPhotosExist(db: Catalog, photoIds: readonly number[]): void {
  const unique = [...new Set(photoIds)];
  const found = db
    .prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM photos WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .get(JSON.stringify(unique));
  if ((found?.n ?? 0) !== unique.length) {
    throw new AlbumError('not-found', 'Some of these photos are not in the library.');
  }
}

/**
 * Put photos at the end of a manual album, in the order given; photos already in it stay
 * where they are. Returns the photos that were added (for the undo and the message).
 */
export function addPhotosToAlbum(
  db: Catalog,
  albumId: number,
  photoIds: readonly number[],
  now = Date.now(),
): number[] {
  return db.transaction(() => {
    requireManualAlbum(db, albumId);
    assertPhotosExist(db, photoIds);
    const last = db
      .prepare<[number], { last: number | null }>(
        `SELECT max(position) AS last FROM album_photos WHERE album_id = ?`,
      )
      .get(albumId);
    let position = last?.last ?? -1;
    const insert = db.prepare<[number, number, number, number]>(
      `INSERT INTO album_photos (album_id, photo_id, position, added_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (album_id, photo_id) DO NOTHING`,
    );
    const added: number[] = [];
    for (const photoId of new Set(photoIds)) {
      if (insert.run(albumId, photoId, position + 1, now).changes > 0) {
        position++;
        added.push(photoId);
      }
    }
    if (added.length > 0) touchAlbum(db, albumId, now);
    return added;
  })();
}

/** Take photos out of a manual album (the files and tags are untouched); returns how many. */
export function removePhotosFromAlbum(
  db: Catalog,
  albumId: number,
  photoIds: readonly number[],
  now = Date.now(),
): number {
  return db.transaction(() => {
    requireManualAlbum(db, albumId);
    const removed = db
      .prepare<[number, string]>(
        `DELETE FROM album_photos WHERE album_id = ? AND photo_id IN (SELECT value FROM json_each(?))`,
      )
      .run(albumId, JSON.stringify(photoIds)).changes;
    if (removed > 0) touchAlbum(db, albumId, now);
    return removed;
  })();
}

/**
 * Move photos of a manual album, as one block in their album order, to just before
 * `beforePhotoId` (the end when null). Photos not in the album are ignored; `beforePhotoId`
 * must be in it and not one of the moved photos.
 */
export function moveAlbumPhotos(
  db: Catalog,
  albumId: number,
  photoIds: readonly number[],
  beforePhotoId: number | null,
  now = Date.now(),
): void {
  db.transaction(() => {
    requireManualAlbum(db, albumId);
    const order = listAlbumPhotoIds(db, albumId, { includeMissing: true });
    const moving = new Set(photoIds);
    if (beforePhotoId !== null && (moving.has(beforePhotoId) || !order.includes(beforePhotoId))) {
      throw new AlbumError('not-found', `Photo ${beforePhotoId} is not a place to move to.`);
    }
    const block = order.filter((id) => moving.has(id));
    if (block.length === 0) return;
    const rest = order.filter((id) => !moving.has(id));
    const at = beforePhotoId === null ? rest.length : rest.indexOf(beforePhotoId);
    renumberAlbum(db, albumId, [...rest.slice(0, at), ...block, ...rest.slice(at)]);
    touchAlbum(db, albumId, now);
  })();
}

/**
 * Gives the album's photos the positions 0, 1, … in the order given (which must hold every
 * photo of the album, missing ones too). Runs inside the caller's transaction.
 */
export function renumberAlbum(db: Catalog, albumId: number, order: readonly number[]): void {
  // Renumbered from 0 in two steps: the unique (album, position) index forbids a moment
  // where two photos share a position, so the rows first move out of the way (negative).
  const setPosition = db.prepare<[number, number, number]>(
    `UPDATE album_photos SET position = ? WHERE album_id = ? AND photo_id = ?`,
  );
  order.forEach((id, i) => setPosition.run(-1 - i, albumId, id));
  order.forEach((id, i) => setPosition.run(i, albumId, id));
}

/** A photo's place in a manual album, as a removal records it to put the photo back. */
export interface AlbumPlace {
  readonly photoId: number;
  readonly position: number;
  readonly addedAt: number;
}

/** Where these photos are in the album (photos not in it left out), in album order. */
export function albumPlacesOf(
  db: ReadableCatalog,
  albumId: number,
  photoIds: readonly number[],
): AlbumPlace[] {
  return db
    .prepare<[number, string], AlbumPlace>(
      `SELECT photo_id AS photoId, position, added_at AS addedAt FROM album_photos
       WHERE album_id = ? AND photo_id IN (SELECT value FROM json_each(?)) ORDER BY position`,
    )
    .all(albumId, JSON.stringify([...new Set(photoIds)]));
}

function touchAlbum(db: Catalog, albumId: number, now: number): void {
  db.prepare(`UPDATE albums SET updated_at = ? WHERE id = ?`).run(now, albumId);
}

/** The album's photo ids in order (missing files left out unless asked for). */
export function listAlbumPhotoIds(
  db: ReadableCatalog,
  albumId: number,
  options: { includeMissing?: boolean } = {},
): number[] {
  return db
    .prepare<[number, number], { photo_id: number }>(
      `SELECT ap.photo_id FROM album_photos ap JOIN photos p ON p.id = ap.photo_id
       WHERE ap.album_id = ? AND (? OR p.status != 'missing') ORDER BY ap.position`,
    )
    .all(albumId, options.includeMissing ? 1 : 0)
    .map((r) => r.photo_id);
}

/** One page of the album in order, after `afterPosition` (-1: from the start). */
export function listAlbumPage(
  db: ReadableCatalog,
  albumId: number,
  afterPosition: number,
  limit: number,
): AlbumPhotoRow[] {
  return db
    .prepare<[number, number, number], AlbumPhotoRow>(albumPageSql)
    .all(albumId, afterPosition, limit);
}

/** Photos shown in each manual album (missing files left out), by album id. */
export function countManualAlbumPhotos(db: ReadableCatalog): Map<number, number> {
  const rows = db
    .prepare<[], { album_id: number; n: number }>(
      `SELECT ap.album_id, count(*) AS n FROM album_photos ap JOIN photos p ON p.id = ap.photo_id
       WHERE p.status != 'missing' GROUP BY ap.album_id`,
    )
    .all();
  return new Map(rows.map((r) => [r.album_id, r.n]));
}

/** Photos shown in one manual album (missing files left out). */
export function countAlbumPhotos(db: ReadableCatalog, albumId: number): number {
  return (
    db
      .prepare<[number], { n: number }>(
        `SELECT count(*) AS n FROM album_photos ap JOIN photos p ON p.id = ap.photo_id
         WHERE ap.album_id = ? AND p.status != 'missing'`,
      )
      .get(albumId)?.n ?? 0
  );
}
