// Face descriptors on the device: human's faceres (HSE-FaceRes, MobileNet trained for face
// identification, MIT; shipped in @vladmandic/human/models) run on TF.js WASM inside the local
// engine's worker. Input: square RGB face crops (main/imaging/face-crops.ts) of 224 px, fed as
// 0–255 floats like human's src/face/faceres.ts does (it multiplies its 0–1 tensor by 255).
// Output: the 1024-value `global_pooling/Mean` layer, L2-normalised here so that descriptors
// are compared by Euclidean distance on the unit sphere (main/people/face-clustering.ts).
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fileModelHandler, humanModelsDir, initWasmBackend } from './local-models.ts';

export const faceDescriptorLength = 1024;
export const faceDescriptorInputSize = 224;
/** Recorded with every descriptor: a different model gives incomparable descriptors. */
export const faceDescriptorModel = 'human-faceres';

const descriptorOutput = 'global_pooling/Mean';

export class FaceDescriber {
  private constructor(private readonly model: tf.GraphModel) {}

  static async load(modelsDir = humanModelsDir): Promise<FaceDescriber> {
    await initWasmBackend();
    const model = await tf.loadGraphModel(fileModelHandler(join(modelsDir, 'faceres.json')));
    return new FaceDescriber(model);
  }

  /** One unit-length descriptor per crop; all tensors are released before returning. */
  describe(crops: readonly Uint8Array[], size = faceDescriptorInputSize): Float32Array[] {
    return crops.map((pixels, index) => {
      if (pixels.length !== size * size * 3) {
        throw new Error(`Face ${index}: expected ${size * size * 3} bytes, got ${pixels.length}`);
      }
      const raw = tf.tidy(() => {
        let input = tf.tensor4d(pixels, [1, size, size, 3], 'int32').toFloat();
        if (size !== faceDescriptorInputSize) {
          input = tf.image.resizeBilinear(input, [
            faceDescriptorInputSize,
            faceDescriptorInputSize,
          ]);
        }
        const out = this.model.execute(input, descriptorOutput) as tf.Tensor;
        return out.dataSync() as Float32Array;
      });
      if (raw.length !== faceDescriptorLength) {
        throw new Error(`faceres returned ${raw.length} values, expected ${faceDescriptorLength}`);
      }
      return normalise(raw);
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Scales to unit length (a zero vector stays zero: it matches nothing, see the clustering). */
export function normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  const out = new Float32Array(vector.length);
  if (norm === 0) return out;
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] ?? 0) / norm;
  return out;
}
