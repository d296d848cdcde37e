// Moving photos off a retiring engine (`tujian engines migrate huawei --to <engine> [query]`):
// find the photos whose scene/concept tags came only from that engine, say how many paid calls
// the other engine would make, and — when asked — queue them for it through the ordinary job
// queue, so per-folder enable, budget, pause, crash safety and never-pay-twice all apply as for
// any run. Nothing is deleted: the old engine's tags stay on the photos, searchable and marked
// with their engine and model.
//
// "Only from that engine" ignores the on-device engine and the user's own tags: the local
// engine knows 80 object classes and a handful of concepts, so its tags do not replace a cloud
// engine's hundreds of scenes; a photo that another CLOUD engine has given scene/concept tags
// keeps its coverage and is left alone.
import type { Catalog } from '../catalog/catalog-connection.ts';
import { cloudEngineIds } from '../engines/engine-settings.ts';
import type { EngineId } from '../engines/tag-model.ts';
import { budgetState, callsUsed, readBudget } from '../jobs/engine-budget.ts';
import { enqueueTag } from '../catalog/job-queue.ts';
import { listMigrationCandidates, type MigrationCandidate } from '../catalog/photo-tags.ts';
import { planQueryText } from '../search/search-service.ts';

export interface MigrationOptions {
  readonly from: EngineId;
  readonly to: EngineId;
  /** A search query (the app's query language) that narrows the photos; all when absent. */
  readonly query?: string;
  /** The target's calls per second, for the duration estimate. */
  readonly qps?: number;
  readonly now?: number;
}

export interface MigrationEstimate {
  readonly from: EngineId;
  readonly to: EngineId;
  readonly query: string | null;
  /** Photos (files) whose scene/concept tags came only from `from`. */
  readonly photos: number;
  /** Distinct contents among them (duplicates are tagged once). */
  readonly contents: number;
  /** Of those, contents `to` has answered already (never paid again). */
  readonly alreadyAnswered: number;
  /** Of those, contents with a tag job for `to` already open. */
  readonly alreadyQueued: number;
  /** Contents only in folders where `to` is not enabled: not sent anywhere until it is. */
  readonly notEnabled: number;
  /** Folder paths holding those, so the user can enable the engine there. */
  readonly foldersToEnable: readonly string[];
  /** Paid calls a migration would make now. */
  readonly calls: number;
  /** Calls left before the target's budget pauses it (null: no budget). */
  readonly budgetRemaining: number | null;
  /** Time the calls take at the QPS limit alone (null without a QPS). */
  readonly minimumSeconds: number | null;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

function candidates(db: Catalog, options: MigrationOptions): MigrationCandidate[] {
  if (options.from === options.to)
    throw new MigrationError(`migrate from ${options.from} to another engine, not itself`);
  let photoFilter: { sql: string; params: readonly (string | number)[] } | undefined;
  if (options.query !== undefined && options.query.trim() !== '') {
    const plan = planQueryText(db, options.query);
    photoFilter = { sql: `SELECT p.id FROM ${plan.from} WHERE ${plan.where}`, params: plan.params };
  }
  return listMigrationCandidates(db, {
    from: options.from,
    to: options.to,
    coveringEngines: cloudEngineIds.filter((id) => id !== options.from),
    ...(photoFilter ? { photoFilter } : {}),
  });
}

/** Contents to queue: answered by neither, not queued yet, in a folder with `to` enabled. */
function sendable(rows: readonly MigrationCandidate[]): {
  toQueue: Set<number>;
  all: Set<number>;
  answered: Set<number>;
  queued: Set<number>;
  notEnabled: Set<number>;
  foldersToEnable: Set<string>;
} {
  const all = new Set<number>();
  const answered = new Set<number>();
  const queued = new Set<number>();
  const enabledSomewhere = new Set<number>();
  const foldersToEnable = new Set<string>();
  for (const row of rows) {
    all.add(row.content_id);
    if (row.answered) answered.add(row.content_id);
    if (row.queued) queued.add(row.content_id);
    if (row.enabled) enabledSomewhere.add(row.content_id);
    else foldersToEnable.add(row.folder_path);
  }
  const notEnabled = new Set([...all].filter((id) => !enabledSomewhere.has(id)));
  const toQueue = new Set(
    [...enabledSomewhere].filter((id) => !answered.has(id) && !queued.has(id)),
  );
  return { toQueue, all, answered, queued, notEnabled, foldersToEnable };
}

/** What a migration would do, without changing anything. */
export function estimateEngineMigration(db: Catalog, options: MigrationOptions): MigrationEstimate {
  const rows = candidates(db, options);
  const sets = sendable(rows);
  const now = options.now ?? Date.now();
  const budget = budgetState(readBudget(db, options.to), callsUsed(db, options.to, now), now);
  const calls = sets.toQueue.size;
  return {
    from: options.from,
    to: options.to,
    query: options.query ?? null,
    photos: rows.length,
    contents: sets.all.size,
    alreadyAnswered: sets.answered.size,
    alreadyQueued: sets.queued.size,
    notEnabled: sets.notEnabled.size,
    foldersToEnable: [...sets.foldersToEnable].sort(),
    calls,
    budgetRemaining: budget.exhausted
      ? 0
      : Number.isFinite(budget.remaining)
        ? budget.remaining
        : null,
    minimumSeconds: options.qps ? Math.ceil(calls / options.qps) : null,
  };
}

/** Queues the estimate's contents for `to` (one transaction); returns how many were queued. */
export function queueEngineMigration(db: Catalog, options: MigrationOptions): number {
  const now = options.now ?? Date.now();
  return db.transaction(() => {
    const { toQueue } = sendable(candidates(db, options));
    for (const contentId of toQueue) enqueueTag(db, contentId, options.to, now);
    return toQueue.size;
  })();
}
