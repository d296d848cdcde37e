import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import { insertContent } from '../../main/catalog/contents.ts';
import { addFolder } from '../../main/catalog/folders.ts';
import {
  findMissingPhotosOfContent,
  loadFolderFileStates,
  markPhotosMissingUnder,
  relinkPhoto,
  setPhotoIngested,
  upsertPhoto,
} from '../../main/catalog/photos.ts';

let root: string;
let db: Catalog;
let folderId: number;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-photos-'));
  db = openCatalog(join(root, 'catalog.sqlite'));
  folderId = addFolder(db, root).id;
});
afterEach(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

const place = (relPath: string) =>
  upsertPhoto(db, { folderId, relPath, size: 1, mtimeMs: 1, status: 'pending' });

function content(hash: string): number {
  return insertContent(
    db,
    {
      hash,
      size: 1,
      format: 'jpeg',
      width: 1,
      height: 1,
      orientation: 1,
      takenAt: null,
      camera: null,
      lat: null,
      lon: null,
      hasPreview: true,
    },
    0,
  ).id;
}

function plan(sql: string, ...params: unknown[]): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  return rows.map((row) => row.detail).join('; ');
}

describe(markPhotosMissingUnder.name, () => {
  it('marks only places under the folder path, names with % and _ included', () => {
    for (const path of ['a_b/1.jpg', 'a_b/sub/2.jpg', 'axb/3.jpg', 'a_b.jpg', 'a%b/4.jpg']) {
      place(path);
    }
    expect(markPhotosMissingUnder(db, folderId, 'a_b')).toBe(2);
    const missing = db
      .prepare("SELECT rel_path FROM photos WHERE status = 'missing' ORDER BY rel_path")
      .pluck()
      .all();
    expect(missing).toEqual(['a_b/1.jpg', 'a_b/sub/2.jpg']);
  });
});

describe(relinkPhoto.name, () => {
  it('moves the missing row to the new place and drops the new row', () => {
    const old = place('old/name.jpg');
    const contentId = content('a'.repeat(64));
    setPhotoIngested(db, old, { contentId, size: 1, mtimeMs: 1, at: 1 });
    db.prepare("UPDATE photos SET status = 'missing' WHERE id = ?").run(old);
    place('other/name.jpg');
    const fresh = place('new/renamed.jpg');
    const [candidate] = findMissingPhotosOfContent(db, contentId, 'renamed.jpg');
    expect(candidate?.id).toBe(old);
    relinkPhoto(db, old, fresh, { contentId, size: 2, mtimeMs: 2, at: 2 });
    const states = loadFolderFileStates(db, folderId);
    expect(states.get('new/renamed.jpg')).toMatchObject({ id: old, status: 'ok', size: 2 });
    expect(states.has('old/name.jpg')).toBe(false);
  });

  it('prefers a missing place with the same file name', () => {
    const contentId = content('b'.repeat(64));
    const ids = ['x/first.jpg', 'y/keep.jpg', 'z/third.jpg'].map((path) => {
      const id = place(path);
      setPhotoIngested(db, id, { contentId, size: 1, mtimeMs: 1, at: 5 });
      return id;
    });
    db.prepare("UPDATE photos SET status = 'missing'").run();
    expect(findMissingPhotosOfContent(db, contentId, 'keep.jpg')[0]?.id).toBe(ids[1]);
  });
});

describe(loadFolderFileStates.name, () => {
  it('uses indexes for the scanner and ingest queries', () => {
    expect(plan('SELECT rel_path, id FROM photos WHERE folder_id = ?', 1)).toMatch(
      /USING (COVERING )?INDEX sqlite_autoindex_photos_1 \(folder_id=\?\)/,
    );
    expect(
      plan(
        "SELECT id FROM photos WHERE folder_id = ? AND rel_path >= ? AND rel_path < ? AND status != 'missing'",
        1,
        'a/',
        'a/\u{10FFFF}',
      ),
    ).toMatch(
      /USING (COVERING )?INDEX sqlite_autoindex_photos_1 \(folder_id=\? AND rel_path>\? AND rel_path<\?\)/,
    );
    expect(plan("SELECT * FROM photos WHERE content_id = ? AND status = 'missing'", 1)).toMatch(
      /USING (COVERING )?INDEX photos_(content|status)/,
    );
    expect(plan('SELECT * FROM contents WHERE hash = ?', 'x')).toMatch(
      /USING (COVERING )?INDEX sqlite_autoindex_contents_1 \(hash=\?\)/,
    );
  });
});
