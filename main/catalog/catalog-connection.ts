// Opens the catalog database: pragmas, migrations, and the refusal to open a catalog
// written by a newer Tujian (Signal-Desktop's habit; an older app would corrupt it).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Migration } from './migrations/migration.ts';
import { migrations as allMigrations } from './migrations/index.ts';

/** A connection that may write: migrations, the job queue, ingest, tag edits. */
export type Catalog = Database.Database;
/** The same, named for what it may do where both kinds meet (Signal-Desktop's WritableDB). */
export type WritableCatalog = Catalog;

// [Note: Read and write connections typed apart]
// After Signal-Desktop's ReadableDB/WritableDB: code that only reads takes a
// `ReadableCatalog`, which has no way to write. Signal brands the full Database type, which
// still lets a "readable" connection call `run()`; here the read type is structural instead:
// `prepare` returns a statement with `get`/`all`/`iterate`/`pluck`/`raw` and no `run`, there is
// no `exec`, and a transaction can only be `deferred` (a read snapshot). A writable `Catalog`
// is also a `ReadableCatalog` (a writer may read), never the other way round, so passing a
// read connection to a writer does not compile. `openReadOnlyCatalog` gives one that SQLite
// also opens read-only.

/** A prepared statement of a read connection: it can read rows, not run a change. */
export interface ReadStatement<BindParameters extends unknown[], Result> {
  get(...params: BindParameters): Result | undefined;
  all(...params: BindParameters): Result[];
  iterate(...params: BindParameters): IterableIterator<Result>;
  pluck(toggleState?: boolean): this;
  raw(toggleState?: boolean): this;
}

/** A catalog connection that can only read: see [Note: Read and write connections typed apart]. */
export interface ReadableCatalog {
  readonly name: string;
  readonly inTransaction: boolean;
  prepare<BindParameters extends unknown[] | object = unknown[], Result = unknown>(
    source: string,
  ): BindParameters extends unknown[]
    ? ReadStatement<BindParameters, Result>
    : ReadStatement<[BindParameters], Result>;
  /** A read transaction: every read inside sees one point in time. */
  transaction<Result>(fn: () => Result): { deferred(): Result };
  close(): unknown;
}

export class CatalogTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly appVersion: number,
    readonly file: string,
  ) {
    super(
      `The catalog ${file} has schema version ${databaseVersion}, but this Tujian knows only up to ` +
        `${appVersion}. It was written by a newer Tujian; update the app, or open another data folder ` +
        `with --data. The catalog was not changed.`,
    );
    this.name = 'CatalogTooNewError';
  }
}

export interface OpenCatalogOptions {
  readonly readonly?: boolean;
  /** Only for tests of the migration machinery. */
  readonly migrations?: readonly Migration[];
  /** Called before migrating a catalog that already has data (used for automatic backups). */
  readonly beforeMigrate?: (db: Catalog, fromVersion: number, toVersion: number) => void;
}

export function openCatalog(file: string, options: OpenCatalogOptions = {}): Catalog {
  const migrations = options.migrations ?? allMigrations;
  if (file !== ':memory:' && !options.readonly) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    migrateCatalog(db, file, migrations, options);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Open an existing catalog read-only, for code that only reads (the search snapshot worker):
 * SQLite refuses writes on it, and its type has no way to ask for one.
 */
export function openReadOnlyCatalog(file: string): ReadableCatalog {
  return openCatalog(file, { readonly: true });
}

export function latestSchemaVersion(migrations: readonly Migration[] = allMigrations): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

function migrateCatalog(
  db: Catalog,
  file: string,
  migrations: readonly Migration[],
  options: OpenCatalogOptions,
): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestSchemaVersion(migrations);
  if (current > latest) throw new CatalogTooNewError(current, latest, file);
  if (current === latest) return;
  if (options.readonly) {
    throw new Error(
      `The catalog ${file} needs migration to version ${latest}; open it writable once.`,
    );
  }
  if (current > 0) options.beforeMigrate?.(db, current, latest);
  const pending = [...migrations]
    .filter((m) => m.version > current)
    .sort((a, b) => a.version - b.version);
  // All pending migrations in one transaction: a failure leaves the catalog as it was.
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.up);
      migration.apply?.(db);
      db.pragma(`user_version = ${String(migration.version)}`);
    }
  }).immediate();
}
