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
import type { EngineId } from '../../main/engines/tag-model.ts';
import { EngineLimiterRegistry } from '../../main/jobs/engine-limiter.ts';
import { readJobControls } from '../../main/jobs/job-controls.ts';
import { countJobs, enqueueTag } from '../../main/catalog/job-queue.ts';
import { JobRunner } from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';
import { duplicatePaidCalls } from '../../main/emulators/emulator-kit.ts';
import {
  type HuaweiEmulator,
  startHuaweiEmulator,
} from '../../main/emulators/huawei/huawei-emulator.ts';

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
