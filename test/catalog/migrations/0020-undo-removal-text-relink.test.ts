// Migration 20 on real catalog files: the undo record accepts a removal from an album, keeps
// the record a catalog had before, and is still one row; a moved library folder marks its
// contents with text and no tags when sidecars go to a sidecar folder with the text option.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0020UndoRemovalTextRelink } from '../../../main/catalog/migrations/0020-undo-removal-text-relink.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m20-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe(`migration ${migration0020UndoRemovalTextRelink.name}`, () => {
  it('upgrades a catalog whose undo record refuses a removal from an album', () => {
    const file = tempFile();
    const before = migrations.filter((m) => m.version < migration0020UndoRemovalTextRelink.version);
    const old = openCatalog(file, { migrations: before });
    old.exec(
      `INSERT INTO bulk_undo (id, kind, payload, created_at) VALUES (1, 'add-to-album', '{"a":1}', 5)`,
    );
    expect(() => old.exec(`UPDATE bulk_undo SET kind = 'remove-from-album' WHERE id = 1`)).toThrow(
      /CHECK/,
    );
    old.close();

    const db = openCatalog(file, {
      migrations: migrations.filter((m) => m.version <= migration0020UndoRemovalTextRelink.version),
    });
    expect(db.pragma('user_version', { simple: true })).toBe(20);
    expect(db.prepare(`SELECT id, kind, payload, created_at FROM bulk_undo`).all()).toEqual([
      { id: 1, kind: 'add-to-album', payload: '{"a":1}', created_at: 5 },
    ]);
    db.exec(`UPDATE bulk_undo SET kind = 'remove-from-album' WHERE id = 1`);
    expect(() => db.exec(`UPDATE bulk_undo SET kind = 'other' WHERE id = 1`)).toThrow(/CHECK/);
    expect(() =>
      db.exec(
        `INSERT INTO bulk_undo (id, kind, payload, created_at) VALUES (2, 'add-tag', '{}', 0)`,
      ),
    ).toThrow(/CHECK/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('marks the untagged contents with text of a moved folder when the text goes to a sidecar folder', () => {
    const file = tempFile();
    const db = openCatalog(file);
    const box = '[[0,0],[1,0],[1,1],[0,1]]';
    db.exec(`
      INSERT INTO folders (id, path, added_at) VALUES (1, '/a', 0), (2, '/b', 0);
      INSERT INTO contents (id, hash, size, created_at) VALUES
        (1, 'h1', 1, 0), (2, 'h2', 1, 0), (3, 'h3', 1, 0), (4, 'h4', 1, 0);
      INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, content_id, status) VALUES
        (1, 1, 'tagged.jpg', 1, 0, 1, 'ok'), (2, 1, 'text.jpg', 1, 0, 2, 'ok'),
        (3, 1, 'plain.jpg', 1, 0, 3, 'ok'), (4, 2, 'elsewhere.jpg', 1, 0, 4, 'ok');
      INSERT INTO tags (id, name, type, zh, en) VALUES (1, 'dog', 'object', '狗', 'Dog');
      INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
        VALUES (1, 1, 'local', 'm', 90, 'auto', 0);
      INSERT INTO photo_text_lines (content_id, line_no, text, box, confidence, language, model) VALUES
        (1, 0, 'EXIT', '${box}', 90, 'en', 't'), (2, 0, '出口', '${box}', 90, 'zh', 't'),
        (4, 0, 'EXIT', '${box}', 90, 'en', 't');
    `);
    const setXmp = (value: string) =>
      db
        .prepare(
          `INSERT INTO settings (key, value) VALUES ('xmp.sidecars', ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        )
        .run(value);
    const marked = (c: Catalog) =>
      c
        .prepare<[], { content_id: number }>(`SELECT content_id FROM sidecar_pending ORDER BY 1`)
        .all()
        .map((r) => r.content_id);
    // Text option off, or sidecars beside the photos: migration 8's tagged content only.
    setXmp('{"enabled":true,"location":"folder","folder":"/s","writeText":false}');
    db.exec(`UPDATE folders SET path = '/moved/a' WHERE id = 1`);
    expect(marked(db)).toEqual([1]);
    db.exec(`DELETE FROM sidecar_pending`);
    setXmp('{"enabled":true,"location":"beside","writeText":true}');
    db.exec(`UPDATE folders SET path = '/a' WHERE id = 1`);
    expect(marked(db)).toEqual([]);

    setXmp('{"enabled":true,"location":"folder","folder":"/s","writeText":true}');
    db.exec(`UPDATE folders SET path = '/a' WHERE id = 1`); // unchanged
    expect(marked(db)).toEqual([]);
    db.exec(`UPDATE folders SET path = '/moved/a' WHERE id = 1`);
    // The tagged one (migration 8) and the one with text only; not the plain one, nor the
    // other folder's. The tagged one is marked once (one version, not two).
    expect(marked(db)).toEqual([1, 2]);
    expect(db.prepare(`SELECT version FROM sidecar_pending WHERE content_id = 1`).get()).toEqual({
      version: 1,
    });
    db.close();
  });
});
