// [Note: Neighbour queries on two threads] with the real helper worker: its answers equal the
// single-thread ones, whichever thread computed which block.
import { describe, expect, it } from 'vitest';
import {
  allocateNearestLists,
  FaceIndex,
  fillNearestLists,
  type NearestLists,
  quantiseDescriptors,
  seededRandom,
} from '../../main/people/face-index.ts';
import { NeighbourReply, type NeighbourJob } from '../../main/people/face-neighbour-messages.ts';
import {
  fillNearestListsInThreads,
  reclusterOnThreads,
  startNeighbourHelper,
} from '../../main/people/face-neighbour-threads.ts';
import { defaultClusteringOptions, recluster } from '../../main/people/face-clustering.ts';

/** 2,000 faces of 100 persons in 64 dimensions. */
function faces() {
  const random = seededRandom(11);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const unit = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));
  const descriptors: Float32Array[] = [];
  for (let p = 0; p < 100; p++) {
    const centre = unit(Float32Array.from({ length: 64 }, gauss));
    for (let i = 0; i < 20; i++) descriptors.push(unit(centre.map((c) => c + (gauss() * 0.5) / 8)));
  }
  return quantiseDescriptors(descriptors);
}

const q = faces();
const index = new FaceIndex(q);
const queries = Int32Array.from({ length: q.count }, (_, i) => i);
const radius = 0.9;
const width = 12;

function singleThread(): NearestLists {
  const lists = allocateNearestLists(q.count, width);
  fillNearestLists(index, queries, 0, queries.length, radius, lists);
  return lists;
}

function expectSameLists(actual: NearestLists, expected: NearestLists) {
  expect(Array.from(actual.count)).toEqual(Array.from(expected.count));
  expect(Array.from(actual.face)).toEqual(Array.from(expected.face));
  expect(Array.from(actual.distance)).toEqual(Array.from(expected.distance));
}

describe(fillNearestListsInThreads.name, () => {
  it('answers every query as one thread does', async () => {
    const expected = singleThread();
    expect(expected.count.reduce((a, b) => a + b, 0)).toBeGreaterThan(q.count * 5);
    const helper = startNeighbourHelper();
    try {
      const lists = allocateNearestLists(q.count, width);
      await fillNearestListsInThreads(index, queries, radius, lists, helper);
      expectSameLists(lists, expected);
    } finally {
      await helper.terminate();
    }
  });

  it('the helper alone answers every block it is given, from the shared index', async () => {
    const expected = singleThread();
    const helper = startNeighbourHelper();
    try {
      const lists = allocateNearestLists(q.count, width);
      const sharedQueries = new Int32Array(new SharedArrayBuffer(queries.byteLength));
      sharedQueries.set(queries);
      const job: NeighbourJob = {
        index: index.shareParts(),
        scratch: 1,
        queries: sharedQueries,
        radius,
        lists,
        control: new Int32Array(new SharedArrayBuffer(8)),
        blockSize: 256,
      };
      const reply = new Promise<unknown>((resolve) => helper.once('message', resolve));
      helper.postMessage(job);
      expect(NeighbourReply.parse(await reply)).toEqual({ type: 'done', blocks: 8 });
      expectSameLists(lists, expected);
    } finally {
      await helper.terminate();
    }
  });

  it('the helper refuses answer lists that are not shared (its writes would be lost)', async () => {
    const helper = startNeighbourHelper();
    try {
      const lists = allocateNearestLists(q.count, width);
      const reply = new Promise<unknown>((resolve) => helper.once('message', resolve));
      helper.postMessage({
        index: index.shareParts(),
        scratch: 1,
        queries,
        radius,
        lists: { ...lists, face: new Int32Array(lists.face.length) },
        control: new Int32Array(new SharedArrayBuffer(8)),
        blockSize: 256,
      });
      const parsed = NeighbourReply.parse(await reply);
      expect(parsed.type).toBe('failed');
      expect(parsed.type === 'failed' ? parsed.message : '').toContain('SharedArrayBuffer');
    } finally {
      await helper.terminate();
    }
  });
});

describe(reclusterOnThreads.name, () => {
  it("gives recluster's answer, and hands over the codes it owns once the index copied them", async () => {
    const clusterFaces = Array.from({ length: q.count }, (_, i) => ({
      index: i,
      personId: i % 7 === 0 ? 1 : null,
      pinned: i === 0,
      rejected: i === 21 ? [1] : [],
      clusterable: i % 50 !== 3,
    }));
    const persons = [{ id: 1, named: true }];
    const expected = recluster(q, clusterFaces, persons, defaultClusteringOptions);
    expect(expected.newPersons.length).toBeGreaterThan(50);
    const owned = { ...q, codes: q.codes.slice(), scales: q.scales.slice() };
    const helper = startNeighbourHelper();
    try {
      const { personOf, newPersons, emptiedPersons } = await reclusterOnThreads(
        owned,
        clusterFaces,
        persons,
        defaultClusteringOptions,
        helper,
        { ownsDescriptors: true },
      );
      expect({ personOf, newPersons, emptiedPersons }).toEqual(expected);
      expect(owned.codes.buffer.byteLength).toBe(0);
    } finally {
      await helper.terminate();
    }
  });
});
