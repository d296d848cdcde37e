// Synthetic face descriptors for bench/people.ts, shaped after the real faceres descriptors of
// test/fixtures/people so the 150k re-cluster is as hard as a real library, not easier.
//
// [Note: Synthetic faces like the real ones]
// What the real descriptors show (37 faces of 8 persons, bench/people.ts prints it each run):
// unit vectors sharing a strong common direction (the mean of all faces has norm 0.66), two
// photos of one person 0.81 ± 0.10 apart (p5 0.63, p95 0.96), two persons 1.10 ± 0.06 apart
// (p5 0.98, p95 1.20) — the tails overlap. The generator builds each face as
//   normalise(common · c + identity of the person + noise of the photo)
// with the identity drawn once per person in a 120-dimensional subspace and the noise per face
// in a 100-dimensional one (spectra decaying like 1/(1 + k/k₀), as principal components of
// real embeddings do), the noise scaled per person (some persons vary more) and per photo
// (some photos are worse). The scales were fitted so the same/different distance percentiles
// match the real ones (the bench prints both side by side). The spread of a distance
// distribution fixes its effective dimension, so matching mean and spread also matches how
// often a stranger comes close — which is what makes clustering 150k faces hard.
// Person sizes are log-normal (median 12 faces, a few persons with hundreds or thousands,
// like the family in a real library), and a `singletonShare` of the persons are strangers seen
// once (0.15 of the persons is about 0.7% of the faces: a library with many more passers-by
// is not what the 150k figures measure).
import type { QuantisedDescriptors } from '../main/people/face-index.ts';
import { seededRandom } from '../main/people/face-index.ts';

export interface SyntheticShape {
  identityScale: number;
  noiseScale: number;
  identityDims: number;
  noiseDims: number;
  /** Log-normal sd of each person's noise scale, and of each photo's. */
  personSpread: number;
  photoSpread: number;
  /** Weight of the direction all faces share. */
  common: number;
  /** Share of the persons (not of the faces) that are seen in one photo only. */
  singletonShare: number;
}

export const realLikeShape: SyntheticShape = {
  identityScale: 0.97,
  noiseScale: 1.05,
  identityDims: 120,
  noiseDims: 100,
  personSpread: 0.1,
  photoSpread: 0.15,
  common: 1.2,
  singletonShare: 0.15,
};

export function syntheticDescriptors(
  total: number,
  shape: SyntheticShape = realLikeShape,
  seed = 42,
): { q: QuantisedDescriptors; truth: Int32Array } {
  const dims = 1024;
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const spectrum = (n: number) => {
    const k0 = n / 8;
    const v = Array.from({ length: n }, (_, k) => 1 / (1 + k / k0));
    const sum = v.reduce((a, b) => a + b, 0);
    return Float64Array.from(v, (x) => Math.sqrt(x / sum));
  };
  const identitySd = spectrum(shape.identityDims);
  const noiseSd = spectrum(shape.noiseDims);
  // The noise uses coordinates spread over the identity's and others (a stride coprime to
  // dims − 1), so identity and photo noise overlap in part, as they do in a real embedding.
  const noiseCoordinate = Int32Array.from(
    { length: shape.noiseDims },
    (_, k) => (k * 7) % (dims - 1),
  );
  const codes = new Int8Array(total * dims);
  const scales = new Float32Array(total);
  const truth = new Int32Array(total);
  const v = new Float64Array(dims);
  const identity = new Float64Array(shape.identityDims);
  let person = -1;
  let left = 0;
  let personNoise = 1;
  for (let i = 0; i < total; i++) {
    if (left <= 0) {
      person++;
      left =
        random() < shape.singletonShare
          ? 1
          : Math.min(5000, Math.max(2, Math.ceil(Math.exp(2.5 + 1.2 * gauss()))));
      for (let k = 0; k < identity.length; k++)
        identity[k] = shape.identityScale * (identitySd[k] ?? 0) * gauss();
      personNoise = Math.exp(shape.personSpread * gauss());
    }
    left--;
    v.fill(0);
    v[dims - 1] = shape.common;
    for (let k = 0; k < identity.length; k++) v[k] = identity[k] ?? 0;
    const photoNoise = shape.noiseScale * personNoise * Math.exp(shape.photoSpread * gauss());
    for (let k = 0; k < shape.noiseDims; k++) {
      const c = noiseCoordinate[k] ?? 0;
      v[c] = (v[c] ?? 0) + photoNoise * (noiseSd[k] ?? 0) * gauss();
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x / norm));
    const scale = max / 127;
    scales[i] = scale;
    for (let k = 0; k < dims; k++) codes[i * dims + k] = Math.round((v[k] ?? 0) / norm / scale);
    truth[i] = person;
  }
  return { q: { count: total, dims, codes, scales }, truth };
}
