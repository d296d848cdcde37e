// Copies of the catalog: `tujian backup <file>` (SQLite's online backup, safe while the app
// runs and writes) and the automatic copy taken before a migration changes the schema.
//
// [Note: Catalog backups are single verified files]
// A backup is written next to its target under a temporary name, switched out of WAL mode
// (so the copy is one self-contained file, with no -wal/-shm beside it), checked with
// `PRAGMA integrity_check`, and only then renamed into place. A crash or a full disk leaves
// the temporary file, never a half-written file under the name the user asked for.
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Catalog, openCatalog } from './catalog-connection.ts';
import type { DataPaths } from '../util/data-dir.ts';

export interface BackupResult {
  readonly file: string;
  readonly bytes: number;
  readonly pages: number;
  /** How often another connection's write made SQLite restart the copy. */
  readonly restarts: number;
  readonly durationMs: number;
}

export interface BackupOptions {
  /** Replace an existing file at the target (default: refuse). */
  readonly overwrite?: boolean;
  /** Pages copied per step; between steps other connections may write. */
  readonly pagesPerStep?: number;
  /**
   * After this many restarts (a writer in another connection changed the catalog mid-copy)
   * the rest is copied in one step, holding a read snapshot for that step only: a busy
   * catalog would otherwise restart the copy forever.
   */
  readonly maxRestarts?: number;
}

export class BackupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackupError';
  }
}

function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function removeWithSidecars(path: string): void {
  try {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  } catch {
    // Nothing to clean where the folder cannot even be listed (ENOTDIR, EACCES).
  }
}

/**
 * Makes the copy one self-contained file and checks it; throws `BackupError` when the copy
 * is damaged. See [Note: Catalog backups are single verified files].
 */
export function finishBackupFile(file: string): void {
  const copy = new Database(file);
  try {
    copy.pragma('journal_mode = DELETE');
    const problems = integrityProblems(copy);
    if (problems.length > 0) {
      throw new BackupError(
        `The backup ${file} failed its integrity check: ${problems.join('; ')}`,
      );
    }
  } finally {
    copy.close();
  }
}

/** `PRAGMA integrity_check` rows other than the single `ok`. */
export function integrityProblems(db: Catalog, maxRows = 100): string[] {
  const rows = db.pragma(`integrity_check(${String(maxRows)})`) as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).filter((line) => line !== 'ok');
}

/** Online backup of an open catalog to `target` (see the file header). */
export async function backupCatalog(
  db: Catalog,
  target: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const file = resolve(target);
  if (db.name !== ':memory:' && resolve(db.name) === file) {
    throw new BackupError(`Refusing to back up the catalog onto itself (${file}).`);
  }
  if (!options.overwrite && fileExists(file)) {
    throw new BackupError(`${file} already exists; choose another file name or remove it first.`);
  }
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.partial-${String(process.pid)}`;
  removeWithSidecars(temporary);
  const pagesPerStep = options.pagesPerStep ?? 1000;
  const maxRestarts = options.maxRestarts ?? 3;
  const started = performance.now();
  let restarts = 0;
  let lastRemaining = Number.POSITIVE_INFINITY;
  try {
    const meta = await db.backup(temporary, {
      progress: ({ remainingPages }) => {
        if (remainingPages > lastRemaining) restarts++;
        lastRemaining = remainingPages;
        return restarts >= maxRestarts ? 0x7fffffff : pagesPerStep;
      },
    });
    finishBackupFile(temporary);
    if (options.overwrite) removeWithSidecars(file);
    renameSync(temporary, file);
    return {
      file,
      bytes: statSync(file).size,
      pages: meta.totalPages,
      restarts,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    removeWithSidecars(temporary);
    if (error instanceof BackupError) throw error;
    throw new BackupError(`The backup to ${file} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

// ---------------------------------------------------------------------------------------
// Automatic backups before migrations

const autoPrefix = 'catalog-before-migration-';

export interface AutomaticBackup {
  readonly file: string;
  readonly fromVersion: number;
  readonly toVersion: number;
}

/** Automatic backups in the folder, newest first. */
export function listAutomaticBackups(backupsDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(backupsDir);
  } catch {
    return [];
  }
  // Names carry a zero-padded UTC timestamp, so name order is time order.
  return names
    .filter((n) => n.startsWith(autoPrefix) && n.endsWith('.sqlite'))
    .sort()
    .reverse()
    .map((n) => join(backupsDir, n));
}

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('.', '-');
}

/**
 * Copies the catalog synchronously with `VACUUM INTO` (a consistent snapshot; `beforeMigrate`
 * is synchronous and runs before the migration transaction) and keeps the newest `keep`.
 */
export function backupBeforeMigration(
  db: Catalog,
  backupsDir: string,
  fromVersion: number,
  toVersion: number,
  options: { keep?: number; now?: Date } = {},
): AutomaticBackup {
  const name = `${autoPrefix}${stamp(options.now ?? new Date())}-v${String(fromVersion)}-to-v${String(toVersion)}.sqlite`;
  const file = join(backupsDir, name);
  const temporary = `${file}.partial-${String(process.pid)}`;
  removeWithSidecars(temporary);
  try {
    mkdirSync(backupsDir, { recursive: true });
    db.prepare('VACUUM INTO ?').run(temporary);
    finishBackupFile(temporary);
    renameSync(temporary, file);
  } catch (error) {
    removeWithSidecars(temporary);
    // The migration must not run without its safety copy.
    throw new BackupError(
      `Could not back up the catalog before migrating it from version ${String(fromVersion)} to ` +
        `${String(toVersion)} (${(error as Error).message}). The catalog was not changed; free ` +
        `some space in ${backupsDir} and try again.`,
      { cause: error },
    );
  }
  const keep = Math.max(1, options.keep ?? 5);
  for (const old of listAutomaticBackups(backupsDir).slice(keep)) rmSync(old, { force: true });
  return { file, fromVersion, toVersion };
}

/** An `openCatalog` `beforeMigrate` hook that backs up into `backupsDir`. */
export function automaticBackupHook(
  backupsDir: string,
  options: { keep?: number; onBackup?: (backup: AutomaticBackup) => void } = {},
): (db: Catalog, fromVersion: number, toVersion: number) => void {
  return (db, fromVersion, toVersion) => {
    const made = backupBeforeMigration(db, backupsDir, fromVersion, toVersion, {
      ...(options.keep === undefined ? {} : { keep: options.keep }),
    });
    options.onBackup?.(made);
  };
}

/**
 * Opens the data folder's catalog the way every host does: migrations run after a backup of
 * the catalog as it was (the newest 5 stay in `backups/`).
 */
export function openDataCatalog(
  paths: DataPaths,
  onBackup?: (backup: AutomaticBackup) => void,
): Catalog {
  return openCatalog(paths.catalog, {
    beforeMigrate: automaticBackupHook(paths.backups, onBackup ? { onBackup } : {}),
  });
}

// ---------------------------------------------------------------------------------------
// Restoring

export interface RestoreResult {
  readonly restoredFrom: string;
  readonly catalog: string;
  /** Where the catalog that was replaced went (undefined when there was none). */
  readonly previous: string | undefined;
  readonly schemaVersion: number;
}

/**
 * Puts a backup in place of the catalog. The backup is checked first (integrity, not from a
 * newer Tujian); the current catalog is checkpointed and moved into `backupsDir`, never
 * deleted. Tujian must not be running: a catalog another process holds open is refused.
 */
export function restoreCatalog(
  backupFile: string,
  catalogFile: string,
  backupsDir: string,
  options: { latestVersion: number; now?: Date },
): RestoreResult {
  const source = resolve(backupFile);
  const target = resolve(catalogFile);
  if (source === target) throw new BackupError('The backup and the catalog are the same file.');
  let schemaVersion: number;
  let copy: Database.Database;
  try {
    copy = new Database(source, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`Cannot open ${source}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const problems = integrityProblems(copy);
    if (problems.length > 0) {
      throw new BackupError(`${source} is damaged (${problems[0] ?? ''}); choose another backup.`);
    }
    schemaVersion = copy.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${source} is not a Tujian catalog: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    copy.close();
  }
  if (schemaVersion > options.latestVersion) {
    throw new BackupError(
      `${source} was written by a newer Tujian (schema ${String(schemaVersion)}); update Tujian first.`,
    );
  }

  let previous: string | undefined;
  if (fileExists(target)) {
    const current = new Database(target);
    try {
      // Exclusive locking mode fails at once while any other connection has the catalog open
      // (even an idle one): a WAL connection holds a shared lock for as long as it is open.
      current.pragma('busy_timeout = 0');
      current.pragma('locking_mode = EXCLUSIVE');
      current.exec('BEGIN EXCLUSIVE; COMMIT');
      current.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      throw new BackupError(
        'The catalog is in use by a running Tujian (app, watch or serve); quit it and try again. ' +
          'Nothing was changed.',
        { cause: error },
      );
    } finally {
      current.close();
    }
    mkdirSync(backupsDir, { recursive: true });
    previous = join(backupsDir, `catalog-replaced-${stamp(options.now ?? new Date())}.sqlite`);
    renameSync(target, previous);
    for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true });
  }
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.partial-${String(process.pid)}`;
  try {
    copyFileSync(source, temporary);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (previous) renameSync(previous, target);
    throw new BackupError(`Could not put ${source} in place: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { restoredFrom: source, catalog: target, previous, schemaVersion };
}
