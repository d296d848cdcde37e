// The perceptual hash with real sharp on the shared sample photos (generated pictures when the
// samples are absent) and on copies made the way users make them: re-encoded, resized, lightly
// cropped, brightened. Copies stay within the near-duplicate threshold of their original's
// thumbnail hash; different photos stay far beyond it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hashSetDistance, nearDuplicateThreshold } from '../../main/catalog/perceptual-hashes.ts';
import { makeRenditions } from '../../main/imaging/image-renditions.ts';
import {
  bandWithOneBitFlips,
  hammingDistance,
  hashGreyPixels,
  perceptualHash,
  perceptualHashHex,
  perceptualHashSet,
} from '../../main/imaging/perceptual-hash.ts';

const samples = join(import.meta.dirname, '..', '..', '..', 'shared', 'samples', 'photos');

/** Photo-like pictures: the samples, or smooth random colour fields when they are absent. */
async function originals(): Promise<{ name: string; bytes: Buffer }[]> {
  if (existsSync(samples)) {
    return Promise.all(
      readdirSync(samples)
        .filter((name) => /\.(jpe?g|png)$/i.test(name))
        .sort()
        .map(async (name) => ({ name, bytes: await sharp(join(samples, name)).toBuffer() })),
    );
  }
  return Promise.all(
    [1, 2, 3, 4, 5].map(async (seed) => {
      const small = Buffer.alloc(8 * 6 * 3);
      for (let i = 0; i < small.length; i++) small[i] = (seed * 97 + i * 53) % 256;
      const bytes = await sharp(small, { raw: { width: 8, height: 6, channels: 3 } })
        .resize(800, 600, { kernel: 'cubic' })
        .jpeg()
        .toBuffer();
      return { name: `generated-${String(seed)}`, bytes };
    }),
  );
}

/** As the app does it: the hash of the 320 px thumbnail. */
async function thumbnailHash(bytes: Buffer) {
  return perceptualHash((await makeRenditions(bytes)).thumbnail);
}

describe(perceptualHash.name, () => {
  it('keeps re-encoded, resized, cropped and brightened copies within the threshold', async () => {
    const photos = (await originals()).slice(0, 4);
    for (const { name, bytes } of photos) {
      const original = await thumbnailHash(bytes);
      const { width, height } = await sharp(bytes).metadata();
      const dx = Math.round(width * 0.02);
      const dy = Math.round(height * 0.02);
      const copies = {
        'jpeg q50': await sharp(bytes).jpeg({ quality: 50 }).toBuffer(),
        webp: await sharp(bytes).webp({ quality: 75 }).toBuffer(),
        'resize 25%': await sharp(bytes)
          .resize({ width: Math.round(width / 4) })
          .png()
          .toBuffer(),
        'resize 200%': await sharp(bytes)
          .resize({ width: width * 2 })
          .jpeg()
          .toBuffer(),
        'crop 2%': await sharp(bytes)
          .extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy })
          .jpeg()
          .toBuffer(),
        'brightness 1.1': await sharp(bytes).modulate({ brightness: 1.1 }).jpeg().toBuffer(),
      };
      // Cropped 10 % all round: far as a whole, near the original's centre-crop hash.
      const cut = (n: number) => Math.round(n * 0.1);
      const cropped = await sharp(bytes)
        .extract({
          left: cut(width),
          top: cut(height),
          width: width - 2 * cut(width),
          height: height - 2 * cut(height),
        })
        .jpeg()
        .toBuffer();
      const setOf = async (image: Buffer) => {
        const set = await perceptualHashSet((await makeRenditions(image)).thumbnail);
        return [set.hash, ...set.crops];
      };
      expect(
        hashSetDistance(await setOf(bytes), await setOf(cropped)),
        `${name} crop 10%`,
      ).toBeLessThanOrEqual(nearDuplicateThreshold);
      // Cropped on one edge only (re-framed): the whole hash squeezes the picture one way.
      for (const [edge, fraction] of [
        ['right', 0.06],
        ['top', 0.08],
      ] as const) {
        const cutX = edge === 'right' ? Math.round(width * fraction) : 0;
        const cutY = edge === 'top' ? Math.round(height * fraction) : 0;
        const oneEdge = await sharp(bytes)
          .extract({ left: 0, top: cutY, width: width - cutX, height: height - cutY })
          .jpeg()
          .toBuffer();
        expect(
          hashSetDistance(await setOf(bytes), await setOf(oneEdge)),
          `${name} crop ${edge} ${String(fraction * 100)}%`,
        ).toBeLessThanOrEqual(nearDuplicateThreshold);
      }
      for (const [kind, copy] of Object.entries(copies)) {
        const distance = hammingDistance(original, await thumbnailHash(copy));
        expect(distance, `${name} ${kind}`).toBeLessThanOrEqual(nearDuplicateThreshold);
      }
    }
  });

  it('puts different photos far apart', async () => {
    const photos = await originals();
    const hashes = await Promise.all(photos.map(({ bytes }) => thumbnailHash(bytes)));
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        const distance = hammingDistance(hashes[i] ?? [0, 0, 0, 0], hashes[j] ?? [0, 0, 0, 0]);
        expect(distance, `${photos[i]?.name ?? ''} vs ${photos[j]?.name ?? ''}`).toBeGreaterThan(
          nearDuplicateThreshold + 4,
        );
      }
    }
  });

  it('hashes transparent and grey images, and the same pixels the same way', async () => {
    const png = await sharp({
      create: { width: 64, height: 48, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .composite([
        {
          input: Buffer.from('<svg width="64" height="48"><circle cx="20" cy="20" r="12"/></svg>'),
        },
      ])
      .png()
      .toBuffer();
    const first = await perceptualHash(png);
    expect(first).toEqual(await perceptualHash(png));
    expect(perceptualHashHex(first)).toMatch(/^[0-9a-f]{16}$/);
    const grey = await sharp(png)
      .flatten({ background: '#fff' })
      .greyscale()
      .jpeg({ quality: 95 })
      .toBuffer();
    expect(hammingDistance(first, await perceptualHash(grey))).toBeLessThanOrEqual(2);
  });
});

describe(hashGreyPixels.name, () => {
  it('sets half of the 64 bits, and the inverted picture gets the inverted hash', () => {
    const pixels = new Uint8Array(32 * 32);
    for (let i = 0; i < pixels.length; i++)
      pixels[i] = ((i % 32) * 7 + Math.floor(i / 32) * 3 + (i % 5) * 11) % 256;
    const hash = hashGreyPixels(pixels);
    const bits = hash.reduce((n, band) => n + band.toString(2).split('1').length - 1, 0);
    expect(bits).toBe(32);
    const inverted = hashGreyPixels(pixels.map((p) => 255 - p));
    expect(hammingDistance(hash, inverted)).toBe(64);
    expect(() => hashGreyPixels(new Uint8Array(10))).toThrow(/1024 grey pixels/);
  });
});

describe(bandWithOneBitFlips.name, () => {
  it('gives the band and its 16 one-bit neighbours', () => {
    const values = bandWithOneBitFlips(0x8001);
    expect(values).toHaveLength(17);
    expect(new Set(values).size).toBe(17);
    expect(values).toContain(0x0001);
    expect(values).toContain(0x8000);
    expect(values).toContain(0x8003);
  });
});
