// How many paid calls a tagging run would make, before it runs (`tujian estimate`): distinct
// contents (duplicates count once) in the chosen folders that have no result of the engine
// yet (see [Note: Never pay twice] in tag-job-protocol.ts), plus the photos not hashed yet, which
// cannot be deduplicated before they are read (an upper bound). Budget and QPS turn the
// number into days and hours.
import type { Catalog } from '../catalog/catalog-connection.ts';
import { listFolderIdsWithEngine } from '../catalog/folders.ts';
import { countPendingPhotos, countTaggableContents } from '../catalog/photos.ts';
import type { EngineId } from '../engines/tag-model.ts';
import { budgetState, callsUsed, readBudget } from './engine-budget.ts';

export interface EstimateOptions {
  readonly engine: EngineId;
  /**
   * The engine's current settings key: results made with other settings do not count. When
   * absent, any result of the engine counts as done (the settings could not be read).
   */
  readonly settingsKey?: string;
  /** Only these folders; all folders the engine is enabled on when absent. */
  readonly folderIds?: readonly number[];
  /** Calls per second the run will be held to (for the duration). */
  readonly qps?: number;
  readonly now?: number;
}

export interface CallEstimate {
  readonly engine: EngineId;
  readonly settingsKey: string | null;
  readonly folders: number;
  /** Photos in those folders that are ingested (status ok). */
  readonly photos: number;
  /** Distinct contents among them. */
  readonly distinctContents: number;
  /** Of those, answered already (never paid again). */
  readonly alreadyTagged: number;
  /** Paid calls the run would make for ingested photos. */
  readonly calls: number;
  /** Photos not hashed yet: at most one call each, fewer if they are duplicates. */
  readonly notYetIngested: number;
  /** calls + notYetIngested. */
  readonly upperBound: number;
  readonly budget: {
    readonly perDay: number | null;
    readonly perMonth: number | null;
    readonly usedToday: number;
    readonly usedThisMonth: number;
    /** Calls left before the budget pauses the engine (null: no budget). */
    readonly remaining: number | null;
  };
  /** Time the calls take at the QPS limit alone (ignores retries and engine latency). */
  readonly minimumSeconds: number | null;
}

function foldersFor(db: Catalog, options: EstimateOptions): number[] {
  if (options.folderIds) return [...options.folderIds];
  return listFolderIdsWithEngine(db, options.engine);
}

export function estimateCalls(db: Catalog, options: EstimateOptions): CallEstimate {
  const now = options.now ?? Date.now();
  const folderIds = foldersFor(db, options);
  const row = countTaggableContents(db, folderIds, options.engine, options.settingsKey);
  const pending = countPendingPhotos(db, folderIds);
  const calls = row.contents - row.tagged;
  const budget = readBudget(db, options.engine);
  const used = callsUsed(db, options.engine, now);
  const state = budgetState(budget, used, now);
  const upperBound = calls + pending;
  return {
    engine: options.engine,
    settingsKey: options.settingsKey ?? null,
    folders: folderIds.length,
    photos: row.photos,
    distinctContents: row.contents,
    alreadyTagged: row.tagged,
    calls,
    notYetIngested: pending,
    upperBound,
    budget: {
      perDay: budget.perDay ?? null,
      perMonth: budget.perMonth ?? null,
      usedToday: used.today,
      usedThisMonth: used.month,
      remaining: state.exhausted ? 0 : Number.isFinite(state.remaining) ? state.remaining : null,
    },
    minimumSeconds:
      options.qps === undefined || !Number.isFinite(options.qps)
        ? null
        : Math.ceil(upperBound / options.qps),
  };
}
