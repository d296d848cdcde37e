// Migration 13 on real catalog files: the people tables arrive, and `tags`/`tag_aliases` take
// the type `person` through the writable_schema edit, with every row, index and trigger the
// tables had still there and working.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0013People } from '../../../main/catalog/migrations/0013-people.ts';
import { refreshTagTerms, resolveTagWord } from '../../../main/catalog/tag-terms.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m13-'));
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
       WHERE tbl_name IN ('tags', 'tag_aliases') AND type IN ('index', 'trigger') ORDER BY type, name`,
    )
    .all();

describe(`migration ${migration0013People.name}`, () => {
  it('upgrades an older catalog: its tags stay, persons become a tag type, faces can be stored', () => {
    const file = tempFile();
    const before = migrations.filter((m) => m.version < migration0013People.version);
    const old = openCatalog(file, { migrations: before });
    old.exec(`
      INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h1', 1, 0);
      INSERT INTO tags (id, name, type, zh, en) VALUES (1, 'dog', 'object', '狗', 'Dog');
      INSERT INTO tag_aliases (name, type, tag_id, zh, en, created_at)
        VALUES ('doggy', 'object', 1, '狗狗', 'Doggy', 0);`);
    // What the migration changes: a person tag was refused.
    expect(() =>
      old.exec(`INSERT INTO tags (name, type, zh, en) VALUES ('person9', 'person', '妈妈', 'Mum')`),
    ).toThrow(/CHECK constraint failed/);
    const schemaBefore = schemaOf(old);
    old.close();

    // Up to this migration only (later ones are tested in their own files).
    const db = openCatalog(file, {
      migrations: migrations.filter((m) => m.version <= migration0013People.version),
    });
    expect(db.pragma('user_version', { simple: true })).toBe(migration0013People.version);
    expect(db.prepare(`SELECT id, name, type, zh, en FROM tags`).all()).toEqual([
      { id: 1, name: 'dog', type: 'object', zh: '狗', en: 'Dog' },
    ]);
    expect(schemaOf(db)).toEqual(schemaBefore);
    db.exec(
      `INSERT INTO tags (id, name, type, zh, en) VALUES (2, 'person1', 'person', '妈妈', 'Mum')`,
    );
    db.exec(`INSERT INTO tag_aliases (name, type, tag_id, zh, en, created_at)
             VALUES ('person7', 'person', 2, '老妈', 'Mom', 0)`);
    expect(() =>
      db.exec(`INSERT INTO tags (name, type, zh, en) VALUES ('x', 'animal', 'x', 'x')`),
    ).toThrow(/CHECK constraint failed/);
    // The triggers still run: a new tag and an alias are indexed for search.
    refreshTagTerms(db);
    expect(resolveTagWord(db, '妈妈')).toEqual([2]);
    expect(resolveTagWord(db, 'mom')).toEqual([2]);
    expect(() =>
      db.exec(`INSERT INTO tags (name, type, zh, en) VALUES ('person7', 'person', 'a', 'b')`),
    ).toThrow(/merged into another one/);

    db.exec(`
      INSERT INTO persons (id, tag_id, created_at) VALUES (1, 2, 0);
      INSERT INTO faces (content_id, x, y, w, h, confidence, source_side, sharpness, model,
                         person_id, assigned_by, created_at)
        VALUES (1, 0.1, 0.1, 0.2, 0.2, 90, 80, 20, 'm', 1, 'user', 0);`);
    // A face with a person must say who put it there.
    expect(() =>
      db.exec(`INSERT INTO faces (content_id, x, y, w, h, confidence, source_side, sharpness,
                                  model, person_id, created_at)
               VALUES (1, 0.1, 0.1, 0.2, 0.2, 90, 80, 20, 'm', 1, 0)`),
    ).toThrow(/CHECK constraint failed/);
    // Deleting the content takes its faces; deleting the tag unnames the person.
    db.exec(`DELETE FROM tags WHERE id = 2`);
    expect(db.prepare(`SELECT tag_id FROM persons`).pluck().get()).toBeNull();
    db.exec(`DELETE FROM contents WHERE id = 1`);
    expect(db.prepare(`SELECT count(*) FROM faces`).pluck().get()).toBe(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('creates a fresh catalog with every table', () => {
    const db = openCatalog(tempFile());
    const tables = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'faces',
        'persons',
        'face_rejections',
        'person_merges',
        'face_recluster',
      ]),
    );
    db.close();
  });
});
