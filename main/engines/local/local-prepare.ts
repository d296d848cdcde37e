// The decode/prepare stage of the local engine (main thread; sharp works on libuv's thread pool,
// so this overlaps the worker's inference): EXIF orientation applied, one bounded decode, then
// the letterboxed full view, optional tiles for small objects, and the image measurements.
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { maxInputPixels } from '../../imaging/prepare-for-engine.ts';
import { letterboxContent, type Rect } from './local-geometry.ts';
import { measurePixels, type ImageMeasures } from './local-measure.ts';
import { centernetInputSize, type DetectorPass } from './local-models.ts';

export interface PrepareOptions {
  /** Split large photos into 2×2 overlapping tiles for a second, small-object pass. */
  tiles: boolean;
  /** Tiles are used when the oriented photo's short side has at least this many px. */
  tileMinShortSide: number;
  /** Run the mirrored full view too (test-time augmentation). */
  flip: boolean;
}

export const defaultPrepareOptions: PrepareOptions = {
  tiles: true,
  tileMinShortSide: 800,
  flip: true,
};

export interface PreparedLocalInput {
  /** Oriented size of the photo. */
  width: number;
  height: number;
  passes: DetectorPass[];
  measures: ImageMeasures;
  /** Time spent decoding (sharp: read, orient, bounded resize to raw RGB), ms. */
  decodeMs: number;
}

/** Why a photo cannot be tagged locally; the engine maps it to a permanent EngineError. */
export class LocalPrepareError extends Error {
  override name = 'LocalPrepareError';
  constructor(
    readonly code: 'unreadable' | 'too-small',
    message: string,
  ) {
    super(message);
  }
}

/** Below this short side there is nothing for the detectors to see. */
export const minLocalSide = 16;

/** Longest side decoded when tiles are possible: each tile then keeps about twice the detail. */
const tileDecodeSide = 1536;
const tileOverlap = 0.2;

async function letterbox(
  source: Sharp,
  width: number,
  height: number,
  size: number,
): Promise<{ pixels: Uint8Array; content: Rect }> {
  const content = letterboxContent(width, height, size);
  const pixels = await source
    .resize(content.w, content.h, { fit: 'fill' })
    .extend({
      top: content.y,
      left: content.x,
      bottom: size - content.y - content.h,
      right: size - content.x - content.w,
      background: { r: 0, g: 0, b: 0 },
    })
    .raw()
    .toBuffer();
  if (pixels.length !== size * size * 3) throw new Error('letterbox: unexpected output size');
  return { pixels: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length), content };
}

function cropContent(pixels: Uint8Array, size: number, content: Rect): Uint8Array {
  const out = new Uint8Array(content.w * content.h * 3);
  for (let row = 0; row < content.h; row++) {
    const from = ((content.y + row) * size + content.x) * 3;
    out.set(pixels.subarray(from, from + content.w * 3), row * content.w * 3);
  }
  return out;
}

export async function prepareLocalInput(
  input: string | Buffer,
  options: PrepareOptions = defaultPrepareOptions,
): Promise<PreparedLocalInput> {
  const size = centernetInputSize;
  const started = performance.now();
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(input, { limitInputPixels: maxInputPixels, failOn: 'error', pages: 1 })
      .rotate()
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .resize(tileDecodeSide, tileDecodeSide, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new LocalPrepareError(
      'unreadable',
      `Cannot decode the image: ${(error as Error).message}`,
    );
  }
  const decodeMs = performance.now() - started;
  const { width, height, channels } = decoded.info;
  if (channels !== 3) {
    throw new LocalPrepareError('unreadable', `Unexpected ${channels} channels after decoding`);
  }
  if (Math.min(width, height) < minLocalSide) {
    throw new LocalPrepareError(
      'too-small',
      `The image is ${width}×${height} px; the local engine needs at least ${minLocalSide} px on the short side.`,
    );
  }
  const raw = { raw: { width, height, channels: 3 as const } };
  const full = await letterbox(sharp(decoded.data, raw), width, height, size);
  const passes: DetectorPass[] = [
    {
      size,
      pixels: full.pixels,
      content: full.content,
      region: { x: 0, y: 0, w: 1, h: 1 },
      flip: options.flip,
      faces: true,
    },
  ];
  // The decode may have shrunk the photo; the tile decision uses the real oriented size.
  const metadata = await sharp(input, { limitInputPixels: maxInputPixels, pages: 1 }).metadata();
  const swap = (metadata.orientation ?? 1) >= 5;
  const origWidth = (swap ? metadata.height : metadata.width) || width;
  const origHeight = (swap ? metadata.width : metadata.height) || height;
  if (options.tiles && Math.min(origWidth, origHeight) >= options.tileMinShortSide) {
    const tw = Math.round(width * (0.5 + tileOverlap / 2));
    const th = Math.round(height * (0.5 + tileOverlap / 2));
    for (const top of [0, height - th]) {
      for (const left of [0, width - tw]) {
        const tile = await letterbox(
          sharp(decoded.data, raw).extract({ left, top, width: tw, height: th }),
          tw,
          th,
          size,
        );
        passes.push({
          size,
          pixels: tile.pixels,
          content: tile.content,
          region: { x: left / width, y: top / height, w: tw / width, h: th / height },
          flip: false,
          faces: true,
        });
      }
    }
  }
  const measures = measurePixels(
    cropContent(full.pixels, size, full.content),
    full.content.w,
    full.content.h,
  );
  return { width: origWidth, height: origHeight, passes, measures, decodeMs };
}
