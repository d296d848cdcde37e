// FaceIndex against brute force ([Note: Face neighbour index]): the k-nearest search is
// approximate by design, so its recall is measured on a sample, and every answer it gives must
// be exact (a true distance, within the radius, closest first).
import { describe, expect, it } from 'vitest';
import {
  defaultFaceIndexOptions,
  FaceIndex,
  quantiseDescriptors,
  quantisedDistanceSq,
  seededRandom,
} from '../../main/people/face-index.ts';

/** `persons` × `perPerson` unit vectors in `dims` dimensions around random person centres. */
function clusteredFaces(persons: number, perPerson: number, dims: number, spread: number) {
  const random = seededRandom(3);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const unit = (v: Float32Array) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const descriptors: Float32Array[] = [];
  for (let p = 0; p < persons; p++) {
    const centre = unit(Float32Array.from({ length: dims }, gauss));
    for (let i = 0; i < perPerson; i++) {
      descriptors.push(unit(centre.map((c) => c + (gauss() * spread) / Math.sqrt(dims))));
    }
  }
  return quantiseDescriptors(descriptors);
}

describe(FaceIndex.name, () => {
  // 3,000 faces of 150 persons in 128 dimensions: two faces of one person ~0.6 apart, of two
  // persons ~1.4, so the k nearest within the radius are the person's own faces.
  const q = clusteredFaces(150, 20, 128, 0.45);
  const index = new FaceIndex(q);
  const radius = 0.9;
  const k = 10;

  it('finds most of the exact k nearest neighbours (recall against brute force)', () => {
    let wanted = 0;
    let found = 0;
    for (let s = 0; s < 100; s++) {
      const face = s * 29;
      const exact: { face: number; distance: number }[] = [];
      for (let j = 0; j < q.count; j++) {
        if (j === face) continue;
        const distance = Math.sqrt(quantisedDistanceSq(q, face, j));
        if (distance <= radius) exact.push({ face: j, distance });
      }
      exact.sort((a, b) => a.distance - b.distance);
      const approximate = new Set(index.nearest(face, k, radius).map((r) => r.face));
      for (const e of exact.slice(0, k)) {
        wanted++;
        if (approximate.has(e.face)) found++;
      }
    }
    expect(wanted).toBeGreaterThan(500);
    expect(found / wanted).toBeGreaterThanOrEqual(0.9);
  });

  it('answers with exact distances, within the radius, closest first, never the face itself', () => {
    for (const face of [0, 777, 2999]) {
      const answer = index.nearest(face, k, radius);
      expect(answer.length).toBeGreaterThan(0);
      expect(answer.length).toBeLessThanOrEqual(k);
      answer.forEach((r, i) => {
        expect(r.face).not.toBe(face);
        expect(r.distance).toBeLessThanOrEqual(radius);
        expect(r.distance).toBeCloseTo(Math.sqrt(quantisedDistanceSq(q, face, r.face)), 5);
        if (i > 0) expect(r.distance).toBeGreaterThanOrEqual(answer[i - 1]?.distance ?? 0);
      });
    }
  });

  it('never compares a query with every face', () => {
    const before = index.stats.candidates;
    const queries = 50;
    for (let face = 0; face < queries; face++) index.nearest(face, k, radius);
    // Exact distances are computed only for the re-ranked candidates (24 by default).
    expect((index.stats.candidates - before) / queries).toBeLessThanOrEqual(24);
  });

  it('neighbours finds exactly the faces within the radius when no probe limit cuts it short', () => {
    // maxProbes above the bucket count: only the triangle-inequality skips remain, which are
    // exact, so the answer must equal brute force. In 32 dimensions the projection keeps every
    // dimension (projected distance = true distance up to rounding), so faces at the radius's
    // edge test the rounding slack too.
    const small = clusteredFaces(60, 20, 32, 0.45);
    const edge = 0.6;
    const exhaustive = new FaceIndex(small, { ...defaultFaceIndexOptions, maxProbes: 10_000 });
    let total = 0;
    for (let face = 0; face < small.count; face += 37) {
      const expected: number[] = [];
      for (let j = 0; j < small.count; j++)
        if (j !== face && Math.sqrt(quantisedDistanceSq(small, face, j)) <= edge) expected.push(j);
      total += expected.length;
      const found = exhaustive.neighbours(face, edge);
      expect(found.map((r) => r.face).sort((a, b) => a - b)).toEqual(expected);
    }
    expect(exhaustive.stats.truncatedQueries).toBe(0);
    expect(total).toBeGreaterThan(100);
  });
});
