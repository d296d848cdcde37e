// Migration 16 on real catalog files: text read before it gets its grams, one- and
// two-character needles are answered by the gram index (the same contents an `instr` scan
// finds), through the index (EXPLAIN QUERY PLAN), a deleted content leaves no grams, and text
// changes mark sidecars only while sidecar writing and the text option are both on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0016PhotoTextGrams } from '../../../main/catalog/migrations/0016-photo-text-grams.ts';
import {
  contentsWithTextContaining,
  savePhotoText,
  shortNeedleGrams,
  textGramSql,
} from '../../../main/catalog/photo-text.ts';
import { writeSettingJson } from '../../../main/catalog/settings.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m16-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const box: [number, number][] = [
  [0.1, 0.1],
  [0.5, 0.1],
  [0.5, 0.2],
  [0.1, 0.2],
];
const answer = (lines: string[]) => ({
  engine: 'text' as const,
  model: 'm1',
  tags: [],
  text: { lines: lines.map((text) => ({ text, box, confidence: 90, language: 'zh' as const })) },
});

function addContent(db: Catalog, hash: string): number {
  return (
    db
      .prepare(`INSERT INTO contents (hash, size, created_at) VALUES (?, 1, 0) RETURNING id`)
      .get(hash) as { id: number }
  ).id;
}

/** What the index must agree with: the contents whose text holds the needle anywhere. */
function scan(db: Catalog, needle: string): number[] {
  return db
    .prepare<[string], number>(
      `SELECT rowid FROM photo_text_search WHERE instr(body, ?) > 0 ORDER BY rowid`,
    )
    .pluck()
    .all(needle);
}

const texts = [
  ['欢迎光临咖啡馆', 'Coffee-Shop'],
  ['HOT DOG 热狗 ¥12'],
  ['Thesemarkers are 16 px', '安全出口 EXIT'],
  ['Café 文字', '12:30'],
  ['人民广场'],
];
const needles = [
  '咖啡',
  '咖',
  '馆',
  '啡馆',
  '光',
  'g热', // spans two words: found by neither
  'og',
  'é',
  'e',
  'px',
  'x',
  '16',
  '6',
  '12',
  '3',
  '出口',
  '人',
  '民广',
  'zz',
];

describe(`migration ${migration0016PhotoTextGrams.name}`, () => {
  it('gives text read before it its grams, so short needles find what a scan finds', () => {
    const file = tempFile();
    const old = openCatalog(file, { migrations: migrations.filter((m) => m.version <= 13) });
    // Written as the version-13 app did: lines and the trigram table only.
    const ids = texts.map((lines, i) => {
      const id = addContent(old, `h${String(i)}`);
      old
        .prepare(`INSERT INTO photo_text_search (rowid, body) VALUES (?, ?)`)
        .run(id, lines.map((l) => l.toLowerCase()).join('\n'));
      return id;
    });
    old.close();
    const db = openCatalog(file, { migrations: migrations.filter((m) => m.version <= 16) });
    expect(db.pragma('user_version', { simple: true })).toBe(16);
    expect(db.prepare(`SELECT count(*) FROM photo_text_grams`).pluck().get()).toBe(ids.length);
    expect(contentsWithTextContaining(db, '咖啡')).toEqual([ids[0]]);
    expect(contentsWithTextContaining(db, '馆')).toEqual([ids[0]]);
    db.close();
  });

  it('answers every one- and two-character needle as an instr scan does, and forgets a deleted content', () => {
    const db = openCatalog(tempFile());
    const ids = texts.map((lines, i) => {
      const id = addContent(db, `h${String(i)}`);
      savePhotoText(db, id, answer(lines));
      return id;
    });
    for (const needle of needles) {
      expect(contentsWithTextContaining(db, needle), needle).toEqual(scan(db, needle));
    }
    expect(contentsWithTextContaining(db, '咖啡')).toEqual([ids[0]]);
    expect(contentsWithTextContaining(db, 'g热')).toEqual([]);
    expect(contentsWithTextContaining(db, '6')).toEqual([ids[2]]);
    // New text replaces the old grams.
    savePhotoText(db, ids[0] ?? 0, answer(['出口']));
    expect(contentsWithTextContaining(db, '咖啡')).toEqual([]);
    expect(contentsWithTextContaining(db, '出口')).toEqual([ids[0], ids[2]]);
    db.prepare(`DELETE FROM contents WHERE id = ?`).run(ids[0]);
    expect(contentsWithTextContaining(db, '出口')).toEqual([ids[2]]);
    expect(
      db.prepare(`SELECT count(*) FROM photo_text_grams WHERE rowid = ?`).pluck().get(ids[0]),
    ).toBe(0);
    db.close();
  });

  it('makes pairs inside words and each word’s last character', () => {
    expect(shortNeedleGrams('欢迎光临\nhot dog')).toBe('欢迎 迎光 光临 临 ho ot t do og g');
    expect(shortNeedleGrams('a')).toBe('a');
    expect(shortNeedleGrams('')).toBe('');
  });

  it('looks a short needle up in the gram index (EXPLAIN QUERY PLAN), never a scan', () => {
    const db = openCatalog(tempFile());
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${textGramSql}`)
      .all('"咖啡"')
      .map((row) => (row as { detail: string }).detail)
      .join('\n');
    // FTS5 reports a MATCH through its index as `VIRTUAL TABLE INDEX 0:M…`; a scan would be
    // index 0 without the M (match) constraint.
    expect(plan).toMatch(/SCAN photo_text_grams VIRTUAL TABLE INDEX \d+:M/);
    db.close();
  });

  it('marks the sidecar of a content whose text changes, only with writing and the text option on', () => {
    const db = openCatalog(tempFile());
    const id = addContent(db, 'h');
    const marked = () =>
      db.prepare(`SELECT count(*) FROM sidecar_pending WHERE content_id = ?`).pluck().get(id);
    savePhotoText(db, id, answer(['咖啡']));
    expect(marked()).toBe(0);
    writeSettingJson(db, 'xmp.sidecars', { enabled: true, writeText: false });
    savePhotoText(db, id, answer(['咖啡馆']));
    expect(marked()).toBe(0);
    writeSettingJson(db, 'xmp.sidecars', { enabled: true, writeText: true });
    savePhotoText(db, id, answer(['咖啡馆', 'Coffee']));
    expect(marked()).toBe(1);
    // "No text any more" is a change too.
    db.prepare(`DELETE FROM sidecar_pending`).run();
    savePhotoText(db, id, answer([]));
    expect(marked()).toBe(1);
    db.close();
  });

  it('marks a content with text and no tags when a photo shows it at a new place', () => {
    const db = openCatalog(tempFile());
    const id = addContent(db, 'h');
    savePhotoText(db, id, answer(['出口']));
    writeSettingJson(db, 'xmp.sidecars', { enabled: true, writeText: true });
    const folder = db
      .prepare(`INSERT INTO folders (path, added_at) VALUES ('/p', 0) RETURNING id`)
      .pluck()
      .get() as number;
    const marked = () => db.prepare(`SELECT count(*) FROM sidecar_pending`).pluck().get();
    const photo = db
      .prepare(
        `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status)
         VALUES (?, 'a.jpg', 1, 0, ?, 'ok') RETURNING id`,
      )
      .pluck()
      .get(folder, id) as number;
    expect(marked()).toBe(1);
    db.prepare(`DELETE FROM sidecar_pending`).run();
    // Moved (renamed): its sidecar belongs at the new path.
    db.prepare(`UPDATE photos SET rel_path = 'b.jpg' WHERE id = ?`).run(photo);
    expect(marked()).toBe(1);
    // Text in sidecars off: nothing.
    db.prepare(`DELETE FROM sidecar_pending`).run();
    writeSettingJson(db, 'xmp.sidecars', { enabled: true, writeText: false });
    db.prepare(`UPDATE photos SET rel_path = 'c.jpg' WHERE id = ?`).run(photo);
    expect(marked()).toBe(0);
    db.close();
  });
});
