// The full re-clustering pass in a worker thread ([Note: Face neighbour index] makes it
// sub-quadratic, but 150k faces still take seconds of CPU that must not block the catalog or
// the UI). One request per worker; the messages are validated with zod on both sides. The
// neighbour queries are shared with a helper thread ([Note: Neighbour queries on two threads]),
// started as this worker starts so it loads while the request arrives and the index is built.
import { availableParallelism } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { reclusterOnThreads, startNeighbourHelper } from './face-neighbour-threads.ts';
import { ReclusterReply, ReclusterRequest } from './face-recluster-messages.ts';

const port = parentPort;
if (!port) throw new Error('face-recluster-worker.ts must run in a worker thread');

const helper = availableParallelism() > 1 ? startNeighbourHelper() : undefined;

port.once('message', (raw: unknown) => {
  void answer(raw).finally(() => helper?.terminate());
});

async function answer(raw: unknown): Promise<void> {
  if (!port) return;
  const parsed = ReclusterRequest.safeParse(raw);
  if (!parsed.success) {
    port.postMessage({ type: 'failed', message: parsed.error.message } satisfies ReclusterReply);
    return;
  }
  const { descriptors, faces, persons, options } = parsed.data;
  try {
    const started = performance.now();
    const { personOf, newPersons, emptiedPersons, helperBlocks } = await reclusterOnThreads(
      descriptors,
      faces,
      persons,
      options,
      helper,
      // The codes arrived in this message (transferred or copied): this thread owns them.
      { ownsDescriptors: true },
    );
    const reply: ReclusterReply = {
      type: 'result',
      personOf,
      newPersons,
      emptiedPersons,
      helperBlocks,
      ms: performance.now() - started,
    };
    port.postMessage(reply);
  } catch (error) {
    port.postMessage({
      type: 'failed',
      message: (error as Error).message,
    } satisfies ReclusterReply);
  }
}
