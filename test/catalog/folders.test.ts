import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import {
  addFolder,
  FolderError,
  getFolder,
  isSameVolume,
  listFolders,
  removeFolder,
  setFolderEngines,
  setFolderStatus,
  volumeIdentityOf,
} from '../../main/catalog/folders.ts';
import { insertContent } from '../../main/catalog/contents.ts';
import { upsertPhoto } from '../../main/catalog/photos.ts';

let root: string;
let db: Catalog;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-folders-'));
  db = openCatalog(join(root, 'data', 'catalog.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

function dir(...parts: string[]): string {
  const path = join(root, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

describe(addFolder.name, () => {
  it('adds a folder by its real path with its volume identity and engines', () => {
    const photos = dir('photos');
    symlinkSync(photos, join(root, 'link'));
    const folder = addFolder(db, join(root, 'link'), { engines: ['local', 'huawei'], now: 42 });
    expect(folder).toMatchObject({
      path: photos,
      status: 'online',
      engines: ['local', 'huawei'],
      addedAt: 42,
      lastScanAt: null,
      volumeId: volumeIdentityOf(statSync(photos)),
    });
    expect(listFolders(db)).toEqual([folder]);
    expect(getFolder(db, folder.id)).toEqual(folder);
  });

  it('refuses a missing path, a file, a folder added twice, and nested folders', () => {
    const photos = dir('photos');
    dir('photos', 'inner');
    writeFileSync(join(root, 'file.jpg'), 'x');
    const codeOf = (path: string) => {
      try {
        addFolder(db, path);
        return 'added';
      } catch (error) {
        expect(error).toBeInstanceOf(FolderError);
        return (error as FolderError).code;
      }
    };
    expect(codeOf(join(root, 'nope'))).toBe('not-found');
    expect(codeOf(join(root, 'file.jpg'))).toBe('not-a-directory');
    expect(codeOf(photos)).toBe('added');
    expect(codeOf(photos)).toBe('already-added');
    expect(codeOf(join(photos, 'inner'))).toBe('inside-existing');
    expect(codeOf(root)).toBe('contains-existing');
    // A sibling whose name starts with the same letters is not inside.
    expect(codeOf(dir('photos-2020'))).toBe('added');
    expect(() => addFolder(db, join(photos, 'inner'))).toThrow(/inside .*photos, which is already/);
    expect(listFolders(db)).toHaveLength(2);
  });
});

describe(isSameVolume.name, () => {
  it('ignores a new device number but not a different root inode or birth time', () => {
    expect(isSameVolume('2049:128:1700000000000', '2050:128:1700000000000')).toBe(true);
    expect(isSameVolume('2049:128:1700000000000', '2049:129:1700000000000')).toBe(false);
    expect(isSameVolume('2049:2:1700000000000', '2049:2:1600000000000')).toBe(false);
    expect(isSameVolume(null, '1:2:3')).toBe(true);
  });
});

describe(setFolderStatus.name, () => {
  it('changes status and engines, and rejects unknown folders', () => {
    const folder = addFolder(db, dir('p'));
    setFolderStatus(db, folder.id, 'offline');
    setFolderEngines(db, folder.id, ['aliyun']);
    expect(getFolder(db, folder.id)).toMatchObject({ status: 'offline', engines: ['aliyun'] });
    expect(() => {
      setFolderStatus(db, 999, 'online');
    }).toThrow(/There is no folder 999/);
  });
});

describe(removeFolder.name, () => {
  it('removes the folder and its places but keeps contents (and so their tags)', () => {
    const folder = addFolder(db, dir('p'));
    upsertPhoto(db, {
      folderId: folder.id,
      relPath: 'a.jpg',
      size: 1,
      mtimeMs: 1,
      status: 'pending',
    });
    insertContent(
      db,
      {
        hash: 'ab'.repeat(32),
        size: 1,
        format: 'jpeg',
        width: 1,
        height: 1,
        orientation: 1,
        takenAt: null,
        camera: null,
        lat: null,
        lon: null,
        hasPreview: false,
      },
      0,
    );
    const other = addFolder(db, dir('q'));
    const contentId = Number(
      db.prepare(`SELECT id FROM contents WHERE hash = ?`).pluck().get('ab'.repeat(32)),
    );
    db.prepare(`INSERT INTO contents (hash, size, created_at) VALUES ('kept', 1, 0)`).run();
    const keptId = Number(db.prepare(`SELECT id FROM contents WHERE hash = 'kept'`).pluck().get());
    db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, 'k.jpg', 1, 0, ?, 'ok')`,
    ).run(other.id, keptId);
    for (const id of [contentId, keptId]) {
      db.prepare(
        `INSERT INTO jobs (kind, content_id, engine, state, next_run_at, created_at, updated_at)
         VALUES ('tag', ?, 'local', 'queued', 0, 0, 0)`,
      ).run(id);
    }
    const tagJobs = () =>
      db.prepare(`SELECT content_id FROM jobs WHERE kind = 'tag'`).pluck().all();
    expect(removeFolder(db, folder.id)).toEqual({ photos: 1 });
    // The content only the removed folder showed loses its tag job; the other keeps its own.
    expect(tagJobs()).toEqual([keptId]);
    expect(removeFolder(db, other.id)).toEqual({ photos: 1 });
    expect(tagJobs()).toEqual([]);
    expect(listFolders(db)).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM photos').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM contents').get()).toEqual({ n: 2 });
  });
});
