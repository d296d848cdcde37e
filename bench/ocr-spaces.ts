// The measurement behind inferredSpaceProbability ([Note: Spaces between Latin words]): reads
// the sample page and generated pages of English prose (4 fonts at 9–20 px, flat, and from
// 12 px on also photographed) with the real detector and recogniser, aligns the characters
// read (greedy CTC) with the ground truth, and for every gap between two characters read side
// by side that the model did not itself read as a space, takes the space class's highest
// probability on the gap's blank columns. Prints its distribution inside words and at spaces,
// what each threshold would find and add, and the same for the gap's width in columns.
//   node bin/run-ts.js bench/ocr-spaces.ts [--dir D]
// The last output line is one JSON object.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import {
  boxesFromMap,
  inReadingOrder,
  prepareDetectInput,
} from '../main/engines/text/text-detect.ts';
import { prepareForText } from '../main/engines/text/text-prepare.ts';
import {
  textModelFiles,
  textModelFolder,
  textReaderDefaults,
} from '../main/engines/text/text-reader.ts';
import {
  inferredSpaceProbability,
  readingCorners,
  recognitionClasses,
  recognitionInput,
} from '../main/engines/text/text-recognize.ts';
import {
  pageText,
  photographSign,
  proseFonts,
  proseLines,
  renderProsePage,
} from '../test/engines/text/text-images.ts';

const { values: args } = parseArgs({
  options: { dir: { type: 'string', default: '../shared/samples/photos' } },
});
const dir = resolve(args.dir);

const folder = textModelFolder();
const [detector, recognizer, dictionary] = await Promise.all([
  ort.InferenceSession.create(join(folder, textModelFiles.detection)),
  ort.InferenceSession.create(join(folder, textModelFiles.recognition)),
  readFile(join(folder, textModelFiles.dictionary), 'utf8'),
]);
const classes = recognitionClasses(dictionary);
const space = classes.length - 1;

async function runOne(session: ort.InferenceSession, input: ort.Tensor): Promise<ort.Tensor> {
  const output = (await session.run({ [session.inputNames[0] ?? 'x']: input }))[
    session.outputNames[0] ?? ''
  ];
  if (!output) throw new Error('A model answered nothing');
  return output;
}

/** One gap between two characters read side by side, both matched to the ground truth. */
interface Gap {
  readonly source: string;
  readonly pair: string;
  /** The ground truth has a space here. */
  readonly isSpace: boolean;
  /** The model itself read a space here (its greedy decoding). */
  readonly readAsSpace: boolean;
  /** The space class's highest probability on the gap's blank columns. */
  readonly spaceProbability: number;
  readonly columns: number;
}

/** A character of greedy CTC decoding, with the columns it spans. */
interface ReadCharacter {
  readonly char: string;
  readonly box: number;
  first: number;
  last: number;
  readonly spaceBefore: boolean;
  readonly probs: Float32Array;
}

const gaps: Gap[] = [];

async function measure(source: string, input: string | Buffer, truthLines: readonly string[]) {
  const image = await prepareForText(input);
  const detectInput = prepareDetectInput(image, textReaderDefaults.detectSide);
  const map = await runOne(
    detector,
    new ort.Tensor('float32', detectInput.data, [1, 3, detectInput.height, detectInput.width]),
  );
  const boxes = inReadingOrder(boxesFromMap(map.data as Float32Array, detectInput).boxes);
  const read: ReadCharacter[] = [];
  for (const [index, box] of boxes.entries()) {
    const strip = recognitionInput(image, readingCorners(box.rect));
    const output = await runOne(
      recognizer,
      new ort.Tensor('float32', strip.data, [1, 3, strip.height, strip.width]),
    );
    const probs = output.data as Float32Array;
    const steps = output.dims[1] ?? 0;
    let previous = -1;
    let spaceBefore = false;
    for (let t = 0; t < steps; t++) {
      let best = 0;
      for (let c = 1; c < classes.length; c++) {
        if ((probs[t * classes.length + c] ?? 0) > (probs[t * classes.length + best] ?? 0)) {
          best = c;
        }
      }
      const last = read.at(-1);
      if (best === previous && best !== 0 && best !== space && last) last.last = t;
      else if (best === space) spaceBefore = true;
      else if (best !== 0) {
        read.push({ char: classes[best] ?? '', box: index, first: t, last: t, spaceBefore, probs });
        spaceBefore = false;
      }
      previous = best;
    }
  }
  // the ground truth's characters, each with whether a space (on its line) came before it
  const truth: { char: string; spaceBefore: boolean; lineStart: boolean }[] = [];
  for (const line of truthLines) {
    let spaceBefore = false;
    let lineStart = true;
    for (const char of line) {
      if (char === ' ') spaceBefore = true;
      else {
        truth.push({ char, spaceBefore, lineStart });
        spaceBefore = false;
        lineStart = false;
      }
    }
  }
  // longest common subsequence of the characters read and the ground truth's
  const n = read.length;
  const m = truth.length;
  const lengths = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lengths[i] ?? new Int32Array(0);
      row[j] =
        read[i]?.char === truth[j]?.char
          ? (lengths[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(lengths[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const matchOf = new Int32Array(n).fill(-1);
  for (let i = 0, j = 0; i < n && j < m;) {
    const here = lengths[i]?.[j] ?? 0;
    if (read[i]?.char === truth[j]?.char && here === (lengths[i + 1]?.[j + 1] ?? 0) + 1) {
      matchOf[i++] = j++;
    } else if ((lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0)) i++;
    else j++;
  }
  for (let i = 1; i < n; i++) {
    const a = read[i - 1];
    const b = read[i];
    const j = matchOf[i] ?? -1;
    const truthChar = truth[j];
    if (!a || !b || !truthChar || a.box !== b.box || matchOf[i - 1] !== j - 1) continue;
    if (truthChar.lineStart) continue;
    let spaceProbability = 0;
    for (let t = a.last + 1; t < b.first; t++) {
      spaceProbability = Math.max(spaceProbability, a.probs[t * classes.length + space] ?? 0);
    }
    gaps.push({
      source,
      pair: `${a.char}|${b.char}`,
      isSpace: truthChar.spaceBefore,
      readAsSpace: b.spaceBefore,
      spaceProbability,
      columns: b.first - a.last - 1,
    });
  }
}

await measure('page.png', join(dir, 'page.png'), pageText);
let pages = 1;
for (const fontSize of [9, 10, 11, 12, 14, 16, 20]) {
  for (const [f, font] of proseFonts.entries()) {
    const start = (f * 2 + fontSize) % 4;
    const lines = proseLines.slice(start, start + 4);
    const page = await renderProsePage(lines, fontSize, font);
    await measure(`${font} ${String(fontSize)} px`, page, lines);
    pages++;
    if (fontSize < 12) continue;
    const sign = await sharp(page).resize({ width: 900 }).png().toBuffer();
    const photo = await photographSign(sign, join(dir, 'dog.jpg'), fontSize * 10 + f);
    await measure(`${font} ${String(fontSize)} px photographed`, photo.jpeg, lines);
    pages++;
  }
}
await Promise.all([detector.release(), recognizer.release()]);

// Gaps the model read as a space itself need nothing; a space is never inferred beside an
// underscore (and Han, which these pages do not have), as in decodeCtc.
const unsure = gaps.filter((gap) => !gap.readAsSpace);
const underscore = unsure.filter((gap) => gap.pair.includes('_'));
const candidates = unsure.filter((gap) => !gap.pair.includes('_'));
const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] ?? NaN;
};
const inWords = candidates.filter((gap) => !gap.isSpace).map((gap) => gap.spaceProbability);
const atSpaces = candidates.filter((gap) => gap.isSpace).map((gap) => gap.spaceProbability);
const round = (value: number, digits = 4) => Number(value.toFixed(digits));
const outcome = (inferred: (gap: Gap) => boolean) => ({
  found: candidates.filter((gap) => gap.isSpace && inferred(gap)).length,
  missed: candidates.filter((gap) => gap.isSpace && !inferred(gap)).length,
  false: candidates.filter((gap) => !gap.isSpace && inferred(gap)).length,
});
const byProbability = Object.fromEntries(
  [0.01, 0.02, 0.03, 0.05, 0.1, 0.2].map((p) => [
    String(p),
    outcome((gap) => gap.spaceProbability >= p),
  ]),
);
const byColumns = Object.fromEntries(
  [2, 3, 4, 5].map((k) => [String(k), outcome((gap) => gap.columns >= k)]),
);
for (const gap of candidates.filter((g) => !g.isSpace && g.spaceProbability >= 0.01)) {
  console.log(`inside a word ${gap.source} ${gap.pair} ${gap.spaceProbability.toFixed(3)}`);
}
console.log(
  JSON.stringify({
    bench: 'ocr-spaces',
    pages,
    gaps: gaps.length,
    spaces: gaps.filter((gap) => gap.isSpace).length,
    readAsSpaceByTheModel: gaps.filter((gap) => gap.readAsSpace).length,
    readAsSpaceWrongly: gaps.filter((gap) => gap.readAsSpace && !gap.isSpace).length,
    unsure: { inWords: inWords.length, atSpaces: atSpaces.length },
    spaceProbabilityInWords: {
      p99: round(quantile(inWords, 0.99)),
      p999: round(quantile(inWords, 0.999)),
      // the largest: one is a line the model garbled (LCS aligned it across words)
      largest: [...inWords]
        .sort((a, b) => b - a)
        .slice(0, 3)
        .map((value) => round(value)),
    },
    spaceProbabilityAtSpaces: {
      p5: round(quantile(atSpaces, 0.05)),
      p50: round(quantile(atSpaces, 0.5)),
    },
    besideUnderscore: underscore.map((gap) => `${gap.pair} ${gap.spaceProbability.toFixed(3)}`),
    threshold: inferredSpaceProbability,
    byProbability,
    byColumns,
  }),
);
