// The text stage's reader process (child_process.fork, [Note: Text reading in a child
// process]): loads the PP-OCR models once, then reads one image at a time for the pool
// (text-worker-pool.ts). A model that throws on an image answers "failed" for that image only;
// the process goes on. It exits when its parent goes away (the IPC channel closes).
import { TextReader } from './text-reader.ts';
import { TextWorkerReply, TextWorkerRequest } from './text-worker-messages.ts';

const send = process.send?.bind(process);
if (!send) throw new Error('text-process.ts must run as a forked child process (no IPC channel)');

const reply = (message: TextWorkerReply) => {
  send(message);
};

// A parent that died or closed the channel leaves nobody to answer: do not linger.
process.on('disconnect', () => {
  process.exit(0);
});

const loading = TextReader.load();

process.on('message', (raw: unknown) => {
  void (async () => {
    const parsed = TextWorkerRequest.safeParse(raw);
    if (!parsed.success) {
      // Without a valid id nobody can be answered; the pool's own bug would show as a hang.
      console.error('text-process: invalid request', parsed.error.message);
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
      reply({ type: 'result', id: request.id, ...result });
    } catch (error) {
      reply({ type: 'failed', id: request.id, message: (error as Error).message });
    }
  })();
});

loading.then(
  () => {
    reply({ type: 'ready' });
  },
  (error: unknown) => {
    reply({ type: 'load-failed', message: (error as Error).message });
  },
);
