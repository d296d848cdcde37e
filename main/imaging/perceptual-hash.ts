// A 64-bit perceptual hash (DCT pHash) of a picture, for finding near-duplicate photos: the
// same picture re-encoded, resized, slightly cropped or brightened gives a hash a few bits
// away, while different pictures differ in about half of the bits.
//
// [Note: Perceptual hash of the thumbnail]
// The hash is computed from the content's stored thumbnail (320 px WebP, main/imaging/
// image-renditions.ts), not from the original: ingest hashes the thumbnail it just made and the
// backfill (main/library/perceptual-hash-backfill.ts) hashes the one on disk, so both give the
// same hash, offline originals can be hashed, and it costs one small decode. The picture is
// flattened on white (transparent PNGs), made grey, squeezed to 32×32 (the aspect is dropped,
// which is what makes a resized or slightly cropped copy land near the original), transformed
// with a 2-D DCT, and the 8×8 lowest frequencies except the DC row and column are compared with
// their median: one bit each. Measured by `npm run bench:duplicates` (the threshold in
// main/catalog/perceptual-hashes.ts comes from there).
import sharp from 'sharp';
import { openImage, type OpenImageOptions } from './image-open.ts';

/**
 * The version of this recipe; a new recipe means hashes must be recomputed (the backfill does).
 * 2: the one-edge crops of `hashedCrops`.
 */
export const perceptualHashVersion = 2;

const side = 32;
const kept = 8;

/** cos((2x + 1) u π / 2N) for u = 1..kept, x = 0..side-1: the DCT-II basis rows used. */
const basis: Float64Array[] = Array.from({ length: kept }, (_, i) => {
  const u = i + 1;
  const row = new Float64Array(side);
  for (let x = 0; x < side; x++) row[x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * side));
  return row;
});

/** The hash as four 16-bit bands, most significant first (the catalog stores these). */
export type PerceptualHash = readonly [number, number, number, number];

/** pHash of grey pixels, side × side, row-major. */
export function hashGreyPixels(pixels: Uint8Array): PerceptualHash {
  if (pixels.length !== side * side) {
    throw new Error(`expected ${String(side * side)} grey pixels, got ${String(pixels.length)}`);
  }
  // Separable DCT: rows first (only the kept frequencies), then columns.
  const rows = new Float64Array(side * kept);
  for (let y = 0; y < side; y++) {
    for (let u = 0; u < kept; u++) {
      const b = basis[u] as Float64Array;
      let sum = 0;
      for (let x = 0; x < side; x++) sum += (pixels[y * side + x] as number) * (b[x] as number);
      rows[y * kept + u] = sum;
    }
  }
  const coefficients = new Float64Array(kept * kept);
  for (let v = 0; v < kept; v++) {
    const b = basis[v] as Float64Array;
    for (let u = 0; u < kept; u++) {
      let sum = 0;
      for (let y = 0; y < side; y++) sum += (rows[y * kept + u] as number) * (b[y] as number);
      coefficients[v * kept + u] = sum;
    }
  }
  const sorted = Float64Array.from(coefficients).sort();
  const median = ((sorted[31] as number) + (sorted[32] as number)) / 2;
  const bands: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 64; i++) {
    if ((coefficients[i] as number) > median) {
      const band = i >> 4;
      bands[band] = (bands[band] as number) | (1 << (15 - (i & 15)));
    }
  }
  return bands;
}

/**
 * The perceptual hash of an image file or buffer (a thumbnail, in the app). Opened through
 * openImage, the one place that decides what Tujian reads; throws its `ImageError`. The same
 * pixels as perceptualHashSet's whole-picture hash.
 */
export async function perceptualHash(
  input: string | Buffer,
  options: OpenImageOptions = {},
): Promise<PerceptualHash> {
  return (await perceptualHashSet(input, options)).hash;
}

/** A crop as the fractions cut off each edge. */
export interface CropBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

const centre = (f: number): CropBox => ({ left: f, top: f, right: f, bottom: f });

/**
 * Crops hashed beside the whole picture. A copy cropped by about 5 % or 10 % all round is
 * within a few bits of its original's centre-crop hash, while its whole-picture hash is 12–30
 * bits away. A copy cropped on one edge only (straightened, re-framed) squeezes the picture
 * one way and was missed (5 % off the right: 13 of 40 photos missed, 10 %: all 40); with the
 * 7.5 % one-edge crops, 3–7.5 % off an edge is found for 39–40 of 40 and 10 % for 31, and no
 * two different pictures came closer (scratch measurement on bench:duplicates' pictures; the
 * bench's own figures are in README). Version 2 of the recipe added the edge crops.
 */
export const hashedCrops: readonly CropBox[] = [
  centre(0.05),
  centre(0.1),
  { left: 0, top: 0, right: 0.075, bottom: 0 },
  { left: 0.075, top: 0, right: 0, bottom: 0 },
  { left: 0, top: 0, right: 0, bottom: 0.075 },
  { left: 0, top: 0.075, right: 0, bottom: 0 },
];

/** The whole picture's hash and its crops' hashes (one decode). */
export interface PerceptualHashSet {
  readonly hash: PerceptualHash;
  /** One per `hashedCrops` entry. */
  readonly crops: readonly PerceptualHash[];
}

/** The hash of an image and of its crops ([Note: Perceptual hash of the thumbnail]). */
export async function perceptualHashSet(
  input: string | Buffer,
  options: OpenImageOptions = {},
): Promise<PerceptualHashSet> {
  const opened = await openImage(input, options);
  const { data, info } = await opened
    .pipeline()
    .rotate()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  const hashOf = async (crop: CropBox): Promise<PerceptualHash> => {
    const left = Math.round(info.width * crop.left);
    const top = Math.round(info.height * crop.top);
    const width = Math.max(1, info.width - left - Math.round(info.width * crop.right));
    const height = Math.max(1, info.height - top - Math.round(info.height * crop.bottom));
    const grey = await sharp(data, raw)
      .extract({ left, top, width, height })
      .resize(side, side, { fit: 'fill', kernel: sharp.kernel.cubic })
      .extractChannel(0)
      .raw()
      .toBuffer();
    return hashGreyPixels(grey);
  };
  const [hash, ...crops] = await Promise.all([centre(0), ...hashedCrops].map(hashOf));
  if (!hash) throw new Error('unreachable: the whole picture is always hashed');
  return { hash, crops };
}

/** Bits set in a 16-bit value. */
export function popcount16(value: number): number {
  let v = value - ((value >> 1) & 0x5555);
  v = (v & 0x3333) + ((v >> 2) & 0x3333);
  v = (v + (v >> 4)) & 0x0f0f;
  return (v + (v >> 8)) & 0x1f;
}

/** Hamming distance of two hashes (0–64). */
export function hammingDistance(a: PerceptualHash, b: PerceptualHash): number {
  return (
    popcount16(a[0] ^ b[0]) +
    popcount16(a[1] ^ b[1]) +
    popcount16(a[2] ^ b[2]) +
    popcount16(a[3] ^ b[3])
  );
}

/** A band and every value one bit away from it (17 values): the probes of a band. */
export function bandWithOneBitFlips(band: number): number[] {
  const values = [band];
  for (let bit = 0; bit < 16; bit++) values.push(band ^ (1 << bit));
  return values;
}

/** The hash as 16 hex digits (for the CLI's JSON and the benchmark). */
export function perceptualHashHex(hash: PerceptualHash): string {
  return hash.map((band) => band.toString(16).padStart(4, '0')).join('');
}
