// Honest image concepts come from measurements, not guesses: colour (chroma), brightness
// (luminance) and the structure of a text page (light paper, dark thin strokes, many edges).
// Pure functions over RGB bytes so tests can feed them generated pixels.

export interface ImageMeasures {
  /** Mean luminance, 0–255 (Rec. 601 weights). */
  meanLuma: number;
  /** Median and 95th percentile luminance. */
  medianLuma: number;
  p95Luma: number;
  /** Mean of max(R,G,B) − min(R,G,B), 0–255. */
  meanChroma: number;
  /** Share of pixels whose chroma is above 24 (visibly coloured). */
  colouredFraction: number;
  /** Share of pixels with a strong luminance step (> 48) to the right or below neighbour. */
  edgeFraction: number;
  /** Share of light (≥ 170) and dark (≤ 110) pixels, and of the mid-tones between. */
  lightFraction: number;
  darkFraction: number;
  midFraction: number;
}

export function measurePixels(rgb: Uint8Array, width: number, height: number): ImageMeasures {
  const n = width * height;
  if (n === 0 || rgb.length < n * 3) throw new Error('measurePixels: not enough RGB bytes');
  const luma = new Uint8Array(n);
  const histogram = new Uint32Array(256);
  let chromaSum = 0;
  let coloured = 0;
  let lumaSum = 0;
  let light = 0;
  let dark = 0;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const r = rgb[p] ?? 0;
    const g = rgb[p + 1] ?? 0;
    const b = rgb[p + 2] ?? 0;
    const y = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    luma[i] = y;
    histogram[y] = (histogram[y] ?? 0) + 1;
    lumaSum += y;
    const chroma = Math.max(r, g, b) - Math.min(r, g, b);
    chromaSum += chroma;
    if (chroma > 24) coloured++;
    if (y >= 170) light++;
    else if (y <= 110) dark++;
  }
  let edges = 0;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      const y = luma[i] ?? 0;
      const right = col + 1 < width ? (luma[i + 1] ?? y) : y;
      const below = row + 1 < height ? (luma[i + width] ?? y) : y;
      if (Math.abs(y - right) > 48 || Math.abs(y - below) > 48) edges++;
    }
  }
  const percentile = (q: number) => {
    const target = q * n;
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v] ?? 0;
      if (seen >= target) return v;
    }
    return 255;
  };
  return {
    meanLuma: lumaSum / n,
    medianLuma: percentile(0.5),
    p95Luma: percentile(0.95),
    meanChroma: chromaSum / n,
    colouredFraction: coloured / n,
    edgeFraction: edges / n,
    lightFraction: light / n,
    darkFraction: dark / n,
    midFraction: (n - light - dark) / n,
  };
}

/** Thresholds for the measured concepts; part of the engine's settings key. */
export const conceptThresholds = {
  blackAndWhite: { maxMeanChroma: 6, maxColouredFraction: 0.01 },
  lowLight: { maxMeanLuma: 55, maxMedianLuma: 45 },
  document: {
    maxColouredFraction: 0.05,
    minLightFraction: 0.5,
    minDarkFraction: 0.03,
    maxMidFraction: 0.35,
    minEdgeFraction: 0.04,
  },
} as const;

export function isBlackAndWhite(m: ImageMeasures): boolean {
  const t = conceptThresholds.blackAndWhite;
  return m.meanChroma <= t.maxMeanChroma && m.colouredFraction <= t.maxColouredFraction;
}

export function isLowLight(m: ImageMeasures): boolean {
  const t = conceptThresholds.lowLight;
  return m.meanLuma <= t.maxMeanLuma && m.medianLuma <= t.maxMedianLuma;
}

/**
 * A text page: mostly light paper, some dark ink, few mid-tones (ink and paper are two
 * clusters, unlike a photo's continuous tones), many edges from small strokes, little colour.
 */
export function isDocument(m: ImageMeasures): boolean {
  const t = conceptThresholds.document;
  return (
    m.colouredFraction <= t.maxColouredFraction &&
    m.lightFraction >= t.minLightFraction &&
    m.darkFraction >= t.minDarkFraction &&
    m.midFraction <= t.maxMidFraction &&
    m.edgeFraction >= t.minEdgeFraction
  );
}
