// Temporary files a killed Tujian left in the data folder (issue 12 item 4), with real
// processes: a child that has ended (its pid is dead) and a child that keeps running (its pid is
// live, as another Tujian writing a preview right now would be).
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepStaleTempFiles } from '../../main/library/abandoned-work.ts';
import { tempFileWriterPid } from '../../main/util/temp-file-name.ts';
import { previewPath, thumbnailPath } from '../../main/library/library-files.ts';

const run = promisify(execFile);
let root: string;
let dataRoot: string;
let live: ChildProcess;
let deadPid: number;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-sweep-'));
  dataRoot = join(root, 'data');
  mkdirSync(dataRoot, { recursive: true });
  deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
  live = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
});
afterEach(() => {
  live.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** Leftovers as the writers name them: renditions (writeAtomically) and the secrets file. */
function plantTempFiles(): { dead: string[]; kept: string[] } {
  const hash = 'cd'.repeat(32);
  const livePid = String(live.pid);
  const dead = [
    `${previewPath(dataRoot, hash)}.${String(deadPid)}-k3j9x.tmp`,
    `${thumbnailPath(dataRoot, hash)}.${String(deadPid)}-a1.tmp`,
    join(dataRoot, `secrets.json.${String(deadPid)}.tmp`),
  ];
  const kept = [
    `${previewPath(dataRoot, hash)}.${livePid}-zz9.tmp`,
    previewPath(dataRoot, hash),
    join(dataRoot, 'notes.tmp'),
  ];
  for (const path of [...dead, ...kept]) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'x');
  }
  return { dead, kept };
}

describe(sweepStaleTempFiles.name, () => {
  it("removes the temporary files of writers that ended and keeps a live writer's", async () => {
    const { dead, kept } = plantTempFiles();
    const report = await sweepStaleTempFiles(dataRoot);
    expect([...report.removed].sort()).toEqual([...dead].sort());
    expect(report.kept).toBe(1);
    for (const path of dead) expect(existsSync(path)).toBe(false);
    for (const path of kept) expect(existsSync(path)).toBe(true);
  });

  it('is a no-op on a data folder without renditions yet', async () => {
    expect(await sweepStaleTempFiles(join(root, 'no-such-data'))).toEqual({ removed: [], kept: 0 });
  });

  it('runs when `tujian index` starts', async () => {
    const photos = join(root, 'photos');
    mkdirSync(photos);
    const tujian = (...args: string[]) =>
      run(process.execPath, ['bin/tujian.js', ...args, '--data', dataRoot], {
        cwd: join(import.meta.dirname, '..', '..'),
      });
    await tujian('add', photos, '--engines', 'local');
    const { dead, kept } = plantTempFiles();
    await tujian('index');
    for (const path of dead) expect(existsSync(path)).toBe(false);
    for (const path of kept) expect(existsSync(path)).toBe(true);
  }, 60_000);
});

describe(tempFileWriterPid.name, () => {
  it('reads the pid only from names our writers give', () => {
    expect(tempFileWriterPid('ab.webp.1234-x9z.tmp')).toBe(1234);
    expect(tempFileWriterPid('secrets.json.77.tmp')).toBe(77);
    expect(tempFileWriterPid('notes.tmp')).toBeUndefined();
    expect(tempFileWriterPid('ab.webp')).toBeUndefined();
  });
});
