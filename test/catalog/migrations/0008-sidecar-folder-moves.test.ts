// Migration 8 on a real catalog file: a library folder's new path marks its tagged contents
// due when sidecars go to a sidecar folder, and nothing otherwise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { migration0008SidecarFolderMoves } from '../../../main/catalog/migrations/0008-sidecar-folder-moves.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function open(): Catalog {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m8-'));
  dirs.push(dir);
  const db = openCatalog(join(dir, 'catalog.sqlite'));
  db.exec(`
    INSERT INTO folders (id, path, added_at) VALUES (1, '/a', 0), (2, '/b', 0);
    INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h1', 1, 0), (2, 'h2', 1, 0), (3, 'h3', 1, 0);
    INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, content_id, status) VALUES
      (1, 1, 'one.jpg', 1, 0, 1, 'ok'), (2, 1, 'two.jpg', 1, 0, 2, 'ok'), (3, 2, 'three.jpg', 1, 0, 3, 'ok'),
      (4, 1, 'new.jpg', 1, 0, NULL, 'pending');
    INSERT INTO tags (id, name, type, zh, en) VALUES (1, 'dog', 'object', '狗', 'Dog');
    INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
      VALUES (1, 1, 'local', 'm', 90, 'auto', 0), (3, 1, 'local', 'm', 90, 'auto', 0);
  `);
  return db;
}
const setXmp = (db: Catalog, value: string) =>
  db
    .prepare(
      `INSERT INTO settings (key, value) VALUES ('xmp.sidecars', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    )
    .run(value);
const marked = (db: Catalog) =>
  db
    .prepare<[], { content_id: number }>(`SELECT content_id FROM sidecar_pending ORDER BY 1`)
    .all()
    .map((r) => r.content_id);

describe(`migration ${migration0008SidecarFolderMoves.name}`, () => {
  it('marks the tagged contents of a moved folder when sidecars live in a sidecar folder', () => {
    const db = open();
    setXmp(db, '{"enabled":true,"location":"folder","folder":"/sidecars"}');
    db.exec(`UPDATE folders SET path = '/a' WHERE id = 1`); // unchanged
    expect(marked(db)).toEqual([]);
    db.exec(`UPDATE folders SET path = '/moved/a' WHERE id = 1`);
    expect(marked(db)).toEqual([1]); // not the untagged content 2, not folder 2's content 3
    db.close();
  });

  it('marks nothing for sidecars beside the photos, with writing off, or a damaged setting', () => {
    const db = open();
    for (const value of [
      '{"enabled":true,"location":"beside"}',
      '{"enabled":false,"location":"folder","folder":"/s"}',
      '{broken',
    ]) {
      setXmp(db, value);
      db.exec(`UPDATE folders SET path = path || 'x' WHERE id = 1`);
    }
    expect(marked(db)).toEqual([]);
    db.close();
  });
});
