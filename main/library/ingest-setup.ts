// The ingest collaborators every host wires the same way: the catalog's preview size and the
// keyword importer (XMP/IPTC keywords other tools wrote become user tags on first ingest).
import type { Catalog } from '../catalog/catalog-connection.ts';
import type { IngestDeps, LibraryLog } from './library-deps.ts';
import { renditionOptionsFor } from './preview-storage.ts';
import { createKeywordImporter } from './xmp-sidecars.ts';

export interface IngestSetup {
  readonly deps: IngestDeps;
  /** Ends the exiftool process the keyword importer may have started. */
  close(): Promise<void>;
}

export function createIngestSetup(db: Catalog, dataRoot: string, log: LibraryLog): IngestSetup {
  const importer = createKeywordImporter(db, {
    warn: (message) => {
      log.warn(message);
    },
  });
  return {
    deps: {
      db,
      dataRoot,
      log,
      renditions: renditionOptionsFor(db),
      onNewContent: importer.onNewContent,
    },
    close: () => importer.close(),
  };
}
