// The clustering rules on generated descriptors: well-separated synthetic persons (unit vectors
// around random centres) so each test states its expectation exactly, plus the user's decisions
// as constraints ([Note: People clustering never undoes the user]).
import { describe, expect, it } from 'vitest';
import {
  assignNewFace,
  pairwiseScores,
  recluster,
  type ClusterFace,
} from '../../main/people/face-clustering.ts';
import { quantiseDescriptors, seededRandom } from '../../main/people/face-index.ts';

const dims = 64;

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** `perPerson[i]` faces around centre i; spread 0.25 puts faces of one person ~0.35 apart. */
function syntheticFaces(perPerson: number[], seed = 7, spread = 0.25) {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const descriptors: Float32Array[] = [];
  const truth: number[] = [];
  perPerson.forEach((count, person) => {
    const centre = unit(Float32Array.from({ length: dims }, gauss));
    for (let i = 0; i < count; i++) {
      const noise = Float32Array.from({ length: dims }, () => (gauss() * spread) / Math.sqrt(dims));
      descriptors.push(unit(centre.map((c, k) => c + (noise[k] ?? 0))));
      truth.push(person);
    }
  });
  return { descriptors, truth };
}

const freeFace = (index: number): ClusterFace => ({
  index,
  personId: null,
  pinned: false,
  rejected: [],
  clusterable: true,
});
const freeFaces = (n: number): ClusterFace[] => Array.from({ length: n }, (_, i) => freeFace(i));

const options = { clusterDistance: 0.6, matchDistance: 0.6, minFaces: 2 };

describe(recluster.name, () => {
  it('finds each synthetic person as one group', () => {
    const { descriptors, truth } = syntheticFaces([5, 4, 6, 3]);
    const result = recluster(
      quantiseDescriptors(descriptors),
      freeFaces(truth.length),
      [],
      options,
    );
    expect(pairwiseScores(result.personOf, truth)).toMatchObject({ precision: 1, recall: 1 });
    expect(result.newPersons).toHaveLength(4);
  });

  it('leaves a lone face unassigned and skips unclusterable faces', () => {
    const { descriptors, truth } = syntheticFaces([4, 1]);
    const faces = freeFaces(truth.length);
    faces[0] = { ...freeFace(0), clusterable: false };
    const result = recluster(quantiseDescriptors(descriptors), faces, [], options);
    expect(result.personOf[0]).toBeNull();
    expect(result.personOf[4]).toBeNull();
    expect(new Set(result.personOf.slice(1, 4)).size).toBe(1);
    expect(result.personOf[1]).not.toBeNull();
  });

  it('keeps previous and named person ids stable and reports emptied unnamed persons', () => {
    const { descriptors, truth } = syntheticFaces([4, 4]);
    const faces = freeFaces(truth.length).map((f, i) => ({
      ...f,
      personId: i < 4 ? 10 : i === 4 ? 20 : null,
    }));
    const result = recluster(
      quantiseDescriptors(descriptors),
      faces,
      [
        { id: 10, named: true },
        { id: 20, named: false },
        { id: 30, named: false },
        { id: 40, named: true },
      ],
      options,
    );
    expect(result.personOf).toEqual([10, 10, 10, 10, 20, 20, 20, 20]);
    expect(result.newPersons).toEqual([]);
    // 30 had no faces left: deleted. 40 is named: the user's person stays even when empty.
    expect(result.emptiedPersons).toEqual([30]);
  });

  it('never moves a pinned face and never joins faces pinned to different persons', () => {
    // One synthetic person that the user split in two: faces 0–1 are "Li Wei", 2–3 "Li Na".
    const { descriptors, truth } = syntheticFaces([6]);
    const faces = freeFaces(truth.length).map((f, i) => ({
      ...f,
      personId: i < 2 ? 1 : i < 4 ? 2 : null,
      pinned: i < 4,
    }));
    const result = recluster(
      quantiseDescriptors(descriptors),
      faces,
      [
        { id: 1, named: true },
        { id: 2, named: true },
      ],
      options,
    );
    expect(result.personOf.slice(0, 4)).toEqual([1, 1, 2, 2]);
    expect(result.personOf[4] === 1 || result.personOf[4] === 2).toBe(true);
  });

  it('never puts a face back in a person the user said it is not', () => {
    const { descriptors, truth } = syntheticFaces([5]);
    const faces: ClusterFace[] = freeFaces(truth.length).map((f) => ({ ...f, personId: 1 }));
    faces[0] = { ...freeFace(0), personId: null, rejected: [1] };
    const result = recluster(
      quantiseDescriptors(descriptors),
      faces,
      [{ id: 1, named: true }],
      options,
    );
    // Face 0 is left out; the other four stay in the named person.
    expect(result.personOf).toEqual([null, 1, 1, 1, 1]);
  });

  it('keeps a pinned face in its person even when it is unclusterable', () => {
    const { descriptors, truth } = syntheticFaces([3]);
    const faces = freeFaces(truth.length);
    faces[2] = { ...freeFace(2), clusterable: false, pinned: true, personId: 9 };
    const result = recluster(
      quantiseDescriptors(descriptors),
      faces,
      [{ id: 9, named: true }],
      options,
    );
    expect(result.personOf[2]).toBe(9);
  });
});

describe(assignNewFace.name, () => {
  it('joins the nearest person within matchDistance that the face did not reject', () => {
    const candidates = [
      { personId: 1, distance: 0.3 },
      { personId: 2, distance: 0.5 },
      { personId: 3, distance: 0.9 },
    ];
    expect(assignNewFace(candidates, [], { matchDistance: 0.6 })).toBe(1);
    expect(assignNewFace(candidates, [1], { matchDistance: 0.6 })).toBe(2);
    expect(assignNewFace(candidates, [1, 2], { matchDistance: 0.6 })).toBeNull();
    expect(assignNewFace([], [], { matchDistance: 0.6 })).toBeNull();
  });
});

describe(pairwiseScores.name, () => {
  it('counts same-label pairs; unassigned faces pair with nobody', () => {
    // truth: a a a b; predicted: 1 1 2 2 → predicted pairs (0,1) ✓ and (2,3) ✗.
    expect(pairwiseScores([1, 1, 2, 2], ['a', 'a', 'a', 'b'])).toEqual({
      precision: 0.5,
      recall: 1 / 3,
      truePairs: 3,
      predictedPairs: 2,
    });
    expect(pairwiseScores([null, null], ['a', 'a']).recall).toBe(0);
  });
});
