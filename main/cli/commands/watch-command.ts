// `tujian watch`: keeps every folder watched, ingesting and tagging as photos arrive, until
// Ctrl-C (which drains the jobs in flight so nothing is half-done).
import { listFolders } from '../../catalog/folders.ts';
import { enqueueIngest } from '../../jobs/job-queue.ts';
import { enqueueMissingTagging } from '../../jobs/job-runner.ts';
import { recoverAbandonedWork } from '../../library/abandoned-work.ts';
import { watchLibrary } from '../../library/folder-watcher.ts';
import { createLibraryJobRunner } from '../../library/library-job-runner.ts';
import type { CliCommand } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { startCliSidecars } from '../cli-sidecars.ts';
import { createCliEngineSet } from '../cli-engines.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';

export const watchCommand: CliCommand = {
  name: 'watch',
  summary:
    'Watch every folder and ingest + tag new or changed photos as they arrive (Ctrl-C stops)',
  usage: 'tujian watch [--reconcile-minutes N] [--poll]',
  options: { 'reconcile-minutes': { type: 'string' }, poll: { type: 'boolean', default: false } },
  async run(inv) {
    const minutesText = inv.values['reconcile-minutes'];
    const minutes = typeof minutesText === 'string' ? Number(minutesText) : 10;
    if (!Number.isFinite(minutes) || minutes <= 0)
      throw new UsageError('--reconcile-minutes must be a positive number');
    const ctx = openCliContext(inv);
    const { db } = ctx;
    if (listFolders(db).length === 0) {
      ctx.close();
      throw new UsageError('no folders yet: add one with "tujian add <folder>"');
    }
    const swept = recoverAbandonedWork(db, ctx.paths.root, ctx.log);
    const engineSet = await createCliEngineSet(ctx);
    const counts = { ingested: 0, broken: 0, tagged: 0, failed: 0 };
    const { runner, close: closeIngest } = createLibraryJobRunner({
      db,
      dataRoot: ctx.paths.root,
      log: ctx.log,
      engineSet,
      onEvent: (event) => {
        if (event.type === 'engine-stopped')
          inv.io.print(`Engine ${event.engine} stopped: ${event.reason}`);
        if (
          event.type !== 'job-finished' ||
          event.outcome === 'waiting' ||
          event.outcome === 'retry'
        )
          return;
        if (event.kind === 'ingest') counts[event.outcome === 'done' ? 'ingested' : 'broken']++;
        else counts[event.outcome === 'done' ? 'tagged' : 'failed']++;
        inv.io.print(
          `ingested ${String(counts.ingested)}, broken ${String(counts.broken)}, tagged ${String(counts.tagged)}, failed ${String(counts.failed)}`,
        );
      },
    });
    enqueueMissingTagging(db, engineSet.engines);
    runner.start();
    // XMP sidecars follow tag changes (from here or any other process) when writing is on.
    const sidecars = startCliSidecars(db, ctx.log, { poll: true });
    const watcher = watchLibrary(
      {
        db,
        log: ctx.log,
        enqueueIngest: (photoId) => {
          enqueueIngest(db, photoId);
          runner.wake();
        },
      },
      { reconcileIntervalMs: minutes * 60_000, usePolling: inv.values.poll === true },
    );
    const reports = await watcher.ready;
    runner.wake();
    inv.io.print(
      `Watching ${String(watcher.watchedFolderIds().length)} folder(s) (${String(reports.filter((r) => !r.online).length)} offline); reconcile every ${String(minutes)} min. Ctrl-C stops.`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    inv.io.print('Stopping: finishing the jobs in flight…');
    await watcher.close();
    await runner.drain();
    await engineSet.close();
    await closeIngest();
    await swept;
    await sidecars.finish(inv.io.print, { maxMs: 10_000 });
    ctx.close();
    if (inv.global.json) inv.io.printJson(counts);
    return ExitCode.ok;
  },
};
