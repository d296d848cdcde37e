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

export class FaceIndex {
  readonly stats: FaceIndexStats;
  private readonly projected: Float32Array;
  private readonly dims: number;
  private readonly centroids: Float32Array;
  private readonly radii: Float32Array;
  private readonly members: Uint32Array[];
  private readonly codeNormSq: Float64Array;
  /** Buckets visited by `nearest`, per face, and each face's closest buckets (n × probes). */
  private readonly probes: number;
  private readonly probeLists: Int32Array;

  constructor(
    readonly descriptors: QuantisedDescriptors,
    private readonly options: FaceIndexOptions = defaultFaceIndexOptions,
  ) {
    const n = descriptors.count;
    const random = seededRandom(options.seed);
    this.dims = Math.min(options.projectedDims, descriptors.dims, Math.max(1, n));
    const sample = sampleIndexes(n, options.sampleSize, random);
    const { basis, mean } = principalDirections(descriptors, sample, this.dims, random);
    const d = descriptors.dims;
    // projected = (x − mean)·basisᵀ = scale · (codes·basisᵀ) − mean·basisᵀ: the int8 codes are
    // read as they are (no decoded copy), against a float32 basis — this loop is n·d·dims
    // multiply-adds, the largest single cost of building the index.
    const basis32 = Float32Array.from(basis);
    const meanProjection = new Float64Array(this.dims);
    for (let j = 0; j < this.dims; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += (mean[k] as number) * (basis[j * d + k] as number);
      meanProjection[j] = sum;
    }
    this.projected = new Float32Array(n * this.dims);
    const codes = descriptors.codes;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      const scale = descriptors.scales[i] as number;
      for (let j = 0; j < this.dims; j++) {
        let sum = 0;
        const offset = j * d;
        for (let k = 0; k < d; k++)
          sum += (codes[o + k] as number) * (basis32[offset + k] as number);
        this.projected[i * this.dims + j] = scale * sum - (meanProjection[j] as number);
      }
    }
    // About 2√n buckets of √n/2 faces: a query scans the centroids and a few small buckets.
    this.codeNormSq = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = i * d; k < (i + 1) * d; k++) sum += (descriptors.codes[k] as number) ** 2;
      this.codeNormSq[i] = sum;
    }
    const bucketCount = Math.max(1, Math.min(sample.length, Math.round(2 * Math.sqrt(n))));
    this.centroids = kMeans(this.projected, this.dims, sample, bucketCount, random);
    const assignment = new Uint32Array(n);
    const counts = new Uint32Array(bucketCount);
    this.radii = new Float32Array(bucketCount);
    // The assignment scans every centroid for every face anyway: it keeps each face's
    // `nearestProbes` closest buckets, so `nearest` does not scan the centroids again.
    this.probes = Math.min(bucketCount, options.nearestProbes ?? 6);
    this.probeLists = new Int32Array(n * this.probes);
    const probeDist = new Float64Array(this.probes);
    for (let i = 0; i < n; i++) {
      const list = this.probeLists.subarray(i * this.probes, (i + 1) * this.probes);
      this.closestBuckets(i, list, probeDist);
      const best = list[0] ?? 0;
      const distSq = probeDist[0] ?? 0;
      assignment[i] = best;
      counts[best] = (counts[best] as number) + 1;
      this.radii[best] = Math.max(this.radii[best] ?? 0, Math.sqrt(distSq));
    }
    this.members = Array.from(counts, (c) => new Uint32Array(c));
    const filled = new Uint32Array(bucketCount);
    for (let i = 0; i < n; i++) {
      const b = assignment[i] ?? 0;
      const slot = filled[b] ?? 0;
      const list = this.members[b];
      if (list) list[slot] = i;
      filled[b] = slot + 1;
    }
    this.stats = { buckets: bucketCount, candidates: 0, queries: 0, truncatedQueries: 0 };
  }

  /** The buckets whose centroids are closest to `face`, closest first (insertion into a short list). */
  private closestBuckets(face: number, bucket: Int32Array, distSq: Float64Array): void {
    const dims = this.dims;
    const probes = bucket.length;
    const count = this.centroids.length / dims;
    const q = face * dims;
    bucket.fill(-1);
    distSq.fill(Infinity);
    for (let c = 0; c < count; c++) {
      const worst = distSq[probes - 1] as number;
      let sum = 0;
      const o = c * dims;
      for (let j = 0; j < dims && sum < worst; j++) {
        const diff = (this.projected[q + j] as number) - (this.centroids[o + j] as number);
        sum += diff * diff;
      }
      if (sum >= worst) continue;
      let slot = probes - 1;
      while (slot > 0 && (distSq[slot - 1] as number) > sum) {
        distSq[slot] = distSq[slot - 1] as number;
        bucket[slot] = bucket[slot - 1] as number;
        slot--;
      }
      distSq[slot] = sum;
      bucket[slot] = c;
    }
  }

  /** Faces (other than `face`) within `radius` of it, with their distances. */
  neighbours(face: number, radius: number): { face: number; distance: number }[] {
    this.stats.queries++;
    const dims = this.dims;
    const count = this.centroids.length / dims;
    const radiusSq = radius * radius;
    // Bucket order by the distance over the first (largest-variance) dimensions only: it is a
    // lower bound of the full projected distance, so the skip test below stays exact.
    const coarse = Math.min(dims, 16);
    const lower = new Float64Array(count);
    const q = face * dims;
    for (let c = 0; c < count; c++) {
      let sum = 0;
      const o = c * dims;
      for (let k = 0; k < coarse; k++) {
        const diff = (this.projected[q + k] as number) - (this.centroids[o + k] as number);
        sum += diff * diff;
      }
      lower[c] = Math.sqrt(sum) - (this.radii[c] as number);
    }
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
      for (const other of this.members[best] ?? []) {
        if (other === face) continue;
        // Partial sums over the projected dimensions are lower bounds too: stop early.
        let sum = 0;
        const o = other * dims;
        let k = 0;
        for (; k < dims && sum <= radiusSq; k++) {
          const diff = (this.projected[q + k] as number) - (this.projected[o + k] as number);
          sum += diff * diff;
        }
        if (sum > radiusSq) continue;
        this.stats.candidates++;
        const sq = this.exactDistanceSq(face, other);
        if (sq <= radiusSq) found.push({ face: other, distance: Math.sqrt(sq) });
      }
    }
    return found;
  }

  /**
   * The `k` faces nearest to `face` within `radius` (closest first), approximately: see
   * [Note: Face neighbour index]. Cost per query: one scan of the centroids, the members of
   * `nearestProbes` buckets in the projection, `nearestRerank` exact distances.
   */
  nearest(face: number, k: number, radius: number): { face: number; distance: number }[] {
    this.stats.queries++;
    const dims = this.dims;
    const rerank = Math.max(k, this.options.nearestRerank ?? 24);
    const q = face * dims;
    const probeBucket = this.probeLists.subarray(face * this.probes, (face + 1) * this.probes);
    // The best `rerank` members by projected distance (a bounded max-heap), none farther than
    // the radius in the projection (a projection never lengthens a distance).
    const heapFace = new Int32Array(rerank);
    const heapDist = new Float64Array(rerank);
    let heapSize = 0;
    const radiusSq = radius * radius;
    for (const bucket of probeBucket) {
      if (bucket < 0) continue;
      for (const other of this.members[bucket] ?? []) {
        if (other === face) continue;
        const bound = heapSize === rerank ? Math.min(radiusSq, heapDist[0] as number) : radiusSq;
        let sum = 0;
        const o = other * dims;
        for (let j = 0; j < dims && sum <= bound; j++) {
          const diff = (this.projected[q + j] as number) - (this.projected[o + j] as number);
          sum += diff * diff;
        }
        if (sum > bound) continue;
        if (heapSize < rerank) {
          heapPush(heapFace, heapDist, heapSize++, other, sum);
        } else {
          heapReplaceTop(heapFace, heapDist, heapSize, other, sum);
        }
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

  /** quantisedDistanceSq with the squared code norms computed once per face. */
  private exactDistanceSq(a: number, b: number): number {
    const { dims, codes, scales } = this.descriptors;
    const oa = a * dims;
    const ob = b * dims;
    let ab = 0;
    for (let k = 0; k < dims; k++) ab += (codes[oa + k] as number) * (codes[ob + k] as number);
    const sa = scales[a] as number;
    const sb = scales[b] as number;
    return Math.max(
      0,
      sa * sa * (this.codeNormSq[a] as number) +
        sb * sb * (this.codeNormSq[b] as number) -
        2 * sa * sb * ab,
    );
  }

  /** Bytes held by the index (projected vectors, centroids, bucket lists), for the benchmark. */
  get byteLength(): number {
    return (
      this.projected.byteLength +
      this.centroids.byteLength +
      this.members.reduce((sum, m) => sum + m.byteLength, 0)
    );
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

/** Squared distance in the projection; stops early (returning a partial sum) past `bound`. */
function projectedDistanceSq(
  a: Float32Array,
  i: number,
  b: Float32Array,
  j: number,
  dims: number,
  bound = Infinity,
): number {
  let sum = 0;
  const oa = i * dims;
  const ob = j * dims;
  for (let k = 0; k < dims && sum < bound; k++) {
    const diff = (a[oa + k] as number) - (b[ob + k] as number);
    sum += diff * diff;
  }
  return sum;
}

function sampleIndexes(n: number, size: number, random: () => number): number[] {
  if (n <= size) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < size) chosen.add(Math.floor(random() * n));
  return [...chosen].sort((a, b) => a - b);
}

/** Lloyd's k-means on the sample (a few rounds: the buckets only need to be compact). */
function kMeans(
  points: Float32Array,
  dims: number,
  sample: readonly number[],
  k: number,
  random: () => number,
): Float32Array {
  const centroids = new Float32Array(k * dims);
  for (let c = 0; c < k; c++) {
    const pick = sample[Math.floor(random() * sample.length)] ?? 0;
    centroids.set(points.subarray(pick * dims, pick * dims + dims), c * dims);
  }
  const sums = new Float64Array(k * dims);
  const counts = new Uint32Array(k);
  for (let round = 0; round < 6; round++) {
    sums.fill(0);
    counts.fill(0);
    for (const p of sample) {
      let best = 0;
      let bestSq = Infinity;
      for (let c = 0; c < k; c++) {
        const sq = projectedDistanceSq(points, p, centroids, c, dims, bestSq);
        if (sq < bestSq) {
          bestSq = sq;
          best = c;
        }
      }
      counts[best] = (counts[best] as number) + 1;
      for (let j = 0; j < dims; j++)
        sums[best * dims + j] =
          (sums[best * dims + j] as number) + (points[p * dims + j] as number);
    }
    for (let c = 0; c < k; c++) {
      const n = counts[c] ?? 0;
      if (n === 0) continue; // an empty bucket keeps its old centre
      for (let j = 0; j < dims; j++) centroids[c * dims + j] = (sums[c * dims + j] as number) / n;
    }
  }
  return centroids;
}
