// Migration 7 on real catalog files: which writes mark a content's sidecar as due, that
// nothing is marked while sidecar writing is off (or its setting is damaged), that a re-mark
// bumps the version the drainer compares, and that marks go with their content.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0007SidecarPending } from '../../../main/catalog/migrations/0007-sidecar-pending.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m7-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setEnabled(db: Catalog, value: string): void {
  db.prepare(
    `INSERT INTO settings (key, value) VALUES ('xmp.sidecars', ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(value);
}

const pending = (db: Catalog) =>
  db
    .prepare<[], { content_id: number; version: number }>(
      `SELECT content_id, version FROM sidecar_pending ORDER BY content_id`,
    )
    .all();
const marked = (db: Catalog) => pending(db).map((r) => r.content_id);
const clear = (db: Catalog) => db.exec(`DELETE FROM sidecar_pending`);

/** Two folders, three contents shown by photos 1..3, tags dog (1) and cat (2). */
function seed(db: Catalog): void {
  db.exec(`
    INSERT INTO folders (id, path, added_at) VALUES (1, '/a', 0), (2, '/b', 0);
    INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h1', 1, 0), (2, 'h2', 1, 0), (3, 'h3', 1, 0);
    INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, content_id, status) VALUES
      (1, 1, 'one.jpg', 1, 0, 1, 'ok'), (2, 1, 'two.jpg', 1, 0, 2, 'ok'), (3, 2, 'three.jpg', 1, 0, 3, 'ok');
    INSERT INTO tags (id, name, type, zh, en) VALUES (1, 'dog', 'object', '狗', 'Dog'), (2, 'cat', 'object', '猫', 'Cat');
  `);
}
const addRow = (db: Catalog, contentId: number, tagId: number, engine = 'local') =>
  db
    .prepare(
      `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
       VALUES (?, ?, ?, 'm', 90, 'auto', 0)`,
    )
    .run(contentId, tagId, engine);

describe(`migration ${migration0007SidecarPending.name}`, () => {
  it('upgrades a version-6 catalog with tags, marking nothing', () => {
    const file = tempFile();
    const v6 = openCatalog(file, {
      migrations: migrations.filter((m) => m.version < migration0007SidecarPending.version),
    });
    seed(v6);
    setEnabled(v6, '{"enabled":true}');
    addRow(v6, 1, 1);
    v6.close();
    const db = openCatalog(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(7);
    expect(marked(db)).toEqual([]);
    // The settings row it found turns marking on from now on.
    addRow(db, 2, 1);
    expect(marked(db)).toEqual([2]);
    db.close();
  });

  it('marks nothing while writing is off, absent, or its setting is not valid JSON', () => {
    const db = openCatalog(tempFile());
    seed(db);
    addRow(db, 1, 1);
    setEnabled(db, '{"enabled":false,"location":"beside"}');
    addRow(db, 1, 2);
    db.exec(`UPDATE tags SET en = 'Doggo' WHERE id = 1`);
    setEnabled(db, '{not json');
    // A damaged setting must not make tag writes fail.
    db.exec(`UPDATE photo_tags SET state = 'rejected' WHERE content_id = 1 AND tag_id = 1`);
    db.exec(`DELETE FROM photo_tags WHERE content_id = 1 AND tag_id = 2`);
    setEnabled(db, '"enabled"');
    addRow(db, 2, 2);
    setEnabled(db, '{"enabled":"yes"}');
    addRow(db, 3, 2);
    expect(marked(db)).toEqual([]);
    db.close();
  });

  it('marks the content of every photo_tags insert, meaningful update and delete', () => {
    const db = openCatalog(tempFile());
    seed(db);
    setEnabled(db, '{"enabled":true,"languages":"both"}');
    addRow(db, 1, 1);
    addRow(db, 2, 1);
    expect(marked(db)).toEqual([1, 2]);
    clear(db);
    // An engine saying the same thing again (only model/extra differ) changes no keyword.
    db.exec(`UPDATE photo_tags SET model = 'm2', extra = '{}' WHERE content_id = 1`);
    expect(marked(db)).toEqual([]);
    db.exec(`UPDATE photo_tags SET state = 'rejected' WHERE content_id = 1`);
    expect(marked(db)).toEqual([1]);
    db.exec(`UPDATE photo_tags SET confidence = 40 WHERE content_id = 2`);
    expect(marked(db)).toEqual([1, 2]);
    clear(db);
    db.exec(`UPDATE photo_tags SET content_id = 3 WHERE content_id = 2`);
    expect(marked(db)).toEqual([2, 3]);
    clear(db);
    db.exec(`DELETE FROM photo_tags WHERE content_id = 3`);
    expect(marked(db)).toEqual([3]);
    db.close();
  });

  it('bumps the version on a re-mark, keeps when it was first marked and lifts a backoff', () => {
    const db = openCatalog(tempFile());
    seed(db);
    setEnabled(db, '{"enabled":true}');
    addRow(db, 1, 1);
    const first = db
      .prepare<[], { since: number; changed_at: number; version: number }>(
        `SELECT since, changed_at, version FROM sidecar_pending`,
      )
      .get();
    expect(first?.version).toBe(1);
    expect(Math.abs((first?.since ?? 0) - Date.now())).toBeLessThan(5_000);
    db.exec(`UPDATE sidecar_pending SET since = since - 60000, retry_at = 9e15, attempts = 3`);
    addRow(db, 1, 2);
    const second = db
      .prepare<[], { since: number; version: number; retry_at: number | null; attempts: number }>(
        `SELECT since, version, retry_at, attempts FROM sidecar_pending`,
      )
      .get();
    expect(second).toEqual({
      since: (first?.since ?? 0) - 60_000,
      version: 2,
      retry_at: null,
      attempts: 3,
    });
    db.close();
  });

  it('marks every content carrying a tag whose names or type change', () => {
    const db = openCatalog(tempFile());
    seed(db);
    addRow(db, 1, 1);
    addRow(db, 1, 1, 'huawei');
    addRow(db, 2, 1);
    addRow(db, 3, 2);
    setEnabled(db, '{"enabled":true}');
    db.exec(`UPDATE tags SET en = 'Dog' WHERE id = 1`); // no change
    expect(marked(db)).toEqual([]);
    db.exec(`UPDATE tags SET en = 'Hound' WHERE id = 1`);
    expect(pending(db)).toEqual([
      { content_id: 1, version: 1 },
      { content_id: 2, version: 1 },
    ]);
    clear(db);
    db.exec(`UPDATE tags SET type = 'concept' WHERE id = 2`);
    expect(marked(db)).toEqual([3]);
    db.close();
  });

  it('marks a tagged content seen at a new place or again, not an untagged one', () => {
    const db = openCatalog(tempFile());
    seed(db);
    addRow(db, 1, 1);
    setEnabled(db, '{"enabled":true}');
    // A move inside the folder, then across folders.
    db.exec(`UPDATE photos SET rel_path = 'moved.jpg' WHERE id = 1`);
    expect(marked(db)).toEqual([1]);
    clear(db);
    db.exec(`UPDATE photos SET folder_id = 2 WHERE id = 1`);
    expect(marked(db)).toEqual([1]);
    clear(db);
    // Gone missing: nothing to write; found again: due.
    db.exec(`UPDATE photos SET status = 'missing' WHERE id = 1`);
    expect(marked(db)).toEqual([]);
    db.exec(`UPDATE photos SET status = 'ok' WHERE id = 1`);
    expect(marked(db)).toEqual([1]);
    clear(db);
    // A second place showing the content.
    db.exec(`INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status)
             VALUES (1, 'copy.jpg', 1, 0, 1, 'ok')`);
    expect(marked(db)).toEqual([1]);
    clear(db);
    // Ingest of an untagged content (its tags come later and mark it then).
    db.exec(`INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, status) VALUES (9, 1, 'new.jpg', 1, 0, 'pending');
             UPDATE photos SET content_id = 2, status = 'ok' WHERE id = 9`);
    db.exec(`UPDATE photos SET size = 2, mtime_ms = 5 WHERE id = 1`);
    expect(marked(db)).toEqual([]);
    db.close();
  });

  it('lifts the backoff of marks waiting for a folder that comes back online', () => {
    const db = openCatalog(tempFile());
    seed(db);
    addRow(db, 1, 1);
    addRow(db, 3, 1);
    setEnabled(db, '{"enabled":true}');
    db.exec(`UPDATE folders SET status = 'offline'`);
    db.exec(`UPDATE photo_tags SET state = 'rejected'`);
    db.exec(`UPDATE sidecar_pending SET retry_at = 9e15`);
    db.exec(`UPDATE folders SET status = 'online' WHERE id = 2`);
    expect(
      db.prepare(`SELECT content_id, retry_at FROM sidecar_pending ORDER BY content_id`).all(),
    ).toEqual([
      { content_id: 1, retry_at: 9e15 },
      { content_id: 3, retry_at: null },
    ]);
    db.close();
  });

  it('marks merges and tag deletions through their cascades, and drops marks with their content', () => {
    const db = openCatalog(tempFile());
    seed(db);
    addRow(db, 1, 1);
    addRow(db, 2, 2);
    setEnabled(db, '{"enabled":true}');
    db.exec(`DELETE FROM tags WHERE id = 2`);
    expect(marked(db)).toEqual([2]);
    // Deleting a content cascades into its photo_tags; no mark may point at it (FKs are on).
    db.exec(`DELETE FROM contents WHERE id = 1`);
    db.exec(`DELETE FROM contents WHERE id = 2`);
    expect(marked(db)).toEqual([]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('keeps a mark out of a transaction that rolls back', () => {
    const db = openCatalog(tempFile());
    seed(db);
    setEnabled(db, '{"enabled":true}');
    expect(() =>
      db.transaction(() => {
        addRow(db, 1, 1);
        throw new Error('abort');
      })(),
    ).toThrow('abort');
    expect(marked(db)).toEqual([]);
    db.close();
  });
});
