// The runner's orchestration is tested with small in-test engines: the decisions under test
// (retry classes, never paying twice, async resumption) are the runner's, not an engine's.
// Real engines are exercised against their emulators in test/engines/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import { listContentTags } from '../../main/catalog/photo-tags.ts';
import {
  type AsyncEngine,
  EngineError,
  type SyncEngine,
  type TaggingEngine,
} from '../../main/engines/engine.ts';
import type { EngineAnswer, EngineId } from '../../main/engines/tag-model.ts';
import { countJobs, enqueueIngest, listFailedJobs } from '../../main/jobs/job-queue.ts';
import { callsUsed, writeBudget } from '../../main/jobs/engine-budget.ts';
import { EngineLimiterRegistry } from '../../main/jobs/engine-limiter.ts';
import { clearEngineStop, readJobControls, setJobsPaused } from '../../main/jobs/job-controls.ts';
import {
  type IngestOutcome,
  JobRunner,
  type JobRunnerDeps,
  type RunnerEvent,
} from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-runner-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  db.prepare(
    `INSERT INTO folders (id, path, engines, added_at) VALUES (1, ?, '["local","volcengine"]', 0)`,
  ).run(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const fastPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxResubmits: 1 };

function addPhotos(hashes: string[]): void {
  hashes.forEach((hash, i) => {
    db.prepare(
      "INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, status) VALUES (?, 1, ?, 1, 0, 'pending')",
    ).run(i + 1, `p${String(i + 1)}.jpg`);
    enqueueIngest(db, i + 1);
  });
}

/** Ingest as the library does, minus the file work: link the photo to a content by hash. */
function ingestByHash(hashes: string[]) {
  return (photoId: number): Promise<IngestOutcome> => {
    const hash = hashes[photoId - 1] ?? '';
    db.prepare(
      'INSERT INTO contents (hash, size, created_at) VALUES (?, 1, 0) ON CONFLICT (hash) DO NOTHING',
    ).run(hash);
    const content = db
      .prepare<[string], { id: number }>('SELECT id FROM contents WHERE hash = ?')
      .get(hash);
    if (!content) throw new Error('no content');
    db.prepare("UPDATE photos SET content_id = ?, status = 'ok' WHERE id = ?").run(
      content.id,
      photoId,
    );
    return Promise.resolve({ status: 'ok', contentId: content.id, newContent: true });
  };
}

function dogAnswer(engine: EngineId): EngineAnswer {
  return {
    engine,
    model: 'm1',
    tags: [
      { name: 'dog', i18n: { zh: '狗', en: 'Dog' }, type: 'object', confidence: 90, instances: [] },
    ],
  };
}

function syncEngine(
  behaviour: (call: number) => EngineAnswer | Error,
  id: EngineId = 'local',
): SyncEngine & { calls: number; peak: number } {
  let inFlight = 0;
  const engine = {
    id,
    kind: 'sync' as const,
    limits: { formats: ['jpeg'] as const, maxSide: 4096, minSide: 1, input: 'pixels' as const },
    calls: 0,
    peak: 0,
    settingsKey: () => `${id}:m1`,
    async tag() {
      engine.calls++;
      inFlight++;
      engine.peak = Math.max(engine.peak, inFlight);
      const result = behaviour(engine.calls);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (result instanceof Error) throw result;
      return { ...result, engine: id };
    },
  };
  return engine;
}

/** Fast limits so tests do not wait on the documented QPS defaults. */
const fastLimits: JobRunnerDeps['limits'] = {
  huawei: { qps: 1000, concurrency: 4 },
  volcengine: { qps: 1000, concurrency: 4 },
  aliyun: { qps: 1000, concurrency: 4 },
};

function run(
  engines: Map<EngineId, TaggingEngine>,
  hashes: string[],
  events: RunnerEvent[] = [],
  extra: Partial<JobRunnerDeps> = {},
) {
  const runner = new JobRunner({
    db,
    log: silentLogger,
    ingestPhoto: ingestByHash(hashes),
    engines,
    policy: fastPolicy,
    firstPollDelayMs: 1,
    limiters: new EngineLimiterRegistry(),
    limits: fastLimits,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return runner;
}

describe(JobRunner.name, () => {
  it('ingests, then tags each distinct content once (duplicates are not paid twice)', async () => {
    const engine = syncEngine(() => dogAnswer('local'));
    addPhotos(['a', 'b', 'a']);
    await run(new Map([['local', engine]]), ['a', 'b', 'a']).runUntilIdle();
    expect(engine.calls).toBe(2);
    expect(countJobs(db)).toEqual([]);
    expect(listContentTags(db, 1).map((t) => t.zh)).toEqual(['狗']);
  });

  it('retries transient failures with backoff and fails permanent ones with the reason kept', async () => {
    const engine = syncEngine((call) =>
      call === 1
        ? new EngineError('local', '503', 'busy', 'retry')
        : call === 2
          ? dogAnswer('local')
          : new EngineError('local', 'AIS.0503', 'The image is damaged.', 'permanent'),
    );
    addPhotos(['a', 'b']);
    await run(new Map([['local', engine]]), ['a', 'b']).runUntilIdle();
    expect(engine.calls).toBe(3);
    expect(listFailedJobs(db)).toMatchObject([
      { code: 'AIS.0503', message: 'The image is damaged.' },
    ]);
  });

  it('gives up after the attempt cap', async () => {
    const engine = syncEngine(() => new EngineError('local', '500', 'down', 'retry'));
    addPhotos(['a']);
    await run(new Map([['local', engine]]), ['a']).runUntilIdle();
    expect(engine.calls).toBe(fastPolicy.maxAttempts);
    expect(listFailedJobs(db)).toHaveLength(1);
  });

  it('stops an engine on a credential error without a retry storm and keeps its jobs', async () => {
    const engine = syncEngine(
      () => new EngineError('local', 'APIG.0301', 'bad signature', 'stop-engine'),
    );
    addPhotos(['a', 'b', 'c']);
    const events: RunnerEvent[] = [];
    const runner = run(new Map([['local', engine]]), ['a', 'b', 'c'], events);
    await runner.runUntilIdle();
    // Two calls can be in flight when the first error arrives (lane concurrency 2); no more.
    expect(engine.calls).toBeLessThanOrEqual(2);
    expect(runner.stoppedEngines().get('local')).toBe('APIG.0301: bad signature');
    expect(events.filter((e) => e.type === 'engine-stopped')).toHaveLength(1);
    expect(countJobs(db).find((c) => c.kind === 'tag')).toMatchObject({ queued: 3, failed: 0 });
  });

  it('submits an async task once, polls it, and resubmits once when it expired', async () => {
    const submitted: string[] = [];
    const finished: string[] = [];
    let polls = 0;
    const engine: AsyncEngine = {
      id: 'volcengine',
      kind: 'async',
      limits: { formats: ['jpeg'], maxSide: 4096, minSide: 1, input: 'url' },
      settingsKey: () => 'volc:1',
      submit: () => {
        submitted.push(`t${String(submitted.length + 1)}`);
        return Promise.resolve({ taskId: submitted.at(-1) ?? '', cleanup: 'obj' });
      },
      poll: (taskId) => {
        polls++;
        if (taskId === 't1')
          return Promise.reject(
            new EngineError('volcengine', 'expired', 'task expired', 'resubmit'),
          );
        if (polls < 4) return Promise.resolve({ state: 'pending', retryAfterMs: 1 });
        return Promise.resolve({ state: 'done', answer: dogAnswer('volcengine') });
      },
      finish: (taskId, cleanup) => {
        finished.push(`${taskId}:${String(cleanup)}`);
        return Promise.resolve();
      },
    };
    addPhotos(['a']);
    await run(new Map([['volcengine', engine]]), ['a']).runUntilIdle();
    expect(submitted).toEqual(['t1', 't2']);
    // The expired task's hosted copy is removed too, not only the finished one's.
    expect(finished).toEqual(['t1:obj', 't2:obj']);
    expect(countJobs(db)).toEqual([]);
    expect(listContentTags(db, 1).map((t) => t.engine)).toEqual(['volcengine']);
  });

  it('sends ONE probe call to a cloud engine before opening up, so a bad key fails once', async () => {
    const engine = syncEngine(
      () =>
        new EngineError(
          'huawei',
          'APIG.0301',
          'Incorrect IAM authentication information',
          'stop-engine',
        ),
      'huawei',
    );
    db.prepare(`UPDATE folders SET engines = '["huawei"]'`).run();
    const hashes = ['a', 'b', 'c', 'd', 'e', 'f'];
    addPhotos(hashes);
    const events: RunnerEvent[] = [];
    await run(new Map([['huawei', engine]]), hashes, events).runUntilIdle();
    expect(engine.calls).toBe(1);
    expect(events.filter((e) => e.type === 'engine-stopped')).toHaveLength(1);
    expect(countJobs(db).find((c) => c.kind === 'tag')).toMatchObject({ queued: 6, failed: 0 });
  });

  it('keeps within the limiter concurrency once a call succeeded', async () => {
    const engine = syncEngine(() => dogAnswer('huawei'), 'huawei');
    db.prepare(`UPDATE folders SET engines = '["huawei"]'`).run();
    const hashes = Array.from({ length: 20 }, (_, i) => `h${String(i)}`);
    addPhotos(hashes);
    const events: RunnerEvent[] = [];
    await run(new Map([['huawei', engine]]), hashes, events, {
      limits: { huawei: { qps: 1000, concurrency: 3 } },
    }).runUntilIdle();
    expect(engine.calls).toBe(20);
    expect(engine.peak).toBe(3);
    const calls = events.filter((e) => e.type === 'call');
    expect(calls).toHaveLength(20);
    expect(calls.every((c) => c.engine === 'huawei' && c.call === 'tag' && c.ok)).toBe(true);
  });

  it('keeps an engine stopped across a restart until the stop is cleared or the settings change', async () => {
    let failing = true;
    const engine = syncEngine(
      () =>
        failing
          ? new EngineError('huawei', 'AIS.0004', 'The service is not subscribed.', 'stop-engine')
          : dogAnswer('huawei'),
      'huawei',
    );
    db.prepare(`UPDATE folders SET engines = '["huawei"]'`).run();
    addPhotos(['a', 'b']);
    const engines = new Map<EngineId, TaggingEngine>([['huawei', engine]]);
    await run(engines, ['a', 'b'], [], { fingerprints: { huawei: 'v1' } }).runUntilIdle();
    expect(engine.calls).toBe(1);
    expect(readJobControls(db).stopped.get('huawei')).toMatchObject({
      reason: 'AIS.0004: The service is not subscribed.',
      code: 'AIS.0004',
      fingerprint: 'v1',
    });

    // A restart with the same settings: the engine is not called at all.
    failing = false;
    const again = run(engines, ['a', 'b'], [], { fingerprints: { huawei: 'v1' } });
    expect(again.stoppedEngines().get('huawei')).toMatch(/AIS\.0004/);
    await again.runUntilIdle();
    expect(engine.calls).toBe(1);

    // The user says it is fixed.
    expect(clearEngineStop(db, 'huawei')).toBe(true);
    await run(engines, ['a', 'b']).runUntilIdle();
    expect(engine.calls).toBe(3);
    expect(countJobs(db)).toEqual([]);
  });

  it('clears a persisted stop when the engine settings changed since', async () => {
    const engine = syncEngine(
      (call) =>
        call === 1
          ? new EngineError('huawei', 'APIG.0301', 'bad key', 'stop-engine')
          : dogAnswer('huawei'),
      'huawei',
    );
    db.prepare(`UPDATE folders SET engines = '["huawei"]'`).run();
    addPhotos(['a']);
    const engines = new Map<EngineId, TaggingEngine>([['huawei', engine]]);
    await run(engines, ['a'], [], { fingerprints: { huawei: 'old-key' } }).runUntilIdle();
    expect(readJobControls(db).stopped.has('huawei')).toBe(true);
    await run(engines, ['a'], [], { fingerprints: { huawei: 'new-key' } }).runUntilIdle();
    expect(readJobControls(db).stopped.has('huawei')).toBe(false);
    expect(engine.calls).toBe(2);
    expect(countJobs(db)).toEqual([]);
  });

  it('honours pause of all work and of one engine, persisted in the catalog', async () => {
    const engine = syncEngine(() => dogAnswer('local'));
    addPhotos(['a', 'b']);
    setJobsPaused(db, null, true);
    const events: RunnerEvent[] = [];
    await run(new Map([['local', engine]]), ['a', 'b'], events).runUntilIdle();
    expect(countJobs(db)).toMatchObject([{ kind: 'ingest', queued: 2 }]);
    expect(events.some((e) => e.type === 'engine-paused' && e.engine === null)).toBe(true);

    setJobsPaused(db, null, false);
    setJobsPaused(db, 'local', true);
    await run(new Map([['local', engine]]), ['a', 'b']).runUntilIdle();
    expect(engine.calls).toBe(0);
    expect(countJobs(db)).toMatchObject([{ kind: 'tag', engine: 'local', queued: 2 }]);

    setJobsPaused(db, 'local', false);
    await run(new Map([['local', engine]]), ['a', 'b']).runUntilIdle();
    expect(engine.calls).toBe(2);
    expect(countJobs(db)).toEqual([]);
  });

  it('pauses an engine when its daily budget is spent, counting every paid call', async () => {
    const engine = syncEngine(
      (call) =>
        call === 1
          ? new EngineError('huawei', 'AIS.0003', 'internal', 'retry')
          : dogAnswer('huawei'),
      'huawei',
    );
    db.prepare(`UPDATE folders SET engines = '["huawei"]'`).run();
    const hashes = ['a', 'b', 'c', 'd'];
    addPhotos(hashes);
    writeBudget(db, 'huawei', { perDay: 3 });
    const events: RunnerEvent[] = [];
    await run(new Map([['huawei', engine]]), hashes, events).runUntilIdle();
    // Call 1 failed (and counts), calls 2 and 3 tagged two photos; the budget stops the rest.
    expect(engine.calls).toBe(3);
    expect(callsUsed(db, 'huawei')).toEqual({ today: 3, month: 3 });
    expect(countJobs(db).find((c) => c.kind === 'tag')).toMatchObject({ queued: 2, failed: 0 });
    const paused = events.find((e) => e.type === 'engine-paused');
    expect(paused).toMatchObject({ engine: 'huawei', cause: 'budget' });
    expect(paused?.type === 'engine-paused' && (paused.resumesAt ?? 0) > Date.now()).toBe(true);

    // The setting from the engine's own settings also applies (the lower cap wins).
    writeBudget(db, 'huawei', {});
    await run(new Map([['huawei', engine]]), hashes, [], {
      budgets: { huawei: { perMonth: 4 } },
    }).runUntilIdle();
    expect(engine.calls).toBe(4);
    expect(countJobs(db).find((c) => c.kind === 'tag')).toMatchObject({ queued: 1 });
  });

  it('resumes polling a submitted task after a restart instead of paying again', async () => {
    const submitted: string[] = [];
    let polls = 0;
    const engine: AsyncEngine = {
      id: 'volcengine',
      kind: 'async',
      limits: { formats: ['jpeg'], maxSide: 4096, minSide: 1, input: 'url' },
      settingsKey: () => 'volc:1',
      submit: () => {
        submitted.push('t1');
        return Promise.resolve({ taskId: 't1' });
      },
      poll: () => {
        polls++;
        return Promise.resolve(
          polls === 1
            ? { state: 'pending', retryAfterMs: 60_000 }
            : { state: 'done', answer: dogAnswer('volcengine') },
        );
      },
    };
    db.prepare(`UPDATE folders SET engines = '["volcengine"]'`).run();
    addPhotos(['a']);
    const first = run(new Map([['volcengine', engine]]), ['a']);
    first.start();
    while (polls < 1) await new Promise((r) => setTimeout(r, 5));
    await first.drain();
    // The process "quits" with the task pending; the catalog is closed and opened again.
    const file = join(dir, 'catalog.sqlite');
    db.close();
    db = openCatalog(file);
    db.prepare(`UPDATE jobs SET next_run_at = 0`).run(); // do not wait the minute
    await run(new Map([['volcengine', engine]]), ['a']).runUntilIdle();
    expect(submitted).toEqual(['t1']);
    expect(polls).toBe(2);
    expect(listContentTags(db, 1).map((t) => t.engine)).toEqual(['volcengine']);
  });

  it('submits again a task older than the service keeps results, once, then fails it', async () => {
    const submitted: string[] = [];
    const finished: string[] = [];
    let polls = 0;
    const engine: AsyncEngine = {
      id: 'aliyun',
      kind: 'async',
      limits: { formats: ['jpeg'], maxSide: 4096, minSide: 1, input: 'url' },
      settingsKey: () => 'aliyun:1',
      submit: () => {
        submitted.push(`t${String(submitted.length + 1)}`);
        return Promise.resolve({ taskId: submitted.at(-1) ?? '', cleanup: 'obj' });
      },
      poll: () => {
        polls++;
        return Promise.resolve({ state: 'pending', retryAfterMs: 30 });
      },
      finish: (taskId) => {
        finished.push(taskId);
        return Promise.resolve();
      },
    };
    db.prepare(`UPDATE folders SET engines = '["aliyun"]'`).run();
    addPhotos(['a']);
    await run(new Map([['aliyun', engine]]), ['a'], [], {
      retentionMs: { aliyun: 20 },
    }).runUntilIdle();
    expect(submitted).toEqual(['t1', 't2']);
    expect(finished).toEqual(['t1', 't2']);
    // Each task is polled at most once inside its 20 ms (the first poll after 1 ms).
    expect(polls).toBeLessThanOrEqual(2);
    expect(listFailedJobs(db)).toMatchObject([{ code: 'retention-expired', engine: 'aliyun' }]);
  });

  it('does not count throttled runs as attempts, and fails after the throttle allowance', async () => {
    // Five throttles, then an answer: more throttles than maxAttempts (3), fewer than maxThrottles.
    const patient = syncEngine(
      (call) =>
        call <= 5
          ? new EngineError('huawei', 'APIG.0308', 'throttled', 'retry-later', 5)
          : dogAnswer('huawei'),
      'huawei',
    );
    db.prepare(`UPDATE folders SET engines = '["huawei"]'`).run();
    addPhotos(['a']);
    await run(new Map([['huawei', patient]]), ['a'], [], {
      policy: { ...fastPolicy, maxThrottles: 8 },
    }).runUntilIdle();
    expect(patient.calls).toBe(6);
    expect(countJobs(db)).toEqual([]);
    expect(listContentTags(db, 1).map((t) => t.name)).toEqual(['dog']);
  });

  it('fails a job throttled past its allowance, keeping the service answer', async () => {
    // A quota that never comes back must not keep the job waiting forever.
    const hopeless = syncEngine(
      () => new EngineError('huawei', 'APIG.0308', 'still throttled', 'retry-later', 5),
      'huawei',
    );
    db.prepare(`UPDATE folders SET engines = '["huawei"]'`).run();
    addPhotos(['a']);
    await run(new Map([['huawei', hopeless]]), ['a'], [], {
      policy: { ...fastPolicy, maxThrottles: 4 },
    }).runUntilIdle();
    expect(hopeless.calls).toBe(4);
    expect(listFailedJobs(db)).toMatchObject([
      { code: 'APIG.0308', engine: 'huawei', message: 'still throttled' },
    ]);
  });

  it('holds the whole engine for Retry-After only when throttles come two in a second', async () => {
    const callTimes: number[] = [];
    const engine = syncEngine((call) => {
      callTimes.push(Date.now());
      return call <= 2
        ? new EngineError('huawei', 'APIG.0308', 'throttled', 'retry-later', 400)
        : dogAnswer('huawei');
    }, 'huawei');
    db.prepare(`UPDATE folders SET engines = '["huawei"]'`).run();
    const hashes = ['a', 'b', 'c'];
    addPhotos(hashes);
    await run(new Map([['huawei', engine]]), hashes, [], {
      policy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2, maxResubmits: 1 },
    }).runUntilIdle();
    expect(engine.calls).toBe(5);
    // Call 3 is another photo (not a retry): only the engine-wide hold can make it wait.
    const [, second, third] = callTimes;
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(350);
  });

  // [Note: A full disk pauses the run]. The real full disk (a small tmpfs) is in
  // test/library/library-runtime.test.ts; here the errors are injected at the runner's own call
  // sites, which works without root: ENOSPC out of ingest, SQLITE_FULL out of claimNextJob.
  it('halts on ENOSPC from ingest: the photo stays queued, no attempt counted, nothing broken', async () => {
    addPhotos(['a', 'b']);
    const events: RunnerEvent[] = [];
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    const runner = run(new Map(), ['a', 'b'], events, {
      ingestPhoto: () =>
        Promise.reject(new Error('Cannot write the thumbnail or preview', { cause: full })),
    });
    await runner.runUntilIdle();
    expect(runner.haltedBy()?.cause).toBe('disk-full');
    expect(events.filter((e) => e.type === 'halted')).toHaveLength(1);
    expect(events.some((e) => e.type === 'job-finished' && e.outcome === 'failed')).toBe(false);
    expect(listFailedJobs(db)).toEqual([]);
    const jobs = db
      .prepare<[], { state: string; attempts: number }>(
        "SELECT state, attempts FROM jobs WHERE kind = 'ingest' ORDER BY id",
      )
      .all();
    expect(jobs).toEqual([
      { state: 'queued', attempts: 0 },
      { state: 'queued', attempts: 0 },
    ]);
  });

  it('halts on SQLITE_FULL thrown by claimNextJob instead of an unhandled rejection', async () => {
    addPhotos(['a', 'b', 'c']);
    let diskFull = false;
    let tripped = false;
    // The runner's catalog, failing its writes the way a full disk does once `diskFull` is set.
    const fullDb = new Proxy(db, {
      get(target, key, receiver) {
        if (key === 'transaction' && diskFull) {
          const fail = () => {
            throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
          };
          return () => Object.assign(fail, { immediate: fail, deferred: fail, exclusive: fail });
        }
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const events: RunnerEvent[] = [];
    const runner = run(new Map(), ['a', 'b', 'c'], events, {
      db: fullDb,
      concurrency: { ingest: 1 },
      // After the first photo's commit and before the runner claims the next one.
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'job-finished' && e.outcome === 'done' && !tripped) {
          tripped = true;
          diskFull = true;
        }
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await runner.runUntilIdle();
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(runner.haltedBy()?.cause).toBe('disk-full');
    expect(countJobs(db).find((c) => c.kind === 'ingest')?.queued).toBe(2);

    // Room again: the same runner takes the rest.
    diskFull = false;
    runner.resume();
    await runner.runUntilIdle();
    expect(countJobs(db)).toEqual([]);
  });
});
