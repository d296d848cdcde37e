// Generated benchmark photos: photo-like 12 MP JPEGs with EXIF, made once into a cache folder
// (generation is not timed). Every file has distinct bytes, so no two share a content row.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export const width = 4000;
export const height = 3000;
const bases = 24;

export const defaultCacheDir = join(
  tmpdir(),
  'tujian-bench-photos',
  `${String(width)}x${String(height)}`,
);

/** The APP1 EXIF segment of a tiny JPEG made with the given EXIF, to splice into a big one. */
export async function exifSegment(index: number): Promise<Buffer> {
  const taken = new Date(Date.UTC(2023, 4, 1, 8, 0, 0) + index * 61_000);
  const stamp = taken.toISOString().replace('T', ' ').slice(0, 19).replaceAll('-', ':');
  const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'BenchCam', Model: `BenchCam M${String(index % 7)}` },
      IFD2: { DateTimeOriginal: stamp },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: `${String(30 + (index % 20))}/1 15/1 0/1`,
        GPSLongitudeRef: 'E',
        GPSLongitude: `${String(100 + (index % 30))}/1 30/1 0/1`,
      },
    })
    .toBuffer();
  for (let at = 2; at + 4 < tiny.length;) {
    const marker = tiny.readUInt16BE(at);
    const length = tiny.readUInt16BE(at + 2);
    if (marker === 0xffe1 && tiny.subarray(at + 4, at + 10).toString('latin1') === 'Exif\0\0') {
      return tiny.subarray(at, at + 2 + length);
    }
    at += 2 + length;
  }
  throw new Error('sharp wrote no EXIF segment');
}

/** A photo-like 12 MP picture: smooth colour fields with fine grain (≈3.8 MB at quality 90). */
export async function basePhoto(): Promise<Buffer> {
  const pixels = await sharp(randomBytes(80 * 60 * 3), {
    raw: { width: 80, height: 60, channels: 3 },
  })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  const grain = randomBytes(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = Math.max(0, Math.min(255, (pixels[i] ?? 0) + ((grain[i] ?? 0) & 31) - 16));
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Generates the photos once into the cache folder (not timed). Every file has distinct bytes. */
export async function ensurePhotos(dir: string, n: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const have = readdirSync(dir).filter((name) => name.endsWith('.jpg')).length;
  if (have >= n) return;
  console.error(`generating ${String(n - have)} 12 MP JPEGs with EXIF into ${dir} (once)…`);
  const baseImages: Buffer[] = [];
  for (let i = 0; i < Math.min(bases, n); i++) baseImages.push(await basePhoto());
  for (let i = have; i < n; i++) {
    const base = baseImages[i % baseImages.length] ?? baseImages[0];
    if (!base) throw new Error('no base image');
    const segment = await exifSegment(i);
    writeFileSync(
      join(dir, `photo-${String(i).padStart(5, '0')}.jpg`),
      Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)]),
    );
  }
}
