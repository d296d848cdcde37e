// `tujian watch`: keeps every folder watched, ingesting and tagging as photos arrive, until
// Ctrl-C (which drains the jobs in flight so nothing is half-done).
import { listFolders } from '../../catalog/folders.ts';
import { startLibraryService } from '../../library/library-runtime.ts';
import type { CliCommand } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { printSidecarTotals } from '../cli-sidecars.ts';
import { createCliEngineSet } from '../cli-engines.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';

function positiveNumber(text: unknown, fallback: number, option: string): number {
  const value = typeof text === 'string' ? Number(text) : fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${option} must be a positive number`);
  return value;
}

export const watchCommand: CliCommand = {
  name: 'watch',
  summary:
    'Watch every folder and ingest + tag new or changed photos as they arrive (Ctrl-C stops)',
  usage: 'tujian watch [--reconcile-minutes N] [--stop-seconds N] [--poll]',
  options: {
    'reconcile-minutes': { type: 'string' },
    'stop-seconds': { type: 'string' },
    poll: { type: 'boolean', default: false },
  },
  async run(inv) {
    const minutes = positiveNumber(inv.values['reconcile-minutes'], 10, 'reconcile-minutes');
    // How long Ctrl-C waits for the jobs in flight before the process ends anyway.
    const stopSeconds = positiveNumber(inv.values['stop-seconds'], 10, 'stop-seconds');
    const ctx = openCliContext(inv);
    const { db } = ctx;
    if (listFolders(db).length === 0) {
      ctx.close();
      throw new UsageError('no folders yet: add one with "tujian add <folder>"');
    }
    const engineSet = await createCliEngineSet(ctx);
    const counts = { ingested: 0, broken: 0, tagged: 0, failed: 0 };
    const runtime = startLibraryService({
      db,
      dataRoot: ctx.paths.root,
      log: ctx.log,
      engines: engineSet,
      watch: { reconcileIntervalMs: minutes * 60_000, usePolling: inv.values.poll === true },
      onEvent: (event) => {
        if (event.type === 'engine-stopped')
          inv.io.print(`Engine ${event.engine} stopped: ${event.reason}`);
        // Pause and tell: the runtime takes work again once the disk has room.
        if (event.type === 'halted') inv.io.print(`Paused: ${runtime.diskFull() ?? event.message}`);
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
    // A signal during the start scans stops as well (a slow or stuck scan is no reason to
    // need a second Ctrl-C).
    const stopped = new Promise<string>((resolve) => {
      const stop = (signal: string) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(signal);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const started = await Promise.race([runtime.ready, stopped.then(() => null)]);
    if (started) {
      const watched = runtime.watcher?.watchedFolderIds().length ?? 0;
      inv.io.print(
        `Watching ${String(watched)} folder(s) (${String(started.filter((r) => !r.online).length)} offline); reconcile every ${String(minutes)} min. Ctrl-C stops.`,
      );
      await stopped;
    }
    inv.io.print('Stopping: finishing the jobs in flight…');
    const { settled, sidecars } = await runtime.drain({
      maxMs: stopSeconds * 1000,
      sidecarMaxMs: 10_000,
    });
    if (!settled)
      inv.io.print(
        `Some jobs did not finish within ${String(stopSeconds)} s; they run again at the next start.`,
      );
    printSidecarTotals(db, sidecars, inv.io.print);
    ctx.close();
    if (inv.global.json) inv.io.printJson(counts);
    return ExitCode.ok;
  },
};
