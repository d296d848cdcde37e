// The text engine in the one pipeline, with the real PP-OCR models, a real catalog file and real
// photos: `runLibraryOnce` ingests a folder, the object pass (stood in for by no engine here:
// this test is about text) and the text engine's jobs run through the job runner, the lines
// land in the catalog with the engine result in one transaction, a photo without text is
// recorded as read, and a second run reads nothing again (the settings key carries the model
// version). A file that is not an image ends as broken at ingest and the rest go on.
import { mkdirSync, mkdtempSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { addFolder, listFolders } from '../../../main/catalog/folders.ts';
import {
  contentsWithTextContaining,
  countPhotoText,
  photoTextOf,
  textReadingOf,
} from '../../../main/catalog/photo-text.ts';
import { createTextEngine } from '../../../main/engines/text/text-engine.ts';
import { textModelVersion } from '../../../main/engines/text/text-reader.ts';
import { enqueueMissingTagging } from '../../../main/jobs/job-runner.ts';
import { runLibraryOnce } from '../../../main/library/library-runtime.ts';
import { silentLogger } from '../../../main/util/logger.ts';
import { renderSign, samplePhotosDir, signNamed } from './text-images.ts';

let root: string;
let db: Catalog;

const contentOf = (name: string) =>
  db
    .prepare<[string], number>(`SELECT content_id FROM photos WHERE rel_path = ?`)
    .pluck()
    .get(name) ?? -1;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tujian-text-pipeline-'));
  const photos = join(root, 'photos');
  mkdirSync(photos);
  copyFileSync(join(samplePhotosDir, 'page.png'), join(photos, 'page.png'));
  copyFileSync(join(samplePhotosDir, 'dog.jpg'), join(photos, 'dog.jpg'));
  writeFileSync(join(photos, 'cafe.png'), await renderSign(signNamed('cafe')));
  writeFileSync(join(photos, 'fake.jpg'), 'not an image at all');
  db = openCatalog(join(root, 'catalog.sqlite'));
  addFolder(db, photos);
});

afterAll(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

describe(createTextEngine.name, () => {
  it('reads every photo of a new folder through the job runner, once', async () => {
    expect(listFolders(db)[0]?.engines).toEqual(['local', 'text']);
    const engine = createTextEngine();
    const result = await runLibraryOnce({
      db,
      dataRoot: root,
      log: silentLogger,
      folders: listFolders(db),
      engines: () =>
        Promise.resolve({
          engines: new Map([['text', engine] as const]),
          close: () => engine.close(),
        }),
    });
    expect(result.stoppedEngines.size).toBe(0);

    const page = photoTextOf(db, contentOf('page.png'));
    expect(page[0]?.text).toBe('Region-based segmentation');
    expect(page[0]?.model).toBe(textModelVersion);
    expect(page.every((line) => line.box.length === 4 && line.confidence > 50)).toBe(true);
    const cafe = photoTextOf(db, contentOf('cafe.png'));
    expect(cafe.map((line) => line.text).join(' ')).toContain('咖啡');
    expect(cafe.some((line) => line.language === 'zh')).toBe(true);

    // "no text" is a recorded result: read, no lines
    expect(photoTextOf(db, contentOf('dog.jpg'))).toEqual([]);
    expect(textReadingOf(db, contentOf('dog.jpg'))?.model).toBe(textModelVersion);
    expect(
      db.prepare(`SELECT status FROM photos WHERE rel_path = 'fake.jpg'`).pluck().get(),
    ).toMatch(/^(broken|skipped)$/);

    // searchable: a 2-character Chinese word (instr) and an English word (trigram index)
    expect(contentsWithTextContaining(db, '咖啡')).toEqual([contentOf('cafe.png')]);
    expect(contentsWithTextContaining(db, 'COFFEE')).toEqual([contentOf('cafe.png')]);
    expect(contentsWithTextContaining(db, 'segmentation')).toEqual([contentOf('page.png')]);
    // a phrase across words of the page's small print ([Note: Spaces between Latin words])
    expect(contentsWithTextContaining(db, 'These markers are')).toEqual([contentOf('page.png')]);
    expect(contentsWithTextContaining(db, '斑马')).toEqual([]);

    // never read twice for the same model version
    const before = countPhotoText(db);
    expect(enqueueMissingTagging(db, new Map([['text', createTextEngine()] as const]))).toBe(0);
    expect(countPhotoText(db)).toEqual(before);
  }, 180_000);
});
