// `tujian index` as scripts and CI jobs run it: a real child process whose stdout is a pipe,
// on a temporary data folder and real photos (../shared/samples). The full-disk case runs on a
// real size-limited folder (a tmpfs; skipped where it cannot be mounted — the runner's own test
// injects the same errors).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexCommand } from '../../../main/cli/commands/library-commands.ts';
import {
  canMountSmallDisk,
  fillDisk,
  mountSmallDisk,
  unmountSmallDisk,
} from '../../library/small-disk.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const samples = join(repo, '..', 'shared', 'samples', 'photos');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** When each stdout line arrived, in ms since the start. */
  readonly lineTimes: { line: string; at: number }[];
  readonly endedAt: number;
}

function tujian(args: string[]): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['bin/tujian.js', ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const lineTimes: { line: string; at: number }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const line of chunk.toString().split('\n'))
      if (line) lineTimes.push({ line, at: Date.now() - started });
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout, stderr, lineTimes, endedAt: Date.now() - started });
    });
  });
}

let root: string;
let photos: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-index-'));
  photos = join(root, 'photos');
  mkdirSync(photos);
  for (const name of readdirSync(samples)) copyFileSync(join(samples, name), join(photos, name));
});
afterEach(() => {
  unmountSmallDisk(join(root, 'data'));
  rmSync(root, { recursive: true, force: true });
});

if (!canMountSmallDisk) console.warn('full-disk test skipped: a tmpfs cannot be mounted here');

describe(indexCommand.run.name, () => {
  it('prints a progress line every few seconds while stdout is a pipe', async () => {
    const data = join(root, 'data');
    const run = await tujian([
      'index',
      photos,
      '--engine',
      'local',
      '--progress-seconds',
      '0.2',
      '--data',
      data,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summaryAt = run.lineTimes.find((l) => l.line.startsWith('Ingested '))?.at;
    const progress = run.lineTimes.filter((l) => /^progress: \d+\/\d+ /.test(l.line));
    expect(progress.length).toBeGreaterThan(0);
    // Printed while the run went on, not with the summary at the end.
    expect(progress[0]?.at ?? Infinity).toBeLessThan(summaryAt ?? 0);
  }, 180_000);

  it('with --json, writes progress as JSON lines on stderr and keeps stdout one document', async () => {
    const data = join(root, 'data');
    const run = await tujian([
      'index',
      photos,
      '--engine',
      'local',
      '--progress-seconds',
      '0.2',
      '--json',
      '--data',
      data,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { ingested: number; diskFull: string | null };
    expect(summary.ingested).toBe(readdirSync(photos).length);
    expect(summary.diskFull).toBeNull();
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('{"progress"'));
    expect(lines.length).toBeGreaterThan(0);
    const first = JSON.parse(lines[0] ?? '') as { progress: { done: number; total: number } };
    expect(first.progress.total).toBeGreaterThanOrEqual(first.progress.done);
  }, 180_000);

  it.skipIf(!canMountSmallDisk)(
    'ends on a full data disk with one line, the summary and exit 1, and loses nothing',
    async () => {
      const data = join(root, 'data');
      expect(mountSmallDisk(data, 4 * 1_048_576)).toBe(true);
      // The catalog first, then the disk filled to 300 KB: room to open the catalog (its WAL index needs 32 KB), not for the previews.
      const added = await tujian(['add', photos, '--data', data]);
      expect(added.code, added.stderr).toBe(0);
      const filler = fillDisk(data, 300 * 1024);
      const full = await tujian(['index', '--engine', 'local', '--data', data]);
      expect(full.code, full.stdout + full.stderr).toBe(1);
      expect(full.stdout).toMatch(/^the data folder's disk is full: \d+ MB free/m);
      expect(full.stdout).toMatch(/^Ingested \d+, broken 0, skipped 0, tagged \d+, failed 0/m);
      expect(full.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(full.stderr).not.toMatch(/broken: /);

      // Room again: the same photos are ingested and tagged, none was marked broken.
      rmSync(filler);
      const again = await tujian(['index', '--engine', 'local', '--json', '--data', data]);
      expect(again.code, again.stderr).toBe(0);
      const status = await tujian(['status', '--json', '--data', data]);
      expect(status.code, status.stderr).toBe(0);
      const counts = JSON.parse(status.stdout) as {
        folders: { ok: number; broken: number; pending: number }[];
      };
      expect(counts.folders).toEqual([
        expect.objectContaining({ ok: readdirSync(photos).length, broken: 0, pending: 0 }),
      ]);
    },
    180_000,
  );
});
