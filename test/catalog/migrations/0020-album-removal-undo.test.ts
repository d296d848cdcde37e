// Migration 20 on real catalog files: the undo record accepts a removal from an album, keeps
// the record a catalog had before, and is still one row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0020AlbumRemovalUndo } from '../../../main/catalog/migrations/0020-album-removal-undo.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m20-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe(`migration ${migration0020AlbumRemovalUndo.name}`, () => {
  it('upgrades a catalog whose undo record refuses a removal from an album', () => {
    const file = tempFile();
    const before = migrations.filter((m) => m.version < migration0020AlbumRemovalUndo.version);
    const old = openCatalog(file, { migrations: before });
    old.exec(
      `INSERT INTO bulk_undo (id, kind, payload, created_at) VALUES (1, 'add-to-album', '{"a":1}', 5)`,
    );
    expect(() => old.exec(`UPDATE bulk_undo SET kind = 'remove-from-album' WHERE id = 1`)).toThrow(
      /CHECK/,
    );
    old.close();

    const db = openCatalog(file, {
      migrations: migrations.filter((m) => m.version <= migration0020AlbumRemovalUndo.version),
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
});
