import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getFolder } from '../../main/catalog/folders.ts';
import { findPhotoByPath, listFolderPhotos } from '../../main/catalog/photos.ts';
import {
  followsOutsideLinks,
  inspectPath,
  scanFolder,
  setFollowOutsideLinks,
} from '../../main/library/folder-scanner.ts';
import { asUnprivileged, makeJpeg, makeTestLibrary, type TestLibrary } from './library-fixtures.ts';

let lib: TestLibrary;
let enqueued: number[];
beforeEach(() => {
  lib = makeTestLibrary();
  enqueued = [];
});
afterEach(() => {
  lib.cleanup();
});

const scan = () =>
  scanFolder(
    {
      db: lib.db,
      log: lib.log,
      enqueueIngest: (id) => {
        enqueued.push(id);
      },
      now: () => 1234,
    },
    lib.folder.id,
  );

function put(relPath: string, bytes: Buffer | string = 'not really a jpeg'): void {
  const path = join(lib.photos, relPath);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
}

describe(scanFolder.name, () => {
  it('walks recursively, records image files as pending and queues them', async () => {
    put('a.jpg');
    put('2020/summer/b.PNG');
    put('2020/notes.txt');
    put('.hidden/c.jpg');
    put('2020/.d.jpg');
    put('@eaDir/e.jpg');
    put('raw/f.nef');
    const report = await scan();
    expect(report).toMatchObject({
      online: true,
      seen: 3,
      added: 3,
      skipped: 1,
      unchanged: 0,
      missing: 0,
      errors: 0,
      enqueued: 2,
    });
    const rows = listFolderPhotos(lib.db, lib.folder.id).map((p) => [p.relPath, p.status]);
    expect(rows).toEqual([
      ['2020/summer/b.PNG', 'pending'],
      ['a.jpg', 'pending'],
      ['raw/f.nef', 'skipped'],
    ]);
    expect(enqueued.sort()).toEqual(
      [
        findPhotoByPath(lib.db, lib.folder.id, 'a.jpg')?.id,
        findPhotoByPath(lib.db, lib.folder.id, '2020/summer/b.PNG')?.id,
      ].sort(),
    );
    expect(getFolder(lib.db, lib.folder.id)?.lastScanAt).toBe(1234);
  });

  it('sees unchanged, changed, missing and returned files on a rescan', async () => {
    put('keep.jpg', 'one');
    put('edit.jpg', 'two');
    put('gone.jpg', 'three');
    await scan();
    lib.db.prepare("UPDATE photos SET status = 'ok'").run();
    put('edit.jpg', 'two, longer');
    rmSync(join(lib.photos, 'gone.jpg'));
    enqueued = [];
    const second = await scan();
    expect(second).toMatchObject({
      seen: 2,
      unchanged: 1,
      changed: 1,
      missing: 1,
      added: 0,
      enqueued: 1,
    });
    expect(findPhotoByPath(lib.db, lib.folder.id, 'gone.jpg')?.status).toBe('missing');
    expect(findPhotoByPath(lib.db, lib.folder.id, 'edit.jpg')?.status).toBe('pending');

    put('gone.jpg', 'three');
    const third = await scan();
    expect(third).toMatchObject({ returned: 0, changed: 1 }); // a new mtime: read again
    expect(findPhotoByPath(lib.db, lib.folder.id, 'gone.jpg')?.status).toBe('pending');
  });

  it('does not mark files missing under a folder it cannot read', async () => {
    put('locked/a.jpg');
    put('open/b.jpg');
    await scan();
    chmodSync(join(lib.photos, 'locked'), 0o000);
    const report = await asUnprivileged(scan);
    chmodSync(join(lib.photos, 'locked'), 0o755);
    expect(report).toMatchObject({ missing: 0, errors: 1 });
    expect(report.problems).toEqual([
      { relPath: 'locked', reason: 'Cannot read this folder: Permission denied.' },
    ]);
    expect(findPhotoByPath(lib.db, lib.folder.id, 'locked/a.jpg')?.status).toBe('pending');
  });

  it('follows folder symlinks once and reports loops', async () => {
    const outside = join(lib.root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'x.jpg'), 'x');
    symlinkSync(outside, join(lib.photos, 'linked'));
    put('sub/a.jpg');
    symlinkSync('..', join(lib.photos, 'sub', 'up'));
    // `linked` leads outside the added folder: followed only with the folder's opt-in.
    setFollowOutsideLinks(lib.db, lib.folder.id, true);
    const report = await scan();
    expect(report.seen).toBe(2);
    expect(findPhotoByPath(lib.db, lib.folder.id, 'linked/x.jpg')).toBeDefined();
    expect(report.problems.map((p) => p.relPath)).toEqual(['sub/up']);
    expect(report.problems[0]?.reason).toMatch(/Symbolic link loop/);
  });

  it('scans a folder reached by two links once and does not call the second link a loop', async () => {
    put('real/a.jpg');
    symlinkSync(join(lib.photos, 'real'), join(lib.photos, 'first'));
    symlinkSync(join(lib.photos, 'real'), join(lib.photos, 'second'));
    const report = await scan();
    expect(report).toMatchObject({ seen: 1, errors: 0, linksNotFollowed: 2 });
    expect(report.problems.map((p) => p.reason)).toEqual([
      'Links to a folder already scanned through another path; not scanned twice.',
      'Links to a folder already scanned through another path; not scanned twice.',
    ]);
    expect(report.problems.some((p) => /loop/i.test(p.reason))).toBe(false);
  });

  it('does not follow a folder link leading outside the added folder unless the folder opts in', async () => {
    const outside = join(lib.root, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(join(outside, 'x.jpg'), 'x');
    symlinkSync(outside, join(lib.photos, 'out'));
    put('in.jpg');

    const closed = await scan();
    expect(closed).toMatchObject({ seen: 1, errors: 0, linksNotFollowed: 1 });
    expect(closed.problems).toEqual([
      {
        relPath: 'out',
        reason: expect.stringMatching(/outside the added folder; not followed/) as unknown,
      },
    ]);
    expect(findPhotoByPath(lib.db, lib.folder.id, 'out/x.jpg')).toBeUndefined();

    // The opt-in is stored with the catalog, so every later scan follows the link.
    setFollowOutsideLinks(lib.db, lib.folder.id, true);
    expect(followsOutsideLinks(lib.db, lib.folder.id)).toBe(true);
    const open = await scan();
    expect(open).toMatchObject({ seen: 2, errors: 0, linksNotFollowed: 0 });
    expect(findPhotoByPath(lib.db, lib.folder.id, 'out/x.jpg')?.status).toBe('pending');

    setFollowOutsideLinks(lib.db, lib.folder.id, false);
    expect(followsOutsideLinks(lib.db, lib.folder.id)).toBe(false);
  });

  it('records a pipe named like a photo as skipped with the reason, never opening it', async () => {
    // A real FIFO: node:fs cannot make one. If the scan opened it, this test would hang.
    execFileSync('mkfifo', [join(lib.photos, 'pipe.jpg')]);
    put('a.jpg');
    const report = await scan();
    expect(report).toMatchObject({ seen: 2, skipped: 1, errors: 0, added: 2, enqueued: 1 });
    expect(report.problems).toEqual([
      {
        relPath: 'pipe.jpg',
        reason: 'Not a regular file: this is a named pipe (FIFO), which Tujian does not read.',
      },
    ]);
    expect(findPhotoByPath(lib.db, lib.folder.id, 'pipe.jpg')).toMatchObject({
      status: 'skipped',
      error: expect.stringMatching(/named pipe/) as unknown,
    });
  });

  it('marks a folder offline when its root is gone or is another folder, touching nothing', async () => {
    put('a.jpg', await makeJpeg());
    await scan();
    const aside = join(lib.root, 'unplugged');
    renameSync(lib.photos, aside);

    const gone = await scan();
    expect(gone).toMatchObject({ online: false, missing: 0 });
    expect(gone.offlineReason).toMatch(/is not there \(drive unplugged/);
    expect(getFolder(lib.db, lib.folder.id)?.status).toBe('offline');
    expect(findPhotoByPath(lib.db, lib.folder.id, 'a.jpg')?.status).toBe('pending');

    // An empty folder where the drive was mounted is not the folder that was added.
    mkdirSync(lib.photos);
    const other = await scan();
    expect(other.online).toBe(false);
    expect(other.offlineReason).toMatch(/not the folder that was added/);
    expect(findPhotoByPath(lib.db, lib.folder.id, 'a.jpg')?.status).toBe('pending');

    // The drive comes back: online again, nothing lost.
    rmSync(lib.photos, { recursive: true });
    renameSync(aside, lib.photos);
    const back = await scan();
    expect(back).toMatchObject({ online: true, unchanged: 1, missing: 0 });
    expect(getFolder(lib.db, lib.folder.id)?.status).toBe('online');
  });
});

describe(inspectPath.name, () => {
  it('reports a pipe named like a photo as skipped with the reason (the watcher path)', async () => {
    const lib = makeTestLibrary();
    try {
      execFileSync('mkfifo', [join(lib.photos, 'pipe.jpg')]);
      expect(await inspectPath(lib.photos, 'pipe.jpg')).toMatchObject({
        relPath: 'pipe.jpg',
        problem: {
          status: 'skipped',
          reason: 'Not a regular file: this is a named pipe (FIFO), which Tujian does not read.',
        },
      });
      mkdirSync(join(lib.photos, 'album.jpg'));
      expect(await inspectPath(lib.photos, 'album.jpg')).toBe('ignored');
    } finally {
      lib.cleanup();
    }
  });
});
