// Migration 14 on real catalog files: smart albums saved before stay smart, manual albums
// hold ordered photos that leave with their photo or album, and the undo record is one row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0014ManualAlbums } from '../../../main/catalog/migrations/0014-manual-albums.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m14-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe(`migration ${migration0014ManualAlbums.name}`, () => {
  it('upgrades a version-13 catalog: its albums are smart; manual ones take ordered photos', () => {
    const file = tempFile();
    const old = openCatalog(file, { migrations: migrations.filter((m) => m.version <= 13) });
    old.exec(`
      INSERT INTO albums (id, name, query, created_at, updated_at) VALUES (1, 'Dogs', 'dog', 0, 0);
      INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 0);
      INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, status) VALUES
        (1, 1, 'a.jpg', 1, 0, 'ok'), (2, 1, 'b.jpg', 1, 0, 'ok');`);
    expect(() => old.exec(`SELECT * FROM album_photos`)).toThrow(/no such table/);
    old.close();

    const db = openCatalog(file, {
      migrations: migrations.filter((m) => m.version <= migration0014ManualAlbums.version),
    });
    expect(db.pragma('user_version', { simple: true })).toBe(14);
    expect(db.prepare(`SELECT id, name, kind, query FROM albums`).all()).toEqual([
      { id: 1, name: 'Dogs', kind: 'smart', query: 'dog' },
    ]);
    db.exec(`
      INSERT INTO albums (id, name, kind, query, created_at, updated_at) VALUES (2, 'Trip', 'manual', '', 0, 0);
      INSERT INTO album_photos (album_id, photo_id, position, added_at) VALUES (2, 1, 0, 0), (2, 2, 1, 0);`);
    expect(() => db.exec(`UPDATE albums SET kind = 'other' WHERE id = 2`)).toThrow(/CHECK/);
    // Two photos cannot share a place in the order, nor one photo be in an album twice.
    expect(() =>
      db.exec(`UPDATE album_photos SET position = 0 WHERE album_id = 2 AND photo_id = 2`),
    ).toThrow(/UNIQUE/);
    db.exec(`DELETE FROM photos WHERE id = 1`);
    expect(db.prepare(`SELECT photo_id FROM album_photos`).all()).toEqual([{ photo_id: 2 }]);
    db.exec(`DELETE FROM albums WHERE id = 2`);
    expect(db.prepare(`SELECT count(*) AS n FROM album_photos`).get()).toEqual({ n: 0 });
    db.exec(`INSERT INTO bulk_undo (id, kind, payload, created_at) VALUES (1, 'add-tag', '{}', 0)`);
    expect(() =>
      db.exec(
        `INSERT INTO bulk_undo (id, kind, payload, created_at) VALUES (2, 'add-tag', '{}', 0)`,
      ),
    ).toThrow(/CHECK/);
    db.close();
  });
});
