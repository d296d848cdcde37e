// Prepares a photo for one engine's limits (DESIGN.md §4): EXIF orientation applied, fit
// inside the engine's max side, refused below its min side, metadata stripped, encoded to
// an accepted format, and quality then size lowered until the bytes (or base64 length) fit.
import sharp, { type Metadata } from 'sharp';
import type { EngineLimits, PreparedImage } from '../engines/engine.ts';

/** Decompression-bomb guard: more pixels than this is refused before decoding. */
export const maxInputPixels = 268_402_689; // sharp's default (0x3FFF * 0x3FFF)

export class PrepareError extends Error {
  constructor(
    readonly code: 'too-small' | 'cannot-fit' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'PrepareError';
  }
}

type OutputFormat = PreparedImage['format'];

function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

function fits(bytes: number, limits: EngineLimits): boolean {
  if (limits.maxBytes !== undefined && bytes > limits.maxBytes) return false;
  if (limits.maxBase64Length !== undefined && base64Length(bytes) > limits.maxBase64Length)
    return false;
  return true;
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

export async function prepareForEngine(
  input: string | Buffer,
  limits: EngineLimits,
): Promise<PreparedImage> {
  const open = () => sharp(input, { limitInputPixels: maxInputPixels, failOn: 'error', pages: 1 });
  let metadata: Metadata;
  try {
    metadata = await open().metadata();
  } catch (error) {
    throw new PrepareError('unreadable', `Cannot read the image: ${(error as Error).message}`);
  }
  const swap = (metadata.orientation ?? 1) >= 5;
  const width = swap ? metadata.height : metadata.width;
  const height = swap ? metadata.width : metadata.height;
  if (Math.min(width, height) < limits.minSide) {
    throw new PrepareError(
      'too-small',
      `The image is ${String(width)}×${String(height)} px; the engine needs at least ${String(limits.minSide)} px on the short side.`,
    );
  }
  const format = chooseFormat(limits);
  let side = Math.min(limits.maxSide, Math.max(width, height));
  const qualities = format === 'png' ? [100] : [88, 80, 70, 60, 50];
  for (let attempt = 0; attempt < 12; attempt++) {
    for (const quality of qualities) {
      const pipeline = open()
        .rotate()
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
        .toColourspace('srgb');
      const encoded =
        format === 'jpeg'
          ? pipeline.flatten({ background: '#ffffff' }).jpeg({ quality, mozjpeg: false })
          : format === 'webp'
            ? pipeline.webp({ quality })
            : pipeline.png({ compressionLevel: 9 });
      const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
      if (fits(data.length, limits)) {
        return {
          data,
          format: format satisfies OutputFormat,
          width: info.width,
          height: info.height,
        };
      }
    }
    side = Math.floor(side * 0.8);
    if (side < limits.minSide) break;
  }
  throw new PrepareError(
    'cannot-fit',
    'The image cannot be made small enough for the engine without going below its minimum size.',
  );
}
