// A small, honest pixel tagger for the emulators: it looks at the image it is given and says
// what it measured — the box of the region that stands out from the background (an object
// with a real bounding box), black-and-white, low light, and the dominant colour. It stands
// in for the on-device engine where that model would make a test slow or is not loaded, and
// lets box normalisation be checked against a rectangle drawn at a known place.
import sharp from 'sharp';
import type { EngineAnswer, NormalisedTag } from '../../engines/tag-model.ts';

/** What the emulators call to tag the bytes they received. */
export type EmulatorTagger = (bytes: Buffer) => Promise<EngineAnswer>;

const colourNames: readonly { hue: number; en: string; zh: string }[] = [
  { hue: 0, en: 'red', zh: '红色' },
  { hue: 30, en: 'orange', zh: '橙色' },
  { hue: 60, en: 'yellow', zh: '黄色' },
  { hue: 120, en: 'green', zh: '绿色' },
  { hue: 180, en: 'cyan', zh: '青色' },
  { hue: 240, en: 'blue', zh: '蓝色' },
  { hue: 300, en: 'magenta', zh: '品红色' },
  { hue: 360, en: 'red', zh: '红色' },
];

function hueOf(r: number, g: number, b: number): { hue: number; saturation: number } {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const delta = max - min;
  const saturation = max === 0 ? 0 : delta / max;
  if (delta === 0) return { hue: 0, saturation };
  let hue: number;
  if (max === r) hue = ((g - b) / delta) % 6;
  else if (max === g) hue = (b - r) / delta + 2;
  else hue = (r - g) / delta + 4;
  hue *= 60;
  return { hue: hue < 0 ? hue + 360 : hue, saturation };
}

function nearestColour(hue: number): { en: string; zh: string } {
  let best = colourNames[0] ?? { hue: 0, en: 'red', zh: '红色' };
  for (const c of colourNames) if (Math.abs(c.hue - hue) < Math.abs(best.hue - hue)) best = c;
  return best;
}

export const tagPixelRegions: EmulatorTagger = async (bytes) => {
  const side = 256;
  const { data, info } = await sharp(bytes, { failOn: 'error' })
    .rotate()
    .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const px = (x: number, y: number): [number, number, number] => {
    const i = (y * width + x) * channels;
    return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
  };
  // Background: the per-channel median of the border pixels.
  const border: [number, number, number][] = [];
  for (let x = 0; x < width; x++) border.push(px(x, 0), px(x, height - 1));
  for (let y = 0; y < height; y++) border.push(px(0, y), px(width - 1, y));
  const median = (k: 0 | 1 | 2) => {
    const values = border.map((p) => p[k]).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? 0;
  };
  const background = [median(0), median(1), median(2)] as const;

  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  let foreground = 0;
  let sumLuma = 0;
  let sumSaturation = 0;
  let fgR = 0;
  let fgG = 0;
  let fgB = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = px(x, y);
      sumLuma += 0.2126 * r + 0.7152 * g + 0.0722 * b;
      sumSaturation += hueOf(r, g, b).saturation;
      const diff =
        Math.abs(r - background[0]) + Math.abs(g - background[1]) + Math.abs(b - background[2]);
      if (diff > 90) {
        foreground++;
        fgR += r;
        fgG += g;
        fgB += b;
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
    }
  }
  const total = width * height;
  const tags: NormalisedTag[] = [];
  const meanLuma = sumLuma / total;
  const meanSaturation = sumSaturation / total;
  if (foreground > total * 0.005 && maxX >= minX && maxY >= minY) {
    const boxArea = (maxX - minX + 1) * (maxY - minY + 1);
    const fill = foreground / boxArea;
    const confidence = Math.round(Math.min(99, 40 + 60 * fill) * 100) / 100;
    tags.push({
      name: 'foreground object',
      i18n: { zh: '前景物体', en: 'Foreground object' },
      type: 'object',
      confidence,
      instances: [
        {
          x: minX / width,
          y: minY / height,
          w: (maxX - minX + 1) / width,
          h: (maxY - minY + 1) / height,
          confidence,
        },
      ],
    });
    const { hue, saturation } = hueOf(fgR / foreground, fgG / foreground, fgB / foreground);
    if (saturation > 0.35) {
      const colour = nearestColour(hue);
      tags.push({
        name: colour.en,
        i18n: { zh: colour.zh, en: colour.en.charAt(0).toUpperCase() + colour.en.slice(1) },
        type: 'concept',
        confidence: Math.round(Math.min(99, 50 + 50 * saturation) * 100) / 100,
        instances: [],
      });
    }
  }
  if (meanSaturation < 0.04) {
    tags.push({
      name: 'black and white',
      i18n: { zh: '黑白', en: 'Black and white' },
      type: 'concept',
      confidence: Math.round((1 - meanSaturation / 0.04) * 40 + 59),
      instances: [],
    });
  }
  if (meanLuma < 50) {
    tags.push({
      name: 'low light',
      i18n: { zh: '弱光', en: 'Low light' },
      type: 'scene',
      confidence: Math.round(100 - meanLuma),
      instances: [],
    });
  }
  return { engine: 'local', model: 'emulator-pixel-regions', tags };
};
