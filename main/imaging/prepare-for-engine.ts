// Prepares a photo for one engine's limits (DESIGN.md §4): EXIF orientation applied, fit
// inside the engine's max side, refused below its min side, metadata stripped, encoded to
// an accepted format, and quality then size lowered until the bytes (or base64 length) fit.
// The original is decoded once (shrunk on load where the format allows); every further
// attempt re-encodes those pixels, so a 100 MP original is not decoded a dozen times.
import sharp, { type OutputInfo } from 'sharp';
import { defaultMaxInputPixels, describeSharpError, ImageError, openImage } from './image-open.ts';

/** What an engine accepts; `prepareForEngine` fits a photo inside these. */
export interface EngineLimits {
  /** Output formats the engine accepts, in order of preference. */
  readonly formats: readonly ('jpeg' | 'png' | 'webp' | 'bmp' | 'gif')[];
  readonly maxSide: number;
  readonly minSide: number;
  /** Limit on the encoded bytes, if any. */
  readonly maxBytes?: number;
  /** Limit on the base64 length, if the limit is on the base64 text. */
  readonly maxBase64Length?: number;
  /** How the engine receives the image. */
  readonly input: 'base64' | 'url' | 'pixels';
}

/** A photo prepared for one engine: encoded bytes within its limits. */
export interface PreparedImage {
  readonly data: Buffer;
  readonly format: 'jpeg' | 'png' | 'webp' | 'bmp' | 'gif';
  readonly width: number;
  readonly height: number;
}

/** Decompression-bomb guard: more pixels than this is refused before decoding. */
export const maxInputPixels = defaultMaxInputPixels;

export class PrepareError extends Error {
  constructor(
    readonly code: 'too-small' | 'cannot-fit' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'PrepareError';
  }
}

export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

function fits(bytes: number, limits: EngineLimits): boolean {
  if (limits.maxBytes !== undefined && bytes > limits.maxBytes) return false;
  if (limits.maxBase64Length !== undefined && base64Length(bytes) > limits.maxBase64Length) {
    return false;
  }
  return true;
}

/** The largest byte count that fits both limits. */
function byteBudget(limits: EngineLimits): number {
  const fromBase64 =
    limits.maxBase64Length === undefined ? Infinity : Math.floor(limits.maxBase64Length / 4) * 3;
  return Math.min(limits.maxBytes ?? Infinity, fromBase64);
}

/** The first accepted format sharp can write; JPEG is preferred for photos when allowed. */
function chooseFormat(limits: EngineLimits): 'jpeg' | 'png' | 'webp' {
  if (limits.formats.includes('jpeg')) return 'jpeg';
  if (limits.formats.includes('webp')) return 'webp';
  if (limits.formats.includes('png')) return 'png';
  throw new PrepareError(
    'cannot-fit',
    `No output format sharp can write among ${limits.formats.join(', ')}`,
  );
}

/** Qualities tried at each size before the size is lowered. */
const qualityLadder = [88, 80, 70, 60, 50] as const;
/** Each size step keeps this share of the longest side. */
const sizeStep = 0.8;

export interface PrepareOptions {
  readonly maxInputPixels?: number;
}

export async function prepareForEngine(
  input: string | Buffer,
  limits: EngineLimits,
  options: PrepareOptions = {},
): Promise<PreparedImage> {
  let opened;
  try {
    opened = await openImage(input, {
      maxInputPixels: options.maxInputPixels ?? maxInputPixels,
      failOn: 'error',
    });
  } catch (error) {
    throw new PrepareError('unreadable', `Cannot read the image: ${(error as Error).message}`);
  }
  const { width, height } = opened.facts;
  if (Math.min(width, height) < limits.minSide) {
    throw new PrepareError(
      'too-small',
      `The image is ${String(width)}×${String(height)} px; the engine needs at least ` +
        `${String(limits.minSide)} px on the short side.`,
    );
  }
  const scaleToMax = Math.min(1, limits.maxSide / Math.max(width, height));
  if (Math.floor(Math.min(width, height) * scaleToMax) < limits.minSide) {
    throw new PrepareError(
      'cannot-fit',
      `The image is ${String(width)}×${String(height)} px: fitting it inside ${String(limits.maxSide)} px ` +
        `would leave its short side below the engine's minimum of ${String(limits.minSide)} px.`,
    );
  }
  const format = chooseFormat(limits);

  // One decode: oriented, fitted inside the max side, sRGB (CMYK and profiles converted),
  // alpha flattened onto white when the output has none. Metadata is not carried over.
  const firstSide = Math.min(limits.maxSide, Math.max(width, height));
  let pixels: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = opened
      .pipeline()
      .rotate()
      .resize({ width: firstSide, height: firstSide, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb');
    if (format === 'jpeg') pipeline = pipeline.flatten({ background: '#ffffff' });
    pixels = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    const described = error instanceof ImageError ? error : describeSharpError(error);
    throw new PrepareError('unreadable', `Cannot read the image: ${described.message}`);
  }
  const raw = {
    raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels },
  };

  let side = Math.max(pixels.info.width, pixels.info.height);
  const qualities: readonly number[] = format === 'png' ? [100] : qualityLadder;
  const limitBytes = byteBudget(limits);
  for (;;) {
    let smallest = Infinity;
    for (const quality of qualities) {
      let pipeline = sharp(pixels.data, raw);
      if (side < Math.max(pixels.info.width, pixels.info.height)) {
        pipeline = pipeline.resize({ width: side, height: side, fit: 'inside' });
      }
      const encoded =
        format === 'jpeg'
          ? pipeline.jpeg({ quality, mozjpeg: false })
          : format === 'webp'
            ? pipeline.webp({ quality })
            : pipeline.png({ compressionLevel: 9, adaptiveFiltering: true });
      const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
      if (fits(data.length, limits)) {
        return { data, format, width: info.width, height: info.height };
      }
      smallest = Math.min(smallest, data.length);
      // Far over the limit even at this quality: lower qualities will not close the gap,
      // go straight to a smaller size.
      if (smallest > limitBytes * 2.5) break;
    }
    // Bytes grow roughly with the pixel count: aim the next size at the budget directly,
    // but always step down by at least `sizeStep`.
    const aimed = Math.sqrt(limitBytes / smallest) * 0.95;
    const next = Math.floor(side * Math.min(sizeStep, aimed));
    const shortSide = Math.floor(
      (next * Math.min(pixels.info.width, pixels.info.height)) /
        Math.max(pixels.info.width, pixels.info.height),
    );
    if (shortSide < limits.minSide) break;
    side = next;
  }
  throw new PrepareError(
    'cannot-fit',
    'The image cannot be made small enough for the engine without going below its minimum size.',
  );
}
