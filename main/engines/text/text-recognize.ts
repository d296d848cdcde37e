// The recogniser's pre- and post-processing (PP-OCR's CRNN/SVTR recogniser and its angle
// classifier, written for Tujian): each detected box is sampled upright into a strip of the
// model's height, normalised to −1…1 in BGR order, and the per-column class probabilities are
// decoded greedily with CTC against the dictionary, with the spaces the model was unsure of
// ([Note: Spaces between Latin words]).
import {
  rectCorners,
  type Point,
  type RgbImage,
  type RotatedRect,
  sampleQuad,
} from './text-geometry.ts';

/** PP-OCRv4's recogniser input height. */
export const recognitionHeight = 48;
/** Longer strips are squeezed to this width (a line 40× longer than high). */
export const maxRecognitionWidth = recognitionHeight * 40;
/** The angle classifier's input (PaddleOCR cls_image_shape 3,48,192). */
export const classifierSize = { width: 192, height: 48 } as const;
/** A strip is read as vertical text when it is this much taller than wide (PaddleOCR's rule). */
const verticalRatio = 1.5;

/** Corners of the box in the order the strip is read: turned for vertical and upside-down text. */
export function readingCorners(
  rect: RotatedRect,
  upsideDown = false,
): [Point, Point, Point, Point] {
  const [tl, tr, br, bl] = rectCorners(rect);
  // Vertical text (a column of CJK characters) is read top to bottom: turn the strip 90°
  // counter-clockwise so the column's top comes first (PaddleOCR does the same with rot90).
  const corners: [Point, Point, Point, Point] =
    rect.height >= rect.width * verticalRatio ? [tr, br, bl, tl] : [tl, tr, br, bl];
  if (!upsideDown) return corners;
  const [a, b, c, d] = corners;
  return [c, d, a, b];
}

function stripSize(corners: readonly [Point, Point, Point, Point]): { w: number; h: number } {
  const [tl, tr, , bl] = corners;
  return { w: Math.hypot(tr.x - tl.x, tr.y - tl.y), h: Math.hypot(bl.x - tl.x, bl.y - tl.y) };
}

/** Converts an RGB strip to a 1×3×H×W tensor in BGR order, scaled to −1…1; pads with 0. */
function toTensor(
  strip: Uint8Array,
  stripWidth: number,
  height: number,
  tensorWidth: number,
): Float32Array {
  const plane = tensorWidth * height;
  const data = new Float32Array(plane * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < stripWidth; x++) {
      const i = (y * stripWidth + x) * 3;
      const o = y * tensorWidth + x;
      data[o] = (strip[i + 2] ?? 0) / 127.5 - 1;
      data[plane + o] = (strip[i + 1] ?? 0) / 127.5 - 1;
      data[2 * plane + o] = (strip[i] ?? 0) / 127.5 - 1;
    }
  }
  return data;
}

export interface StripTensor {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** The recogniser's input for one box: height 48, width keeping the box's aspect ratio. */
export function recognitionInput(
  image: RgbImage,
  corners: readonly [Point, Point, Point, Point],
): StripTensor {
  const { w, h } = stripSize(corners);
  const width = Math.max(
    8,
    Math.min(maxRecognitionWidth, Math.ceil((recognitionHeight * w) / Math.max(1, h))),
  );
  const strip = sampleQuad(image, corners, width, recognitionHeight);
  return {
    data: toTensor(strip, width, recognitionHeight, width),
    width,
    height: recognitionHeight,
  };
}

/** The angle classifier's input: the strip at height 48, at most 192 wide, padded. */
export function classifierInput(
  image: RgbImage,
  corners: readonly [Point, Point, Point, Point],
): StripTensor {
  const { w, h } = stripSize(corners);
  const { width: tensorWidth, height } = classifierSize;
  const width = Math.max(1, Math.min(tensorWidth, Math.ceil((height * w) / Math.max(1, h))));
  const strip = sampleQuad(image, corners, width, height);
  return { data: toTensor(strip, width, height, tensorWidth), width: tensorWidth, height };
}

/**
 * The recogniser's classes: 0 is the CTC blank, then the dictionary's lines in order, then a
 * space (PaddleOCR's use_space_char).
 */
export function recognitionClasses(dictionaryText: string): string[] {
  const lines = dictionaryText.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return ['', ...lines.map((line) => line.replace(/\r$/, '')), ' '];
}

export interface DecodedLine {
  readonly text: string;
  /** Mean probability of the kept characters, 0–1 (0 for an empty line). */
  readonly confidence: number;
}

// [Note: Spaces between Latin words]
// PP-OCRv4's Chinese recogniser has a space class (the last one, PaddleOCR's use_space_char),
// and greedy CTC decoding (PaddleOCR's CTCLabelDecode, which this follows) keeps a space only
// at a column where the space class beats the blank. On small or photographed Latin text the
// model is often less sure than that: between two words the space class gets 0.05–0.5 of a
// column and the blank the rest, so the words ran together ("Thesemarkers"). Inside a word
// the space class stays near zero. Measured by bench/ocr-spaces.ts on the gaps between
// characters read next to each other that the model did not read as spaces (page.png and 44
// generated pages of English prose in 4 fonts at 9–20 px, 16 of them photographed: 503 are
// spaces, 5049 are not), taking the space class's highest probability on a gap's blank
// columns: inside words p99.9 = 0.0029 and at most 0.0065 (but for one line the model garbled,
// 0.43), except beside an underscore (`zeros_like`: 0.047 and 0.16, so no space is inferred
// next to a connector like '_'); at spaces p5 = 0.065 and p50 = 0.28. From 0.03 on a gap is
// read as a space: 494 of the 503 spaces (0.01–0.03 give the same; 0.03 is 5× the largest
// inside a word and half the 5th percentile at spaces), none added inside a word but in the
// garbled line. A gap's width in columns separates far worse (≥ 3 columns: 330
// spaces and 153 false ones; ≥ 4: 133 and 29), so it is not used. Chinese is written without spaces: none is inferred beside a Han
// character, kana or full-width punctuation, so Chinese lines read exactly as before (a space
// the model itself reads there is kept, as before).
/** A gap between two characters is read as a space from this space-class probability on. */
export const inferredSpaceProbability = 0.03;

/** Characters no space is inferred beside ([Note: Spaces between Latin words]). */
const unspacedCharacter =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\p{Pc}\u3000-\u303f\uff00-\uffef]/u;

/**
 * CTC greedy decoding: the most probable class per column, repeats merged, blanks dropped; a
 * gap between two Latin characters whose blank columns give the space class at least
 * `spaceProbability` is read as a space ([Note: Spaces between Latin words]). Runs of spaces
 * are kept as one. `probs` is T × classes, row-major.
 */
export function decodeCtc(
  probs: Float32Array,
  steps: number,
  classes: readonly string[],
  spaceProbability = inferredSpaceProbability,
): DecodedLine {
  const count = classes.length;
  if (probs.length !== steps * count) {
    throw new Error(
      `The recogniser answered ${probs.length} values, expected ${steps} × ${count} classes`,
    );
  }
  const space = classes.lastIndexOf(' ');
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  /** The last character (not a space) written, '' before the first. */
  let lastCharacter = '';
  /** The space class's highest probability on the blank columns since lastCharacter. */
  let gapSpace = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -Infinity;
    const base = t * count;
    for (let c = 0; c < count; c++) {
      const p = probs[base + c] ?? 0;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best === 0 && space > 0) gapSpace = Math.max(gapSpace, probs[base + space] ?? 0);
    if (best !== 0 && best !== previous) {
      sum += bestP;
      kept++;
      if (best === space) {
        if (lastCharacter !== '' && !text.endsWith(' ')) text += ' ';
      } else {
        const character = classes[best] ?? '';
        if (
          gapSpace >= spaceProbability &&
          lastCharacter !== '' &&
          !text.endsWith(' ') &&
          !unspacedCharacter.test(lastCharacter) &&
          !unspacedCharacter.test(character)
        ) {
          text += ' ';
        }
        text += character;
        lastCharacter = character;
        gapSpace = 0;
      }
    }
    previous = best;
  }
  return { text: text.trim(), confidence: kept === 0 ? 0 : sum / kept };
}

export type TextLanguage = 'zh' | 'en' | 'mixed' | 'und';

const han = /\p{Script=Han}/u;
const latin = /[A-Za-z]/;

/** The line's language from its script: Han → zh, Latin letters → en, both → mixed. */
export function lineLanguage(text: string): TextLanguage {
  const hasHan = han.test(text);
  const hasLatin = latin.test(text);
  if (hasHan && hasLatin) return 'mixed';
  if (hasHan) return 'zh';
  if (hasLatin) return 'en';
  return 'und';
}
