// The job runner wired to the library the way every host runs it: ingest with the catalog's
// preview size and keyword importer, tag with the host's engines and their call limits.
import type { Catalog } from '../catalog/catalog-connection.ts';
import type { TaggingEngine } from '../engines/engine.ts';
import type { EngineId } from '../engines/tag-model.ts';
import { JobRunner, type RunnerEvent } from '../jobs/job-runner.ts';
import type { Logger } from '../util/logger.ts';
import { createIngestSetup } from './ingest-setup.ts';
import { ingestPhoto } from './photo-ingest.ts';

export interface RunnerEngines {
  readonly engines: ReadonlyMap<EngineId, TaggingEngine>;
  readonly concurrency: Partial<Record<EngineId, number>>;
  readonly limits?: Partial<Record<EngineId, { qps: number; concurrency: number }>>;
  readonly fingerprints?: Partial<Record<EngineId, string>>;
}

export interface LibraryJobRunner {
  readonly runner: JobRunner;
  /** Ends what ingest started (the exiftool process); the engines stay the caller's. */
  readonly close: () => Promise<void>;
}

export function createLibraryJobRunner(options: {
  readonly db: Catalog;
  readonly dataRoot: string;
  readonly log: Logger;
  readonly engineSet: RunnerEngines;
  readonly onEvent?: (event: RunnerEvent) => void;
}): LibraryJobRunner {
  const { db, log, engineSet } = options;
  const ingest = createIngestSetup(db, options.dataRoot, log);
  const runner = new JobRunner({
    db,
    log,
    ingestPhoto: (photoId) => ingestPhoto(ingest.deps, photoId),
    engines: engineSet.engines,
    concurrency: { engines: engineSet.concurrency },
    ...(engineSet.limits ? { limits: engineSet.limits } : {}),
    ...(engineSet.fingerprints ? { fingerprints: engineSet.fingerprints } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return { runner, close: () => ingest.close() };
}
