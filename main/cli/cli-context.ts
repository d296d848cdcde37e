// Opens what a CLI command works on: the data folder, the catalog and a logger.
import { mkdirSync } from 'node:fs';
import { openDataCatalog } from '../catalog/catalog-backup.ts';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { type DataPaths, dataPaths, resolveDataDir } from '../util/data-dir.ts';
import { createStderrLogger, type Logger } from '../util/logger.ts';
import type { CliInvocation } from './cli-command.ts';

export interface CliContext {
  readonly paths: DataPaths;
  readonly db: Catalog;
  readonly log: Logger;
  close(): void;
}

export function openCliContext(inv: CliInvocation): CliContext {
  const root = resolveDataDir({ flag: inv.global.data });
  const paths = dataPaths(root);
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
