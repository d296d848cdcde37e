// The re-cluster in its real worker thread: the options cross the worker boundary (zod on both
// sides) without losing the anti-chaining settings.
import { describe, expect, it } from 'vitest';
import { reclusterInWorker } from '../../main/people/face-recluster.ts';
import { quantiseDescriptors } from '../../main/people/face-index.ts';
import { chainBetweenTwoPersons } from './chain-faces.ts';

describe(reclusterInWorker.name, () => {
  it('applies the centre and group tests it is given', async () => {
    const { x, y, descriptors } = chainBetweenTwoPersons();
    const faces = descriptors.map((_, index) => ({
      index,
      personId: null,
      pinned: false,
      rejected: [],
      clusterable: true,
    }));
    const tight = { clusterDistance: 0.4, matchDistance: 0.4, minFaces: 2, faceSpread: 0.1 };
    // Each call transfers its buffers to the worker: quantise afresh.
    const loose = await reclusterInWorker(quantiseDescriptors(descriptors), faces, [], {
      ...tight,
      centreDistance: 10,
      groupDistance: 10,
    });
    expect(loose.personOf[x[0] ?? 0]).toBe(loose.personOf[y[0] ?? 0]);
    const strict = await reclusterInWorker(quantiseDescriptors(descriptors), faces, [], {
      ...tight,
      centreDistance: 0.3,
    });
    expect(strict.personOf[x[0] ?? 0]).not.toBeNull();
    expect(strict.personOf[x[0] ?? 0]).not.toBe(strict.personOf[y[0] ?? 0]);
  });
});
