import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addFolder, getFolder } from '../../main/catalog/folders.ts';
import { listContentTags, saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import { findPhotoByPath, listFolderPhotos } from '../../main/catalog/photos.ts';
import { type ScanReport } from '../../main/library/folder-scanner.ts';
import { RelinkError, relinkFolder } from '../../main/library/folder-relink.ts';
import { ingestFolder, makeJpeg, makeTestLibrary, type TestLibrary } from './library-fixtures.ts';

let lib: TestLibrary;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(() => {
  lib.cleanup();
});

function scanAndIngest(folderId = lib.folder.id): Promise<ScanReport> {
  return ingestFolder(lib, folderId);
}

function tag(contentId: number | null, name: string): void {
  if (contentId === null) throw new Error('not ingested');
  saveEngineAnswer(
    lib.db,
    contentId,
    {
      engine: 'local',
      model: 'm',
      tags: [{ name, i18n: { zh: name, en: name }, type: 'object', confidence: 70, instances: [] }],
    },
    'k',
  );
}

async function fillFolder(dir: string, count: number, seed: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const shade = ((seed * 40 + i * 9) % 250).toString(16).padStart(2, '0');
    writeFileSync(join(dir, `img${String(i)}.jpg`), await makeJpeg({ colour: `#${shade}8040` }));
  }
}

describe(relinkFolder.name, () => {
  it('re-links a folder renamed outside the app, keeping rows and tags', async () => {
    await fillFolder(lib.photos, 5, 1);
    await scanAndIngest();
    const before = listFolderPhotos(lib.db, lib.folder.id);
    for (const p of before) tag(p.contentId, `thing-${p.relPath}`);

    const renamed = join(lib.root, 'Photos 2024 (renamed)');
    renameSync(lib.photos, renamed);
    expect((await scanAndIngest()).online).toBe(false);

    const report = await relinkFolder(lib.db, lib.photos, renamed, { sampleSize: 3 });
    expect(report).toMatchObject({ sampled: 3, matched: 3, samePath: false, newPath: renamed });
    expect(getFolder(lib.db, lib.folder.id)).toMatchObject({ path: renamed, status: 'online' });

    const back = await scanAndIngest();
    expect(back).toMatchObject({ online: true, unchanged: 5, added: 0, missing: 0 });
    const after = listFolderPhotos(lib.db, lib.folder.id);
    expect(after.map((p) => [p.id, p.relPath, p.contentId, p.status])).toEqual(
      before.map((p) => [p.id, p.relPath, p.contentId, 'ok']),
    );
    for (const p of after) {
      expect(listContentTags(lib.db, p.contentId ?? -1).map((t) => t.name)).toEqual([
        `thing-${p.relPath}`,
      ]);
    }
  });

  it('refuses a folder holding other files, and changes nothing', async () => {
    await fillFolder(lib.photos, 4, 1);
    await scanAndIngest();
    const other = join(lib.root, 'other');
    mkdirSync(other);
    await fillFolder(other, 4, 3); // same names, other pictures
    const error = await relinkFolder(lib.db, lib.photos, other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelinkError);
    expect((error as RelinkError).code).toBe('different-files');
    expect((error as Error).message).toMatch(/0 of 4 sampled photos match.*Nothing was changed/);
    expect(getFolder(lib.db, lib.folder.id)?.path).toBe(lib.photos);

    // Most files the same but one edited since: accepted (3 of 4 is below 0.8, so allow 0.75).
    rmSync(other, { recursive: true });
    cpSync(lib.photos, other, { recursive: true });
    writeFileSync(join(other, 'img0.jpg'), await makeJpeg({ colour: '#000000' }));
    const report = await relinkFolder(lib.db, lib.photos, other, { minMatchRatio: 0.75 });
    expect(report.samples.find((s) => s.relPath === 'img0.jpg')?.outcome).toBe('different');
    expect(report.matched).toBe(3);
  });

  it('adopts a new drive at the same path once its files are shown to be the same', async () => {
    await fillFolder(lib.photos, 3, 2);
    await scanAndIngest();
    // The photos were copied to a new disk now mounted where the old one was.
    const copy = join(lib.root, 'copy');
    cpSync(lib.photos, copy, { recursive: true, preserveTimestamps: true });
    rmSync(lib.photos, { recursive: true });
    renameSync(copy, lib.photos);
    expect((await scanAndIngest()).online).toBe(false);

    const before = listFolderPhotos(lib.db, lib.folder.id);
    const report = await relinkFolder(lib.db, lib.photos, lib.photos);
    expect(report).toMatchObject({ samePath: true, matched: 3 });
    // A copy may round mtimes, so some files are read again; they hash to the same contents.
    const back = await scanAndIngest();
    expect(back).toMatchObject({ online: true, added: 0, missing: 0 });
    expect(back.unchanged + back.changed).toBe(3);
    expect(
      listFolderPhotos(lib.db, lib.folder.id).map((p) => [p.id, p.contentId, p.status]),
    ).toEqual(before.map((p) => [p.id, p.contentId, 'ok']));
    expect(lib.db.prepare('SELECT count(*) AS n FROM contents').get()).toEqual({ n: 3 });
  });

  it('refuses unknown folders, missing targets, overlaps and folders with nothing to compare', async () => {
    await fillFolder(lib.photos, 1, 1);
    await scanAndIngest();
    const codeOf = (p: Promise<unknown>) => p.catch((e: unknown) => (e as RelinkError).code);
    expect(await codeOf(relinkFolder(lib.db, join(lib.root, 'nope'), lib.photos))).toBe(
      'unknown-folder',
    );
    expect(await codeOf(relinkFolder(lib.db, lib.photos, join(lib.root, 'absent')))).toBe(
      'not-a-directory',
    );
    const second = join(lib.root, 'second');
    mkdirSync(join(second, 'inner'), { recursive: true });
    const secondFolder = addFolder(lib.db, second);
    expect(await codeOf(relinkFolder(lib.db, lib.photos, join(second, 'inner')))).toBe('overlaps');
    const empty = join(lib.root, 'empty');
    mkdirSync(empty);
    expect(await codeOf(relinkFolder(lib.db, String(secondFolder.id), empty))).toBe('no-evidence');
    const forced = await relinkFolder(lib.db, second, empty, { force: true });
    expect(forced).toMatchObject({ forced: true, sampled: 0 });
  });
});

describe('moves across watched folders', () => {
  it('keeps tags when a file moves to another library folder, and when it is renamed', async () => {
    const second = join(lib.root, 'second');
    mkdirSync(second);
    const secondFolder = addFolder(lib.db, second);
    await fillFolder(lib.photos, 2, 5);
    await scanAndIngest();
    const moving = findPhotoByPath(lib.db, lib.folder.id, 'img1.jpg');
    if (!moving) throw new Error('img1 not found');
    tag(moving.contentId, 'lighthouse');

    renameSync(join(lib.photos, 'img1.jpg'), join(second, 'moved.jpg'));
    await scanAndIngest(lib.folder.id);
    await scanAndIngest(secondFolder.id);

    const moved = findPhotoByPath(lib.db, secondFolder.id, 'moved.jpg');
    expect(moved).toMatchObject({ id: moving.id, contentId: moving.contentId, status: 'ok' });
    expect(findPhotoByPath(lib.db, lib.folder.id, 'img1.jpg')).toBeUndefined();
    expect(listContentTags(lib.db, moving.contentId ?? -1).map((t) => t.name)).toEqual([
      'lighthouse',
    ]);
    expect(lib.db.prepare('SELECT count(*) AS n FROM contents').get()).toEqual({ n: 2 });

    // And back again, renamed on the way.
    renameSync(join(second, 'moved.jpg'), join(lib.photos, 'back.jpg'));
    await scanAndIngest(secondFolder.id);
    await scanAndIngest(lib.folder.id);
    expect(findPhotoByPath(lib.db, lib.folder.id, 'back.jpg')).toMatchObject({
      id: moving.id,
      contentId: moving.contentId,
    });
  });
});
