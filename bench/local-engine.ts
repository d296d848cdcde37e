// Benchmark of the local engine: accuracy on a labelled folder (recall/precision of COCO objects,
// faces, concepts), photos/s of the whole pipeline (decode in this thread + inference in the
// worker pool) against model-only inference on the same prepared inputs in the same run,
// per-photo ms of each stage, and memory (tf.memory in the worker, RSS) over N photos.
//   node bin/run-ts.js bench/local-engine.ts [--dir D] [--labels L] [--repeat N] [--workers W]
//     [--blocks B] [--no-flip] [--no-tiles]   (--repeat 200 on the 10 samples = 2,000 photos)
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
    // Alternating blocks of model-only and pipeline runs over all photos, for the speed ratio.
    blocks: { type: 'string', default: '2' },
    // Long memory runs on a busy machine may use the single full-view pass (same code paths).
    'no-flip': { type: 'boolean', default: false },
    'no-tiles': { type: 'boolean', default: false },
  },
});

const dir = resolve(args.dir);
const labelsPath = resolve(args.labels ?? join(dir, '..', 'labels.json'));
const repeat = Math.max(1, Number(args.repeat));
const workers = Math.max(1, Number(args.workers));
const modelRounds = Math.max(1, Number(args.blocks));
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

function runModelOnly(): number {
  const started = performance.now();
  for (const { input } of prepared) {
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
  }
  return performance.now() - started;
}

// ---- 2. Pipeline: decode here while the worker pool infers; `concurrency` requests in flight.
const engine = createLocalEngine({ workers, prepare: prepareOptions });
const firstAnswers = new Map<string, EngineAnswer>();
const stages = {
  decode: [] as number[],
  prepare: [] as number[],
  infer: [] as number[],
  postprocess: [] as number[],
  wait: [] as number[],
};
let failures = 0;
let rssPeak = process.memoryUsage().rss;

async function runPipeline(files: readonly string[]): Promise<number> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: engine.concurrency }, async () => {
      while (next < files.length) {
        const file = files[next++] ?? '';
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
          console.log(`${done}/${files.length} photos, rss ${mb(rss)} MB`);
        }
      }
    }),
  );
  return performance.now() - started;
}

// Warm the worker (model load, first-run kernels) before timing, as for the model-only run.
await engine.tagWithTimings(join(dir, photos[0] ?? ''));
const [memoryStart] = await engine.memory();
const rssStart = process.memoryUsage().rss;

// Speed: model-only and pipeline alternate in blocks over the same photos, so a change in the
// machine's load during the run affects both sides alike (the ratio is what matters).
let modelMs = 0;
let pipelineMs = 0;
for (let block = 0; block < modelRounds; block++) {
  modelMs += runModelOnly();
  pipelineMs += await runPipeline(photos);
}
models.dispose();
const timedPhotos = photos.length * modelRounds;
const modelOnlyPhotosPerSec = (timedPhotos * 1000) / modelMs;
const pipelinePhotosPerSec = (timedPhotos * 1000) / pipelineMs;

// Memory: keep going to photos × repeat in total, then read tf.memory and RSS again.
const remaining = Math.max(0, photos.length * repeat - timedPhotos);
const memoryRunMs = await runPipeline(
  Array.from({ length: remaining }, (_, i) => photos[i % photos.length] ?? ''),
);
const totalPhotos = timedPhotos + remaining;
const [memoryEnd] = await engine.memory();
const rssEnd = process.memoryUsage().rss;
rssPeak = Math.max(rssPeak, rssEnd);
await engine.close();

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
  `pipeline: ${timedPhotos} photos in ${Math.round(pipelineMs)} ms = ${round(pipelinePhotosPerSec, 2)}/s; ` +
    `model-only ${round(modelOnlyPhotosPerSec, 2)}/s; ratio ${round(pipelinePhotosPerSec / modelOnlyPhotosPerSec, 3)}`,
);
console.log(
  JSON.stringify({
    bench: 'local-engine',
    model: localModelName,
    dir,
    photos: photos.length,
    timedPhotos,
    totalPhotos,
    memoryRunPhotosPerSec: remaining > 0 ? round((remaining * 1000) / memoryRunMs, 3) : null,
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
