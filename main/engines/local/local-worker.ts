// The inference worker of the local engine: loads the models once, then runs the detectors on
// prepared passes sent by the pool (local-worker-pool.ts). One request at a time per worker.
import { parentPort } from 'node:worker_threads';
import { FaceDescriber } from './local-face-descriptor.ts';
import { LocalModels } from './local-models.ts';
import { WorkerReply, WorkerRequest } from './local-worker-messages.ts';

const port = parentPort;
if (!port) throw new Error('local-worker.ts must run in a worker thread');

const send = (reply: WorkerReply) => {
  port.postMessage(reply);
};

const loading = LocalModels.load();
// faceres (7 MB) is loaded on the first face request only: libraries without people never pay.
let describer: Promise<FaceDescriber> | undefined;

port.on('message', (raw: unknown) => {
  void (async () => {
    const parsed = WorkerRequest.safeParse(raw);
    if (!parsed.success) {
      // Without a valid id nobody can be answered; the pool's own bug would show as a timeout.
      console.error('local-worker: invalid request', parsed.error.message);
      return;
    }
    const request = parsed.data;
    let models: LocalModels;
    try {
      models = await loading;
    } catch (error) {
      send({ type: 'failed', id: request.id, message: `Models not loaded: ${String(error)}` });
      return;
    }
    switch (request.type) {
      case 'memory': {
        send({ type: 'memory', id: request.id, ...models.memory() });
        return;
      }
      case 'infer': {
        const started = performance.now();
        try {
          const output = models.detect(request.passes);
          send({ type: 'result', id: request.id, ...output, inferMs: performance.now() - started });
        } catch (error) {
          send({ type: 'failed', id: request.id, message: (error as Error).message });
        }
        return;
      }
      case 'describe-faces': {
        const started = performance.now();
        try {
          describer ??= FaceDescriber.load();
          const descriptors = (await describer).describe(request.crops, request.size);
          send({
            type: 'descriptors',
            id: request.id,
            descriptors,
            inferMs: performance.now() - started,
          });
        } catch (error) {
          describer = undefined;
          send({ type: 'failed', id: request.id, message: (error as Error).message });
        }
        return;
      }
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
