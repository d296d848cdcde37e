// The search index on a real catalog file: the first snapshot is read by a real worker thread
// on its own read-only connection; searches use it while the catalog is unchanged, a write
// sends searches back to SQL at once (never a stale answer) and, once the catalog has been
// quiet, a new snapshot is read.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { startSearchIndex, type SearchIndex } from '../../main/search/search-index.ts';
import { loadSearchSnapshot } from '../../main/search/search-snapshot.ts';
import { countPhotos, searchPhotos } from '../../main/search/search-service.ts';
import { commonTags, SearchFixture } from './search-fixture.ts';

let fixture: SearchFixture;
let index: SearchIndex | undefined;
beforeEach(() => {
  fixture = new SearchFixture();
  fixture.addTags(commonTags);
  fixture.addPhoto({ relPath: 'a.jpg', takenAt: '2021-05-01T10:00:00', tags: [{ tag: 'dog' }] });
  fixture.addPhoto({ relPath: 'b.jpg', takenAt: '2022-05-01T10:00:00', tags: [{ tag: 'puppy' }] });
  fixture.addPhoto({ relPath: 'c.jpg', hash: 'hash-a.jpg' }); // a copy of a.jpg
});
afterEach(async () => {
  await index?.close();
  index = undefined;
  fixture.close();
});

const ids = (query: string, snapshot?: null) =>
  searchPhotos(fixture.db, query, {}, snapshot)
    .items.map((i) => i.relPath)
    .sort();

describe('startSearchIndex', () => {
  it('reads a snapshot in a worker thread and answers from it like SQL', async () => {
    index = startSearchIndex(fixture.db, join(fixture.dir, 'catalog.sqlite'));
    await index.refresh();
    expect(index.state()).toMatchObject({ current: true, photos: 3, builds: 1, disabled: null });
    expect(ids('狗')).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(ids('狗')).toEqual(ids('狗', null));
    expect(ids('dog -puppy')).toEqual(['a.jpg', 'c.jpg']);
    expect(countPhotos(fixture.db, 'puppy')).toBe(1);
  }, 30_000);

  it('never answers from a stale snapshot, and rebuilds once the catalog is quiet', async () => {
    let builds = 0;
    index = startSearchIndex(fixture.db, join(fixture.dir, 'catalog.sqlite'), {
      quietMs: 50,
      // In-process reads keep this test fast; the worker path is the test above.
      build: () => {
        builds++;
        return Promise.resolve(loadSearchSnapshot(fixture.db));
      },
    });
    await index.refresh();
    expect(builds).toBe(1);
    expect(ids('dog')).toEqual(['a.jpg', 'c.jpg']);

    fixture.db
      .prepare(`UPDATE photo_tags SET state = 'rejected' WHERE tag_id = ?`)
      .run(fixture.tagId('dog'));
    // The write is seen at once (SQL), not after the rebuild.
    expect(index.state().current).toBe(false);
    expect(ids('dog')).toEqual([]);
    // No explicit refresh: the quiet timer rebuilds by itself.
    await vi.waitFor(() => {
      expect(builds).toBe(2);
    });
    expect(index.state().current).toBe(true);
    expect(ids('dog')).toEqual([]);
    expect(ids('puppy')).toEqual(['b.jpg']);
  });

  it('waits while the catalog keeps changing', async () => {
    let builds = 0;
    index = startSearchIndex(fixture.db, join(fixture.dir, 'catalog.sqlite'), {
      quietMs: 80,
      build: () => {
        builds++;
        return Promise.resolve(loadSearchSnapshot(fixture.db));
      },
    });
    await index.refresh();
    const touch = () => fixture.db.prepare(`UPDATE contents SET camera = 'X' WHERE id = 1`).run();
    touch();
    index.current(); // a stale search arranges a rebuild for when the catalog is quiet
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 40));
      touch();
    }
    expect(builds).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    expect(builds).toBe(2);
  });

  it('keeps no snapshot for a library above the size limit, and searches in SQL', async () => {
    let builds = 0;
    index = startSearchIndex(fixture.db, join(fixture.dir, 'catalog.sqlite'), {
      maxTagRows: 1,
      build: () => {
        builds++;
        return Promise.resolve(loadSearchSnapshot(fixture.db));
      },
    });
    await index.refresh();
    expect(builds).toBe(0);
    const state = index.state();
    expect(state.current).toBe(false);
    expect(state.disabled).toMatch(/tag rows/);
    expect(ids('狗')).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
  });

  it('searches in SQL after close', async () => {
    index = startSearchIndex(fixture.db, join(fixture.dir, 'catalog.sqlite'), {
      build: () => Promise.resolve(loadSearchSnapshot(fixture.db)),
    });
    await index.refresh();
    await index.close();
    expect(index.current()).toBeNull();
    expect(ids('dog')).toEqual(['a.jpg', 'c.jpg']);
  });
});
