// Boxes and EXIF orientation (main/imaging/oriented-boxes.ts), checked against sharp: an
// image with a white block, stored with each EXIF orientation, shown by sharp's `rotate()`.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  orientBox,
  storedDimensions,
  unorientBox,
  type NormalisedBox,
} from '../../main/imaging/oriented-boxes.ts';

/** Normalised bounds of the white pixels of an image after sharp applies its orientation. */
async function whiteBoxShown(image: Buffer): Promise<NormalisedBox> {
  const { data, info } = await sharp(image)
    .rotate()
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let [x1, y1, x2, y2] = [info.width, info.height, -1, -1];
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if ((data[y * info.width + x] ?? 0) > 128) {
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x);
        y2 = Math.max(y2, y);
      }
    }
  }
  return {
    x: x1 / info.width,
    y: y1 / info.height,
    w: (x2 + 1 - x1) / info.width,
    h: (y2 + 1 - y1) / info.height,
  };
}

describe(orientBox.name, () => {
  it('turns a box of the stored pixels as sharp turns the image for each EXIF orientation', async () => {
    // Stored 60 × 40 black with a white 12 × 8 block at (6, 4): asymmetric in every direction.
    const stored = { x: 6 / 60, y: 4 / 40, w: 12 / 60, h: 8 / 40 };
    const block = await sharp({
      create: { width: 12, height: 8, channels: 3, background: '#ffffff' },
    })
      .png()
      .toBuffer();
    for (let orientation = 1; orientation <= 8; orientation++) {
      const image = await sharp({
        create: { width: 60, height: 40, channels: 3, background: '#000000' },
      })
        .composite([{ input: block, left: 6, top: 4 }])
        .withMetadata({ orientation })
        .png()
        .toBuffer();
      const shown = await whiteBoxShown(image);
      const ours = orientBox(stored, orientation);
      for (const k of ['x', 'y', 'w', 'h'] as const) {
        expect(ours[k], `orientation ${String(orientation)} ${k}`).toBeCloseTo(shown[k], 6);
      }
    }
  });
});

describe(unorientBox.name, () => {
  it('undoes orientBox for every orientation', () => {
    const box = { x: 0.1, y: 0.2, w: 0.3, h: 0.25 };
    for (let orientation = 1; orientation <= 8; orientation++) {
      const back = unorientBox(orientBox(box, orientation), orientation);
      for (const k of ['x', 'y', 'w', 'h'] as const) {
        expect(back[k], `orientation ${String(orientation)} ${k}`).toBeCloseTo(box[k], 9);
      }
    }
  });
});

describe(storedDimensions.name, () => {
  it('swaps the shown width and height back for orientations 5 to 8', () => {
    expect(storedDimensions({ width: 48, height: 64, orientation: 6 })).toEqual({
      W: 64,
      H: 48,
      Unit: 'pixel',
    });
    expect(storedDimensions({ width: 64, height: 48, orientation: 3 })).toMatchObject({ W: 64 });
    expect(storedDimensions({ width: null, height: 48, orientation: 1 })).toBeUndefined();
  });
});
