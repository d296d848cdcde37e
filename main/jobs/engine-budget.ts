// Per-engine budgets: at most N paid calls per UTC day and/or per UTC month. When a budget is
// reached the engine's queue pauses until the next day (or month) starts; nothing fails.
//
// [Note: Engine budgets]
// What counts is every paid call SENT: a Huawei tagging call, an Aliyun asyncscan, a
// Volcengine CVSubmitTask. Result polls are not counted (the vendors bill per image
// processed, not per poll); they do count against the QPS limiter (see
// [Note: Engine call limits]). A call is counted in `engine_calls` in its own transaction
// BEFORE it is sent, so a crash can only over-count (a call counted and never sent), never
// let calls through uncounted. Calls that failed are counted too: the budget is a cap on
// exposure, and a vendor may charge for work its gateway answered with an error. Budgets
// live in the settings table as `jobs.budget.<engine>` = `{"perDay": N, "perMonth": M}`.
import { z } from 'zod';
import type { Catalog, ReadableCatalog } from '../catalog/catalog-connection.ts';
import { recordEngineCall, sumEngineCalls } from '../catalog/engine-calls.ts';
import { deleteSetting, readSettingText, writeSettingJson } from '../catalog/settings.ts';
import type { EngineId } from '../engines/tag-model.ts';

export const EngineBudget = z.object({
  perDay: z.number().int().min(0).optional(),
  perMonth: z.number().int().min(0).optional(),
});
export type EngineBudget = z.infer<typeof EngineBudget>;

/** The UTC day of a time, `YYYY-MM-DD`. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function startOfNextUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

function startOfNextUtcMonth(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export function readBudget(db: ReadableCatalog, engine: EngineId): EngineBudget {
  const text = readSettingText(db, `jobs.budget.${engine}`);
  if (text === undefined) return {};
  try {
    const parsed = EngineBudget.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Set or clear (empty budget) an engine's budget. */
export function writeBudget(db: Catalog, engine: EngineId, budget: EngineBudget): void {
  const value = EngineBudget.parse(budget);
  if (value.perDay === undefined && value.perMonth === undefined) {
    deleteSetting(db, `jobs.budget.${engine}`);
    return;
  }
  writeSettingJson(db, `jobs.budget.${engine}`, value);
}

export interface CallsUsed {
  readonly today: number;
  readonly month: number;
}

export function callsUsed(
  db: ReadableCatalog,
  engine: EngineId,
  now: number = Date.now(),
): CallsUsed {
  const day = utcDay(now);
  return sumEngineCalls(db, engine, day, `${day.slice(0, 7)}-01`, `${day.slice(0, 7)}-31`);
}

export type BudgetState =
  | { readonly exhausted: false; readonly remaining: number }
  | { readonly exhausted: true; readonly reason: string; readonly resumesAt: number };

/** Whether one more paid call fits the budget, and if not, when it will. */
export function budgetState(
  budget: EngineBudget,
  used: CallsUsed,
  now: number = Date.now(),
): BudgetState {
  if (budget.perMonth !== undefined && used.month >= budget.perMonth) {
    return {
      exhausted: true,
      reason: `monthly budget of ${String(budget.perMonth)} calls reached`,
      resumesAt: startOfNextUtcMonth(now),
    };
  }
  if (budget.perDay !== undefined && used.today >= budget.perDay) {
    return {
      exhausted: true,
      reason: `daily budget of ${String(budget.perDay)} calls reached`,
      resumesAt: startOfNextUtcDay(now),
    };
  }
  const remaining = Math.min(
    budget.perDay === undefined ? Number.POSITIVE_INFINITY : budget.perDay - used.today,
    budget.perMonth === undefined ? Number.POSITIVE_INFINITY : budget.perMonth - used.month,
  );
  return { exhausted: false, remaining };
}

/**
 * Count one paid call if the budget allows it (check and count in one transaction, so two
 * processes on one catalog cannot both take the last call). Returns the state before the call.
 */
export function reservePaidCall(
  db: Catalog,
  engine: EngineId,
  budget: EngineBudget,
  now: number = Date.now(),
): BudgetState {
  return db
    .transaction((): BudgetState => {
      const state = budgetState(budget, callsUsed(db, engine, now), now);
      if (state.exhausted) return state;
      recordEngineCall(db, engine, utcDay(now));
      return state;
    })
    .immediate();
}
