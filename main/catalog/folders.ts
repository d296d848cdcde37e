// The `folders` table: the photo folders the user added, each with the identity of the
// volume it lives on so an unplugged drive is told apart from a folder that was emptied.
//
// [Note: Folder volume identity]
// When a folder is added we record `dev:ino:birthtimeMs` of its root directory. A later scan
// compares the root's current identity with the recorded one: if the root is gone, or its
// inode or birth time differ (an empty mount point left behind by an unplugged drive, or
// another drive mounted at the same path), the folder is marked offline and nothing in it is
// marked missing. `st_dev` alone is not compared: removable drives often get a different
// device number when plugged in again, while the root directory's inode and birth time stay.
import { statSync, realpathSync, type Stats } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { z } from 'zod';
import { type Catalog, type ReadableCatalog } from './catalog-connection.ts';
import { EngineId } from '../engines/tag-model.ts';

export type FolderStatus = 'online' | 'offline';

export interface Folder {
  readonly id: number;
  readonly path: string;
  readonly volumeId: string | null;
  readonly status: FolderStatus;
  readonly engines: readonly string[];
  readonly addedAt: number;
  readonly lastScanAt: number | null;
}

export type FolderErrorCode =
  | 'not-found'
  | 'not-a-directory'
  | 'already-added'
  | 'inside-existing'
  | 'contains-existing'
  | 'unknown-folder';

export class FolderError extends Error {
  constructor(
    readonly code: FolderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FolderError';
  }
}

const enginesSchema = z.array(z.string().min(1));

/**
 * The engines a new folder runs: the on-device ones, objects and text ([Note: Text reading is
 * on by default] in main/engines/text/text-profile.ts).
 */
export const defaultFolderEngines: readonly string[] = ['local', 'text'];

interface FolderRow {
  id: number;
  path: string;
  volume_id: string | null;
  status: string;
  engines: string;
  added_at: number;
  last_scan_at: number | null;
}

function toFolder(row: FolderRow): Folder {
  return {
    id: row.id,
    path: row.path,
    volumeId: row.volume_id,
    status: row.status === 'offline' ? 'offline' : 'online',
    engines: enginesSchema.parse(JSON.parse(row.engines)),
    addedAt: row.added_at,
    lastScanAt: row.last_scan_at,
  };
}

/** The identity of a folder's root directory; see [Note: Folder volume identity]. */
export function volumeIdentityOf(stats: Stats): string {
  return `${String(stats.dev)}:${String(stats.ino)}:${String(Math.trunc(stats.birthtimeMs))}`;
}

/** True when `current` is the same root directory as the recorded identity. */
export function isSameVolume(recorded: string | null, current: string): boolean {
  if (recorded === null) return true;
  const [, recordedIno, recordedBirth] = recorded.split(':');
  const [, currentIno, currentBirth] = current.split(':');
  return recordedIno === currentIno && recordedBirth === currentBirth;
}

function isInside(child: string, parent: string): boolean {
  const prefix = parent.endsWith(sep) ? parent : parent + sep;
  return child.startsWith(prefix);
}

export interface AddFolderOptions {
  readonly engines?: readonly string[];
  readonly now?: number;
}

/**
 * Adds a folder (resolved to its real path). Refuses a path that is not a directory, one
 * already added, and one inside or containing an added folder (a photo would have two places
 * in the catalog and be scanned twice).
 */
export function addFolder(db: Catalog, path: string, options: AddFolderOptions = {}): Folder {
  const absolute = isAbsolute(path) ? path : resolve(path);
  let real: string;
  let stats: Stats;
  try {
    real = realpathSync.native(absolute);
    stats = statSync(real);
  } catch (error) {
    throw new FolderError(
      'not-found',
      `Cannot add ${absolute}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}.`,
    );
  }
  if (!stats.isDirectory()) {
    throw new FolderError('not-a-directory', `Cannot add ${real}: it is not a folder.`);
  }
  const engines = enginesSchema.parse(options.engines ?? defaultFolderEngines);
  const now = options.now ?? Date.now();
  return db
    .transaction(() => {
      for (const existing of listFolders(db)) {
        if (existing.path === real) {
          throw new FolderError(
            'already-added',
            `${real} is already in the library (folder ${String(existing.id)}).`,
          );
        }
        if (isInside(real, existing.path)) {
          throw new FolderError(
            'inside-existing',
            `Cannot add ${real}: it is inside ${existing.path}, which is already in the library.`,
          );
        }
        if (isInside(existing.path, real)) {
          throw new FolderError(
            'contains-existing',
            `Cannot add ${real}: it contains ${existing.path}, which is already in the library; remove that folder first.`,
          );
        }
      }
      const row = db
        .prepare(
          `INSERT INTO folders (path, volume_id, status, engines, added_at)
           VALUES (?, ?, 'online', ?, ?) RETURNING *`,
        )
        .all(real, volumeIdentityOf(stats), JSON.stringify(engines), now)[0] as FolderRow;
      return toFolder(row);
    })
    .immediate();
}

export function listFolders(db: ReadableCatalog): Folder[] {
  const rows = db.prepare('SELECT * FROM folders ORDER BY id').all() as FolderRow[];
  return rows.map(toFolder);
}

export function getFolder(db: Catalog, id: number): Folder | undefined {
  const row = db.prepare('SELECT * FROM folders WHERE id = ?').get(id) as FolderRow | undefined;
  return row ? toFolder(row) : undefined;
}

/** Like `getFolder`, but a missing folder is an error with a clear message. */
export function requireFolder(db: Catalog, id: number): Folder {
  const folder = getFolder(db, id);
  if (!folder) throw new FolderError('unknown-folder', `There is no folder ${String(id)}.`);
  return folder;
}

export function setFolderStatus(db: Catalog, id: number, status: FolderStatus): void {
  requireFolder(db, id);
  db.prepare('UPDATE folders SET status = ? WHERE id = ?').run(status, id);
}

export function setFolderEngines(db: Catalog, id: number, engines: readonly string[]): void {
  requireFolder(db, id);
  const parsed = enginesSchema.parse(engines);
  db.prepare('UPDATE folders SET engines = ? WHERE id = ?').run(JSON.stringify(parsed), id);
}

/** The id of the folder recorded at exactly this path. */
export function findFolderIdByPath(db: Catalog, path: string): number | undefined {
  return db.prepare<[string], { id: number }>(`SELECT id FROM folders WHERE path = ?`).get(path)
    ?.id;
}

/**
 * Record a folder row as given, without `addFolder`'s checks (real path, volume identity,
 * nesting): for the app's catalog-only library port, which has no scanner behind it.
 */
export function insertFolderRow(
  db: Catalog,
  path: string,
  engines: readonly string[],
  addedAt: number,
): number {
  const row = db
    .prepare<[string, string, number], { id: number }>(
      `INSERT INTO folders (path, engines, added_at) VALUES (?, ?, ?) RETURNING id`,
    )
    .all(path, JSON.stringify(engines), addedAt)[0];
  if (!row) throw new Error('folder insert returned nothing');
  return row.id;
}

/** Delete a folder row (its photos go by cascade), without `removeFolder`'s job cleanup. */
export function deleteFolderRow(db: Catalog, id: number): void {
  db.prepare<[number]>(`DELETE FROM folders WHERE id = ?`).run(id);
}

/** Every folder's id and status in one text, which changes when any folder goes on- or offline. */
export function folderStatesSignature(db: Catalog): string {
  return (
    db
      .prepare<[], { states: string | null }>(
        `SELECT group_concat(id || ':' || status, ',') AS states FROM (SELECT id, status FROM folders ORDER BY id)`,
      )
      .get()?.states ?? ''
  );
}

/** Ids of the folders whose engine list includes this engine. */
export function listFolderIdsWithEngine(db: ReadableCatalog, engine: string): number[] {
  return db
    .prepare<[string], number>(
      `SELECT f.id FROM folders f WHERE EXISTS (SELECT 1 FROM json_each(f.engines) e WHERE e.value = ?)`,
    )
    .pluck()
    .all(engine);
}

/** Store a folder's engine list as given; false when there is no such folder. */
export function updateFolderEngines(db: Catalog, id: number, engines: readonly string[]): boolean {
  return (
    db
      .prepare<[string, number]>(`UPDATE folders SET engines = ? WHERE id = ?`)
      .run(JSON.stringify(engines), id).changes > 0
  );
}

/** A folder with how many of its photos are ok, pending and broken (the sidebar's view). */
export interface FolderWithCountsRow {
  id: number;
  path: string;
  status: FolderStatus;
  /** The stored JSON text of the engine list. */
  engines: string;
  added_at: number;
  last_scan_at: number | null;
  photo_count: number;
  pending_count: number;
  broken_count: number;
}

const folderWithCountsSelect = `
  SELECT f.id, f.path, f.status, f.engines, f.added_at, f.last_scan_at,
    (SELECT count(*) FROM photos p WHERE p.folder_id = f.id AND p.status = 'ok') AS photo_count,
    (SELECT count(*) FROM photos p WHERE p.folder_id = f.id AND p.status = 'pending') AS pending_count,
    (SELECT count(*) FROM photos p WHERE p.folder_id = f.id AND p.status = 'broken') AS broken_count
  FROM folders f`;

/** Every folder with its photo counts, by path. */
export function listFoldersWithCounts(db: Catalog): FolderWithCountsRow[] {
  return db.prepare<[], FolderWithCountsRow>(`${folderWithCountsSelect} ORDER BY f.path`).all();
}

export function getFolderWithCounts(db: Catalog, id: number): FolderWithCountsRow | undefined {
  return db
    .prepare<[number], FolderWithCountsRow>(`${folderWithCountsSelect} WHERE f.id = ?`)
    .get(id);
}

/** Records a new root identity (the user confirmed the folder at this path is the same one). */
export function setFolderVolumeId(db: Catalog, id: number, volumeId: string): void {
  requireFolder(db, id);
  db.prepare('UPDATE folders SET volume_id = ? WHERE id = ?').run(volumeId, id);
}

/** The folder was found at a new path (moved or remounted): record it there, online. */
export function relinkFolderPath(db: Catalog, id: number, path: string, volumeId: string): void {
  db.prepare<[string, string, number]>(
    `UPDATE folders SET path = ?, volume_id = ?, status = 'online' WHERE id = ?`,
  ).run(path, volumeId, id);
}

export function setFolderScanned(db: Catalog, id: number, at: number): void {
  db.prepare('UPDATE folders SET last_scan_at = ? WHERE id = ?').run(at, id);
}

/**
 * Removes a folder and its photo rows (places). Contents and their tags stay: the same bytes
 * may be in another folder, and tags belong to content ([Note: Tags belong to content]), so
 * adding the folder again costs no engine call. Ingest jobs go with the photos (cascade); tag
 * jobs of contents no photo shows any more go too: nothing could be read to tag them, and
 * they would otherwise wait for an "offline" copy forever. Returns how many photos were removed.
 */
export function removeFolder(db: Catalog, id: number): { photos: number } {
  requireFolder(db, id);
  return db.transaction(() => {
    const photos =
      db
        .prepare<[number], number>('SELECT count(*) FROM photos WHERE folder_id = ?')
        .pluck()
        .get(id) ?? 0;
    db.prepare('DELETE FROM folders WHERE id = ?').run(id);
    db.prepare(
      `DELETE FROM jobs WHERE kind = 'tag' AND content_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.content_id = jobs.content_id)`,
    ).run();
    return { photos };
  })();
}

/** Each folder with its photo counts by status (`tujian status`). */
export interface FolderSummary {
  id: number;
  path: string;
  status: string;
  engines: string[];
  photos: number;
  ok: number;
  broken: number;
  skipped: number;
  missing: number;
  pending: number;
}

export function summariseFolders(db: ReadableCatalog): FolderSummary[] {
  return db
    .prepare<[], Omit<FolderSummary, 'engines'> & { engines: string }>(
      `SELECT f.id, f.path, f.status, f.engines, COUNT(p.id) AS photos,
         COALESCE(SUM(p.status = 'ok'), 0) AS ok, COALESCE(SUM(p.status = 'broken'), 0) AS broken,
         COALESCE(SUM(p.status = 'skipped'), 0) AS skipped, COALESCE(SUM(p.status = 'missing'), 0) AS missing,
         COALESCE(SUM(p.status = 'pending'), 0) AS pending
       FROM folders f LEFT JOIN photos p ON p.folder_id = f.id GROUP BY f.id ORDER BY f.path`,
    )
    .all()
    .map((f) => ({ ...f, engines: EngineId.array().catch([]).parse(JSON.parse(f.engines)) }));
}
