// The runner with a REAL cloud engine (Huawei Image Tagging V2 client) against its emulator
// (a real HTTP server on 127.0.0.1): the emulator's call log is the witness for "no retry
// storm" and "never pay twice".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import type { TaggingEngine } from '../../main/engines/engine.ts';
import { createHuaweiEngine } from '../../main/engines/huawei/huawei-engine.ts';
import { type HttpSend, sendHttp } from '../../main/engines/huawei/huawei-http.ts';
import { huaweiProfile } from '../../main/engines/huawei/huawei-profile.ts';
import type { EngineId } from '../../main/engines/tag-model.ts';
import { EngineLimiterRegistry } from '../../main/jobs/engine-limiter.ts';
import { readJobControls } from '../../main/jobs/job-controls.ts';
import { countJobs, enqueueTag } from '../../main/jobs/job-queue.ts';
import { JobRunner, type RunnerEvent } from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';
import { duplicatePaidCalls } from '../../main/emulators/emulator-kit.ts';
import {
  type HuaweiEmulator,
  startHuaweiEmulator,
} from '../../main/emulators/huawei/huawei-emulator.ts';
import { createServer } from 'node:net';

let emulator: HuaweiEmulator;
let dir: string;
let db: Catalog;
const photoCount = 12;

beforeAll(async () => {
  // The fast pixel-region tagger: the runner's decisions are under test, not the model.
  emulator = await startHuaweiEmulator({ tagger: 'pixels' });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  emulator.clearFaults();
  emulator.clearCalls();
  dir = mkdtempSync(join(tmpdir(), 'tujian-runner-cloud-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  db.prepare(
    `INSERT INTO folders (id, path, engines, added_at) VALUES (1, ?, '["huawei"]', 0)`,
  ).run(dir);
  for (let i = 1; i <= photoCount; i++) {
    const name = `p${String(i)}.jpg`;
    await sharp({
      create: {
        width: 64,
        height: 48,
        channels: 3,
        background: { r: i * 20, g: 40, b: 200 - i * 10 },
      },
    })
      .jpeg()
      .toFile(join(dir, name));
    db.prepare(`INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, 1, 0)`).run(
      i,
      `hash-${String(i)}`,
    );
    db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (1, ?, 1, 0, ?, 'ok')`,
    ).run(name, i);
    enqueueTag(db, i, 'huawei', 0);
  }
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function runner(sk: string): JobRunner {
  const c = emulator.credentials;
  const engine = createHuaweiEngine({
    endpoint: emulator.baseUrl,
    iamEndpoint: emulator.baseUrl,
    projectId: c.projectId,
    auth: { kind: 'aksk', ak: c.ak, sk },
    qps: 100,
    concurrency: 10,
    requestTimeoutMs: 5000,
  });
  return new JobRunner({
    db,
    log: silentLogger,
    ingestPhoto: () => Promise.reject(new Error('not used')),
    engines: new Map<EngineId, TaggingEngine>([['huawei', engine]]),
    limiters: new EngineLimiterRegistry(),
    limits: { huawei: { qps: 100, concurrency: 10 } },
    policy: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50, maxResubmits: 1 },
  });
}

describe(`${JobRunner.name} with the Huawei emulator`, () => {
  it('a wrong secret key stops the engine after at most `concurrency` calls (here: one probe)', async () => {
    await runner('wrong-secret-key-0123456789').runUntilIdle();
    const tagging = emulator.calls().filter((c) => c.route === 'image-tagging');
    expect(tagging.length).toBeGreaterThanOrEqual(1);
    expect(tagging.length).toBeLessThanOrEqual(10);
    expect(tagging.every((c) => c.outcome === 'APIG.0301')).toBe(true);
    expect(readJobControls(db).stopped.get('huawei')?.code).toBe('APIG.0301');
    expect(countJobs(db)).toMatchObject([{ engine: 'huawei', queued: photoCount, failed: 0 }]);

    // A restart with the same wrong key sends nothing at all (the AK would lock after 5).
    emulator.clearCalls();
    await runner('wrong-secret-key-0123456789').runUntilIdle();
    expect(emulator.calls()).toHaveLength(0);
  });

  it('tags everything through injected 429s and 5xx, each content paid once', async () => {
    emulator.setFaults({
      faults: [
        { kind: 'throttle', route: 'image-tagging', probability: 0.2 },
        { kind: 'server-error', route: 'image-tagging', status: 500, probability: 0.15 },
      ],
    });
    await runner(emulator.credentials.sk).runUntilIdle();
    expect(countJobs(db)).toEqual([]);
    const tagged = db
      .prepare(`SELECT COUNT(*) AS n FROM engine_results WHERE engine = 'huawei'`)
      .get() as { n: number };
    expect(tagged.n).toBe(photoCount);
    const paid = emulator.calls().filter((c) => c.paid && c.delivered);
    expect(paid).toHaveLength(photoCount);
    expect(duplicatePaidCalls(emulator.calls()).size).toBe(0);
  });
});

/** A 127.0.0.1 port nobody listens on: bound, then closed, so connections are refused. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe(`${JobRunner.name} with a Huawei engine past its end of service`, () => {
  const endOfService = Date.parse(`${huaweiProfile.retirement.endOfService}T00:00:00Z`);
  const day = 24 * 3600_000;

  /** A runner whose Huawei engine sees `clock` and whose every HTTP send is counted. */
  function retiredRunner(endpoint: string, clock: number, sends: string[]) {
    const c = emulator.credentials;
    const countingSend: HttpSend = (exchange) => {
      sends.push(exchange.url);
      return sendHttp(exchange);
    };
    const engine = createHuaweiEngine(
      {
        endpoint,
        iamEndpoint: endpoint,
        projectId: c.projectId,
        auth: { kind: 'aksk', ak: c.ak, sk: c.sk },
        qps: 100,
        concurrency: 10,
        requestTimeoutMs: 5000,
      },
      { send: countingSend, now: () => clock },
    );
    const events: RunnerEvent[] = [];
    const run = new JobRunner({
      db,
      log: silentLogger,
      ingestPhoto: () => Promise.reject(new Error('not used')),
      engines: new Map<EngineId, TaggingEngine>([['huawei', engine]]),
      limiters: new EngineLimiterRegistry(),
      limits: { huawei: { qps: 100, concurrency: 10 } },
      policy: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50, maxResubmits: 1 },
      onEvent: (event) => events.push(event),
    });
    return { run, events };
  }

  it('an unreachable endpoint (connection refused) stops the engine once, naming the retirement, with no per-photo retries', async () => {
    const endpoint = `http://127.0.0.1:${String(await refusedPort())}`;
    const sends: string[] = [];
    const { run, events } = retiredRunner(endpoint, endOfService + 2 * day, sends);
    await run.runUntilIdle();

    const stops = events.filter((e) => e.type === 'engine-stopped');
    expect(stops).toHaveLength(1);
    const stop = readJobControls(db).stopped.get('huawei');
    expect(stop?.code).toBe('engine.retired');
    expect(stop?.reason).toContain('2026-12-30');
    expect(stop?.reason).toContain('tujian engines migrate huawei --to');
    // At most the calls already in flight when the first one failed, each photo at most once.
    expect(sends.length).toBeGreaterThanOrEqual(1);
    expect(sends.length).toBeLessThanOrEqual(10);
    const attempts = db
      .prepare(`SELECT MAX(attempts) AS most FROM jobs WHERE engine = 'huawei'`)
      .get() as { most: number };
    expect(attempts.most).toBeLessThanOrEqual(1);
    expect(countJobs(db)).toMatchObject([{ engine: 'huawei', queued: photoCount, failed: 0 }]);

    // The next run sends nothing: the stop is persisted, not retried run by run.
    sends.length = 0;
    await retiredRunner(endpoint, endOfService + 3 * day, sends).run.runUntilIdle();
    expect(sends).toHaveLength(0);
  });

  it('a gateway answering APIG.0101 (the API is gone) after the date stops it the same way', async () => {
    const sends: string[] = [];
    const { run, events } = retiredRunner(
      `${emulator.baseUrl}/retired-service`,
      endOfService + day,
      sends,
    );
    await run.runUntilIdle();
    expect(events.filter((e) => e.type === 'engine-stopped')).toHaveLength(1);
    expect(readJobControls(db).stopped.get('huawei')?.code).toBe('engine.retired');
    expect(sends.length).toBeLessThanOrEqual(10);
  });

  it('before the date, a refused connection is an ordinary network failure and is retried', async () => {
    const endpoint = `http://127.0.0.1:${String(await refusedPort())}`;
    const sends: string[] = [];
    const { run } = retiredRunner(endpoint, endOfService - 23 * day, sends);
    await run.runUntilIdle();
    expect(readJobControls(db).stopped.has('huawei')).toBe(false);
    // Each photo tried until its attempts ran out: the retirement rule did not apply.
    expect(sends.length).toBe(photoCount * 6);
    const codes = db
      .prepare(`SELECT DISTINCT last_error_code AS code FROM jobs WHERE engine = 'huawei'`)
      .all() as { code: string }[];
    expect(codes.map((r) => r.code)).toEqual(['client.refused']);
  });
});
