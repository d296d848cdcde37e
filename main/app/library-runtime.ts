// The live library behind a host: folders are watched (chokidar, main/library) and scanned,
// new and changed photos are ingested and tagged by the persisted job runner (main/jobs)
// with the engines the host hands in. `drain()` stops taking work and waits for the jobs in
// flight to commit, so quitting the app loses and duplicates nothing (STYLE.md rule 7).
// When XMP sidecar writing is on, a sidecar sync writes the sidecars of photos whose tags
// changed, whoever changed them ([Note: Sidecars follow tag changes] in migration 0007).
import type { Catalog } from '../catalog/catalog-connection.ts';
import { addFolder, FolderError, removeFolder } from '../catalog/folders.ts';
import type { TaggingEngine } from '../engines/engine.ts';
import type { EngineId } from '../engines/tag-model.ts';
import { enqueueIngest } from '../jobs/job-queue.ts';
import { enqueueMissingTagging, JobRunner, type RunnerEvent } from '../jobs/job-runner.ts';
import { recoverAbandonedWork } from '../library/abandoned-work.ts';
import { watchLibrary, type LibraryWatcher } from '../library/folder-watcher.ts';
import { createIngestSetup } from '../library/ingest-setup.ts';
import { ingestPhoto } from '../library/photo-ingest.ts';
import { createSidecarSync } from '../library/sidecar-sync.ts';
import type { Logger } from '../util/logger.ts';
import { ApiError } from '../../preload/api-contract.ts';
import { createCatalogJobsPort, type JobsPort, type LibraryPort } from './app-service.ts';

export interface LibraryRuntimeOptions {
  readonly db: Catalog;
  readonly dataRoot: string;
  readonly log: Logger;
  readonly engines: ReadonlyMap<EngineId, TaggingEngine>;
  readonly concurrency?: Partial<Record<EngineId, number>>;
  /** Per-engine call limits and settings fingerprints (main/engines/engine-registry.ts). */
  readonly limits?: Partial<Record<EngineId, { qps: number; concurrency: number }>>;
  readonly fingerprints?: Partial<Record<EngineId, string>>;
  /** Watch folders for changes (the desktop app and `tujian serve`); default true. */
  readonly watch?: boolean;
  /** Told after each finished job, so hosts can refresh views. */
  readonly onChange?: (event: RunnerEvent) => void;
}

export interface LibraryRuntime {
  readonly library: LibraryPort;
  readonly jobs: JobsPort;
  /** Resolves when the start scans are done. */
  readonly ready: Promise<void>;
  drain(): Promise<void>;
}

export function startLibraryRuntime(options: LibraryRuntimeOptions): LibraryRuntime {
  const { db, log } = options;
  const libraryLog = {
    info: (m: string) => {
      log.info(m);
    },
    warn: (m: string) => {
      log.warn(m);
    },
  };
  const swept = recoverAbandonedWork(db, options.dataRoot, libraryLog);
  const ingest = createIngestSetup(db, options.dataRoot, libraryLog);
  let active = 0;
  const runner = new JobRunner({
    db,
    log,
    ingestPhoto: async (photoId) => {
      active++;
      try {
        return await ingestPhoto(ingest.deps, photoId);
      } finally {
        active--;
      }
    },
    engines: options.engines,
    concurrency: { engines: options.concurrency ?? {} },
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.fingerprints ? { fingerprints: options.fingerprints } : {}),
    // The runner queues tagging for each photo it ingests (enqueueTaggingFor), so hosts only
    // hear about finished jobs here.
    onEvent: (event) => {
      options.onChange?.(event);
    },
  });
  const scanDeps = {
    db,
    log: libraryLog,
    enqueueIngest: (photoId: number) => {
      enqueueIngest(db, photoId);
      runner.wake();
    },
  };
  enqueueMissingTagging(db, options.engines);
  runner.start();
  const sidecars = createSidecarSync(db, { log: libraryLog });
  sidecars.start();
  const watcher: LibraryWatcher | null =
    options.watch === false ? null : watchLibrary(scanDeps, {});
  const reconcile = async () => (watcher ? await watcher.reconcileNow() : []);

  const library: LibraryPort = {
    addFolder(path, engines) {
      let id: number;
      try {
        id = addFolder(db, path, { engines }).id;
      } catch (error) {
        if (error instanceof FolderError) {
          return Promise.reject(new ApiError('invalid-input', error.message));
        }
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      // Scanning runs in the background; progress arrives as events.
      reconcile().catch((error: unknown) => {
        log.warn(`scan after adding ${path} failed: ${String(error)}`);
      });
      return Promise.resolve(id);
    },
    async removeFolder(id) {
      removeFolder(db, id);
      await reconcile();
    },
    async rescanFolder(id) {
      const report = (await reconcile()).find((r) => r.folderId === id);
      if (!report) return null;
      return { added: report.added, changed: report.changed, missing: report.missing };
    },
  };

  const jobs = createCatalogJobsPort(db, { isRunning: () => active > 0 });
  return {
    library,
    jobs: {
      ...jobs,
      setPaused(engine, paused) {
        jobs.setPaused(engine, paused);
        runner.wake();
      },
      retry(jobIds) {
        const n = jobs.retry(jobIds);
        runner.wake();
        return n;
      },
    },
    ready: watcher ? watcher.ready.then(() => undefined) : Promise.resolve(),
    async drain() {
      await watcher?.close();
      await runner.drain();
      // The last answers' sidecars, unless that takes long; marks left wait for the next start.
      await sidecars.flush({ maxMs: 5_000 }).catch((error: unknown) => {
        log.warn(`sidecars not written on the way out: ${String(error)}`);
      });
      await sidecars.close();
      await ingest.close();
      await swept;
    },
  };
}
