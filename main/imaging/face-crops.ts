// Square face crops for the face-descriptor model (faceres in the local engine's worker): the
// photo is opened through openImage (the one place that decides what Tujian can read), oriented,
// and each face box, enlarged by a margin, is cut out and scaled to `size` × `size` RGB. The
// crop also reports what decides whether its descriptor can be trusted: how many source pixels
// the face spans and how sharp the crop is (see [Note: Faces too small or blurred to cluster]
// in main/people/face-quality.ts).
import { openImage, type OpenImageOptions } from './image-open.ts';

/** A face box, normalised to the oriented photo (0–1). */
export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface FaceCropOptions extends OpenImageOptions {
  /** Side of the square crop handed to the model, px (faceres takes 224). */
  size?: number;
  /**
   * The square cut around the face is this many times the box's longer side. Measured on the
   * labelled fixtures of bench/people.ts (from 1.2 to 1.8 every face's nearest other face was the
   * same person; at 1.0 not): blazeface's box is the inner face; 1.3 keeps the chin and
   * forehead, which faceres was trained with.
   */
  margin?: number;
}

export interface FaceCrop {
  /** RGB bytes, size × size × 3. */
  pixels: Uint8Array;
  size: number;
  /** The face box's shorter side in the oriented photo's pixels. */
  sourceSide: number;
  /** Variance of the Laplacian of the crop's luminance (higher = sharper). */
  sharpness: number;
}

export const faceCropSize = 224;
export const defaultFaceMargin = 1.3;

/**
 * Variance of the 4-neighbour Laplacian of the luminance: the usual focus measure (Pech-Pacheco
 * et al. 2000). A face scaled up from a few source pixels scores low too, which is what we want:
 * both lose the detail a descriptor needs.
 */
export function laplacianVariance(rgb: Uint8Array, width: number, height: number): number {
  if (rgb.length < width * height * 3) throw new Error('laplacianVariance: not enough RGB bytes');
  const luma = new Float32Array(width * height);
  for (let i = 0, p = 0; i < luma.length; i++, p += 3) {
    luma[i] = 0.299 * (rgb[p] ?? 0) + 0.587 * (rgb[p + 1] ?? 0) + 0.114 * (rgb[p + 2] ?? 0);
  }
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v =
        (luma[i - 1] ?? 0) +
        (luma[i + 1] ?? 0) +
        (luma[i - width] ?? 0) +
        (luma[i + width] ?? 0) -
        4 * (luma[i] ?? 0);
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/** Cuts one square crop per face box out of the photo (decoded once per face by sharp). */
export async function cropFaces(
  input: string | Buffer,
  boxes: readonly FaceBox[],
  options: FaceCropOptions = {},
): Promise<(FaceCrop | undefined)[]> {
  const size = options.size ?? faceCropSize;
  const margin = options.margin ?? defaultFaceMargin;
  const opened = await openImage(input, options);
  const { width, height } = opened.facts;
  // One entry per box, undefined for a box that lies outside the photo, so indexes line up.
  const crops: (FaceCrop | undefined)[] = [];
  for (const box of boxes) {
    const boxW = box.w * width;
    const boxH = box.h * height;
    const side = Math.max(boxW, boxH) * margin;
    const cx = (box.x + box.w / 2) * width;
    const cy = (box.y + box.h / 2) * height;
    const left = Math.max(0, Math.round(cx - side / 2));
    const top = Math.max(0, Math.round(cy - side / 2));
    const right = Math.min(width, Math.round(cx + side / 2));
    const bottom = Math.min(height, Math.round(cy + side / 2));
    if (right - left < 2 || bottom - top < 2) {
      crops.push(undefined);
      continue;
    }
    // A square cut at the photo's edge is letterboxed (black) rather than stretched: faceres
    // compares shapes, and stretching changes them.
    const { data } = await opened
      .pipeline()
      .rotate()
      .extract({ left, top, width: right - left, height: bottom - top })
      .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (pixels.length !== size * size * 3) {
      throw new Error(`cropFaces: expected ${size * size * 3} bytes, got ${pixels.length}`);
    }
    crops.push({
      pixels,
      size,
      sourceSide: Math.min(boxW, boxH),
      sharpness: laplacianVariance(pixels, size, size),
    });
  }
  return crops;
}
