// The runner with the vision-language model engine against its emulator (a real HTTP server on
// 127.0.0.1): the same queue, limits and crash-safety as the cloud engines. The emulator's call
// log is the witness that each photo is looked at once, and that a model server that is not
// running stops the engine once instead of failing every photo.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import { countJobs, enqueueTag } from '../../main/catalog/job-queue.ts';
import type { TaggingEngine } from '../../main/engines/engine.ts';
import type { EngineId } from '../../main/engines/tag-model.ts';
import { createVlmEngine } from '../../main/engines/vlm/vlm-engine.ts';
import { duplicatePaidCalls } from '../../main/emulators/emulator-kit.ts';
import { tagPixelRegions } from '../../main/emulators/huawei/pixel-region-tagger.ts';
import { startVlmEmulator, type VlmEmulator } from '../../main/emulators/vlm/vlm-emulator.ts';
import { EngineLimiterRegistry } from '../../main/jobs/engine-limiter.ts';
import { readJobControls } from '../../main/jobs/job-controls.ts';
import { JobRunner } from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';

let emulator: VlmEmulator;
let dir: string;
let db: Catalog;
const photoCount = 8;

beforeAll(async () => {
  emulator = await startVlmEmulator({ tagger: tagPixelRegions });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  emulator.kit.clearFaults();
  emulator.kit.clearCalls();
  dir = mkdtempSync(join(tmpdir(), 'tujian-runner-vlm-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  db.prepare(`INSERT INTO folders (id, path, engines, added_at) VALUES (1, ?, '["vlm"]', 0)`).run(
    dir,
  );
  for (let i = 1; i <= photoCount; i++) {
    const name = `p${String(i)}.jpg`;
    // A coloured square on grey, so the pixel tagger has an object and a colour to report.
    const square = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 200, g: i * 25, b: 30 } },
    })
      .png()
      .toBuffer();
    await sharp({ create: { width: 96, height: 64, channels: 3, background: '#808080' } })
      .composite([{ input: square, left: 20 + i, top: 12 }])
      .jpeg()
      .toFile(join(dir, name));
    db.prepare(`INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, 1, 0)`).run(
      i,
      `hash-${String(i)}`,
    );
    db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (1, ?, 1, 0, ?, 'ok')`,
    ).run(name, i);
    enqueueTag(db, i, 'vlm', 0);
  }
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function runner(endpoint: string): JobRunner {
  const engine = createVlmEngine({
    protocol: 'ollama',
    endpoint,
    model: 'emulated-vl',
    threshold: 0,
  });
  return new JobRunner({
    db,
    log: silentLogger,
    ingestPhoto: () => Promise.reject(new Error('not used')),
    engines: new Map<EngineId, TaggingEngine>([['vlm', engine]]),
    limiters: new EngineLimiterRegistry(),
    limits: { vlm: { qps: 100, concurrency: 2 } },
    policy: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50, maxResubmits: 1 },
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });
}

describe(`${JobRunner.name} with the vision-language model emulator`, () => {
  it('tags every photo through 5xx and 429, each photo looked at once, no boxes stored', async () => {
    emulator.kit.setFaults({
      faults: [
        { kind: 'server-error', route: 'ollama-chat', status: 500, times: 2 },
        { kind: 'throttle', route: 'ollama-chat', retryAfterSeconds: 0, times: 2 },
      ],
    });
    await runner(emulator.ollamaUrl).runUntilIdle();
    expect(countJobs(db)).toEqual([]);
    const tagged = db
      .prepare(`SELECT COUNT(DISTINCT content_id) FROM photo_tags WHERE engine = 'vlm'`)
      .pluck()
      .get();
    expect(tagged).toBe(photoCount);
    expect(db.prepare(`SELECT COUNT(*) FROM tag_boxes WHERE engine = 'vlm'`).pluck().get()).toBe(0);
    expect(duplicatePaidCalls(emulator.kit.calls()).size).toBe(0);

    // A second run has nothing to do: nothing is sent again.
    emulator.kit.clearCalls();
    for (let i = 1; i <= photoCount; i++) enqueueTag(db, i, 'vlm', 0);
    await runner(emulator.ollamaUrl).runUntilIdle();
    expect(emulator.kit.calls().filter((c) => c.route === 'ollama-chat')).toHaveLength(0);
  });

  it('stops the engine once when no model server runs; the photos stay queued', async () => {
    const port = await freePort();
    await runner(`http://127.0.0.1:${String(port)}`).runUntilIdle();
    expect(readJobControls(db).stopped.get('vlm')?.code).toBe('server-not-running');
    expect(countJobs(db)).toMatchObject([{ engine: 'vlm', queued: photoCount, failed: 0 }]);
  });
});
