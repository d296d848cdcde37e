import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  isBlackAndWhite,
  isDocument,
  isLowLight,
  measurePixels,
} from '../../../main/engines/local/local-measure.ts';

async function rgb(image: Sharp) {
  // Re-read an encoded copy, as the engine does with files (grayscale() keeps one channel).
  const encoded = await image.png().toBuffer();
  const { data, info } = await sharp(encoded)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(512, 512, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return measurePixels(new Uint8Array(data), info.width, info.height);
}

/** A colourful, mid-bright "photo": smooth gradients and coloured blobs. */
function colourPhoto(brightness = 1) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#3a7bd5"/><stop offset="1" stop-color="#e0a060"/></linearGradient></defs>
    <rect width="600" height="400" fill="url(#g)"/>
    <circle cx="200" cy="220" r="90" fill="#2e8b57"/><circle cx="430" cy="150" r="70" fill="#c0392b"/></svg>`;
  return sharp(Buffer.from(svg)).linear(brightness, 0);
}

function textPage() {
  const lines = Array.from(
    { length: 20 },
    (_, i) =>
      `<text x="40" y="${60 + i * 34}" font-family="sans-serif" font-size="22" fill="#111">Line ${i} of the report, with figures and notes ${i * 7}.</text>`,
  ).join('');
  return sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="760"><rect width="100%" height="100%" fill="#f4f4f0"/>${lines}</svg>`,
    ),
  );
}

describe(measurePixels.name, () => {
  it('finds no chroma in a grayscale picture and plenty in a colour one', async () => {
    const colour = await rgb(colourPhoto());
    const gray = await rgb(colourPhoto().grayscale());
    expect(isBlackAndWhite(colour)).toBe(false);
    expect(colour.colouredFraction).toBeGreaterThan(0.5);
    expect(isBlackAndWhite(gray)).toBe(true);
    expect(gray.meanChroma).toBeLessThan(1);
  });

  it('calls a dark picture low light and a normal one not', async () => {
    const dark = await rgb(colourPhoto(0.25));
    const normal = await rgb(colourPhoto());
    expect(dark.meanLuma).toBeLessThan(45);
    expect(isLowLight(dark)).toBe(true);
    expect(isLowLight(normal)).toBe(false);
  });

  it('recognises a text page, but not a grayscale photo or big black shapes on white', async () => {
    const page = await rgb(textPage());
    expect(isDocument(page)).toBe(true);
    expect(isDocument(await rgb(colourPhoto().grayscale()))).toBe(false);
    const shapes = sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><rect width="600" height="400" fill="#fff"/><rect x="100" y="100" width="150" height="150" fill="#000"/><circle cx="420" cy="200" r="80" fill="#000"/></svg>`,
      ),
    );
    const measured = await rgb(shapes);
    expect(measured.lightFraction).toBeGreaterThan(0.5);
    expect(isDocument(measured)).toBe(false);
  });

  it('rejects a buffer that is too short', () => {
    expect(() => measurePixels(new Uint8Array(10), 4, 4)).toThrow(/not enough/);
  });
});
