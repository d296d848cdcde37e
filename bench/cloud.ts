// Sustained tagging rate against a rate-limited cloud service (issue 5, issue 13):
//   node bin/run-ts.js bench/cloud.ts [--engine huawei|tencent|baidu] [--photos 5000]
//     [--qps 50] [--fault-rate 0.1] [--service-qps N (default: = --qps)] [--concurrency 10]
// The engine's emulator (a real HTTP server on 127.0.0.1, signatures or tokens checked)
// enforces a per-key QPS limit and injects the vendor's throttling answer (Huawei APIG.0308,
// Tencent RequestLimitExceeded, Baidu 18) and 5xx answers on `--fault-rate` of the calls (half
// each); the engine's REAL client and the job runner (shared limiter, retry
// policy with its default backoff) tag `--photos` generated images. The emulator tags with its
// cheap deterministic pixel-region tagger, not the on-device model (said in the JSON), so the
// service is never the bottleneck. Photos are inserted into the catalog directly (real sha256
// of the real files) instead of going through ingest: the subject is the cloud lane.
// Prints progress on stderr and ONE JSON object as its last line.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openCatalog } from '../main/catalog/catalog-connection.ts';
import type { TaggingEngine } from '../main/engines/engine.ts';
import { createBaiduEngine } from '../main/engines/baidu/baidu-engine.ts';
import { createHuaweiEngine } from '../main/engines/huawei/huawei-engine.ts';
import { createTencentEngine } from '../main/engines/tencent/tencent-engine.ts';
import type { EngineId } from '../main/engines/tag-model.ts';
import { EngineLimiterRegistry } from '../main/jobs/engine-limiter.ts';
import { countJobs, enqueueTag } from '../main/catalog/job-queue.ts';
import { JobRunner, type RunnerEvent } from '../main/jobs/job-runner.ts';
import { silentLogger } from '../main/util/logger.ts';
import {
  type CallRecord,
  duplicatePaidCalls,
  type FaultConfig,
} from '../main/emulators/emulator-kit.ts';
import { startBaiduEmulator } from '../main/emulators/baidu/baidu-emulator.ts';
import { startHuaweiEmulator } from '../main/emulators/huawei/huawei-emulator.ts';
import { startTencentEmulator } from '../main/emulators/tencent/tencent-emulator.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '5000' },
    qps: { type: 'string', default: '50' },
    'service-qps': { type: 'string' },
    'fault-rate': { type: 'string', default: '0.1' },
    concurrency: { type: 'string', default: '10' },
    engine: { type: 'string', default: 'huawei' },
  },
});
const photoCount = Number(values.photos);
const qps = Number(values.qps);
const serviceQps = Number(values['service-qps'] ?? values.qps);
const faultRate = Number(values['fault-rate']);
const concurrency = Number(values.concurrency);
const progress = (line: string) => process.stderr.write(`${line}\n`);

/** One engine under test: its emulator, its real engine, and the route that tags (and bills). */
interface BenchTarget {
  readonly id: 'huawei' | 'tencent' | 'baidu';
  readonly description: string;
  readonly route: string;
  readonly setFaults: (config: FaultConfig) => void;
  readonly clearCalls: () => void;
  readonly calls: () => readonly CallRecord[];
  readonly close: () => Promise<void>;
  readonly engine: TaggingEngine;
}

// The engine has no limiter of its own: the runner's, one per engine, is measured.
async function startTarget(name: string): Promise<BenchTarget> {
  if (name === 'tencent') {
    const emulator = await startTencentEmulator({ tagger: 'pixels' });
    const c = emulator.credentials;
    return {
      id: 'tencent',
      description: 'tencent (real client, DetectLabelPro) vs Tencent tiia emulator on 127.0.0.1',
      route: 'tiia',
      ...emulator,
      engine: createTencentEngine({
        endpoint: emulator.baseUrl,
        region: c.region,
        secretId: c.secretId,
        secretKey: c.secretKey,
        qps: Math.min(qps, 20),
        concurrency: Math.min(concurrency, 20),
        // The bench photos are 64×48: below the recommended 50 px the engine would refuse them.
        minSide: 1,
        requestTimeoutMs: 30_000,
      }),
    };
  }
  if (name === 'baidu') {
    const emulator = await startBaiduEmulator({ tagger: 'pixels' });
    const c = emulator.credentials;
    return {
      id: 'baidu',
      description: 'baidu (real client, advanced_general) vs Baidu AI emulator on 127.0.0.1',
      route: 'advanced_general',
      ...emulator,
      engine: createBaiduEngine({
        endpoint: emulator.baseUrl,
        apiKey: c.apiKey,
        secretKey: c.secretKey,
        qps,
        concurrency: Math.min(concurrency, 20),
        requestTimeoutMs: 30_000,
      }),
    };
  }
  if (name !== 'huawei') throw new Error(`--engine must be huawei, tencent or baidu, not ${name}`);
  const emulator = await startHuaweiEmulator({ tagger: 'pixels' });
  const c = emulator.credentials;
  return {
    id: 'huawei',
    description: 'huawei (real client) vs Huawei Image Tagging V2 emulator on 127.0.0.1',
    route: 'image-tagging',
    ...emulator,
    engine: createHuaweiEngine({
      endpoint: emulator.baseUrl,
      iamEndpoint: emulator.baseUrl,
      projectId: c.projectId,
      auth: { kind: 'aksk', ak: c.ak, sk: c.sk },
      qps,
      concurrency,
      requestTimeoutMs: 30_000,
    }),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const work = mkdtempSync(join(tmpdir(), 'tujian-bench-cloud-'));
const folder = join(work, 'photos');
mkdirSync(folder);
const target = await startTarget(values.engine);
const engineId = target.id;
try {
  progress(`generating ${String(photoCount)} photos…`);
  const db = openCatalog(join(work, 'catalog.sqlite'));
  db.prepare(`INSERT INTO folders (id, path, engines, added_at) VALUES (1, ?, ?, 0)`).run(
    folder,
    JSON.stringify([engineId]),
  );
  const insertContent = db.prepare(
    `INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, ?, 0)`,
  );
  const insertPhoto = db.prepare(
    `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (1, ?, ?, 0, ?, 'ok')`,
  );
  for (let i = 0; i < photoCount; i++) {
    const name = `p${String(i).padStart(5, '0')}.jpg`;
    const path = join(folder, name);
    // A colour plus the index written as 16 black/white 4×4 blocks: every photo is distinct.
    const width = 64;
    const height = 48;
    const pixels = Buffer.alloc(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      pixels[p * 3] = (i * 37) % 256;
      pixels[p * 3 + 1] = (i * 91) % 256;
      pixels[p * 3 + 2] = (i * 13) % 256;
    }
    for (let bit = 0; bit < 16; bit++) {
      const value = (i >> bit) & 1 ? 255 : 0;
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) {
          const p = ((8 + y) * width + bit * 4 + x) * 3;
          pixels.fill(value, p, p + 3);
        }
    }
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(path);
    const bytes = readFileSync(path);
    const hash = createHash('sha256').update(bytes).digest('hex');
    insertContent.run(i + 1, hash, bytes.length);
    insertPhoto.run(name, bytes.length, i + 1);
  }
  const enqueuedAt = Date.now();
  db.transaction(() => {
    for (let i = 1; i <= photoCount; i++) enqueueTag(db, i, engineId, enqueuedAt);
  })();

  target.setFaults({
    qpsPerKey: serviceQps,
    faults: [
      { kind: 'throttle', route: target.route, probability: faultRate / 2 },
      { kind: 'server-error', route: target.route, status: 503, probability: faultRate / 2 },
    ],
  });
  target.clearCalls();
  const engine = target.engine;

  const started = new Map<number, number>();
  const latencies: number[] = [];
  const queueLatencies: number[] = [];
  const doneTimes: number[] = [];
  let failed = 0;
  let lastFreshStart = 0;
  const callMs: number[] = [];
  const onEvent = (event: RunnerEvent) => {
    if (event.type === 'call') callMs.push(event.ms);
    if (event.type === 'job-started' && event.attempt === 1) lastFreshStart = event.at;
    if (event.type === 'job-started' && !started.has(event.jobId))
      started.set(event.jobId, event.at);
    if (event.type !== 'job-finished' || event.kind !== 'tag' || event.jobId === undefined) return;
    if (event.outcome === 'failed') failed++;
    if (event.outcome !== 'done') return;
    const at = event.at ?? Date.now();
    doneTimes.push(at);
    latencies.push(at - (started.get(event.jobId) ?? at));
    queueLatencies.push(at - enqueuedAt);
    if (doneTimes.length % 500 === 0)
      progress(
        `${String(doneTimes.length)} tagged, ${String(Math.round((doneTimes.length * 1000) / (at - enqueuedAt)))}/s`,
      );
  };
  const runner = new JobRunner({
    db,
    log: silentLogger,
    ingestPhoto: () => Promise.reject(new Error('no ingest in this bench')),
    engines: new Map<EngineId, TaggingEngine>([[engineId, engine]]),
    limiters: new EngineLimiterRegistry(),
    limits: { [engineId]: { qps, concurrency } },
    onEvent,
  });
  const t0 = performance.now();
  await runner.runUntilIdle();
  const seconds = (performance.now() - t0) / 1000;

  const calls = target.calls().filter((call) => call.route === target.route);
  const qpsRejected = calls.filter((call) => call.outcome === 'fault:qps').length;
  const injected = calls.filter(
    (call) => call.outcome === 'fault:throttle' || call.outcome === 'fault:server-error',
  ).length;
  const callTimes = calls.map((call) => call.time).sort((a, b) => a - b);
  const callSpan = ((callTimes.at(-1) ?? 0) - (callTimes[0] ?? 0)) / 1000;
  // The saturated window: from the 10th call (after the probe call opened the lane) to the
  // last first attempt, while fresh photos were still waiting; after it, only retries that
  // wait out their backoff remain, and the lane is no longer rate-bound.
  doneTimes.sort((a, b) => a - b);
  const from = callTimes[9] ?? 0;
  const to = lastFreshStart;
  const steadyCalls = calls.filter((call) => call.time >= from && call.time <= to).length;
  const steadyRate = steadyCalls / Math.max(0.001, (to - from) / 1000);
  const overallRate = calls.length / Math.max(0.001, callSpan);
  const left = countJobs(db).reduce((n, row) => n + row.queued + row.running, 0);
  const withResult = (
    db.prepare(`SELECT COUNT(*) AS n FROM engine_results WHERE engine = ?`).get(engineId) as {
      n: number;
    }
  ).n;
  latencies.sort((a, b) => a - b);
  queueLatencies.sort((a, b) => a - b);
  db.close();
  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'cloud',
      engine: target.description,
      emulatorTagger: 'pixel-region tagger (cheap, deterministic; not the on-device model)',
      photos: photoCount,
      configuredQps: qps,
      serviceQpsLimit: serviceQps,
      concurrency,
      injectedFaultRate: faultRate,
      seconds: round(seconds, 1),
      calls: calls.length,
      injectedFaults: injected,
      serviceQpsRejections: qpsRejected,
      achievedCallRateSteady: round(steadyRate),
      achievedCallRateOverall: round(overallRate),
      rateRatio: round(steadyRate / qps, 3),
      rateRatioOverall: round(overallRate / qps, 3),
      photosPerSecond: round(withResult / seconds),
      tagged: withResult,
      failedJobs: failed,
      lostJobs: photoCount - withResult - failed - left,
      jobsLeft: left,
      duplicatePaidCalls: [...duplicatePaidCalls(target.calls()).values()].reduce(
        (n, k) => n + k - 1,
        0,
      ),
      p50CallMs: percentile(
        [...callMs].sort((a, b) => a - b),
        50,
      ),
      p95CallMs: percentile(
        [...callMs].sort((a, b) => a - b),
        95,
      ),
      p50JobMs: percentile(latencies, 50),
      p95JobMs: percentile(latencies, 95),
      p95QueueToDoneMs: percentile(queueLatencies, 95),
      latencyNote:
        'job = first claim to committed tags (limiter wait, prepare, HTTP, retries with backoff); queueToDone adds the wait in a queue of all photos enqueued at once',
    })}\n`,
  );
} finally {
  await target.close();
  rmSync(work, { recursive: true, force: true });
}
