// XMP sidecar sync benchmark (issue 8): what keeping sidecars current costs.
// - The catalog side: saveEngineAnswer with 12 tags per answer, without the sidecar triggers
//   (before migration 7), with sidecar writing off (the triggers only read the settings row)
//   and on (each answer also marks its content): the price of the triggers when tagging.
// - The drainer: real ExifTool writing new sidecars for marked contents (sidecars per second),
//   and re-checking sidecars that are already current (a re-mark with nothing new to write).
// saveEngineAnswer prepares its statements on every call, and a statement on photo_tags is
// compiled with its triggers: about half of the difference the triggers make is that compile
// (preparing its photo_tags insert and delete took 178 µs with them, 111 µs without).
// The last line of output is one JSON object. Usage: npm run bench:sidecar-sync [contents]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCatalog } from '../main/catalog/catalog-connection.ts';
import { saveEngineAnswer } from '../main/catalog/photo-tags.ts';
import type { EngineAnswer } from '../main/engines/tag-model.ts';
import { countPendingSidecars } from '../main/catalog/sidecar-marks.ts';
import { createSidecarSync } from '../main/library/sidecar-sync.ts';
import { writeXmpSettings } from '../main/library/xmp-sidecars.ts';

const contents = Number(process.argv[2] ?? 300);
const answersPerMode = 2000;

const dir = mkdtempSync(join(tmpdir(), 'tujian-bench-sidecars-'));
const photos = join(dir, 'photos');
mkdirSync(photos);
const db = openCatalog(join(dir, 'catalog.sqlite'));
try {
  const warmUp = 200;
  const total = answersPerMode * 3 + warmUp;
  db.transaction(() => {
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)`).run(photos);
    const content = db.prepare(
      `INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, 1, 0)`,
    );
    const photo = db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (1, ?, 1, 0, ?, 'ok')`,
    );
    for (let id = 1; id <= total; id++) {
      content.run(id, `h${String(id)}`);
      photo.run(`p${String(id)}.jpg`, id);
    }
  })();
  const answer = (seed: number): EngineAnswer => ({
    engine: 'local',
    model: 'm',
    tags: Array.from({ length: 12 }, (_, i) => ({
      name: `tag ${String((seed * 7 + i) % 400)}`,
      i18n: {
        zh: `标签${String((seed * 7 + i) % 400)}`,
        en: `tag ${String((seed * 7 + i) % 400)}`,
      },
      type: 'object' as const,
      confidence: 60 + ((seed + i) % 40),
      instances: [],
    })),
  });
  let nextContent = 1;
  const onContents: number[] = [];
  /** Saves `n` answers on fresh contents; returns the milliseconds taken. */
  const saveAnswers = (n: number, record?: number[]): number => {
    const began = performance.now();
    for (let i = 0; i < n; i++) {
      const id = nextContent++;
      record?.push(id);
      saveEngineAnswer(db, id, answer(id), 'k');
    }
    return performance.now() - began;
  };
  // Warm up (statements, the 400 tag rows) on contents the measured runs do not use.
  writeXmpSettings(db, { enabled: false });
  saveAnswers(warmUp);
  const triggers = db
    .prepare<[], { name: string; sql: string }>(
      `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%sidecar%'`,
    )
    .all();
  // Three modes in turns (the catalog grows as it goes; turns keep that out of the comparison):
  // without the sidecar triggers (as before migration 7), writing off, writing on.
  const ms = { noTriggers: 0, off: 0, on: 0 };
  const rounds = 8;
  for (let round = 0; round < rounds; round++) {
    for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
    ms.noTriggers += saveAnswers(answersPerMode / rounds);
    for (const t of triggers) db.exec(t.sql);
    writeXmpSettings(db, { enabled: false });
    ms.off += saveAnswers(answersPerMode / rounds);
    writeXmpSettings(db, { enabled: true, languages: 'en' });
    ms.on += saveAnswers(answersPerMode / rounds, onContents);
  }
  const us = (total: number) => Number(((total / answersPerMode) * 1000).toFixed(1));
  const marked = countPendingSidecars(db).pending;

  // Drain only `contents` of the marks: new sidecars, then the same again (all current).
  const drained = onContents.slice(0, contents);
  db.exec(`DELETE FROM sidecar_pending WHERE content_id NOT IN (${drained.join(',')})`);
  const sync = createSidecarSync(db, { quietMs: 0 });
  try {
    let start = performance.now();
    const fresh = await sync.flush();
    const writeMs = performance.now() - start;
    db.exec(
      `INSERT INTO sidecar_pending (content_id, since, changed_at)
       SELECT id, 0, 0 FROM contents WHERE id IN (${drained.join(',')})`,
    );
    start = performance.now();
    const again = await sync.flush();
    const checkMs = performance.now() - start;
    console.log(
      JSON.stringify({
        bench: 'sidecar-sync',
        tagsPerAnswer: 12,
        saveAnswerNoTriggersUs: us(ms.noTriggers),
        saveAnswerWritingOffUs: us(ms.off),
        saveAnswerWritingOnUs: us(ms.on),
        marksAfterWritingOn: marked,
        contents,
        written: fresh.written,
        writtenPerSecond: Number(((fresh.written / writeMs) * 1000).toFixed(1)),
        currentChecked: again.unchanged,
        currentCheckedPerSecond: Number(((again.unchanged / checkMs) * 1000).toFixed(1)),
      }),
    );
  } finally {
    await sync.close();
  }
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
