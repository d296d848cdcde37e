// The decode/prepare stage of the local engine (main thread; sharp works on libuv's thread pool,
// so this overlaps the worker's inference): EXIF orientation applied, one bounded decode, then
// the letterboxed full view, optional tiles for small objects, and the image measurements.
// The photo is opened by main/imaging's `openImage`, the one decoder of the app, so every
// format ingest reads (BMP included, which libvips cannot read) can be tagged here too.
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { openImage, type OpenedImage } from '../../imaging/image-open.ts';
import { maxInputPixels } from '../../imaging/prepare-for-engine.ts';
import { letterboxContent, type Rect } from './local-geometry.ts';
import { measurePixels, type ImageMeasures } from './local-measure.ts';
import { centernetInputSize, type DetectorPass } from './local-models.ts';

export interface PrepareOptions {
  /** Split large photos into overlapping tiles for a second, small-object pass. */
  tiles: boolean;
  /** Tiles are used only when they show at least this many times the full view's detail. */
  minTileGain: number;
  /** Run the mirrored full view too (test-time augmentation). */
  flip: boolean;
}

export const defaultPrepareOptions: PrepareOptions = {
  tiles: true,
  minTileGain: 1.6,
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
const maxPanoramaTiles = 6;

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

/**
 * Model-input pixels per photo pixel for a view of `w`×`h` photo pixels, capped at 1 (enlarging
 * a view adds no detail).
 */
function detail(w: number, h: number): number {
  return Math.min(1, centernetInputSize / Math.max(w, h));
}

/**
 * The tiles of the second, small-object pass, as normalised regions: a 2×2 grid with overlap
 * for ordinary shapes, a row (or column) of overlapping squares for panoramas. None when the
 * tiles would not show at least `minGain` times the detail of the full view.
 */
export function chooseTiles(width: number, height: number, minGain: number): Rect[] {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const full = detail(width, height);
  const regions: Rect[] = [];
  if (long >= 2 * short) {
    // Squares along the long side, at most maxPanoramaTiles (then wider than square).
    const count = Math.min(maxPanoramaTiles, Math.ceil((long / short) * (1 + tileOverlap)));
    const side = Math.max(short / long, Math.min(1, (1 + tileOverlap) / count));
    if (detail(side * long, short) / full < minGain) return [];
    for (let i = 0; i < count; i++) {
      const start = count === 1 ? 0 : (i * (1 - side)) / (count - 1);
      regions.push(
        width >= height ? { x: start, y: 0, w: side, h: 1 } : { x: 0, y: start, w: 1, h: side },
      );
    }
    return regions;
  }
  const part = 0.5 + tileOverlap / 2;
  if (detail(width * part, height * part) / full < minGain) return [];
  for (const y of [0, 1 - part]) {
    for (const x of [0, 1 - part]) regions.push({ x, y, w: part, h: part });
  }
  return regions;
}

export async function prepareLocalInput(
  input: string | Buffer,
  options: PrepareOptions = defaultPrepareOptions,
): Promise<PreparedLocalInput> {
  const size = centernetInputSize;
  const started = performance.now();
  let opened: OpenedImage;
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    opened = await openImage(input, { maxInputPixels });
    decoded = await opened
      .pipeline()
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
  const origWidth = opened.facts.width;
  const origHeight = opened.facts.height;
  for (const region of options.tiles
    ? chooseTiles(origWidth, origHeight, options.minTileGain)
    : []) {
    const left = Math.round(region.x * width);
    const top = Math.round(region.y * height);
    const tw = Math.min(width - left, Math.round(region.w * width));
    const th = Math.min(height - top, Math.round(region.h * height));
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
  const measures = measurePixels(
    cropContent(full.pixels, size, full.content),
    full.content.w,
    full.content.h,
  );
  return { width: origWidth, height: origHeight, passes, measures, decodeMs };
}
