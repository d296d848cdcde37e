// How many paid calls a tagging run would make, before it runs (`tujian estimate`): distinct
// contents (duplicates count once) in the chosen folders that have no result of the engine
// yet (see [Note: Never pay twice] in job-runner.ts), plus the photos not hashed yet, which
// cannot be deduplicated before they are read (an upper bound). Budget and QPS turn the
// number into days and hours.
import type { Catalog } from '../catalog/catalog-connection.ts';
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
  return db
    .prepare<[string], { id: number }>(
      `SELECT f.id FROM folders f WHERE EXISTS (SELECT 1 FROM json_each(f.engines) e WHERE e.value = ?)`,
    )
    .all(options.engine)
    .map((r) => r.id);
}

export function estimateCalls(db: Catalog, options: EstimateOptions): CallEstimate {
  const now = options.now ?? Date.now();
  const folderIds = foldersFor(db, options);
  const marks = folderIds.map(() => '?').join(', ') || 'NULL';
  const resultFilter =
    options.settingsKey === undefined ? `r.engine = ?` : `r.engine = ? AND r.settings_key = ?`;
  const resultArgs =
    options.settingsKey === undefined ? [options.engine] : [options.engine, options.settingsKey];
  const row = db
    .prepare<unknown[], { photos: number; contents: number; tagged: number }>(
      `SELECT COUNT(*) AS photos, COUNT(DISTINCT p.content_id) AS contents,
         COUNT(DISTINCT CASE WHEN EXISTS (
           SELECT 1 FROM engine_results r WHERE r.content_id = p.content_id AND ${resultFilter}
         ) THEN p.content_id END) AS tagged
       FROM photos p WHERE p.status = 'ok' AND p.content_id IS NOT NULL AND p.folder_id IN (${marks})`,
    )
    .get(...resultArgs, ...folderIds) ?? { photos: 0, contents: 0, tagged: 0 };
  const pending = db
    .prepare<unknown[], { n: number }>(
      `SELECT COUNT(*) AS n FROM photos WHERE status = 'pending' AND folder_id IN (${marks})`,
    )
    .get(...folderIds) ?? { n: 0 };
  const calls = row.contents - row.tagged;
  const budget = readBudget(db, options.engine);
  const used = callsUsed(db, options.engine, now);
  const state = budgetState(budget, used, now);
  const upperBound = calls + pending.n;
  return {
    engine: options.engine,
    settingsKey: options.settingsKey ?? null,
    folders: folderIds.length,
    photos: row.photos,
    distinctContents: row.contents,
    alreadyTagged: row.tagged,
    calls,
    notYetIngested: pending.n,
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
