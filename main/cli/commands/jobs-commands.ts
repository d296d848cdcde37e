// CLI commands that steer the job queue: pause/resume (all work or one engine), per-engine
// budgets, and estimate (paid calls a run would make). The switches live in the catalog
// (main/jobs/job-controls.ts, engine-budget.ts), so they also steer a `tujian watch` or the
// desktop app running on the same catalog. `jobsStatus` is what `tujian status` shows about them.
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Catalog } from '../../catalog/catalog-connection.ts';
import { listFolders } from '../../catalog/folders.ts';
import { latestEngineSettingsKey } from '../../catalog/photo-tags.ts';
import { EngineId, engineIds } from '../../engines/tag-model.ts';
import { callsUsed, readBudget, writeBudget } from '../../jobs/engine-budget.ts';
import { sharedEngineLimiters } from '../../jobs/engine-limiter.ts';
import { estimateCalls } from '../../jobs/job-estimate.ts';
import { readJobControls, setJobsPaused } from '../../jobs/job-controls.ts';
import { type CliCommand, type CliInvocation, flagOption, stringOption } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { escapeControlChars } from '../../util/terminal-text.ts';

function engineOption(inv: CliInvocation, required: boolean): EngineId | undefined {
  const name = stringOption(inv, 'engine');
  if (name === undefined) {
    if (required)
      throw new UsageError(
        'name an engine with --engine local|huawei|volcengine|aliyun|tencent|baidu',
      );
    return undefined;
  }
  const parsed = EngineId.safeParse(name);
  if (!parsed.success)
    throw new UsageError(
      `unknown engine "${name}" (local, huawei, volcengine, aliyun, tencent or baidu)`,
    );
  return parsed.data;
}

function countOption(inv: CliInvocation, name: string): number | undefined {
  const text = stringOption(inv, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`--${name} must be a whole number ≥ 0 (got "${text}")`);
  return value;
}

export interface EngineJobsStatus {
  readonly engine: EngineId;
  readonly paused: boolean;
  readonly stopped: {
    readonly reason: string;
    readonly code: string | null;
    readonly at: number | null;
  } | null;
  readonly budget: { readonly perDay: number | null; readonly perMonth: number | null };
  readonly callsToday: number;
  readonly callsThisMonth: number;
}

export interface JobsStatus {
  readonly pausedAll: boolean;
  readonly engines: readonly EngineJobsStatus[];
}

/** Pauses, stops and budgets per engine, for `tujian status` (engines with anything to say). */
export function jobsStatus(db: Catalog, now: number = Date.now()): JobsStatus {
  const controls = readJobControls(db);
  const engines: EngineJobsStatus[] = [];
  for (const engine of engineIds) {
    const stop = controls.stopped.get(engine);
    const budget = readBudget(db, engine);
    const used = callsUsed(db, engine, now);
    const paused = controls.pausedEngines.has(engine);
    if (
      !stop &&
      !paused &&
      budget.perDay === undefined &&
      budget.perMonth === undefined &&
      used.month === 0
    )
      continue;
    engines.push({
      engine,
      paused,
      stopped: stop ? { reason: stop.reason, code: stop.code, at: stop.at } : null,
      budget: { perDay: budget.perDay ?? null, perMonth: budget.perMonth ?? null },
      callsToday: used.today,
      callsThisMonth: used.month,
    });
  }
  return { pausedAll: controls.pausedAll, engines };
}

/** Human lines for `jobsStatus` (empty when there is nothing to say). */
export function jobsStatusLines(status: JobsStatus): string[] {
  const lines: string[] = [];
  if (status.pausedAll) lines.push('All work is PAUSED (tujian resume).');
  for (const e of status.engines) {
    if (e.stopped)
      lines.push(
        `Engine ${e.engine} STOPPED: ${e.stopped.reason} — fix the settings, then: tujian retry --engine ${e.engine}`,
      );
    if (e.paused) lines.push(`Engine ${e.engine} paused (tujian resume --engine ${e.engine}).`);
    const caps = [
      e.budget.perDay === null ? null : `${String(e.callsToday)}/${String(e.budget.perDay)} today`,
      e.budget.perMonth === null
        ? null
        : `${String(e.callsThisMonth)}/${String(e.budget.perMonth)} this month`,
    ].filter((c) => c !== null);
    lines.push(
      `Engine ${e.engine} paid calls: ${String(e.callsToday)} today, ${String(e.callsThisMonth)} this month${caps.length > 0 ? ` (budget: ${caps.join(', ')})` : ''}`,
    );
  }
  return lines;
}

function pauseOrResume(paused: boolean): CliCommand {
  const verb = paused ? 'pause' : 'resume';
  return {
    name: verb,
    summary: paused
      ? 'Pause all work, or one engine (kept until "tujian resume"; a running watch obeys it)'
      : 'Resume all work, or one engine, after "tujian pause"',
    usage: `tujian ${verb} [--engine local|huawei|volcengine|aliyun|tencent|baidu]`,
    options: { engine: { type: 'string' } },
    run(inv) {
      const engine = engineOption(inv, false);
      // Pausing before the first index is how a user holds back the paid engines (`tujian
      // pause; tujian index F`), so it may start the catalog; resuming one that does not exist
      // is a mistyped --data ([Note: Only some commands create a catalog]).
      const ctx = openCliContext(inv, { create: paused });
      try {
        setJobsPaused(ctx.db, engine ?? null, paused);
        const controls = readJobControls(ctx.db);
        if (inv.global.json) {
          inv.io.printJson({
            pausedAll: controls.pausedAll,
            pausedEngines: [...controls.pausedEngines],
          });
          return Promise.resolve(ExitCode.ok);
        }
        inv.io.print(
          `${engine === undefined ? 'All work' : `Engine ${engine}`} ${paused ? 'paused' : 'resumed'}.`,
        );
        if (!paused && engine !== undefined && controls.pausedAll)
          inv.io.print('Note: all work is still paused (tujian resume).');
        if (!paused && engine === undefined && controls.pausedEngines.size > 0)
          inv.io.print(
            `Note: still paused on their own: ${[...controls.pausedEngines].join(', ')} (tujian resume --engine X).`,
          );
        const stop = engine === undefined ? undefined : controls.stopped.get(engine);
        if (!paused && stop)
          inv.io.print(
            `Note: ${engine ?? ''} is stopped (${stop.reason}); after fixing it: tujian retry --engine ${engine ?? ''}`,
          );
        return Promise.resolve(ExitCode.ok);
      } finally {
        ctx.close();
      }
    },
  };
}

export const pauseCommand = pauseOrResume(true);
export const resumeCommand = pauseOrResume(false);

export const budgetCommand: CliCommand = {
  name: 'budget',
  summary:
    "Show or set an engine's paid-call budget (per UTC day/month; the engine pauses when reached)",
  usage: 'tujian budget --engine X [--per-day N] [--per-month N] [--clear]',
  options: {
    engine: { type: 'string' },
    'per-day': { type: 'string' },
    'per-month': { type: 'string' },
    clear: { type: 'boolean' },
  },
  run(inv) {
    const engine = engineOption(inv, true);
    if (engine === undefined) return Promise.resolve(ExitCode.usage);
    const perDay = countOption(inv, 'per-day');
    const perMonth = countOption(inv, 'per-month');
    const clear = flagOption(inv, 'clear');
    if (clear && (perDay !== undefined || perMonth !== undefined))
      throw new UsageError('--clear takes no --per-day/--per-month');
    const ctx = openCliContext(inv, {
      create: clear || perDay !== undefined || perMonth !== undefined,
    });
    try {
      if (clear) writeBudget(ctx.db, engine, {});
      else if (perDay !== undefined || perMonth !== undefined) {
        const current = readBudget(ctx.db, engine);
        writeBudget(ctx.db, engine, {
          ...current,
          ...(perDay === undefined ? {} : { perDay }),
          ...(perMonth === undefined ? {} : { perMonth }),
        });
      }
      const budget = readBudget(ctx.db, engine);
      const used = callsUsed(ctx.db, engine);
      const report = {
        engine,
        perDay: budget.perDay ?? null,
        perMonth: budget.perMonth ?? null,
        callsToday: used.today,
        callsThisMonth: used.month,
      };
      if (inv.global.json) inv.io.printJson(report);
      else
        inv.io.print(
          `${engine}: budget ${budget.perDay === undefined ? 'none' : String(budget.perDay)} per day, ${budget.perMonth === undefined ? 'none' : String(budget.perMonth)} per month; paid calls ${String(used.today)} today, ${String(used.month)} this month (UTC).`,
        );
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};

/** The settings key of the engine's latest result: what the next run most likely uses. */
function latestSettingsKey(db: Catalog, engine: EngineId): string | undefined {
  return latestEngineSettingsKey(db, engine);
}

export const estimateCommand: CliCommand = {
  name: 'estimate',
  summary:
    'How many paid calls a tagging run would make (after dedup against results and duplicates)',
  usage: 'tujian estimate --engine X [folder] [--settings-key K] [--json]',
  options: { engine: { type: 'string' }, 'settings-key': { type: 'string' } },
  run(inv) {
    const engine = engineOption(inv, true);
    if (engine === undefined) return Promise.resolve(ExitCode.usage);
    const [folderArg] = inv.positionals;
    const ctx = openCliContext(inv);
    try {
      let folderIds: number[] | undefined;
      let enabledThere = true;
      if (folderArg !== undefined) {
        const absolute = resolve(folderArg);
        const real = existsSync(absolute) ? realpathSync.native(absolute) : absolute;
        const folder = listFolders(ctx.db).find((f) => f.path === real || f.path === absolute);
        if (!folder) {
          inv.io.stderr.write(
            `tujian estimate: ${escapeControlChars(folderArg)} is not an added folder (add it with "tujian add").\n`,
          );
          return Promise.resolve(ExitCode.failure);
        }
        folderIds = [folder.id];
        enabledThere = folder.engines.includes(engine);
      }
      const explicitKey = stringOption(inv, 'settings-key');
      const settingsKey = explicitKey ?? latestSettingsKey(ctx.db, engine);
      const estimate = estimateCalls(ctx.db, {
        engine,
        ...(settingsKey === undefined ? {} : { settingsKey }),
        ...(folderIds === undefined ? {} : { folderIds }),
        qps: sharedEngineLimiters.get(engine).limits().qps,
      });
      if (inv.global.json) {
        inv.io.printJson({ ...estimate, enabledOnFolder: enabledThere });
        return Promise.resolve(ExitCode.ok);
      }
      inv.io.print(
        `${engine}: ${String(estimate.calls)} paid call(s) for ${String(estimate.photos)} ingested photo(s) in ${String(estimate.folders)} folder(s) — ${String(estimate.distinctContents)} distinct, ${String(estimate.alreadyTagged)} already tagged.`,
      );
      if (estimate.notYetIngested > 0)
        inv.io.print(
          `Plus at most ${String(estimate.notYetIngested)} for photos not ingested yet (duplicates among them are not paid twice): up to ${String(estimate.upperBound)} in all.`,
        );
      if (estimate.minimumSeconds !== null && estimate.upperBound > 0)
        inv.io.print(
          `At the engine's QPS limit that takes at least ${String(estimate.minimumSeconds)} s.`,
        );
      const b = estimate.budget;
      if (b.remaining !== null) {
        inv.io.print(
          `Budget: ${String(b.remaining)} call(s) left now (${String(b.usedToday)} used today, ${String(b.usedThisMonth)} this month); the engine pauses when it is spent.`,
        );
      }
      if (!enabledThere)
        inv.io.print(
          `Note: ${engine} is not enabled on that folder, so a run would make no calls there.`,
        );
      if (settingsKey === undefined)
        inv.io.print('(No result of this engine yet: every distinct photo counts.)');
      else if (explicitKey === undefined)
        inv.io.print(`(Results count as done when made with the latest settings: ${settingsKey})`);
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};

export const jobsCommands: readonly CliCommand[] = [
  pauseCommand,
  resumeCommand,
  budgetCommand,
  estimateCommand,
];
