// Benchmark: latency from a photo file finishing writing (its last byte written and the file
// closed) to (a) its row in the catalog and (b) that row ingested (`ok`, thumbnail and preview
// written), with the real watcher (chokidar, awaitWriteFinish 300 ms, 100 ms batches) on a
// temporary folder. Photos are the 12 MP JPEGs of bench/ingest (generated once if missing),
// copied in one at a time. Target: p50 of (a) < 1 s.
// Usage: npm run bench:watch -- [--n 30] [--gap 400]
// The last line printed is one JSON object.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir, ensurePhotos } from './bench-photos.ts';
import { openCatalog } from '../main/catalog/catalog-connection.ts';
import { addFolder } from '../main/catalog/folders.ts';
import { watchLibrary } from '../main/library/folder-watcher.ts';
import { createIngestPool } from '../main/library/ingest-pool.ts';
import { silentLog } from '../main/library/library-deps.ts';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '30' },
    gap: { type: 'string', default: '400' },
  },
});
const count = Number(args.n);
const gapMs = Number(args.gap);

await ensurePhotos(defaultCacheDir, count);
const sources = readdirSync(defaultCacheDir)
  .filter((name) => name.endsWith('.jpg'))
  .sort()
  .slice(0, count)
  .map((name) => readFileSync(join(defaultCacheDir, name)));

const work = mkdtempSync(join(tmpdir(), 'tujian-bench-watch-'));
const photos = join(work, 'photos');
mkdirSync(photos);
const dataRoot = join(work, 'data');
const db = openCatalog(join(dataRoot, 'catalog.sqlite'));
const folder = addFolder(db, photos);
const pool = createIngestPool({ db, dataRoot, log: silentLog });
const watcher = watchLibrary(
  {
    db,
    log: silentLog,
    enqueueIngest: (id) => {
      pool.enqueue(id);
    },
  },
  { reconcileIntervalMs: 3_600_000 },
);
await watcher.ready;

const rowQuery = db.prepare('SELECT status FROM photos WHERE folder_id = ? AND rel_path = ?');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const toRow: number[] = [];
const toIngested: number[] = [];
try {
  for (const [i, bytes] of sources.entries()) {
    const name = `new-${String(i).padStart(4, '0')}.jpg`;
    writeFileSync(join(photos, name), bytes);
    const finished = performance.now();
    let rowAt: number | undefined;
    for (;;) {
      const row = rowQuery.get(folder.id, name) as { status: string } | undefined;
      if (row && rowAt === undefined) rowAt = performance.now();
      if (row?.status === 'ok') break;
      if (row && row.status !== 'pending') throw new Error(`${name} ended ${row.status}`);
      if (performance.now() - finished > 30_000) throw new Error(`${name} never arrived`);
      await sleep(5);
    }
    toRow.push((rowAt ?? performance.now()) - finished);
    toIngested.push(performance.now() - finished);
    await sleep(gapMs);
  }
} finally {
  await watcher.close();
  await pool.drain();
  db.close();
  rmSync(work, { recursive: true, force: true });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index] ?? NaN);
}

console.log(
  JSON.stringify({
    bench: 'watch',
    files: sources.length,
    photo: '12 MP JPEG, ~3.6 MB',
    rowMs: { p50: percentile(toRow, 50), p90: percentile(toRow, 90), max: percentile(toRow, 100) },
    ingestedMs: {
      p50: percentile(toIngested, 50),
      p90: percentile(toIngested, 90),
      max: percentile(toIngested, 100),
    },
    settings: { awaitWriteFinishMs: 300, batchDebounceMs: 100 },
    target: 'rowMs.p50 < 1000',
    loadAverage1m: Number(loadavg()[0]?.toFixed(1)),
  }),
);
