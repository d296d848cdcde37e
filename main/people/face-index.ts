// A neighbour index for face descriptors that never compares every face with every other.
//
// [Note: Face neighbour index]
// Descriptors are unit vectors of 1024 values (faceres). They are stored quantised to int8
// with one float scale per face (1 KB instead of 4 KB: 150k faces fit in ~150 MB), and
// projected onto the top `projectedDims` principal directions of a sample of the library.
// An orthogonal projection never lengthens a distance, so "projected distance ≤ radius" loses
// no true neighbour; it only lets through candidates that the exact (int8) distance then
// rejects. The projected vectors are bucketed by k-means (√n buckets); a query visits buckets
// nearest-centroid first and skips a bucket when the triangle inequality proves that none of
// its members can be within the radius (centroid distance − bucket radius > radius). To bound
// the cost on data where that proof rarely holds, at most `maxProbes` buckets are visited: the
// search is then approximate (a far neighbour may be missed), which can only split a cluster,
// never join two; bench/people.ts reports the recall this costs.
//
// The full re-cluster asks a narrower question — the k nearest faces within a radius — and
// `nearest` answers it at a bounded cost, whatever the radius (an IVF search): it visits the
// `nearestProbes` buckets whose centroids are closest in the projection, ranks their members
// by projected distance, and computes the exact distance only for the best `nearestRerank`.
// Ranking by the projection can put a true neighbour behind strangers, so this one is
// approximate even when no bucket is skipped; test/people/face-index.test.ts measures its
// recall against brute force, and a missed neighbour again can only split, never join.
//
// Layout, for speed ([Note: Face kernels in WebAssembly SIMD]): the codes, the int16 basis, the
// projected rows (by face, and again grouped by bucket so a bucket is one contiguous sweep of
// the distance kernel) and the centroids live in one shared WebAssembly memory; the small
// tables (bucket members, probe lists, norms) are over SharedArrayBuffers. FaceIndexParts is
// all of it, so a helper thread rebuilds the same index without a copy ([Note: Neighbour
// queries on two threads]); each thread writes its scan scores to its own scratch region.

import {
  BumpLayout,
  createFaceVectorKernels,
  faceVectorKernelsOn,
  type FaceVectorKernels,
  type KernelMemory,
} from './face-vector-kernels.ts';

export interface FaceIndexOptions {
  /** Dimensions kept by the projection (PCA on a sample). */
  projectedDims: number;
  /** Faces used to learn the projection and the buckets. */
  sampleSize: number;
  /** Most buckets visited per query. */
  maxProbes: number;
  /** Seed for the sample and k-means initialisation (results are reproducible). */
  seed: number;
  /** `nearest`: buckets visited per query (default 6). */
  nearestProbes?: number;
  /** `nearest`: candidates (best by projected distance) whose exact distance is computed (default 24). */
  nearestRerank?: number;
}

export const defaultFaceIndexOptions: FaceIndexOptions = {
  projectedDims: 32,
  sampleSize: 2000,
  maxProbes: 12,
  seed: 1,
};

/** Descriptors quantised to int8, one scale per face: value ≈ codes[i·dims + k] · scales[i]. */
export interface QuantisedDescriptors {
  count: number;
  dims: number;
  codes: Int8Array;
  scales: Float32Array;
}

export function quantiseDescriptors(descriptors: readonly Float32Array[]): QuantisedDescriptors {
  const count = descriptors.length;
  const dims = descriptors[0]?.length ?? 0;
  const codes = new Int8Array(count * dims);
  const scales = new Float32Array(count);
  descriptors.forEach((d, i) => {
    if (d.length !== dims) throw new Error(`Descriptor ${i} has ${d.length} values, not ${dims}`);
    let max = 0;
    for (const v of d) max = Math.max(max, Math.abs(v));
    const scale = max > 0 ? max / 127 : 1;
    scales[i] = scale;
    for (let k = 0; k < dims; k++) codes[i * dims + k] = Math.round((d[k] as number) / scale);
  });
  return { count, dims, codes, scales };
}

/** Squared Euclidean distance between faces a and b of quantised descriptors. */
export function quantisedDistanceSq(q: QuantisedDescriptors, a: number, b: number): number {
  const { dims, codes } = q;
  const sa = q.scales[a] ?? 0;
  const sb = q.scales[b] ?? 0;
  let aa = 0;
  let bb = 0;
  let ab = 0;
  const oa = a * dims;
  const ob = b * dims;
  for (let k = 0; k < dims; k++) {
    const x = codes[oa + k] as number;
    const y = codes[ob + k] as number;
    aa += x * x;
    bb += y * y;
    ab += x * y;
  }
  return Math.max(0, sa * sa * aa + sb * sb * bb - 2 * sa * sb * ab);
}

/** A small deterministic PRNG (mulberry32), so re-clustering the same faces gives the same answer. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function decode(q: QuantisedDescriptors, i: number, out: Float64Array): void {
  const s = q.scales[i] ?? 0;
  for (let k = 0; k < q.dims; k++) out[k] = (q.codes[i * q.dims + k] ?? 0) * s;
}

/**
 * The top `dims` principal directions of the sample (subspace iteration on the centred sample,
 * Gram–Schmidt each round): rows of the returned matrix are orthonormal.
 */
function principalDirections(
  q: QuantisedDescriptors,
  sample: readonly number[],
  dims: number,
  random: () => number,
): { basis: Float64Array; mean: Float64Array } {
  const d = q.dims;
  const m = sample.length;
  const data = new Float64Array(m * d);
  const mean = new Float64Array(d);
  const row = new Float64Array(d);
  sample.forEach((face, r) => {
    decode(q, face, row);
    for (let k = 0; k < d; k++) {
      data[r * d + k] = row[k] ?? 0;
      mean[k] = (mean[k] as number) + (row[k] as number) / m;
    }
  });
  for (let r = 0; r < m; r++)
    for (let k = 0; k < d; k++) data[r * d + k] = (data[r * d + k] as number) - (mean[k] as number);
  let basis = new Float64Array(dims * d);
  for (let i = 0; i < basis.length; i++) basis[i] = random() - 0.5;
  orthonormaliseRows(basis, dims, d);
  const projected = new Float64Array(m * dims);
  for (let iteration = 0; iteration < 3; iteration++) {
    // projected = data · basisᵀ, then basis = projectedᵀ · data (one power step of XᵀX).
    projected.fill(0);
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < dims; j++) {
        let sum = 0;
        for (let k = 0; k < d; k++)
          sum += (data[r * d + k] as number) * (basis[j * d + k] as number);
        projected[r * dims + j] = sum;
      }
    }
    const next = new Float64Array(dims * d);
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < dims; j++) {
        const p = projected[r * dims + j] ?? 0;
        if (p === 0) continue;
        for (let k = 0; k < d; k++)
          next[j * d + k] = (next[j * d + k] as number) + p * (data[r * d + k] as number);
      }
    }
    orthonormaliseRows(next, dims, d);
    basis = next;
  }
  return { basis, mean };
}

function orthonormaliseRows(matrix: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < cols; k++)
        dot += (matrix[i * cols + k] as number) * (matrix[j * cols + k] as number);
      for (let k = 0; k < cols; k++)
        matrix[i * cols + k] =
          (matrix[i * cols + k] as number) - dot * (matrix[j * cols + k] as number);
    }
    let norm = 0;
    for (let k = 0; k < cols; k++) norm += (matrix[i * cols + k] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < cols; k++) matrix[i * cols + k] = (matrix[i * cols + k] as number) / norm;
  }
}

export interface FaceIndexStats {
  buckets: number;
  /** Candidates that passed the projected filter, and exact distances computed. */
  candidates: number;
  queries: number;
  /** Queries that stopped at maxProbes with buckets left that might hold a neighbour. */
  truncatedQueries: number;
}

/**
 * Slack on the radius in the projection: the basis is stored as int16 (for the SIMD kernel), so
 * a projected distance can exceed the true one by a rounding error (< 1e-3 here); filtering at
 * radius + slack keeps "the projection loses no true neighbour" exact.
 */
const projectionSlack = 1e-2;

/**
 * Everything a FaceIndex holds, in memory another thread can share: the kernels' shared memory
 * and typed arrays over SharedArrayBuffers (posting them to a worker shares them, no copy).
 * face-neighbour-threads.ts hands these to a helper thread, which rebuilds the index with
 * FaceIndex.fromParts and answers half of the queries.
 */
export interface FaceIndexParts {
  memory: KernelMemory;
  options: FaceIndexOptions;
  /** Faces indexed, and values per descriptor. */
  count: number;
  descriptorDims: number;
  /** Dimensions of the projection. */
  dims: number;
  rowDims: number;
  codeStride: number;
  bucketCount: number;
  probes: number;
  codesAt: number;
  projectedAt: number;
  bucketRowsAt: number;
  centroidsAt: number;
  /** One scratch region per thread (`scratchRegions`), each `scratchBytes` long. */
  scratchAt: number;
  scratchBytes: number;
  scales: Float32Array;
  bucketStart: Uint32Array;
  bucketFace: Uint32Array;
  radii: Float32Array;
  codeNormSq: Float64Array;
  probeLists: Int32Array;
}

/** Threads that can query one index at once (each needs its own scratch region). */
export const scratchRegions = 2;

const sharedArray = <T>(make: (buffer: SharedArrayBuffer) => T, bytes: number): T =>
  make(new SharedArrayBuffer(Math.max(8, bytes)));

export class FaceIndex {
  readonly stats: FaceIndexStats = { buckets: 0, candidates: 0, queries: 0, truncatedQueries: 0 };
  private readonly parts: FaceIndexParts;
  private readonly kernels: FaceVectorKernels;
  /** Float32 view of this thread's scratch region (one score per row scanned). */
  private readonly scores: Float32Array;
  private readonly scoresAt: number;
  private readonly options: FaceIndexOptions;

  /** The index of `descriptors` (built here); see [Note: Face neighbour index]. */
  constructor(descriptors: QuantisedDescriptors, options?: FaceIndexOptions);
  /** The same index in another thread: `parts` from `shareParts`, `scratch` this thread's region. */
  constructor(parts: FaceIndexParts, options: undefined, scratch: number);
  constructor(
    source: QuantisedDescriptors | FaceIndexParts,
    options: FaceIndexOptions = defaultFaceIndexOptions,
    scratch = 0,
  ) {
    this.parts = 'memory' in source ? source : buildParts(source, options);
    this.options = this.parts.options;
    this.kernels = faceVectorKernelsOn(this.parts.memory);
    this.scoresAt = this.parts.scratchAt + scratch * this.parts.scratchBytes;
    this.scores = new Float32Array(
      this.parts.memory.buffer,
      this.scoresAt,
      this.parts.scratchBytes / 4,
    );
    this.stats.buckets = this.parts.bucketCount;
  }

  /**
   * The indexed descriptors, read from the index's own copy of the codes (no second copy), or
   * undefined when that copy is padded (descriptors whose length is not a multiple of 16).
   */
  descriptorsView(): QuantisedDescriptors | undefined {
    const { count, descriptorDims, codeStride, codesAt, scales, memory } = this.parts;
    if (codeStride !== descriptorDims) return undefined;
    const codes = new Int8Array(memory.buffer, codesAt, count * descriptorDims);
    return { count, dims: descriptorDims, codes, scales };
  }

  /** The parts to post to another thread (shared, not copied). */
  shareParts(): FaceIndexParts {
    return this.parts;
  }

  /** Scores the members of bucket b against `face` in the projection (into this.scores). */
  private scanBucket(face: number, b: number): { from: number; to: number } {
    const from = this.parts.bucketStart[b] ?? 0;
    const to = this.parts.bucketStart[b + 1] ?? 0;
    const rowBytes = this.parts.rowDims * 4;
    this.kernels.distancesF32(
      this.parts.projectedAt + face * rowBytes,
      this.parts.bucketRowsAt + from * rowBytes,
      to - from,
      this.parts.rowDims,
      this.scoresAt,
    );
    return { from, to };
  }

  /** Faces (other than `face`) within `radius` of it, with their distances. */
  neighbours(face: number, radius: number): { face: number; distance: number }[] {
    this.stats.queries++;
    const count = this.parts.bucketCount;
    const radiusSq = radius * radius;
    const filterSq = (radius + projectionSlack) ** 2;
    // Lower bound of the distance to any member of bucket c: centroid distance − bucket radius
    // (triangle inequality in the projection, which never lengthens a distance).
    this.kernels.distancesF32(
      this.parts.projectedAt + face * this.parts.rowDims * 4,
      this.parts.centroidsAt,
      count,
      this.parts.rowDims,
      this.scoresAt,
    );
    const lower = new Float64Array(count);
    for (let c = 0; c < count; c++)
      lower[c] =
        Math.sqrt(this.scores[c] as number) - (this.parts.radii[c] as number) - projectionSlack;
    const found: { face: number; distance: number }[] = [];
    for (let probe = 0; ; probe++) {
      let best = -1;
      let bestLower = radius;
      for (let c = 0; c < count; c++) {
        const l = lower[c] as number;
        if (l <= bestLower) {
          bestLower = l;
          best = c;
        }
      }
      if (best < 0) break; // every bucket left is provably out of reach
      if (probe >= this.options.maxProbes) {
        this.stats.truncatedQueries++;
        break;
      }
      lower[best] = Infinity;
      const { from, to } = this.scanBucket(face, best);
      for (let slot = from; slot < to; slot++) {
        const other = this.parts.bucketFace[slot] as number;
        if (other === face || (this.scores[slot - from] as number) > filterSq) continue;
        this.stats.candidates++;
        const sq = this.exactDistanceSq(face, other);
        if (sq <= radiusSq) found.push({ face: other, distance: Math.sqrt(sq) });
      }
    }
    return found;
  }

  /**
   * The `k` faces nearest to `face` within `radius` (closest first), approximately: see
   * [Note: Face neighbour index]. Cost per query: the members of `nearestProbes` buckets in the
   * projection (one kernel call per bucket), `nearestRerank` exact distances.
   */
  nearest(face: number, k: number, radius: number): { face: number; distance: number }[] {
    this.stats.queries++;
    const rerank = Math.max(k, this.options.nearestRerank ?? 24);
    const probeBucket = this.parts.probeLists.subarray(
      face * this.parts.probes,
      (face + 1) * this.parts.probes,
    );
    // The best `rerank` members by projected distance (a bounded max-heap), none farther than
    // the radius in the projection (a projection never lengthens a distance).
    const heapFace = new Int32Array(rerank);
    const heapDist = new Float64Array(rerank);
    let heapSize = 0;
    const radiusSq = radius * radius;
    const filterSq = (radius + projectionSlack) ** 2;
    const scores = this.scores;
    for (const bucket of probeBucket) {
      if (bucket < 0) continue;
      const { from, to } = this.scanBucket(face, bucket);
      let bound = heapSize === rerank ? Math.min(filterSq, heapDist[0] as number) : filterSq;
      for (let slot = from; slot < to; slot++) {
        const sum = scores[slot - from] as number;
        if (sum > bound) continue;
        const other = this.parts.bucketFace[slot] as number;
        if (other === face) continue;
        if (heapSize < rerank) {
          heapPush(heapFace, heapDist, heapSize++, other, sum);
        } else {
          heapReplaceTop(heapFace, heapDist, heapSize, other, sum);
        }
        if (heapSize === rerank) bound = Math.min(filterSq, heapDist[0] as number);
      }
    }
    const found: { face: number; distance: number }[] = [];
    for (let h = 0; h < heapSize; h++) {
      const other = heapFace[h] as number;
      this.stats.candidates++;
      const sq = this.exactDistanceSq(face, other);
      if (sq <= radiusSq) found.push({ face: other, distance: Math.sqrt(sq) });
    }
    found.sort((a, b) => a.distance - b.distance);
    if (found.length > k) found.length = k;
    return found;
  }

  /** Exact distance between two indexed faces (int8 codes). */
  distance(a: number, b: number): number {
    return Math.sqrt(this.exactDistanceSq(a, b));
  }

  /** quantisedDistanceSq through the int8 kernel, with the squared code norms computed once. */
  private exactDistanceSq(a: number, b: number): number {
    const ab = this.kernels.dotI8(
      this.parts.codesAt + a * this.parts.codeStride,
      this.parts.codesAt + b * this.parts.codeStride,
      this.parts.codeStride,
    );
    const { scales } = this.parts;
    const sa = scales[a] as number;
    const sb = scales[b] as number;
    return Math.max(
      0,
      sa * sa * (this.parts.codeNormSq[a] as number) +
        sb * sb * (this.parts.codeNormSq[b] as number) -
        2 * sa * sb * ab,
    );
  }

  /** Bytes held by the index (the kernels' memory: codes, projections, centroids; bucket lists). */
  get byteLength(): number {
    return (
      this.kernels.memory.buffer.byteLength +
      this.parts.bucketFace.byteLength +
      this.parts.probeLists.byteLength +
      this.parts.codeNormSq.byteLength
    );
  }
}

function buildParts(descriptors: QuantisedDescriptors, options: FaceIndexOptions): FaceIndexParts {
  const n = descriptors.count;
  const d = descriptors.dims;
  const random = seededRandom(options.seed);
  const dims = Math.min(options.projectedDims, d, Math.max(1, n));
  const rowDims = Math.ceil(dims / 4) * 4;
  const codeStride = Math.ceil(d / 16) * 16;
  const sample = sampleIndexes(n, options.sampleSize, random);
  // About 2√n buckets of √n/2 faces: a query scans the centroids and a few small buckets.
  const bucketCount = Math.max(1, Math.min(sample.length, Math.round(2 * Math.sqrt(n))));
  // The kernels' memory: the int8 codes (one padded row per face), the int16 basis, the
  // projected rows by face and again grouped by bucket (a bucket is then one contiguous run
  // the distance kernel sweeps), the centroids, and one scratch region per thread for the
  // scores of a scan.
  const rowBytes = rowDims * 4;
  const layout = new BumpLayout();
  const codesAt = layout.reserve(n * codeStride);
  const basisAt = layout.reserve(rowDims * codeStride * 2);
  const projectedAt = layout.reserve(n * rowBytes);
  const bucketRowsAt = layout.reserve(n * rowBytes);
  const centroidsAt = layout.reserve(bucketCount * rowBytes);
  const scratchBytes = Math.ceil((Math.max(n, bucketCount) * 4) / 16) * 16;
  const scratchAt = layout.reserve(scratchBytes * scratchRegions);
  const kernels = createFaceVectorKernels(layout.size);
  const buffer = kernels.memory.buffer;
  const codes = new Int8Array(buffer, codesAt, n * codeStride);
  if (codeStride === d) codes.set(descriptors.codes.subarray(0, n * d));
  else
    for (let i = 0; i < n; i++)
      codes.set(descriptors.codes.subarray(i * d, (i + 1) * d), i * codeStride);
  const scores = new Float32Array(buffer, scratchAt, scratchBytes / 4);

  const codeNormSq = sharedArray((b) => new Float64Array(b), n * 8);
  for (let i = 0; i < n; i++) {
    const at = codesAt + i * codeStride;
    codeNormSq[i] = kernels.dotI8(at, at, codeStride);
  }

  // projected = (x − mean)·basisᵀ = scale · (codes·basisᵀ) − mean·basisᵀ, with each basis row
  // stored as int16 at its own scale (the largest value that cannot overflow the kernel's
  // int32 sums: |code| ≤ 128 over codeStride values).
  const { basis, mean } = principalDirections(descriptors, sample, dims, random);
  const basisLimit = Math.min(32767, Math.floor(2 ** 31 / (128 * codeStride)) - 1);
  const basis16 = new Int16Array(buffer, basisAt, rowDims * codeStride);
  const basisUnit = new Float64Array(dims);
  const meanProjection = new Float64Array(dims);
  for (let j = 0; j < dims; j++) {
    let largest = 0;
    let sum = 0;
    for (let k = 0; k < d; k++) {
      const value = basis[j * d + k] as number;
      largest = Math.max(largest, Math.abs(value));
      sum += (mean[k] as number) * value;
    }
    meanProjection[j] = sum;
    const unit = largest > 0 ? largest / basisLimit : 1;
    basisUnit[j] = unit;
    for (let k = 0; k < d; k++)
      basis16[j * codeStride + k] = Math.round((basis[j * d + k] as number) / unit);
  }
  const projected = new Float32Array(buffer, projectedAt, n * rowDims);
  for (let i = 0; i < n; i++) {
    const at = codesAt + i * codeStride;
    const scale = descriptors.scales[i] as number;
    for (let j = 0; j < dims; j++) {
      const dot = kernels.dotI8I16(at, basisAt + j * codeStride * 2, codeStride);
      projected[i * rowDims + j] =
        scale * (basisUnit[j] as number) * dot - (meanProjection[j] as number);
    }
  }

  const centroids = new Float32Array(buffer, centroidsAt, bucketCount * rowDims);
  kMeans(projected, centroids, rowDims, sample, random, (p) => {
    kernels.distancesF32(projectedAt + p * rowBytes, centroidsAt, bucketCount, rowDims, scratchAt);
    return scores;
  });
  // The assignment scans every centroid for every face anyway: it keeps each face's
  // `nearestProbes` closest buckets, so `nearest` does not scan the centroids again.
  const probes = Math.min(bucketCount, options.nearestProbes ?? 6);
  const probeLists = sharedArray((b) => new Int32Array(b), n * probes * 4);
  const assignment = new Uint32Array(n);
  const counts = new Uint32Array(bucketCount);
  const radii = sharedArray((b) => new Float32Array(b), bucketCount * 4);
  const probeDist = new Float64Array(probes);
  for (let i = 0; i < n; i++) {
    const list = probeLists.subarray(i * probes, (i + 1) * probes);
    kernels.distancesF32(projectedAt + i * rowBytes, centroidsAt, bucketCount, rowDims, scratchAt);
    closestBuckets(scores, bucketCount, list, probeDist);
    const best = list[0] ?? 0;
    assignment[i] = best;
    counts[best] = (counts[best] as number) + 1;
    radii[best] = Math.max(radii[best] ?? 0, Math.sqrt(probeDist[0] ?? 0));
  }
  const bucketStart = sharedArray((b) => new Uint32Array(b), (bucketCount + 1) * 4);
  for (let b = 0; b < bucketCount; b++)
    bucketStart[b + 1] = (bucketStart[b] as number) + (counts[b] as number);
  const bucketFace = sharedArray((b) => new Uint32Array(b), n * 4);
  const filled = bucketStart.slice(0, bucketCount);
  const bucketRows = new Float32Array(buffer, bucketRowsAt, n * rowDims);
  for (let i = 0; i < n; i++) {
    const b = assignment[i] ?? 0;
    const slot = filled[b] ?? 0;
    bucketFace[slot] = i;
    bucketRows.set(projected.subarray(i * rowDims, (i + 1) * rowDims), slot * rowDims);
    filled[b] = slot + 1;
  }
  const scales = sharedArray((b) => new Float32Array(b), n * 4);
  scales.set(descriptors.scales.subarray(0, n));
  return {
    memory: kernels.memory,
    options,
    count: n,
    descriptorDims: d,
    dims,
    rowDims,
    codeStride,
    bucketCount,
    probes,
    codesAt,
    projectedAt,
    bucketRowsAt,
    centroidsAt,
    scratchAt,
    scratchBytes,
    scales,
    bucketStart,
    bucketFace,
    radii,
    codeNormSq,
    probeLists,
  };
}

/**
 * Lloyd's k-means on the sample's projected rows, in place on `centroids` (a few rounds: the
 * buckets need only be compact). `scoresOf(p)` gives row p's squared distance to each centroid.
 */
function kMeans(
  projected: Float32Array,
  centroids: Float32Array,
  rowDims: number,
  sample: readonly number[],
  random: () => number,
  scoresOf: (p: number) => Float32Array,
): void {
  const k = centroids.length / rowDims;
  for (let c = 0; c < k; c++) {
    const pick = sample[Math.floor(random() * sample.length)] ?? 0;
    centroids.set(projected.subarray(pick * rowDims, (pick + 1) * rowDims), c * rowDims);
  }
  const sums = new Float64Array(k * rowDims);
  const counts = new Uint32Array(k);
  for (let round = 0; round < 6; round++) {
    sums.fill(0);
    counts.fill(0);
    for (const p of sample) {
      const scores = scoresOf(p);
      let best = 0;
      let bestSq = Infinity;
      for (let c = 0; c < k; c++) {
        const sq = scores[c] as number;
        if (sq < bestSq) {
          bestSq = sq;
          best = c;
        }
      }
      counts[best] = (counts[best] as number) + 1;
      for (let j = 0; j < rowDims; j++)
        sums[best * rowDims + j] =
          (sums[best * rowDims + j] as number) + (projected[p * rowDims + j] as number);
    }
    for (let c = 0; c < k; c++) {
      const count = counts[c] ?? 0;
      if (count === 0) continue; // an empty bucket keeps its old centre
      for (let j = 0; j < rowDims; j++)
        centroids[c * rowDims + j] = (sums[c * rowDims + j] as number) / count;
    }
  }
}

/** The `bucket.length` buckets with the smallest scores, closest first (into a short list). */
function closestBuckets(
  scores: Float32Array,
  count: number,
  bucket: Int32Array,
  distSq: Float64Array,
): void {
  const probes = bucket.length;
  bucket.fill(-1);
  distSq.fill(Infinity);
  let worst = Infinity;
  for (let c = 0; c < count; c++) {
    const sum = scores[c] as number;
    if (sum >= worst) continue;
    let slot = probes - 1;
    while (slot > 0 && (distSq[slot - 1] as number) > sum) {
      distSq[slot] = distSq[slot - 1] as number;
      bucket[slot] = bucket[slot - 1] as number;
      slot--;
    }
    distSq[slot] = sum;
    bucket[slot] = c;
    worst = distSq[probes - 1] as number;
  }
}

/** Max-heap on `dist` (the root is the worst kept candidate). */
function heapPush(faces: Int32Array, dist: Float64Array, size: number, face: number, d: number) {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if ((dist[parent] as number) >= d) break;
    faces[i] = faces[parent] as number;
    dist[i] = dist[parent] as number;
    i = parent;
  }
  faces[i] = face;
  dist[i] = d;
}

function heapReplaceTop(
  faces: Int32Array,
  dist: Float64Array,
  size: number,
  face: number,
  d: number,
) {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && (dist[right] as number) > (dist[left] as number) ? right : left;
    if ((dist[child] as number) <= d) break;
    faces[i] = faces[child] as number;
    dist[i] = dist[child] as number;
    i = child;
  }
  faces[i] = face;
  dist[i] = d;
}

function sampleIndexes(n: number, size: number, random: () => number): number[] {
  if (n <= size) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < size) chosen.add(Math.floor(random() * n));
  return [...chosen].sort((a, b) => a - b);
}

/**
 * The k nearest faces of queried rows, by row of the index, in shared memory (so two threads
 * can fill them): row r's neighbours are face[r·width …] and distance[r·width …], count[r] of
 * them, closest first.
 */
export interface NearestLists {
  width: number;
  face: Int32Array;
  distance: Float32Array;
  count: Uint16Array;
}

export function allocateNearestLists(rows: number, width: number): NearestLists {
  return {
    width,
    face: sharedArray((b) => new Int32Array(b), rows * width * 4),
    distance: sharedArray((b) => new Float32Array(b), rows * width * 4),
    count: sharedArray((b) => new Uint16Array(b), rows * 2),
  };
}

/** Fills `lists` for queries[from … to) with index.nearest(row, lists.width, radius). */
export function fillNearestLists(
  index: FaceIndex,
  queries: Int32Array,
  from: number,
  to: number,
  radius: number,
  lists: NearestLists,
): void {
  const { width } = lists;
  for (let q = from; q < to; q++) {
    const row = queries[q] as number;
    const found = index.nearest(row, width, radius);
    found.forEach(({ face, distance }, j) => {
      lists.face[row * width + j] = face;
      lists.distance[row * width + j] = distance;
    });
    lists.count[row] = found.length;
  }
}
