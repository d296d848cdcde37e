// The DB text detector's pre- and post-processing (PP-OCR's DBPostProcess, written for
// Tujian): the image resized so both sides are multiples of 32 and normalised with ImageNet
// statistics in BGR order (PaddleOCR trains on OpenCV's BGR), then the probability map
// thresholded, split into connected regions, each region's min-area rectangle scored by the
// mean probability inside it and expanded back by the unclip distance.
import {
  minAreaRect,
  type Point,
  type RgbImage,
  type RotatedRect,
  unclip,
} from './text-geometry.ts';

export interface DetectThresholds {
  readonly pixelThreshold: number;
  readonly boxThreshold: number;
  readonly unclipRatio: number;
  readonly minSide: number;
}

/** PaddleOCR's defaults for PP-OCRv4 detection (det_db_thresh, box_thresh, unclip_ratio). */
export const detectDefaults: DetectThresholds = {
  pixelThreshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  /** Regions whose shorter side (before unclip) is under this many map pixels are noise. */
  minSide: 3,
};

export interface DetectInput {
  /** Float32 NCHW tensor data (N = 1, C = 3 in BGR order). */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Original image px per input px, per axis. */
  readonly scaleX: number;
  readonly scaleY: number;
}

function roundTo32(value: number): number {
  return Math.max(32, Math.round(value / 32) * 32);
}

/**
 * Resizes (bilinear) so the longer side is at most `maxSide` (never enlarged past it, and
 * small images are not enlarged at all), both sides rounded to multiples of 32, then
 * normalised.
 */
export function prepareDetectInput(image: RgbImage, maxSide: number): DetectInput {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = roundTo32(image.width * scale);
  const height = roundTo32(image.height * scale);
  const plane = width * height;
  const data = new Float32Array(plane * 3);
  const { pixels, width: sw, height: sh } = image;
  const sx = sw / width;
  const sy = sh / height;
  // BGR planes: mean and std in the order PaddleOCR applies them to cv2's BGR pixels
  const planes = [
    { rgb: 2, mean: 0.485, std: 0.229 },
    { rgb: 1, mean: 0.456, std: 0.224 },
    { rgb: 0, mean: 0.406, std: 0.225 },
  ] as const;
  for (let y = 0; y < height; y++) {
    const fyRaw = (y + 0.5) * sy - 0.5;
    const y0 = Math.max(0, Math.floor(fyRaw));
    const y1 = Math.min(sh - 1, y0 + 1);
    const fy = Math.min(1, Math.max(0, fyRaw - y0));
    for (let x = 0; x < width; x++) {
      const fxRaw = (x + 0.5) * sx - 0.5;
      const x0 = Math.max(0, Math.floor(fxRaw));
      const x1 = Math.min(sw - 1, x0 + 1);
      const fx = Math.min(1, Math.max(0, fxRaw - x0));
      const i00 = (y0 * sw + x0) * 3;
      const i01 = (y0 * sw + x1) * 3;
      const i10 = (y1 * sw + x0) * 3;
      const i11 = (y1 * sw + x1) * 3;
      for (const [p, { rgb: c, mean, std }] of planes.entries()) {
        const value =
          (1 - fy) * ((1 - fx) * (pixels[i00 + c] ?? 0) + fx * (pixels[i01 + c] ?? 0)) +
          fy * ((1 - fx) * (pixels[i10 + c] ?? 0) + fx * (pixels[i11 + c] ?? 0));
        data[p * plane + y * width + x] = (value / 255 - mean) / std;
      }
    }
  }
  return { data, width, height, scaleX: sw / width, scaleY: sh / height };
}

export interface DetectedBox {
  /** The box in original image pixels. */
  readonly rect: RotatedRect;
  /** Mean text probability inside the region, 0–1. */
  readonly score: number;
}

export interface DetectOutcome {
  readonly boxes: DetectedBox[];
  /** Share of the map above the pixel threshold, 0–1 (the cheap "is there text" signal). */
  readonly textArea: number;
}

/**
 * Turns the probability map (`width` × `height`, row-major) into boxes in original image
 * pixels. Regions are 8-connected.
 */
export function boxesFromMap(
  map: Float32Array,
  input: Pick<DetectInput, 'width' | 'height' | 'scaleX' | 'scaleY'>,
  options: Partial<DetectThresholds> = {},
): DetectOutcome {
  const { pixelThreshold, boxThreshold, unclipRatio, minSide } = { ...detectDefaults, ...options };
  const { width, height } = input;
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: DetectedBox[] = [];
  let above = 0;
  let nextLabel = 1;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || (map[start] ?? 0) <= pixelThreshold) continue;
    const label = nextLabel++;
    labels[start] = label;
    let top = 0;
    stack[top++] = start;
    const points: Point[] = [];
    let sum = 0;
    let count = 0;
    while (top > 0) {
      const index = stack[--top] ?? 0;
      const x = index % width;
      const y = (index - x) / width;
      sum += map[index] ?? 0;
      count++;
      // Only a row's outer pixels can be on the hull; their four corners, so a region one
      // pixel wide still has an area.
      const leftOut = x === 0 || (map[index - 1] ?? 0) <= pixelThreshold;
      const rightOut = x === width - 1 || (map[index + 1] ?? 0) <= pixelThreshold;
      if (leftOut || rightOut) {
        points.push({ x, y }, { x: x + 1, y }, { x, y: y + 1 }, { x: x + 1, y: y + 1 });
      }
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const n = ny * width + nx;
          if (labels[n] === 0 && (map[n] ?? 0) > pixelThreshold) {
            labels[n] = label;
            stack[top++] = n;
          }
        }
      }
    }
    above += count;
    const score = sum / count;
    if (score < boxThreshold) continue;
    const core = minAreaRect(points);
    if (Math.min(core.width, core.height) < minSide) continue;
    const grown = unclip(core, unclipRatio);
    if (Math.min(grown.width, grown.height) < minSide + 2) continue;
    boxes.push({ rect: toImage(grown, input.scaleX, input.scaleY), score });
  }
  return { boxes, textArea: above / (width * height) };
}

/** Maps a rectangle from map pixels to image pixels (axes may scale differently). */
function toImage(rect: RotatedRect, scaleX: number, scaleY: number): RotatedRect {
  const ax = rect.axisX * scaleX;
  const ay = rect.axisY * scaleY;
  const alongScale = Math.hypot(ax, ay);
  const bx = -rect.axisY * scaleX;
  const by = rect.axisX * scaleY;
  const acrossScale = Math.hypot(bx, by);
  return {
    cx: rect.cx * scaleX,
    cy: rect.cy * scaleY,
    axisX: ax / alongScale,
    axisY: ay / alongScale,
    width: rect.width * alongScale,
    height: rect.height * acrossScale,
  };
}

/** Reading order: top to bottom by line, left to right within a line. */
export function inReadingOrder<T extends { rect: RotatedRect }>(boxes: readonly T[]): T[] {
  return [...boxes].sort((a, b) => {
    const sameLine = Math.abs(a.rect.cy - b.rect.cy) < Math.min(a.rect.height, b.rect.height) / 2;
    return sameLine ? a.rect.cx - b.rect.cx : a.rect.cy - b.rect.cy;
  });
}
