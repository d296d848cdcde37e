import {
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getFolder } from '../../main/catalog/folders.ts';
import { findPhotoByPath, getPhoto } from '../../main/catalog/photos.ts';
import {
  describeWatchError,
  watchLibrary,
  type LibraryWatcher,
} from '../../main/library/folder-watcher.ts';
import { createIngestPool, type IngestPool } from '../../main/library/ingest-pool.ts';
import { makeJpeg, makeTestLibrary, type TestLibrary } from './library-fixtures.ts';

let lib: TestLibrary;
let pool: IngestPool;
let watcher: LibraryWatcher;
beforeEach(async () => {
  lib = makeTestLibrary();
  pool = createIngestPool({ db: lib.db, dataRoot: lib.dataRoot, log: lib.log });
  watcher = watchLibrary(
    {
      db: lib.db,
      log: lib.log,
      enqueueIngest: (id) => {
        pool.enqueue(id);
      },
    },
    { debounceMs: 50, writeFinishMs: 200, reconcileIntervalMs: 60_000 },
  );
  await watcher.ready;
});
afterEach(async () => {
  await watcher.close();
  await pool.drain();
  lib.cleanup();
});

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const photoAt = (relPath: string) => findPhotoByPath(lib.db, lib.folder.id, relPath);
const okAt = (relPath: string) => {
  const photo = photoAt(relPath);
  return photo?.status === 'ok' ? photo : undefined;
};

describe(watchLibrary.name, () => {
  it('ingests an added file, re-ingests a changed one, and keeps a deleted one as missing', async () => {
    writeFileSync(join(lib.photos, 'new.jpg'), await makeJpeg({ colour: '#102030' }));
    const added = await waitFor('the added photo to be ingested', () => okAt('new.jpg'));
    const firstContent = added.contentId;

    writeFileSync(join(lib.photos, 'new.jpg'), await makeJpeg({ colour: '#405060' }));
    await waitFor('the change to be ingested', () => {
      const photo = okAt('new.jpg');
      return photo && photo.contentId !== firstContent ? photo : undefined;
    });

    rmSync(join(lib.photos, 'new.jpg'));
    await waitFor('the photo to be missing', () => photoAt('new.jpg')?.status === 'missing');
    expect(getPhoto(lib.db, added.id)).toBeDefined();
  });

  it('treats a rename as a move: the row keeps its id', async () => {
    mkdirSync(join(lib.photos, 'in'));
    writeFileSync(join(lib.photos, 'in', 'a.jpg'), await makeJpeg({ colour: '#777700' }));
    const before = await waitFor('ingest', () => okAt('in/a.jpg'));
    mkdirSync(join(lib.photos, 'out'));
    renameSync(join(lib.photos, 'in', 'a.jpg'), join(lib.photos, 'out', 'renamed.jpg'));
    const after = await waitFor('the move to be re-linked', () => okAt('out/renamed.jpg'));
    await pool.drain();
    expect(after.id).toBe(before.id);
    expect(after.contentId).toBe(before.contentId);
    expect(photoAt('in/a.jpg')).toBeUndefined();
  });

  it('waits for a half-written file to finish before reading it', async () => {
    const bytes = await makeJpeg({ width: 800, height: 600, colour: '#335577' });
    const fd = openSync(join(lib.photos, 'slow.jpg'), 'w');
    const chunks = 6;
    const size = Math.ceil(bytes.length / chunks);
    for (let i = 0; i < chunks; i++) {
      writeSync(fd, bytes.subarray(i * size, (i + 1) * size));
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    closeSync(fd);
    const photo = await waitFor('the slow file to be ingested', () => okAt('slow.jpg'));
    expect(photo.size).toBe(bytes.length);
    expect(pool.outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
  });

  it('marks a folder offline when it disappears, keeps its photos, and picks it up again', async () => {
    writeFileSync(join(lib.photos, 'kept.jpg'), await makeJpeg({ colour: '#aa5500' }));
    await waitFor('ingest', () => okAt('kept.jpg'));
    const aside = join(lib.root, 'unplugged');
    renameSync(lib.photos, aside);
    await waitFor(
      'the folder to go offline',
      () => getFolder(lib.db, lib.folder.id)?.status === 'offline',
    );
    expect(photoAt('kept.jpg')?.status).toBe('ok');
    expect(lib.log.lines.some((line) => line.includes('offline:'))).toBe(true);

    renameSync(aside, lib.photos);
    const [report] = await watcher.reconcileNow();
    expect(report).toMatchObject({ online: true, unchanged: 1, missing: 0 });
    expect(watcher.watchedFolderIds()).toEqual([lib.folder.id]);
    writeFileSync(join(lib.photos, 'after.jpg'), await makeJpeg({ colour: '#00aa55' }));
    await waitFor('a file added after the return', () => okAt('after.jpg'));
  });

  it('logs a clear line when the inotify watch limit is hit and relies on the reconcile scan', () => {
    // Exhausting the real limit would need fs.inotify.max_user_watches lowered for the whole
    // machine (other processes share it), so the error chokidar emits is injected instead.
    const chokidar = watcher.chokidarOf(lib.folder.id);
    const error = Object.assign(new Error('watch ENOSPC'), { code: 'ENOSPC' });
    chokidar?.emit('error', error);
    chokidar?.emit('error', error);
    const lines = lib.log.lines.filter((line) => line.includes('watch limit reached'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/max_user_watches = \S+\).*reconcile scan every 1 min/);
    expect(
      describeWatchError(Object.assign(new Error('boom'), { code: 'EIO' }), '/p', 60_000),
    ).toBe('watch error under /p: boom');
  });
});
