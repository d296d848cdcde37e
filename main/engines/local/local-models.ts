// Loads the two TF.js graph models shipped in @vladmandic/human (centernet: COCO-80 objects;
// blazeface: faces) from disk on the WASM backend and runs them on prepared passes.
// Pre/post-processing follows human's own code (src/object/centernet.ts, src/face/blazeface.ts
// and src/face/facemeshutil.ts, MIT, © Vladimir Mandic): centernet takes 0–255 RGB at 512×512
// and returns [1, 100, 6] rows (x1, y1, x2, y2, score, class) in input pixels; blazeface takes
// 256×256 RGB scaled to −1…1 and returns 896 anchors × (logit, cx, cy, w, h, 6 keypoints × 2).
// Unlike human we letterbox instead of squashing and decode blazeface in plain JS.
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { z } from 'zod';
import { inputBoxToImage, type PassGeometry, type Rect } from './local-geometry.ts';

const require = createRequire(import.meta.url);

/** The folder holding human's model.json + .bin files (its package.json is not exported). */
export const humanModelsDir = join(dirname(require.resolve('@vladmandic/human')), '..', 'models');

/** human's version, part of the model name recorded with every tag. */
export const humanVersion = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(join(humanModelsDir, '..', 'package.json'), 'utf8'))).version;

/** node_modules/@tensorflow/tfjs-backend-wasm/dist: the package's main file sits next to its .wasm files. */
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));

export const centernetInputSize = 512;
const blazefaceInputSize = 256;

const ModelJson = z.object({
  modelTopology: z.unknown(),
  weightsManifest: z.array(
    z.object({ paths: z.array(z.string()), weights: z.array(z.looseObject({})) }),
  ),
  format: z.string().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().optional(),
});

/**
 * A tf.io handler reading model.json and its weight shards from disk: tf's default loaders use
 * fetch, and Node's fetch has no file:// support.
 */
export function fileModelHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = ModelJson.parse(JSON.parse(await readFile(modelJsonPath, 'utf8')));
      const folder = dirname(modelJsonPath);
      const shards = await Promise.all(
        json.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(join(folder, p)))),
      );
      const weights = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: json.weightsManifest.flatMap(
          (group) => group.weights as unknown as tf.io.WeightsManifestEntry[],
        ),
        weightData: weights.buffer.slice(
          weights.byteOffset,
          weights.byteOffset + weights.byteLength,
        ),
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
      };
    },
  };
}

let backendReady: Promise<void> | undefined;

/** Selects the WASM backend once per thread, its .wasm files found inside node_modules. */
export function initWasmBackend(): Promise<void> {
  backendReady ??= (async () => {
    // A plain folder path with a trailing separator works in Node: emscripten reads it with fs.
    if (!existsSync(join(wasmDir, 'tfjs-backend-wasm-simd.wasm'))) {
      throw new Error(`The TF.js WASM binaries are missing from ${wasmDir}`);
    }
    setWasmPaths(wasmDir + '/');
    if (!(await tf.setBackend('wasm'))) throw new Error('The TF.js WASM backend failed to start.');
    await tf.ready();
  })();
  return backendReady;
}

/** One object found by centernet, in the oriented photo's normalised coordinates. */
export interface RawObject {
  classId: number;
  score: number;
  box: Rect;
  pass: number;
  flipped: boolean;
}

export interface RawFace {
  score: number;
  box: Rect;
  pass: number;
}

export interface DetectorPass extends PassGeometry {
  /** RGB bytes, size × size × 3. */
  pixels: Uint8Array;
  /** Also run the horizontally mirrored input (test-time augmentation). */
  flip: boolean;
  /** Also look for faces in this pass. */
  faces: boolean;
}

export interface DetectorOutput {
  objects: RawObject[];
  faces: RawFace[];
}

/** Scores below this never leave the worker (the post-processing thresholds are higher). */
const keepScore = 0.05;
const faceKeepScore = 0.3;

function blazefaceAnchors(size: number): [number, number][] {
  // human src/face/facemeshutil.ts generateAnchors: strides size/16 and size/8, 2 and 6 anchors.
  const spec = { strides: [size / 16, size / 8], anchors: [2, 6] };
  const anchors: [number, number][] = [];
  spec.strides.forEach((stride, i) => {
    const grid = Math.floor((size + stride - 1) / stride);
    for (let gy = 0; gy < grid; gy++) {
      for (let gx = 0; gx < grid; gx++) {
        for (let n = 0; n < (spec.anchors[i] ?? 0); n++) {
          anchors.push([stride * (gx + 0.5), stride * (gy + 0.5)]);
        }
      }
    }
  });
  return anchors;
}

/**
 * human's blazeface.json has four outputs (scores and boxes for the 16×16 and 8×8 grids);
 * like human's getBoxes we join them into [896, 17] rows, the 512 anchors of the fine grid first.
 */
function joinBlazefaceOutputs(out: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (!Array.isArray(out)) return out.squeeze();
  if (out.length === 1 && out[0]) return out[0].squeeze();
  const [s384, s512, b384, b512] = [...out].sort((a, b) => a.size - b.size);
  if (!s384 || !s512 || !b384 || !b512) throw new Error('Unexpected blazeface outputs');
  return tf.concat([tf.concat([s512, b512], 2), tf.concat([s384, b384], 2)], 1).squeeze([0]);
}

export class LocalModels {
  private readonly anchors = blazefaceAnchors(blazefaceInputSize);

  private constructor(
    private readonly centernet: tf.GraphModel,
    private readonly blazeface: tf.GraphModel,
  ) {}

  static async load(modelsDir = humanModelsDir): Promise<LocalModels> {
    await initWasmBackend();
    const [centernet, blazeface] = await Promise.all([
      tf.loadGraphModel(fileModelHandler(join(modelsDir, 'centernet.json'))),
      tf.loadGraphModel(fileModelHandler(join(modelsDir, 'blazeface.json'))),
    ]);
    return new LocalModels(centernet, blazeface);
  }

  /** Runs every pass; all tensors are released before returning (checked by a test). */
  detect(passes: readonly DetectorPass[]): DetectorOutput {
    const objects: RawObject[] = [];
    const faces: RawFace[] = [];
    passes.forEach((pass, index) => {
      const size = pass.size;
      if (pass.pixels.length !== size * size * 3) {
        throw new Error(
          `Pass ${index}: expected ${size * size * 3} bytes, got ${pass.pixels.length}`,
        );
      }
      const result = tf.tidy(() => {
        const input = tf.tensor4d(pass.pixels, [1, size, size, 3], 'int32').toFloat();
        const resized =
          size === centernetInputSize
            ? input
            : tf.image.resizeBilinear(input, [centernetInputSize, centernetInputSize]);
        const runCenternet = (x: tf.Tensor4D) =>
          (this.centernet.execute(x, 'tower_0/detections') as tf.Tensor).dataSync() as Float32Array;
        const plain = runCenternet(resized);
        const mirrored = pass.flip ? runCenternet(tf.reverse(resized, 2)) : undefined;
        let face: Float32Array | undefined;
        if (pass.faces) {
          const small = tf.image.resizeBilinear(input, [blazefaceInputSize, blazefaceInputSize]);
          const normalised = small.div(127.5).sub(1);
          const out = this.blazeface.execute(normalised);
          face = joinBlazefaceOutputs(out).dataSync() as Float32Array;
        }
        return { plain, mirrored, face };
      });
      const scale = size / centernetInputSize;
      const readObjects = (rows: Float32Array, flipped: boolean) => {
        for (let r = 0; r + 5 < rows.length; r += 6) {
          const score = rows[r + 4] ?? 0;
          const classId = rows[r + 5] ?? Number.NaN;
          if (!(score >= keepScore) || !Number.isInteger(classId) || classId < 0 || classId > 79)
            continue;
          let x1 = (rows[r] ?? 0) * scale;
          let x2 = (rows[r + 2] ?? 0) * scale;
          if (flipped) [x1, x2] = [size - x2, size - x1];
          const box = inputBoxToImage(
            x1,
            (rows[r + 1] ?? 0) * scale,
            x2,
            (rows[r + 3] ?? 0) * scale,
            pass,
          );
          if (box) objects.push({ classId, score, box, pass: index, flipped });
        }
      };
      readObjects(result.plain, false);
      if (result.mirrored) readObjects(result.mirrored, true);
      if (result.face) faces.push(...this.decodeFaces(result.face, pass, index));
    });
    return { objects, faces };
  }

  private decodeFaces(raw: Float32Array, pass: DetectorPass, index: number): RawFace[] {
    const stride = raw.length / this.anchors.length;
    if (!Number.isInteger(stride) || stride < 5) {
      throw new Error(`Unexpected blazeface output of ${raw.length} values`);
    }
    const scale = pass.size / blazefaceInputSize;
    const found: RawFace[] = [];
    this.anchors.forEach(([ax, ay], i) => {
      const o = i * stride;
      const score = 1 / (1 + Math.exp(-(raw[o] ?? -Infinity)));
      if (!(score >= faceKeepScore)) return;
      const cx = (raw[o + 1] ?? 0) + ax;
      const cy = (raw[o + 2] ?? 0) + ay;
      const w = raw[o + 3] ?? 0;
      const h = raw[o + 4] ?? 0;
      const box = inputBoxToImage(
        (cx - w / 2) * scale,
        (cy - h / 2) * scale,
        (cx + w / 2) * scale,
        (cy + h / 2) * scale,
        pass,
      );
      if (box) found.push({ score, box, pass: index });
    });
    return found;
  }

  memory(): { numTensors: number; numBytes: number } {
    const { numTensors, numBytes } = tf.memory();
    return { numTensors, numBytes };
  }

  dispose(): void {
    this.centernet.dispose();
    this.blazeface.dispose();
  }
}
