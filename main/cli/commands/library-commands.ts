// CLI commands that change the library: add, index (scan + ingest + tag), demo.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Catalog } from '../../catalog/catalog-connection.ts';
import { addFolder, type Folder, listFolders } from '../../catalog/folders.ts';
import { listTopTags } from '../../catalog/photo-tags.ts';
import { EngineId } from '../../engines/tag-model.ts';
import { countJobs, jobsHeldElsewhere } from '../../catalog/job-queue.ts';
import type { RunnerEvent } from '../../jobs/job-runner.ts';
import { setFollowOutsideLinks, type ScanReport } from '../../library/folder-scanner.ts';
import { runLibraryOnce } from '../../library/library-runtime.ts';
import { type CliCommand, type CliInvocation, listOption } from '../cli-command.ts';
import { type CliContext, openCliContext } from '../cli-context.ts';
import { printSidecarTotals } from '../cli-sidecars.ts';
import { createCliEngineSet } from '../cli-engines.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { createProgressBar, renderProgressCounts } from '../progress-bar.ts';

function parseEngines(inv: CliInvocation, option: string): EngineId[] | undefined {
  const names = listOption(inv, option);
  if (names.length === 0) return undefined;
  return names.map((name) => {
    const parsed = EngineId.safeParse(name);
    if (!parsed.success)
      throw new UsageError(
        `unknown engine "${name}" (local, huawei, volcengine, aliyun, tencent, baidu)`,
      );
    return parsed.data;
  });
}

/** The folder row for a path, adding it when it is new. */
export function findOrAddFolder(
  db: Catalog,
  path: string,
  engines?: readonly EngineId[],
): { folder: Folder; added: boolean } {
  const absolute = resolve(path);
  const existing = listFolders(db).find((f) => f.path === absolute);
  if (existing) return { folder: existing, added: false };
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new UsageError(`${absolute} is not a folder`);
  }
  return { folder: addFolder(db, absolute, engines ? { engines } : {}), added: true };
}

/**
 * `--follow-outside-links`: the scan of these folders follows folder links leading outside
 * them, now and in every later scan ([Note: Folder links stay inside]).
 */
function applyLinkOption(inv: CliInvocation, db: Catalog, folders: readonly Folder[]): void {
  if (inv.values['follow-outside-links'] !== true) return;
  for (const folder of folders) setFollowOutsideLinks(db, folder.id, true);
}

export const addCommand: CliCommand = {
  name: 'add',
  summary: 'Add a photo folder to the library (engines default to the on-device engine)',
  usage: 'tujian add <folder> [--engines local,huawei,…] [--follow-outside-links]',
  options: { engines: { type: 'string' }, 'follow-outside-links': { type: 'boolean' } },
  run(inv) {
    const [path] = inv.positionals;
    if (!path) throw new UsageError('name a folder');
    const engines = parseEngines(inv, 'engines');
    const ctx = openCliContext(inv, { create: true });
    try {
      const { folder, added } = findOrAddFolder(ctx.db, path, engines);
      applyLinkOption(inv, ctx.db, [folder]);
      if (inv.global.json) inv.io.printJson({ folder, added });
      else
        inv.io.print(
          added
            ? `Added ${folder.path}. Run "tujian index" to scan and tag it.`
            : `${folder.path} is already in the library.`,
        );
      return Promise.resolve(ExitCode.ok);
    } finally {
      ctx.close();
    }
  },
};

interface IndexSummary {
  readonly scans: ScanReport[];
  readonly ingested: number;
  readonly broken: number;
  /** Photos ingest left aside with a reason (pipes, gone, unreadable for now): not broken. */
  readonly skipped: number;
  readonly tagged: number;
  readonly failed: number;
  readonly stoppedEngines: Record<string, string>;
  readonly unavailableEngines: Record<string, string>;
  /** Set when a full data disk ended the run early (the rest stays queued). */
  readonly diskFull: string | null;
  readonly topTags: { zh: string; en: string; photos: number }[];
  readonly durationMs: number;
}

/** How `runIndex` shows progress: a redrawn bar on a terminal, else a line every few seconds. */
export interface IndexProgress {
  /** Draw the bar on stderr when it is a terminal. */
  readonly bar: boolean;
  /** Where progress lines go when no bar is drawn (null: none). */
  readonly lines: ((line: string) => void) | null;
  readonly json: boolean;
  readonly everyMs: number;
}

/** Scan the folders, then ingest and tag until the queue is idle (the runtime's one-shot mode). */
export async function runIndex(
  ctx: CliContext,
  folders: readonly Folder[],
  options: {
    engines?: readonly EngineId[];
    progress: IndexProgress;
    print: (line: string) => void;
  },
): Promise<IndexSummary> {
  const started = Date.now();
  const { db } = ctx;
  let ingested = 0;
  let broken = 0;
  let skipped = 0;
  let tagged = 0;
  let failed = 0;
  const bar = options.progress.bar ? createProgressBar() : undefined;
  const drawing = bar?.drawing === true;
  const openJobs = () => countJobs(db).reduce((n, c) => n + c.queued + c.running, 0);
  let total = 0;
  let done = 0;
  let counting = false;
  const onEvent = (event: RunnerEvent) => {
    if (event.type === 'engine-stopped') {
      options.print(`Engine ${event.engine} stopped: ${event.reason}`);
      return;
    }
    if (event.type === 'engine-paused') {
      options.print(`Engine ${event.engine ?? 'all'} paused: ${event.reason}`);
      return;
    }
    if (event.type !== 'job-finished') return;
    if (event.outcome === 'waiting' || event.outcome === 'retry') return;
    done++;
    if (event.kind === 'ingest') {
      if (event.outcome === 'done') ingested++;
      else if (event.photoStatus === 'broken' || event.photoStatus === undefined) broken++;
      else skipped++;
    } else if (event.outcome === 'done') tagged++;
    else failed++;
    total = Math.max(total, done + openJobs());
    bar?.update(done, total, event.kind === 'ingest' ? 'ingest' : `tag:${event.engine ?? ''}`);
  };
  // Without a terminal to redraw on, a line every few seconds (issue 12 item 11): a log or a
  // CI job that captures the output sees the run move.
  const { lines } = options.progress;
  const ticker =
    lines && !drawing
      ? setInterval(() => {
          if (!counting) return;
          const elapsed = Date.now() - started;
          if (options.progress.json) {
            lines(
              JSON.stringify({
                progress: { done, total, ingested, broken, tagged, failed, elapsedMs: elapsed },
              }),
            );
          } else {
            lines(
              `progress: ${renderProgressCounts(done, total, elapsed)} — ingested ${String(ingested)}, broken ${String(broken)}, tagged ${String(tagged)}, failed ${String(failed)}`,
            );
          }
        }, options.progress.everyMs)
      : undefined;
  ticker?.unref();
  let unavailable: ReadonlyMap<EngineId, string> = new Map();
  let result;
  try {
    result = await runLibraryOnce({
      db,
      dataRoot: ctx.paths.root,
      log: ctx.log,
      folders,
      onScanned: (report) => {
        if (!report.online)
          options.print(
            `${report.folderPath} is offline: ${report.offlineReason ?? 'not reachable'} (its photos stay in the catalog)`,
          );
      },
      engines: async () => {
        const engineSet = await createCliEngineSet(ctx, options.engines);
        unavailable = engineSet.unavailable;
        for (const [id, reason] of engineSet.unavailable)
          options.print(`Engine ${id} is not available: ${reason}`);
        total = openJobs();
        counting = true;
        return engineSet;
      },
      onEvent,
    });
  } finally {
    clearInterval(ticker);
    bar?.finish();
  }
  // [Note: Shared job queue]: jobs another Tujian holds stay its own, and finish there.
  for (const { holder, jobs } of jobsHeldElsewhere(db))
    options.print(
      `${String(jobs)} job(s) are running in another Tujian (${holder}); they finish there.`,
    );
  if (result.diskFull !== null) options.print(result.diskFull);
  printSidecarTotals(db, result.sidecars, options.print);
  const topTags = listTopTags(db, 15);
  return {
    scans: result.scans,
    ingested,
    broken,
    skipped,
    tagged,
    failed,
    stoppedEngines: Object.fromEntries(result.stoppedEngines),
    unavailableEngines: Object.fromEntries(unavailable),
    diskFull: result.diskFull,
    topTags,
    durationMs: Date.now() - started,
  };
}

export function printIndexSummary(summary: IndexSummary, print: (line: string) => void): void {
  for (const s of summary.scans) {
    print(
      `${s.folderPath}: ${String(s.seen)} image files — ${String(s.added)} new, ${String(s.changed)} changed, ${String(s.unchanged)} unchanged, ${String(s.missing)} missing, ${String(s.skipped)} skipped, ${String(s.errors)} unreadable${s.linksNotFollowed > 0 ? `, ${String(s.linksNotFollowed)} folder links not followed` : ''}`,
    );
    for (const p of s.problems.slice(0, 10)) print(`  ${p.relPath}: ${p.reason}`);
  }
  print(
    `Ingested ${String(summary.ingested)}, broken ${String(summary.broken)}, skipped ${String(summary.skipped)}, tagged ${String(summary.tagged)}, failed ${String(summary.failed)} in ${(summary.durationMs / 1000).toFixed(1)} s`,
  );
  if (summary.topTags.length > 0) {
    print(
      `Top tags: ${summary.topTags.map((t) => `${t.zh}/${t.en} (${String(t.photos)})`).join(', ')}`,
    );
  }
  if (summary.broken > 0 || summary.skipped > 0 || summary.failed > 0) {
    print('Details: tujian failures');
  }
}

export const indexCommand: CliCommand = {
  name: 'index',
  summary: 'Scan folders (all, or the one named — added if new), ingest new photos and tag them',
  usage:
    'tujian index [folder] [--engine local,huawei,volcengine,aliyun,tencent,baidu] [--follow-outside-links] [--progress-seconds N] [--json]',
  options: {
    engine: { type: 'string' },
    'follow-outside-links': { type: 'boolean' },
    'progress-seconds': { type: 'string' },
  },
  async run(inv) {
    const engines = parseEngines(inv, 'engine');
    const secondsText = inv.values['progress-seconds'];
    const progressSeconds = typeof secondsText === 'string' ? Number(secondsText) : 5;
    if (!Number.isFinite(progressSeconds) || progressSeconds <= 0)
      throw new UsageError('--progress-seconds must be a positive number');
    const json = inv.global.json;
    const [path] = inv.positionals;
    // Without a folder to add there is nothing to start a catalog with: a data folder with no
    // catalog is then a mistyped --data ([Note: Only some commands create a catalog]).
    const ctx = openCliContext(inv, { create: path !== undefined });
    try {
      const folders = path ? [findOrAddFolder(ctx.db, path).folder] : listFolders(ctx.db);
      if (folders.length === 0)
        throw new UsageError('no folders yet: name one, e.g. tujian index ~/Pictures');
      applyLinkOption(inv, ctx.db, folders);
      const summary = await runIndex(ctx, folders, {
        ...(engines ? { engines } : {}),
        // --json keeps stdout one JSON document: its progress goes to stderr as JSON lines.
        progress: {
          bar: !json,
          lines: json
            ? (line) => inv.io.stderr.write(`${line}\n`)
            : (line) => {
                inv.io.print(line);
              },
          json,
          everyMs: progressSeconds * 1000,
        },
        print: inv.io.print,
      });
      if (inv.global.json) inv.io.printJson(summary);
      else printIndexSummary(summary, inv.io.print);
      if (
        summary.diskFull !== null ||
        Object.keys(summary.stoppedEngines).length > 0 ||
        Object.keys(summary.unavailableEngines).length > 0
      ) {
        return ExitCode.failure;
      }
      // Partial: some photo this run was to ingest or tag was not (broken, skipped or failed).
      return summary.broken > 0 || summary.skipped > 0 || summary.failed > 0
        ? ExitCode.partial
        : ExitCode.ok;
    } finally {
      ctx.close();
    }
  },
};
