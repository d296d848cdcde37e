// The job runner with each successor cloud engine (Tencent, Baidu) built from its real client
// against its emulator over HTTP on 127.0.0.1 — the same runner, limiter, budget and controls
// the seed engines run under, one suite for both engines. The emulators' call logs are the
// witness: per-folder opt-in, a wrong key stopping the engine after at most `concurrency`
// calls (and nothing sent after a restart), throttling and 5xx ridden out with every photo
// paid once, a daily budget counted in paid calls, a pause that sends nothing, and no second
// payment for content that already has this engine's result.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import { countJobs } from '../../main/catalog/job-queue.ts';
import type { TaggingEngine } from '../../main/engines/engine.ts';
import type { EngineId } from '../../main/engines/tag-model.ts';
import { createBaiduEngine } from '../../main/engines/baidu/baidu-engine.ts';
import { createTencentEngine } from '../../main/engines/tencent/tencent-engine.ts';
import { callsUsed, writeBudget } from '../../main/jobs/engine-budget.ts';
import { EngineLimiterRegistry } from '../../main/jobs/engine-limiter.ts';
import { readJobControls, setJobsPaused } from '../../main/jobs/job-controls.ts';
import { enqueueTaggingFor, JobRunner } from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';
import {
  type CallRecord,
  duplicatePaidCalls,
  type FaultConfig,
} from '../../main/emulators/emulator-kit.ts';
import { startBaiduEmulator } from '../../main/emulators/baidu/baidu-emulator.ts';
import { startTencentEmulator } from '../../main/emulators/tencent/tencent-emulator.ts';

interface Harness {
  readonly calls: () => readonly CallRecord[];
  readonly clearCalls: () => void;
  readonly setFaults: (config: FaultConfig) => void;
  readonly close: () => Promise<void>;
  /** The engine, with the right secret or a wrong one. */
  engine(secretOk: boolean): TaggingEngine;
  /** The route that tags (and is billed). */
  readonly paidRoute: string;
  /** The outcome a wrong secret gets. */
  readonly wrongSecretOutcome: string;
}

const concurrency = 4;

const engines: { id: 'tencent' | 'baidu'; start: () => Promise<Harness> }[] = [
  {
    id: 'tencent',
    start: async () => {
      const emulator = await startTencentEmulator({ tagger: 'pixels' });
      const c = emulator.credentials;
      return {
        calls: emulator.calls,
        clearCalls: emulator.clearCalls,
        setFaults: emulator.setFaults,
        close: emulator.close,
        paidRoute: 'tiia',
        wrongSecretOutcome: 'AuthFailure.SignatureFailure',
        engine: (secretOk) =>
          createTencentEngine({
            endpoint: emulator.baseUrl,
            region: c.region,
            secretId: c.secretId,
            secretKey: secretOk ? c.secretKey : 'wrong-secret-key-0123',
            qps: 20,
            concurrency,
            requestTimeoutMs: 5000,
          }),
      };
    },
  },
  {
    id: 'baidu',
    start: async () => {
      const emulator = await startBaiduEmulator({ tagger: 'pixels' });
      const c = emulator.credentials;
      return {
        calls: emulator.calls,
        clearCalls: emulator.clearCalls,
        setFaults: emulator.setFaults,
        close: emulator.close,
        paidRoute: 'advanced_general',
        wrongSecretOutcome: 'invalid_client',
        engine: (secretOk) =>
          createBaiduEngine({
            endpoint: emulator.baseUrl,
            apiKey: c.apiKey,
            secretKey: secretOk ? c.secretKey : 'wrong-secret-key-0123',
            qps: 20,
            concurrency,
            requestTimeoutMs: 5000,
          }),
      };
    },
  },
];

describe.each(engines)(
  `${JobRunner.name} with the $id engine and its emulator`,
  ({ id, start }) => {
    let harness: Harness;
    let dir: string;
    let db: Catalog;
    const photoCount = 10;

    beforeAll(async () => {
      harness = await start();
    });
    afterAll(async () => {
      await harness.close();
    });
    beforeEach(async () => {
      harness.setFaults({ faults: [] });
      harness.clearCalls();
      dir = mkdtempSync(join(tmpdir(), `tujian-runner-${id}-`));
      db = openCatalog(join(dir, 'catalog.sqlite'));
      // Folder 1 opted in to the engine, folder 2 did not (the local engine only).
      db.prepare(`INSERT INTO folders (id, path, engines, added_at) VALUES (1, ?, ?, 0)`).run(
        join(dir, 'on'),
        JSON.stringify([id]),
      );
      db.prepare(
        `INSERT INTO folders (id, path, engines, added_at) VALUES (2, ?, '["local"]', 0)`,
      ).run(join(dir, 'off'));
      mkdirSync(join(dir, 'on'));
      mkdirSync(join(dir, 'off'));
      for (let i = 1; i <= photoCount + 2; i++) {
        const name = `p${String(i)}.jpg`;
        // The last two photos live in the folder that did not opt in.
        const folder = i <= photoCount ? 1 : 2;
        await sharp({
          create: {
            width: 96,
            height: 64,
            channels: 3,
            background: { r: i * 20, g: 60, b: 220 - i * 15 },
          },
        })
          .jpeg()
          .toFile(join(dir, folder === 1 ? 'on' : 'off', name));
        db.prepare(`INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, 1, 0)`).run(
          i,
          `hash-${String(i)}`,
        );
        db.prepare(
          `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, ?, 1, 0, ?, 'ok')`,
        ).run(folder, name, i);
      }
    });
    afterEach(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    function runner(engine: TaggingEngine): JobRunner {
      return new JobRunner({
        db,
        log: silentLogger,
        ingestPhoto: () => Promise.reject(new Error('not used')),
        engines: new Map<EngineId, TaggingEngine>([[id, engine]]),
        limiters: new EngineLimiterRegistry(),
        limits: { [id]: { qps: 20, concurrency } },
        policy: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 40, maxResubmits: 1 },
      });
    }

    function enqueueAll(engine: TaggingEngine): number {
      let queued = 0;
      for (let i = 1; i <= photoCount + 2; i++)
        queued += enqueueTaggingFor(db, i, new Map<EngineId, TaggingEngine>([[id, engine]]));
      return queued;
    }

    const tagged = () =>
      (
        db.prepare(`SELECT COUNT(*) AS n FROM engine_results WHERE engine = ?`).get(id) as {
          n: number;
        }
      ).n;
    const paidCalls = () =>
      harness.calls().filter((c) => c.route === harness.paidRoute && c.paid && c.delivered);

    it('queues only the opted-in folder, rides out throttling and 5xx, pays each photo once, and never again', async () => {
      const engine = harness.engine(true);
      expect(enqueueAll(engine)).toBe(photoCount);
      harness.setFaults({
        faults: [
          { kind: 'throttle', route: harness.paidRoute, probability: 0.2 },
          { kind: 'server-error', route: harness.paidRoute, status: 503, probability: 0.15 },
        ],
      });
      await runner(engine).runUntilIdle();
      expect(countJobs(db)).toEqual([]);
      expect(tagged()).toBe(photoCount);
      expect(paidCalls()).toHaveLength(photoCount);
      expect(duplicatePaidCalls(harness.calls()).size).toBe(0);
      // Nothing is queued again for content that has this engine's result.
      expect(enqueueAll(engine)).toBe(0);
    });

    it('a wrong secret stops the engine after at most `concurrency` calls; a restart sends nothing', async () => {
      enqueueAll(harness.engine(false));
      await runner(harness.engine(false)).runUntilIdle();
      const sent = harness.calls().filter((c) => c.outcome === harness.wrongSecretOutcome);
      expect(sent.length).toBeGreaterThanOrEqual(1);
      expect(sent.length).toBeLessThanOrEqual(concurrency);
      expect(harness.calls().every((c) => !c.paid)).toBe(true);
      expect(readJobControls(db).stopped.get(id)?.code).toBe(harness.wrongSecretOutcome);
      expect(countJobs(db)).toMatchObject([{ engine: id, queued: photoCount, failed: 0 }]);
      harness.clearCalls();
      await runner(harness.engine(false)).runUntilIdle();
      expect(harness.calls()).toHaveLength(0);
    });

    it('stops at the daily budget, counted in paid calls', async () => {
      const engine = harness.engine(true);
      enqueueAll(engine);
      writeBudget(db, id, { perDay: 3 });
      await runner(engine).runUntilIdle();
      expect(paidCalls()).toHaveLength(3);
      expect(callsUsed(db, id).today).toBe(3);
      expect(tagged()).toBe(3);
      expect(countJobs(db)).toMatchObject([{ engine: id, queued: photoCount - 3 }]);
    });

    it('sends nothing while the engine is paused', async () => {
      const engine = harness.engine(true);
      enqueueAll(engine);
      setJobsPaused(db, id, true);
      await runner(engine).runUntilIdle();
      expect(harness.calls()).toHaveLength(0);
      setJobsPaused(db, id, false);
      await runner(engine).runUntilIdle();
      expect(tagged()).toBe(photoCount);
    });
  },
);
