// Grouping faces into persons: pure functions over descriptors and the user's decisions, so the
// rules are tested without a catalog or a model. Two entry points:
//   assignNewFace — incremental, as photos arrive: a face joins the person of its nearest
//     assigned face when that face is within `matchDistance`, else it waits for the next pass;
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
// Immich clusters with DBSCAN (a face is a core face when `minFaces` faces lie within
// `maxDistance`; groups grow from core faces) and PhotoPrism separates the distance that forms
// clusters from the one that matches a face to an existing cluster, with a core size. We do
// the same: groups grow from core faces by single linkage over core–core edges (closest first,
// refusing any join that breaks a constraint), border faces join their nearest core face, and
// groups with fewer than `minFaces` faces and no pinned face stay unassigned.
// Known limit (bench/people.ts, 150k synthetic faces of ~5,000 persons): single linkage chains
// persons together once the library is large enough that some stranger lies within ε of some
// face (pairwise precision 0.001 there); a linkage that resists chaining (shared neighbours
// or a group-centroid check before each join) is the next step before this runs on libraries.
import { FaceIndex, type FaceIndexOptions, type QuantisedDescriptors } from './face-index.ts';

export interface ClusteringOptions {
  /** Two faces closer than this are neighbours when forming groups (DBSCAN's ε). */
  clusterDistance: number;
  /** A new face joins the person of its nearest assigned face within this distance. */
  matchDistance: number;
  /** Neighbours (the face included) that make a core face, and the smallest unpinned group. */
  minFaces: number;
}

/**
 * Tuned on the labelled photos of test/fixtures/people with bench/people.ts: faceres puts two
 * photos of one person 0.815 apart (median, p90 0.935) and two persons at least 0.894 apart.
 * The sweep on the first half of the persons gives precision 1 and recall 1 for ε 0.85–0.9 and
 * precision 0.62 from 0.925; we ship the low end of that plateau (ε 0.85: precision first, a
 * split person is one merge for the user, a mixed one is a mess), which scores precision 1,
 * recall 0.75 on the held-out half. matchDistance equals ε: incremental matching measured
 * precision 1 with it. minFaces 2 and 3 score alike here; 2 lets a person seen twice exist.
 */
export const defaultClusteringOptions: ClusteringOptions = {
  clusterDistance: 0.85,
  matchDistance: 0.85,
  minFaces: 2,
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
    if (pa === null && pb !== null) this.pinnedPerson[ra] = pb;
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

/**
 * The full pass. `descriptors` holds every face's descriptor (row `face.index`); unclusterable
 * faces are skipped. Cost: one radius query per clusterable face through FaceIndex, never a
 * comparison of every pair.
 */
export function recluster(
  descriptors: QuantisedDescriptors,
  faces: readonly ClusterFace[],
  persons: readonly ClusterPerson[],
  options: ClusteringOptions = defaultClusteringOptions,
  indexOptions?: FaceIndexOptions,
): ReclusterResult {
  const positions = faces.flatMap((f, i) => (f.clusterable ? [i] : []));
  const rowToPosition = new Map<number, number>();
  faces.forEach((f, i) => {
    if (f.clusterable) rowToPosition.set(f.index, i);
  });
  const index = positions.length > 0 ? new FaceIndex(descriptors, indexOptions) : undefined;

  // 1. Neighbourhoods: each clusterable face's neighbours within clusterDistance.
  const neighbourCount = new Uint32Array(faces.length);
  const edgeA: number[] = [];
  const edgeB: number[] = [];
  const edgeD: number[] = [];
  const nearest = new Map<number, { to: number; distance: number }[]>();
  for (const position of positions) {
    const face = faces[position];
    if (!face || !index) continue;
    const found = index.neighbours(face.index, options.clusterDistance);
    const near: { to: number; distance: number }[] = [];
    for (const { face: row, distance } of found) {
      const other = rowToPosition.get(row);
      if (other === undefined) continue;
      near.push({ to: other, distance });
      if (other > position) {
        edgeA.push(position);
        edgeB.push(other);
        edgeD.push(distance);
      }
    }
    neighbourCount[position] = near.length + 1;
    near.sort((a, b) => a.distance - b.distance);
    nearest.set(position, near);
  }
  const isCore = (p: number) => (neighbourCount[p] ?? 0) >= options.minFaces;

  // 2. Core–core edges, closest first (single linkage), each join checked against constraints.
  const groups = new ConstrainedGroups(faces);
  const order = Array.from(edgeD.keys()).sort((x, y) => (edgeD[x] ?? 0) - (edgeD[y] ?? 0));
  for (const e of order) {
    const a = edgeA[e] ?? 0;
    const b = edgeB[e] ?? 0;
    if (isCore(a) && isCore(b)) groups.union(a, b);
  }
  // 3. Border faces join the group of their nearest core face that accepts them.
  for (const position of positions) {
    if (isCore(position)) continue;
    for (const { to } of nearest.get(position) ?? []) {
      if (isCore(to) && groups.union(to, position)) break;
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
}

/**
 * Incremental assignment of one new face: the person of the nearest assigned face, if within
 * matchDistance and not rejected for this face; null = wait for the next full pass. The caller
 * finds the candidates with a FaceIndex (or, for a few faces, by scanning).
 */
export function assignNewFace(
  candidates: readonly MatchCandidate[],
  rejected: readonly number[],
  options: Pick<ClusteringOptions, 'matchDistance'> = defaultClusteringOptions,
): number | null {
  let best: MatchCandidate | undefined;
  for (const c of candidates) {
    if (c.distance > options.matchDistance || rejected.includes(c.personId)) continue;
    if (!best || c.distance < best.distance) best = c;
  }
  return best?.personId ?? null;
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
