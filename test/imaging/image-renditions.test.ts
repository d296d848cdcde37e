import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageError, openImage } from '../../main/imaging/image-open.ts';
import { makeRenditions } from '../../main/imaging/image-renditions.ts';

async function sizeOf(data: Buffer): Promise<[number, number, string | undefined]> {
  const metadata = await sharp(data).metadata();
  return [metadata.width, metadata.height, metadata.format];
}

describe(makeRenditions.name, () => {
  it('makes a 320 px thumbnail and a 1600 px preview from a large photo', async () => {
    const jpeg = await sharp({
      create: { width: 4000, height: 3000, channels: 3, background: '#468' },
    })
      .jpeg()
      .toBuffer();
    const renditions = await makeRenditions(jpeg);
    expect(await sizeOf(renditions.thumbnail)).toEqual([320, 240, 'webp']);
    expect(await sizeOf(renditions.preview)).toEqual([1600, 1200, 'webp']);
    expect(renditions.facts).toMatchObject({ format: 'jpeg', width: 4000, height: 3000 });
  });

  it('never enlarges, and honours configured sizes', async () => {
    const small = await sharp({
      create: { width: 200, height: 100, channels: 3, background: '#000' },
    })
      .png()
      .toBuffer();
    const renditions = await makeRenditions(small, { thumbnailSize: 64, previewSize: 150 });
    expect(await sizeOf(renditions.thumbnail)).toEqual([64, 32, 'webp']);
    expect(await sizeOf(renditions.preview)).toEqual([150, 75, 'webp']);
  });

  it('handles 16-bit, grey, alpha and animated inputs', async () => {
    const deep = new Uint16Array(50 * 40 * 3);
    for (let i = 0; i < deep.length; i += 3) deep.set([65535, 32896, 0], i);
    const sixteen = await sharp(deep, { raw: { width: 50, height: 40, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort');
    const fromSixteen = await makeRenditions(sixteen);
    const { data } = await sharp(fromSixteen.preview).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(240);
    expect(data[1]).toBeGreaterThan(110);
    expect(data[1]).toBeLessThan(145);

    const grey = await sharp({ create: { width: 30, height: 30, channels: 3, background: '#777' } })
      .greyscale()
      .jpeg()
      .toBuffer();
    expect(await sizeOf((await makeRenditions(grey)).thumbnail)).toEqual([30, 30, 'webp']);

    const alpha = await sharp({
      create: { width: 30, height: 30, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    expect((await sharp((await makeRenditions(alpha)).preview).metadata()).hasAlpha).toBe(true);

    // Two 20×30 frames stacked as pages: the renditions show one frame, not the strip.
    const blue = await sharp({ create: { width: 20, height: 30, channels: 3, background: '#00f' } })
      .png()
      .toBuffer();
    const animated = await sharp({
      create: { width: 20, height: 60, channels: 3, background: '#f00' },
    })
      .composite([{ input: blue, left: 0, top: 30 }])
      .gif({ loop: 0 })
      .withMetadata()
      .toBuffer();
    const paged = await sharp(animated, { pages: -1 }).gif().toBuffer();
    const twoFrames = await sharp(await sharp(paged).raw().toBuffer(), {
      raw: { width: 20, height: 60, channels: 3, pageHeight: 30 },
    } as never)
      .gif({ loop: 0 })
      .toBuffer();
    expect((await sharp(twoFrames).metadata()).pages).toBe(2);
    const fromGif = await makeRenditions(twoFrames);
    expect((await sizeOf(fromGif.preview)).slice(0, 2)).toEqual([20, 30]);
  });
});

describe(openImage.name, () => {
  it('says what is wrong with bytes that are not an image', async () => {
    await expect(openImage(Buffer.from('%PDF-1.7 not a photo'))).rejects.toThrow(ImageError);
    await expect(openImage(Buffer.from('%PDF-1.7 not a photo'))).rejects.toThrow(
      /Not an image Tujian can read/,
    );
    await expect(openImage(Buffer.alloc(0))).rejects.toMatchObject({ code: 'empty' });
  });
});
