// Opens what a CLI command works on: the data folder, the catalog and a logger.
import { existsSync, mkdirSync } from 'node:fs';
import { openDataCatalog } from '../catalog/catalog-backup.ts';
import {
  type Catalog,
  openReadOnlyCatalog,
  type ReadableCatalog,
} from '../catalog/catalog-connection.ts';
import { type DataPaths, dataPaths, resolveDataDir } from '../util/data-dir.ts';
import { createStderrLogger, type Logger } from '../util/logger.ts';
import type { CliInvocation } from './cli-command.ts';
import { NoCatalogError } from './cli-errors.ts';

export interface CliContext {
  readonly paths: DataPaths;
  readonly db: Catalog;
  readonly log: Logger;
  close(): void;
}

/**
 * [Note: Only some commands create a catalog]
 * A mistyped `--data` used to create an empty catalog there and report success (`tujian
 * check --data /no/such` → "integrity: ok"). Commands now open an existing catalog only, and
 * refuse a data folder without one (`NoCatalogError`, exit 2 like other wrong arguments).
 * Creating one is for the commands that start a library or set it up before the first folder:
 * `add`, `index`, `demo`, `serve` (the UI adds folders, as the desktop app does on first
 * run), `engines set`, setting a `budget` and `pause` (credentials, limits and a pause may
 * come before the first folder). `restore` puts a catalog in place by itself and does not come here.
 */
export interface OpenCliContextOptions {
  /** Create the data folder and an empty catalog when there is none. */
  readonly create?: boolean;
}

export function openCliContext(
  inv: CliInvocation,
  options: OpenCliContextOptions = {},
): CliContext {
  const root = resolveDataDir({ flag: inv.global.data });
  const paths = dataPaths(root);
  if (!options.create && !existsSync(paths.catalog)) throw new NoCatalogError(root);
  mkdirSync(root, { recursive: true });
  const log = createStderrLogger({ verbose: inv.global.verbose });
  const db = openDataCatalog(paths, (b) => {
    log.info(`catalog backed up before migration to ${b.file}`);
  });
  return {
    paths,
    db,
    log,
    close: () => {
      db.close();
    },
  };
}

export interface CliReadContext {
  readonly paths: DataPaths;
  readonly db: ReadableCatalog;
  readonly log: Logger;
  close(): void;
}

/**
 * The catalog for a command that only reads (`status`, `tags`, `show`, `failures`, `estimate`): a
 * connection SQLite opens read-only, typed as such ([Note: Read and write connections typed
 * apart]), so such a command cannot change the library by mistake. It never creates a catalog
 * ([Note: Only some commands create a catalog]). A catalog from an older Tujian is first
 * migrated (with its automatic backup) on a writable connection closed at once, as every
 * command did before, so reading it never fails on an old schema.
 */
export function openCliReadContext(inv: CliInvocation): CliReadContext {
  const root = resolveDataDir({ flag: inv.global.data });
  const paths = dataPaths(root);
  if (!existsSync(paths.catalog)) throw new NoCatalogError(root);
  const log = createStderrLogger({ verbose: inv.global.verbose });
  openDataCatalog(paths, (b) => {
    log.info(`catalog backed up before migration to ${b.file}`);
  }).close();
  const db = openReadOnlyCatalog(paths.catalog);
  return {
    paths,
    db,
    log,
    close: () => {
      db.close();
    },
  };
}
