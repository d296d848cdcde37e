// Perceptual hashes on a real library: ingest hashes the thumbnail it makes; the backfill
// hashes contents ingested without one from their thumbnails on disk (the catalog is its
// persisted state), records a thumbnail it cannot read instead of retrying it, stops within its
// time budget and goes on from there at the next flush.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPhotoByPath } from '../../main/catalog/photos.ts';
import {
  countUnhashedContents,
  findDuplicateGroups,
  getPerceptualHash,
  getPerceptualHashes,
} from '../../main/catalog/perceptual-hashes.ts';
import { hashedCrops, perceptualHash } from '../../main/imaging/perceptual-hash.ts';
import { thumbnailPath } from '../../main/library/library-files.ts';
import { createPerceptualHashBackfill } from '../../main/library/perceptual-hash-backfill.ts';
import { ingestFolder, makeTestLibrary, type TestLibrary } from './library-fixtures.ts';

let lib: TestLibrary;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(() => {
  lib.cleanup();
});

/** A photo-like picture: a smooth colour field from a few random pixels. */
async function picture(seed: number): Promise<Buffer> {
  const small = Buffer.alloc(6 * 4 * 3);
  for (let i = 0; i < small.length; i++)
    small[i] = (seed * 131 + i * 71 + ((i * i) % 17) * 13) % 256;
  return sharp(small, { raw: { width: 6, height: 4, channels: 3 } })
    .resize(900, 600, { kernel: 'cubic' })
    .jpeg({ quality: 92 })
    .toBuffer();
}

function contentIdOf(relPath: string): number {
  const contentId = findPhotoByPath(lib.db, lib.folder.id, relPath)?.contentId;
  if (contentId === undefined || contentId === null) throw new Error(`${relPath} not ingested`);
  return contentId;
}

function sha256Of(contentId: number): string {
  return (
    lib.db
      .prepare<[number], string>(`SELECT hash FROM contents WHERE id = ?`)
      .pluck()
      .get(contentId) ?? ''
  );
}

describe(createPerceptualHashBackfill.name, () => {
  it('ingest hashes the new thumbnail: a re-encoded, smaller copy and a cropped one group with their original', async () => {
    const original = await picture(1);
    writeFileSync(join(lib.photos, 'original.jpg'), original);
    writeFileSync(
      join(lib.photos, 'copy.webp'),
      await sharp(original).resize({ width: 450 }).webp({ quality: 60 }).toBuffer(),
    );
    // Cropped by 8 % all round: found through the original's centre-crop hash.
    writeFileSync(
      join(lib.photos, 'cropped.jpg'),
      await sharp(original)
        .extract({ left: 72, top: 48, width: 756, height: 504 })
        .jpeg()
        .toBuffer(),
    );
    writeFileSync(join(lib.photos, 'other.jpg'), await picture(7));
    await ingestFolder(lib, lib.folder.id);
    const id = contentIdOf('original.jpg');
    const thumbnail = readFileSync(thumbnailPath(lib.dataRoot, sha256Of(id)));
    expect(getPerceptualHash(lib.db, id)).toEqual(await perceptualHash(thumbnail));
    // The whole picture's, then one per crop of the recipe.
    expect(getPerceptualHashes(lib.db, id)).toHaveLength(1 + hashedCrops.length);
    expect(countUnhashedContents(lib.db)).toBe(0);
    expect(findDuplicateGroups(lib.db).map((g) => g.photos.map((p) => p.relPath).sort())).toEqual([
      ['copy.webp', 'cropped.jpg', 'original.jpg'],
    ]);
  });

  it('hashes older contents from their thumbnails, records unreadable ones, resumes later', async () => {
    for (const seed of [1, 2, 3])
      writeFileSync(join(lib.photos, `${String(seed)}.jpg`), await picture(seed));
    await ingestFolder(lib, lib.folder.id);
    const ids = ['1.jpg', '2.jpg', '3.jpg'].map(contentIdOf);
    const expected = getPerceptualHash(lib.db, ids[0] as number);
    // As a catalog from before migration 15: no hashes; one thumbnail damaged on disk.
    lib.db.prepare(`DELETE FROM perceptual_hashes`).run();
    writeFileSync(thumbnailPath(lib.dataRoot, sha256Of(ids[2] as number)), 'not a webp');
    expect(countUnhashedContents(lib.db)).toBe(3);

    const backfill = createPerceptualHashBackfill(lib.db, { dataRoot: lib.dataRoot, log: lib.log });
    // No time at all: nothing is done, and nothing is lost.
    expect(await backfill.flush({ maxMs: 0 })).toEqual({ hashed: 0, failed: 0 });
    expect(countUnhashedContents(lib.db)).toBe(3);
    expect(await backfill.flush()).toEqual({ hashed: 2, failed: 1 });
    expect(getPerceptualHash(lib.db, ids[0] as number)).toEqual(expected);
    expect(getPerceptualHash(lib.db, ids[2] as number)).toBeNull();
    expect(
      lib.db
        .prepare(`SELECT error FROM perceptual_hashes WHERE content_id = ?`)
        .pluck()
        .get(ids[2]),
    ).toMatch(/./);
    // Done means done: the damaged thumbnail is not tried again.
    expect(countUnhashedContents(lib.db)).toBe(0);
    expect(await backfill.flush()).toEqual({ hashed: 0, failed: 0 });
    await backfill.close();
  });

  it('skips a content whose thumbnail is not there yet, and hashes it once it is', async () => {
    writeFileSync(join(lib.photos, 'a.jpg'), await picture(4));
    await ingestFolder(lib, lib.folder.id);
    const id = contentIdOf('a.jpg');
    const file = thumbnailPath(lib.dataRoot, sha256Of(id));
    const bytes = readFileSync(file);
    lib.db.prepare(`DELETE FROM perceptual_hashes`).run();
    rmSync(file);
    const backfill = createPerceptualHashBackfill(lib.db, { dataRoot: lib.dataRoot });
    expect(await backfill.flush()).toEqual({ hashed: 0, failed: 0 });
    expect(countUnhashedContents(lib.db)).toBe(1);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    expect(await backfill.flush()).toEqual({ hashed: 1, failed: 0 });
    await backfill.close();
  });
});
