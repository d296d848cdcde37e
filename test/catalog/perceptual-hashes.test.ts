// Near-duplicate queries on a real catalog file: the band search is answered by the band
// indexes (EXPLAIN QUERY PLAN), groups join contents within the threshold and copies of the
// same bytes, leave out distant ones, files no longer in the library and pairs the user called
// "Not duplicates", and the backfill's list follows the recipe version.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import { insertContent } from '../../main/catalog/contents.ts';
import { addFolder } from '../../main/catalog/folders.ts';
import {
  dismissDuplicates,
  findDuplicateGroups,
  findSimilarContents,
  forEachNearPair,
  listUnhashedContents,
  nearDuplicateThreshold,
  savePerceptualHash,
  similarCandidatesQuery,
  similarContentIdsOfPhoto,
} from '../../main/catalog/perceptual-hashes.ts';
import { markPhotosMissing, setPhotoIngested, upsertPhoto } from '../../main/catalog/photos.ts';
import { hammingDistance, type PerceptualHash } from '../../main/imaging/perceptual-hash.ts';

let root: string;
let db: Catalog;
let folderId: number;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-phash-'));
  db = openCatalog(join(root, 'catalog.sqlite'));
  folderId = addFolder(db, root).id;
});
afterEach(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

let nextContent = 0;
function content(width = 100): number {
  nextContent++;
  return insertContent(
    db,
    {
      hash: nextContent.toString(16).padStart(64, '0'),
      size: 1000 + nextContent,
      format: 'jpeg',
      width,
      height: 100,
      orientation: 1,
      takenAt: null,
      camera: null,
      lat: null,
      lon: null,
      hasPreview: true,
    },
    0,
  ).id;
}

function photoOf(contentId: number, relPath: string): number {
  const id = upsertPhoto(db, { folderId, relPath, size: 1, mtimeMs: 1, status: 'pending' });
  setPhotoIngested(db, id, { contentId, size: 1, mtimeMs: 1, at: 1 });
  return id;
}

/** A hash `bits` bits away from `base` (flipping bits spread over the bands). */
function flipped(base: PerceptualHash, bits: readonly number[]): PerceptualHash {
  const out = [...base] as [number, number, number, number];
  for (const bit of bits) out[bit >> 4] = (out[bit >> 4] as number) ^ (1 << (bit & 15));
  return out;
}

const base: PerceptualHash = [0x1234, 0xabcd, 0x0f0f, 0x5aa5];

function withHash(hash: PerceptualHash, relPaths: readonly string[], width = 100) {
  const contentId = content(width);
  savePerceptualHash(db, contentId, { hash }, 1);
  const photoIds = relPaths.map((path) => photoOf(contentId, path));
  return { contentId, photoIds };
}

describe(findSimilarContents.name, () => {
  it('answers from the four band indexes, never a scan of the table', () => {
    // A content's whole hash and two crop hashes, as the catalog asks for them.
    const { sql, params } = similarCandidatesQuery([base, flipped(base, [3]), flipped(base, [40])]);
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    const plan = rows.map((row) => row.detail).join('; ');
    for (const band of [0, 1, 2, 3]) {
      expect(plan).toContain(
        `USING INDEX perceptual_hashes_band${String(band)} (band${String(band)}=?)`,
      );
    }
    // The crop hashes are looked up among whole-picture hashes only (migration 19).
    for (const band of [0, 1, 2, 3]) {
      expect(plan).toContain(
        `USING INDEX perceptual_hashes_whole_band${String(band)} (band${String(band)}=?)`,
      );
    }
    expect(plan).not.toMatch(/SCAN perceptual_hashes(?! USING)/);
  });

  it('finds contents within the threshold, nearest first, up to 7 bits in every case', () => {
    const a = withHash(base, ['a.jpg']);
    // 7 bits spread so that every band differs in at least one bit: still found.
    const spread = withHash(flipped(base, [0, 1, 16, 17, 32, 33, 48]), ['spread.jpg']);
    const two = withHash(flipped(base, [5, 40]), ['two.jpg']);
    // Far: every band differs in many bits.
    withHash(flipped(base, [0, 1, 2, 3, 16, 17, 18, 19, 32, 33, 34, 35, 48, 49, 50, 51]), [
      'far.jpg',
    ]);
    expect(findSimilarContents(db, a.contentId)).toEqual([
      { contentId: a.contentId, distance: 0 },
      { contentId: two.contentId, distance: 2 },
      { contentId: spread.contentId, distance: 7 },
    ]);
    expect(similarContentIdsOfPhoto(db, a.photoIds[0] as number)).toEqual([
      a.contentId,
      two.contentId,
      spread.contentId,
    ]);
    expect(similarContentIdsOfPhoto(db, 999_999)).toEqual([]);
  });
});

describe(findDuplicateGroups.name, () => {
  it('groups near contents and copies of the same bytes, largest group first', () => {
    const big = withHash(base, ['big.jpg'], 400);
    const small = withHash(flipped(base, [3, 20, 44]), ['small.jpg'], 100);
    const chain = withHash(flipped(base, [3, 20, 44, 60, 61, 62]), ['chain.jpg'], 50);
    withHash(flipped(base, [0, 1, 2, 3, 16, 17, 18, 19, 32, 33, 34, 35, 48, 49, 50, 51]), [
      'far.jpg',
    ]);
    const copies = withHash([0x0001, 0x0002, 0x0003, 0x0004], ['copy-1.jpg', 'copy-2.jpg']);
    const groups = findDuplicateGroups(db);
    expect(groups.map((g) => g.photos.map((p) => p.relPath))).toEqual([
      // The most pixels first; chain joins through small (9 bits from big: within 10 anyway).
      ['big.jpg', 'small.jpg', 'chain.jpg'],
      ['copy-1.jpg', 'copy-2.jpg'],
    ]);
    expect(groups[0]?.photos.map((p) => p.distance)).toEqual([0, 3, 6]);
    expect(groups[0]?.photos[0]).toMatchObject({
      photoId: big.photoIds[0],
      folderPath: root,
      width: 400,
      height: 100,
      folderOnline: true,
    });
    expect(groups[1]?.photos.map((p) => p.contentId)).toEqual([copies.contentId, copies.contentId]);
    expect(small.contentId).not.toBe(chain.contentId);
  });

  it('leaves out contents beyond the threshold and photos no longer in the library', () => {
    const a = withHash(base, ['a.jpg']);
    const beyond = Array.from({ length: nearDuplicateThreshold + 1 }, (_, i) => i * 5);
    withHash(flipped(base, beyond), ['beyond.jpg']);
    const gone = withHash(flipped(base, [1]), ['gone.jpg']);
    expect(findDuplicateGroups(db)).toHaveLength(1);
    markPhotosMissing(db, gone.photoIds);
    expect(findDuplicateGroups(db)).toEqual([]);
    expect(a.photoIds).toHaveLength(1);
  });

  it('remembers "Not duplicates" for every pair of the group, and for copies', () => {
    const a = withHash(base, ['a.jpg']);
    const b = withHash(flipped(base, [2]), ['b.jpg']);
    const copies = withHash([1, 2, 3, 4], ['c1.jpg', 'c2.jpg']);
    expect(findDuplicateGroups(db)).toHaveLength(2);
    expect(dismissDuplicates(db, [a.contentId, b.contentId], 5)).toBeGreaterThan(0);
    expect(findDuplicateGroups(db).map((g) => g.photos.map((p) => p.relPath))).toEqual([
      ['c1.jpg', 'c2.jpg'],
    ]);
    dismissDuplicates(db, [copies.contentId], 5);
    expect(findDuplicateGroups(db)).toEqual([]);
    // A new copy near a: a and c form a group, b stays apart from a.
    const c = withHash(flipped(base, [9]), ['c.jpg']);
    const groups = findDuplicateGroups(db);
    expect(groups.map((g) => g.photos.map((p) => p.contentId).sort())).toEqual([
      [a.contentId, b.contentId, c.contentId].sort(),
    ]);
  });
});

describe(listUnhashedContents.name, () => {
  it('lists contents without a hash or with an older recipe, in id order after a cursor', () => {
    const first = content();
    const second = content();
    const third = content();
    savePerceptualHash(db, second, { hash: base }, 1);
    savePerceptualHash(db, third, { error: 'bad thumbnail' }, 1);
    expect(listUnhashedContents(db, 0, 10).map((c) => c.contentId)).toEqual([first]);
    db.prepare(`UPDATE perceptual_hashes SET hash_version = 0 WHERE content_id = ?`).run(second);
    expect(listUnhashedContents(db, 0, 10).map((c) => c.contentId)).toEqual([first, second]);
    expect(listUnhashedContents(db, first, 10).map((c) => c.contentId)).toEqual([second]);
  });
});

describe(forEachNearPair.name, () => {
  it('finds every pair within 7 bits that comparing all pairs finds, and none beyond the threshold', () => {
    let seed = 7;
    const random16 = () => {
      seed = (seed * 48271) % 2147483647;
      return seed & 0xffff;
    };
    const hashes: PerceptualHash[] = [];
    for (let i = 0; i < 400; i++) {
      const base: PerceptualHash = [random16(), random16(), random16(), random16()];
      hashes.push(base);
      // Copies 1–10 bits away, the bits spread over the bands.
      if (i % 3 === 0) {
        const bits = Array.from({ length: 1 + (i % 10) }, (_, k) => (k * 17 + i) % 64);
        hashes.push(flipped(base, [...new Set(bits)]));
      }
    }
    const found = new Set<string>();
    forEachNearPair(hashes, 10, (i, j) => {
      expect(i).toBeLessThan(j);
      expect(
        hammingDistance(hashes[i] as PerceptualHash, hashes[j] as PerceptualHash),
      ).toBeLessThanOrEqual(10);
      found.add(`${String(i)}:${String(j)}`);
    });
    let withinSeven = 0;
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        const d = hammingDistance(hashes[i] as PerceptualHash, hashes[j] as PerceptualHash);
        if (d <= 7) {
          withinSeven++;
          expect(
            found.has(`${String(i)}:${String(j)}`),
            `${String(i)}:${String(j)} at ${String(d)}`,
          ).toBe(true);
        }
      }
    }
    expect(withinSeven).toBeGreaterThan(80);
  });

  it('with owners and crop hashes, pairs a whole hash with any other owner’s hash within its limit, never two crops', () => {
    let seed = 11;
    const random16 = () => {
      seed = (seed * 48271) % 2147483647;
      return seed & 0xffff;
    };
    // Owners of a whole hash and two crop hashes; some owners' whole hash is a few bits from
    // another owner's whole or crop hash, some crops near other crops (which must not pair).
    const hashes: PerceptualHash[] = [];
    const owner: number[] = [];
    const whole: boolean[] = [];
    for (let o = 0; o < 300; o++) {
      const near = hashes[Math.floor((o * 7919) % Math.max(1, hashes.length))];
      const base: PerceptualHash =
        near && o % 4 === 0
          ? flipped(
              near,
              [(o * 13) % 64, (o * 29 + 3) % 64, (o * 5 + 1) % 64].slice(0, 1 + (o % 3)),
            )
          : [random16(), random16(), random16(), random16()];
      const crop = (): PerceptualHash =>
        near && o % 5 === 0
          ? flipped(near, [o % 64])
          : [random16(), random16(), random16(), random16()];
      [base, crop(), crop()].forEach((hash, variant) => {
        hashes.push(hash);
        owner.push(o);
        whole.push(variant === 0);
      });
    }
    const found = new Set<string>();
    forEachNearPair(
      hashes,
      10,
      (i, j) => {
        expect(i).toBeLessThan(j);
        found.add(`${String(i)}:${String(j)}`);
      },
      { owner, whole, cropThreshold: 6 },
    );
    const expected = new Set<string>();
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        if (owner[i] === owner[j] || (!whole[i] && !whole[j])) continue;
        const d = hammingDistance(hashes[i] as PerceptualHash, hashes[j] as PerceptualHash);
        // Within 7 bits the band search is complete; beyond it, a pair found must be in limit.
        const limit = whole[i] && whole[j] ? 10 : 6;
        const key = `${String(i)}:${String(j)}`;
        if (d <= Math.min(7, limit)) expected.add(key);
        if (found.has(key)) expect(d).toBeLessThanOrEqual(limit);
      }
    }
    expect(expected.size).toBeGreaterThan(40);
    for (const key of expected) expect(found.has(key), key).toBe(true);
  });
});
