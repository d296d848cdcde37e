// openImage on real files: a photo saved again under the same name (a new file renamed over
// the old one, as editors do) is read as the new picture, WebP included ([Note: No file cache
// in libvips]), by openImage and by the engines' preparation alike.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeDecodeFailure, openImage } from '../../main/imaging/image-open.ts';
import { prepareForEngine } from '../../main/imaging/prepare-for-engine.ts';
import { readPhotoMetadata, emptyMetadata } from '../../main/library/photo-metadata.ts';
import { makeFifo, unblockFifo } from '../util/fifo-fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-open-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const image = (width: number, format: 'webp' | 'jpeg' | 'png') =>
  sharp({ create: { width, height: 100, channels: 3, background: '#808080' } })
    .toFormat(format)
    .toBuffer();

describe(openImage.name, () => {
  it.each(['webp', 'jpeg', 'png'] as const)(
    'reads a %s saved again under the same name as the new picture',
    async (format) => {
      const path = join(dir, `photo.${format}`);
      writeFileSync(path, await image(300, format));
      expect((await openImage(path)).facts.storedWidth).toBe(300);
      const limits = { formats: [format], maxSide: 4096, minSide: 1, input: 'pixels' } as const;
      expect((await prepareForEngine(path, limits)).width).toBe(300);

      writeFileSync(`${path}.tmp`, await image(600, format));
      renameSync(`${path}.tmp`, path);
      expect((await openImage(path)).facts.storedWidth).toBe(600);
      expect((await prepareForEngine(path, limits)).width).toBe(600);
    },
  );
});

describe(describeDecodeFailure.name, () => {
  it('names a truncated JPEG or PNG even when libvips lost its message', async () => {
    const lost = new Error('Unknown error');
    const jpeg = await image(300, 'jpeg');
    const png = await image(300, 'png');
    const cut = (b: Buffer) => b.subarray(0, Math.floor(b.length / 2));
    expect((await describeDecodeFailure(lost, cut(jpeg))).message).toMatch(
      /truncated or corrupt \(the JPEG data ends early\)/,
    );
    const path = join(dir, 'cut.png');
    writeFileSync(path, cut(png));
    expect((await describeDecodeFailure(lost, path)).message).toMatch(/PNG data ends early/);
    // A complete file keeps the general reason.
    expect((await describeDecodeFailure(lost, jpeg)).message).toMatch(/cannot be decoded/);
  });

  it('refuses a FIFO with the reason before anything (sharp, exifr, the engines) opens it', async () => {
    // A real pipe: opening it to read would wait for a writer for ever.
    const fifo = makeFifo(join(dir, 'pipe.jpg'));
    try {
      await expect(openImage(fifo)).rejects.toMatchObject({
        code: 'unsupported-format',
        message: 'Not a regular file: this is a named pipe (FIFO), which Tujian does not read.',
      });
      await expect(
        prepareForEngine(fifo, { formats: ['jpeg'], maxSide: 100, minSide: 1, input: 'pixels' }),
      ).rejects.toThrow(/named pipe/);
      expect(await readPhotoMetadata(undefined, fifo)).toEqual(emptyMetadata);
    } finally {
      unblockFifo(fifo);
    }
  }, 10_000);
});
