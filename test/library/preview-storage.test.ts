import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getContent } from '../../main/catalog/contents.ts';
import { listFolderPhotos } from '../../main/catalog/photos.ts';
import { previewPath, thumbnailPath } from '../../main/library/library-files.ts';
import {
  measureStorage,
  prunePreviews,
  rebuildPreviews,
  readPreviewSettings,
  renditionOptionsFor,
  writePreviewSettings,
} from '../../main/library/preview-storage.ts';
import { ingestFolder, makeJpeg, makeTestLibrary, type TestLibrary } from './library-fixtures.ts';

let lib: TestLibrary;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(() => {
  lib.cleanup();
});

async function ingestAll(): Promise<void> {
  await ingestFolder(lib, lib.folder.id, {
    renditions: renditionOptionsFor(lib.db),
  });
}

describe(readPreviewSettings.name, () => {
  it('defaults to 1600 px and no budget, and validates changes', () => {
    expect(readPreviewSettings(lib.db)).toEqual({ size: 1600, budgetBytes: null });
    expect(writePreviewSettings(lib.db, { size: 800 })).toEqual({ size: 800, budgetBytes: null });
    expect(renditionOptionsFor(lib.db)).toEqual({ previewSize: 800 });
    expect(() => writePreviewSettings(lib.db, { size: 10 })).toThrow();
    expect(readPreviewSettings(lib.db).size).toBe(800);
  });

  it('makes new previews at the configured size', async () => {
    writePreviewSettings(lib.db, { size: 400 });
    writeFileSync(join(lib.photos, 'big.jpg'), await makeJpeg({ width: 1200, height: 900 }));
    await ingestAll();
    const [photo] = listFolderPhotos(lib.db, lib.folder.id);
    const content = getContent(lib.db, photo?.contentId ?? -1);
    if (!content) throw new Error('not ingested');
    const meta = await sharp(previewPath(lib.dataRoot, content.hash)).metadata();
    expect(Math.max(meta.width, meta.height)).toBe(400);
  });
});

describe(prunePreviews.name, () => {
  it('removes the least recently used previews down to the budget, never thumbnails', async () => {
    for (let i = 0; i < 4; i++) {
      const shade = (40 + i * 50).toString(16);
      writeFileSync(
        join(lib.photos, `p${String(i)}.jpg`),
        await makeJpeg({ width: 900, height: 600, colour: `#${shade}${shade}20` }),
      );
    }
    await ingestAll();
    const hashes = listFolderPhotos(lib.db, lib.folder.id).map(
      (p) => getContent(lib.db, p.contentId ?? -1)?.hash ?? '',
    );
    // p0 viewed longest ago, p3 most recently.
    hashes.forEach((hash, i) => {
      const t = 1_600_000_000 + i * 1000;
      utimesSync(previewPath(lib.dataRoot, hash), t, t);
    });
    const before = await measureStorage(lib.dataRoot);
    expect(before.previews.files).toBe(4);
    expect(before.thumbnails.files).toBe(4);

    const budget = before.previews.bytes - 1; // one byte over: at least the oldest goes
    const report = await prunePreviews(lib.db, lib.dataRoot, budget);
    expect(report.removed).toBeGreaterThanOrEqual(1);
    expect(report.remainingBytes).toBeLessThanOrEqual(budget);
    expect(existsSync(previewPath(lib.dataRoot, hashes[0] ?? ''))).toBe(false);
    expect(existsSync(previewPath(lib.dataRoot, hashes[3] ?? ''))).toBe(true);
    for (const hash of hashes) expect(existsSync(thumbnailPath(lib.dataRoot, hash))).toBe(true);
    const flags = lib.db.prepare('SELECT hash, has_preview FROM contents').all() as {
      hash: string;
      has_preview: number;
    }[];
    expect(flags.find((f) => f.hash === hashes[0])?.has_preview).toBe(0);
    expect(flags.find((f) => f.hash === hashes[3])?.has_preview).toBe(1);

    const after = await measureStorage(lib.dataRoot);
    expect(after.previews.bytes).toBe(report.remainingBytes);
    expect(after.thumbnails).toEqual(before.thumbnails);
    // A budget of zero leaves only thumbnails.
    await prunePreviews(lib.db, lib.dataRoot, 0);
    expect((await measureStorage(lib.dataRoot)).previews.files).toBe(0);
  });
});

describe(rebuildPreviews.name, () => {
  it('remakes existing previews at a new size, keeps those it cannot reach, and is cheap twice', async () => {
    writeFileSync(join(lib.photos, 'wide.jpg'), await makeJpeg({ width: 1200, height: 800 }));
    writeFileSync(
      join(lib.photos, 'small.jpg'),
      await makeJpeg({ width: 500, height: 400, colour: '#203040' }),
    );
    writeFileSync(
      join(lib.photos, 'gone.jpg'),
      await makeJpeg({ width: 1000, height: 1000, colour: '#405060' }),
    );
    await ingestAll();
    const hashOf = (relPath: string) => {
      const photo = listFolderPhotos(lib.db, lib.folder.id).find((p) => p.relPath === relPath);
      return getContent(lib.db, photo?.contentId ?? -1)?.hash ?? '';
    };
    const longest = async (relPath: string) => {
      // From the bytes: libvips caches images it opened by file name.
      const bytes = readFileSync(previewPath(lib.dataRoot, hashOf(relPath)));
      const meta = await sharp(bytes).metadata();
      return Math.max(meta.width, meta.height);
    };
    expect(await longest('wide.jpg')).toBe(1200);
    // The original of gone.jpg disappears (as on an unplugged drive): its preview must stay.
    lib.db.prepare(`UPDATE photos SET status = 'missing' WHERE rel_path = 'gone.jpg'`).run();

    const report = await rebuildPreviews(lib.db, lib.dataRoot, { size: 600 });
    expect(report).toEqual({ contents: 3, rebuilt: 1, unchanged: 1, unreachable: 1, failed: [] });
    expect(await longest('wide.jpg')).toBe(600);
    expect(await longest('small.jpg')).toBe(500); // never enlarged
    expect(await longest('gone.jpg')).toBe(1000);

    const again = await rebuildPreviews(lib.db, lib.dataRoot, { size: 600 });
    expect(again).toMatchObject({ rebuilt: 0, unchanged: 2, unreachable: 1 });
  });
});
