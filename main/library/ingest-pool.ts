// An in-memory ingest runner: ingests enqueued photo ids with a small concurrency and keeps
// the outcomes. The persisted job queue (main/jobs) is how the app runs ingest so that a crash
// loses nothing; this pool serves the benchmarks of ingest itself, tests, and any caller that
// wants ingest done now and in process (two at a time uses both cores: sharp's decode runs on
// libuv threads while the other photo is hashed).
import type { IngestDeps } from './library-deps.ts';
import { ingestPhoto, type IngestOutcome } from './photo-ingest.ts';

export interface IngestPool {
  /** Queues a photo id (ignored when already queued or running). */
  enqueue(photoId: number): void;
  /** Resolves when everything queued so far (and anything queued meanwhile) is done. */
  drain(): Promise<void>;
  readonly outcomes: IngestOutcome[];
  /** Errors that were not about the photo (catalog, data folder): ingest stops on the first. */
  readonly failures: unknown[];
}

export function createIngestPool(
  deps: IngestDeps,
  options: { concurrency?: number; onOutcome?: (outcome: IngestOutcome) => void } = {},
): IngestPool {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const queue: number[] = [];
  const queued = new Set<number>();
  const outcomes: IngestOutcome[] = [];
  const failures: unknown[] = [];
  let running = 0;
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (running === 0 && (queue.length === 0 || failures.length > 0)) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  };
  const pump = () => {
    while (running < concurrency && queue.length > 0 && failures.length === 0) {
      const id = queue.shift();
      if (id === undefined) break;
      running++;
      ingestPhoto(deps, id)
        .then((outcome) => {
          outcomes.push(outcome);
          options.onOutcome?.(outcome);
        })
        .catch((error: unknown) => {
          failures.push(error);
          deps.log.warn(`ingest stopped: ${(error as Error).message}`);
        })
        .finally(() => {
          queued.delete(id);
          running--;
          pump();
          settle();
        });
    }
  };
  return {
    enqueue(photoId) {
      if (queued.has(photoId)) return;
      queued.add(photoId);
      queue.push(photoId);
      pump();
    },
    drain() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
    outcomes,
    failures,
  };
}
