// The ingest collaborators every host wires the same way: the catalog's preview size and the
// keyword importer (XMP/IPTC keywords other tools wrote become user tags on first ingest, and
// the names of their face regions wait for the faces the engine finds).
import type { Catalog } from '../catalog/catalog-connection.ts';
import type { IngestDeps, LibraryLog } from './library-deps.ts';
import { renditionOptionsFor } from './preview-storage.ts';
import { importFaceRegions } from './mwg-face-regions.ts';
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
    // Names other tools gave to faces (MWG regions), read in the same pass as the keywords.
    onRegions: (contentId, found) => {
      importFaceRegions(db, contentId, found);
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
