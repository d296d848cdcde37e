// The text stage's reader processes: requests queue until a reader is free, a reader that dies
// is replaced and its photo fails (retryably), and every reply is validated
// (text-worker-messages.ts). Reading never runs on the caller's thread.
//
// [Note: Text reading in a child process]
// onnxruntime-node cannot be stopped mid-inference inside a worker thread: terminating the
// thread while a session runs throws a Napi::Error on the native side that nobody catches,
// and `std::terminate` aborts the WHOLE process ("terminate called after throwing an instance
// of 'Napi::Error'") — the app, or the vitest fork in CI. So each reader is a child process
// (child_process.fork of text-process.ts): killing a process mid-inference is always safe, a
// native crash in the models takes only that process, and its photo ends as worker-died. The
// images cross the IPC channel with structured-clone serialization (one copy, ~2.7 MB for a
// 960 px image, small next to the inference). The readers run at a lower OS priority than
// the app ([Note: Text after the object pass] in text-profile.ts).
import type { ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { forkModuleProcess, siblingModuleUrl } from '../../util/module-worker.ts';
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

export type TextWorkerFactory = () => ChildProcess;

const processUrl = siblingModuleUrl(import.meta.url, 'text-process');

/** How much lower than the app the readers run (a nice value; 0 = the same). */
const readerNiceness = 10;

export const startTextWorker: TextWorkerFactory = () => {
  const child = forkModuleProcess(processUrl);
  try {
    if (child.pid !== undefined) setPriority(child.pid, readerNiceness);
  } catch {
    // Not allowed here (some Windows setups): reading at normal priority is still correct.
  }
  return child;
};

interface Job {
  id: number;
  request: TextWorkerRequest;
  resolve: (reply: TextWorkerResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: ChildProcess;
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
      // Could not be started, or a message could not be sent: the reader is of no more use.
      slot.worker.kill('SIGKILL');
      this.onDeath(slot, `The text reader failed: ${error.message}`);
    });
    slot.worker.on('exit', (code, signal) => {
      this.onDeath(slot, `The text reader exited (${signal ?? `code ${String(code)}`})`);
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
      slot.worker.send(job.request, (error) => {
        // The reader died between dispatch and delivery: its 'exit' fails the job.
        if (error) slot.worker.kill('SIGKILL');
      });
    }
  }

  /** Reads one decoded image (its pixels are copied to the reader). */
  read(image: RgbImage): Promise<TextWorkerResult> {
    if (this.closed)
      return Promise.reject(new TextStageError('closed', 'The text stage is closed'));
    if (this.loadError !== undefined) {
      return Promise.reject(
        new TextStageError('model-load', `Cannot load the text models: ${this.loadError}`),
      );
    }
    // A plain Uint8Array of exactly the image (a Buffer view on sharp's pool would be
    // serialised as a Buffer with the pool's other bytes around it).
    const own = new Uint8Array(
      image.pixels.buffer,
      image.pixels.byteOffset,
      image.pixels.byteLength,
    ).slice();
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

  /** The reader processes' ids (benchmarks read their CPU time and memory). */
  get readerPids(): number[] {
    return this.slots.flatMap((slot) => (slot.worker.pid === undefined ? [] : [slot.worker.pid]));
  }

  get workerCount(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new TextStageError('closed', 'The text stage was closed'));
    const slots = this.slots.splice(0);
    // Killing a reader mid-photo is safe ([Note: Text reading in a child process]).
    await Promise.all(slots.map((slot) => killAndWait(slot.worker)));
  }
}

/** Kills a reader process and resolves once it has exited. */
export function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGKILL');
  });
}
