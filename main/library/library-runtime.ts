// The one library runtime every host runs (issue 11 §1): `tujian index` in its one-shot mode,
// `tujian watch`, `tujian serve` and the desktop app in its long-running mode. Both do the same
// steps in the same order, here and nowhere else:
//   prepare the catalog for a run (recover interrupted jobs) → build the engines → the job
//   runner (ingest with the catalog's preview size and keyword importer, tag with the engines
//   and their call limits) → queue missing tagging → start → sidecar sync → (one-shot: scan
//   the folders, run until idle | long-running: watch the folders) → drain.
// A full disk pauses the runtime instead of crashing it: [Note: A full disk pauses the run].
// Draining is bounded: a stuck job (a file read that never returns) must not keep a quitting
// process alive; what did not finish stays `running` and is requeued at the next start.
import type { Catalog } from '../catalog/catalog-connection.ts';
import type { Folder } from '../catalog/folders.ts';
import type { TaggingEngine } from '../engines/engine.ts';
import type { EngineId } from '../engines/tag-model.ts';
import { enqueueIngest } from '../catalog/job-queue.ts';
import { enqueueMissingTagging, JobRunner, type RunnerEvent } from '../jobs/job-runner.ts';
import { diskFullMessage, freeBytes, isDiskFull } from '../util/disk-full.ts';
import type { Logger } from '../util/logger.ts';
import { recoverAbandonedWork } from './abandoned-work.ts';
import { scanFolder, type ScanReport } from './folder-scanner.ts';
import { watchLibrary, type LibraryWatcher, type WatchOptions } from './folder-watcher.ts';
import { createIngestSetup } from './ingest-setup.ts';
import type { LibraryLog, ScanDeps } from './library-deps.ts';
import { ingestPhoto } from './photo-ingest.ts';
import { createSidecarSync } from './sidecar-sync.ts';
import { createPeopleSync } from '../people/people-sync.ts';
import { createPerceptualHashBackfill } from './perceptual-hash-backfill.ts';

/** The engines a runtime tags with, as a host builds them (main/engines/engine-registry.ts). */
export interface RuntimeEngines {
  readonly engines: ReadonlyMap<EngineId, TaggingEngine>;
  readonly concurrency?: Partial<Record<EngineId, number>>;
  readonly limits?: Partial<Record<EngineId, { qps: number; concurrency: number }>>;
  readonly fingerprints?: Partial<Record<EngineId, string>>;
  /** Ends what the engines hold (workers, sockets); called when the runtime drains. */
  close?(): Promise<void>;
}

export interface LibraryRuntimeOptions {
  readonly db: Catalog;
  readonly dataRoot: string;
  readonly log: Logger;
  /** Told every runner event (progress, stops, a halt on a full disk). */
  readonly onEvent?: (event: RunnerEvent) => void;
  /** Told when the background people pass changed persons (main/people/people-sync.ts). */
  readonly onPeopleChange?: () => void;
}

export interface SidecarTotals {
  /** Sidecars written by this runtime. */
  readonly written: number;
  /** False when the sync never had anything to do (writing off or nothing due). */
  readonly tried: boolean;
}

/**
 * Everything a process does to a catalog before it takes jobs, the single place a run starts:
 * requeue what a dead process held and sweep its temporary files (main/library/abandoned-work.ts).
 * The sweep runs in the background; the promise settles when it is done (never rejects).
 */
export function prepareCatalogForRun(db: Catalog, dataRoot: string, log: Logger): Promise<void> {
  return recoverAbandonedWork(db, dataRoot, libraryLogOf(log));
}

function libraryLogOf(log: Logger): LibraryLog {
  return {
    info: (m) => {
      log.info(m);
    },
    warn: (m) => {
      log.warn(m);
    },
  };
}

interface RuntimeCore {
  readonly runner: JobRunner;
  readonly scanDeps: ScanDeps;
  readonly libraryLog: LibraryLog;
  isIngesting(): boolean;
  sidecarTotals(): SidecarTotals;
  /** Writes sidecars while the runtime runs (the rest are written when it closes). */
  startSidecars(): void;
  /** Stops the runner (at most `maxMs`), then closes engines, sidecars and ingest. */
  close(options: { maxMs: number; sidecarMaxMs?: number }): Promise<{ settled: boolean }>;
}

function buildCore(options: LibraryRuntimeOptions, engineSet: RuntimeEngines): RuntimeCore {
  const { db, log } = options;
  const libraryLog = libraryLogOf(log);
  const ingest = createIngestSetup(db, options.dataRoot, libraryLog);
  let ingesting = 0;
  const runner = new JobRunner({
    db,
    log,
    ingestPhoto: async (photoId) => {
      ingesting++;
      try {
        return await ingestPhoto(ingest.deps, photoId);
      } finally {
        ingesting--;
      }
    },
    engines: engineSet.engines,
    isDiskFull: (error) => isDiskFull(error, options.dataRoot),
    concurrency: { engines: engineSet.concurrency ?? {} },
    ...(engineSet.limits ? { limits: engineSet.limits } : {}),
    ...(engineSet.fingerprints ? { fingerprints: engineSet.fingerprints } : {}),
    // The runner queues tagging for each photo it ingests (enqueueTaggingFor).
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  let written = 0;
  let tried = false;
  const sidecars = createSidecarSync(db, {
    log: libraryLog,
    onReport: (report) => {
      written += report.written;
      tried = true;
    },
  });
  // New faces join their persons, and the full pass runs when due (main/people/people-sync.ts).
  const people = createPeopleSync(db, {
    log: libraryLog,
    ...(options.onPeopleChange ? { onChange: options.onPeopleChange } : {}),
  });
  // Perceptual hashes of contents ingested before there were any (main/library/perceptual-hash-backfill.ts).
  const perceptualHashes = createPerceptualHashBackfill(db, {
    dataRoot: options.dataRoot,
    log: libraryLog,
  });
  return {
    runner,
    libraryLog,
    scanDeps: {
      db,
      log: libraryLog,
      enqueueIngest: (photoId) => {
        enqueueIngest(db, photoId);
        runner.wake();
      },
    },
    isIngesting: () => ingesting > 0,
    sidecarTotals: () => ({ written, tried }),
    async close({ maxMs, sidecarMaxMs }) {
      let timer: NodeJS.Timeout | undefined;
      const settled = await Promise.race([
        runner.drain().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => {
            resolve(false);
          }, maxMs);
        }),
      ]);
      clearTimeout(timer);
      if (!settled)
        log.warn(
          `jobs still in flight after ${String(maxMs)} ms; they run again at the next start`,
        );
      await engineSet.close?.();
      // Before the sidecars: the persons found here are keywords of the photos.
      await people.flush();
      await people.close();
      // A one-shot run hashes what it can in a few seconds; the rest at the next run.
      await perceptualHashes.flush({ maxMs: 3000 });
      await perceptualHashes.close();
      // The last answers' sidecars, unless that takes long; marks left wait for the next start.
      await sidecars
        .flush(sidecarMaxMs === undefined ? {} : { maxMs: sidecarMaxMs })
        .catch((error: unknown) => {
          log.warn(`sidecars not written on the way out: ${String(error)}`);
        });
      await sidecars.close();
      await ingest.close();
      return { settled };
    },
    startSidecars() {
      people.start();
      perceptualHashes.start();
      sidecars.start();
    },
  };
}

// ---- one-shot mode: `tujian index` ----

export interface LibraryRunOptions extends LibraryRuntimeOptions {
  /** The folders to scan before running. */
  readonly folders: readonly Folder[];
  /** Built after the scans, so a scan's problems show before an engine's. */
  readonly engines: () => Promise<RuntimeEngines>;
  readonly onScanned?: (report: ScanReport) => void;
}

export interface LibraryRunResult {
  readonly scans: ScanReport[];
  /** Engines stopped by a credential or service error (persisted), with the reason. */
  readonly stoppedEngines: ReadonlyMap<EngineId, string>;
  /** Set when a full disk ended the run early; nothing was lost, the rest stays queued. */
  readonly diskFull: string | null;
  readonly sidecars: SidecarTotals;
}

/** Scan the folders, then ingest and tag until the queue is idle (or the disk is full). */
export async function runLibraryOnce(options: LibraryRunOptions): Promise<LibraryRunResult> {
  const { db } = options;
  const scans: ScanReport[] = [];
  // Held in an object: the closures below set it (TypeScript does not see that for a `let`).
  const stop: { diskFull: string | null } = { diskFull: null };
  const noteDiskFull = (error: unknown) => {
    if (!isDiskFull(error, options.dataRoot)) throw error;
    stop.diskFull = diskFullMessage(options.dataRoot);
  };
  try {
    await prepareCatalogForRun(db, options.dataRoot, options.log);
  } catch (error) {
    noteDiskFull(error);
  }
  const libraryLog = libraryLogOf(options.log);
  // The scan only queues: the runner below claims the jobs.
  const scanDeps: ScanDeps = {
    db,
    log: libraryLog,
    enqueueIngest: (id) => {
      enqueueIngest(db, id);
    },
  };
  for (const folder of stop.diskFull === null ? options.folders : []) {
    try {
      const report = await scanFolder(scanDeps, folder.id);
      scans.push(report);
      options.onScanned?.(report);
    } catch (error) {
      noteDiskFull(error);
      break;
    }
  }
  const engineSet = await options.engines();
  const core = buildCore(options, engineSet);
  try {
    if (stop.diskFull === null) {
      try {
        enqueueMissingTagging(db, engineSet.engines);
        core.startSidecars();
        await core.runner.runUntilIdle();
      } catch (error) {
        noteDiskFull(error);
      }
      if (core.runner.haltedBy()) stop.diskFull = diskFullMessage(options.dataRoot);
    }
  } finally {
    // Jobs in flight when the runner halted settle first: runUntilIdle waits for them.
    await core.close({ maxMs: 10_000 });
  }
  return {
    scans,
    stoppedEngines: core.runner.stoppedEngines(),
    diskFull: stop.diskFull,
    sidecars: core.sidecarTotals(),
  };
}

// ---- long-running mode: `tujian watch`, `tujian serve`, the desktop app ----

export interface LibraryServiceOptions extends LibraryRuntimeOptions {
  readonly engines: RuntimeEngines;
  /** Watch the folders (chokidar); false runs only the queue. Default: watch. */
  readonly watch?: false | WatchOptions;
  /** How often a runtime paused by a full disk looks for room again. Default 1 min. */
  readonly diskCheckMs?: number;
  /** Room the disk needs before a paused runtime takes work again. Default 64 MB. */
  readonly diskResumeBytes?: number;
}

export interface LibraryService {
  readonly runner: JobRunner;
  readonly watcher: LibraryWatcher | null;
  /** Resolves with the start scans' reports when they are done. */
  readonly ready: Promise<ScanReport[]>;
  /** Queues a photo for ingest and wakes the runner. */
  enqueueIngest(photoId: number): void;
  /** Scans every folder now (a folder added, removed or rescanned); the scans' reports. */
  reconcile(): Promise<ScanReport[]>;
  /** Whether a photo is being ingested right now. */
  isIngesting(): boolean;
  /** The message to show while a full disk keeps the runtime paused; null otherwise. */
  diskFull(): string | null;
  /**
   * Stops taking work and waits at most `maxMs` (default 30 s) for the jobs in flight to
   * commit; `settled` is false when some did not (they are requeued at the next start).
   */
  drain(options?: { maxMs?: number; sidecarMaxMs?: number }): Promise<{
    settled: boolean;
    sidecars: SidecarTotals;
  }>;
}

export function startLibraryService(options: LibraryServiceOptions): LibraryService {
  const { db, log } = options;
  let diskFull: string | null = null;
  let diskTimer: NodeJS.Timeout | undefined;
  const checkMs = options.diskCheckMs ?? 60_000;
  const resumeBytes = options.diskResumeBytes ?? 64 * 1_048_576;
  // Pause and tell: the hosts show `diskFull()`; the runner goes on once there is room.
  const lookForRoom = () => {
    diskTimer = setTimeout(() => {
      const free = freeBytes(options.dataRoot);
      if (free !== null && free < resumeBytes) {
        diskFull = diskFullMessage(options.dataRoot);
        lookForRoom();
        return;
      }
      log.info('the data folder has room again: taking work');
      diskFull = null;
      diskTimer = undefined;
      core.runner.resume();
    }, checkMs);
    diskTimer.unref();
  };
  const onEvent = (event: RunnerEvent) => {
    if (event.type === 'halted' && diskTimer === undefined) {
      diskFull = diskFullMessage(options.dataRoot);
      log.warn(diskFull);
      lookForRoom();
    }
    options.onEvent?.(event);
  };
  const swept = prepareCatalogForRun(db, options.dataRoot, log);
  const core = buildCore({ ...options, onEvent }, options.engines);
  enqueueMissingTagging(db, options.engines.engines);
  core.runner.start();
  core.startSidecars();
  const watcher = options.watch === false ? null : watchLibrary(core.scanDeps, options.watch);
  return {
    runner: core.runner,
    watcher,
    ready: watcher
      ? watcher.ready.then((reports) => {
          core.runner.wake();
          return reports;
        })
      : Promise.resolve([]),
    enqueueIngest: core.scanDeps.enqueueIngest,
    async reconcile() {
      return watcher ? await watcher.reconcileNow() : [];
    },
    isIngesting: () => core.isIngesting(),
    diskFull: () => diskFull,
    async drain(drainOptions = {}) {
      clearTimeout(diskTimer);
      await watcher?.close();
      const { settled } = await core.close({
        maxMs: drainOptions.maxMs ?? 30_000,
        ...(drainOptions.sidecarMaxMs === undefined
          ? {}
          : { sidecarMaxMs: drainOptions.sidecarMaxMs }),
      });
      await swept;
      return { settled, sidecars: core.sidecarTotals() };
    },
  };
}
