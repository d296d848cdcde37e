// Face descriptors from the real faceres model in a real engine worker, on the labelled
// fixture photos (test/fixtures/people, see SOURCES.md).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFaces } from '../../../main/engines/local/local-faces.ts';
import { LocalWorkerPool } from '../../../main/engines/local/local-worker-pool.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'people');
const pool = new LocalWorkerPool(1);
afterAll(() => pool.close());

const distance = (a: Float32Array, b: Float32Array) =>
  Math.sqrt(a.reduce((sum, v, i) => sum + (v - (b[i] ?? 0)) ** 2, 0));

describe(describeFaces.name, () => {
  it('gives unit-length 1024-value descriptors, the same for the same face', async () => {
    // The fixtures are face crops: the central box is the face.
    const box = { x: 0.15, y: 0.1, w: 0.7, h: 0.8 };
    const path = join(fixtures, 'penny', 'penny1.png');
    const { faces } = await describeFaces(pool, path, [box, box]);
    const [a, b] = faces.map((f) => f.descriptor);
    expect(a?.length).toBe(1024);
    expect(Math.hypot(...(a ?? []))).toBeCloseTo(1, 4);
    expect(distance(a ?? new Float32Array(), b ?? new Float32Array())).toBeLessThan(1e-5);
    expect(faces[0]?.sourceSide).toBeCloseTo(105, 0);
    const other = await describeFaces(pool, join(fixtures, 'sheldon', 'sheldon1.png'), [box]);
    const c = other.faces[0]?.descriptor ?? new Float32Array();
    expect(distance(a ?? new Float32Array(), c)).toBeGreaterThan(0.3);
  }, 120_000);
});
