// Geometry for the text stage: the rotated rectangles that text boxes are (min-area rectangle
// of a region's pixels, expanded by the DB "unclip" distance), and sampling an RGB image along
// such a rectangle into an upright strip for recognition. Pure functions on plain arrays.

export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * A rotated rectangle: `axis` is the unit vector along the text line (within 45° of pointing
 * right), the other axis is it turned 90° clockwise (pointing down on screen).
 */
export interface RotatedRect {
  readonly cx: number;
  readonly cy: number;
  readonly axisX: number;
  readonly axisY: number;
  /** Extent along the axis. */
  readonly width: number;
  /** Extent across the axis. */
  readonly height: number;
}

/** Corners in reading order: top-left, top-right, bottom-right, bottom-left. */
export function rectCorners(rect: RotatedRect): [Point, Point, Point, Point] {
  const { cx, cy, axisX: ux, axisY: uy } = rect;
  const vx = -uy;
  const vy = ux;
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  return [
    { x: cx - ux * hw - vx * hh, y: cy - uy * hw - vy * hh },
    { x: cx + ux * hw - vx * hh, y: cy + uy * hw - vy * hh },
    { x: cx + ux * hw + vx * hh, y: cy + uy * hw + vy * hh },
    { x: cx - ux * hw + vx * hh, y: cy - uy * hw + vy * hh },
  ];
}

function cross(o: Point, a: Point, b: Point): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** True when the chain's last two points and p do not turn left (p's predecessor goes). */
function turnsRight(chain: readonly Point[], p: Point): boolean {
  const a = chain.at(-2);
  const b = chain.at(-1);
  return a !== undefined && b !== undefined && cross(a, b, p) <= 0;
}

/** Andrew's monotone chain; points need not be unique. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length < 3) return sorted;
  const lower: Point[] = [];
  for (const p of sorted) {
    while (turnsRight(lower, p)) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (const p of [...sorted].reverse()) {
    while (turnsRight(upper, p)) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * The smallest-area rectangle holding the points (one side lies on a hull edge), with its
 * axis turned to the reading direction nearest to horizontal.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) throw new Error('minAreaRect needs at least one point');
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  for (const [i, a] of hull.entries()) {
    const b = hull[(i + 1) % hull.length] ?? a;
    let ux = b.x - a.x;
    let uy = b.y - a.y;
    const length = Math.hypot(ux, uy);
    if (length === 0) {
      ux = 1;
      uy = 0;
    } else {
      ux /= length;
      uy /= length;
    }
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p.x * ux + p.y * uy;
      const v = -p.x * uy + p.y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const mu = (minU + maxU) / 2;
      const mv = (minV + maxV) / 2;
      best = {
        cx: mu * ux - mv * uy,
        cy: mu * uy + mv * ux,
        axisX: ux,
        axisY: uy,
        width: maxU - minU,
        height: maxV - minV,
      };
    }
  }
  if (!best) throw new Error('minAreaRect found no rectangle');
  return towardsReading(best);
}

/** Turns a rectangle's axis (by multiples of 90°) to the one nearest to pointing right. */
export function towardsReading(rect: RotatedRect): RotatedRect {
  let { axisX: ux, axisY: uy, width, height } = rect;
  for (let turn = 0; turn < 4; turn++) {
    if (ux >= Math.SQRT1_2 - 1e-9) break;
    // turn the axis 90° clockwise on screen (x right, y down); width and height swap
    [ux, uy] = [-uy, ux];
    [width, height] = [height, width];
  }
  return { ...rect, axisX: ux, axisY: uy, width, height };
}

/**
 * DB's unclip: the detector's map marks a shrunk core of each text region; the region is the
 * core offset outwards by area × ratio / perimeter (the DB paper's formula). For a rectangle
 * the offset polygon's min-area rectangle grows by that distance on every side.
 */
export function unclip(rect: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (rect.width + rect.height);
  if (perimeter === 0) return rect;
  const distance = (rect.width * rect.height * ratio) / perimeter;
  return { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
}

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** Interleaved RGB, 3 bytes a pixel, row-major. */
  readonly pixels: Uint8Array;
}

/**
 * Samples the quadrilateral (tl, tr, br, bl) of an image into an upright `outWidth` × `outHeight`
 * RGB strip: bilinear sampling, averaged over a few sub-samples when shrinking a lot so thin
 * strokes do not alias away. Points outside the image read as the nearest edge pixel.
 */
export function sampleQuad(
  image: RgbImage,
  corners: readonly [Point, Point, Point, Point],
  outWidth: number,
  outHeight: number,
): Uint8Array {
  const [tl, tr, br, bl] = corners;
  const out = new Uint8Array(outWidth * outHeight * 3);
  const srcW = Math.hypot(tr.x - tl.x, tr.y - tl.y);
  const srcH = Math.hypot(bl.x - tl.x, bl.y - tl.y);
  const sub = Math.max(1, Math.min(4, Math.ceil(Math.max(srcW / outWidth, srcH / outHeight))));
  const { width: w, height: h, pixels } = image;
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < sub; sy++) {
        const v = (oy + (sy + 0.5) / sub) / outHeight;
        for (let sx = 0; sx < sub; sx++) {
          const u = (ox + (sx + 0.5) / sub) / outWidth;
          // bilinear interpolation of the corners: exact for rectangles, a fair perspective
          // approximation for the mildly slanted quads detection produces
          const x =
            (1 - u) * (1 - v) * tl.x + u * (1 - v) * tr.x + u * v * br.x + (1 - u) * v * bl.x - 0.5;
          const y =
            (1 - u) * (1 - v) * tl.y + u * (1 - v) * tr.y + u * v * br.y + (1 - u) * v * bl.y - 0.5;
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const fx = x - x0;
          const fy = y - y0;
          const xa = Math.min(w - 1, Math.max(0, x0));
          const xb = Math.min(w - 1, Math.max(0, x0 + 1));
          const ya = Math.min(h - 1, Math.max(0, y0));
          const yb = Math.min(h - 1, Math.max(0, y0 + 1));
          const i00 = (ya * w + xa) * 3;
          const i01 = (ya * w + xb) * 3;
          const i10 = (yb * w + xa) * 3;
          const i11 = (yb * w + xb) * 3;
          const w00 = (1 - fy) * (1 - fx);
          const w01 = (1 - fy) * fx;
          const w10 = fy * (1 - fx);
          const w11 = fy * fx;
          const at = (i: number) => pixels[i] ?? 0;
          r += w00 * at(i00) + w01 * at(i01) + w10 * at(i10) + w11 * at(i11);
          g += w00 * at(i00 + 1) + w01 * at(i01 + 1) + w10 * at(i10 + 1) + w11 * at(i11 + 1);
          b += w00 * at(i00 + 2) + w01 * at(i01 + 2) + w10 * at(i10 + 2) + w11 * at(i11 + 2);
        }
      }
      const o = (oy * outWidth + ox) * 3;
      const n = sub * sub;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
    }
  }
  return out;
}
