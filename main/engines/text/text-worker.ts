// The text stage's worker thread: loads the PP-OCR models once, then reads one image at a time
// for the pool (text-worker-pool.ts). A model that throws on an image answers "failed" for that
// image only; the worker goes on.
import { parentPort } from 'node:worker_threads';
import { TextReader } from './text-reader.ts';
import { TextWorkerReply, TextWorkerRequest } from './text-worker-messages.ts';

const port = parentPort;
if (!port) throw new Error('text-worker.ts must run in a worker thread');

const send = (reply: TextWorkerReply) => {
  port.postMessage(reply);
};

const loading = TextReader.load();

port.on('message', (raw: unknown) => {
  void (async () => {
    const parsed = TextWorkerRequest.safeParse(raw);
    if (!parsed.success) {
      // Without a valid id nobody can be answered; the pool's own bug would show as a hang.
      console.error('text-worker: invalid request', parsed.error.message);
      return;
    }
    const request = parsed.data;
    try {
      const reader = await loading;
      if (request.pixels.length !== request.width * request.height * 3) {
        throw new Error(
          `${request.pixels.length} bytes is not an RGB image of ${request.width}×${request.height}`,
        );
      }
      const result = await reader.read(request);
      send({ type: 'result', id: request.id, ...result });
    } catch (error) {
      send({ type: 'failed', id: request.id, message: (error as Error).message });
    }
  })();
});

loading.then(
  () => {
    send({ type: 'ready' });
  },
  (error: unknown) => {
    send({ type: 'load-failed', message: (error as Error).message });
  },
);
