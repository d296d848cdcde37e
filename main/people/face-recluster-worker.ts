// The full re-clustering pass in a worker thread ([Note: Face neighbour index] makes it
// sub-quadratic, but 150k faces still take seconds of CPU that must not block the catalog or
// the UI). One request per worker; the messages are validated with zod on both sides.
import { parentPort } from 'node:worker_threads';
import { recluster } from './face-clustering.ts';
import { ReclusterReply, ReclusterRequest } from './face-recluster-messages.ts';

const port = parentPort;
if (!port) throw new Error('face-recluster-worker.ts must run in a worker thread');

port.once('message', (raw: unknown) => {
  const parsed = ReclusterRequest.safeParse(raw);
  if (!parsed.success) {
    port.postMessage({ type: 'failed', message: parsed.error.message } satisfies ReclusterReply);
    return;
  }
  const { descriptors, faces, persons, options } = parsed.data;
  try {
    const started = performance.now();
    const result = recluster(descriptors, faces, persons, options);
    const reply: ReclusterReply = {
      type: 'result',
      ...result,
      ms: performance.now() - started,
    };
    port.postMessage(reply);
  } catch (error) {
    port.postMessage({
      type: 'failed',
      message: (error as Error).message,
    } satisfies ReclusterReply);
  }
});
