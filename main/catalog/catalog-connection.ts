// Opens the catalog database: pragmas, migrations, and the refusal to open a catalog
// written by a newer Tujian (Signal-Desktop's habit; an older app would corrupt it).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Migration } from './migrations/migration.ts';
import { migrations as allMigrations } from './migrations/index.ts';

export type Catalog = Database.Database;

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
