// The sidecar drainer with real ExifTool on real photos in a temporary library: tag changes
// made through the catalog's own functions (engine answers, user edits, renames) reach the
// sidecars that ExifTool reads back, marks survive crashes, failures and unreachable folders,
// and a burst of changes to one photo is written once.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import { setFolderStatus } from '../../main/catalog/folders.ts';
import { saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import { findPhotoByPath } from '../../main/catalog/photos.ts';
import { addTag, mergeTags, removeTag, renameTag } from '../../main/catalog/tag-editing.ts';
import type { EngineAnswer } from '../../main/engines/tag-model.ts';
import { relinkFolder } from '../../main/library/folder-relink.ts';
import {
  countPendingSidecars,
  createSidecarSync,
  dueSidecarsSql,
  type SidecarSync,
  type SidecarSyncOptions,
} from '../../main/library/sidecar-sync.ts';
import { createXmpTool, writeXmpSettings, type XmpTool } from '../../main/library/xmp-sidecars.ts';
import { ingestFolder, makeJpeg, makeTestLibrary, type TestLibrary } from './library-fixtures.ts';

// Read-back by a separate ExifTool run from the command line, not our code path.
const exiftoolCli = existsSync('/usr/bin/exiftool')
  ? '/usr/bin/exiftool'
  : join(process.cwd(), 'node_modules/exiftool-vendored.pl/bin/exiftool');

function keywordsIn(file: string): { subject: string[]; hierarchical: string[] } {
  const out = execFileSync(exiftoolCli, [
    '-j',
    '-XMP-dc:Subject',
    '-XMP-lr:HierarchicalSubject',
    file,
  ]).toString();
  const tags = (JSON.parse(out) as Record<string, string | string[] | undefined>[])[0] ?? {};
  const list = (v: string | string[] | undefined) =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];
  return { subject: list(tags.Subject), hierarchical: list(tags.HierarchicalSubject) };
}

// One real ExifTool process for the file; each drainer gets it through a wrapper that counts
// writes (the drainer's `close()` would otherwise end it after each test).
let realTool: XmpTool;
let writes: string[] = [];
beforeAll(() => {
  realTool = createXmpTool();
});
afterAll(async () => {
  await realTool.end();
});

function countingTool(beforeWrite?: (path: string) => void): () => XmpTool {
  return () => ({
    read: (path) => realTool.read(path),
    async write(path, keywords) {
      beforeWrite?.(path);
      writes.push(path);
      await realTool.write(path, keywords);
    },
    end: () => Promise.resolve(),
  });
}

let lib: TestLibrary;
const syncs: SidecarSync[] = [];
beforeEach(() => {
  lib = makeTestLibrary();
  writes = [];
});
afterEach(async () => {
  for (const sync of syncs.splice(0)) await sync.close();
  lib.cleanup();
});

function makeSync(options: SidecarSyncOptions = {}, db: Catalog = lib.db): SidecarSync {
  const sync = createSidecarSync(db, { tool: countingTool(), quietMs: 0, ...options });
  syncs.push(sync);
  return sync;
}

async function ingest(
  relPaths: readonly string[],
): Promise<{ photoId: number; contentId: number; sidecar: string }[]> {
  for (const [i, relPath] of relPaths.entries()) {
    const abs = join(lib.photos, ...relPath.split('/'));
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, await makeJpeg({ colour: `#${String(20 + i * 30)}5080` }));
  }
  await ingestFolder(lib, lib.folder.id);
  return relPaths.map((relPath) => {
    const photo = findPhotoByPath(lib.db, lib.folder.id, relPath);
    if (photo?.contentId == null) throw new Error(`${relPath} not ingested`);
    return {
      photoId: photo.id,
      contentId: photo.contentId,
      sidecar: join(lib.photos, `${relPath}.xmp`),
    };
  });
}

function answer(tags: readonly [string, string, string, number][]): EngineAnswer {
  return {
    engine: 'local',
    model: 'm',
    tags: tags.map(([name, zh, type, confidence]) => ({
      name,
      i18n: { zh, en: name },
      type: type as 'object' | 'scene' | 'concept',
      confidence,
      instances: [],
    })),
  };
}
const dogOnBeach = answer([
  ['dog', '狗', 'object', 91],
  ['beach', '海滩', 'scene', 80],
]);

const pendingIds = (db: Catalog = lib.db) =>
  db
    .prepare<[], { content_id: number }>(`SELECT content_id FROM sidecar_pending ORDER BY 1`)
    .all()
    .map((r) => r.content_id);

describe(createSidecarSync.name, () => {
  it('writes the keywords of a saved engine answer, then drops a tag the user removed', async () => {
    const [photo] = await ingest(['trip/dog.jpg']);
    if (!photo) throw new Error('no photo');
    writeXmpSettings(lib.db, { enabled: true, languages: 'en' });
    saveEngineAnswer(lib.db, photo.contentId, dogOnBeach, 'k');
    expect(pendingIds()).toEqual([photo.contentId]);
    const sync = makeSync();

    const first = await sync.drainDue();
    expect(first).toMatchObject({ done: 1, written: 1, retry: [] });
    expect(keywordsIn(photo.sidecar)).toEqual({
      subject: ['dog', 'beach'],
      hierarchical: ['Tujian|objects|dog', 'Tujian|scenes|beach'],
    });
    expect(pendingIds()).toEqual([]);

    // The user removes "dog" (a rejection), adds "Rex", and renames "beach".
    removeTag(lib.db, { photoIds: [photo.photoId] }, 'dog');
    addTag(lib.db, { photoIds: [photo.photoId] }, 'Rex');
    const beach = lib.db
      .prepare<[], { id: number }>(`SELECT id FROM tags WHERE name = 'beach'`)
      .get();
    renameTag(lib.db, beach?.id ?? -1, { en: 'seaside' });
    expect(pendingIds()).toEqual([photo.contentId]);
    expect(await sync.drainDue()).toMatchObject({ done: 1, written: 1 });
    expect(keywordsIn(photo.sidecar)).toEqual({
      subject: ['Rex', 'seaside'],
      hierarchical: ['Tujian|user|Rex', 'Tujian|scenes|seaside'],
    });
    // Nothing left to do: no ExifTool call at all.
    writes = [];
    expect(await sync.drainDue()).toMatchObject({ done: 0, written: 0 });
    expect(writes).toEqual([]);
  });

  it('writes every content a merge touched', async () => {
    const [a, b] = await ingest(['a.jpg', 'b.jpg']);
    if (!a || !b) throw new Error('no photos');
    saveEngineAnswer(lib.db, a.contentId, answer([['puppy', '小狗', 'object', 90]]), 'k');
    saveEngineAnswer(lib.db, b.contentId, dogOnBeach, 'k');
    writeXmpSettings(lib.db, { enabled: true, languages: 'en' });
    const tagId = (name: string) =>
      lib.db.prepare<[string], { id: number }>(`SELECT id FROM tags WHERE name = ?`).get(name)
        ?.id ?? -1;
    mergeTags(lib.db, tagId('puppy'), tagId('dog'));
    expect(pendingIds()).toEqual([a.contentId]);
    expect(await makeSync().drainDue()).toMatchObject({ done: 1, written: 1 });
    expect(keywordsIn(a.sidecar).subject).toEqual(['dog']);
  });

  it('marks and writes nothing while sidecar writing is off', async () => {
    const [photo] = await ingest(['off.jpg']);
    if (!photo) throw new Error('no photo');
    saveEngineAnswer(lib.db, photo.contentId, dogOnBeach, 'k');
    writeXmpSettings(lib.db, { enabled: false });
    addTag(lib.db, { photoIds: [photo.photoId] }, 'Rex');
    expect(countPendingSidecars(lib.db)).toEqual({ pending: 0, retrying: 0 });
    // A mark left from before it was turned off waits, unwritten.
    lib.db
      .prepare(`INSERT INTO sidecar_pending (content_id, since, changed_at) VALUES (?, 0, 0)`)
      .run(photo.contentId);
    expect(await makeSync().flush()).toMatchObject({ done: 0, written: 0 });
    expect(existsSync(photo.sidecar)).toBe(false);
    expect(writes).toEqual([]);
  });

  it('writes a change that a crashed process marked but never wrote', async () => {
    const [photo] = await ingest(['crash.jpg']);
    if (!photo) throw new Error('no photo');
    writeXmpSettings(lib.db, { enabled: true, languages: 'en' });
    // Another process saves an engine answer and dies (SIGKILL) before any sidecar is written.
    const script = join(lib.root, 'crash.mts');
    const mainDir = join(process.cwd(), 'main');
    writeFileSync(
      script,
      `import { openCatalog } from ${JSON.stringify(join(mainDir, 'catalog/catalog-connection.ts'))};
       import { saveEngineAnswer } from ${JSON.stringify(join(mainDir, 'catalog/photo-tags.ts'))};
       const db = openCatalog(process.argv[2]);
       saveEngineAnswer(db, Number(process.argv[3]), JSON.parse(process.argv[4]), 'k');
       process.kill(process.pid, 'SIGKILL');`,
    );
    const file = join(lib.dataRoot, 'catalog.sqlite');
    const child = spawnSync(process.execPath, [
      'bin/run-ts.js',
      script,
      file,
      String(photo.contentId),
      JSON.stringify(dogOnBeach),
    ]);
    expect({ signal: child.signal, stderr: child.stderr.toString() }).toEqual({
      signal: 'SIGKILL',
      stderr: '',
    });
    // A fresh connection (the app starting again) finds the mark and writes the sidecar.
    const reopened = openCatalog(file);
    try {
      expect(pendingIds(reopened)).toEqual([photo.contentId]);
      const sync = makeSync({}, reopened);
      expect(await sync.drainDue()).toMatchObject({ done: 1, written: 1 });
      await sync.close();
      expect(keywordsIn(photo.sidecar).subject).toEqual(['dog', 'beach']);
      expect(pendingIds(reopened)).toEqual([]);
    } finally {
      reopened.close();
    }
  });

  it('writes a burst of changes to one photo once, after it has been quiet', async () => {
    const [photo] = await ingest(['burst.jpg']);
    if (!photo) throw new Error('no photo');
    writeXmpSettings(lib.db, { enabled: true, languages: 'en' });
    const sync = makeSync({ quietMs: 400, pollMs: 50 });
    saveEngineAnswer(lib.db, photo.contentId, dogOnBeach, 'k');
    // Not quiet yet: nothing is due.
    expect(await sync.drainDue()).toMatchObject({ done: 0 });
    sync.start();
    for (const name of ['Rex', 'park', 'ball']) {
      await new Promise((r) => setTimeout(r, 100));
      addTag(lib.db, { photoIds: [photo.photoId] }, name);
    }
    const deadline = Date.now() + 10_000;
    while (countPendingSidecars(lib.db).pending > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(countPendingSidecars(lib.db).pending).toBe(0);
    expect(writes).toEqual([photo.sidecar]);
    expect(keywordsIn(photo.sidecar).subject.sort()).toEqual(
      ['Rex', 'ball', 'beach', 'dog', 'park'].sort(),
    );
  });

  it('writes again a change made while its sidecar was being written', async () => {
    const [photo] = await ingest(['race.jpg']);
    if (!photo) throw new Error('no photo');
    writeXmpSettings(lib.db, { enabled: true, languages: 'en' });
    saveEngineAnswer(lib.db, photo.contentId, dogOnBeach, 'k');
    // Quiet long enough already; the change during the write is not, so this pass leaves it.
    lib.db.exec(`UPDATE sidecar_pending SET changed_at = changed_at - 5000`);
    let once = true;
    const sync = makeSync({
      quietMs: 2_000,
      tool: countingTool(() => {
        // The user adds a tag after the keywords were read, before they reach the file.
        if (once) addTag(lib.db, { photoIds: [photo.photoId] }, 'Rex');
        once = false;
      }),
    });
    expect(await sync.drainDue()).toMatchObject({ written: 1 });
    expect(keywordsIn(photo.sidecar).subject).toEqual(['dog', 'beach']);
    expect(pendingIds()).toEqual([photo.contentId]);
    expect(await sync.flush()).toMatchObject({ done: 1, written: 1 });
    expect(keywordsIn(photo.sidecar).subject).toEqual(['Rex', 'dog', 'beach']);
    expect(pendingIds()).toEqual([]);
  });

  it('keeps the mark of a sidecar ExifTool cannot write and writes it once that is fixed', async () => {
    const [photo] = await ingest(['stuck.jpg']);
    if (!photo) throw new Error('no photo');
    writeXmpSettings(lib.db, { enabled: true, languages: 'en' });
    // A directory where the sidecar should be: ExifTool fails on it, as on a damaged file.
    mkdirSync(photo.sidecar);
    saveEngineAnswer(lib.db, photo.contentId, dogOnBeach, 'k');
    const warnings: string[] = [];
    const sync = makeSync({
      retryFirstMs: 60_000,
      log: { info: () => undefined, warn: (m) => warnings.push(m) },
    });
    const failed = await sync.flush();
    expect(failed.done).toBe(0);
    expect(failed.retry).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/not written .*trying again in 1 min/);
    const row = lib.db
      .prepare<[], { attempts: number; retry_at: number; lease_until: number | null }>(
        `SELECT attempts, retry_at, lease_until FROM sidecar_pending`,
      )
      .get();
    expect(row?.attempts).toBe(1);
    expect(row?.lease_until).toBeNull();
    expect(row?.retry_at).toBeGreaterThan(Date.now() + 50_000);
    // Backing off: a flush leaves it alone.
    expect(await sync.flush()).toMatchObject({ done: 0, retry: [] });
    // Fixed; the next change of the photo (or the backoff running out) writes it.
    rmSync(photo.sidecar, { recursive: true });
    addTag(lib.db, { photoIds: [photo.photoId] }, 'Rex');
    expect(await sync.flush()).toMatchObject({ done: 1, written: 1 });
    expect(keywordsIn(photo.sidecar).subject).toEqual(['Rex', 'dog', 'beach']);
  });

  it('waits for an offline folder and writes as soon as it is back online', async () => {
    const [photo] = await ingest(['away.jpg']);
    if (!photo) throw new Error('no photo');
    writeXmpSettings(lib.db, { enabled: true, languages: 'en' });
    setFolderStatus(lib.db, lib.folder.id, 'offline');
    saveEngineAnswer(lib.db, photo.contentId, dogOnBeach, 'k');
    const sync = makeSync({ log: { info: () => undefined, warn: () => undefined } });
    const waiting = await sync.flush();
    expect(waiting.retry).toEqual([
      { contentId: photo.contentId, reason: expect.stringMatching(/offline/) as string },
    ]);
    expect(existsSync(photo.sidecar)).toBe(false);
    expect(countPendingSidecars(lib.db)).toEqual({ pending: 1, retrying: 1 });
    setFolderStatus(lib.db, lib.folder.id, 'online');
    expect(countPendingSidecars(lib.db)).toEqual({ pending: 1, retrying: 0 });
    expect(await sync.drainDue()).toMatchObject({ done: 1, written: 1 });
    expect(keywordsIn(photo.sidecar).subject).toEqual(['dog', 'beach']);
  });

  it('writes into a sidecar folder, and again under the new name when the library folder moves', async () => {
    const [photo] = await ingest(['trip/dog.jpg']);
    if (!photo) throw new Error('no photo');
    const mirror = join(lib.root, 'sidecars');
    writeXmpSettings(lib.db, {
      enabled: true,
      languages: 'en',
      location: 'folder',
      folder: mirror,
    });
    saveEngineAnswer(lib.db, photo.contentId, dogOnBeach, 'k');
    const sync = makeSync();
    expect(await sync.flush()).toMatchObject({ done: 1, written: 1 });
    const top = `${String(lib.folder.id)}-photos`;
    expect(keywordsIn(join(mirror, top, 'trip', 'dog.jpg.xmp')).subject).toEqual(['dog', 'beach']);
    expect(existsSync(photo.sidecar)).toBe(false);
    // The library folder is relinked to a new place (`tujian relink`).
    const moved = join(lib.root, 'pictures');
    renameSync(lib.photos, moved);
    await relinkFolder(lib.db, lib.folder.path, moved);
    expect(pendingIds()).toEqual([photo.contentId]);
    expect(await sync.flush()).toMatchObject({ done: 1, written: 1 });
    const movedTop = `${String(lib.folder.id)}-pictures`;
    expect(keywordsIn(join(mirror, movedTop, 'trip', 'dog.jpg.xmp')).subject).toEqual([
      'dog',
      'beach',
    ]);
  });

  it("leaves a mark another drainer holds until that drainer's lease runs out", async () => {
    const [photo] = await ingest(['leased.jpg']);
    if (!photo) throw new Error('no photo');
    writeXmpSettings(lib.db, { enabled: true });
    saveEngineAnswer(lib.db, photo.contentId, dogOnBeach, 'k');
    lib.db.prepare(`UPDATE sidecar_pending SET lease_until = ?`).run(Date.now() + 60_000);
    const sync = makeSync();
    expect(await sync.flush()).toMatchObject({ done: 0 });
    // That drainer died; its lease ran out.
    lib.db.prepare(`UPDATE sidecar_pending SET lease_until = ?`).run(Date.now() - 1);
    expect(await sync.flush()).toMatchObject({ done: 1, written: 1 });
  });

  it('looks for due marks through the changed_at index', () => {
    const plan = lib.db
      .prepare(`EXPLAIN QUERY PLAN ${dueSidecarsSql}`)
      .all({ now: 1, quietBefore: 1, maxBefore: 1, limit: 5 }) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/sidecar_pending_changed/);
  });
});
