// [Note: Fenced job writes] (main/catalog/job-queue.ts) from the runner's side, on one real
// catalog file opened by two real connections, as two processes sharing a queue have it: a
// runner whose lease ran out while its engine call was in flight sees its job taken over by
// the other connection; when its call returns, none of its writes may touch the job (no
// second finish, no requeue under the new holder), and a paid answer is kept for the new
// holder, which then finishes without calling the engine again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import {
  claimNextJob,
  countJobs,
  enqueueTag,
  recoverInterruptedJobs,
} from '../../main/catalog/job-queue.ts';
import { hasEngineResult } from '../../main/catalog/photo-tags.ts';
import { EngineError, type SyncEngine } from '../../main/engines/engine.ts';
import type { EngineAnswer, EngineId } from '../../main/engines/tag-model.ts';
import { EngineLimiterRegistry } from '../../main/jobs/engine-limiter.ts';
import { JobRunner, type RunnerEvent } from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';

let dir: string;
let first: Catalog;
let second: Catalog;
const contentId = 1;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-fencing-'));
  const file = join(dir, 'catalog.sqlite');
  first = openCatalog(file);
  second = openCatalog(file);
  first.exec(`INSERT INTO folders (id, path, engines, added_at) VALUES (1, '${dir}', '["local"]', 0);
    INSERT INTO contents (id, hash, size, created_at) VALUES (${String(contentId)}, 'h1', 1, 0);
    INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, status, content_id)
      VALUES (1, 1, 'a.jpg', 1, 0, 'ok', ${String(contentId)});`);
  enqueueTag(first, contentId, 'local', 0);
});
afterEach(() => {
  first.close();
  second.close();
  rmSync(dir, { recursive: true, force: true });
});

const answer: EngineAnswer = {
  engine: 'local',
  model: 'm1',
  tags: [
    { name: 'dog', i18n: { zh: '狗', en: 'Dog' }, type: 'object', confidence: 90, instances: [] },
  ],
};

/** A sync engine whose calls wait until the test lets them answer (or fail). */
function gatedEngine(outcome: () => EngineAnswer | Error) {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const engine: SyncEngine & { calls: number } = {
    id: 'local',
    kind: 'sync',
    limits: { formats: ['jpeg'], maxSide: 4096, minSide: 1, input: 'pixels' },
    calls: 0,
    settingsKey: () => 'local:m1',
    async tag() {
      engine.calls++;
      await gate;
      const result = outcome();
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { engine, open };
}

function runnerOn(db: Catalog, engine: SyncEngine, events: RunnerEvent[] = []): JobRunner {
  return new JobRunner({
    db,
    log: silentLogger,
    ingestPhoto: () => Promise.reject(new Error('no ingest in this test')),
    engines: new Map<EngineId, SyncEngine>([['local', engine]]),
    limiters: new EngineLimiterRegistry(),
    leaseMs: 60_000,
    policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxResubmits: 1 },
    onEvent: (e) => events.push(e),
  });
}

/** A holder on another machine: only its lease speaks for it. */
const newHolder = { host: 'another-machine', pid: 4242, startId: null };

/** The other connection finds the first runner's lease run out and takes the job over. */
function takeOverFromSecondConnection(): void {
  const later = Date.now() + 120_000;
  expect(recoverInterruptedJobs(second, later, () => 'unknown')).toBe(1);
  const taken = claimNextJob(second, {
    kind: 'tag',
    engines: ['local'],
    // A run cut short waits behind the queue a little: [Note: Runs cut short by a crash].
    now: later + 60_000,
    owner: newHolder,
  });
  expect(taken).toMatchObject({ contentId });
}

function jobRow(db: Catalog) {
  return db.prepare('SELECT state, lease_owner, last_error_code FROM jobs').get();
}

describe(JobRunner.name, () => {
  it('does not finish a job taken over after its lease ran out, and keeps its paid answer for the new holder', async () => {
    const old = gatedEngine(() => answer);
    const events: RunnerEvent[] = [];
    const idle = runnerOn(first, old.engine, events).runUntilIdle();
    await vi.waitFor(() => {
      expect(old.engine.calls).toBe(1);
    });
    takeOverFromSecondConnection();
    old.open();
    await idle;

    // The job is the new holder's, untouched: no second finish.
    expect(jobRow(second)).toEqual({
      state: 'running',
      lease_owner: JSON.stringify(newHolder),
      last_error_code: null,
    });
    expect(events.some((e) => e.type === 'job-finished' && e.outcome === 'done')).toBe(false);
    // The answer the old holder paid for is in the never-pay-twice record ...
    expect(hasEngineResult(second, contentId, 'local', 'local:m1')).toBe(true);

    // ... so when the new holder (here: its job handed on once more) runs it, it pays nothing.
    expect(recoverInterruptedJobs(second, Date.now(), () => 'dead')).toBe(1);
    const fresh = gatedEngine(() => answer);
    fresh.open();
    await runnerOn(second, fresh.engine).runUntilIdle();
    expect(fresh.engine.calls).toBe(0);
    expect(countJobs(second)).toEqual([]);
  });

  it('does not requeue a job taken over after its lease ran out when its call fails', async () => {
    const old = gatedEngine(() => new EngineError('local', '500', 'down', 'retry'));
    const events: RunnerEvent[] = [];
    const idle = runnerOn(first, old.engine, events).runUntilIdle();
    await vi.waitFor(() => {
      expect(old.engine.calls).toBe(1);
    });
    takeOverFromSecondConnection();
    old.open();
    await idle;

    // Still running under the new holder: a requeue would let a third process claim it
    // (and pay) while the new holder still works on it.
    expect(jobRow(second)).toEqual({
      state: 'running',
      lease_owner: JSON.stringify(newHolder),
      last_error_code: null,
    });
    expect(hasEngineResult(second, contentId, 'local', 'local:m1')).toBe(false);
  });
});
