// Boxes and the mapping between a model's square input and the oriented photo. Pure functions
// shared by the prepare stage (main thread), the worker and the post-processing.

/** An axis-aligned box; normalised (0–1 of the oriented image) unless said otherwise. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * One model input: a square of `size` px holding `region` of the oriented photo, scaled to
 * `content` (px inside the square) with black letterbox padding around it.
 */
export interface PassGeometry {
  size: number;
  content: Rect;
  region: Rect;
}

export function iou(a: Rect, b: Rect): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** The share of `inner` that lies inside `outer`. */
export function containment(inner: Rect, outer: Rect): number {
  const ix = Math.max(
    0,
    Math.min(inner.x + inner.w, outer.x + outer.w) - Math.max(inner.x, outer.x),
  );
  const iy = Math.max(
    0,
    Math.min(inner.y + inner.h, outer.y + outer.h) - Math.max(inner.y, outer.y),
  );
  const area = inner.w * inner.h;
  return area > 0 ? (ix * iy) / area : 0;
}

/** Where a letterboxed square of `size` px puts an image of `width`×`height` (centred). */
export function letterboxContent(width: number, height: number, size: number): Rect {
  const scale = size / Math.max(width, height);
  const w = Math.max(1, Math.min(size, Math.round(width * scale)));
  const h = Math.max(1, Math.min(size, Math.round(height * scale)));
  return { x: Math.floor((size - w) / 2), y: Math.floor((size - h) / 2), w, h };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Maps a box given in px of the model input (x1, y1, x2, y2) to the oriented photo, clipped to
 * the pass's region (padding is not part of the photo). Undefined when nothing is left.
 */
export function inputBoxToImage(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  pass: PassGeometry,
): Rect | undefined {
  const { content, region } = pass;
  const toX = (px: number) => region.x + clamp01((px - content.x) / content.w) * region.w;
  const toY = (py: number) => region.y + clamp01((py - content.y) / content.h) * region.h;
  const left = toX(Math.min(x1, x2));
  const right = toX(Math.max(x1, x2));
  const top = toY(Math.min(y1, y2));
  const bottom = toY(Math.max(y1, y2));
  if (right - left <= 0 || bottom - top <= 0) return undefined;
  return { x: clamp01(left), y: clamp01(top), w: clamp01(right - left), h: clamp01(bottom - top) };
}
