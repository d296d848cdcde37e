import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { migration0001Initial } from '../../../main/catalog/migrations/0001-initial.ts';
import { migration0002SearchIndex } from '../../../main/catalog/migrations/0002-search-index.ts';
import { autocompleteTags, searchPhotos } from '../../../main/search/search-service.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m2-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function truth(db: Catalog): unknown[] {
  return db
    .prepare(
      `SELECT tag_id, count(DISTINCT content_id) AS n FROM photo_tags WHERE state != 'rejected' GROUP BY tag_id ORDER BY tag_id`,
    )
    .all();
}
function stats(db: Catalog): unknown[] {
  return db
    .prepare(`SELECT tag_id, contents AS n FROM tag_stats WHERE contents != 0 ORDER BY tag_id`)
    .all();
}

describe('migration 0002 search-index', () => {
  it('upgrades a version-1 catalog with data: counts filled, every tag searchable', () => {
    const file = tempFile();
    const v1 = openCatalog(file, { migrations: [migration0001Initial] });
    v1.exec(`
      INSERT INTO folders (path, added_at) VALUES ('/p', 0);
      INSERT INTO contents (hash, size, created_at) VALUES ('h1', 1, 0), ('h2', 1, 0);
      INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status)
        VALUES (1, 'a.jpg', 1, 0, 1, 'ok'), (1, 'b.jpg', 1, 0, 2, 'ok');
      INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'Dog'), ('hot dog', 'object', '热狗', 'Hot dog');
      INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at) VALUES
        (1, 1, 'local', 'm', 90, 'auto', 0), (1, 1, 'huawei', 'm', 80, 'auto', 0),
        (2, 1, 'local', 'm', 90, 'rejected', 0), (2, 2, 'local', 'm', 70, 'auto', 0);
    `);
    v1.close();
    let db = openCatalog(file, { migrations: [migration0001Initial, migration0002SearchIndex] });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(stats(db)).toEqual(truth(db));
    expect(stats(db)).toEqual([
      { tag_id: 1, n: 1 },
      { tag_id: 2, n: 1 },
    ]);
    // Search is today's code, which reads tables of later migrations (tag_aliases): bring the
    // catalog up to date; the later migrations leave the terms marked stale here untouched.
    db.close();
    db = openCatalog(file);
    expect(
      searchPhotos(db, '狗')
        .items.map((i) => i.relPath)
        .sort(),
    ).toEqual(['a.jpg', 'b.jpg']);
    expect(autocompleteTags(db, 'ho').map((t) => t.name)).toEqual(['hot dog']);
    db.close();
  });

  it('keeps tag_stats exact through random inserts, state changes, deletes and cascades', () => {
    const db = openCatalog(tempFile());
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const engines = ['local', 'huawei', 'aliyun', 'user'];
    const states = ['auto', 'user', 'rejected'];
    for (let t = 1; t <= 6; t++) {
      db.prepare(`INSERT INTO tags (name, type, zh, en) VALUES (?, 'object', ?, ?)`).run(
        `t${t}`,
        `标${t}`,
        `T${t}`,
      );
    }
    for (let c = 1; c <= 8; c++) {
      db.prepare(`INSERT INTO contents (hash, size, created_at) VALUES (?, 1, 0)`).run(`h${c}`);
    }
    for (let step = 0; step < 600; step++) {
      const content = 1 + random(8);
      const tag = 1 + random(6);
      const engine = engines[random(4)] ?? 'local';
      const op = random(10);
      if (op < 5) {
        db.prepare(
          `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
           VALUES (?, ?, ?, 'm', 50, ?, 0) ON CONFLICT DO NOTHING`,
        ).run(content, tag, engine, states[random(3)] ?? 'auto');
      } else if (op < 7) {
        db.prepare(`UPDATE photo_tags SET state = ? WHERE content_id = ? AND tag_id = ?`).run(
          states[random(3)] ?? 'auto',
          content,
          tag,
        );
      } else if (op < 9) {
        db.prepare(`DELETE FROM photo_tags WHERE content_id = ? AND engine = ?`).run(
          content,
          engine,
        );
      } else if (random(4) === 0) {
        db.prepare(
          `UPDATE OR IGNORE photo_tags SET tag_id = ? WHERE content_id = ? AND tag_id = ? AND engine = ?`,
        ).run(1 + random(6), content, tag, engine);
      }
      if (step % 50 === 0) expect(stats(db), `step ${step}`).toEqual(truth(db));
    }
    expect(stats(db)).toEqual(truth(db));
    // Cascades: deleting a content and a tag.
    db.prepare(`DELETE FROM contents WHERE id = 3`).run();
    expect(stats(db)).toEqual(truth(db));
    db.prepare(`DELETE FROM tags WHERE id = 2`).run();
    expect(stats(db)).toEqual(truth(db));
    expect(db.prepare(`SELECT count(*) AS n FROM tag_stats WHERE tag_id = 2`).get()).toEqual({
      n: 0,
    });
    db.close();
  });

  it('marks a tag stale only when its names change, and cleans up after a deleted tag', () => {
    const db = openCatalog(tempFile());
    db.prepare(`INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'Dog')`).run();
    const stale = () => db.prepare(`SELECT tag_id FROM tag_stale_probe`).all();
    db.exec(`CREATE TEMP VIEW tag_stale_probe AS SELECT tag_id FROM tag_terms_stale`);
    expect(stale()).toEqual([{ tag_id: 1 }]);
    expect(autocompleteTags(db, '狗')).toEqual([]); // no photo carries it yet
    expect(stale()).toEqual([]);
    expect(db.prepare(`SELECT term FROM tag_terms ORDER BY term`).all()).toEqual([
      { term: 'dog' },
      { term: '狗' },
    ]);
    // saveEngineAnswer's upsert rewrites the same name: not a change.
    db.prepare(
      `INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'Dog') ON CONFLICT (name, type) DO UPDATE SET name = excluded.name`,
    ).run();
    expect(stale()).toEqual([]);
    db.prepare(`UPDATE tags SET zh = '犬' WHERE id = 1`).run();
    expect(stale()).toEqual([{ tag_id: 1 }]);
    db.prepare(`DELETE FROM tags WHERE id = 1`).run();
    expect(stale()).toEqual([]);
    expect(db.prepare(`SELECT count(*) AS n FROM tag_terms`).get()).toEqual({ n: 0 });
    db.close();
  });
});
