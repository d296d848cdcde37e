// The collaborators the library services take as arguments (STYLE.md rule 4): no module-level
// singletons, so tests and benches hand in real temporary catalogs and data folders.
import type { Catalog } from '../catalog/catalog-connection.ts';
import type { RenditionOptions } from '../imaging/image-renditions.ts';

/** A log sink; `console` fits. */
export interface LibraryLog {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLog: LibraryLog = {
  info: () => undefined,
  warn: () => undefined,
};

export interface IngestDeps {
  readonly db: Catalog;
  /** The data folder (thumbnails and previews go under `dataPaths(dataRoot)`). */
  readonly dataRoot: string;
  readonly log: LibraryLog;
  readonly now?: () => number;
  readonly renditions?: RenditionOptions;
  /** Files up to this size are read into memory once (hash, EXIF and decode share the bytes). */
  readonly maxBufferBytes?: number;
  /**
   * How long one file operation on a photo may take before the photo is given up for now (it
   * stays pending); see [Note: Never open a non-regular file]. Defaults to 30 s.
   */
  readonly fileTimeoutMs?: number;
  /**
   * Called after a photo brought bytes the catalog had not seen (e.g. importing the keywords
   * other tools left in XMP/IPTC: `createKeywordImporter` in xmp-sidecars.ts). A failure is
   * logged and does not fail the ingest.
   */
  readonly onNewContent?: (contentId: number, path: string) => Promise<void>;
}

export interface ScanDeps {
  readonly db: Catalog;
  readonly log: LibraryLog;
  /** Hands a photo that needs ingesting to the job queue. Must be idempotent per photo id. */
  readonly enqueueIngest: (photoId: number) => void;
  readonly now?: () => number;
}
