// Benchmark of near-duplicate detection (main/imaging/perceptual-hash.ts): from the shared
// sample photos and generated photo-like pictures, near-duplicates are made by re-encoding
// (JPEG q 50–95, WebP), resizing (25–200 %), cropping (2–10 % off each side) and small
// brightness changes; every picture goes through the app's path (makeRenditions → the 320 px
// thumbnail → perceptualHash). Reported per threshold: true positives (a copy within the
// threshold of its original), false negatives, false positives (two distinct pictures within
// it), precision and recall of "is a near duplicate"; and ms per hash of a thumbnail.
// At library scale (random hashes): the groups listed in place (groupsMs, groupsCpuMs), and as
// the web host lists them: first in a worker (listFirstMs, the main thread's longest stall
// meanwhile) and again from the kept groups (listKeptMs).
// Recall counts what the catalog's band search finds (candidates share a 16-bit band within one
// bit: complete up to distance 7, main/catalog/perceptual-hashes.ts), not just the distance.
//   node bin/run-ts.js bench/duplicates.ts [--dir D] [--generated N] [--library N] [--library-only]
// The last output line is one JSON object.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openCatalog, type Catalog } from '../main/catalog/catalog-connection.ts';
import {
  findDuplicateGroups,
  findSimilarContents,
  hashSetDistance,
  savePerceptualHash,
} from '../main/catalog/perceptual-hashes.ts';
import { makeRenditions } from '../main/imaging/image-renditions.ts';
import { DuplicateGroupsCache } from '../main/search/duplicate-groups-cache.ts';
import {
  bandWithOneBitFlips,
  hashedCrops,
  perceptualHashSet,
  type PerceptualHash,
} from '../main/imaging/perceptual-hash.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: '../shared/samples/photos' },
    generated: { type: 'string', default: '30' },
    // Contents of the synthetic catalog the band search is timed on.
    library: { type: 'string', default: '100000' },
    // Only the library-scale timing (no photos hashed).
    'library-only': { type: 'boolean', default: false },
  },
});
const dir = resolve(args.dir);
const generatedCount = Math.max(0, Number(args.generated));

/** A photo-like picture: smooth colour fields, a few shapes, grain (distinct per seed). */
async function generatedPhoto(seed: number): Promise<Buffer> {
  let state = seed * 2654435761 + 1;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const small = Buffer.alloc(12 * 9 * 3);
  for (let i = 0; i < small.length; i++) small[i] = Math.floor(random() * 256);
  const width = 1600;
  const height = random() < 0.5 ? 1200 : 900;
  const shapes = Array.from({ length: 6 }, () => {
    const x = Math.floor(random() * width);
    const y = Math.floor(random() * height);
    const r = 40 + Math.floor(random() * 200);
    const colour = `rgb(${String(Math.floor(random() * 256))},${String(Math.floor(random() * 256))},${String(Math.floor(random() * 256))})`;
    return `<circle cx="${String(x)}" cy="${String(y)}" r="${String(r)}" fill="${colour}"/>`;
  }).join('');
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}">${shapes}</svg>`,
  );
  return sharp(small, { raw: { width: 12, height: 9, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .composite([{ input: svg }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

interface Variant {
  readonly kind: string;
  readonly make: (original: Buffer) => Promise<Buffer>;
}

async function sizeOf(image: Buffer): Promise<{ width: number; height: number }> {
  const m = await sharp(image).metadata();
  return { width: m.width, height: m.height };
}

function resized(scale: number): Variant {
  return {
    kind: `resize ${String(Math.round(scale * 100))}%`,
    make: async (original) => {
      const { width } = await sizeOf(original);
      return sharp(original)
        .resize({ width: Math.max(16, Math.round(width * scale)) })
        .jpeg({ quality: 90 })
        .toBuffer();
    },
  };
}

function cropped(fraction: number): Variant {
  return {
    kind: `crop ${String(Math.round(fraction * 100))}%`,
    make: async (original) => {
      const { width, height } = await sizeOf(original);
      const dx = Math.round(width * fraction);
      const dy = Math.round(height * fraction);
      return sharp(original)
        .extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy })
        .jpeg({ quality: 90 })
        .toBuffer();
    },
  };
}

/** Cropped on one side only (a straightened or re-framed copy). */
function croppedOneSide(fraction: number): Variant {
  return {
    kind: `crop right ${String(Math.round(fraction * 100))}%`,
    make: async (original) => {
      const { width, height } = await sizeOf(original);
      return sharp(original)
        .extract({ left: 0, top: 0, width: width - Math.round(width * fraction), height })
        .jpeg({ quality: 90 })
        .toBuffer();
    },
  };
}

const variants: Variant[] = [
  ...[50, 70, 95].map((quality): Variant => ({
    kind: `jpeg q${String(quality)}`,
    make: (original) => sharp(original).jpeg({ quality }).toBuffer(),
  })),
  { kind: 'webp q75', make: (original) => sharp(original).webp({ quality: 75 }).toBuffer() },
  ...[0.25, 0.5, 2].map(resized),
  ...[0.02, 0.05, 0.1].map(cropped),
  ...[0.05, 0.1].map(croppedOneSide),
  ...[0.9, 1.1].map((factor): Variant => ({
    kind: `brightness ×${String(factor)}`,
    make: (original) =>
      sharp(original).modulate({ brightness: factor }).jpeg({ quality: 90 }).toBuffer(),
  })),
];

/** As the app does it: the whole and crop hashes of the 320 px thumbnail. */
async function thumbnailHash(
  input: Buffer | string,
): Promise<{ hash: PerceptualHash[]; ms: number }> {
  const { thumbnail } = await makeRenditions(input);
  const started = performance.now();
  const set = await perceptualHashSet(thumbnail);
  return { hash: [set.hash, ...set.crops], ms: performance.now() - started };
}

/**
 * Whether the catalog's band search offers the pair (a band within one bit), pairing a whole
 * hash with any hash of the other, as findSimilarContents and findDuplicateGroups do.
 */
function bandCandidate(a: readonly PerceptualHash[], b: readonly PerceptualHash[]): boolean {
  const near = (x: PerceptualHash, y: PerceptualHash) =>
    x.some((band, i) => bandWithOneBitFlips(band).includes(y[i] as number));
  const [wholeA] = a;
  const [wholeB] = b;
  if (!wholeA || !wholeB) return false;
  return b.some((y) => near(wholeA, y)) || a.some((x) => near(x, wholeB));
}

if (args['library-only']) {
  console.log(JSON.stringify({ library: await timeLibrary(Math.max(1000, Number(args.library))) }));
  process.exit(0);
}

const originals: { name: string; bytes: Buffer }[] = [];
for (const name of readdirSync(dir).sort()) {
  if (!/\.(jpe?g|png|webp)$/i.test(name)) continue;
  originals.push({ name, bytes: await sharp(join(dir, name)).jpeg({ quality: 95 }).toBuffer() });
}
for (let i = 0; i < generatedCount; i++) {
  originals.push({ name: `generated-${String(i)}`, bytes: await generatedPhoto(i + 1) });
}

const hashMs: number[] = [];
const originalHashes: PerceptualHash[][] = [];
for (const original of originals) {
  const { hash, ms } = await thumbnailHash(original.bytes);
  originalHashes.push(hash);
  hashMs.push(ms);
}

/** Distance of each near-duplicate to its original, and whether the band search finds it. */
const copies: { kind: string; distance: number; candidate: boolean }[] = [];
for (const [i, original] of originals.entries()) {
  const base = originalHashes[i] as PerceptualHash[];
  for (const variant of variants) {
    const { hash, ms } = await thumbnailHash(await variant.make(original.bytes));
    hashMs.push(ms);
    copies.push({
      kind: variant.kind,
      distance: hashSetDistance(base, hash),
      candidate: bandCandidate(base, hash),
    });
  }
}
/** Distances between distinct pictures (every pair of originals). */
const distinct: { distance: number; candidate: boolean }[] = [];
for (let i = 0; i < originalHashes.length; i++) {
  for (let j = i + 1; j < originalHashes.length; j++) {
    const a = originalHashes[i] as PerceptualHash[];
    const b = originalHashes[j] as PerceptualHash[];
    distinct.push({ distance: hashSetDistance(a, b), candidate: bandCandidate(a, b) });
  }
}

const thresholds = [4, 6, 8, 10, 12, 14];
const byThreshold = thresholds.map((threshold) => {
  const truePositives = copies.filter((c) => c.distance <= threshold && c.candidate).length;
  const byDistanceOnly = copies.filter((c) => c.distance <= threshold).length;
  const falsePositives = distinct.filter((d) => d.distance <= threshold && d.candidate).length;
  const falseNegatives = copies.length - truePositives;
  return {
    threshold,
    truePositives,
    falseNegatives,
    falsePositives,
    precision: Number((truePositives / Math.max(1, truePositives + falsePositives)).toFixed(4)),
    recall: Number((truePositives / copies.length).toFixed(4)),
    recallByDistanceAlone: Number((byDistanceOnly / copies.length).toFixed(4)),
  };
});
const perKind = Object.fromEntries(
  variants.map((v) => {
    const ds = copies.filter((c) => c.kind === v.kind).map((c) => c.distance);
    return [
      v.kind,
      {
        max: Math.max(...ds),
        mean: Number((ds.reduce((a, b) => a + b, 0) / ds.length).toFixed(2)),
      },
    ];
  }),
);
const sortedMs = [...hashMs].sort((a, b) => a - b);
const percentile = (p: number) =>
  sortedMs[Math.min(sortedMs.length - 1, Math.floor(p * sortedMs.length))] ?? 0;
const minDistinct = Math.min(...distinct.map((d) => d.distance));

/**
 * The Duplicates page's listing as the web host does it (DuplicateGroupsCache): the first in a
 * worker thread, then again with the catalog unchanged (kept groups). The longest the main
 * thread's event loop stalled meanwhile says whether the listing blocked it.
 */
async function timeCachedListing(db: Catalog, catalogFile: string) {
  const cache = new DuplicateGroupsCache(db, catalogFile);
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  try {
    stalls.enable();
    let started = performance.now();
    const first = (await cache.list()).groups;
    const listFirstMs = performance.now() - started;
    stalls.disable();
    started = performance.now();
    const again = (await cache.list()).groups;
    const listKeptMs = performance.now() - started;
    if (again !== first) throw new Error('the second listing was not the kept one');
    return {
      listFirstMs: Math.round(listFirstMs),
      listKeptMs: Number(listKeptMs.toFixed(3)),
      listFirstMainThreadMaxStallMs: Math.round(stalls.max / 1e6),
    };
  } finally {
    await cache.close();
  }
}

/**
 * The band search at library scale: a real catalog file with `library` contents of random
 * hashes (whole and one per hashedCrops entry each; distinct pictures are about 32 bits apart), one in 50 with
 * a near copy 1–8 bits away.
 * Timed: the whole duplicates review (findDuplicateGroups) and one photo's similar search.
 */
async function timeLibrary(size: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-bench-duplicates-'));
  try {
    const db = openCatalog(join(dir, 'catalog.sqlite'));
    const folder = db
      .prepare<[string], { id: number }>(
        `INSERT INTO folders (path, added_at) VALUES (?, 0) RETURNING id`,
      )
      .get(dir);
    // mulberry32: well-mixed 32-bit values (an LCG's correlated outputs make false near pairs).
    let seed = 12345;
    const random16 = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) & 0xffff;
    };
    const addContent = db.prepare<[string], { id: number }>(
      `INSERT INTO contents (hash, size, created_at) VALUES (?, 1, 0) RETURNING id`,
    );
    const addPhoto = db.prepare<[number, string, number]>(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, ?, 1, 0, ?, 'ok')`,
    );
    let nearPairs = 0;
    db.transaction(() => {
      for (let i = 0; i < size; i++) {
        const hash: [number, number, number, number] = [
          random16(),
          random16(),
          random16(),
          random16(),
        ];
        const add = (h: PerceptualHash, name: string) => {
          const content = addContent.get(name.padStart(64, '0'));
          if (!content || !folder) throw new Error('insert failed');
          addPhoto.run(folder.id, name, content.id);
          // Crop hashes as the app stores them (unrelated to the whole one, as for real photos).
          const crop = (): PerceptualHash => [random16(), random16(), random16(), random16()];
          savePerceptualHash(db, content.id, { hash: h, crops: hashedCrops.map(crop) }, 0);
        };
        add(hash, String(i));
        if (i % 50 === 0) {
          const near = [...hash] as [number, number, number, number];
          const bits = 1 + (i % 8);
          for (let b = 0; b < bits; b++) {
            const bit = (b * 23 + i) % 64;
            near[bit >> 4] = (near[bit >> 4] as number) ^ (1 << (bit & 15));
          }
          add(near, `${String(i)}-copy`);
          nearPairs++;
        }
      }
    })();
    db.pragma('optimize');
    const listing = await timeCachedListing(db, join(dir, 'catalog.sqlite'));
    // CPU time beside wall time: the machine these run on is shared.
    const cpuBefore = process.cpuUsage();
    let started = performance.now();
    const groups = findDuplicateGroups(db);
    const groupsMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const groupsCpuMs = (cpu.user + cpu.system) / 1000;
    // Random hashes stand for distinct photos: groups beyond the planted pairs are false ones.
    const falseGroupsByThreshold = Object.fromEntries(
      [6, 8, 10].map((t) => [t, findDuplicateGroups(db, t).length - nearPairs]),
    );
    const similarMs: number[] = [];
    for (let id = 1; id <= 200; id++) {
      started = performance.now();
      findSimilarContents(db, id * 7);
      similarMs.push(performance.now() - started);
    }
    similarMs.sort((a, b) => a - b);
    db.close();
    return {
      contents: size + nearPairs,
      nearPairs,
      groupsFound: groups.length,
      falseGroupsByThreshold,
      groupsMs: Math.round(groupsMs),
      groupsCpuMs: Math.round(groupsCpuMs),
      ...listing,
      similarMsP50: Number((similarMs[100] ?? 0).toFixed(3)),
      similarMsP95: Number((similarMs[190] ?? 0).toFixed(3)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const library = await timeLibrary(Math.max(1000, Number(args.library)));
console.log(JSON.stringify({ library }));

for (const row of byThreshold) console.log(JSON.stringify(row));
console.log(JSON.stringify({ perKind }));
console.log(
  JSON.stringify({
    originals: originals.length,
    nearDuplicates: copies.length,
    distinctPairs: distinct.length,
    minDistinctDistance: minDistinct,
    hashMsP50: Number(percentile(0.5).toFixed(2)),
    hashMsP95: Number(percentile(0.95).toFixed(2)),
    library,
    byThreshold,
  }),
);
