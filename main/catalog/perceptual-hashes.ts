// Perceptual hashes of contents and near-duplicate photos (migration 15): saving a content's
// hash, what the backfill still has to hash, the contents near one content, the groups of
// near-duplicates for the review page and `tujian duplicates`, and "Not duplicates".
// See [Note: Near-duplicate search by bands] in migrations/0015-perceptual-hashes.ts.
import {
  bandWithOneBitFlips,
  hammingDistance,
  perceptualHashVersion,
  type PerceptualHash,
} from '../imaging/perceptual-hash.ts';
import type { Catalog, ReadableCatalog } from './catalog-connection.ts';

/**
 * Two contents whose whole-picture hashes are at most this many bits apart are near-duplicates.
 * Chosen from `npm run bench:duplicates` (40 pictures, 560 made copies, 780 distinct pairs):
 * re-encoding, resizing and brightness changes stay within 4 bits, a 2 % crop within 10; the
 * closest two distinct pictures were 20 bits apart (precision 1.0 from 4 to 14). 8 would lose
 * 2 % crops; 12–14 add a few one-sided crops for less margin to distinct photos. On a catalog
 * of 100k random hashes (the bench's library part) 10 joins about 40 pairs of unrelated
 * contents, as the arithmetic says (C(64, ≤10) / 2⁶⁴ per pair).
 */
export const nearDuplicateThreshold = 10;

/**
 * A whole hash and a crop hash match only this close: the bench's 5 % and 10 % crops were
 * within 4 bits of their original's crop hash, and a stricter limit keeps the extra
 * comparisons the crops bring from adding unrelated pairs (with three hashes per content, at
 * 10, 100k random contents gained 130 false groups; at 6 none; with seven, recipe 2, 44 false
 * groups at a threshold of 10, as many as random whole hashes alone give, 36–44 by the seed).
 */
export const cropMatchThreshold = 6;

interface BandRow {
  content_id: number;
  band0: number;
  band1: number;
  band2: number;
  band3: number;
}

function hashOf(row: BandRow): PerceptualHash {
  return [row.band0, row.band1, row.band2, row.band3];
}

/** Records a content's hash, or why its thumbnail could not be hashed. */
export function savePerceptualHash(
  db: Catalog,
  contentId: number,
  result:
    | { readonly hash: PerceptualHash; readonly crops?: readonly PerceptualHash[] }
    | { readonly error: string },
  now: number,
): void {
  const insert = db.prepare<
    [
      number,
      number,
      number,
      number | null,
      number | null,
      number | null,
      number | null,
      string | null,
      number,
    ]
  >(
    `INSERT INTO perceptual_hashes (content_id, variant, hash_version, band0, band1, band2, band3, error, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    db.prepare<[number]>(`DELETE FROM perceptual_hashes WHERE content_id = ?`).run(contentId);
    if ('error' in result) {
      insert.run(contentId, 0, perceptualHashVersion, null, null, null, null, result.error, now);
      return;
    }
    [result.hash, ...(result.crops ?? [])].forEach((hash, variant) => {
      insert.run(contentId, variant, perceptualHashVersion, ...hash, null, now);
    });
  })();
}

/** A content the backfill still has to hash: no row yet, or a row of an older recipe. */
export interface UnhashedContent {
  readonly contentId: number;
  /** The sha256 that names its thumbnail file. */
  readonly sha256: string;
}

/** The next contents to hash after `afterId`, in id order (the backfill's cursor). */
export function listUnhashedContents(
  db: ReadableCatalog,
  afterId: number,
  limit: number,
): UnhashedContent[] {
  return db
    .prepare<[number, number, number], { contentId: number; sha256: string }>(
      `SELECT c.id AS contentId, c.hash AS sha256 FROM contents c
       LEFT JOIN perceptual_hashes ph ON ph.content_id = c.id AND ph.variant = 0
       WHERE c.id > ? AND (ph.content_id IS NULL OR ph.hash_version != ?)
       ORDER BY c.id LIMIT ?`,
    )
    .all(afterId, perceptualHashVersion, limit);
}

export function countUnhashedContents(db: ReadableCatalog): number {
  return (
    db
      .prepare<[number], number>(
        `SELECT count(*) FROM contents c
         LEFT JOIN perceptual_hashes ph ON ph.content_id = c.id AND ph.variant = 0
         WHERE ph.content_id IS NULL OR ph.hash_version != ?`,
      )
      .pluck()
      .get(perceptualHashVersion) ?? 0
  );
}

interface VariantRow extends BandRow {
  variant: number;
}

/** A content's hashes: the whole picture's first, then its centre crops'. */
export function getPerceptualHashes(db: ReadableCatalog, contentId: number): PerceptualHash[] {
  return db
    .prepare<[number, number], VariantRow>(
      `SELECT content_id, variant, band0, band1, band2, band3 FROM perceptual_hashes
       WHERE content_id = ? AND hash_version = ? AND band0 IS NOT NULL ORDER BY variant`,
    )
    .all(contentId, perceptualHashVersion)
    .map(hashOf);
}

/**
 * Whether a content can have similar photos found: `hashed`; `pending` (not hashed yet, or by
 * an older recipe: the backfill will); `failed` (its thumbnail could not be hashed).
 */
export function perceptualHashState(
  db: ReadableCatalog,
  contentId: number | null,
): 'hashed' | 'pending' | 'failed' {
  if (contentId === null) return 'pending';
  const row = db
    .prepare<[number], { hash_version: number; band0: number | null }>(
      `SELECT hash_version, band0 FROM perceptual_hashes WHERE content_id = ? AND variant = 0`,
    )
    .get(contentId);
  if (!row || row.hash_version !== perceptualHashVersion) return 'pending';
  return row.band0 === null ? 'failed' : 'hashed';
}

/** The whole picture's hash of a content, or null when it has none (yet). */
export function getPerceptualHash(db: ReadableCatalog, contentId: number): PerceptualHash | null {
  return getPerceptualHashes(db, contentId)[0] ?? null;
}

/**
 * The band lookup of [Note: Near-duplicate search by bands] for a content's hashes: rows whose
 * band i equals band i of one of them or differs from it in one bit, for any i. Each band term
 * is an IN list on its own index, so SQLite answers with index searches (a MULTI-INDEX OR),
 * never a table scan. The whole hash is looked up among all rows; the crop hashes only among
 * whole-picture rows (never crop against crop), through migration 19's partial indexes: with
 * six crop hashes a content, looking them up among every row fetched five times the rows
 * (a similar search at 100k photos took 29 ms, p50).
 */
export function similarCandidatesQuery(hashes: readonly PerceptualHash[]): {
  sql: string;
  params: number[];
} {
  const [whole, ...crops] = hashes;
  const lookup = (of: readonly PerceptualHash[], wholeRowsOnly: boolean) => {
    const probes = [0, 1, 2, 3].map((band) => [
      ...new Set(of.flatMap((hash) => bandWithOneBitFlips(hash[band] as number))),
    ]);
    return {
      sql: `SELECT content_id, variant, band0, band1, band2, band3 FROM perceptual_hashes
 WHERE ${wholeRowsOnly ? 'variant = 0 AND ' : ''}hash_version = ? AND (${probes
   .map((values, band) => `band${String(band)} IN (${values.map(() => '?').join(', ')})`)
   .join(' OR ')})`,
      params: [perceptualHashVersion, ...probes.flat()],
    };
  };
  const parts = [
    ...(whole ? [lookup([whole], false)] : []),
    ...(crops.length > 0 ? [lookup(crops, true)] : []),
  ];
  return {
    sql: parts.map((part) => part.sql).join('\nUNION ALL\n'),
    params: parts.flatMap((part) => part.params),
  };
}

/**
 * The distance of two contents' hash sets: the whole hashes' distance, or less when the whole
 * hash of one is within cropMatchThreshold of a centre-crop hash of the other (a copy cropped
 * all round is near its original's crop hash); never crop against crop.
 */
export function hashSetDistance(
  a: readonly PerceptualHash[],
  b: readonly PerceptualHash[],
): number {
  const [wholeA, ...cropsA] = a;
  const [wholeB, ...cropsB] = b;
  if (!wholeA || !wholeB) return 64;
  let viaCrop = 64;
  for (const hash of cropsB) viaCrop = Math.min(viaCrop, hammingDistance(wholeA, hash));
  for (const hash of cropsA) viaCrop = Math.min(viaCrop, hammingDistance(hash, wholeB));
  const whole = hammingDistance(wholeA, wholeB);
  return viaCrop <= cropMatchThreshold ? Math.min(whole, viaCrop) : whole;
}

/** Contents within `threshold` of a content (itself included, at 0), nearest first. */
export function findSimilarContents(
  db: ReadableCatalog,
  contentId: number,
  threshold: number = nearDuplicateThreshold,
): { contentId: number; distance: number }[] {
  const hashes = getPerceptualHashes(db, contentId);
  const [whole] = hashes;
  if (!whole) return [];
  const { sql, params } = similarCandidatesQuery(hashes);
  // Per content: the whole hashes' distance, and the best whole-against-crop one.
  const best = new Map<number, { whole: number; viaCrop: number }>();
  for (const row of db.prepare<number[], VariantRow>(sql).all(...params)) {
    const hash = hashOf(row);
    const seen = best.get(row.content_id) ?? { whole: 64, viaCrop: 64 };
    if (row.variant === 0) {
      seen.whole = hammingDistance(whole, hash);
      for (const crop of hashes.slice(1)) {
        seen.viaCrop = Math.min(seen.viaCrop, hammingDistance(crop, hash));
      }
    } else {
      seen.viaCrop = Math.min(seen.viaCrop, hammingDistance(whole, hash));
    }
    best.set(row.content_id, seen);
  }
  return [...best]
    .map(([id, seen]) => ({
      contentId: id,
      distance:
        seen.viaCrop <= cropMatchThreshold ? Math.min(seen.whole, seen.viaCrop) : seen.whole,
    }))
    .filter((c) => c.distance <= threshold)
    .sort((a, b) => a.distance - b.distance || a.contentId - b.contentId);
}

/** The contents a photo's `similar:` search finds; empty when the photo is unknown or unhashed. */
export function similarContentIdsOfPhoto(db: ReadableCatalog, photoId: number): number[] {
  const contentId = db
    .prepare<[number], number | null>(`SELECT content_id FROM photos WHERE id = ?`)
    .pluck()
    .get(photoId);
  if (contentId === undefined || contentId === null) return [];
  return findSimilarContents(db, contentId).map((c) => c.contentId);
}

function pairKey(a: number, b: number): string {
  return a <= b ? `${String(a)}:${String(b)}` : `${String(b)}:${String(a)}`;
}

/** Set bits of a 32-bit value. */
function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Int32 slots per entry of the band index: hash index × 2 + whole, owner, bands 0–1, 2–3. */
const entrySlots = 4;

/**
 * Calls `visit(i, j)` (i < j) for every pair of hashes within `threshold` that shares a band
 * within one bit ([Note: Near-duplicate search by bands]); a pair may be visited more than once.
 * Never a comparison of every pair: see [Note: The band index in memory].
 *
 * [Note: The band index in memory]
 * Each band is sorted by counting sort (offsets per 16-bit value), and each entry carries the
 * whole hash with it (index, owner, the 64 bits as two int32), so a probe reads one short run
 * of one array and no other place. The probing hashes are taken in the order of the band they
 * probe, so consecutive probes (and their 16 one-bit flips) read neighbouring runs: at 100k
 * contents the loop is bound by memory latency, and visiting hashes in id order made every
 * probe a cache miss (3.3 s of CPU; 0.43 s in band order, same pairs). With `whole`, only the
 * whole hashes probe (a pair needs one, and sharing a band is symmetric, so the pairs are the
 * same): a third of the probes when each content also has two crop hashes.
 */
export function forEachNearPair(
  hashes: readonly PerceptualHash[],
  threshold: number,
  visit: (i: number, j: number) => void,
  options: {
    /** Hashes of one owner (a content's whole and crop hashes) are never paired. */
    readonly owner?: ArrayLike<number>;
    /** Whether each hash is a whole picture's; two crop hashes are never paired. */
    readonly whole?: ArrayLike<boolean>;
    /** The limit of a pair of a whole and a crop hash (default: `threshold`). */
    readonly cropThreshold?: number;
  } = {},
): void {
  forEachPackedNearPair(
    {
      high: Int32Array.from(hashes, (hash) => (hash[0] << 16) | hash[1]),
      low: Int32Array.from(hashes, (hash) => (hash[2] << 16) | hash[3]),
      ...(options.owner ? { owner: options.owner } : {}),
      ...(options.whole ? { whole: options.whole } : {}),
    },
    threshold,
    visit,
    options.cropThreshold ?? threshold,
  );
}

/** Hashes packed two bands to an int32: bands 0–1 in `high`, 2–3 in `low`. */
interface PackedHashes {
  readonly high: Int32Array;
  readonly low: Int32Array;
  readonly owner?: ArrayLike<number>;
  readonly whole?: ArrayLike<boolean>;
}

function unpackHash(high: number, low: number): PerceptualHash {
  return [(high >>> 16) & 0xffff, high & 0xffff, (low >>> 16) & 0xffff, low & 0xffff];
}

/** forEachNearPair on packed hashes ([Note: The band index in memory]). */
function forEachPackedNearPair(
  { high, low, owner, whole }: PackedHashes,
  threshold: number,
  visit: (i: number, j: number) => void,
  cropThreshold: number,
): void {
  const cropLimit = Math.min(threshold, cropThreshold);
  const n = high.length;
  const bandOf = (i: number, band: number): number =>
    ((band < 2 ? (high[i] as number) : (low[i] as number)) >>> (band % 2 === 0 ? 16 : 0)) & 0xffff;
  const offsets = new Int32Array(4 * 65537);
  const entries = new Int32Array(4 * n * entrySlots);
  for (let band = 0; band < 4; band++) {
    const base = band * 65537;
    for (let i = 0; i < n; i++) {
      const slot = base + bandOf(i, band) + 1;
      offsets[slot] = (offsets[slot] as number) + 1;
    }
    for (let v = 0; v < 65536; v++) {
      offsets[base + v + 1] = (offsets[base + v + 1] as number) + (offsets[base + v] as number);
    }
    const next = offsets.slice(base, base + 65536);
    for (let i = 0; i < n; i++) {
      const value = bandOf(i, band);
      const at = (band * n + (next[value] as number)) * entrySlots;
      next[value] = (next[value] as number) + 1;
      entries[at] = i * 2 + (whole && !whole[i] ? 0 : 1);
      entries[at + 1] = owner ? (owner[i] as number) : i;
      entries[at + 2] = high[i] as number;
      entries[at + 3] = low[i] as number;
    }
  }
  for (let band = 0; band < 4; band++) {
    const base = band * 65537;
    const first = band * n;
    for (let position = 0; position < n; position++) {
      const me = (first + position) * entrySlots;
      const tagged = entries[me] as number;
      // A crop hash does not probe: its pairs are found from their whole hash.
      if ((tagged & 1) === 0) continue;
      const i = tagged >> 1;
      const iOwner = entries[me + 1] as number;
      const iHigh = entries[me + 2] as number;
      const iLow = entries[me + 3] as number;
      const value = bandOf(i, band);
      for (let flip = -1; flip < 16; flip++) {
        const probe = flip < 0 ? value : value ^ (1 << flip);
        const end = (first + (offsets[base + probe + 1] as number)) * entrySlots;
        for (
          let at = (first + (offsets[base + probe] as number)) * entrySlots;
          at < end;
          at += entrySlots
        ) {
          const other = entries[at] as number;
          const j = other >> 1;
          const jWhole = (other & 1) === 1;
          // Two whole hashes: visited from the smaller index only.
          if (jWhole && j <= i) continue;
          if (entries[at + 1] === iOwner) continue;
          const distance =
            popcount32(iHigh ^ (entries[at + 2] as number)) +
            popcount32(iLow ^ (entries[at + 3] as number));
          if (distance > (jWhole ? threshold : cropLimit)) continue;
          if (i < j) visit(i, j);
          else visit(j, i);
        }
      }
    }
  }
}

/** One photo of a duplicate group, with what the review page shows beside it. */
export interface DuplicatePhoto {
  readonly photoId: number;
  readonly contentId: number;
  readonly sha256: string;
  readonly folderId: number;
  readonly folderPath: string;
  readonly relPath: string;
  readonly folderOnline: boolean;
  readonly size: number;
  readonly mtimeMs: number;
  readonly width: number | null;
  readonly height: number | null;
  readonly takenAt: number | null;
  /** Bits from the group's first photo's hash (0 for the same bytes). */
  readonly distance: number;
}

export interface DuplicateGroup {
  /** The photos, the one most worth keeping first (most pixels, then the largest file). */
  readonly photos: DuplicatePhoto[];
}

/**
 * Groups of near-duplicate photos: contents joined when their hashes are within the threshold
 * (candidates from the bands, never every pair) and the user did not say "Not duplicates" for
 * the pair, plus the copies of the same bytes in several places. Only photos whose file is in
 * the library (`ok`) count; a group needs two of them. Largest groups first.
 */
export function findDuplicateGroups(
  db: ReadableCatalog,
  threshold: number = nearDuplicateThreshold,
): DuplicateGroup[] {
  return db
    .transaction(() => {
      // Only contents that some photo in the library shows take part. Filtered here, not by
      // an EXISTS per row: that lookup was 2 of the 2.5 s the read took at 100k contents.
      const shown = new Set(
        db
          .prepare<[], number>(
            `SELECT DISTINCT content_id FROM photos WHERE status = 'ok' AND content_id IS NOT NULL`,
          )
          .pluck()
          .all(),
      );
      // Read as raw rows of four numbers, each hash packed as two int32 (0.4 s of CPU at 100k
      // contents; row objects took twice as long and as much again in garbage collection).
      const rowContent: number[] = [];
      const high: number[] = [];
      const low: number[] = [];
      const whole: boolean[] = [];
      for (const [contentId, variant, bands01, bands23] of db
        .prepare<[number], [number, number, number, number]>(
          `SELECT content_id, variant, (band0 << 16) | band1, (band2 << 16) | band3
           FROM perceptual_hashes
           WHERE hash_version = ? AND band0 IS NOT NULL ORDER BY content_id, variant`,
        )
        .raw()
        .iterate(perceptualHashVersion)) {
        if (!shown.has(contentId)) continue;
        rowContent.push(contentId);
        whole.push(variant === 0);
        high.push(bands01);
        low.push(bands23);
      }
      const dismissed = new Set(
        db
          .prepare<[], { content_a: number; content_b: number }>(
            `SELECT content_a, content_b FROM duplicate_dismissals`,
          )
          .all()
          .map((d) => pairKey(d.content_a, d.content_b)),
      );
      // Each content's index and its first row (rows come in content, then variant order).
      const contentIds: number[] = [];
      const firstRow: number[] = [];
      const owner = new Int32Array(rowContent.length);
      rowContent.forEach((contentId, row) => {
        if (contentIds[contentIds.length - 1] !== contentId) {
          contentIds.push(contentId);
          firstRow.push(row);
        }
        owner[row] = contentIds.length - 1;
      });
      const indexOfContent = new Map(contentIds.map((id, i) => [id, i]));
      /** A content's hashes, the whole picture's first. */
      const hashesOf = (contentId: number): PerceptualHash[] | undefined => {
        const index = indexOfContent.get(contentId);
        if (index === undefined) return undefined;
        const end = firstRow[index + 1] ?? rowContent.length;
        const hashes: PerceptualHash[] = [];
        for (let row = firstRow[index] as number; row < end; row++) {
          hashes.push(unpackHash(high[row] as number, low[row] as number));
        }
        return hashes;
      };
      const parent = Int32Array.from(contentIds, (_, i) => i);
      const find = (i: number): number => {
        let root = i;
        while (parent[root] !== root) root = parent[root] as number;
        while (parent[i] !== root) {
          const next = parent[i] as number;
          parent[i] = root;
          i = next;
        }
        return root;
      };
      forEachPackedNearPair(
        { high: Int32Array.from(high), low: Int32Array.from(low), owner, whole },
        threshold,
        (a, b) => {
          const contentA = rowContent[a] as number;
          const contentB = rowContent[b] as number;
          if (dismissed.has(pairKey(contentA, contentB))) return;
          parent[find(owner[b] as number)] = find(owner[a] as number);
        },
        cropMatchThreshold,
      );
      const components = new Map<number, number[]>();
      contentIds.forEach((contentId, index) => {
        const root = find(index);
        const list = components.get(root);
        if (list) list.push(contentId);
        else components.set(root, [contentId]);
      });
      // Copies of the same bytes are duplicates whatever their hash (or with none yet).
      const copied = db
        .prepare<[], number>(
          `SELECT content_id FROM photos WHERE status = 'ok' AND content_id IS NOT NULL
           GROUP BY content_id HAVING count(*) > 1`,
        )
        .pluck()
        .all();
      const copiedSet = new Set(copied);
      const inComponent = new Set(contentIds);
      const candidateGroups = [...components.values()];
      for (const contentId of copied) {
        if (!inComponent.has(contentId)) candidateGroups.push([contentId]);
      }
      // One index lookup per content (photos_content); an IN over json_each made SQLite scan
      // the photos table once per group.
      const photosOfContent = db.prepare<
        [number],
        Omit<DuplicatePhoto, 'distance' | 'folderOnline'> & { status: string }
      >(
        `SELECT p.id AS photoId, p.content_id AS contentId, c.hash AS sha256, p.folder_id AS folderId,
                f.path AS folderPath, p.rel_path AS relPath, f.status AS status, p.size AS size,
                p.mtime_ms AS mtimeMs, c.width AS width, c.height AS height, c.taken_at AS takenAt
         FROM photos p JOIN contents c ON c.id = p.content_id JOIN folders f ON f.id = p.folder_id
         WHERE p.content_id = ? AND p.status = 'ok'`,
      );
      const groups: DuplicateGroup[] = [];
      for (const contentIds of candidateGroups) {
        const photoCount = contentIds.length;
        if (photoCount < 2 && !copiedSet.has(contentIds[0] as number)) continue;
        // One content shown in several places, which the user said is meant.
        if (
          photoCount === 1 &&
          dismissed.has(pairKey(contentIds[0] as number, contentIds[0] as number))
        ) {
          continue;
        }
        const photos = contentIds.flatMap((id) => photosOfContent.all(id));
        if (photos.length < 2) continue;
        photos.sort(
          (a, b) =>
            (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0) ||
            b.size - a.size ||
            a.photoId - b.photoId,
        );
        const first = hashesOf((photos[0] as { contentId: number }).contentId);
        groups.push({
          photos: photos.map(({ status, ...photo }) => {
            const hash = hashesOf(photo.contentId);
            return {
              ...photo,
              folderOnline: status === 'online',
              distance:
                photo.contentId === photos[0]?.contentId || !first || !hash
                  ? 0
                  : hashSetDistance(first, hash),
            };
          }),
        });
      }
      return groups.sort(
        (a, b) =>
          b.photos.length - a.photos.length ||
          (a.photos[0]?.photoId ?? 0) - (b.photos[0]?.photoId ?? 0),
      );
    })
    .deferred();
}

/**
 * The duplicates review's change counter (migration 19): it moves with every write that can
 * change the groups, from any process.
 */
export function readDuplicatesGeneration(db: ReadableCatalog): number {
  return (
    db.prepare<[], number>(`SELECT n FROM duplicates_generation WHERE id = 1`).pluck().get() ?? -1
  );
}

/**
 * At least as many as the hash rows (their largest rowid: one index step, where count(*) reads
 * every row), to tell a small library from a large one.
 */
export function perceptualHashRowsAtMost(db: ReadableCatalog): number {
  return (
    db.prepare<[], number | null>(`SELECT max(rowid) FROM perceptual_hashes`).pluck().get() ?? 0
  );
}

/**
 * What the review page lists: findDuplicateGroups, how many contents are still to be hashed
 * (countUnhashedContents: 0.1 s at 100k, so it is kept with the groups too), and the
 * generation they were read at, in one read transaction.
 */
export function readDuplicateGroupsAt(
  db: ReadableCatalog,
  threshold: number = nearDuplicateThreshold,
): { generation: number; groups: DuplicateGroup[]; pending: number } {
  return db
    .transaction(() => ({
      generation: readDuplicatesGeneration(db),
      groups: findDuplicateGroups(db, threshold),
      pending: countUnhashedContents(db),
    }))
    .deferred();
}

/**
 * "Not duplicates": no two of these contents form a group again (every pair is remembered; a
 * content listed twice, or alone, means its copies in several places are meant).
 */
export function dismissDuplicates(db: Catalog, contentIds: readonly number[], now: number): number {
  const unique = [...new Set(contentIds)].sort((a, b) => a - b);
  const insert = db.prepare<[number, number, number]>(
    `INSERT OR IGNORE INTO duplicate_dismissals (content_a, content_b, created_at) VALUES (?, ?, ?)`,
  );
  return db.transaction(() => {
    let added = 0;
    if (unique.length === 1) {
      const only = unique[0] as number;
      return insert.run(only, only, now).changes;
    }
    for (let i = 0; i < unique.length; i++) {
      for (let j = i + 1; j < unique.length; j++) {
        added += insert.run(unique[i] as number, unique[j] as number, now).changes;
      }
    }
    // Copies of one content inside the group are part of the same decision.
    for (const id of unique) added += insert.run(id, id, now).changes;
    return added;
  })();
}

/** A photo as "Keep this one" needs it: where its file is and whether it is in the library. */
export interface DuplicateCandidatePlace {
  readonly photoId: number;
  readonly contentId: number | null;
  readonly status: string;
  readonly folderPath: string;
  readonly relPath: string;
  readonly folderOnline: boolean;
}

export function readDuplicateCandidatePlaces(
  db: ReadableCatalog,
  photoIds: readonly number[],
): DuplicateCandidatePlace[] {
  return db
    .prepare<[string], Omit<DuplicateCandidatePlace, 'folderOnline'> & { folderStatus: string }>(
      `SELECT p.id AS photoId, p.content_id AS contentId, p.status AS status, f.path AS folderPath,
              p.rel_path AS relPath, f.status AS folderStatus
       FROM photos p JOIN folders f ON f.id = p.folder_id
       WHERE p.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(photoIds))
    .map(({ folderStatus, ...place }) => ({ ...place, folderOnline: folderStatus === 'online' }));
}
