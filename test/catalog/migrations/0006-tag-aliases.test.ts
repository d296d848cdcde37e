// Migration 6 on real catalog files: tag_aliases, the triggers that keep the search terms of
// an alias's target fresh, and the refusal of a tag row that would shadow an alias.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0006TagAliases } from '../../../main/catalog/migrations/0006-tag-aliases.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m6-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const stale = (db: Catalog) =>
  db
    .prepare<[], { tag_id: number }>(`SELECT tag_id FROM tag_terms_stale ORDER BY tag_id`)
    .all()
    .map((r) => r.tag_id);
const generation = (db: Catalog) =>
  db.prepare<[], { n: number }>(`SELECT n FROM search_generation WHERE id = 1`).get()?.n;
const addAlias = (db: Catalog, name: string, tagId: number) =>
  db
    .prepare(
      `INSERT INTO tag_aliases (name, type, tag_id, zh, en, created_at) VALUES (?, 'object', ?, ?, ?, 0)`,
    )
    .run(name, tagId, `${name}-zh`, name);

describe(`migration ${migration0006TagAliases.name}`, () => {
  it('upgrades a version-5 catalog with tags, leaving them and their terms as they were', () => {
    const file = tempFile();
    const before = migrations.filter((m) => m.version < migration0006TagAliases.version);
    const v5 = openCatalog(file, { migrations: before });
    v5.exec(`INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'Dog')`);
    v5.close();
    const db = openCatalog(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(
      migration0006TagAliases.version,
    );
    expect(db.prepare(`SELECT id, name FROM tags`).all()).toEqual([{ id: 1, name: 'dog' }]);
    expect(db.prepare(`SELECT count(*) AS n FROM tag_aliases`).get()).toEqual({ n: 0 });
    expect(stale(db)).toEqual([1]); // still waiting for its first refresh, as migration 2 left it
    db.close();
  });

  it('keys aliases by (name, type), checks types and drops them with their target', () => {
    const db = openCatalog(tempFile());
    db.exec(`INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'Dog'),
                                                         ('cat', 'object', '猫', 'Cat')`);
    addAlias(db, 'puppy', 1);
    expect(() => addAlias(db, 'puppy', 2)).toThrow(/UNIQUE|PRIMARY/);
    db.prepare(
      `INSERT INTO tag_aliases (name, type, tag_id, zh, en, created_at) VALUES ('puppy', 'concept', 2, 'x', 'x', 0)`,
    ).run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO tag_aliases (name, type, tag_id, zh, en, created_at) VALUES ('p', 'animal', 1, 'x', 'x', 0)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    expect(() => addAlias(db, 'ghost', 99)).toThrow(/FOREIGN KEY/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO tag_aliases (name, type, tag_id, zh, en, created_at) VALUES ('q', 'object', 1, 'x', 'x', 'now')`,
        )
        .run(),
    ).toThrow(); // STRICT
    db.prepare(`DELETE FROM tags WHERE id = 1`).run();
    expect(db.prepare(`SELECT name, type, tag_id FROM tag_aliases`).all()).toEqual([
      { name: 'puppy', type: 'concept', tag_id: 2 },
    ]);
    db.close();
  });

  it('marks the target (old and new) stale and bumps the search generation on every change', () => {
    const db = openCatalog(tempFile());
    db.exec(`INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'Dog'),
                                                         ('cat', 'object', '猫', 'Cat');
             DELETE FROM tag_terms_stale;`);
    let n = generation(db) ?? -1;
    const bumped = () => {
      const now = generation(db) ?? -1;
      const changed = now > n;
      n = now;
      return changed;
    };
    addAlias(db, 'puppy', 1);
    expect(stale(db)).toEqual([1]);
    expect(bumped()).toBe(true);
    db.exec(`DELETE FROM tag_terms_stale`);
    db.prepare(`UPDATE tag_aliases SET tag_id = 2 WHERE name = 'puppy'`).run();
    expect(stale(db)).toEqual([1, 2]);
    expect(bumped()).toBe(true);
    db.exec(`DELETE FROM tag_terms_stale`);
    db.prepare(`DELETE FROM tag_aliases WHERE name = 'puppy'`).run();
    expect(stale(db)).toEqual([2]);
    expect(bumped()).toBe(true);
    // The cascade from a deleted target marks nothing: the tag is gone.
    db.exec(`DELETE FROM tag_terms_stale`);
    addAlias(db, 'kitten', 2);
    db.exec(`DELETE FROM tag_terms_stale`);
    db.prepare(`DELETE FROM tags WHERE id = 2`).run();
    expect(stale(db)).toEqual([]);
    db.close();
  });

  it('refuses a tag row with the (name, type) of an alias, by insert or by rename', () => {
    const db = openCatalog(tempFile());
    db.exec(`INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'Dog'),
                                                         ('cat', 'object', '猫', 'Cat')`);
    addAlias(db, 'puppy', 1);
    expect(() =>
      db
        .prepare(`INSERT INTO tags (name, type, zh, en) VALUES ('puppy', 'object', 'x', 'x')`)
        .run(),
    ).toThrow(/merged into another/);
    expect(() => db.prepare(`UPDATE tags SET name = 'puppy' WHERE id = 2`).run()).toThrow(
      /merged into another/,
    );
    // Another type is another tag; unrelated names and renames of display names go through.
    db.prepare(`INSERT INTO tags (name, type, zh, en) VALUES ('puppy', 'concept', 'x', 'x')`).run();
    db.prepare(`UPDATE tags SET zh = '猫咪' WHERE id = 2`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM tags`).get()).toEqual({ n: 3 });
    db.close();
  });

  it('finds the aliases of a tag through tag_aliases_tag and a name through the primary key', () => {
    const db = openCatalog(tempFile());
    const plan = (sql: string) =>
      db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => r.detail)
        .join(' | ');
    expect(plan(`SELECT name, zh, en FROM tag_aliases WHERE tag_id = 7`)).toMatch(
      /SEARCH tag_aliases USING INDEX tag_aliases_tag \(tag_id=\?\)/,
    );
    expect(plan(`SELECT tag_id FROM tag_aliases WHERE name = 'a' AND type = 'object'`)).toMatch(
      /SEARCH tag_aliases USING PRIMARY KEY \(name=\? AND type=\?\)/,
    );
    db.close();
  });
});
