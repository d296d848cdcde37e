// Issue 12 as a user meets it: the real `bin/tujian.js` in child processes on a temporary data
// folder. A photo queued while work is paused and then replaced by a named pipe must not hang
// `tujian index` (nor any later run); folder links leading outside the added folder are not
// followed unless the user opts in, and the summary says so. Each run has a timeout, so a
// hang fails the test instead of stalling the suite.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexCommand } from '../../main/cli/commands/library-commands.ts';
import { makeFifo, unblockFifo } from '../util/fifo-fixtures.ts';

const run = promisify(execFile);
const runTimeoutMs = 60_000;
let root: string;
let photos: string;
let data: string;

async function tujian(
  ...args: string[]
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['bin/tujian.js', ...args, '--data', data],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        maxBuffer: 10 * 1024 * 1024,
        // A run waiting on a pipe for ever is killed here and shows up as a failed assertion.
        timeout: runTimeoutMs,
        killSignal: 'SIGKILL',
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as {
      code: number | null;
      signal: string | null;
      stdout: string;
      stderr: string;
    };
    return { code: e.code ?? `killed by ${e.signal ?? '?'}`, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-cli-hostile-'));
  photos = join(root, 'photos');
  data = join(root, 'data');
  mkdirSync(photos);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe(indexCommand.name, () => {
  it(
    'finishes, now and in later runs, when a queued photo was replaced by a named pipe',
    async () => {
      const photo = join(photos, 'queued.jpg');
      await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } })
        .jpeg()
        .toFile(photo);
      expect((await tujian('pause')).code).toBe(0);
      const queued = await tujian('index', photos);
      expect(queued.code).toBe(0);
      expect(queued.stdout).toMatch(/1 new/);

      rmSync(photo);
      makeFifo(photo);
      try {
        expect((await tujian('resume')).code).toBe(0);
        const first = await tujian('index');
        expect(first.code).toBe(3); // finished; the queued photo was skipped, not ingested
        expect(first.stdout).toMatch(
          /queued\.jpg: Not a regular file: this is a named pipe \(FIFO\)/,
        );
        expect(first.stdout).toMatch(/Ingested 0, broken 0, skipped 1/);
        // Every later run too (the job is done; the scan lists the pipe as skipped again).
        const second = await tujian('index');
        expect(second.code).toBe(0);
        expect(second.stdout).toMatch(/named pipe/);
        const status = await tujian('status');
        expect(status.stdout).toMatch(/broken 0, skipped 1/);
      } finally {
        unblockFifo(photo);
      }
    },
    4 * runTimeoutMs,
  );

  it(
    'counts a photo ingest skipped as skipped, not broken, agreeing with status',
    async () => {
      writeFileSync(join(photos, 'notes.jpg'), 'a text file with a photo name');
      await sharp({ create: { width: 64, height: 48, channels: 3, background: '#33c' } })
        .jpeg()
        .toFile(join(photos, 'real.jpg'));
      const run = await tujian('index', photos, '--engine', 'local');
      expect(run.stdout).toMatch(/Ingested 1, broken 0, skipped 1,/);
      const status = await tujian('status');
      expect(status.stdout).toMatch(/ok 1, broken 0, skipped 1,/);
    },
    4 * runTimeoutMs,
  );

  it(
    'does not follow a folder link leading outside the added folder unless told to, then always',
    async () => {
      const outside = join(root, 'outside');
      mkdirSync(outside);
      await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3c3' } })
        .jpeg()
        .toFile(join(outside, 'far.jpg'));
      symlinkSync(outside, join(photos, 'link'));

      const closed = await tujian('index', photos, '--engine', 'local');
      expect(closed.code).toBe(0);
      expect(closed.stdout).toMatch(/0 image files .* 0 unreadable, 1 folder links not followed/);
      expect(closed.stdout).toMatch(
        /link: Link to .*outside.* outside the added folder; not followed/,
      );

      const opted = await tujian('index', photos, '--follow-outside-links', '--engine', 'local');
      expect(opted.code).toBe(0);
      expect(opted.stdout).toMatch(/1 image files — 1 new/);
      // Stored with the folder: a plain later run still follows it.
      const later = await tujian('index');
      expect(later.stdout).toMatch(/1 image files — 0 new, 0 changed, 1 unchanged/);
      expect(later.stdout).not.toMatch(/not followed/);
    },
    4 * runTimeoutMs,
  );
});
