// Test data shared by the people tests: two persons joined by a chain of faces, the case
// single linkage gets wrong ([Note: Joins that resist chaining]).
import { seededRandom } from '../../main/people/face-index.ts';

const dims = 64;

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/**
 * Two tight persons X and Y (6 faces each, spread 0.05, centres 1.0 apart) and 9 faces evenly
 * on the segment between the centres (0.1 apart): a chain single linkage follows.
 */
export function chainBetweenTwoPersons() {
  const random = seededRandom(5);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  // cx, cy: unit vectors 1.0 apart (60° between them).
  const cx = Float32Array.from({ length: dims }, (_, k) => (k === 0 ? 1 : 0));
  const cy = Float32Array.from({ length: dims }, (_, k) =>
    k === 0 ? 0.5 : k === 1 ? Math.sqrt(3) / 2 : 0,
  );
  const around = (c: Float32Array) =>
    unit(c.map((v) => v + (gauss() * 0.05) / Math.sqrt(dims / 4)));
  const descriptors: Float32Array[] = [];
  const x: number[] = [];
  const chain: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 6; i++) x.push(descriptors.push(around(cx)) - 1);
  for (let t = 1; t <= 9; t++)
    chain.push(descriptors.push(unit(cx.map((v, k) => v + ((cy[k] ?? 0) - v) * (t / 10)))) - 1);
  for (let i = 0; i < 6; i++) y.push(descriptors.push(around(cy)) - 1);
  return { x, chain, y, descriptors };
}
