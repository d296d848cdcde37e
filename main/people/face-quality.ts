// Which faces are reliable enough to cluster.
//
// [Note: Faces too small or blurred to cluster]
// A face is kept (it is still a face tag, counted by faces:N) but never clustered or matched
// when its box's shorter side is under 40 source pixels or its 224 px crop's Laplacian
// variance is under 5. Measured on the 37 detected faces of test/fixtures/people with faceres
// (bench/people.ts --quality): the descriptor of a degraded crop drifts from the sharp one by
//   face side 80 px: 0.09 · 46 px: 0.35 · 34 px: 0.46 · 23 px: 0.67 · 17 px: 0.85 (median);
//   Gaussian blur σ 1: 0.12 (sharpness ≤ 72) · σ 2: 0.32 (≤ 12) · σ 3: 0.49 (≤ 4.8) · σ 4: 0.64.
// The median distance between two photos of the same person is 0.81 and clusters form below
// 0.9, so a drift near half of that (≈ 0.45) is the most a descriptor can lose before it lands
// nearer a stranger than itself: 40 px sits between 46 and 34 px, and sharpness 5 just above
// every σ 3 crop (max 4.75) while every real fixture face (min 6.6) passes.

export const minClusterFaceSide = 40;
export const minClusterSharpness = 5;

export interface FaceQuality {
  /** The face box's shorter side in source pixels. */
  sourceSide: number;
  /** Laplacian variance of the 224 px crop (main/imaging/face-crops.ts). */
  sharpness: number;
}

export function isClusterable(face: FaceQuality): boolean {
  return face.sourceSide >= minClusterFaceSide && face.sharpness >= minClusterSharpness;
}
