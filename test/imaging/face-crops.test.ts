// Face crops through openImage with real sharp on generated photos.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cropFaces, laplacianVariance } from '../../main/imaging/face-crops.ts';

/** A 400 × 200 grey photo with a white 80 × 80 "face" at (40, 60). */
async function photo(): Promise<Buffer> {
  const face = await sharp({
    create: { width: 80, height: 80, channels: 3, background: { r: 255, g: 255, b: 255 } },
  })
    .png()
    .toBuffer();
  return sharp({
    create: { width: 400, height: 200, channels: 3, background: { r: 100, g: 100, b: 100 } },
  })
    .composite([{ input: face, left: 40, top: 60 }])
    .jpeg({ quality: 95 })
    .toBuffer();
}

describe(cropFaces.name, () => {
  it('cuts a square around each box, scaled to size, with the source side reported', async () => {
    const box = { x: 40 / 400, y: 60 / 200, w: 80 / 400, h: 80 / 200 };
    const [crop, outside] = await cropFaces(await photo(), [box, { x: 2, y: 2, w: 0.1, h: 0.1 }], {
      size: 64,
      margin: 1.5,
    });
    expect(crop?.pixels.length).toBe(64 * 64 * 3);
    expect(crop?.sourceSide).toBeCloseTo(80, 5);
    // Centre is the white face; the corner is the grey surround inside the 1.5× margin.
    const at = (x: number, y: number) => crop?.pixels[(y * 64 + x) * 3];
    expect(at(32, 32)).toBeGreaterThan(240);
    expect(at(1, 1)).toBeLessThan(130);
    expect(crop?.sharpness).toBeGreaterThan(0);
    // A box outside the photo keeps its place in the answer.
    expect(outside).toBeUndefined();
  });
});

describe(laplacianVariance.name, () => {
  it('is zero on a flat image and large on a fine checkerboard', () => {
    const flat = new Uint8Array(16 * 16 * 3).fill(128);
    const checker = new Uint8Array(16 * 16 * 3).map((_, i) => {
      const p = Math.floor(i / 3);
      return ((p % 16) + Math.floor(p / 16)) % 2 === 0 ? 0 : 255;
    });
    expect(laplacianVariance(flat, 16, 16)).toBe(0);
    expect(laplacianVariance(checker, 16, 16)).toBeGreaterThan(1000);
  });
});
