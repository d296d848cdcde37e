// Thumbnails (~320 px) and previews (~1600 px) for the catalog, made from ONE decode of the
// original: the decode is shrunk on load to the preview size (JPEG DCT scaling, WebP/AVIF
// scaled decode), oriented, converted to sRGB, and both renditions are cut from those pixels.
import sharp from 'sharp';
import {
  openImage,
  describeDecodeFailure,
  ImageError,
  type ImageFacts,
  type OpenImageOptions,
} from './image-open.ts';

export interface RenditionOptions extends OpenImageOptions {
  /** Longest side of the thumbnail. */
  readonly thumbnailSize?: number;
  /** Longest side of the preview. */
  readonly previewSize?: number;
  /** WebP quality of both renditions. */
  readonly quality?: number;
  /** WebP encoder effort 0–6 (lower is faster; 4 is libwebp's default). */
  readonly effort?: number;
}

export const defaultRenditionOptions = {
  thumbnailSize: 320,
  previewSize: 1600,
  quality: 80,
  effort: 2,
} as const;

export interface Renditions {
  readonly facts: ImageFacts;
  readonly thumbnail: Buffer;
  readonly preview: Buffer;
  readonly previewWidth: number;
  readonly previewHeight: number;
}

/** Reads the image once and encodes both renditions as WebP. Throws `ImageError`. */
export async function makeRenditions(
  input: string | Buffer,
  options: RenditionOptions = {},
): Promise<Renditions> {
  const thumbnailSize = options.thumbnailSize ?? defaultRenditionOptions.thumbnailSize;
  const previewSize = options.previewSize ?? defaultRenditionOptions.previewSize;
  const quality = options.quality ?? defaultRenditionOptions.quality;
  const effort = options.effort ?? defaultRenditionOptions.effort;
  const opened = await openImage(input, options);
  try {
    const { data, info } = await opened
      .pipeline()
      .rotate()
      .resize({ width: previewSize, height: previewSize, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const raw = {
      raw: { width: info.width, height: info.height, channels: info.channels },
    } as const;
    const [preview, thumbnail] = await Promise.all([
      sharp(data, raw).webp({ quality, effort }).toBuffer(),
      sharp(data, raw)
        .resize({
          width: thumbnailSize,
          height: thumbnailSize,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .webp({ quality, effort })
        .toBuffer(),
    ]);
    return {
      facts: opened.facts,
      thumbnail,
      preview,
      previewWidth: info.width,
      previewHeight: info.height,
    };
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw await describeDecodeFailure(error, input);
  }
}
