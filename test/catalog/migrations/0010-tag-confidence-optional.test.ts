// Migration 10 on real catalog files: photo_tags.confidence becomes nullable (a yes/no engine
// gives no score) while every row, box, index and trigger the rebuilt tables had survives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0010TagConfidenceOptional } from '../../../main/catalog/migrations/0010-tag-confidence-optional.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m10-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const schemaOf = (db: Catalog) =>
  db
    .prepare<[], { type: string; name: string }>(
      `SELECT type, name FROM sqlite_schema
       WHERE tbl_name IN ('photo_tags', 'tag_boxes') AND type IN ('index', 'trigger') AND sql IS NOT NULL
       ORDER BY type, name`,
    )
    .all();
const generation = (db: Catalog) =>
  db.prepare<[], { n: number }>(`SELECT n FROM search_generation WHERE id = 1`).get()?.n;
const insertTag = (db: Catalog, confidence: number | null, tagId = 1, engine = 'volcengine') =>
  db
    .prepare(
      `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
       VALUES (1, ?, ?, 'm', ?, 'auto', 0)`,
    )
    .run(tagId, engine, confidence);

describe(`migration ${migration0010TagConfidenceOptional.name}`, () => {
  it('upgrades a version-9 catalog keeping its tags, boxes, indexes and triggers', () => {
    const file = tempFile();
    const before = migrations.filter((m) => m.version < migration0010TagConfidenceOptional.version);
    const v9 = openCatalog(file, { migrations: before });
    v9.exec(`
      INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 0);
      INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h1', 1, 0);
      INSERT INTO tags (id, name, type, zh, en) VALUES (1, 'dog', 'object', '狗', 'Dog'),
                                                     (2, 'person', 'object', '人', 'Person');
      INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, extra, created_at)
        VALUES (1, 1, 'local', 'm', 87.5, 'auto', '{"k":1}', 5),
               (1, 2, 'volcengine', 'v', 100, 'auto', NULL, 6);
      INSERT INTO tag_boxes (content_id, tag_id, engine, x, y, w, h, confidence)
        VALUES (1, 1, 'local', 0.1, 0.2, 0.3, 0.4, 80);`);
    expect(() => insertTag(v9, null, 2, 'local')).toThrow(/NOT NULL/); // what the migration changes
    const schemaBefore = schemaOf(v9);
    const stats = v9.prepare(`SELECT tag_id, contents FROM tag_stats ORDER BY tag_id`).all();
    v9.close();

    const db = openCatalog(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(10);
    expect(db.prepare(`SELECT * FROM photo_tags ORDER BY tag_id`).all()).toEqual([
      {
        content_id: 1,
        tag_id: 1,
        engine: 'local',
        model: 'm',
        confidence: 87.5,
        state: 'auto',
        extra: '{"k":1}',
        created_at: 5,
      },
      // Earlier versions invented 100 for Volcengine's "yes": it never gave a score.
      {
        content_id: 1,
        tag_id: 2,
        engine: 'volcengine',
        model: 'v',
        confidence: null,
        state: 'auto',
        extra: null,
        created_at: 6,
      },
    ]);
    expect(db.prepare(`SELECT x, y, w, h, confidence FROM tag_boxes`).all()).toEqual([
      { x: 0.1, y: 0.2, w: 0.3, h: 0.4, confidence: 80 },
    ]);
    expect(db.prepare(`SELECT tag_id, contents FROM tag_stats ORDER BY tag_id`).all()).toEqual(
      stats,
    );
    expect(schemaOf(db)).toEqual(schemaBefore);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('accepts a tag without a confidence, still refuses one out of range, and the triggers fire', () => {
    const db = openCatalog(tempFile());
    db.exec(`
      INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 0);
      INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h1', 1, 0);
      INSERT INTO tags (id, name, type, zh, en) VALUES (1, 'person', 'object', '人', 'Person');`);
    const generationBefore = generation(db) ?? 0;
    expect(() => insertTag(db, 101)).toThrow(/CHECK/);
    expect(() => insertTag(db, -1)).toThrow(/CHECK/);
    insertTag(db, null);
    expect(db.prepare(`SELECT confidence FROM photo_tags`).get()).toEqual({ confidence: null });
    // The stats and search-generation triggers came back with the table.
    expect(db.prepare(`SELECT contents FROM tag_stats WHERE tag_id = 1`).get()).toEqual({
      contents: 1,
    });
    expect(generation(db)).toBeGreaterThan(generationBefore);
    // Boxes still belong to their tag: deleting the tag takes its boxes.
    db.prepare(
      `INSERT INTO tag_boxes (content_id, tag_id, engine, x, y, w, h, confidence) VALUES (1, 1, 'volcengine', 0, 0, 1, 1, 50)`,
    ).run();
    db.prepare(`DELETE FROM photo_tags`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM tag_boxes`).get()).toEqual({ n: 0 });
    db.close();
  });
});
