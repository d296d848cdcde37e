// The helper thread of [Note: Neighbour queries on two threads]: rebuilds the caller's
// FaceIndex from its shared parts and answers blocks of queries until none is left.
import { parentPort } from 'node:worker_threads';
import { FaceIndex } from './face-index.ts';
import { NeighbourJob, type NeighbourReply } from './face-neighbour-messages.ts';
import { runBlocks } from './face-neighbour-threads.ts';

const port = parentPort;
if (!port) throw new Error('face-neighbour-worker.ts must run in a worker thread');

port.once('message', (raw: unknown) => {
  const parsed = NeighbourJob.safeParse(raw);
  if (!parsed.success) {
    port.postMessage({ type: 'failed', message: parsed.error.message } satisfies NeighbourReply);
    return;
  }
  const job = parsed.data;
  try {
    const index = new FaceIndex(job.index, undefined, job.scratch);
    const blocks = runBlocks(index, job.queries, job.radius, job.lists, job.control, job.blockSize);
    port.postMessage({ type: 'done', blocks } satisfies NeighbourReply);
  } catch (error) {
    port.postMessage({
      type: 'failed',
      message: (error as Error).message,
    } satisfies NeighbourReply);
  }
});
