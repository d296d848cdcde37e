// Opens what a CLI command works on: the data folder, the catalog and a logger.
import { existsSync, mkdirSync } from 'node:fs';
import { openDataCatalog } from '../catalog/catalog-backup.ts';
import type { Catalog } from '../catalog/catalog-connection.ts';
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
