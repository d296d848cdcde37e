// Messages between the re-cluster worker and its neighbour helper (face-neighbour-worker.ts):
// a worker is a trust boundary, so both ends parse what they receive. Everything large is
// shared memory (the FaceIndex parts, the query rows, the answer lists), posted without a copy.
import { z } from 'zod';
import { isKernelMemory, type KernelMemory } from './face-vector-kernels.ts';

/** A typed array over a SharedArrayBuffer (a copy would leave the other thread's writes unseen). */
const shared = <T extends { buffer: ArrayBufferLike }>(
  kind: abstract new (...args: never[]) => T,
  label: string,
) =>
  z.custom<T>(
    (v) => v instanceof kind && v.buffer instanceof SharedArrayBuffer,
    `${label} must be a ${kind.name} over a SharedArrayBuffer`,
  );

const count = z.number().int().nonnegative();

export const NeighbourJob = z.object({
  index: z.object({
    memory: z.custom<KernelMemory>(isKernelMemory, 'memory must be a shared WebAssembly.Memory'),
    options: z.object({
      projectedDims: z.number().int().positive(),
      sampleSize: z.number().int().positive(),
      maxProbes: z.number().int().positive(),
      seed: z.number().int(),
      nearestProbes: z.number().int().positive().optional(),
      nearestRerank: z.number().int().positive().optional(),
    }),
    count,
    descriptorDims: count,
    dims: count,
    rowDims: count,
    codeStride: count,
    bucketCount: count,
    probes: count,
    codesAt: count,
    projectedAt: count,
    bucketRowsAt: count,
    centroidsAt: count,
    scratchAt: count,
    scratchBytes: count,
    scales: shared<Float32Array>(Float32Array, 'scales'),
    bucketStart: shared<Uint32Array>(Uint32Array, 'bucketStart'),
    bucketFace: shared<Uint32Array>(Uint32Array, 'bucketFace'),
    radii: shared<Float32Array>(Float32Array, 'radii'),
    codeNormSq: shared<Float64Array>(Float64Array, 'codeNormSq'),
    probeLists: shared<Int32Array>(Int32Array, 'probeLists'),
  }),
  /** Scratch region of the index this thread uses (the caller uses region 0). */
  scratch: z.number().int().min(1),
  queries: shared<Int32Array>(Int32Array, 'queries'),
  radius: z.number().positive(),
  lists: z.object({
    width: z.number().int().positive(),
    face: shared<Int32Array>(Int32Array, 'lists.face'),
    distance: shared<Float32Array>(Float32Array, 'lists.distance'),
    count: shared<Uint16Array>(Uint16Array, 'lists.count'),
  }),
  /** [next block to claim, blocks finished]: both threads take blocks with Atomics.add. */
  control: shared<Int32Array>(Int32Array, 'control'),
  blockSize: z.number().int().positive(),
});
export type NeighbourJob = z.infer<typeof NeighbourJob>;

export const NeighbourReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('done'), blocks: count }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);
export type NeighbourReply = z.infer<typeof NeighbourReply>;
