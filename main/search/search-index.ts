// Keeps a current search snapshot for a catalog connection that serves many searches (the UI's
// web host and desktop app): searchPhotos and countPhotos use it while it is current and SQL
// otherwise. See [Note: Search snapshots] in search-snapshot.ts.
//
// [Note: When the snapshot is rebuilt]
// A snapshot is current while `search_generation` is the number it was read at. A search that
// finds it stale runs in SQL (the answer is never stale) and arranges a rebuild for when the
// catalog has been quiet for `quietMs`: during an import every second brings new rows, and
// rebuilding for each would spend a core on snapshots nobody uses; when the import ends, one
// rebuild brings searches back to memory speed. The rebuild runs in a worker thread on its own
// read-only connection, so the process serving the UI never stops for it. One-shot processes
// (the CLI) do not start an index: for one query, SQL is faster than any snapshot.
import type { Worker } from 'node:worker_threads';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { countLiveTagRows } from '../catalog/photo-tags.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { siblingModuleUrl, startModuleWorker } from '../util/module-worker.ts';
import {
  readSearchGeneration,
  SearchSnapshotMessage,
  type SearchSnapshot,
} from './search-snapshot.ts';

export interface SearchIndexOptions {
  /** How long the catalog must be unchanged before a stale snapshot is rebuilt (ms). */
  readonly quietMs?: number;
  /** Reads a snapshot; by default a worker thread on `catalogFile`. */
  readonly build?: () => Promise<SearchSnapshot>;
  /**
   * Above this many tagged (content, tag) pairs the index keeps no snapshot and searches run
   * in SQL: a snapshot costs about 70 MB per million tag rows (bench:search), and a laptop's
   * memory matters more than milliseconds on a library that large. Default 6 million.
   */
  readonly maxTagRows?: number;
  readonly log?: Logger;
}

export interface SearchIndexState {
  /** The snapshot is current: searches run in memory. */
  readonly current: boolean;
  readonly generation: number | null;
  readonly photos: number;
  readonly builds: number;
  /** How long the last build took (ms). */
  readonly lastBuildMs: number | null;
  readonly building: boolean;
  /** Why there is no snapshot at all, when the library is too large for one. */
  readonly disabled: string | null;
}

const indexes = new WeakMap<Catalog, SearchIndex>();

/** The current snapshot of the index started on this connection, if any and current. */
export function currentSearchSnapshot(db: Catalog): SearchSnapshot | undefined {
  return indexes.get(db)?.current() ?? undefined;
}

export class SearchIndex {
  private snapshot: SearchSnapshot | null = null;
  private building: Promise<void> | null = null;
  private worker: Worker | null = null;
  private quietTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private builds = 0;
  private lastBuildMs: number | null = null;
  private disabled: string | null = null;
  private readonly maxTagRows: number;
  private readonly quietMs: number;
  private readonly build: () => Promise<SearchSnapshot>;
  private readonly log: Logger;

  constructor(
    private readonly db: Catalog,
    catalogFile: string,
    options: SearchIndexOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 1_500;
    this.maxTagRows = options.maxTagRows ?? 6_000_000;
    this.log = options.log ?? silentLogger;
    this.build = options.build ?? (() => this.buildInWorker(catalogFile));
  }

  /** The snapshot if it is current; otherwise null, and a rebuild is arranged. */
  current(): SearchSnapshot | null {
    if (this.closed) return null;
    const generation = readSearchGeneration(this.db);
    if (this.snapshot?.generation === generation) return this.snapshot;
    this.rebuildWhenQuiet(generation);
    return null;
  }

  /** Read a new snapshot now (at start-up, and in tests and benchmarks). */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.building) return this.building;
    // tag_stats holds the live (content, tag) pairs per tag: a cheap size estimate.
    const tagRows = countLiveTagRows(this.db);
    if (tagRows > this.maxTagRows) {
      if (this.disabled === null) {
        this.log.info('search snapshot off: the library is too large; searching in SQL', {
          tagRows,
          maxTagRows: this.maxTagRows,
        });
      }
      this.disabled = `${String(tagRows)} tag rows, more than ${String(this.maxTagRows)}`;
      this.snapshot = null;
      return Promise.resolve();
    }
    this.disabled = null;
    const started = performance.now();
    this.building = this.build()
      .then((snapshot) => {
        if (this.closed) return;
        if (this.snapshot === null || snapshot.generation >= this.snapshot.generation) {
          this.snapshot = snapshot;
        }
        this.builds++;
        this.lastBuildMs = Math.round(performance.now() - started);
        this.log.info('search snapshot ready', {
          photos: snapshot.photoCount,
          ms: this.lastBuildMs,
        });
      })
      .catch((error: unknown) => {
        // Searches go on in SQL; the next stale search arranges another attempt.
        this.log.warn('search snapshot failed; searching in SQL', { error: String(error) });
      })
      .finally(() => {
        this.building = null;
      });
    return this.building;
  }

  state(): SearchIndexState {
    const current = this.current() !== null;
    return {
      current,
      generation: this.snapshot?.generation ?? null,
      photos: this.snapshot?.photoCount ?? 0,
      builds: this.builds,
      lastBuildMs: this.lastBuildMs,
      building: this.building !== null,
      disabled: this.disabled,
    };
  }

  /** Stop: no more rebuilds, the worker (if any) ends, searches go to SQL. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    this.snapshot = null;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    if (indexes.get(this.db) === this) indexes.delete(this.db);
  }

  /** [Note: When the snapshot is rebuilt] */
  private rebuildWhenQuiet(seen: number): void {
    if (this.quietTimer || this.building || this.closed) return;
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      if (this.closed) return;
      let now: number;
      try {
        now = readSearchGeneration(this.db);
      } catch {
        return; // the connection closed under us
      }
      if (now !== seen) this.rebuildWhenQuiet(now);
      else void this.refresh();
    }, this.quietMs);
    this.quietTimer.unref();
  }

  private buildInWorker(catalogFile: string): Promise<SearchSnapshot> {
    return new Promise<SearchSnapshot>((resolve, reject) => {
      const worker = startModuleWorker(
        siblingModuleUrl(import.meta.url, 'search-snapshot-worker'),
        {
          workerData: { catalogFile },
        },
      );
      this.worker = worker;
      worker.unref();
      let answered = false;
      worker.once('message', (message: unknown) => {
        answered = true;
        const parsed = SearchSnapshotMessage.safeParse(message);
        if (parsed.success) resolve(parsed.data);
        else
          reject(
            new Error(`search snapshot worker sent a malformed snapshot: ${parsed.error.message}`),
          );
      });
      worker.once('error', (error) => {
        answered = true;
        reject(error);
      });
      worker.once('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        if (!answered) reject(new Error(`search snapshot worker exited with code ${String(code)}`));
      });
    });
  }
}

/**
 * Keep a search snapshot for this connection: searchPhotos and countPhotos on `db` use it
 * while it is current. Builds the first snapshot in the background at once.
 */
export function startSearchIndex(
  db: Catalog,
  catalogFile: string,
  options: SearchIndexOptions = {},
): SearchIndex {
  const previous = indexes.get(db);
  if (previous) void previous.close();
  const index = new SearchIndex(db, catalogFile, options);
  indexes.set(db, index);
  void index.refresh();
  return index;
}
