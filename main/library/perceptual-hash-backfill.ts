// Hashes the contents that have no perceptual hash yet (photos ingested before migration 15,
// or whose renditions already existed) from their thumbnails on disk: see [Note: Perceptual
// hash of the thumbnail] in main/imaging/perceptual-hash.ts.
//
// The job is persisted by the catalog itself: what is left is every content without a
// `perceptual_hashes` row of the current recipe, so a backfill cut short (quit, crash) goes on
// where it stopped at the next start, and a thumbnail that cannot be hashed gets a row with
// the error instead of being tried forever. Long-running hosts start() it (a batch every
// pollMs, yielding between photos); one-shot commands flush() it within a time budget.
import { readFile } from 'node:fs/promises';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { listUnhashedContents, savePerceptualHash } from '../catalog/perceptual-hashes.ts';
import { perceptualHashSet } from '../imaging/perceptual-hash.ts';
import { thumbnailPath } from './library-files.ts';

export interface PerceptualHashBackfillOptions {
  readonly dataRoot: string;
  readonly log?: { info(message: string): void; warn(message: string): void };
  /** Contents read from the catalog at a time. */
  readonly batchSize?: number;
  /** How often start() looks for work. */
  readonly pollMs?: number;
  readonly now?: () => number;
}

export interface PerceptualHashBackfill {
  /** Looks for work every pollMs until close(). */
  start(): void;
  /** Hashes what is left, for at most maxMs (the rest waits for the next run). */
  flush(options?: { readonly maxMs?: number }): Promise<{ hashed: number; failed: number }>;
  close(): Promise<void>;
}

export function createPerceptualHashBackfill(
  db: Catalog,
  options: PerceptualHashBackfillOptions,
): PerceptualHashBackfill {
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 200;
  const pollMs = options.pollMs ?? 5000;
  const idlePollMs = Math.max(pollMs, 60_000);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<{ hashed: number; failed: number }> | undefined;
  let closed = false;

  const pass = async (maxMs: number) => {
    const started = performance.now();
    const done = { hashed: 0, failed: 0 };
    let after = 0;
    // close() may come while a thumbnail is read: looked up afresh after every await.
    const mayGoOn = () => !closed && performance.now() - started < maxMs;
    while (mayGoOn()) {
      const batch = listUnhashedContents(db, after, batchSize);
      if (batch.length === 0) break;
      for (const content of batch) {
        if (!mayGoOn()) break;
        after = content.contentId;
        let thumbnail: Buffer;
        try {
          thumbnail = await readFile(thumbnailPath(options.dataRoot, content.sha256));
        } catch {
          // No thumbnail (yet): ingest makes one and hashes it; nothing to record.
          continue;
        }
        try {
          savePerceptualHash(db, content.contentId, await perceptualHashSet(thumbnail), now());
          done.hashed++;
        } catch (error) {
          savePerceptualHash(db, content.contentId, { error: String(error) }, now());
          done.failed++;
        }
      }
    }
    if (done.hashed + done.failed > 0) {
      options.log?.info(
        `duplicates: hashed ${String(done.hashed)} thumbnails` +
          (done.failed > 0 ? ` (${String(done.failed)} could not be read)` : ''),
      );
    }
    return done;
  };
  const runOnce = (maxMs: number) => {
    running ??= pass(maxMs)
      .catch((error: unknown) => {
        options.log?.warn(`duplicates: ${String(error)}`);
        return { hashed: 0, failed: 0 };
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const schedule = (delayMs: number) => {
    if (closed) return;
    timer = setTimeout(() => {
      // A slice at a time, so other work on this thread is never held up for long; when
      // nothing was left, look less often (ingest hashes new photos itself).
      void runOnce(2000).then((done) => {
        schedule(done.hashed + done.failed > 0 ? pollMs : idlePollMs);
      });
    }, delayMs);
    timer.unref();
  };
  return {
    start() {
      if (timer === undefined && !closed) schedule(pollMs);
    },
    async flush(flushOptions = {}) {
      await running;
      return runOnce(flushOptions.maxMs ?? Number.POSITIVE_INFINITY);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
