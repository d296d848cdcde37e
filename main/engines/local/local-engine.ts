// The embedded default engine (DESIGN.md §3): tags photos on this machine with centernet
// (COCO-80 objects with boxes) and blazeface (faces) from @vladmandic/human, plus concepts
// measured from the pixels. Decoding runs on the calling thread through sharp (libuv pool) while
// a worker pool runs the models, so the next photo is prepared during the current inference.
//
// Use: `const engine = createLocalEngine()` (cheap: workers start on the first tag), keep up to
// `engine.concurrency` `tag()` calls in flight so decoding overlaps inference, and always
// `await engine.close()` (it terminates the workers; pending calls fail with a `retry` error).
// Unreadable or too small photos fail with a `permanent` EngineError; a crashed worker fails its
// photo with `retry` and is replaced; models that cannot load fail with `stop-engine`.
import { createHash } from 'node:crypto';
import type { EngineLimits, SyncEngine, TagRequest } from '../engine.ts';
import { EngineError } from '../engine.ts';
import type { EngineAnswer } from '../tag-model.ts';
import { describeFaces } from './local-faces.ts';
import { conceptThresholds } from './local-measure.ts';
import { humanVersion } from './local-models.ts';
import {
  buildAnswer,
  defaultPostprocessOptions,
  type PostprocessOptions,
} from './local-postprocess.ts';
import {
  defaultPrepareOptions,
  LocalPrepareError,
  minLocalSide,
  prepareLocalInput,
  type PrepareOptions,
} from './local-prepare.ts';
import { LocalWorkerPool, type WorkerFactory } from './local-worker-pool.ts';

/**
 * Bump when the engine's own logic changes the answers (part of the settings key). 2: answers
 * carry face descriptors (people, issue 15), so photos tagged before get them by re-tagging.
 */
const engineRevision = 2;

export const localModelName = `centernet@human-${humanVersion}+blazeface@human-${humanVersion}`;

export interface LocalEngineOptions {
  /** Inference workers; default 1 (one per two cores: decoding needs the other core). */
  workers?: number;
  /** Photos decoded ahead of inference, beyond one per worker; default 1. */
  prepareAhead?: number;
  prepare?: Partial<PrepareOptions>;
  postprocess?: Partial<PostprocessOptions>;
  /** For tests: how a worker is started. */
  startWorker?: WorkerFactory;
}

/** Per-stage timings of one photo, ms. */
export interface LocalStageTimings {
  /** sharp decode of the photo (part of the prepare stage). */
  decodeMs: number;
  /** Letterboxing, tiles and measurements after the decode. */
  prepareMs: number;
  waitMs: number;
  inferMs: number;
  postprocessMs: number;
}

export interface LocalEngine extends SyncEngine {
  readonly id: 'local';
  readonly kind: 'sync';
  readonly model: string;
  /** How many tag() calls in flight keep the workers busy (decode overlapping inference). */
  readonly concurrency: number;
  /** Tags encoded image bytes (the cloud emulators reuse this to give real answers). */
  tagImageBytes(bytes: Buffer): Promise<EngineAnswer>;
  /** Tags a path or bytes and reports the time spent in each stage (benchmarks). */
  tagWithTimings(
    input: string | Buffer,
  ): Promise<{ answer: EngineAnswer; timings: LocalStageTimings }>;
  /** tf.memory() per worker. */
  memory(): Promise<{ numTensors: number; numBytes: number }[]>;
  close(): Promise<void>;
}

/**
 * The number of faces the local engine found: the instances of its `face` object tag
 * ([Note: Local face count] in local-postprocess.ts). Search's `faces:N` uses the same rule.
 */
export function countFaces(answer: EngineAnswer): number {
  return answer.tags.find((t) => t.name === 'face')?.instances.length ?? 0;
}

/** A small counting semaphore: bounds how many photos are decoded but not yet inferred. */
function createSemaphore(capacity: number) {
  let free = capacity;
  const waiting: (() => void)[] = [];
  return {
    async acquire(): Promise<void> {
      if (free > 0) {
        free--;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

export function createLocalEngine(options: LocalEngineOptions = {}): LocalEngine {
  const workers = options.workers ?? 1;
  const prepareOptions: PrepareOptions = { ...defaultPrepareOptions, ...options.prepare };
  const postprocessOptions: PostprocessOptions = {
    ...defaultPostprocessOptions,
    ...options.postprocess,
  };
  const concurrency = workers + (options.prepareAhead ?? 1);
  // Workers start on first use: constructing the engine (e.g. for `tujian show`) costs nothing.
  let pool: LocalWorkerPool | undefined;
  let closed = false;
  const getPool = () => {
    if (closed) throw new EngineError('local', 'closed', 'The local engine is closed', 'retry');
    pool ??= new LocalWorkerPool(workers, options.startWorker);
    return pool;
  };
  const inFlight = createSemaphore(concurrency);
  const key = createHash('sha256')
    .update(
      JSON.stringify({ engineRevision, prepareOptions, postprocessOptions, conceptThresholds }),
    )
    .digest('hex')
    .slice(0, 16);

  async function run(
    input: string | Buffer,
    signal?: AbortSignal,
    withFaces = false,
  ): Promise<{ answer: EngineAnswer; timings: LocalStageTimings }> {
    if (closed) throw new EngineError('local', 'closed', 'The local engine is closed', 'retry');
    await inFlight.acquire();
    try {
      signal?.throwIfAborted();
      const started = performance.now();
      let prepared;
      try {
        prepared = await prepareLocalInput(input, prepareOptions);
      } catch (error) {
        if (error instanceof LocalPrepareError) {
          throw new EngineError('local', error.code, error.message, 'permanent');
        }
        throw error;
      }
      const preparedAt = performance.now();
      signal?.throwIfAborted();
      const detections = await getPool().infer(prepared.passes);
      const inferredAt = performance.now();
      const answer = buildAnswer(
        {
          detections,
          measures: prepared.measures,
          width: prepared.width,
          height: prepared.height,
          hasFlip: prepareOptions.flip,
        },
        localModelName,
        postprocessOptions,
      );
      const faceBoxes = answer.tags.find((t) => t.name === 'face')?.instances ?? [];
      if (withFaces) {
        signal?.throwIfAborted();
        // Descriptors for people (main/people): crops from the original, faceres in the worker.
        const described = await describeFaces(getPool(), input, faceBoxes);
        answer.faces = {
          model: described.model,
          items: described.faces.map((face, i) => ({
            box: faceBoxes[i] ?? { ...face.box, confidence: 0 },
            descriptor: face.descriptor ?? null,
            sourceSide: face.sourceSide,
            sharpness: face.sharpness,
          })),
        };
      }
      return {
        answer,
        timings: {
          decodeMs: prepared.decodeMs,
          prepareMs: preparedAt - started - prepared.decodeMs,
          waitMs: Math.max(0, inferredAt - preparedAt - detections.inferMs),
          inferMs: detections.inferMs,
          postprocessMs: performance.now() - inferredAt,
        },
      };
    } finally {
      inFlight.release();
    }
  }

  const limits: EngineLimits = {
    formats: ['jpeg', 'png', 'webp', 'gif'],
    maxSide: 1536,
    minSide: minLocalSide,
    input: 'pixels',
  };

  return {
    id: 'local',
    kind: 'sync',
    limits,
    model: localModelName,
    concurrency,
    settingsKey: () => `local:${localModelName}:${key}`,
    // Photos of the library get face descriptors; the emulators' answers (bytes) need none.
    tag: async (request: TagRequest) =>
      (await run(request.sourcePath, request.signal, true)).answer,
    tagImageBytes: async (bytes: Buffer) => (await run(bytes)).answer,
    tagWithTimings: (input: string | Buffer) => run(input),
    memory: () => getPool().memory(),
    close: async () => {
      closed = true;
      await pool?.close();
    },
  };
}
