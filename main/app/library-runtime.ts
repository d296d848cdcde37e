// The library runtime (main/library/library-runtime.ts, long-running mode) as the app's ports:
// the desktop app and `tujian serve` add, remove and rescan folders and steer the job queue
// through these. `drain()` stops taking work and waits (bounded) for the jobs in flight to
// commit, so quitting the app loses and duplicates nothing (STYLE.md rule 7).
import type { Catalog } from '../catalog/catalog-connection.ts';
import { addFolder, FolderError, removeFolder } from '../catalog/folders.ts';
import type { TaggingEngine } from '../engines/engine.ts';
import type { EngineId } from '../engines/tag-model.ts';
import type { RunnerEvent } from '../jobs/job-runner.ts';
import { startLibraryService } from '../library/library-runtime.ts';
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
  /** Told when the background people pass changed persons (faces joined, a re-cluster). */
  readonly onPeopleChange?: () => void;
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
  const service = startLibraryService({
    db,
    dataRoot: options.dataRoot,
    log,
    engines: {
      engines: options.engines,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.fingerprints ? { fingerprints: options.fingerprints } : {}),
    },
    ...(options.watch === false ? { watch: false as const } : {}),
    onEvent: (event) => {
      options.onChange?.(event);
    },
    ...(options.onPeopleChange ? { onPeopleChange: options.onPeopleChange } : {}),
  });
  const { runner } = service;
  const reconcile = () => service.reconcile();

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

  const jobs = createCatalogJobsPort(db, {
    isRunning: () => service.isIngesting(),
    diskFull: () => service.diskFull(),
  });
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
      queueMigration(input) {
        const n = jobs.queueMigration(input);
        runner.wake();
        return n;
      },
    },
    ready: service.ready.then(() => undefined),
    async drain() {
      await service.drain({ sidecarMaxMs: 5_000 });
    },
  };
}
