// Answers the re-cluster's neighbour queries on two threads: the caller's and a helper worker
// (face-neighbour-worker.ts) that rebuilds the same FaceIndex from its shared parts.
//
// [Note: Neighbour queries on two threads]
// The k-nearest queries are most of the re-cluster's CPU ([Note: Face kernels in WebAssembly
// SIMD]) and independent of each other. Both threads claim blocks of queries from one shared
// counter (Atomics.add) until none is left, so a thread the OS schedules less (the machine is
// shared) simply does fewer blocks, and a helper that starts late finds the work done. Each
// query writes only its own row of the answer lists, so the threads never write the same
// place; the answers do not depend on which thread computed them.
import type { Worker } from 'node:worker_threads';
import { siblingModuleUrl, startModuleWorker } from '../util/module-worker.ts';
import {
  reclusterFromNearest,
  reclusterIndexOptions,
  reclusterQueries,
  type ClusterFace,
  type ClusteringOptions,
  type ClusterPerson,
  type ReclusterResult,
} from './face-clustering.ts';
import {
  allocateNearestLists,
  FaceIndex,
  fillNearestLists,
  type NearestLists,
  type QuantisedDescriptors,
} from './face-index.ts';
import { NeighbourReply, type NeighbourJob } from './face-neighbour-messages.ts';

const workerUrl = siblingModuleUrl(import.meta.url, 'face-neighbour-worker');

/** Queries per claimed block: small enough to balance, large enough that claims cost nothing. */
const blockSize = 256;

/** Starts the helper early (it loads its modules while the caller builds the index). */
export function startNeighbourHelper(): Worker {
  return startModuleWorker(workerUrl);
}

/**
 * Fills `lists` for every row of `queries`, on this thread and on `helper` (started with
 * startNeighbourHelper; undefined = this thread only). The helper is not terminated here.
 * Returns how many blocks of queries the helper answered.
 */
export async function fillNearestListsInThreads(
  index: FaceIndex,
  queries: Int32Array,
  radius: number,
  lists: NearestLists,
  helper: Worker | undefined,
): Promise<{ helperBlocks: number }> {
  const sharedQueries = new Int32Array(new SharedArrayBuffer(Math.max(4, queries.byteLength)));
  sharedQueries.set(queries);
  const blocks = Math.ceil(queries.length / blockSize);
  const control = new Int32Array(new SharedArrayBuffer(8));
  const helperDone: Promise<NeighbourReply> = helper
    ? waitForHelper(helper)
    : Promise.resolve({ type: 'done', blocks: 0 });
  if (helper) {
    const job: NeighbourJob = {
      index: index.shareParts(),
      scratch: 1,
      queries: sharedQueries,
      radius,
      lists,
      control,
      blockSize,
    };
    helper.postMessage(job);
  }
  const mine = runBlocks(index, sharedQueries, radius, lists, control, blockSize);
  if (Atomics.load(control, 1) === blocks) {
    // Every block is answered: the helper's reply (or its failure, or its exit when the caller
    // terminates it) no longer matters.
    helperDone.catch(() => undefined);
    return { helperBlocks: blocks - mine };
  }
  // The helper is still answering a block it claimed.
  const reply = await helperDone;
  if (reply.type === 'failed') throw new Error(`The neighbour helper failed: ${reply.message}`);
  return { helperBlocks: reply.blocks };
}

/** Claims blocks of `queries` until none is left; returns how many this thread did. */
export function runBlocks(
  index: FaceIndex,
  queries: Int32Array,
  radius: number,
  lists: NearestLists,
  control: Int32Array,
  size: number,
): number {
  const blocks = Math.ceil(queries.length / size);
  let done = 0;
  for (;;) {
    const block = Atomics.add(control, 0, 1);
    if (block >= blocks) return done;
    const from = block * size;
    fillNearestLists(index, queries, from, Math.min(queries.length, from + size), radius, lists);
    Atomics.add(control, 1, 1);
    done++;
  }
}

function waitForHelper(helper: Worker): Promise<NeighbourReply> {
  return new Promise<NeighbourReply>((resolve, reject) => {
    helper.once('message', (raw: unknown) => {
      const parsed = NeighbourReply.safeParse(raw);
      if (parsed.success) resolve(parsed.data);
      else reject(new Error(`Invalid reply from the neighbour helper: ${parsed.error.message}`));
    });
    helper.once('error', reject);
    helper.once('exit', (code) => {
      reject(new Error(`The neighbour helper exited (code ${code})`));
    });
  });
}

/**
 * recluster (face-clustering.ts) with its neighbour queries on this thread and `helper`: the
 * same answer, in about half the wall time when a second core is free. With `ownsDescriptors`
 * (the caller's codes buffer is its own, as a worker's received one is) the buffer is handed
 * over once the index has copied it, and the rest of the pass reads the index's copy: the
 * codes are the largest thing the pass holds (1 KB a face), so this saves ~150 MB at 150k.
 */
export async function reclusterOnThreads(
  descriptors: QuantisedDescriptors,
  faces: readonly ClusterFace[],
  persons: readonly ClusterPerson[],
  options: ClusteringOptions,
  helper: Worker | undefined,
  { ownsDescriptors = false }: { ownsDescriptors?: boolean } = {},
): Promise<ReclusterResult & { helperBlocks: number }> {
  const { queries, width, radius } = reclusterQueries(faces, options);
  const lists = allocateNearestLists(descriptors.count, width);
  let helperBlocks = 0;
  let rest = descriptors;
  if (queries.length > 0) {
    const index = new FaceIndex(descriptors, reclusterIndexOptions);
    const view = index.descriptorsView();
    const buffer = descriptors.codes.buffer;
    if (ownsDescriptors && view && buffer instanceof ArrayBuffer) {
      // Transferring detaches the buffer here and leaves its memory to a clone nothing keeps,
      // so it is freed without waiting for every reference to the request to go.
      structuredClone(buffer, { transfer: [buffer] });
      rest = view;
    }
    ({ helperBlocks } = await fillNearestListsInThreads(index, queries, radius, lists, helper));
  }
  return { ...reclusterFromNearest(rest, faces, persons, options, lists), helperBlocks };
}
