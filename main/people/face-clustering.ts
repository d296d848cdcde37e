// Grouping faces into persons: pure functions over descriptors and the user's decisions, so the
// rules are tested without a catalog or a model. Two entry points:
//   assignNewFace — incremental, as photos arrive: a face joins the person of its nearest
//     assigned face when that face is within `matchDistance` and the face is near enough the
//     person as a whole (PersonCentres), else it waits for the next pass;
//   recluster — the full pass (run in a worker, face-recluster-worker.ts), DBSCAN-like.
//
// [Note: People clustering never undoes the user]
// What the user decided are constraints, not hints:
//  - a face the user put in a person (named it, moved it, confirmed it) is pinned there;
//  - "not this person" on a face is remembered: that face never lands in that person again;
//  - two faces pinned to different persons are never put in one group (cannot-link), and a
//    group never takes a person one of its faces rejected;
//  - a named person keeps its id and name; it may gain faces, and only loses those the
//    algorithm had put there (never a pinned one).
//
// [Note: Joins that resist chaining]
// Immich clusters with DBSCAN (a face is a core face when `minFaces` faces lie within
// `maxDistance`; groups grow from core faces; a face that is not core is deferred and later
// joins the person of a near face) and PhotoPrism runs DBSCAN with a core of 4 faces, then
// keeps each cluster as a centre with a radius and matches new faces against the centre with
// its own, tighter distance. Both grow groups by single linkage: one pair of faces within ε
// joins two groups. On faceres descriptors two photos of one person are 0.81 ± 0.10 apart and
// two persons 1.10 ± 0.06 (the tails overlap), so in a library of 150k faces some stranger is
// within ε of some face of nearly every person, and single linkage chained thousands of
// persons into a few (pairwise precision 0.001 on bench/people.ts's synthetic library).
// Here: the k nearest faces within ε of each face (FaceIndex.nearest, never all pairs) make
// the graph; core faces (minFaces, as DBSCAN) are joined closest edge first, and a join of
// two groups must also pass two tests on the groups as wholes, both O(dims) from each group's
// descriptor sum (GroupCentres):
//  - centre test: the distance between the two groups' mean descriptors, less what sampling
//    noise explains (faceSpread²·(1/na + 1/nb): the expected squared distance between two
//    means of one person's faces), must be ≤ centreDistance. Two single faces pass when
//    within ≈ ε; a big group takes a stranger only if it is near the group's centre; two big
//    groups of different persons never pass (their means stay ≈ 0.75 apart);
//  - group test (average linkage): the root-mean-square distance between two faces of the
//    joined group must be ≤ groupDistance, which stops small mixed groups from snowballing
//    (a mix of strangers has faces ≈ 1.06 apart, one person ≈ 0.81).
// A refused edge is retried once after the first sweep (groups have grown, their means are
// better). Border faces join their nearest core face's group under the same tests.
// Measured (bench/people.ts, 150k synthetic faces of 6,693 persons): first pairwise precision
// 0.992, recall 0.829, 152 s of CPU on one thread (766 s wall on a 2-core machine at load 13).
// The k-nearest search was most of it; with its loops as SIMD kernels ([Note: Face kernels in
// WebAssembly SIMD]), its queries on two threads ([Note: Neighbour queries on two threads]) and
// more candidates per query (reclusterIndexOptions): precision 0.996, recall 0.884, 26–34 s of
// CPU, +362–442 MB; 28.5 s wall at load 7, 54–84 s at load 9–12 (the 2 cores shared by a
// dozen processes: the pass got a third of a core). What is left on one thread: building the index (PCA, projection,
// bucket assignment, ~5 s of CPU) and the joins' centre tests (GroupCentres.compare, ~4 s).
import {
  allocateNearestLists,
  defaultFaceIndexOptions,
  FaceIndex,
  fillNearestLists,
  type FaceIndexOptions,
  type NearestLists,
  type QuantisedDescriptors,
} from './face-index.ts';

export interface ClusteringOptions {
  /** Two faces closer than this are neighbours when forming groups (DBSCAN's ε). */
  clusterDistance: number;
  /** A new face joins the person of its nearest assigned face within this distance. */
  matchDistance: number;
  /** Neighbours (the face included) that make a core face, and the smallest unpinned group. */
  minFaces: number;
  /**
   * Centre test of [Note: Joins that resist chaining]: two groups join only when the distance
   * between their person centres, estimated from their means, is at most this.
   */
  centreDistance?: number;
  /**
   * Average linkage over the whole group: the root-mean-square distance between two faces of
   * the group a join would make must not exceed this.
   */
  groupDistance?: number;
  /** Root-mean-square distance of one face from its person's centre (measured, see below). */
  faceSpread?: number;
  /** Nearest neighbours kept per face in the re-cluster's neighbour graph. */
  neighbours?: number;
}

/**
 * Measured with bench/people.ts on the labelled photos of test/fixtures/people (37 faces of 8
 * persons) and on its 150k synthetic library shaped after them ([Note: Synthetic faces like the
 * real ones]). faceres puts two photos of one person 0.81 ± 0.10 apart (p95 0.96) and two
 * persons 1.10 ± 0.06 apart (min 0.89). With the centre test, ε can sit above the closest
 * strangers: the sweep scores precision 1 for every ε 0.85–1.0 with centreDistance ≤ 0.6 and
 * breaks (0.81 and lower) at 0.7; recall is 0.96 at ε 0.9 with centre 0.45 or 0.5, 0.82 at 0.4.
 * The synthetic library decides between those: at 60k faces centre 0.5 scores precision 0.977
 * (0.924 at 150k: persons of a few dozen faces merge in pairs), 0.45 scores 0.998 with recall
 * 0.87, 0.4 scores 0.999 with recall 0.83. We ship ε 0.9 and centre 0.45 — on the held-out half
 * of the real persons, precision 1 and recall 0.92.
 * faceSpread is the measured rms distance of a face from its person's centre (E|x−y|² = 2σ²
 * over same-person pairs: σ 0.57). groupDistance 0.9 sits between one person's rms pair
 * distance (0.81) and a mix of strangers' (1.10); 0.85 cost real recall (0.79 from 0.96) and
 * synthetic recall (0.80 from 0.87) for little precision. matchDistance equals ε and the
 * incremental path applies the same centre test. minFaces 2 lets a person seen twice exist (2
 * and 3 score alike here). neighbours 10: 16 changed synthetic recall by 0.001 (0.8836 →
 * 0.8846 with reclusterIndexOptions), so the graph stays small.
 */
export const defaultClusteringOptions: ClusteringOptions = {
  clusterDistance: 0.9,
  matchDistance: 0.9,
  minFaces: 2,
};

/**
 * The neighbour index of the full pass: 10 buckets probed and 48 candidates re-ranked per query
 * (FaceIndex's defaults are 6 and 24). The SIMD kernels made each query cheap enough to look
 * further; measured with bench/people.ts-shaped sweeps on the 150k synthetic library:
 * 6/24: precision 0.992, recall 0.829, 17.6 s of CPU; 6/48: 0.994, 0.865, 22.0 s;
 * 10/48: 0.996, 0.884, 24.1 s; 12/96 (and k 16): 0.996, 0.911, 29.6 s. More candidates only
 * add true neighbours (each is checked at full dimension), which is why precision does not
 * drop; 10/48 keeps the pass well inside its time budget.
 */
export const reclusterIndexOptions: FaceIndexOptions = {
  ...defaultFaceIndexOptions,
  nearestProbes: 10,
  nearestRerank: 48,
};

/** Defaults of the optional ClusteringOptions (see defaultClusteringOptions). */
export const defaultLinkage = {
  centreDistance: 0.45,
  groupDistance: 0.9,
  faceSpread: 0.57,
  neighbours: 10,
};

/** One face as the clustering sees it; `index` is its row in the quantised descriptors. */
export interface ClusterFace {
  index: number;
  /** Person the face belongs to now (from the last pass, incremental matching or the user). */
  personId: number | null;
  /** The user put this face in `personId`: it stays there. */
  pinned: boolean;
  /** Persons the user said this face is not. */
  rejected: readonly number[];
  /** Too small or too blurred (face-quality.ts): kept, never clustered or matched. */
  clusterable: boolean;
}

export interface ClusterPerson {
  id: number;
  /** Named persons keep their id even when the pass finds no automatic faces for them. */
  named: boolean;
}

export interface ReclusterResult {
  /** New person of each face, by face position in the input; null = unassigned. */
  personOf: (number | null)[];
  /** Groups that need a new person: the value is the temporary (negative) id used in personOf. */
  newPersons: number[];
  /** Unnamed persons left without faces (the caller deletes them). */
  emptiedPersons: number[];
}

/** Union–find over face positions carrying the constraints of each group. */
class ConstrainedGroups {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  /** The person a group is pinned to (-1 = none). */
  private readonly pinnedPerson: Float64Array;
  /** Persons that some face of the group rejected (only allocated when non-empty). */
  private readonly rejected: (Set<number> | undefined)[];

  constructor(faces: readonly ClusterFace[]) {
    const n = faces.length;
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
    this.pinnedPerson = new Float64Array(n).fill(-1);
    this.rejected = new Array<Set<number> | undefined>(n);
    faces.forEach((face, i) => {
      if (face.pinned && face.personId !== null) this.pinnedPerson[i] = face.personId;
      if (face.rejected.length > 0) this.rejected[i] = new Set(face.rejected);
    });
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root] ?? root;
    let node = i;
    while (node !== root) {
      const next = this.parent[node] ?? root;
      this.parent[node] = root;
      node = next;
    }
    return root;
  }

  pinnedOf(root: number): number | null {
    const p = this.pinnedPerson[root] ?? -1;
    return p < 0 ? null : p;
  }

  rejects(root: number, person: number): boolean {
    return this.rejected[root]?.has(person) ?? false;
  }

  sizeOf(root: number): number {
    return this.size[root] ?? 1;
  }

  /** Whether the user's decisions let the groups with roots ra and rb become one. */
  allowed(ra: number, rb: number): boolean {
    if (ra === rb) return true;
    const pa = this.pinnedOf(ra);
    const pb = this.pinnedOf(rb);
    if (pa !== null && pb !== null && pa !== pb) return false;
    if (pa !== null && this.rejects(rb, pa)) return false;
    if (pb !== null && this.rejects(ra, pb)) return false;
    return true;
  }

  /** Joins the groups of a and b unless that breaks a constraint; true when joined (or same). */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return true;
    const pa = this.pinnedOf(ra);
    const pb = this.pinnedOf(rb);
    if (pa !== null && pb !== null && pa !== pb) return false;
    if (pa !== null && this.rejects(rb, pa)) return false;
    if (pb !== null && this.rejects(ra, pb)) return false;
    if ((this.size[ra] ?? 0) < (this.size[rb] ?? 0)) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = (this.size[ra] ?? 0) + (this.size[rb] ?? 0);
    // The kept root takes the pin of either side: pa and pb were read before the swap above,
    // so which root had it is not known here (setting it only when the kept root had none
    // lost the pin whenever the smaller group was the pinned one).
    const pinned = pa ?? pb;
    if (pinned !== null) this.pinnedPerson[ra] = pinned;
    const small = this.rejected[rb];
    if (small) {
      const big = this.rejected[ra];
      if (big) for (const p of small) big.add(p);
      else this.rejected[ra] = small;
      this.rejected[rb] = undefined;
    }
    return true;
  }
}

/** Options of the anti-chaining rule, with the defaults filled in. */
function linkageOf(options: ClusteringOptions): typeof defaultLinkage {
  return {
    centreDistance: options.centreDistance ?? defaultLinkage.centreDistance,
    groupDistance: options.groupDistance ?? defaultLinkage.groupDistance,
    faceSpread: options.faceSpread ?? defaultLinkage.faceSpread,
    // At most 255: the per-face neighbour count is a Uint8Array.
    neighbours: Math.min(
      255,
      Math.max(options.neighbours ?? defaultLinkage.neighbours, options.minFaces - 1, 1),
    ),
  };
}

/**
 * The sum of the descriptors of each group of two or more faces, for the centre test of
 * [Note: Joins that resist chaining]. Sums live in pooled Float32Array slots allocated when a
 * group first grows and freed when it is absorbed, so memory follows the number of live groups,
 * not the number of faces.
 */
class GroupCentres {
  private readonly slotOf: Int32Array;
  /** Σ|xᵢ|² of each group (−1: not yet computed). */
  private readonly normSq: Float64Array;
  /** |Σxᵢ|² of each group that has a pooled sum (kept with the sum, so a test reads it). */
  private readonly sumSq: Float64Array;
  private readonly chunks: Float32Array[] = [];
  private readonly free: number[] = [];
  private slotsUsed = 0;
  private static readonly chunkSlots = 256;

  constructor(
    private readonly q: QuantisedDescriptors,
    private readonly rowOf: (position: number) => number,
    count: number,
  ) {
    this.slotOf = new Int32Array(count).fill(-1);
    this.normSq = new Float64Array(count).fill(-1);
    this.sumSq = new Float64Array(count);
  }

  private view(slot: number): Float32Array {
    const chunk = this.chunks[Math.floor(slot / GroupCentres.chunkSlots)] ?? new Float32Array();
    const offset = (slot % GroupCentres.chunkSlots) * this.q.dims;
    return chunk.subarray(offset, offset + this.q.dims);
  }

  private decodeInto(position: number, out: Float32Array): Float32Array {
    const row = this.rowOf(position);
    const s = this.q.scales[row] ?? 0;
    const o = row * this.q.dims;
    for (let k = 0; k < this.q.dims; k++) out[k] = (this.q.codes[o + k] ?? 0) * s;
    return out;
  }

  /**
   * For two groups: the squared distance between their mean descriptors, and the mean squared
   * distance between two faces of their union (Σ_{i<j}|xᵢ−xⱼ|² = nΣ|xᵢ|² − |Σxᵢ|²). |ΣA|² and
   * |ΣB|² are kept per group, so a test costs one dot product ΣA·ΣB (read from the int8 codes
   * for a group of one): this test runs for every candidate join, about a million times at
   * 150k faces, and was the largest cost left on one thread.
   */
  compare(
    rootA: number,
    sizeA: number,
    rootB: number,
    sizeB: number,
  ): { meanDistanceSq: number; unionPairDistanceSq: number } {
    const aa = this.sumSqOf(rootA);
    const bb = this.sumSqOf(rootB);
    const ab = this.dotOfSums(rootA, rootB);
    const meanDistanceSq = Math.max(
      0,
      aa / (sizeA * sizeA) + bb / (sizeB * sizeB) - (2 * ab) / (sizeA * sizeB),
    );
    const n = sizeA + sizeB;
    const normSq = this.normSqOf(rootA) + this.normSqOf(rootB);
    const unionPairDistanceSq = Math.max(
      0,
      (2 * (n * normSq - (aa + bb + 2 * ab))) / (n * (n - 1)),
    );
    return { meanDistanceSq, unionPairDistanceSq };
  }

  /** |Σxᵢ|² of the group (|x|² for a group of one). */
  private sumSqOf(root: number): number {
    return (this.slotOf[root] ?? -1) >= 0 ? (this.sumSq[root] as number) : this.normSqOf(root);
  }

  /** ΣA·ΣB, four products a step (independent sums let the CPU overlap them). */
  private dotOfSums(rootA: number, rootB: number): number {
    const slotA = this.slotOf[rootA] ?? -1;
    const slotB = this.slotOf[rootB] ?? -1;
    const dims = this.q.dims;
    if (slotA >= 0 && slotB >= 0) return dot(this.view(slotA), 0, this.view(slotB), 0, dims);
    const { codes, scales } = this.q;
    if (slotA >= 0 || slotB >= 0) {
      const row = this.rowOf(slotA >= 0 ? rootB : rootA);
      const sum = this.view(slotA >= 0 ? slotA : slotB);
      return (scales[row] as number) * dot(codes, row * dims, sum, 0, dims);
    }
    const rowA = this.rowOf(rootA);
    const rowB = this.rowOf(rootB);
    const product = dot(codes, rowA * dims, codes, rowB * dims, dims);
    return (scales[rowA] as number) * (scales[rowB] as number) * product;
  }

  /** Σ|xᵢ|² over the group (≈ its size: descriptors are unit vectors up to quantisation). */
  private normSqOf(root: number): number {
    const kept = this.normSq[root] ?? -1;
    if (kept >= 0) return kept;
    const row = this.rowOf(root);
    const s = this.q.scales[row] ?? 0;
    const o = row * this.q.dims;
    const sum = dot(this.q.codes, o, this.q.codes, o, this.q.dims) * s * s;
    this.normSq[root] = sum;
    return sum;
  }

  /** Group `absorbed` was joined into `kept`: kept's sum becomes the sum of both. */
  merge(kept: number, absorbed: number): void {
    this.normSq[kept] = this.normSqOf(kept) + this.normSqOf(absorbed);
    if ((this.slotOf[kept] ?? -1) < 0) {
      const slot = this.allocate();
      this.slotOf[kept] = slot;
      this.decodeInto(kept, this.view(slot));
    }
    const target = this.view(this.slotOf[kept] ?? 0);
    const absorbedSlot = this.slotOf[absorbed] ?? -1;
    if (absorbedSlot >= 0) {
      const source = this.view(absorbedSlot);
      for (let k = 0; k < target.length; k++)
        target[k] = (target[k] as number) + (source[k] as number);
      this.free.push(absorbedSlot);
      this.slotOf[absorbed] = -1;
    } else {
      const row = this.rowOf(absorbed);
      const s = this.q.scales[row] ?? 0;
      const o = row * this.q.dims;
      for (let k = 0; k < target.length; k++)
        target[k] = (target[k] as number) + (this.q.codes[o + k] ?? 0) * s;
    }
    this.sumSq[kept] = dot(target, 0, target, 0, target.length);
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const slot = this.slotsUsed++;
    if (slot % GroupCentres.chunkSlots === 0)
      this.chunks.push(new Float32Array(GroupCentres.chunkSlots * this.q.dims));
    return slot;
  }

  /** Bytes held by the sums, for the benchmark. */
  get byteLength(): number {
    return this.chunks.length * GroupCentres.chunkSlots * this.q.dims * 4;
  }
}

/** Σ a[ia + k]·b[ib + k] for k < n, in four independent sums. */
function dot(
  a: Float32Array | Int8Array,
  ia: number,
  b: Float32Array | Int8Array,
  ib: number,
  n: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += (a[ia + k] as number) * (b[ib + k] as number);
    s1 += (a[ia + k + 1] as number) * (b[ib + k + 1] as number);
    s2 += (a[ia + k + 2] as number) * (b[ib + k + 2] as number);
    s3 += (a[ia + k + 3] as number) * (b[ib + k + 3] as number);
  }
  for (; k < n; k++) s0 += (a[ia + k] as number) * (b[ib + k] as number);
  return s0 + s1 + s2 + s3;
}

/**
 * The full pass. `descriptors` holds every face's descriptor (row `face.index`); unclusterable
 * faces are skipped. Cost: one k-nearest query per clusterable face through FaceIndex (bounded
 * work each), a counting sort of the neighbour edges and one centre test per candidate join;
 * never a comparison of every pair. See [Note: Joins that resist chaining].
 */
export function recluster(
  descriptors: QuantisedDescriptors,
  faces: readonly ClusterFace[],
  persons: readonly ClusterPerson[],
  options: ClusteringOptions = defaultClusteringOptions,
  indexOptions: FaceIndexOptions = reclusterIndexOptions,
): ReclusterResult {
  const { queries, width, radius } = reclusterQueries(faces, options);
  const lists = allocateNearestLists(descriptors.count, width);
  if (queries.length > 0) {
    const index = new FaceIndex(descriptors, indexOptions);
    fillNearestLists(index, queries, 0, queries.length, radius, lists);
  }
  return reclusterFromNearest(descriptors, faces, persons, options, lists);
}

/**
 * The neighbour queries of the full pass: the rows of the clusterable faces, how many
 * neighbours each asks for and within what radius. The caller answers them (recluster in one
 * thread, face-neighbour-threads.ts in two) and hands the lists to reclusterFromNearest.
 */
export function reclusterQueries(
  faces: readonly ClusterFace[],
  options: ClusteringOptions,
): { queries: Int32Array; width: number; radius: number } {
  const queries = Int32Array.from(faces.flatMap((f) => (f.clusterable ? [f.index] : [])));
  // A few more than k: rows of unclusterable faces are dropped from the answers.
  return { queries, width: linkageOf(options).neighbours + 2, radius: options.clusterDistance };
}

/** The full pass from the answers to reclusterQueries (the rest of `recluster`). */
export function reclusterFromNearest(
  descriptors: QuantisedDescriptors,
  faces: readonly ClusterFace[],
  persons: readonly ClusterPerson[],
  options: ClusteringOptions,
  nearest: NearestLists,
): ReclusterResult {
  const linkage = linkageOf(options);
  const positions = faces.flatMap((f, i) => (f.clusterable ? [i] : []));
  const rowToPosition = new Map<number, number>();
  faces.forEach((f, i) => {
    if (f.clusterable) rowToPosition.set(f.index, i);
  });

  // 1. The k-nearest-neighbour graph within clusterDistance, in typed arrays (k per face).
  const k = linkage.neighbours;
  const neighbourOf = new Int32Array(faces.length * k).fill(-1);
  const neighbourDistance = new Float32Array(faces.length * k);
  const neighbourCount = new Uint8Array(faces.length);
  for (const position of positions) {
    const row = faces[position]?.index ?? 0;
    let kept = 0;
    for (let j = 0; j < (nearest.count[row] ?? 0) && kept < k; j++) {
      const other = rowToPosition.get(nearest.face[row * nearest.width + j] ?? -1);
      if (other === undefined) continue;
      neighbourOf[position * k + kept] = other;
      neighbourDistance[position * k + kept] = nearest.distance[row * nearest.width + j] ?? 0;
      kept++;
    }
    neighbourCount[position] = kept;
  }
  const isCore = (p: number) => (neighbourCount[p] ?? 0) + 1 >= options.minFaces;
  const listed = (from: number, to: number) => {
    for (let j = 0; j < (neighbourCount[from] ?? 0); j++)
      if (neighbourOf[from * k + j] === to) return true;
    return false;
  };

  // 2. Core–core edges (each pair once), closest first by a counting sort on the distance.
  const edgeFrom: number[] = [];
  const edgeSlot: number[] = [];
  for (const position of positions) {
    if (!isCore(position)) continue;
    for (let j = 0; j < (neighbourCount[position] ?? 0); j++) {
      const other = neighbourOf[position * k + j] ?? -1;
      if (other < 0 || !isCore(other)) continue;
      if (other < position && listed(other, position)) continue; // emitted from `other`
      edgeFrom.push(position);
      edgeSlot.push(position * k + j);
    }
  }
  const buckets = 4096;
  const keyOf = (e: number) =>
    Math.min(
      buckets - 1,
      Math.floor(((neighbourDistance[edgeSlot[e] ?? 0] ?? 0) / options.clusterDistance) * buckets),
    );
  const starts = new Uint32Array(buckets + 1);
  for (let e = 0; e < edgeFrom.length; e++) {
    const next = keyOf(e) + 1;
    starts[next] = (starts[next] ?? 0) + 1;
  }
  for (let b = 0; b < buckets; b++) starts[b + 1] = (starts[b + 1] ?? 0) + (starts[b] ?? 0);
  const order = new Uint32Array(edgeFrom.length);
  for (let e = 0; e < edgeFrom.length; e++) {
    const key = keyOf(e);
    order[starts[key] ?? 0] = e;
    starts[key] = (starts[key] ?? 0) + 1;
  }

  // 3. Joins, closest edge first, each checked against the user's constraints and the centre
  // test. A join refused early can pass once the groups have grown (their means settle), so
  // the refused edges get one more pass.
  const groups = new ConstrainedGroups(faces);
  const centres = new GroupCentres(descriptors, (p) => faces[p]?.index ?? 0, faces.length);
  const spreadSq = linkage.faceSpread * linkage.faceSpread;
  const centreSq = linkage.centreDistance * linkage.centreDistance;
  const groupSq = linkage.groupDistance * linkage.groupDistance;
  const centresClose = (ra: number, rb: number) => {
    const na = groups.sizeOf(ra);
    const nb = groups.sizeOf(rb);
    const { meanDistanceSq, unionPairDistanceSq } = centres.compare(ra, na, rb, nb);
    return (
      meanDistanceSq - spreadSq * (1 / na + 1 / nb) <= centreSq && unionPairDistanceSq <= groupSq
    );
  };
  const tryJoin = (a: number, b: number): boolean => {
    const ra = groups.find(a);
    const rb = groups.find(b);
    if (ra === rb) return true;
    if (!groups.allowed(ra, rb) || !centresClose(ra, rb)) return false;
    const kept = groups.union(a, b) ? groups.find(a) : -1;
    if (kept < 0) return false;
    centres.merge(kept, kept === ra ? rb : ra);
    return true;
  };
  let pending: number[] = [];
  for (const e of order) {
    const a = edgeFrom[e] ?? 0;
    const b = neighbourOf[edgeSlot[e] ?? 0] ?? 0;
    if (!tryJoin(a, b)) pending.push(e);
  }
  for (let pass = 0; pass < 1 && pending.length > 0; pass++) {
    const still: number[] = [];
    for (const e of pending) {
      if (!tryJoin(edgeFrom[e] ?? 0, neighbourOf[edgeSlot[e] ?? 0] ?? 0)) still.push(e);
    }
    pending = still;
  }
  // Border faces (not core) join the group of their nearest core neighbour that passes the
  // same tests; the face alone is a group of one.
  for (const position of positions) {
    if (isCore(position)) continue;
    for (let j = 0; j < (neighbourCount[position] ?? 0); j++) {
      const other = neighbourOf[position * k + j] ?? -1;
      if (other >= 0 && isCore(other) && tryJoin(other, position)) break;
    }
  }

  // 4. Groups → persons. A pinned group is its person. Other groups of at least minFaces take
  // the person most of their faces had (named persons first, then by overlap), else a new one.
  const members = new Map<number, number[]>();
  faces.forEach((face, position) => {
    if (!face.clusterable && !face.pinned) return;
    const root = groups.find(position);
    const list = members.get(root);
    if (list) list.push(position);
    else members.set(root, [position]);
  });
  const named = new Set(persons.filter((p) => p.named).map((p) => p.id));
  const personOf: (number | null)[] = faces.map((f) => (f.pinned ? f.personId : null));
  const claimed = new Set<number>();
  const newPersons: number[] = [];
  const candidates: { root: number; person: number; votes: number; isNamed: boolean }[] = [];
  const unresolved: number[] = [];
  for (const [root, list] of members) {
    const pinned = groups.pinnedOf(root);
    if (pinned !== null) {
      claimed.add(pinned);
      for (const p of list) personOf[p] = pinned;
      continue;
    }
    if (list.length < options.minFaces) continue;
    const votes = new Map<number, number>();
    for (const p of list) {
      const previous = faces[p]?.personId;
      if (previous != null) votes.set(previous, (votes.get(previous) ?? 0) + 1);
    }
    for (const [person, count] of votes) {
      candidates.push({ root, person, votes: count, isNamed: named.has(person) });
    }
    unresolved.push(root);
  }
  // Greedy matching of groups to previous persons: named first, then most shared faces, so a
  // person's id (and what the user browsed) is stable across passes.
  candidates.sort((a, b) => Number(b.isNamed) - Number(a.isNamed) || b.votes - a.votes);
  const personOfRoot = new Map<number, number>();
  for (const c of candidates) {
    if (personOfRoot.has(c.root) || claimed.has(c.person)) continue;
    personOfRoot.set(c.root, c.person);
    claimed.add(c.person);
  }
  for (const root of unresolved) {
    let person = personOfRoot.get(root);
    if (person === undefined) {
      person = -(newPersons.length + 1);
      newPersons.push(person);
    }
    // A face that rejected the person its group takes is left out of it (unassigned), so one
    // "not this person" never costs the person the rest of its faces.
    for (const p of members.get(root) ?? []) {
      personOf[p] = faces[p]?.rejected.includes(person) ? null : person;
    }
  }
  const emptiedPersons = persons
    .filter((p) => !p.named && !claimed.has(p.id))
    .map((p) => p.id)
    .sort((a, b) => a - b);
  return { personOf, newPersons, emptiedPersons };
}

/** An assigned face that a new face can be matched against (the incremental path). */
export interface MatchCandidate {
  personId: number;
  distance: number;
  /**
   * The new face's distance from the mean descriptor of `personId`'s faces and how many faces
   * that mean is over (PersonCentres gives both). When given, the face must also pass the
   * centre test of [Note: Joins that resist chaining], so a person cannot drift face by face
   * towards a stranger: each new face is held against the whole person, not one face of it.
   */
  centre?: { distance: number; faces: number };
}

/**
 * Incremental assignment of one new face: the person of the nearest assigned face, if within
 * matchDistance, not rejected for this face and (when the candidate carries its person's
 * centre) close enough to the person as a whole; null = wait for the next full pass. The
 * caller finds the candidates with a FaceIndex (or, for a few faces, by scanning).
 */
export function assignNewFace(
  candidates: readonly MatchCandidate[],
  rejected: readonly number[],
  options: Pick<ClusteringOptions, 'matchDistance'> &
    Partial<Pick<ClusteringOptions, 'centreDistance' | 'faceSpread'>> = defaultClusteringOptions,
): number | null {
  const centreSq = (options.centreDistance ?? defaultLinkage.centreDistance) ** 2;
  const spreadSq = (options.faceSpread ?? defaultLinkage.faceSpread) ** 2;
  let best: MatchCandidate | undefined;
  for (const c of candidates) {
    if (c.distance > options.matchDistance || rejected.includes(c.personId)) continue;
    if (c.centre && c.centre.distance ** 2 - spreadSq * (1 + 1 / c.centre.faces) > centreSq)
      continue;
    if (!best || c.distance < best.distance) best = c;
  }
  return best?.personId ?? null;
}

/**
 * The running mean descriptor of each person, for the incremental centre test (MatchCandidate
 * `centre`). One float32 sum per person (4 KB each for faceres): persons, not faces.
 */
export class PersonCentres {
  private readonly sums = new Map<number, { sum: Float32Array; faces: number }>();

  /** Counts a face (its descriptor, any scale) towards `personId`'s mean. */
  add(personId: number, descriptor: ArrayLike<number>): void {
    let entry = this.sums.get(personId);
    if (!entry) {
      entry = { sum: new Float32Array(descriptor.length), faces: 0 };
      this.sums.set(personId, entry);
    }
    for (let k = 0; k < descriptor.length; k++)
      entry.sum[k] = (entry.sum[k] as number) + (descriptor[k] as number);
    entry.faces++;
  }

  /** Counts row `row` of quantised descriptors towards `personId`'s mean. */
  addRow(personId: number, q: QuantisedDescriptors, row: number): void {
    const s = q.scales[row] ?? 0;
    this.add(
      personId,
      Float32Array.from(q.codes.subarray(row * q.dims, (row + 1) * q.dims), (c) => c * s),
    );
  }

  /** Distance from `descriptor` to `personId`'s mean and the faces behind it; undefined if none. */
  centreOf(
    personId: number,
    descriptor: ArrayLike<number>,
  ): { distance: number; faces: number } | undefined {
    const entry = this.sums.get(personId);
    if (!entry || entry.faces === 0) return undefined;
    let sum = 0;
    for (let k = 0; k < descriptor.length; k++) {
      const diff = (descriptor[k] as number) - (entry.sum[k] as number) / entry.faces;
      sum += diff * diff;
    }
    return { distance: Math.sqrt(sum), faces: entry.faces };
  }
}

/** Pairwise precision and recall of a clustering against labels (unassigned = singleton). */
export function pairwiseScores(
  predicted: readonly (number | null)[],
  truth: readonly (number | string)[],
): { precision: number; recall: number; truePairs: number; predictedPairs: number } {
  const pairsOf = (labels: readonly (number | string | null)[]) => {
    const counts = new Map<number | string, number>();
    for (const l of labels) if (l !== null) counts.set(l, (counts.get(l) ?? 0) + 1);
    let pairs = 0;
    for (const c of counts.values()) pairs += (c * (c - 1)) / 2;
    return pairs;
  };
  const joint = predicted.map((p, i) => (p === null ? null : `${p}\u0000${truth[i]}`));
  const both = pairsOf(joint);
  const predictedPairs = pairsOf(predicted);
  const truePairs = pairsOf(truth);
  return {
    precision: predictedPairs === 0 ? 1 : both / predictedPairs,
    recall: truePairs === 0 ? 1 : both / truePairs,
    truePairs,
    predictedPairs,
  };
}
