// `tujian check`: is the catalog sound, and does it agree with the disk? Runs SQLite's
// integrity and foreign-key checks, finds thumbnails and previews whose content no longer
// exists in the catalog (orphans, safe to delete), contents whose renditions are gone, and
// photos whose original is gone while their folder is online. Only `fixOrphans` changes
// anything, and only files under the data folder's thumbnail and preview stores.
//
// [Note: A write in progress is not an orphan]
// Another Tujian (watch, serve, the desktop app) may be ingesting while `check` runs. Ingest
// writes a photo's renditions first and inserts its content row after reading the metadata
// (main/library/photo-ingest.ts), and a rendition is a `.<pid>-<random>.tmp` file while it is
// written. Either looks like an orphan for a moment; deleting it would leave a content whose
// preview is gone (the offline view loses that photo). So a file modified within
// `writeInProgressMs` is counted as in progress and never removed, a temporary file whose writer
// is still running is kept at any age, and each file's content row is looked up again just
// before it is removed.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSameVolume, volumeIdentityOf } from './folders.ts';
import type { Catalog } from './catalog-connection.ts';
import { integrityProblems } from './catalog-backup.ts';
import { dataPaths } from '../util/data-dir.ts';
import { isPidRunning } from '../util/process-liveness.ts';
import { tempFileWriterPid } from '../util/temp-file-name.ts';

export interface OrphanFile {
  readonly kind: 'thumbnail' | 'preview';
  readonly path: string;
  readonly bytes: number;
}

export interface MissingOriginal {
  readonly photoId: number;
  readonly path: string;
  /** `missing` when the catalog already knows; otherwise the status it still claims. */
  readonly catalogStatus: string;
}

export interface CheckReport {
  /** Lines from `PRAGMA integrity_check` other than `ok` (empty when sound). */
  readonly integrity: readonly string[];
  readonly foreignKeys: readonly { table: string; rowid: number | null; parent: string }[];
  readonly orphans: readonly OrphanFile[];
  readonly orphanCount: number;
  readonly orphanBytes: number;
  /** Files deleted by `fixOrphans`. */
  readonly removedOrphans: number;
  /** Unclaimed files another process may be writing right now (left alone, see the note). */
  readonly inProgressCount: number;
  /** Contents marked as having renditions whose thumbnail or preview file is gone. */
  readonly missingRenditions: readonly { readonly hash: string; readonly kind: string }[];
  readonly missingRenditionCount: number;
  readonly missingOriginals: readonly MissingOriginal[];
  readonly missingOriginalCount: number;
  /** Missing originals the catalog still thinks are there (no scan has noticed yet). */
  readonly unnoticedMissingCount: number;
  /** Folders whose originals were not checked because the drive is not there. */
  readonly offlineFolders: readonly { readonly id: number; readonly path: string }[];
  readonly photosChecked: number;
}

export interface CheckOptions {
  readonly fixOrphans?: boolean;
  /** Stop listing after this many of each kind (counts in the report stay exact). */
  readonly listLimit?: number;
  /** The clock, for the in-progress window (tests). */
  readonly now?: () => number;
  /** The pid check for temporary files' writers (tests). */
  readonly isWriterAlive?: (pid: number) => boolean;
}

/** See [Note: A write in progress is not an orphan]; a rendition write takes well under a second. */
export const writeInProgressMs = 10 * 60_000;

// A rendition `<hash>.webp`, or the temporary file it is written to.
const hashFile = /^([0-9a-f]{64})\.webp(?:\.\d+(?:-[0-9a-z]+)?\.tmp)?$/;

interface StoredFile {
  /** The content hash the name carries (also for a temporary file of that rendition). */
  readonly hash: string | null;
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
  readonly modifiedMs: number;
  readonly kind: OrphanFile['kind'];
}

async function listStore(root: string, kind: OrphanFile['kind']): Promise<StoredFile[]> {
  const found: StoredFile[] = [];
  let shards: string[];
  try {
    shards = await readdir(root);
  } catch {
    return found;
  }
  for (const shard of shards) {
    const dir = join(root, shard);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue; // a stray file at the top level is not ours to judge
    }
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      // Leftover temporary files of an interrupted write count as orphans too.
      const match = hashFile.exec(name);
      found.push({
        hash: match?.[1] ?? null,
        path,
        name,
        bytes: info.size,
        modifiedMs: info.mtimeMs,
        kind,
      });
    }
  }
  return found;
}

function isOnline(path: string, volumeId: string | null): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory() && isSameVolume(volumeId, volumeIdentityOf(s)),
    () => false,
  );
}

/** Checks the catalog against itself and the disk; see the file header. */
export async function checkCatalog(
  db: Catalog,
  dataRoot: string,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const paths = dataPaths(dataRoot);
  const integrity = integrityProblems(db);
  const foreignKeys = (
    db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[]
  ).map((r) => ({ table: r.table, rowid: r.rowid, parent: r.parent }));

  const contents = new Map<string, boolean>();
  for (const row of db.prepare('SELECT hash, has_preview FROM contents').iterate() as Iterable<{
    hash: string;
    has_preview: number;
  }>) {
    contents.set(row.hash, row.has_preview === 1);
  }

  const stored = [
    ...(await listStore(paths.thumbnails, 'thumbnail')),
    ...(await listStore(paths.previews, 'preview')),
  ];
  const now = options.now ?? Date.now;
  const isWriterAlive = options.isWriterAlive ?? isPidRunning;
  const orphans: OrphanFile[] = [];
  const orphanHashes = new Map<string, string | null>();
  let inProgressCount = 0;
  const present = { thumbnail: new Set<string>(), preview: new Set<string>() };
  for (const file of stored) {
    const writer = tempFileWriterPid(file.name);
    if (writer === undefined && file.hash !== null && contents.has(file.hash)) {
      present[file.kind].add(file.hash);
      continue;
    }
    const beingWritten =
      now() - file.modifiedMs < writeInProgressMs ||
      (writer !== undefined && (writer === process.pid || isWriterAlive(writer)));
    if (beingWritten) {
      inProgressCount++;
      continue;
    }
    // A finished temporary file of a dead writer is an orphan even when its content exists.
    orphans.push({ kind: file.kind, path: file.path, bytes: file.bytes });
    orphanHashes.set(file.path, writer === undefined ? file.hash : null);
  }
  let removedOrphans = 0;
  if (options.fixOrphans) {
    const contentExists = db.prepare('SELECT 1 FROM contents WHERE hash = ?').pluck();
    for (const orphan of orphans) {
      // Claimed since the listing (another process committed its content meanwhile): keep it.
      const hash = orphanHashes.get(orphan.path);
      if (hash != null && contentExists.get(hash) !== undefined) continue;
      await rm(orphan.path, { force: true });
      removedOrphans++;
    }
  }
  const missingRenditions: { hash: string; kind: string }[] = [];
  for (const [hash, hasPreview] of contents) {
    if (!hasPreview) continue;
    if (!present.thumbnail.has(hash)) missingRenditions.push({ hash, kind: 'thumbnail' });
    if (!present.preview.has(hash)) missingRenditions.push({ hash, kind: 'preview' });
  }

  const missingOriginals: MissingOriginal[] = [];
  const offlineFolders: { id: number; path: string }[] = [];
  let photosChecked = 0;
  const folders = db
    .prepare('SELECT id, path, volume_id, status FROM folders ORDER BY id')
    .all() as { id: number; path: string; volume_id: string | null; status: string }[];
  const photosOf = db.prepare(
    `SELECT id, rel_path, status FROM photos WHERE folder_id = ? AND status != 'skipped' ORDER BY rel_path`,
  );
  for (const folder of folders) {
    if (folder.status === 'offline' || !(await isOnline(folder.path, folder.volume_id))) {
      offlineFolders.push({ id: folder.id, path: folder.path });
      continue;
    }
    const rows = photosOf.all(folder.id) as { id: number; rel_path: string; status: string }[];
    // Stat in small parallel batches: a network share answers faster that way.
    for (let i = 0; i < rows.length; i += 32) {
      const batch = rows.slice(i, i + 32);
      const results = await Promise.all(
        batch.map(async (row) => {
          const path = join(folder.path, ...row.rel_path.split('/'));
          const info = await stat(path).catch(() => undefined);
          return { row, path, there: info?.isFile() === true };
        }),
      );
      for (const { row, path, there } of results) {
        photosChecked++;
        if (!there) missingOriginals.push({ photoId: row.id, path, catalogStatus: row.status });
      }
    }
  }

  const limit = options.listLimit ?? Number.POSITIVE_INFINITY;
  return {
    integrity,
    foreignKeys,
    orphans: orphans.slice(0, limit),
    orphanCount: orphans.length,
    orphanBytes: orphans.reduce((n, o) => n + o.bytes, 0),
    removedOrphans,
    inProgressCount,
    missingRenditions: missingRenditions.slice(0, limit),
    missingRenditionCount: missingRenditions.length,
    missingOriginals: missingOriginals.slice(0, limit),
    missingOriginalCount: missingOriginals.length,
    unnoticedMissingCount: missingOriginals.filter((m) => m.catalogStatus !== 'missing').length,
    offlineFolders,
    photosChecked,
  };
}

/** True when the report shows damage that needs the user (not just orphans to clean). */
export function checkFoundDamage(report: CheckReport): boolean {
  return report.integrity.length > 0 || report.foreignKeys.length > 0;
}
