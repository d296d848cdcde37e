// Opens an image file or buffer with sharp, the one place that decides what Tujian can read:
// the decompression-bomb guard, BMP through our own decoder (bmp-decode.ts), HEIC refused
// with the true reason, and sharp's error messages turned into reasons a user understands.
import sharp, { type Metadata, type Sharp } from 'sharp';
import {
  defaultFileTimeoutMs,
  FileAccessError,
  readRegularFile,
  readRegularFileEnds,
  readRegularFileHead,
  withTimeout,
} from '../util/regular-file.ts';
import { BmpError, decodeBmp, isBmp } from './bmp-decode.ts';

// [Note: No file cache in libvips]
// libvips keeps images it opened by file name: a WebP photo that an editor saved again (a new
// file renamed over the old one, the usual safe save) would be decoded as the OLD picture by
// a long-running process (watch, the app) — its new content tagged with the old one's tags.
// Holding no files open costs nothing here (each photo is opened once per job). The setting
// is process-wide, so it also covers the modules that call sharp directly.
sharp.cache({ files: 0 });

/** Decompression-bomb guard: images claiming more pixels than this are refused unread. */
export const defaultMaxInputPixels = 268_402_689; // sharp's default (0x3FFF * 0x3FFF)

export type ImageErrorCode =
  'too-many-pixels' | 'unsupported-format' | 'corrupt' | 'empty' | 'unreadable';

export class ImageError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ImageError';
  }
}

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'bmp';

export interface ImageFacts {
  readonly format: ImageFormat;
  /** Stored (un-oriented) dimensions. */
  readonly storedWidth: number;
  readonly storedHeight: number;
  /** Displayed dimensions: EXIF orientation 5–8 swaps width and height. */
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
  readonly hasAlpha: boolean;
  readonly space: string | undefined;
  /** The raw EXIF block sharp found ("Exif\0\0" + TIFF), for formats exifr cannot scan itself. */
  readonly exif: Buffer | undefined;
}

export interface OpenImageOptions {
  readonly maxInputPixels?: number;
  /** sharp's `failOn`: 'error' (default) refuses truncated and corrupt pixel data. */
  readonly failOn?: 'none' | 'truncated' | 'error' | 'warning';
}

export interface OpenedImage {
  readonly facts: ImageFacts;
  /** A fresh sharp pipeline on the input; call again for each pipeline (each decodes). */
  readonly pipeline: () => Sharp;
}

export const readableFormats: readonly ImageFormat[] = [
  'jpeg',
  'png',
  'webp',
  'gif',
  'tiff',
  'avif',
  'bmp',
];

/** Turns a sharp/libvips error into a reason a user can act on. */
export function describeSharpError(error: unknown): ImageError {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message)) {
    return new ImageError(
      'unsupported-format',
      `Not an image Tujian can read: the content is not ${readableFormats.join(', ')}.`,
    );
  }
  if (/pixel limit/i.test(message)) {
    return new ImageError(
      'too-many-pixels',
      'The image has more pixels than the limit: refused as a possible decompression bomb.',
    );
  }
  if (
    /premature end|truncated|unexpected end|end of (input|file|stream)|short read|not enough data|read error|incomplete/i.test(
      message,
    )
  ) {
    return new ImageError('corrupt', `The file is truncated or corrupt (${firstLine(message)}).`);
  }
  return new ImageError('corrupt', `The image cannot be decoded (${firstLine(message)}).`);
}

/**
 * `describeSharpError`, made specific when libvips lost its message: its error buffer is
 * process-wide, so a decode failing while another thread decodes can surface as "Unknown
 * error". A JPEG without its end marker or a PNG without its IEND chunk is then reported as
 * truncated, which is what the user needs to know.
 */
export async function describeDecodeFailure(
  error: unknown,
  input: string | Buffer,
): Promise<ImageError> {
  const described = describeSharpError(error);
  if (described.code !== 'corrupt' || /truncated/.test(described.message)) return described;
  const ending = await readEnds(input).catch(() => null);
  if (!ending) return described;
  const { head, tail } = ending;
  const jpeg = head[0] === 0xff && head[1] === 0xd8;
  const png = head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  if (jpeg && !(tail.at(-2) === 0xff && tail.at(-1) === 0xd9)) {
    return new ImageError(
      'corrupt',
      'The file is truncated or corrupt (the JPEG data ends early).',
    );
  }
  if (png && !tail.includes(Buffer.from('IEND'))) {
    return new ImageError('corrupt', 'The file is truncated or corrupt (the PNG data ends early).');
  }
  return described;
}

/** The first 8 and last 16 bytes of a file or buffer. */
async function readEnds(input: string | Buffer): Promise<{ head: Buffer; tail: Buffer }> {
  if (typeof input !== 'string') return { head: input.subarray(0, 8), tail: input.subarray(-16) };
  return readRegularFileEnds(input);
}

function unreadable(error: unknown): ImageError {
  // A pipe, socket or device is not an image at all; a timeout or an I/O error may pass.
  if (error instanceof FileAccessError && error.code === 'not-regular') {
    return new ImageError('unsupported-format', error.message, { cause: error });
  }
  return new ImageError('unreadable', `Cannot read the file: ${(error as Error).message}`, {
    cause: error,
  });
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

function pixelLimitError(width: number, height: number, limit: number): ImageError {
  const mp = (n: number) => (n / 1e6).toFixed(0);
  return new ImageError(
    'too-many-pixels',
    `The image claims ${String(width)}×${String(height)} px (${mp(width * height)} MP), more than ` +
      `the limit of ${mp(limit)} MP: refused unread as a possible decompression bomb.`,
  );
}

function formatOf(metadata: Metadata): ImageFormat {
  const format = metadata.format as string;
  if (format === 'heif') {
    if (metadata.compression === 'av1') return 'avif';
    throw new ImageError(
      'unsupported-format',
      'HEIC is not supported: the libvips bundled with sharp decodes AVIF only and has no HEVC ' +
        '(HEIC) decoder. Convert the photo to JPEG or AVIF to index it.',
    );
  }
  if (
    format === 'jpeg' ||
    format === 'png' ||
    format === 'webp' ||
    format === 'gif' ||
    format === 'tiff'
  ) {
    return format;
  }
  throw new ImageError(
    'unsupported-format',
    `${format.toUpperCase()} images are not supported (Tujian reads ${readableFormats.join(', ')}).`,
  );
}

/**
 * Reads the header and returns the facts plus a factory for decoding pipelines. Throws
 * `ImageError` for anything that cannot be read; pixel data is only checked when decoded.
 */
export async function openImage(
  input: string | Buffer,
  options: OpenImageOptions = {},
): Promise<OpenedImage> {
  const maxPixels = options.maxInputPixels ?? defaultMaxInputPixels;
  const failOn = options.failOn ?? 'error';
  let head: Buffer;
  try {
    // A path is checked to be a regular file before anything opens it, sharp included:
    // [Note: Never open a non-regular file].
    head = typeof input === 'string' ? await readRegularFileHead(input, 64) : input.subarray(0, 64);
  } catch (error) {
    throw unreadable(error);
  }
  if (head.length === 0) throw new ImageError('empty', 'The file is empty (0 bytes).');

  if (isBmp(head)) {
    let bytes: Buffer;
    try {
      bytes = typeof input === 'string' ? await readRegularFile(input) : input;
    } catch (error) {
      throw unreadable(error);
    }
    let bmp;
    try {
      bmp = decodeBmp(bytes, maxPixels);
    } catch (error) {
      if (error instanceof BmpError) {
        throw new ImageError(
          error.code === 'too-many-pixels'
            ? 'too-many-pixels'
            : error.code === 'unsupported'
              ? 'unsupported-format'
              : 'corrupt',
          error.message,
        );
      }
      throw error;
    }
    const raw = { width: bmp.width, height: bmp.height, channels: bmp.channels };
    return {
      facts: {
        format: 'bmp',
        storedWidth: bmp.width,
        storedHeight: bmp.height,
        width: bmp.width,
        height: bmp.height,
        orientation: 1,
        hasAlpha: bmp.hasAlpha,
        space: 'srgb',
        exif: undefined,
      },
      pipeline: () => sharp(bmp.data, { raw, limitInputPixels: maxPixels }),
    };
  }

  const make = () =>
    sharp(input, { limitInputPixels: maxPixels, failOn, pages: 1, sequentialRead: true });
  let metadata: Metadata;
  try {
    // libvips reads a path itself: bounded like every other read of a photo file.
    metadata = await withTimeout(
      sharp(input, { limitInputPixels: false, pages: 1 }).metadata(),
      defaultFileTimeoutMs,
      'Reading the image header',
    );
  } catch (error) {
    if (error instanceof FileAccessError) throw unreadable(error);
    throw await describeDecodeFailure(error, input);
  }
  const format = formatOf(metadata);
  const storedWidth = metadata.width;
  const storedHeight = metadata.pageHeight ?? metadata.height;
  if (!storedWidth || !storedHeight) {
    throw new ImageError('corrupt', 'The image header has no dimensions.');
  }
  if (storedWidth * storedHeight > maxPixels) {
    throw pixelLimitError(storedWidth, storedHeight, maxPixels);
  }
  const orientation = metadata.orientation ?? 1;
  const swap = orientation >= 5 && orientation <= 8;
  return {
    facts: {
      format,
      storedWidth,
      storedHeight,
      width: swap ? storedHeight : storedWidth,
      height: swap ? storedWidth : storedHeight,
      orientation,
      hasAlpha: metadata.hasAlpha,
      space: metadata.space,
      exif: metadata.exif,
    },
    pipeline: make,
  };
}
