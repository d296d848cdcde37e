// What a Tujian process that died left behind, cleaned up when another one starts: jobs it
// held (requeued, unless a live process holds them: [Note: Shared job queue] in
// main/catalog/job-queue.ts) and temporary files. Renditions (writeAtomically in library-files.ts)
// and the secrets file (engine-settings.ts) are written to `<name>.<pid>-<random>.tmp` /
// `<name>.<pid>.tmp` and renamed into place; a process killed in between left the temporary
// file behind for ever, and `tujian check` counted it. The files of writers that no longer run
// are removed; a live writer's file is kept, as another Tujian may be writing it right now.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { recoverInterruptedJobs } from '../catalog/job-queue.ts';
import { dataPaths } from '../util/data-dir.ts';
import { isPidRunning } from '../util/process-liveness.ts';
import { tempFileWriterPid } from '../util/temp-file-name.ts';
import type { LibraryLog } from './library-deps.ts';

export interface TempSweepReport {
  /** Removed files (their writer is gone). */
  readonly removed: readonly string[];
  /** Temporary files of writers still running, left alone. */
  readonly kept: number;
}

async function entriesOf(
  dir: string,
): Promise<{ name: string; isFile: boolean; isDir: boolean }[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isFile: e.isFile(), isDir: e.isDirectory() }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Remove the temporary files of dead writers from the data folder: its top level (settings,
 * secrets) and the rendition folders (`thumbnails/ab/`, `previews/ab/`). `isWriterAlive` is
 * the pid check (replaceable in tests). A file another process removes meanwhile is fine.
 */
export async function sweepStaleTempFiles(
  dataRoot: string,
  isWriterAlive: (pid: number) => boolean = isPidRunning,
): Promise<TempSweepReport> {
  const paths = dataPaths(dataRoot);
  const dirs = [paths.root];
  for (const renditions of [paths.thumbnails, paths.previews]) {
    for (const entry of await entriesOf(renditions)) {
      if (entry.isDir) dirs.push(join(renditions, entry.name));
    }
  }
  const removed: string[] = [];
  let kept = 0;
  for (const dir of dirs) {
    for (const entry of await entriesOf(dir)) {
      if (!entry.isFile) continue;
      const pid = tempFileWriterPid(entry.name);
      if (pid === undefined) continue;
      if (pid === process.pid || isWriterAlive(pid)) {
        kept++;
        continue;
      }
      const path = join(dir, entry.name);
      await rm(path, { force: true });
      removed.push(path);
    }
  }
  return { removed, kept };
}

/**
 * What every process that works the library does first: requeue the jobs of processes that
 * died (the jobs of live ones stay theirs: [Note: Shared job queue]) and, in the background
 * (a big library has 512 rendition folders to list), remove the temporary files dead writers
 * left. The promise settles when the sweep is done; it never rejects.
 */
export function recoverAbandonedWork(
  db: Catalog,
  dataRoot: string,
  log: LibraryLog,
): Promise<void> {
  const requeued = recoverInterruptedJobs(db);
  if (requeued > 0)
    log.info(`${String(requeued)} job(s) cut short by a process that ended will run again`);
  return sweepStaleTempFiles(dataRoot).then(
    (report) => {
      if (report.removed.length > 0)
        log.info(
          `removed ${String(report.removed.length)} temporary file(s) left by an interrupted Tujian`,
        );
    },
    (error: unknown) => {
      log.warn(`temporary files not swept: ${String(error)}`);
    },
  );
}
