// Benchmark: catalog safety operations on a big catalog — online backup (while another
// connection keeps writing), integrity check, and export of every photo with its tags as CSV
// and JSON. The catalog is synthetic (rows, no image files): these operations read the
// database, so image files would change nothing but setup time.
// Then several writer processes on one data folder (issue 12 item 3): real `tujian index`
// processes overlap on one catalog of real generated photos, tagging with the Huawei emulator,
// which counts the paid calls (test/crash/concurrent-writers.ts): engine calls must equal
// contents, nothing lost, integrity ok.
// Usage: npm run bench:catalog-safety -- [--photos 100000] [--tags-per-photo 6]
//   [--writers 4] [--writer-photos 60] [--engine-delay-ms 1000]   (--writers 0 skips them)
// The last line printed is one JSON object.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { backupCatalog } from '../main/catalog/catalog-backup.ts';
import { checkCatalog } from '../main/catalog/catalog-check.ts';
import { openCatalog } from '../main/catalog/catalog-connection.ts';
import { exportPhotos, writeCsv, writeJson } from '../main/catalog/catalog-export.ts';
import { runConcurrentWriters } from '../test/crash/concurrent-writers.ts';

const { values: args } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    'tags-per-photo': { type: 'string', default: '6' },
    writers: { type: 'string', default: '4' },
    'writer-photos': { type: 'string', default: '60' },
    'engine-delay-ms': { type: 'string', default: '1000' },
  },
});
const photos = Number(args.photos);
const tagsPerPhoto = Number(args['tags-per-photo']);
const dir = mkdtempSync(join(tmpdir(), 'tujian-bench-safety-'));
const catalog = join(dir, 'catalog.sqlite');

try {
  const db = openCatalog(catalog);
  const setupStart = performance.now();
  db.transaction(() => {
    const tagIds: number[] = [];
    const tag = db.prepare(
      `INSERT INTO tags (name, type, zh, en) VALUES (?, 'object', ?, ?) RETURNING id`,
    );
    for (let t = 0; t < 300; t++) {
      tagIds.push(
        (tag.get(`tag${String(t)}`, `标签${String(t)}`, `tag ${String(t)}`) as { id: number }).id,
      );
    }
    const folder = db
      .prepare(`INSERT INTO folders (path, added_at) VALUES ('/photos', 0) RETURNING id`)
      .get() as { id: number };
    const content = db.prepare(
      `INSERT INTO contents (hash, size, format, width, height, taken_at, camera, lat, lon, has_preview, created_at)
       VALUES (?, 1000, 'jpeg', 4000, 3000, ?, 'Canon EOS 5D', 31.2, 121.4, 1, 0) RETURNING id`,
    );
    const photo = db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, ?, 1000, 0, ?, 'ok')`,
    );
    const photoTag = db.prepare(
      `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
       VALUES (?, ?, 'local', 'm', ?, 'auto', 0)`,
    );
    for (let i = 0; i < photos; i++) {
      const hash = i.toString(16).padStart(64, '0');
      const { id } = content.get(hash, Date.UTC(2020, 0, 1) + i * 60_000) as { id: number };
      photo.run(folder.id, `${String(Math.floor(i / 1000))}/IMG_${String(i)}.jpg`, id);
      for (let k = 0; k < tagsPerPhoto; k++) {
        photoTag.run(id, tagIds[(i * 7 + k * 31) % tagIds.length], 50 + ((i + k) % 50));
      }
    }
  })();
  const setupMs = performance.now() - setupStart;
  const catalogBytes = statSync(catalog).size;

  // Backup while another connection commits small transactions every few milliseconds.
  const writer = new Database(catalog);
  writer.pragma('busy_timeout = 5000');
  const insert = writer.prepare(
    `INSERT INTO albums (name, query, created_at, updated_at) VALUES (?, 'dog', 0, 0)`,
  );
  let written = 0;
  const timer = setInterval(() => {
    insert.run(`album ${String(written++)}`);
  }, 5);
  const backupStart = performance.now();
  const backup = await backupCatalog(db, join(dir, 'backup.sqlite'));
  const backupMs = performance.now() - backupStart;
  clearInterval(timer);
  writer.close();

  const checkStart = performance.now();
  const check = await checkCatalog(db, join(dir, 'data'));
  const checkMs = performance.now() - checkStart;

  let csvBytes = 0;
  const csvStart = performance.now();
  writeCsv(exportPhotos(db), (chunk) => {
    csvBytes += Buffer.byteLength(chunk);
  });
  const csvMs = performance.now() - csvStart;
  let jsonBytes = 0;
  const jsonStart = performance.now();
  writeJson(exportPhotos(db), (chunk) => {
    jsonBytes += Buffer.byteLength(chunk);
  });
  const jsonMs = performance.now() - jsonStart;
  db.close();

  const writerCount = Number(args.writers);
  const writers =
    writerCount > 0
      ? await runConcurrentWriters({
          photos: Number(args['writer-photos']),
          writers: writerCount,
          staggerMs: 300,
          engineDelayMs: Number(args['engine-delay-ms']),
          log: (line) => {
            console.log(line);
          },
        })
      : undefined;
  if (writers) console.log(JSON.stringify(writers));

  console.log(
    JSON.stringify({
      bench: 'catalog-safety',
      photos,
      tagsPerPhoto,
      catalogMB: +(catalogBytes / 1048576).toFixed(1),
      setupMs: Math.round(setupMs),
      backupMs: Math.round(backupMs),
      backupRestarts: backup.restarts,
      writesDuringBackup: written,
      checkMs: Math.round(checkMs),
      integrityOk: check.integrity.length === 0,
      exportCsvMs: Math.round(csvMs),
      exportCsvMB: +(csvBytes / 1048576).toFixed(1),
      exportCsvPhotosPerS: Math.round(photos / (csvMs / 1000)),
      exportJsonMs: Math.round(jsonMs),
      exportJsonMB: +(jsonBytes / 1048576).toFixed(1),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      ...(writers
        ? {
            writers: writers.writers,
            writersOverlapping: writers.overlapping,
            writersExitedOk: writers.exitCodes.every((code) => code === 0),
            writerPhotos: writers.photos,
            writerContents: writers.contents,
            writerEngineCalls: writers.engineCalls,
            writerPaidTwice: writers.paidTwice,
            writerLost: writers.photosNotOk + writers.contentsWithoutResult,
            writerJobsLeft: writers.jobsLeft,
            writerIntegrityOk: writers.integrity === 'ok',
            writersSeconds: writers.seconds,
          }
        : {}),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
