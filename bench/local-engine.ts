// Benchmark of the local engine: accuracy on a labelled folder (recall/precision of COCO objects,
// faces, concepts), photos/s of the whole pipeline (decode in this thread + inference in the
// worker pool) against model-only inference on the same prepared inputs in the same run,
// per-photo ms of each stage, and memory (tf.memory in the worker, RSS) over N photos.
//   node bin/run-ts.js bench/local-engine.ts [--dir D] [--labels L] [--repeat N] [--workers W]
// The last output line is one JSON object.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLocalEngine } from '../main/engines/local/local-engine.ts';
import { cocoClassNames } from '../main/engines/local/local-labels.ts';
import { LocalModels } from '../main/engines/local/local-models.ts';
import { buildAnswer } from '../main/engines/local/local-postprocess.ts';
import {
  defaultPrepareOptions,
  prepareLocalInput,
  type PreparedLocalInput,
} from '../main/engines/local/local-prepare.ts';
import { localModelName } from '../main/engines/local/local-engine.ts';
import type { EngineAnswer } from '../main/engines/tag-model.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: '../shared/samples/photos' },
    labels: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
    'model-rounds': { type: 'string', default: '2' },
    // Long memory runs on a busy machine may use the single full-view pass (same code paths).
    'no-flip': { type: 'boolean', default: false },
    'no-tiles': { type: 'boolean', default: false },
  },
});

const dir = resolve(args.dir);
const labelsPath = resolve(args.labels ?? join(dir, '..', 'labels.json'));
const repeat = Math.max(1, Number(args.repeat));
const workers = Math.max(1, Number(args.workers));
const modelRounds = Math.max(1, Number(args['model-rounds']));
const prepareOptions = {
  ...defaultPrepareOptions,
  flip: !args['no-flip'],
  tiles: !args['no-tiles'],
};
const photos = readdirSync(dir)
  .filter((f) => /\.(jpe?g|png|webp|gif|tiff?|avif|heic)$/i.test(f))
  .sort();
if (photos.length === 0) throw new Error(`No photos in ${dir}`);

const Labels = z.object({
  photos: z.record(
    z.string(),
    z.object({
      objects: z.array(z.string()),
      optional: z.array(z.string()).default([]),
      faces: z.number().int().nullable().optional(),
      text: z.boolean().optional(),
      grayscale: z.boolean().optional(),
    }),
  ),
});
const labels = existsSync(labelsPath)
  ? Labels.parse(JSON.parse(readFileSync(labelsPath, 'utf8'))).photos
  : undefined;

const mb = (bytes: number) => Math.round(bytes / 1048576);
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

// ---- 1. Model-only: the same prepared inputs, models in this thread, nothing else running.
const prepared: { file: string; input: PreparedLocalInput }[] = [];
for (const file of photos) {
  prepared.push({ file, input: await prepareLocalInput(join(dir, file), prepareOptions) });
}
const models = await LocalModels.load();
models.detect(prepared[0]?.input.passes ?? []); // warm-up: kernels compile on first use
let modelMs = 0;
let modelPhotos = 0;
for (let round_ = 0; round_ < modelRounds; round_++) {
  for (const { input } of prepared) {
    const started = performance.now();
    const detections = models.detect(input.passes);
    buildAnswer(
      {
        detections,
        measures: input.measures,
        width: input.width,
        height: input.height,
        hasFlip: prepareOptions.flip,
      },
      localModelName,
    );
    modelMs += performance.now() - started;
    modelPhotos++;
  }
}
models.dispose();
const modelOnlyPhotosPerSec = (modelPhotos * 1000) / modelMs;
console.log(`model-only: ${modelPhotos} photos in ${Math.round(modelMs)} ms`);

// ---- 2. Pipeline: decode here while the worker pool infers; `concurrency` requests in flight.
const engine = createLocalEngine({ workers, prepare: prepareOptions });
const queue = Array.from(
  { length: photos.length * repeat },
  (_, i) => photos[i % photos.length] ?? '',
);
const firstAnswers = new Map<string, EngineAnswer>();
const stages = {
  decode: [] as number[],
  prepare: [] as number[],
  infer: [] as number[],
  postprocess: [] as number[],
  wait: [] as number[],
};
// Warm the worker (model load, first-run kernels) before timing, as the model-only run was.
const warm = await engine.tagWithTimings(join(dir, photos[0] ?? ''));
firstAnswers.set(photos[0] ?? '', warm.answer);
const [memoryStart] = await engine.memory();
const rssStart = process.memoryUsage().rss;
let rssPeak = rssStart;
let next = 0;
let done = 0;
let failures = 0;
const pipelineStarted = performance.now();
await Promise.all(
  Array.from({ length: engine.concurrency }, async () => {
    while (next < queue.length) {
      const file = queue[next++] ?? '';
      try {
        const { answer, timings } = await engine.tagWithTimings(join(dir, file));
        if (!firstAnswers.has(file)) firstAnswers.set(file, answer);
        stages.decode.push(timings.decodeMs);
        stages.prepare.push(timings.prepareMs);
        stages.infer.push(timings.inferMs);
        stages.postprocess.push(timings.postprocessMs);
        stages.wait.push(timings.waitMs);
      } catch (error) {
        failures++;
        console.error(`${file}: ${(error as Error).message}`);
      }
      done++;
      if (done % 100 === 0) {
        const rss = process.memoryUsage().rss;
        rssPeak = Math.max(rssPeak, rss);
        console.log(`${done}/${queue.length} photos, rss ${mb(rss)} MB`);
      }
    }
  }),
);
const pipelineMs = performance.now() - pipelineStarted;
const [memoryEnd] = await engine.memory();
const rssEnd = process.memoryUsage().rss;
rssPeak = Math.max(rssPeak, rssEnd);
await engine.close();
const pipelinePhotosPerSec = (queue.length * 1000) / pipelineMs;

// ---- 3. Accuracy against the labels (objects: COCO classes; optional ones neither count).
let tp = 0;
let fp = 0;
let fn = 0;
let photosAllRight = 0;
let facesRight = 0;
let facesJudged = 0;
const rows: Record<string, string | boolean>[] = [];
if (labels) {
  for (const [file, truth] of Object.entries(labels)) {
    const answer = firstAnswers.get(file);
    if (!answer) continue;
    const objects = answer.tags.filter((t) => cocoClassNames.includes(t.name)).map((t) => t.name);
    const found = truth.objects.filter((o) => objects.includes(o));
    const missing = truth.objects.filter((o) => !objects.includes(o));
    const extra = objects.filter((o) => !truth.objects.includes(o) && !truth.optional.includes(o));
    tp += found.length;
    fn += missing.length;
    fp += extra.length;
    const faces = answer.tags.find((t) => t.name === 'face')?.instances.length ?? 0;
    const facesOk = truth.faces == null || faces === truth.faces;
    if (truth.faces != null) {
      facesJudged++;
      if (facesOk) facesRight++;
    }
    const names = answer.tags.map((t) => t.name);
    const conceptsOk =
      (truth.text === undefined || names.includes('document') === truth.text) &&
      (truth.grayscale === undefined || names.includes('black and white') === truth.grayscale);
    const ok = missing.length === 0 && extra.length === 0 && facesOk && conceptsOk;
    if (ok) photosAllRight++;
    rows.push({
      file,
      ok,
      found: objects.join(', '),
      missing: missing.join(', '),
      extra: extra.join(', '),
      faces: `${faces}/${String(truth.faces)}`,
      concepts: names.filter((n) => !objects.includes(n) && n !== 'face').join(', '),
    });
  }
  console.table(rows);
}

const stageMs = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(mean(v))]));
console.log(
  `pipeline: ${queue.length} photos in ${Math.round(pipelineMs)} ms = ${round(pipelinePhotosPerSec, 2)}/s; ` +
    `model-only ${round(modelOnlyPhotosPerSec, 2)}/s; ratio ${round(pipelinePhotosPerSec / modelOnlyPhotosPerSec, 3)}`,
);
console.log(
  JSON.stringify({
    bench: 'local-engine',
    model: localModelName,
    dir,
    photos: photos.length,
    pipelinePhotos: queue.length,
    workers,
    passes: { flip: prepareOptions.flip, tiles: prepareOptions.tiles },
    failures,
    accuracy: labels
      ? {
          labelledPhotos: rows.length,
          photosAllRight,
          recall: round(tp / Math.max(1, tp + fn), 3),
          precision: round(tp / Math.max(1, tp + fp), 3),
          truePositives: tp,
          falsePositives: fp,
          falseNegatives: fn,
          facesRight: `${facesRight}/${facesJudged}`,
        }
      : null,
    modelOnlyPhotosPerSec: round(modelOnlyPhotosPerSec, 3),
    pipelinePhotosPerSec: round(pipelinePhotosPerSec, 3),
    pipelineToModelRatio: round(pipelinePhotosPerSec / modelOnlyPhotosPerSec, 3),
    stageMsPerPhoto: stageMs,
    memory: {
      numTensorsStart: memoryStart?.numTensors,
      numTensorsEnd: memoryEnd?.numTensors,
      tfBytesStart: memoryStart?.numBytes,
      tfBytesEnd: memoryEnd?.numBytes,
      rssStartMB: mb(rssStart),
      rssEndMB: mb(rssEnd),
      rssPeakMB: mb(rssPeak),
    },
  }),
);
