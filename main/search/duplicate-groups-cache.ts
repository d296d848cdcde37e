// Keeps the near-duplicate groups of a catalog connection that serves the UI (the web host and
// the desktop app), so the Duplicates page neither freezes the process nor waits twice.
//
// [Note: Duplicate groups off the main thread]
// Grouping a library's perceptual hashes takes about a second of CPU at 100k photos
// (bench:duplicates). Run in the process that serves the UI, it held every other call
// (searches, thumbnails) for that long, so the groups are listed in a worker thread on its own
// read-only connection (duplicate-groups-worker.ts), read in one transaction with
// `duplicates_generation` (migration 19), which every write that can change a group bumps, from
// any process. The count of photos still to be hashed is read with them (0.1 s at 100k, and the
// backfill's every hash bumps the number anyway). The groups are kept with that number: the next listing at the same number is
// answered from memory; a listing at another number starts one worker, and callers that come
// meanwhile wait for the same one. A write that leaves the groups stale also starts a worker at
// once (`refresh`), so the page shown after "Not duplicates" or "Keep this one" finds them
// ready. A small library is listed in place (a worker takes longer to start than that), and so
// are one-shot processes' (the CLI): they have no one else to serve.
import type { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  perceptualHashRowsAtMost,
  readDuplicateGroupsAt,
  readDuplicatesGeneration,
  type DuplicateGroup,
} from '../catalog/perceptual-hashes.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { siblingModuleUrl, startModuleWorker } from '../util/module-worker.ts';

/** The worker's answer (zod: a worker message is a trust boundary, STYLE.md rule 8). */
const DuplicateGroupsMessage = z.object({
  generation: z.number().int(),
  pending: z.number().int().nonnegative(),
  groups: z.array(
    z.object({
      photos: z.array(
        z.object({
          photoId: z.number().int(),
          contentId: z.number().int(),
          sha256: z.string(),
          folderId: z.number().int(),
          folderPath: z.string(),
          relPath: z.string(),
          folderOnline: z.boolean(),
          size: z.number(),
          mtimeMs: z.number(),
          width: z.number().nullable(),
          height: z.number().nullable(),
          takenAt: z.number().nullable(),
          distance: z.number().int(),
        }),
      ),
    }),
  ),
});
export type DuplicateGroupsAt = z.infer<typeof DuplicateGroupsMessage>;

/** What the review page lists. */
export interface DuplicateListing {
  readonly groups: DuplicateGroup[];
  /** Contents still to be hashed by the backfill. */
  readonly pending: number;
}

export interface DuplicateGroupsCacheOptions {
  /** Lists the groups; by default a worker thread on `catalogFile`. */
  readonly build?: () => Promise<DuplicateGroupsAt>;
  /**
   * Up to this many hash rows the groups are listed in place: at 20k rows (7k photos) that is
   * about a tenth of a second, less than a worker thread takes to start (default 20000).
   */
  readonly inPlaceUpToRows?: number;
  readonly log?: Logger;
}

export interface DuplicateGroupsCacheState {
  readonly generation: number | null;
  readonly builds: number;
  /** How long the last listing took (ms), worker start included. */
  readonly lastBuildMs: number | null;
  readonly building: boolean;
}

export class DuplicateGroupsCache {
  private kept: DuplicateGroupsAt | null = null;
  private building: Promise<DuplicateGroupsAt> | null = null;
  private readonly workers = new Set<Worker>();
  private closed = false;
  private builds = 0;
  private lastBuildMs: number | null = null;
  private readonly build: () => Promise<DuplicateGroupsAt>;
  private readonly inPlaceUpToRows: number;
  private readonly log: Logger;

  constructor(
    private readonly db: Catalog,
    catalogFile: string,
    options: DuplicateGroupsCacheOptions = {},
  ) {
    this.log = options.log ?? silentLogger;
    this.inPlaceUpToRows = options.inPlaceUpToRows ?? 20_000;
    this.build = options.build ?? (() => this.buildInWorker(catalogFile));
  }

  /**
   * The groups and the count of photos still to be hashed as the catalog has them now: the
   * kept ones if current, else a fresh listing.
   */
  async list(): Promise<DuplicateListing> {
    if (this.closed) throw new Error('The duplicate groups are closed.');
    const wanted = readDuplicatesGeneration(this.db);
    if (this.kept?.generation === wanted) return this.kept;
    if (this.building === null && perceptualHashRowsAtMost(this.db) <= this.inPlaceUpToRows) {
      this.kept = readDuplicateGroupsAt(this.db);
      return this.kept;
    }
    let listed = await this.listing();
    // A listing already under way may have read the catalog before a write this call must
    // see; the next one starts after this call did, so it sees it.
    if (listed.generation < wanted) listed = await this.listing();
    return listed;
  }

  /** Starts a listing now when the kept groups are stale (after a write of our own). */
  refresh(): void {
    if (this.closed || this.building) return;
    // A small library is listed in place when asked, as fast as a worker would start.
    if (perceptualHashRowsAtMost(this.db) <= this.inPlaceUpToRows) return;
    if (this.kept?.generation === readDuplicatesGeneration(this.db)) return;
    this.listing().catch(() => undefined);
  }

  state(): DuplicateGroupsCacheState {
    return {
      generation: this.kept?.generation ?? null,
      builds: this.builds,
      lastBuildMs: this.lastBuildMs,
      building: this.building !== null,
    };
  }

  /** Stop: no more listings; a worker still running ends. */
  async close(): Promise<void> {
    this.closed = true;
    this.kept = null;
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  /** The listing under way, or a new one. */
  private listing(): Promise<DuplicateGroupsAt> {
    if (this.building) return this.building;
    const started = performance.now();
    const building = this.build()
      .catch((error: unknown) => {
        // A worker that cannot start (or fails) must not take the page away: list in place.
        this.log.warn('duplicate groups worker failed; listing in place', { error: String(error) });
        return readDuplicateGroupsAt(this.db);
      })
      .then((listed) => {
        this.builds++;
        this.lastBuildMs = Math.round(performance.now() - started);
        if (!this.closed && (this.kept === null || listed.generation >= this.kept.generation)) {
          this.kept = listed;
        }
        this.log.info('duplicate groups listed', {
          groups: listed.groups.length,
          ms: this.lastBuildMs,
        });
        return listed;
      })
      .finally(() => {
        this.building = null;
      });
    this.building = building;
    return building;
  }

  private buildInWorker(catalogFile: string): Promise<DuplicateGroupsAt> {
    return new Promise<DuplicateGroupsAt>((resolve, reject) => {
      const worker = startModuleWorker(
        siblingModuleUrl(import.meta.url, 'duplicate-groups-worker'),
        { workerData: { catalogFile } },
      );
      this.workers.add(worker);
      let answered = false;
      worker.once('message', (message: unknown) => {
        answered = true;
        const parsed = DuplicateGroupsMessage.safeParse(message);
        if (parsed.success) resolve(parsed.data);
        else {
          reject(
            new Error(`duplicate groups worker sent a malformed answer: ${parsed.error.message}`),
          );
        }
      });
      worker.once('error', (error) => {
        answered = true;
        reject(error);
      });
      worker.once('exit', (code) => {
        this.workers.delete(worker);
        if (!answered) {
          reject(new Error(`duplicate groups worker exited with code ${String(code)}`));
        }
      });
    });
  }
}
