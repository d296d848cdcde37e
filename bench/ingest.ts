// Benchmark: ingest end to end (scan, sha256, EXIF, thumbnail + preview, catalog rows) against
// `vipsthumbnail` (Debian libvips-tools) producing the same two WebP sizes from the same files
// in the same run. Both arms use both cores: Tujian ingests 2 photos at a time (sharp's
// libvips threads per photo at its default), vipsthumbnail runs as 2 parallel processes each
// given half the files (libvips threads at its default).
// Usage: npm run bench:ingest -- [--n 500] [--dir FOLDER] [--cache DIR] [--concurrency 2] [--rounds 2]
// The last line printed is one JSON object.
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir, ensurePhotos, height, width } from './bench-photos.ts';
import { openCatalog } from '../main/catalog/catalog-connection.ts';
import { addFolder } from '../main/catalog/folders.ts';
import { scanFolder } from '../main/library/folder-scanner.ts';
import { createIngestPool } from '../main/library/ingest-pool.ts';
import { silentLog } from '../main/library/library-deps.ts';
import { classifyFile } from '../main/library/library-files.ts';
import { defaultRenditionOptions } from '../main/imaging/image-renditions.ts';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    dir: { type: 'string' },
    cache: { type: 'string', default: defaultCacheDir },
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '2' },
  },
});
const count = Number(args.n);
const concurrency = Number(args.concurrency);
const rounds = Math.max(1, Number(args.rounds));

function listPhotos(dir: string, n: number): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (found.length >= n) return;
      const path = join(d, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.')) walk(path);
      else if (
        (entry.isFile() || entry.isSymbolicLink()) &&
        classifyFile(entry.name).kind === 'image'
      )
        found.push(path);
    }
  };
  walk(dir);
  return found.sort().slice(0, n);
}

function run(command: string, argv: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolveRun();
      else reject(new Error(`${command} exited ${String(code)}: ${stderr.slice(0, 500)}`));
    });
  });
}

async function vipsArm(files: string[], outDir: string): Promise<number> {
  const processes = 2;
  const { thumbnailSize, previewSize, quality, effort } = defaultRenditionOptions;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: processes }, async (_, p) => {
      const mine = files.filter((_, i) => i % processes === p);
      if (mine.length === 0) return;
      const out = join(outDir, `p${String(p)}`);
      mkdirSync(out, { recursive: true });
      await run('vipsthumbnail', [
        '-s',
        String(previewSize),
        '-o',
        `${out}/%s-preview.webp[Q=${String(quality)},effort=${String(effort)},strip]`,
        ...mine,
      ]);
      await run('vipsthumbnail', [
        '-s',
        String(thumbnailSize),
        '-o',
        `${out}/%s-thumb.webp[Q=${String(quality)},effort=${String(effort)},strip]`,
        ...mine,
      ]);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function tujianArm(
  folder: string,
  work: string,
): Promise<{ seconds: number; ok: number; other: number; peakRssMB: number }> {
  const dataRoot = join(work, 'data');
  mkdirSync(work, { recursive: true });
  const db = openCatalog(join(dataRoot, 'catalog.sqlite'));
  const added = addFolder(db, folder);
  const pool = createIngestPool({ db, dataRoot, log: silentLog }, { concurrency });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  await scanFolder(
    {
      db,
      log: silentLog,
      enqueueIngest: (id) => {
        pool.enqueue(id);
      },
    },
    added.id,
  );
  await pool.drain();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (pool.failures.length > 0) throw pool.failures[0] as Error;
  const ok = pool.outcomes.filter((o) => o.status === 'ok').length;
  db.close();
  return { seconds, ok, other: pool.outcomes.length - ok, peakRssMB: Math.round(peak / 2 ** 20) };
}

const source = resolve(args.dir ?? args.cache);
if (!args.dir) await ensurePhotos(source, count);
const work = mkdtempSync(join(tmpdir(), 'tujian-bench-ingest-'));
mkdirSync(work, { recursive: true });
let folder = source;
if (!args.dir && readdirSync(source).length > count) {
  // The cache may hold more photos than asked for: link the first N into their own folder.
  folder = join(work, 'photos');
  mkdirSync(folder);
  for (const file of listPhotos(source, count))
    symlinkSync(file, join(folder, file.slice(source.length + 1)));
}
const files = listPhotos(folder, count);
if (files.length === 0) throw new Error(`No photos in ${folder}`);
// Both arms read from the page cache: read every file once before timing.
// A fixed small buffer, so the warm-up does not inflate this process's peak RSS.
let bytes = 0;
const scratch = Buffer.allocUnsafe(1 << 20);
for (const file of files) {
  const fd = openSync(file, 'r');
  for (let read = 1; read > 0;) {
    read = readSync(fd, scratch, 0, scratch.length, null);
    bytes += read;
  }
  closeSync(fd);
}

try {
  // Arms alternate, `rounds` times each, and each keeps its best round: the machine is shared,
  // so a burst of other work during one arm should not decide the ratio.
  const vipsRuns: number[] = [];
  const tujianRuns: Awaited<ReturnType<typeof tujianArm>>[] = [];
  for (let round = 0; round < rounds; round++) {
    vipsRuns.push(await vipsArm(files, join(work, `vips-${String(round)}`)));
    tujianRuns.push(await tujianArm(folder, join(work, `tujian-${String(round)}`)));
  }
  const vipsSeconds = Math.min(...vipsRuns);
  const tujian = tujianRuns.reduce((best, run) => (run.seconds < best.seconds ? run : best));
  const tujianRate = files.length / tujian.seconds;
  const vipsRate = files.length / vipsSeconds;
  const result = {
    bench: 'ingest',
    photos: files.length,
    source: args.dir ? folder : `generated ${String(width)}x${String(height)} JPEG q90 with EXIF`,
    averageMB: Number((bytes / files.length / 2 ** 20).toFixed(2)),
    cores: cpus().length,
    sizes: {
      thumbnail: defaultRenditionOptions.thumbnailSize,
      preview: defaultRenditionOptions.previewSize,
      format: `webp q${String(defaultRenditionOptions.quality)} effort ${String(defaultRenditionOptions.effort)}`,
    },
    tujian: {
      photosPerSecond: Number(tujianRate.toFixed(2)),
      seconds: Number(tujian.seconds.toFixed(2)),
      rounds: tujianRuns.map((run) => Number(run.seconds.toFixed(2))),
      ok: tujian.ok,
      notOk: tujian.other,
      how: `scan + ingest (sha256, EXIF, one decode → both renditions, catalog rows), ${String(concurrency)} photos at a time in one process`,
    },
    vipsthumbnail: {
      photosPerSecond: Number(vipsRate.toFixed(2)),
      seconds: Number(vipsSeconds.toFixed(2)),
      rounds: vipsRuns.map((seconds) => Number(seconds.toFixed(2))),
      how: '2 parallel vipsthumbnail processes, each over half the files, one run per size (320 and 1600)',
    },
    ratio: Number((tujianRate / vipsRate).toFixed(3)),
    target: 0.8,
    peakRssMB: Math.max(...tujianRuns.map((run) => run.peakRssMB)),
    loadAverage1m: Number(loadavg()[0]?.toFixed(1)),
  };
  console.log(JSON.stringify(result));
} finally {
  rmSync(work, { recursive: true, force: true });
}
