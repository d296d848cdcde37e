// The rows a search snapshot is built from (main/search/search-snapshot.ts, [Note: Search
// snapshots]): each table a search reads, in the order the snapshot builder needs it, as raw
// tuples (no objects per row: a 100k-photo library has a million tag rows). The builder reads
// them all inside one read transaction, so together they are one point in time.
import type { ReadableCatalog as Catalog } from './catalog-connection.ts';
import type { PhotoStatus } from './photos.ts';

/** The catalog's current search generation (migration 5); -1 before it exists. */
export function readSearchGeneration(db: Catalog): number {
  return db.prepare<[], number>(`SELECT n FROM search_generation WHERE id = 1`).pluck().get() ?? -1;
}

/** The sizes the snapshot's arrays are allocated with. */
export function readSnapshotSizes(db: Catalog): {
  maxContent: number;
  maxTag: number;
  rowCount: number;
} {
  const one = (sql: string) => db.prepare<[], number | null>(sql).pluck().get() ?? 0;
  return {
    maxContent: one(`SELECT max(id) FROM contents`),
    maxTag: one(`SELECT max(id) FROM tags`),
    rowCount: one(`SELECT count(*) FROM photo_tags`),
  };
}

/** [tag id, tag type]. */
export function iterateTagTypes(db: Catalog): IterableIterator<[number, string]> {
  return db.prepare<[], [number, string]>(`SELECT id, type FROM tags`).raw().iterate();
}

/** [folder id, path, status]. */
export function iterateFolderStates(db: Catalog): IterableIterator<[number, string, string]> {
  return db
    .prepare<[], [number, string, string]>(`SELECT id, path, status FROM folders`)
    .raw()
    .iterate();
}

/** [content id, taken at, camera, latitude, longitude]. */
export function iterateContentFacts(
  db: Catalog,
): IterableIterator<[number, number | null, string | null, number | null, number | null]> {
  return db
    .prepare<[], [number, number | null, string | null, number | null, number | null]>(
      `SELECT id, taken_at, camera, lat, lon FROM contents`,
    )
    .raw()
    .iterate();
}

/** [photo id, content id, folder id, status, relative path], by photo id. */
export function listPhotoRows(db: Catalog): [number, number | null, number, PhotoStatus, string][] {
  return db
    .prepare<[], [number, number | null, number, PhotoStatus, string]>(
      `SELECT id, content_id, folder_id, status, rel_path FROM photos ORDER BY id`,
    )
    .raw()
    .all();
}

/** Box counts: [content id, tag id, engine, boxes], in (content, tag, engine) order. */
export function listBoxCounts(db: Catalog): [number, number, string, number][] {
  return db
    .prepare<[], [number, number, string, number]>(
      `SELECT content_id, tag_id, engine, count(*) FROM tag_boxes
       GROUP BY content_id, tag_id, engine ORDER BY content_id, tag_id, engine`,
    )
    .raw()
    .all();
}

/** Tag rows a search sees (not rejected): [content id, tag id, engine, confidence], in key order. */
export function iterateLiveTagRows(
  db: Catalog,
): IterableIterator<[number, number, string, number | null]> {
  return db
    .prepare<[], [number, number, string, number | null]>(
      `SELECT content_id, tag_id, engine, confidence FROM photo_tags
       WHERE state != 'rejected' ORDER BY content_id, tag_id, engine`,
    )
    .raw()
    .iterate();
}
