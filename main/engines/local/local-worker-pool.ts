// A small pool of inference workers for the local engine (worker_threads): requests queue until
// a worker is free, a worker that dies is replaced and its request fails with a retryable error,
// and every reply is validated (local-worker-messages.ts). Inference never runs on the caller's
// thread, so the catalog and the UI stay responsive.
import type { Worker } from 'node:worker_threads';
import { EngineError } from '../engine.ts';
import type { DetectorOutput, DetectorPass } from './local-models.ts';
import { WorkerReply, type WorkerRequest } from './local-worker-messages.ts';
import { siblingModuleUrl, startModuleWorker } from '../../util/module-worker.ts';

export interface InferResult extends DetectorOutput {
  /** Time the worker spent running the models, ms. */
  inferMs: number;
}

/** Creates one worker running local-worker; injectable so tests can hand in a failing one. */
export type WorkerFactory = () => Worker;

const workerUrl = siblingModuleUrl(import.meta.url, 'local-worker');

/** Starts one worker running local-worker (see main/util/module-worker.ts). */
export const startLocalWorker: WorkerFactory = () => startModuleWorker(workerUrl);

interface Job {
  id: number;
  request: WorkerRequest;
  transfer: ArrayBuffer[];
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
  /** Only this worker may take the job (per-worker queries such as memory). */
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
}

export class LocalWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private loadError: string | undefined;

  constructor(
    readonly size: number,
    private readonly startWorker: WorkerFactory = startLocalWorker,
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
      this.onDeath(slot, `The local engine worker failed: ${error.message}`);
    });
    slot.worker.on('exit', (code) => {
      this.onDeath(slot, `The local engine worker exited (code ${code})`);
    });
    return slot;
  }

  private onMessage(slot: Slot, raw: unknown): void {
    const parsed = WorkerReply.safeParse(raw);
    if (!parsed.success) {
      this.failJob(
        slot,
        new EngineError('local', 'worker-protocol', parsed.error.message, 'retry'),
      );
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
          new EngineError(
            'local',
            'model-load',
            `Cannot load the local models: ${reply.message}`,
            'stop-engine',
          ),
        );
        return;
      case 'result':
      case 'failed':
      case 'memory':
      case 'descriptors': {
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
    if (index < 0) return; // already replaced (error is followed by exit)
    this.slots.splice(index, 1);
    if (!slot.ready) {
      // Died before its models were loaded: starting another one would die the same way.
      this.loadError = message;
      this.failAll(new EngineError('local', 'model-load', message, 'stop-engine'));
      return;
    }
    this.failJob(slot, new EngineError('local', 'worker-died', message, 'retry'));
    for (const job of this.queue.filter((j) => j.slot === slot)) {
      this.queue.splice(this.queue.indexOf(job), 1);
      job.reject(new EngineError('local', 'worker-died', message, 'retry'));
    }
    if (!this.closed && this.loadError === undefined) {
      this.slots.push(this.spawn());
    }
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
      const index = this.queue.findIndex((j) => j.slot === undefined || j.slot === slot);
      if (index < 0) continue;
      const [job] = this.queue.splice(index, 1);
      if (!job) continue;
      slot.job = job;
      slot.worker.postMessage(job.request, job.transfer);
    }
  }

  private submit(
    make: (id: number) => WorkerRequest,
    transfer: ArrayBuffer[] = [],
    slot?: Slot,
  ): Promise<WorkerReply> {
    if (this.closed) {
      return Promise.reject(
        new EngineError('local', 'closed', 'The local engine is closed', 'retry'),
      );
    }
    if (this.loadError !== undefined) {
      return Promise.reject(
        new EngineError(
          'local',
          'model-load',
          `Cannot load the local models: ${this.loadError}`,
          'stop-engine',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.queue.push({
        id,
        request: make(id),
        transfer,
        resolve,
        reject,
        ...(slot ? { slot } : {}),
      });
      this.dispatch();
    });
  }

  /** Runs the detectors on prepared passes; the pixel buffers are transferred (not copied). */
  async infer(passes: readonly DetectorPass[]): Promise<InferResult> {
    const transfer = passes
      .map((p) => p.pixels.buffer)
      .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    const reply = await this.submit(
      (id) => ({ type: 'infer', id, passes: passes.map((p) => ({ ...p })) }),
      [...new Set(transfer)],
    );
    if (reply.type === 'failed') {
      throw new EngineError(
        'local',
        'inference-failed',
        `The local models failed on this image: ${reply.message}`,
        'permanent',
      );
    }
    if (reply.type !== 'result') throw new Error(`Unexpected worker reply ${reply.type}`);
    return { objects: reply.objects, faces: reply.faces, inferMs: reply.inferMs };
  }

  /**
   * Face descriptors (unit length, 1024 values) of square RGB crops of `size` px, computed in a
   * worker; the crop buffers are copied (they are small and the caller may keep them).
   */
  async describeFaces(
    crops: readonly Uint8Array[],
    size: number,
  ): Promise<{ descriptors: Float32Array[]; inferMs: number }> {
    const reply = await this.submit((id) => ({
      type: 'describe-faces',
      id,
      size,
      crops: [...crops],
    }));
    if (reply.type === 'failed') {
      throw new EngineError(
        'local',
        'inference-failed',
        `The face descriptor model failed: ${reply.message}`,
        'permanent',
      );
    }
    if (reply.type !== 'descriptors') throw new Error(`Unexpected worker reply ${reply.type}`);
    return { descriptors: reply.descriptors, inferMs: reply.inferMs };
  }

  /** tf.memory() of every worker (tensor leak checks and the benchmark). */
  async memory(): Promise<{ numTensors: number; numBytes: number }[]> {
    const replies: { numTensors: number; numBytes: number }[] = [];
    const all = await Promise.all(
      this.slots.map((slot) => this.submit((id) => ({ type: 'memory', id }), [], slot)),
    );
    for (const reply of all) {
      if (reply.type === 'memory')
        replies.push({ numTensors: reply.numTensors, numBytes: reply.numBytes });
    }
    return replies;
  }

  /** Workers currently alive (replaced ones included). */
  get workerCount(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new EngineError('local', 'closed', 'The local engine was closed', 'retry'));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}
