// The runner with a REAL async engine (the Volcengine client, its photo hosted on a real
// S3-compatible server) against the Volcengine emulator on 127.0.0.1: what the runner does
// when the service reports that a submitted task failed. The emulator's call log is the
// witness: see [Note: A failed async task is submitted again] in main/engines/engine.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import type { TaggingEngine } from '../../main/engines/engine.ts';
import type { EngineId } from '../../main/engines/tag-model.ts';
import { createVolcengineEngine } from '../../main/engines/volcengine/volcengine-engine.ts';
import { volcengineSettingsSchema } from '../../main/engines/volcengine/volcengine-settings.ts';
import { EngineLimiterRegistry } from '../../main/jobs/engine-limiter.ts';
import { countJobs, enqueueTag } from '../../main/catalog/job-queue.ts';
import { JobRunner } from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';
import { colourTagger, solidJpeg } from '../emulators/volcengine/colour-tagger.ts';
import {
  startVolcengineEmulator,
  type VolcengineEmulator,
} from '../../main/emulators/volcengine/volcengine-emulator.ts';
import { startS3rver, type S3Fixture } from '../engines/hosting/s3rver-fixture.ts';

let emulator: VolcengineEmulator;
let s3: S3Fixture;
let dir: string;
let db: Catalog;

beforeAll(async () => {
  // The colour tagger (red = a person-like subject): the runner is under test, not the model.
  emulator = await startVolcengineEmulator({ tagger: colourTagger, queueMs: 50, generateMs: 50 });
  s3 = await startS3rver();
});
afterAll(async () => {
  await emulator.close();
  await s3.close();
});
beforeEach(async () => {
  emulator.kit.clearCalls();
  dir = mkdtempSync(join(tmpdir(), 'tujian-runner-async-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  db.prepare(
    `INSERT INTO folders (id, path, engines, added_at) VALUES (1, ?, '["volcengine"]', 0)`,
  ).run(dir);
  await writeFile(join(dir, 'red.jpg'), await solidJpeg(800, 600, { r: 230, g: 20, b: 30 }));
  db.prepare(`INSERT INTO contents (id, hash, size, created_at) VALUES (1, ?, 1, 0)`).run(
    'b2'.repeat(32),
  );
  db.prepare(
    `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (1, 'red.jpg', 1, 0, 1, 'ok')`,
  ).run();
  enqueueTag(db, 1, 'volcengine', 0);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function runner(): JobRunner {
  const settings = volcengineSettingsSchema.parse({
    endpoint: emulator.baseUrl,
    ...emulator.credentials,
    hosting: s3.settings,
    pollIntervalMs: 100,
    timeoutMs: 2000,
  });
  return new JobRunner({
    db,
    log: silentLogger,
    ingestPhoto: () => Promise.reject(new Error('not used')),
    engines: new Map<EngineId, TaggingEngine>([
      ['volcengine', createVolcengineEngine({ settings })],
    ]),
    limiters: new EngineLimiterRegistry(),
    limits: { volcengine: { qps: 50, concurrency: 2 } },
    firstPollDelayMs: 20,
    policy: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50, maxResubmits: 1 },
  });
}

const submits = () => emulator.kit.calls().filter((c) => c.route === 'CVSubmitTask');

describe(`${JobRunner.name} with the Volcengine emulator`, () => {
  it.each([50511, 50500, 50501] as const)(
    'submits a new task when the service reports the task failed with a retryable %i',
    async (code) => {
      emulator.failNextTasks(code);
      await runner().runUntilIdle();
      expect(countJobs(db)).toEqual([]);
      const tags = db
        .prepare(
          `SELECT t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.engine = 'volcengine'`,
        )
        .all();
      expect(tags).toEqual([{ name: 'person-like subject' }]);
      // One failed task, one new task that answered; the dead task was polled only once.
      expect(submits().map((c) => c.outcome)).toEqual(['ok', 'ok']);
      const failedPolls = emulator.kit.calls().filter((c) => c.outcome === String(code));
      expect(failedPolls).toHaveLength(1);
    },
  );

  it('fails the job on a task failure the seed says not to retry (50411), after one task', async () => {
    emulator.failNextTasks(50411);
    await runner().runUntilIdle();
    expect(countJobs(db)).toMatchObject([{ engine: 'volcengine', failed: 1 }]);
    expect(submits()).toHaveLength(1);
  });

  it('gives a failing task its own allowance: after maxTaskFailures new tasks the job fails', async () => {
    // The first task and the three new ones of the default allowance all fail.
    emulator.failNextTasks(50511, 4);
    await runner().runUntilIdle();
    expect(countJobs(db)).toMatchObject([{ engine: 'volcengine', failed: 1 }]);
    // Each task was polled once: no task was polled after it had failed.
    expect(submits()).toHaveLength(4);
    expect(emulator.kit.calls().filter((c) => c.outcome === '50511')).toHaveLength(4);
  });
});
