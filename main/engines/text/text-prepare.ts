// Decodes a photo for the text stage through main/imaging (the one decoder): EXIF orientation
// applied, shrunk to fit readSide (text is read on this copy; detection shrinks it further),
// alpha dropped, grey and CMYK turned into sRGB, as raw interleaved RGB.
import { ImageError, openImage } from '../../imaging/image-open.ts';
import type { RgbImage } from './text-geometry.ts';

/**
 * Longer side of the copy text is read from: crops of small print stay sharp enough for the
 * 48 px recogniser, and a 100 MP photo costs 12 MB of pixels, not 300.
 */
export const textReadSide = 2048;

export interface PrepareTextOptions {
  readonly readSide?: number;
  readonly maxInputPixels?: number;
}

/** Throws ImageError when the photo cannot be decoded (the stage records it per photo). */
export async function prepareForText(
  input: string | Buffer,
  options: PrepareTextOptions = {},
): Promise<RgbImage> {
  const side = options.readSide ?? textReadSide;
  const opened = await openImage(
    input,
    options.maxInputPixels === undefined ? {} : { maxInputPixels: options.maxInputPixels },
  );
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    raw = await opened
      .pipeline()
      .rotate()
      .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw error instanceof ImageError
      ? error
      : new ImageError('corrupt', `The image cannot be decoded: ${(error as Error).message}`);
  }
  const { data, info } = raw;
  if (info.channels !== 3) {
    throw new ImageError('unsupported-format', `Decoded to ${info.channels} channels, not RGB`);
  }
  return {
    width: info.width,
    height: info.height,
    pixels: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}
