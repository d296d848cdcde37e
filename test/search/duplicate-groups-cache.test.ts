// The duplicates review's kept groups on a real catalog file, listed by the real worker
// thread: a second listing with the catalog unchanged is the kept one (no new worker), a
// "Not duplicates" or a photo gone makes the next listing a fresh one, a small library is
// listed in place, and a worker that fails (here: a catalog file it cannot open) leaves the
// listing in place rather than the page without groups.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import {
  dismissDuplicates,
  findDuplicateGroups,
  savePerceptualHash,
} from '../../main/catalog/perceptual-hashes.ts';
import { markPhotosMissing } from '../../main/catalog/photos.ts';
import { DuplicateGroupsCache } from '../../main/search/duplicate-groups-cache.ts';

let root: string;
let file: string;
let db: Catalog;
const caches: DuplicateGroupsCache[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-dupe-cache-'));
  file = join(root, 'catalog.sqlite');
  db = openCatalog(file);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)`).run(root);
  // Three pairs of near-duplicates (2 bits apart) and an unrelated photo.
  const add = db.prepare<[number, string]>(
    `INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, 1, 0)`,
  );
  const photo = db.prepare<[number, string, number]>(
    `INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, content_id, status)
     VALUES (?, 1, ?, 1, 0, ?, 'ok')`,
  );
  for (let id = 1; id <= 7; id++) {
    add.run(id, String(id).padStart(64, '0'));
    photo.run(id, `${String(id)}.jpg`, id);
    const pair = Math.ceil(id / 2);
    const hash = [pair * 4099, pair * 7919, pair * 10473, (pair * 3) ^ ((id % 2) * 5)];
    savePerceptualHash(db, id, { hash: hash as [number, number, number, number] }, 0);
  }
});
afterEach(async () => {
  for (const cache of caches.splice(0)) await cache.close();
  db.close();
  rmSync(root, { recursive: true, force: true });
});

function keep(cache: DuplicateGroupsCache): DuplicateGroupsCache {
  caches.push(cache);
  return cache;
}

const paths = (groups: { photos: { relPath: string }[] }[]) =>
  groups.map((g) => g.photos.map((p) => p.relPath));

describe(DuplicateGroupsCache.name, () => {
  it('lists in a worker, keeps the groups while the catalog has them, lists again after a change', async () => {
    const cache = keep(new DuplicateGroupsCache(db, file, { inPlaceUpToRows: 0 }));
    const first = (await cache.list()).groups;
    expect(paths(first)).toEqual(paths(findDuplicateGroups(db)));
    expect(first).toHaveLength(3);
    expect(cache.state().builds).toBe(1);
    expect((await cache.list()).groups).toBe(first);
    expect(cache.state().builds).toBe(1);

    dismissDuplicates(db, [1, 2], 0);
    const afterDismissal = (await cache.list()).groups;
    expect(cache.state().builds).toBe(2);
    expect(paths(afterDismissal)).toEqual(paths(findDuplicateGroups(db)));
    expect(afterDismissal).toHaveLength(2);

    markPhotosMissing(db, [3]);
    cache.refresh();
    expect(cache.state().building).toBe(true);
    expect(paths((await cache.list()).groups)).toEqual(paths(findDuplicateGroups(db)));
    expect(cache.state().builds).toBe(3);
    expect((await cache.list()).groups).toHaveLength(1);
  });

  it('lists a small library in place, and in place when the worker fails', async () => {
    const small = keep(new DuplicateGroupsCache(db, file));
    expect((await small.list()).groups).toHaveLength(3);
    expect(small.state().builds).toBe(0);

    const broken = keep(
      new DuplicateGroupsCache(db, join(root, 'no-such-folder', 'catalog.sqlite'), {
        inPlaceUpToRows: 0,
      }),
    );
    expect(paths((await broken.list()).groups)).toEqual(paths(findDuplicateGroups(db)));
  });
});
