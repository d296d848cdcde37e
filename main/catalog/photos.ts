// The `photos` table: one row per place (folder + relative path) that holds an image file,
// linked to the content it shows once ingested. Rows are never deleted because a file went
// away: they become `missing`, so tags and albums survive an unplugged drive or a move.
import { type Catalog, type ReadableCatalog } from './catalog-connection.ts';

export type PhotoStatus = 'pending' | 'ok' | 'broken' | 'skipped' | 'missing';

export interface Photo {
  readonly id: number;
  readonly folderId: number;
  /** Path inside the folder, always with `/` separators. */
  readonly relPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly contentId: number | null;
  readonly status: PhotoStatus;
  readonly error: string | null;
  readonly indexedAt: number | null;
}

interface PhotoRow {
  id: number;
  folder_id: number;
  rel_path: string;
  size: number;
  mtime_ms: number;
  content_id: number | null;
  status: PhotoStatus;
  error: string | null;
  indexed_at: number | null;
}

function toPhoto(row: PhotoRow): Photo {
  return {
    id: row.id,
    folderId: row.folder_id,
    relPath: row.rel_path,
    size: row.size,
    mtimeMs: row.mtime_ms,
    contentId: row.content_id,
    status: row.status,
    error: row.error,
    indexedAt: row.indexed_at,
  };
}

export function getPhoto(db: Catalog, id: number): Photo | undefined {
  const row = db.prepare('SELECT * FROM photos WHERE id = ?').get(id) as PhotoRow | undefined;
  return row ? toPhoto(row) : undefined;
}

export function findPhotoByPath(db: Catalog, folderId: number, relPath: string): Photo | undefined {
  const row = db
    .prepare('SELECT * FROM photos WHERE folder_id = ? AND rel_path = ?')
    .get(folderId, relPath) as PhotoRow | undefined;
  return row ? toPhoto(row) : undefined;
}

export function listFolderPhotos(db: Catalog, folderId: number): Photo[] {
  const rows = db
    .prepare('SELECT * FROM photos WHERE folder_id = ? ORDER BY rel_path')
    .all(folderId) as PhotoRow[];
  return rows.map(toPhoto);
}

/** What a scan needs to know about a known place, kept small for 100k-row folders. */
export interface PhotoFileState {
  readonly id: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly status: PhotoStatus;
  readonly hasContent: boolean;
}

export function loadFolderFileStates(db: Catalog, folderId: number): Map<string, PhotoFileState> {
  const states = new Map<string, PhotoFileState>();
  const rows = db
    .prepare(
      'SELECT rel_path, id, size, mtime_ms, status, content_id IS NOT NULL FROM photos WHERE folder_id = ?',
    )
    .raw()
    .iterate(folderId) as IterableIterator<[string, number, number, number, PhotoStatus, number]>;
  for (const [relPath, id, size, mtimeMs, status, hasContent] of rows) {
    states.set(relPath, { id, size, mtimeMs, status, hasContent: hasContent === 1 });
  }
  return states;
}

export interface NewPlace {
  readonly folderId: number;
  readonly relPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly status: PhotoStatus;
  readonly error?: string | null;
}

/** Inserts a place; when the path is already known (a race with another scan) it updates it. */
export function upsertPhoto(db: Catalog, place: NewPlace): number {
  const row = db
    .prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, status, error)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (folder_id, rel_path) DO UPDATE SET
         size = excluded.size, mtime_ms = excluded.mtime_ms,
         status = excluded.status, error = excluded.error
       RETURNING id`,
    )
    .all(
      place.folderId,
      place.relPath,
      place.size,
      place.mtimeMs,
      place.status,
      place.error ?? null,
    )[0] as { id: number };
  return row.id;
}

/** Records a new size/mtime and status for a known place (the file changed or came back). */
export function updatePhotoFile(
  db: Catalog,
  id: number,
  file: { size: number; mtimeMs: number; status: PhotoStatus; error?: string | null },
): void {
  db.prepare('UPDATE photos SET size = ?, mtime_ms = ?, status = ?, error = ? WHERE id = ?').run(
    file.size,
    file.mtimeMs,
    file.status,
    file.error ?? null,
    id,
  );
}

export function setPhotoStatus(
  db: Catalog,
  id: number,
  status: PhotoStatus,
  error: string | null,
  at: number | null = null,
): void {
  db.prepare(
    'UPDATE photos SET status = ?, error = ?, indexed_at = COALESCE(?, indexed_at) WHERE id = ?',
  ).run(status, error, at, id);
}

/** Marks places missing (their rows, content links and therefore tags are kept). */
export function markPhotosMissing(db: Catalog, ids: readonly number[]): void {
  const mark = db.prepare(
    "UPDATE photos SET status = 'missing', error = NULL WHERE id = ? AND status != 'missing'",
  );
  db.transaction(() => {
    for (const id of ids) mark.run(id);
  })();
}

/** Marks every place under `relDir` (a folder path inside the library folder) missing. */
export function markPhotosMissingUnder(db: Catalog, folderId: number, relDir: string): number {
  const prefix = relDir === '' ? '' : relDir + '/';
  // Range on the (folder_id, rel_path) unique index instead of LIKE, whose wildcards would
  // need escaping for names holding % or _.
  const result = db
    .prepare(
      `UPDATE photos SET status = 'missing', error = NULL
       WHERE folder_id = ? AND rel_path >= ? AND rel_path < ? AND status != 'missing'`,
    )
    .run(folderId, prefix, prefix + '\u{10FFFF}');
  return result.changes;
}

/** Links a place to its ingested content. */
export function setPhotoIngested(
  db: Catalog,
  id: number,
  ingest: { contentId: number; size: number; mtimeMs: number; at: number },
): void {
  db.prepare(
    `UPDATE photos SET content_id = ?, size = ?, mtime_ms = ?, status = 'ok', error = NULL,
       indexed_at = ? WHERE id = ?`,
  ).run(ingest.contentId, ingest.size, ingest.mtimeMs, ingest.at, id);
}

/**
 * Missing places that showed this content: candidates for a move. Those with the same file
 * name come first (a move usually keeps the name), then the most recently indexed.
 */
export function findMissingPhotosOfContent(
  db: Catalog,
  contentId: number,
  preferName: string,
): Photo[] {
  const rows = db
    .prepare(
      `SELECT * FROM photos WHERE content_id = ? AND status = 'missing'
       ORDER BY (rel_path = ? OR substr(rel_path, -length(?) - 1) = '/' || ?) DESC,
         indexed_at DESC, id`,
    )
    .all(contentId, preferName, preferName, preferName) as PhotoRow[];
  return rows.map(toPhoto);
}

/**
 * A moved or renamed file: the missing row `keepId` takes the place of the new row `dropId`
 * (which is deleted), so the photo keeps its id. Tags are on the content, so they follow.
 */
export function relinkPhoto(
  db: Catalog,
  keepId: number,
  dropId: number,
  ingest: { contentId: number; size: number; mtimeMs: number; at: number },
): void {
  db.transaction(() => {
    const place = db.prepare('SELECT folder_id, rel_path FROM photos WHERE id = ?').get(dropId) as
      { folder_id: number; rel_path: string } | undefined;
    if (!place) throw new Error(`Photo ${String(dropId)} vanished during relink.`);
    db.prepare('DELETE FROM photos WHERE id = ?').run(dropId);
    db.prepare(
      `UPDATE photos SET folder_id = ?, rel_path = ?, content_id = ?, size = ?, mtime_ms = ?,
         status = 'ok', error = NULL, indexed_at = ? WHERE id = ?`,
    ).run(
      place.folder_id,
      place.rel_path,
      ingest.contentId,
      ingest.size,
      ingest.mtimeMs,
      ingest.at,
      keepId,
    );
  })();
}

export function countPhotosByStatus(db: Catalog, folderId?: number): Record<PhotoStatus, number> {
  const counts: Record<PhotoStatus, number> = {
    pending: 0,
    ok: 0,
    broken: 0,
    skipped: 0,
    missing: 0,
  };
  const rows = (
    folderId === undefined
      ? db.prepare('SELECT status, count(*) AS n FROM photos GROUP BY status').all()
      : db
          .prepare('SELECT status, count(*) AS n FROM photos WHERE folder_id = ? GROUP BY status')
          .all(folderId)
  ) as { status: PhotoStatus; n: number }[];
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/** An ingested file of a folder: its path and the hash and size of its content. */
export interface IngestedFile {
  readonly rel_path: string;
  readonly hash: string;
  readonly size: number;
}

/** The folder's ingested files (status ok or missing), by relative path. */
export function listIngestedFilesOfFolder(db: Catalog, folderId: number): IngestedFile[] {
  return db
    .prepare<[number], IngestedFile>(
      `SELECT p.rel_path, c.hash, c.size FROM photos p JOIN contents c ON c.id = p.content_id
       WHERE p.folder_id = ? AND p.status IN ('ok', 'missing') ORDER BY p.rel_path`,
    )
    .all(folderId);
}

/** The other ok photos of a content in online folders, with their folder's path. */
export function listOtherOnlineCopies(
  db: Catalog,
  contentId: number,
  photoId: number,
): { id: number; folder: string; rel_path: string }[] {
  return db
    .prepare<[number, number], { id: number; folder: string; rel_path: string }>(
      `SELECT p.id, f.path AS folder, p.rel_path FROM photos p JOIN folders f ON f.id = p.folder_id
       WHERE p.content_id = ? AND p.id != ? AND p.status = 'ok' AND f.status = 'online'`,
    )
    .all(contentId, photoId);
}

/** Ids of every photo that has a content, by folder and path. */
export function listIngestedPhotoIds(db: Catalog): number[] {
  return db
    .prepare<[], number>(
      `SELECT id FROM photos WHERE content_id IS NOT NULL ORDER BY folder_id, rel_path`,
    )
    .pluck()
    .all();
}

/** Ids of the photos showing a content, by id. */
export function listPhotoIdsOfContent(db: Catalog, contentId: number): number[] {
  return db
    .prepare<[number], number>('SELECT id FROM photos WHERE content_id = ? ORDER BY id')
    .pluck()
    .all(contentId);
}

/** What a photo grid shows of a photo (its content's hash and facts when ingested). */
export interface PhotoSummaryRow {
  id: number;
  folder_id: number;
  rel_path: string;
  hash: string | null;
  width: number | null;
  height: number | null;
  taken_at: number | null;
  status: PhotoStatus;
}

const photoSummaryColumns = `p.id, p.folder_id, p.rel_path, c.hash, c.width, c.height, c.taken_at, p.status`;

/** The photos with these ids that exist (in no particular order). */
export function getPhotoSummaryRows(db: Catalog, ids: readonly number[]): PhotoSummaryRow[] {
  return db
    .prepare<[string], PhotoSummaryRow>(
      `SELECT ${photoSummaryColumns} FROM photos p LEFT JOIN contents c ON c.id = p.content_id
       WHERE p.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids));
}

/** A photo with its place, file facts and its content's facts (the photo view). */
export interface PhotoDetailRow extends PhotoSummaryRow {
  content_id: number | null;
  folder_path: string;
  size: number;
  mtime_ms: number;
  error: string | null;
  format: string | null;
  camera: string | null;
  lat: number | null;
  lon: number | null;
  orientation: number | null;
  has_preview: number | null;
}

export function getPhotoDetailRow(db: Catalog, id: number): PhotoDetailRow | undefined {
  return db
    .prepare<[number], PhotoDetailRow>(
      `SELECT ${photoSummaryColumns}, p.content_id, f.path AS folder_path, p.size, p.mtime_ms, p.error,
              c.format, c.camera, c.lat, c.lon, c.orientation, c.has_preview
       FROM photos p JOIN folders f ON f.id = p.folder_id LEFT JOIN contents c ON c.id = p.content_id
       WHERE p.id = ?`,
    )
    .get(id);
}

/** The other places of a content (any status), with absolute paths, by path, at most `limit`. */
export function listOtherPlacesOfContent(
  db: Catalog,
  contentId: number,
  photoId: number,
  limit = 50,
): { id: number; path: string }[] {
  return db
    .prepare<[number, number, number], { id: number; path: string }>(
      `SELECT p.id, f.path || '/' || p.rel_path AS path FROM photos p JOIN folders f ON f.id = p.folder_id
       WHERE p.content_id = ? AND p.id != ? ORDER BY path LIMIT ?`,
    )
    .all(contentId, photoId, limit);
}

/**
 * A search's photos as SQL over `photos p` (joined as the search planner needs): the planner's
 * FROM and WHERE clauses with their bound parameters. The planner lives above the catalog
 * (main/search/search-planner.ts); the catalog runs what it plans.
 */
export interface PhotoFilterSql {
  readonly from: string;
  readonly where: string;
  readonly params: readonly (string | number)[];
}

/** Ids of the photos a planned search finds, by id. */
export function listPhotoIdsWhere(db: Catalog, filter: PhotoFilterSql): number[] {
  return db
    .prepare<(string | number)[], number>(
      `SELECT p.id FROM ${filter.from} WHERE ${filter.where} ORDER BY p.id`,
    )
    .pluck()
    .all(...filter.params);
}

/** The photo at this relative path in a folder. */
export function findPhotoIdByPath(
  db: ReadableCatalog,
  folderId: number,
  relPath: string,
): number | undefined {
  return db
    .prepare<[number, string], { id: number }>(
      'SELECT id FROM photos WHERE folder_id = ? AND rel_path = ?',
    )
    .get(folderId, relPath)?.id;
}

/** How many photos (any status) a folder has. */
export function countFolderPhotos(db: Catalog, folderId: number): number {
  return (
    db
      .prepare<[number], number>('SELECT count(*) FROM photos WHERE folder_id = ?')
      .pluck()
      .get(folderId) ?? 0
  );
}

/** Photos that could not be read or were skipped, with absolute paths, by path. */
export function listUnreadablePhotos(
  db: ReadableCatalog,
): { path: string; status: string; error: string | null }[] {
  return db
    .prepare<[], { path: string; status: string; error: string | null }>(
      `SELECT f.path || '/' || p.rel_path AS path, p.status, p.error FROM photos p JOIN folders f ON f.id = p.folder_id
       WHERE p.status IN ('broken', 'skipped') ORDER BY path`,
    )
    .all();
}

/**
 * In these folders: ok photos, their distinct contents, and those contents the engine already
 * answered for (with `settingsKey`, only answers under those settings): what a tagging run
 * would skip (see [Note: Never pay twice]).
 */
export function countTaggableContents(
  db: ReadableCatalog,
  folderIds: readonly number[],
  engine: string,
  settingsKey: string | undefined,
): { photos: number; contents: number; tagged: number } {
  const marks = folderIds.map(() => '?').join(', ') || 'NULL';
  const resultFilter =
    settingsKey === undefined ? `r.engine = ?` : `r.engine = ? AND r.settings_key = ?`;
  const resultArgs = settingsKey === undefined ? [engine] : [engine, settingsKey];
  return (
    db
      .prepare<(string | number)[], { photos: number; contents: number; tagged: number }>(
        `SELECT COUNT(*) AS photos, COUNT(DISTINCT p.content_id) AS contents,
           COUNT(DISTINCT CASE WHEN EXISTS (
             SELECT 1 FROM engine_results r WHERE r.content_id = p.content_id AND ${resultFilter}
           ) THEN p.content_id END) AS tagged
         FROM photos p WHERE p.status = 'ok' AND p.content_id IS NOT NULL AND p.folder_id IN (${marks})`,
      )
      .get(...resultArgs, ...folderIds) ?? { photos: 0, contents: 0, tagged: 0 }
  );
}

/** Photos waiting to be ingested in these folders. */
export function countPendingPhotos(db: ReadableCatalog, folderIds: readonly number[]): number {
  const marks = folderIds.map(() => '?').join(', ') || 'NULL';
  return (
    db
      .prepare<number[], { n: number }>(
        `SELECT COUNT(*) AS n FROM photos WHERE status = 'pending' AND folder_id IN (${marks})`,
      )
      .get(...folderIds)?.n ?? 0
  );
}

export function photoExists(db: Catalog, id: number): boolean {
  return db.prepare<[number]>(`SELECT 1 FROM photos WHERE id = ?`).get(id) !== undefined;
}

/** Photos whose absolute path (folder path + '/' + relative path) or relative path is this text. */
export function findPhotoIdsByPathText(db: Catalog, path: string): number[] {
  return db
    .prepare<[string, string], number>(
      `SELECT p.id FROM photos p JOIN folders f ON f.id = p.folder_id
       WHERE f.path || '/' || p.rel_path = ? OR p.rel_path = ?`,
    )
    .pluck()
    .all(path, path);
}

/** What `tujian show` tells of a photo: its row and its content's facts. */
export interface PhotoDetails {
  id: number;
  status: string;
  error: string | null;
  size: number;
  content_id: number | null;
  hash: string | null;
  format: string | null;
  width: number | null;
  height: number | null;
  taken_at: number | null;
  camera: string | null;
  lat: number | null;
  lon: number | null;
  orientation: number | null;
}

export function readPhotoDetails(db: ReadableCatalog, photoId: number): PhotoDetails | undefined {
  return db
    .prepare<[number], PhotoDetails>(
      `SELECT p.id, p.status, p.error, p.size, p.content_id, c.hash, c.format, c.width, c.height, c.taken_at,
             c.camera, c.lat, c.lon, c.orientation
           FROM photos p LEFT JOIN contents c ON c.id = p.content_id WHERE p.id = ?`,
    )
    .get(photoId);
}
