// The clustering rules on generated descriptors: well-separated synthetic persons (unit vectors
// around random centres) so each test states its expectation exactly, plus the user's decisions
// as constraints ([Note: People clustering never undoes the user]).
import { describe, expect, it } from 'vitest';
import {
  assignNewFace,
  pairwiseScores,
  PersonCentres,
  recluster,
  type ClusterFace,
  type MatchCandidate,
} from '../../main/people/face-clustering.ts';
import { quantiseDescriptors, seededRandom } from '../../main/people/face-index.ts';
import { chainBetweenTwoPersons } from './chain-faces.ts';

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

  it('keeps two persons apart when a chain of faces links them (single linkage would join them)', () => {
    // Persons X and Y, 6 tight faces each, centres 1.0 apart; 9 faces on the segment between
    // them, each 0.1 from the next. Every link is within ε, so joining any two groups with a
    // link (single linkage, DBSCAN's own rule) makes X, the chain and Y one person.
    const { x, y, descriptors } = chainBetweenTwoPersons();
    const tight = { clusterDistance: 0.4, matchDistance: 0.4, minFaces: 2, faceSpread: 0.1 };
    const q = quantiseDescriptors(descriptors);
    const faces = freeFaces(descriptors.length);
    const singleLinkage = recluster(q, faces, [], {
      ...tight,
      centreDistance: Infinity,
      groupDistance: Infinity,
    });
    expect(singleLinkage.personOf[x[0] ?? 0]).toBe(singleLinkage.personOf[y[0] ?? 0]);

    const result = recluster(q, faces, [], { ...tight, centreDistance: 0.3 });
    const personOfX = new Set(x.map((i) => result.personOf[i]));
    const personOfY = new Set(y.map((i) => result.personOf[i]));
    expect(personOfX.size).toBe(1);
    expect(personOfY.size).toBe(1);
    expect(personOfX.has(null)).toBe(false);
    expect([...personOfX][0]).not.toBe([...personOfY][0]);
  });

  it("keeps the user's names, merges, moves and rejections through a full re-cluster", () => {
    // A: faces 0–5, B: faces 6–11, C: faces 12–17 (three distinct synthetic persons).
    const { descriptors, truth } = syntheticFaces([6, 6, 6], 11);
    const faces = freeFaces(truth.length).map((f) => ({
      ...f,
      personId: null as number | null,
    }));
    // The user named A "Mum" (person 1) from faces 0–1, and merged B into Mum (faces 6–7
    // pinned to 1): the algorithm alone would keep B apart (the centre test refuses A + B).
    for (const i of [0, 1, 6, 7]) faces[i] = { ...freeFace(i), personId: 1, pinned: true };
    // Face 2 is A's, but the user moved it to person 2 ("Dad"), and said face 3 is not Mum.
    faces[2] = { ...freeFace(2), personId: 2, pinned: true };
    faces[3] = { ...freeFace(3), rejected: [1] };
    // C was an unnamed person 3 with the wrong faces (an earlier pass).
    for (const i of [12, 13, 4]) faces[i] = { ...freeFace(i), personId: 3 };
    const persons = [
      { id: 1, named: true },
      { id: 2, named: true },
      { id: 3, named: false },
    ];
    const result = recluster(quantiseDescriptors(descriptors), faces, persons, options);
    expect(result.personOf[2]).toBe(2);
    expect(result.personOf[3]).not.toBe(1);
    for (const i of [0, 1, 6, 7, 8, 9, 10, 11]) expect(result.personOf[i]).toBe(1);
    // A's other faces follow the user's decisions on A: Mum, or Dad where the moved face is
    // their nearest (the pass does not guess which decision the user meant for them).
    for (const i of [4, 5]) expect([1, 2]).toContain(result.personOf[i]);
    // C keeps the unnamed person 3 (most of its faces had it); no new person is needed.
    for (const i of [12, 13, 14, 15, 16, 17]) expect(result.personOf[i]).toBe(3);
    expect(result.newPersons).toEqual([]);
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

  it('refuses a person whose faces as a whole are too far, however near one face is', () => {
    const near: MatchCandidate = {
      personId: 1,
      distance: 0.5,
      centre: { distance: 0.9, faces: 20 },
    };
    const options = { matchDistance: 0.6, centreDistance: 0.5, faceSpread: 0.5 };
    // 0.9² − 0.5²·(1 + 1/20) = 0.55 > 0.5²: refused; without the centre, accepted.
    expect(assignNewFace([near], [], options)).toBeNull();
    expect(assignNewFace([{ personId: 1, distance: 0.5 }], [], options)).toBe(1);
    const second: MatchCandidate = {
      personId: 2,
      distance: 0.55,
      centre: { distance: 0.6, faces: 3 },
    };
    expect(assignNewFace([near, second], [], options)).toBe(2);
  });

  it('joins faces one by one without drifting along a chain into another person', () => {
    // X is a person of 6 faces; faces arrive one at a time along the chain towards Y, then
    // Y's own faces. Nearest-face matching alone hands every one of them to X.
    const { x, chain, y, descriptors } = chainBetweenTwoPersons();
    const q = quantiseDescriptors(descriptors);
    const options = { matchDistance: 0.4, centreDistance: 0.3, faceSpread: 0.1 };
    const arrive = (withCentres: boolean) => {
      const personOf: (number | null)[] = descriptors.map(() => null);
      const centres = new PersonCentres();
      for (const i of x) {
        personOf[i] = 1;
        centres.addRow(1, q, i);
      }
      for (const i of [...chain, ...y]) {
        const candidates: MatchCandidate[] = [];
        personOf.forEach((person, j) => {
          if (person === null) return;
          const distance = Math.hypot(
            ...(descriptors[i] ?? []).map((v, k) => v - (descriptors[j]?.[k] ?? 0)),
          );
          const centre = withCentres ? centres.centreOf(person, descriptors[i] ?? []) : undefined;
          candidates.push({ personId: person, distance, ...(centre ? { centre } : {}) });
        });
        const joined = assignNewFace(candidates, [], options);
        personOf[i] = joined;
        if (joined !== null) centres.add(joined, descriptors[i] ?? []);
      }
      return personOf;
    };
    expect(y.every((i) => arrive(false)[i] === 1)).toBe(true);
    const withCentres = arrive(true);
    expect(y.some((i) => withCentres[i] === 1)).toBe(false);
    expect(chain.filter((i) => withCentres[i] === 1).length).toBeLessThan(chain.length / 2);
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
