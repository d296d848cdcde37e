// `similar:<photo id>` on a real library of ingested photos: the SQL planner and the in-memory
// snapshot find the photo and its near-duplicates (a re-encoded, resized copy), not a different
// photo, and combine with other filters; a bad id is a syntax error with its position.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPhotoByPath } from '../../main/catalog/photos.ts';
import { parseQuery, QueryParseError } from '../../main/search/query-parser.ts';
import { loadSearchSnapshot } from '../../main/search/search-snapshot.ts';
import { searchPhotos } from '../../main/search/search-service.ts';
import { ingestFolder, makeTestLibrary, type TestLibrary } from '../library/library-fixtures.ts';

let lib: TestLibrary;
beforeEach(() => {
  lib = makeTestLibrary();
});
afterEach(() => {
  lib.cleanup();
});

async function picture(seed: number): Promise<Buffer> {
  const small = Buffer.alloc(6 * 4 * 3);
  for (let i = 0; i < small.length; i++)
    small[i] = (seed * 131 + i * 71 + ((i * i) % 17) * 13) % 256;
  return sharp(small, { raw: { width: 6, height: 4, channels: 3 } })
    .resize(900, 600, { kernel: 'cubic' })
    .jpeg({ quality: 92 })
    .toBuffer();
}

function idOf(relPath: string): number {
  const id = findPhotoByPath(lib.db, lib.folder.id, relPath)?.id;
  if (id === undefined) throw new Error(`no ${relPath}`);
  return id;
}

describe('similar: search filter', () => {
  it('finds the photo and its near-duplicates, in SQL and from the snapshot alike', async () => {
    const original = await picture(3);
    writeFileSync(join(lib.photos, 'original.jpg'), original);
    writeFileSync(
      join(lib.photos, 'copy.webp'),
      await sharp(original).resize({ width: 500 }).webp({ quality: 55 }).toBuffer(),
    );
    writeFileSync(join(lib.photos, 'other.jpg'), await picture(11));
    await ingestFolder(lib, lib.folder.id);
    const id = idOf('original.jpg');
    const expected = [idOf('copy.webp'), id].sort((a, b) => a - b);
    const snapshot = loadSearchSnapshot(lib.db);
    for (const query of [`similar:${String(id)}`, `相似:${String(id)}`]) {
      const sql = searchPhotos(lib.db, query, { facets: false }, null);
      const memory = searchPhotos(lib.db, query, { facets: false }, snapshot);
      expect(sql.items.map((p) => p.id).sort((a, b) => a - b)).toEqual(expected);
      expect(memory.items.map((p) => p.id).sort((a, b) => a - b)).toEqual(expected);
    }
    // Combined with another filter, and negated.
    const notCopy = `similar:${String(id)} -folder:nowhere -status:missing`;
    expect(searchPhotos(lib.db, notCopy, { facets: false }, null).total).toBe(2);
    expect(
      searchPhotos(lib.db, `-similar:${String(id)}`, { facets: false }, snapshot).items.map(
        (p) => p.id,
      ),
    ).toEqual([idOf('other.jpg')]);
    expect(searchPhotos(lib.db, 'similar:99999', { facets: false }, null).total).toBe(0);
  });

  it('rejects what is not a photo id, saying where', () => {
    expect(() => parseQuery('dog similar:abc')).toThrow(QueryParseError);
    try {
      parseQuery('dog similar:abc');
    } catch (error) {
      expect((error as QueryParseError).position).toBeGreaterThanOrEqual(4);
      expect((error as QueryParseError).message).toMatch(/photo id/);
    }
  });
});
