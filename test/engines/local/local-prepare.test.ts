import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  chooseTiles,
  defaultPrepareOptions,
  LocalPrepareError,
  prepareLocalInput,
} from '../../../main/engines/local/local-prepare.ts';

describe(chooseTiles.name, () => {
  it('uses a 2×2 overlapping grid on a large photo, covering all of it', () => {
    const tiles = chooseTiles(4000, 3000, 1.6);
    expect(tiles).toHaveLength(4);
    for (const t of tiles) expect(t.w).toBeCloseTo(0.6, 5);
    expect(Math.min(...tiles.map((t) => t.x))).toBe(0);
    expect(Math.max(...tiles.map((t) => t.x + t.w))).toBeCloseTo(1, 5);
  });

  it('uses no tiles when they would only enlarge pixels', () => {
    expect(chooseTiles(512, 512, 1.6)).toEqual([]);
    expect(chooseTiles(768, 576, 1.6)).toEqual([]);
  });

  it('uses a row of overlapping squares on a panorama', () => {
    const tiles = chooseTiles(1600, 400, 1.6);
    expect(tiles.length).toBeGreaterThanOrEqual(4);
    for (const t of tiles) {
      expect(t.h).toBe(1);
      expect(t.w * 1600).toBeCloseTo(400, 5);
    }
    expect(tiles.at(-1)?.x).toBeCloseTo(0.75, 5);
  });

  it('caps the tiles of a very long panorama', () => {
    const tiles = chooseTiles(20000, 500, 1.6);
    expect(tiles).toHaveLength(6);
    expect(tiles.at(-1)?.x).toBeCloseTo(0.8, 5);
    expect(tiles[0]?.w).toBeCloseTo(0.2, 5);
  });
});

describe(prepareLocalInput.name, () => {
  it('applies EXIF orientation before letterboxing', async () => {
    // 300×200 stored, orientation 6: the oriented photo is 200×300 (portrait).
    const stored = await sharp({
      create: { width: 300, height: 200, channels: 3, background: '#4080c0' },
    })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const prepared = await prepareLocalInput(stored, defaultPrepareOptions);
    expect([prepared.width, prepared.height]).toEqual([200, 300]);
    const full = prepared.passes[0];
    expect(full?.content.h).toBe(512);
    expect(full?.content.w).toBe(341);
    expect(full?.pixels).toHaveLength(512 * 512 * 3);
    // Letterbox padding is black, the photo is not.
    expect(full?.pixels[0]).toBe(0);
    const centre = (256 * 512 + 256) * 3;
    expect(full?.pixels[centre + 2]).toBeGreaterThan(150);
  });

  it('turns a one-channel grayscale image into RGB and measures it', async () => {
    const gray = await sharp(Buffer.alloc(400 * 300, 0x77), {
      raw: { width: 400, height: 300, channels: 1 },
    })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(gray).metadata()).channels).toBe(1);
    const prepared = await prepareLocalInput(gray);
    expect(prepared.measures.meanChroma).toBe(0);
    expect(prepared.measures.meanLuma).toBeCloseTo(119, 0);
  });

  it('adds tile passes for a large photo', async () => {
    const big = await sharp({
      create: { width: 2400, height: 1600, channels: 3, background: '#808080' },
    })
      .jpeg()
      .toBuffer();
    const prepared = await prepareLocalInput(big);
    expect(prepared.passes).toHaveLength(5);
    expect(prepared.passes.slice(1).every((p) => !p.flip && p.region.w < 1)).toBe(true);
    const none = await prepareLocalInput(big, { ...defaultPrepareOptions, tiles: false });
    expect(none.passes).toHaveLength(1);
  });

  it('refuses unreadable bytes and tiny images with a clear reason', async () => {
    await expect(prepareLocalInput(Buffer.from('nope'))).rejects.toBeInstanceOf(LocalPrepareError);
    const tiny = await sharp({ create: { width: 10, height: 40, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await expect(prepareLocalInput(tiny)).rejects.toThrow(/at least 16 px/);
  });
});
