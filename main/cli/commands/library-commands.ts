// CLI commands that change the library: add, index (scan + ingest + tag), demo.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Catalog } from '../../catalog/catalog-connection.ts';
import { addFolder, type Folder, listFolders } from '../../catalog/folders.ts';
import { EngineId } from '../../engines/tag-model.ts';
import { countJobs, enqueueIngest, jobsHeldElsewhere } from '../../jobs/job-queue.ts';
import { enqueueMissingTagging, type RunnerEvent } from '../../jobs/job-runner.ts';
import { recoverAbandonedWork } from '../../library/abandoned-work.ts';
import { scanFolder, type ScanReport } from '../../library/folder-scanner.ts';
import type { LibraryLog } from '../../library/library-deps.ts';
import { createLibraryJobRunner } from '../../library/library-job-runner.ts';
import type { Logger } from '../../util/logger.ts';
import { type CliCommand, type CliInvocation, listOption } from '../cli-command.ts';
import { type CliContext, openCliContext } from '../cli-context.ts';
import { startCliSidecars } from '../cli-sidecars.ts';
import { createCliEngineSet } from '../cli-engines.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { createProgressBar } from '../progress-bar.ts';

function libraryLog(log: Logger): LibraryLog {
  return {
    info: (m) => {
      log.info(m);
    },
    warn: (m) => {
      log.warn(m);
    },
  };
}

function parseEngines(inv: CliInvocation, option: string): EngineId[] | undefined {
  const names = listOption(inv, option);
  if (names.length === 0) return undefined;
  return names.map((name) => {
    const parsed = EngineId.safeParse(name);
    if (!parsed.success)
      throw new UsageError(`unknown engine "${name}" (local, huawei, volcengine, aliyun)`);
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

export const addCommand: CliCommand = {
  name: 'add',
  summary: 'Add a photo folder to the library (engines default to the on-device engine)',
  usage: 'tujian add <folder> [--engines local,huawei,…]',
  options: { engines: { type: 'string' } },
  run(inv) {
    const [path] = inv.positionals;
    if (!path) throw new UsageError('name a folder');
    const engines = parseEngines(inv, 'engines');
    const ctx = openCliContext(inv, { create: true });
    try {
      const { folder, added } = findOrAddFolder(ctx.db, path, engines);
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
  readonly tagged: number;
  readonly failed: number;
  readonly stoppedEngines: Record<string, string>;
  readonly unavailableEngines: Record<string, string>;
  readonly topTags: { zh: string; en: string; photos: number }[];
  readonly durationMs: number;
}

/** Scan the folders, then ingest and tag until the queue is idle. */
export async function runIndex(
  ctx: CliContext,
  folders: readonly Folder[],
  options: { engines?: readonly EngineId[]; progress: boolean; print: (line: string) => void },
): Promise<IndexSummary> {
  const started = Date.now();
  const { db } = ctx;
  const log = libraryLog(ctx.log);
  await recoverAbandonedWork(db, ctx.paths.root, log);
  const scans: ScanReport[] = [];
  for (const folder of folders) {
    const report = await scanFolder(
      {
        db,
        log,
        enqueueIngest: (id) => {
          enqueueIngest(db, id);
        },
      },
      folder.id,
    );
    scans.push(report);
    if (!report.online)
      options.print(
        `${folder.path} is offline: ${report.offlineReason ?? 'not reachable'} (its photos stay in the catalog)`,
      );
  }
  const engineSet = await createCliEngineSet(ctx, options.engines);
  for (const [id, reason] of engineSet.unavailable)
    options.print(`Engine ${id} is not available: ${reason}`);
  enqueueMissingTagging(db, engineSet.engines);
  let ingested = 0;
  let broken = 0;
  let tagged = 0;
  let failed = 0;
  const bar = options.progress ? createProgressBar() : undefined;
  const initialOpen = () => countJobs(db).reduce((n, c) => n + c.queued + c.running, 0);
  let total = initialOpen();
  let done = 0;
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
      else broken++;
    } else if (event.outcome === 'done') tagged++;
    else failed++;
    total = Math.max(total, done + initialOpen());
    bar?.update(done, total, event.kind === 'ingest' ? 'ingest' : `tag:${event.engine ?? ''}`);
  };
  const { runner, close: closeIngest } = createLibraryJobRunner({
    db,
    dataRoot: ctx.paths.root,
    log: ctx.log,
    engineSet,
    onEvent,
  });
  // XMP sidecars of what gets tagged, while tagging and the rest at the end (when enabled).
  const sidecars = startCliSidecars(db, log, { poll: true });
  try {
    await runner.runUntilIdle();
  } finally {
    bar?.finish();
    // [Note: Shared job queue]: jobs another Tujian holds stay its own, and finish there.
    for (const { holder, jobs } of jobsHeldElsewhere(db))
      options.print(
        `${String(jobs)} job(s) are running in another Tujian (${holder}); they finish there.`,
      );
    await engineSet.close();
    await closeIngest();
    await sidecars.finish(options.print);
  }
  const topTags = db
    .prepare<[], { zh: string; en: string; photos: number }>(
      `SELECT t.zh, t.en, COUNT(DISTINCT p.id) AS photos FROM tags t
       JOIN photo_tags pt ON pt.tag_id = t.id AND pt.state != 'rejected'
       JOIN photos p ON p.content_id = pt.content_id
       GROUP BY t.id ORDER BY photos DESC, t.name LIMIT 15`,
    )
    .all();
  return {
    scans,
    ingested,
    broken,
    tagged,
    failed,
    stoppedEngines: Object.fromEntries(runner.stoppedEngines()),
    unavailableEngines: Object.fromEntries(engineSet.unavailable),
    topTags,
    durationMs: Date.now() - started,
  };
}

export function printIndexSummary(summary: IndexSummary, print: (line: string) => void): void {
  for (const s of summary.scans) {
    print(
      `${s.folderPath}: ${String(s.seen)} image files — ${String(s.added)} new, ${String(s.changed)} changed, ${String(s.unchanged)} unchanged, ${String(s.missing)} missing, ${String(s.skipped)} unsupported, ${String(s.errors)} unreadable`,
    );
    for (const p of s.problems.slice(0, 10)) print(`  ${p.relPath}: ${p.reason}`);
  }
  print(
    `Ingested ${String(summary.ingested)}, broken ${String(summary.broken)}, tagged ${String(summary.tagged)}, failed ${String(summary.failed)} in ${(summary.durationMs / 1000).toFixed(1)} s`,
  );
  if (summary.topTags.length > 0) {
    print(
      `Top tags: ${summary.topTags.map((t) => `${t.zh}/${t.en} (${String(t.photos)})`).join(', ')}`,
    );
  }
  if (summary.broken > 0 || summary.failed > 0) print('Details: tujian failures');
}

export const indexCommand: CliCommand = {
  name: 'index',
  summary: 'Scan folders (all, or the one named — added if new), ingest new photos and tag them',
  usage: 'tujian index [folder] [--engine local,huawei,volcengine,aliyun] [--json]',
  options: { engine: { type: 'string' } },
  async run(inv) {
    const engines = parseEngines(inv, 'engine');
    const [path] = inv.positionals;
    // Without a folder to add there is nothing to start a catalog with: a data folder with no
    // catalog is then a mistyped --data ([Note: Only some commands create a catalog]).
    const ctx = openCliContext(inv, { create: path !== undefined });
    try {
      const folders = path ? [findOrAddFolder(ctx.db, path).folder] : listFolders(ctx.db);
      if (folders.length === 0)
        throw new UsageError('no folders yet: name one, e.g. tujian index ~/Pictures');
      const summary = await runIndex(ctx, folders, {
        ...(engines ? { engines } : {}),
        progress: !inv.global.json,
        print: inv.io.print,
      });
      if (inv.global.json) inv.io.printJson(summary);
      else printIndexSummary(summary, inv.io.print);
      if (
        Object.keys(summary.stoppedEngines).length > 0 ||
        Object.keys(summary.unavailableEngines).length > 0
      ) {
        return ExitCode.failure;
      }
      return summary.broken > 0 || summary.failed > 0 ? ExitCode.partial : ExitCode.ok;
    } finally {
      ctx.close();
    }
  },
};
