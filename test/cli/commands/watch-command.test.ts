// `tujian watch` stops on one Ctrl-C: a real child process, a real signal. The job in flight
// is an ingest blocked on a FIFO put where a queued photo was (a blocking open waits for a
// writer forever): the bounded drain gives up on it, says so, and the process ends.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { addFolder } from '../../../main/catalog/folders.ts';
import { watchCommand } from '../../../main/cli/commands/watch-command.ts';
import { enqueueIngest } from '../../../main/jobs/job-queue.ts';
import { scanFolder } from '../../../main/library/folder-scanner.ts';
import { silentLog } from '../../../main/library/library-deps.ts';
import { dataPaths } from '../../../main/util/data-dir.ts';
import { makeJpeg } from '../../library/library-fixtures.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-watch-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe(watchCommand.run.name, () => {
  it('ends on one SIGINT within its stop time although a job is stuck', async () => {
    const photos = join(root, 'photos');
    const data = join(root, 'data');
    mkdirSync(photos);
    writeFileSync(join(photos, 'a.jpg'), await makeJpeg());
    // Queue the photo's ingest (as `tujian pause; tujian index` leaves it), then swap in a FIFO.
    const db = openCatalog(dataPaths(data).catalog);
    const folder = addFolder(db, photos);
    await scanFolder(
      {
        db,
        log: silentLog,
        enqueueIngest: (id) => {
          enqueueIngest(db, id);
        },
      },
      folder.id,
    );
    db.close();
    unlinkSync(join(photos, 'a.jpg'));
    execFileSync('mkfifo', [join(photos, 'a.jpg')]);

    const child = spawn(
      process.execPath,
      ['bin/tujian.js', 'watch', '--stop-seconds', '1', '--data', data],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<string>((resolve) =>
      child.on('close', (code, signal) => {
        resolve(signal ?? `exit ${String(code)}`);
      }),
    );
    try {
      // Started: the runner has claimed the queued ingest by the time the start scan is done.
      const deadline = Date.now() + 60_000;
      while (!stdout.includes('Ctrl-C stops') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(stdout, stderr).toContain('Ctrl-C stops');
      const signalledAt = Date.now();
      child.kill('SIGINT');
      const ended = await Promise.race([
        exited,
        new Promise<'still running'>((r) =>
          setTimeout(() => {
            r('still running');
          }, 30_000),
        ),
      ]);
      // Ended by itself: exit 0, or by SIGINT when a file read never returned (the process
      // cannot wait for that thread; see bin's cli-program.ts).
      expect(['exit 0', 'SIGINT'], stdout + stderr).toContain(ended);
      // One signal was enough, and the wait was bounded (1 s of drain, then the exit).
      expect(Date.now() - signalledAt).toBeLessThan(30_000);
      expect(stdout).toContain('Stopping: finishing the jobs in flight');
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
