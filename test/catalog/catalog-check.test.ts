import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkCatalog,
  checkFoundDamage,
  writeInProgressMs,
} from '../../main/catalog/catalog-check.ts';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { addFolder } from '../../main/catalog/folders.ts';
import { findPhotoByPath } from '../../main/catalog/photos.ts';
import { previewPath, thumbnailPath } from '../../main/library/library-files.ts';
import {
  ingestFolder,
  makeJpeg,
  makeTestLibrary,
  type TestLibrary,
} from '../library/library-fixtures.ts';

let lib: TestLibrary;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(() => {
  lib.cleanup();
});

describe(checkCatalog.name, () => {
  it('finds orphan renditions, missing renditions and missing originals, and skips offline folders', async () => {
    writeFileSync(join(lib.photos, 'a.jpg'), await makeJpeg({ colour: '#ff0000' }));
    writeFileSync(join(lib.photos, 'b.jpg'), await makeJpeg({ colour: '#00ff00' }));
    const usb = join(lib.root, 'usb');
    mkdirSync(usb);
    writeFileSync(join(usb, 'c.jpg'), await makeJpeg({ colour: '#0000ff' }));
    const usbFolder = addFolder(lib.db, usb);
    await ingestFolder(lib, lib.folder.id);
    await ingestFolder(lib, usbFolder.id);

    const clean = await checkCatalog(lib.db, lib.dataRoot);
    expect(clean).toMatchObject({
      integrity: [],
      foreignKeys: [],
      orphanCount: 0,
      missingRenditionCount: 0,
      missingOriginalCount: 0,
      offlineFolders: [],
      photosChecked: 3,
    });

    // An orphan (its content is not in the catalog), a temp file left by a crash, a lost preview.
    const orphanHash = 'ab'.repeat(32);
    const orphan = thumbnailPath(lib.dataRoot, orphanHash);
    mkdirSync(join(orphan, '..'), { recursive: true });
    writeFileSync(orphan, 'x'.repeat(100));
    const leftover = `${previewPath(lib.dataRoot, orphanHash)}.123-abc.tmp`;
    mkdirSync(join(leftover, '..'), { recursive: true });
    writeFileSync(leftover, 'y'.repeat(50));
    const a = findPhotoByPath(lib.db, lib.folder.id, 'a.jpg');
    const aHash = (
      lib.db.prepare('SELECT hash FROM contents WHERE id = ?').get(a?.contentId) as {
        hash: string;
      }
    ).hash;
    rmSync(previewPath(lib.dataRoot, aHash));
    // b.jpg deleted behind the catalog's back; the usb drive unplugged with c.jpg on it.
    rmSync(join(lib.photos, 'b.jpg'));
    renameSync(usb, `${usb}-away`);

    // Seen well after the writes, with the temp file's writer (pid 123) gone: see the test below.
    const later = {
      now: () => Date.now() + writeInProgressMs + 60_000,
      isWriterAlive: () => false,
    };
    const report = await checkCatalog(lib.db, lib.dataRoot, later);
    expect(checkFoundDamage(report)).toBe(false);
    expect(report.orphanCount).toBe(2);
    expect(report.orphanBytes).toBe(150);
    expect(report.orphans.map((o) => o.path).sort()).toEqual([leftover, orphan].sort());
    expect(report.missingRenditions).toEqual([{ hash: aHash, kind: 'preview' }]);
    expect(report.missingOriginals).toEqual([
      {
        photoId: findPhotoByPath(lib.db, lib.folder.id, 'b.jpg')?.id,
        path: join(lib.photos, 'b.jpg'),
        catalogStatus: 'ok',
      },
    ]);
    expect(report.unnoticedMissingCount).toBe(1);
    expect(report.offlineFolders).toEqual([{ id: usbFolder.id, path: usb }]);
    expect(report.removedOrphans).toBe(0);
    expect(existsSync(orphan)).toBe(true);

    const fixed = await checkCatalog(lib.db, lib.dataRoot, { ...later, fixOrphans: true });
    expect(fixed.removedOrphans).toBe(2);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(leftover)).toBe(false);
    // Real renditions are never touched.
    expect(existsSync(thumbnailPath(lib.dataRoot, aHash))).toBe(true);
    expect((await checkCatalog(lib.db, lib.dataRoot, later)).orphanCount).toBe(0);
  });

  it('leaves alone what another Tujian is writing right now (a fresh rendition, a live temp file)', async () => {
    writeFileSync(join(lib.photos, 'a.jpg'), await makeJpeg({ colour: '#ff0000' }));
    await ingestFolder(lib, lib.folder.id);
    // Another process's ingest has just written a new photo's renditions and is reading its
    // metadata before inserting the content row (photo-ingest.ts writes renditions first).
    const comingHash = 'cd'.repeat(32);
    const coming = previewPath(lib.dataRoot, comingHash);
    mkdirSync(join(coming, '..'), { recursive: true });
    writeFileSync(coming, 'p'.repeat(80));
    // And a thumbnail being written by a live process (this one), written long ago by its clock.
    const writing = `${thumbnailPath(lib.dataRoot, comingHash)}.${String(process.pid)}-k2.tmp`;
    mkdirSync(join(writing, '..'), { recursive: true });
    writeFileSync(writing, 't'.repeat(20));
    const old = new Date(Date.now() - 2 * writeInProgressMs);
    utimesSync(writing, old, old);

    const fixed = await checkCatalog(lib.db, lib.dataRoot, { fixOrphans: true });
    expect(fixed.removedOrphans).toBe(0);
    expect(fixed.orphanCount).toBe(0);
    expect(fixed.inProgressCount).toBe(2);
    expect(existsSync(coming)).toBe(true);
    expect(existsSync(writing)).toBe(true);

    // Once the window has passed and the writer is gone, both are orphans and go.
    const later = await checkCatalog(lib.db, lib.dataRoot, {
      fixOrphans: true,
      now: () => Date.now() + writeInProgressMs + 60_000,
      isWriterAlive: (pid) => pid !== process.pid,
    });
    expect(later.removedOrphans).toBe(1);
    expect(existsSync(coming)).toBe(false);
    expect(existsSync(writing)).toBe(true);
  });

  it('reports a damaged index from integrity_check', async () => {
    const file = join(lib.root, 'damaged.sqlite');
    const db = openCatalog(file);
    const folder = db
      .prepare(`INSERT INTO folders (path, added_at) VALUES ('/x', 0) RETURNING id`)
      .get() as { id: number };
    const insert = db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, status) VALUES (?, ?, 1, 1, 'ok')`,
    );
    for (let i = 0; i < 50; i++) insert.run(folder.id, `p${String(i)}.jpg`);
    db.close();
    // Make the index disagree with its table: its stored definition now names another column.
    const raw = new Database(file);
    raw.unsafeMode(true);
    raw.pragma('writable_schema = ON');
    raw
      .prepare(`UPDATE sqlite_schema SET sql = ? WHERE name = 'photos_status'`)
      .run('CREATE INDEX photos_status ON photos(rel_path)');
    raw.close();

    const damaged = new Database(file);
    const report = await checkCatalog(damaged, lib.dataRoot);
    damaged.close();
    expect(checkFoundDamage(report)).toBe(true);
    expect(report.integrity.join('\n')).toMatch(/photos_status/);
  });
});
