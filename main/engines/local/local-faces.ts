// From the local engine's face boxes to face descriptors: crops cut through main/imaging
// (face-crops.ts; no decoding here) and faceres run in an engine worker (local-worker-pool.ts),
// never on the caller's thread. Each face keeps the measures that decide whether it may be
// clustered (main/people/face-quality.ts decides; the engine only reports).
import {
  cropFaces,
  faceCropSize,
  type FaceBox,
  type FaceCropOptions,
} from '../../imaging/face-crops.ts';
import { faceDescriptorModel } from './local-face-descriptor.ts';
import type { LocalWorkerPool } from './local-worker-pool.ts';

export interface DescribedFace {
  box: FaceBox;
  /** Unit-length faceres descriptor; undefined when the box lies outside the photo. */
  descriptor: Float32Array | undefined;
  /** The box's shorter side in the oriented photo's pixels. */
  sourceSide: number;
  /** Laplacian variance of the 224 px crop. */
  sharpness: number;
}

export interface DescribeFacesResult {
  faces: DescribedFace[];
  model: string;
  /** sharp crop time and worker inference time, ms. */
  cropMs: number;
  inferMs: number;
}

export async function describeFaces(
  pool: Pick<LocalWorkerPool, 'describeFaces'>,
  input: string | Buffer,
  boxes: readonly FaceBox[],
  options: FaceCropOptions = {},
): Promise<DescribeFacesResult> {
  const started = performance.now();
  const size = options.size ?? faceCropSize;
  const crops = await cropFaces(input, boxes, { ...options, size });
  const cropMs = performance.now() - started;
  const present = crops.flatMap((crop) => (crop ? [crop.pixels] : []));
  const { descriptors, inferMs } =
    present.length > 0 ? await pool.describeFaces(present, size) : { descriptors: [], inferMs: 0 };
  let next = 0;
  const faces = boxes.map((box, index): DescribedFace => {
    const crop = crops[index];
    if (!crop) return { box, descriptor: undefined, sourceSide: 0, sharpness: 0 };
    return {
      box,
      descriptor: descriptors[next++],
      sourceSide: crop.sourceSide,
      sharpness: crop.sharpness,
    };
  });
  return { faces, model: faceDescriptorModel, cropMs, inferMs };
}
