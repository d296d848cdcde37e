// `tujian relink <old> <new>`: a library folder was renamed or moved outside the app (or its
// files were copied to a new drive mounted at the same path). The folder row takes the new
// path and the new root's identity, so every photo row, tag, album hit and engine result is
// kept — after checking, by content hash, that the new place really holds the same files.
import { realpathSync, statSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, resolve, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  listFolders,
  relinkFolderPath,
  volumeIdentityOf,
  type Folder,
} from '../catalog/folders.ts';
import { listIngestedFilesOfFolder, type IngestedFile } from '../catalog/photos.ts';
import { absolutePathOf } from './library-files.ts';
import { openRegularFile } from '../util/regular-file.ts';

export type RelinkErrorCode =
  'unknown-folder' | 'not-a-directory' | 'overlaps' | 'no-evidence' | 'different-files';

export class RelinkError extends Error {
  constructor(
    readonly code: RelinkErrorCode,
    message: string,
    readonly report?: RelinkReport,
  ) {
    super(message);
    this.name = 'RelinkError';
  }
}

export interface RelinkSample {
  readonly relPath: string;
  readonly outcome: 'same' | 'absent' | 'different';
}

export interface RelinkReport {
  readonly folderId: number;
  readonly oldPath: string;
  readonly newPath: string;
  readonly sampled: number;
  readonly matched: number;
  readonly samples: readonly RelinkSample[];
  /** True when only the root's identity changed (a new drive at the same path). */
  readonly samePath: boolean;
  readonly forced: boolean;
}

export interface RelinkOptions {
  /** How many ingested files to compare by hash (spread over the folder). */
  readonly sampleSize?: number;
  /** Share of the sample that must match (files edited since may differ). */
  readonly minMatchRatio?: number;
  /** Relink even without evidence (no ingested photos) or with too few matches. */
  readonly force?: boolean;
}

function isInside(child: string, parent: string): boolean {
  const prefix = parent.endsWith(sep) ? parent : parent + sep;
  return child.startsWith(prefix);
}

/** Hashes a regular file with bounded reads ([Note: Never open a non-regular file]). */
async function sha256File(path: string): Promise<string> {
  const file = await openRegularFile(path);
  try {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
    for (let position = 0; ;) {
      const read = await file.read(chunk, 0, chunk.length, position);
      if (read === 0) break;
      hash.update(chunk.subarray(0, read));
      position += read;
    }
    return hash.digest('hex');
  } finally {
    await file.close();
  }
}

/** The folder a user named by its old path (exact, or resolved) or by its id. */
export function findFolderForRelink(db: Catalog, oldPath: string): Folder {
  const folders = listFolders(db);
  const absolute = isAbsolute(oldPath) ? oldPath : resolve(oldPath);
  const candidates = [absolute];
  try {
    candidates.push(realpathSync.native(absolute));
  } catch {
    // The old path is usually gone; the exact string is what the catalog holds.
  }
  const byPath = folders.find((f) => candidates.includes(f.path));
  if (byPath) return byPath;
  if (/^\d+$/.test(oldPath)) {
    const byId = folders.find((f) => f.id === Number(oldPath));
    if (byId) return byId;
  }
  throw new RelinkError(
    'unknown-folder',
    `${absolute} is not a library folder. "tujian status" lists them (a folder id works too).`,
  );
}

type SampleRow = IngestedFile;

/** Up to `n` ingested files spread evenly over the folder (by path order). */
function sampleFiles(db: Catalog, folderId: number, n: number): SampleRow[] {
  const rows = listIngestedFilesOfFolder(db, folderId);
  if (rows.length <= n) return rows;
  const picked: SampleRow[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows[Math.floor((i * rows.length) / n)];
    if (row) picked.push(row);
  }
  return picked;
}

/** Relinks the folder at `oldPath` to `newPath`; see the file header. Throws `RelinkError`. */
export async function relinkFolder(
  db: Catalog,
  oldPath: string,
  newPath: string,
  options: RelinkOptions = {},
): Promise<RelinkReport> {
  const folder = findFolderForRelink(db, oldPath);
  const absolute = isAbsolute(newPath) ? newPath : resolve(newPath);
  let real: string;
  let stats: Stats;
  try {
    real = realpathSync.native(absolute);
    stats = statSync(real);
  } catch {
    throw new RelinkError(
      'not-a-directory',
      `${absolute} does not exist (is the drive connected?).`,
    );
  }
  if (!stats.isDirectory()) {
    throw new RelinkError('not-a-directory', `${real} is not a folder.`);
  }
  for (const other of listFolders(db)) {
    if (other.id === folder.id) continue;
    if (other.path === real || isInside(real, other.path) || isInside(other.path, real)) {
      throw new RelinkError(
        'overlaps',
        `${real} overlaps the library folder ${other.path} (folder ${String(other.id)}); a photo ` +
          `would be in the catalog twice. Remove that folder first if it is the same photos.`,
      );
    }
  }

  const samples: RelinkSample[] = [];
  for (const row of sampleFiles(db, folder.id, options.sampleSize ?? 12)) {
    const path = absolutePathOf(real, row.rel_path);
    let outcome: RelinkSample['outcome'];
    try {
      const info = statSync(path);
      outcome =
        info.isFile() && info.size === row.size && (await sha256File(path)) === row.hash
          ? 'same'
          : 'different';
    } catch {
      outcome = 'absent';
    }
    samples.push({ relPath: row.rel_path, outcome });
  }
  const matched = samples.filter((s) => s.outcome === 'same').length;
  const report: RelinkReport = {
    folderId: folder.id,
    oldPath: folder.path,
    newPath: real,
    sampled: samples.length,
    matched,
    samples,
    samePath: real === folder.path,
    forced: options.force === true,
  };
  if (!options.force) {
    if (samples.length === 0) {
      throw new RelinkError(
        'no-evidence',
        `Folder ${String(folder.id)} has no indexed photos to compare with ${real}; nothing shows ` +
          'it is the same folder. Use --force if you are sure.',
        report,
      );
    }
    const minRatio = options.minMatchRatio ?? 0.8;
    if (matched / samples.length < minRatio) {
      const example = samples.find((s) => s.outcome !== 'same');
      throw new RelinkError(
        'different-files',
        `${real} does not hold the same files as ${folder.path}: ${String(matched)} of ` +
          `${String(samples.length)} sampled photos match by content` +
          (example ? ` (e.g. ${example.relPath} is ${example.outcome})` : '') +
          '. Nothing was changed. Use --force if you are sure.',
        report,
      );
    }
  }
  relinkFolderPath(db, folder.id, real, volumeIdentityOf(stats));
  return report;
}
