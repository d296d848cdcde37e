// The text stage's worker threads: requests queue until a worker is free, a worker that dies
// is replaced and its photo fails (retryably), and every reply is validated
// (text-worker-messages.ts). Reading never runs on the caller's thread.
import type { Worker } from 'node:worker_threads';
import { siblingModuleUrl, startModuleWorker } from '../../util/module-worker.ts';
import type { RgbImage } from './text-geometry.ts';
import { TextWorkerReply, type TextWorkerRequest } from './text-worker-messages.ts';

export type TextStageErrorCode = 'model-load' | 'closed' | 'worker-died' | 'worker-protocol';

/** A failure of the stage (not of one photo's content): the photo is not to be marked read. */
export class TextStageError extends Error {
  constructor(
    readonly code: TextStageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TextStageError';
  }
}

export type TextWorkerResult =
  Extract<TextWorkerReply, { type: 'result' }> | Extract<TextWorkerReply, { type: 'failed' }>;

export type TextWorkerFactory = () => Worker;

const workerUrl = siblingModuleUrl(import.meta.url, 'text-worker');

export const startTextWorker: TextWorkerFactory = () => startModuleWorker(workerUrl);

interface Job {
  id: number;
  request: TextWorkerRequest;
  resolve: (reply: TextWorkerResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
}

export class TextWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private loadError: string | undefined;

  constructor(
    readonly size = 1,
    private readonly startWorker: TextWorkerFactory = startTextWorker,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error('The pool needs at least one worker');
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: this.startWorker(), ready: false, job: undefined };
    slot.worker.on('message', (raw: unknown) => {
      this.onMessage(slot, raw);
    });
    slot.worker.on('error', (error) => {
      this.onDeath(slot, `The text worker failed: ${error.message}`);
    });
    slot.worker.on('exit', (code) => {
      this.onDeath(slot, `The text worker exited (code ${code})`);
    });
    return slot;
  }

  private onMessage(slot: Slot, raw: unknown): void {
    const parsed = TextWorkerReply.safeParse(raw);
    if (!parsed.success) {
      this.failJob(slot, new TextStageError('worker-protocol', parsed.error.message));
      this.dispatch();
      return;
    }
    const reply = parsed.data;
    switch (reply.type) {
      case 'ready':
        slot.ready = true;
        this.dispatch();
        return;
      case 'load-failed':
        this.loadError = reply.message;
        this.failAll(
          new TextStageError('model-load', `Cannot load the text models: ${reply.message}`),
        );
        return;
      case 'result':
      case 'failed': {
        const job = slot.job;
        if (job?.id !== reply.id) return;
        slot.job = undefined;
        job.resolve(reply);
        this.dispatch();
        return;
      }
    }
  }

  private onDeath(slot: Slot, message: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return; // already replaced ('error' is followed by 'exit')
    this.slots.splice(index, 1);
    if (!slot.ready) {
      // Died before its models were loaded: another one would die the same way.
      this.loadError = message;
      this.failAll(new TextStageError('model-load', message));
      return;
    }
    this.failJob(slot, new TextStageError('worker-died', message));
    if (!this.closed) this.slots.push(this.spawn());
    this.dispatch();
  }

  private failJob(slot: Slot, error: Error): void {
    const job = slot.job;
    slot.job = undefined;
    job?.reject(error);
  }

  private failAll(error: Error): void {
    for (const slot of this.slots) this.failJob(slot, error);
    for (const job of this.queue.splice(0)) job.reject(error);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.postMessage(job.request, [job.request.pixels.buffer as ArrayBuffer]);
    }
  }

  /** Reads one decoded image; its pixel buffer is transferred (not copied). */
  read(image: RgbImage): Promise<TextWorkerResult> {
    if (this.closed)
      return Promise.reject(new TextStageError('closed', 'The text stage is closed'));
    if (this.loadError !== undefined) {
      return Promise.reject(
        new TextStageError('model-load', `Cannot load the text models: ${this.loadError}`),
      );
    }
    // A view on a larger buffer (sharp's pool) must not transfer that whole buffer away.
    const own =
      image.pixels.byteOffset === 0 && image.pixels.byteLength === image.pixels.buffer.byteLength
        ? image.pixels
        : image.pixels.slice();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.queue.push({
        id,
        request: { type: 'read', id, width: image.width, height: image.height, pixels: own },
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Photos being read right now (a worker holds them). */
  get busyCount(): number {
    return this.slots.filter((slot) => slot.job !== undefined).length;
  }

  get workerCount(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new TextStageError('closed', 'The text stage was closed'));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}
