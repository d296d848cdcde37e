// Migration 17 on real catalog files: imported face regions get their table, and
// `faces.assigned_by` takes 'imported' through the writable_schema edit, with the faces, their
// rejections and indexes still there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0017ImportedFaceRegions } from '../../../main/catalog/migrations/0017-imported-face-regions.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m17-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const importedFace = `INSERT INTO faces (content_id, x, y, w, h, confidence, source_side, sharpness,
                        model, person_id, assigned_by, created_at)
                      VALUES (1, 0.5, 0.1, 0.2, 0.2, 90, 80, 20, 'm', 1, 'imported', 0)`;

describe(`migration ${migration0017ImportedFaceRegions.name}`, () => {
  it('upgrades a catalog with faces: they stay, with their rejections, and a face may be imported', () => {
    const file = tempFile();
    const before = migrations.filter((m) => m.version < migration0017ImportedFaceRegions.version);
    const old = openCatalog(file, { migrations: before });
    old.exec(`
      INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h1', 1, 0);
      INSERT INTO persons (id, created_at) VALUES (1, 0);
      INSERT INTO faces (id, content_id, x, y, w, h, confidence, source_side, sharpness, model,
                         person_id, assigned_by, created_at)
        VALUES (7, 1, 0.1, 0.1, 0.2, 0.2, 90, 80, 20, 'm', 1, 'user', 0);
      INSERT INTO face_rejections (face_id, person_id, created_at) VALUES (7, 1, 0);`);
    // What the migration changes: 'imported' was refused.
    expect(() => old.exec(importedFace)).toThrow(/CHECK constraint failed/);
    const indexesBefore = old
      .prepare(`SELECT name FROM sqlite_schema WHERE tbl_name = 'faces' AND type = 'index'`)
      .pluck()
      .all();
    old.close();

    const db = openCatalog(file, {
      migrations: migrations.filter((m) => m.version <= migration0017ImportedFaceRegions.version),
    });
    expect(db.pragma('user_version', { simple: true })).toBe(17);
    expect(db.prepare(`SELECT id, assigned_by FROM faces`).all()).toEqual([
      { id: 7, assigned_by: 'user' },
    ]);
    expect(db.prepare(`SELECT count(*) FROM face_rejections`).pluck().get()).toBe(1);
    expect(
      db
        .prepare(`SELECT name FROM sqlite_schema WHERE tbl_name = 'faces' AND type = 'index'`)
        .pluck()
        .all(),
    ).toEqual(indexesBefore);
    db.exec(importedFace);
    expect(() => db.exec(importedFace.replace(`'imported'`, `'someone'`))).toThrow(
      /CHECK constraint failed/,
    );

    // A region matched to a face loses the match (not the region) when the face goes, and
    // goes with its content.
    db.exec(`INSERT INTO imported_face_regions (content_id, name, x, y, w, h, face_id, created_at)
             VALUES (1, 'Grandpa', 0.1, 0.1, 0.2, 0.2, 7, 0)`);
    expect(() =>
      db.exec(`INSERT INTO imported_face_regions (content_id, name, x, y, w, h, created_at)
               VALUES (1, 'Grandpa', 0.1, 0.1, 0.2, 0.2, 0)`),
    ).toThrow(/UNIQUE constraint failed/);
    db.exec(`DELETE FROM faces WHERE id = 7`);
    expect(db.prepare(`SELECT face_id FROM imported_face_regions`).pluck().all()).toEqual([null]);
    db.exec(`DELETE FROM contents WHERE id = 1`);
    expect(db.prepare(`SELECT count(*) FROM imported_face_regions`).pluck().get()).toBe(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
