import { existsSync, mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getContent } from '../../main/catalog/contents.ts';
import { getFolder } from '../../main/catalog/folders.ts';
import { listContentTags, saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import {
  countPhotosByStatus,
  findPhotoByPath,
  listFolderPhotos,
} from '../../main/catalog/photos.ts';
import type { TaggingEngine } from '../../main/engines/engine.ts';
import type { EngineId } from '../../main/engines/tag-model.ts';
import { enqueueMissingTagging } from '../../main/jobs/job-runner.ts';
import { type ScanReport } from '../../main/library/folder-scanner.ts';
import { thumbnailPath, previewPath } from '../../main/library/library-files.ts';
import {
  OriginalOfflineError,
  noteWatchError,
  refreshFolderStatuses,
  requireOriginal,
} from '../../main/library/offline-volumes.ts';
import { searchPhotos } from '../../main/search/search-service.ts';
import { ingestFolder, makeJpeg, makeTestLibrary, type TestLibrary } from './library-fixtures.ts';

let lib: TestLibrary;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(() => {
  lib.cleanup();
});

function scanAndIngest(): Promise<ScanReport> {
  return ingestFolder(lib, lib.folder.id);
}

// Queueing only asks an engine for its settings key; nothing is tagged in these tests, so a
// stand-in with that one method replaces the local engine (whose models are heavy to load).
const engines = new Map<EngineId, TaggingEngine>([
  ['local', { settingsKey: () => 'local-v1' } as unknown as TaggingEngine],
]);

function tagAll(): void {
  const colours = ['red', 'green', 'blue'];
  for (const photo of listFolderPhotos(lib.db, lib.folder.id)) {
    if (photo.contentId === null) throw new Error('not ingested');
    const colour = colours[Number(/\d/.exec(photo.relPath)?.[0] ?? 0) % 3] ?? 'red';
    saveEngineAnswer(
      lib.db,
      photo.contentId,
      {
        engine: 'local',
        model: 'test-model',
        tags: [
          {
            name: 'dog',
            i18n: { zh: '狗', en: 'dog' },
            type: 'object',
            confidence: 90,
            instances: [],
          },
          {
            name: colour,
            i18n: { zh: colour, en: colour },
            type: 'concept',
            confidence: 80,
            instances: [],
          },
        ],
      },
      'local-v1',
    );
  }
}

async function addPhotos(): Promise<void> {
  writeFileSync(join(lib.photos, 'p0.jpg'), await makeJpeg({ colour: '#ff0000' }));
  writeFileSync(join(lib.photos, 'p1.jpg'), await makeJpeg({ colour: '#00ff00' }));
  mkdirSync(join(lib.photos, 'sub'));
  writeFileSync(join(lib.photos, 'sub', 'p2.jpg'), await makeJpeg({ colour: '#0000ff' }));
  await scanAndIngest();
  tagAll();
  expect(enqueueMissingTagging(lib.db, engines)).toBe(0);
}

function tagJobs(): { content_id: number }[] {
  return lib.db
    .prepare(`SELECT content_id FROM jobs WHERE kind = 'tag' ORDER BY content_id`)
    .all() as { content_id: number }[];
}

describe(requireOriginal.name, () => {
  it('keeps an unplugged folder browsable and searchable, and says the original is offline', async () => {
    await addPhotos();
    const p1 = findPhotoByPath(lib.db, lib.folder.id, 'p1.jpg');
    if (!p1 || p1.contentId === null) throw new Error('p1 not ingested');
    expect(await requireOriginal(lib.db, p1.id)).toBe(join(lib.photos, 'p1.jpg'));

    // Unplug: the folder's path goes away.
    renameSync(lib.photos, `${lib.photos}-unplugged`);
    const report = await scanAndIngest();
    expect(report.online).toBe(false);
    expect(getFolder(lib.db, lib.folder.id)?.status).toBe('offline');
    expect(countPhotosByStatus(lib.db, lib.folder.id)).toMatchObject({ ok: 3, missing: 0 });

    // Browsable: thumbnails and previews are in the data folder; searchable: tags are kept.
    const content = getContent(lib.db, p1.contentId);
    if (!content) throw new Error('content gone');
    expect(existsSync(thumbnailPath(lib.dataRoot, content.hash))).toBe(true);
    expect(existsSync(previewPath(lib.dataRoot, content.hash))).toBe(true);
    expect(listContentTags(lib.db, p1.contentId).map((t) => t.name)).toEqual(['dog', 'green']);
    expect(searchPhotos(lib.db, '狗').total).toBe(3);
    expect(searchPhotos(lib.db, 'dog status:offline').total).toBe(3);
    expect(searchPhotos(lib.db, 'green').items.map((i) => i.id)).toEqual([p1.id]);

    const error = await requireOriginal(lib.db, p1.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OriginalOfflineError);
    expect((error as OriginalOfflineError).reason).toBe('folder-offline');
    expect((error as Error).message).toMatch(
      /is offline: .*not there.*thumbnail, preview and tags/,
    );

    // Plugged back in: a reconcile scan finds it unchanged and nothing is tagged again.
    renameSync(`${lib.photos}-unplugged`, lib.photos);
    const changes = await refreshFolderStatuses(lib.db);
    expect(changes.cameBack.map((f) => f.id)).toEqual([lib.folder.id]);
    const back = await scanAndIngest();
    expect(back).toMatchObject({ online: true, unchanged: 3, changed: 0, enqueued: 0 });
    expect(enqueueMissingTagging(lib.db, engines)).toBe(0);
    expect(tagJobs()).toEqual([]);
    expect(await requireOriginal(lib.db, p1.id)).toBe(join(lib.photos, 'p1.jpg'));
  });

  it('re-tags only what changed while the drive was away', async () => {
    await addPhotos();
    const before = lib.db.prepare('SELECT count(*) AS n FROM engine_results').get();
    renameSync(lib.photos, `${lib.photos}-unplugged`);
    expect((await refreshFolderStatuses(lib.db)).wentOffline.map((o) => o.folder.id)).toEqual([
      lib.folder.id,
    ]);
    // Edited on another computer while unplugged.
    writeFileSync(join(`${lib.photos}-unplugged`, 'p0.jpg'), await makeJpeg({ colour: '#ffff00' }));
    utimesSync(join(`${lib.photos}-unplugged`, 'p0.jpg'), 1_700_000_000, 1_700_000_000);
    renameSync(`${lib.photos}-unplugged`, lib.photos);

    const back = await scanAndIngest();
    expect(back).toMatchObject({ online: true, unchanged: 2, changed: 1, enqueued: 1 });
    expect(enqueueMissingTagging(lib.db, engines)).toBe(1);
    const p0 = findPhotoByPath(lib.db, lib.folder.id, 'p0.jpg');
    expect(tagJobs()).toEqual([{ content_id: p0?.contentId }]);
    // The old results stay (the old bytes may be elsewhere; never pay twice for them).
    expect(lib.db.prepare('SELECT count(*) AS n FROM engine_results').get()).toEqual(before);
  });

  it('does not take another drive mounted at the same path for the folder', async () => {
    await addPhotos();
    const p1 = findPhotoByPath(lib.db, lib.folder.id, 'p1.jpg');
    if (!p1) throw new Error('p1 missing');
    // Another disk at the same mount point: a different directory (new inode), holding a
    // file of the same name and otherwise nothing of this folder.
    renameSync(lib.photos, `${lib.photos}-first-disk`);
    mkdirSync(lib.photos);
    writeFileSync(join(lib.photos, 'p1.jpg'), await makeJpeg({ colour: '#123456' }));

    const report = await scanAndIngest();
    expect(report.online).toBe(false);
    expect(report.offlineReason).toMatch(/not the folder that was added/);
    expect(getFolder(lib.db, lib.folder.id)?.status).toBe('offline');
    // Nothing marked missing, nothing added from the other disk, tags untouched.
    expect(countPhotosByStatus(lib.db, lib.folder.id)).toMatchObject({ ok: 3, missing: 0 });
    expect(listFolderPhotos(lib.db, lib.folder.id)).toHaveLength(3);
    const error = await requireOriginal(lib.db, p1.id).catch((e: unknown) => e);
    expect((error as OriginalOfflineError).reason).toBe('folder-offline');
    expect((error as Error).message).toMatch(/another drive/);
  });

  it('says so when one file is gone while its folder is online', async () => {
    await addPhotos();
    const p2 = findPhotoByPath(lib.db, lib.folder.id, 'sub/p2.jpg');
    if (!p2) throw new Error('p2 missing');
    renameSync(join(lib.photos, 'sub', 'p2.jpg'), join(lib.root, 'elsewhere.jpg'));
    const before = await requireOriginal(lib.db, p2.id).catch((e: unknown) => e);
    expect((before as OriginalOfflineError).reason).toBe('photo-missing');
    await scanAndIngest();
    const after = await requireOriginal(lib.db, p2.id).catch((e: unknown) => e);
    expect((after as OriginalOfflineError).reason).toBe('photo-missing');
    expect((after as Error).message).toMatch(/moved or deleted/);
    const unknown = await requireOriginal(lib.db, 9999).catch((e: unknown) => e);
    expect((unknown as OriginalOfflineError).reason).toBe('unknown-photo');
  });
});

describe(noteWatchError.name, () => {
  it('marks the folder offline when the watch error is the drive going away, not otherwise', async () => {
    await addPhotos();
    const eacces = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    expect(await noteWatchError(lib.db, lib.folder.id, eacces)).toBeUndefined();
    expect(getFolder(lib.db, lib.folder.id)?.status).toBe('online');
    renameSync(lib.photos, `${lib.photos}-unplugged`);
    const enoent = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    expect(await noteWatchError(lib.db, lib.folder.id, enoent)).toMatch(/not there.*ENOENT/);
    expect(getFolder(lib.db, lib.folder.id)?.status).toBe('offline');
  });
});
