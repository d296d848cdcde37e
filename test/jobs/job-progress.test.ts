// The tracker on a hand-fed event stream with a virtual clock, then attached to a real runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import type { SyncEngine } from '../../main/engines/engine.ts';
import { EngineLimiterRegistry } from '../../main/jobs/engine-limiter.ts';
import {
  formatDuration,
  formatProgressLine,
  type ProgressSnapshot,
  ProgressTracker,
  trackRunner,
} from '../../main/jobs/job-progress.ts';
import { enqueueTag } from '../../main/catalog/job-queue.ts';
import { JobRunner } from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';

describe(ProgressTracker.name, () => {
  it('counts, measures the rate over its window and estimates the time left', () => {
    let t = 0;
    const tracker = new ProgressTracker({ now: () => t, windowMs: 10_000, minIntervalMs: 0 });
    const heard: ProgressSnapshot[] = [];
    tracker.subscribe((s) => heard.push(s));
    tracker.observe({
      type: 'queue',
      at: 0,
      counts: [{ kind: 'tag', engine: 'huawei', queued: 100, running: 0, failed: 2 }],
    });
    for (let i = 0; i < 20; i++) {
      t += 100;
      tracker.observe({ type: 'job-finished', kind: 'tag', engine: 'huawei', outcome: 'done' });
    }
    t += 100;
    tracker.observe({
      type: 'job-finished',
      kind: 'tag',
      engine: 'huawei',
      outcome: 'failed',
      message: 'AIS.0503',
    });
    tracker.observe({ type: 'job-finished', kind: 'tag', engine: 'huawei', outcome: 'retry' });
    const lane = tracker.snapshot().lanes.find((l) => l.lane === 'huawei');
    // 20 done between t=100 and t=2000, seen at t=2100: 20 / 2.0 s = 10/s; 79 left → 7.9 s.
    expect(lane).toMatchObject({
      done: 20,
      failed: 1,
      retried: 1,
      remaining: 79,
      failedInCatalog: 3,
      ratePerSecond: 10,
      etaMs: 7900,
      state: 'running',
    });
    expect(heard.length).toBeGreaterThan(20);
    // Old completions leave the window: the rate falls to 0 and the ETA becomes unknown.
    t += 60_000;
    expect(tracker.snapshot().lanes[0]).toMatchObject({ ratePerSecond: 0, etaMs: null });
  });

  it('shows paused, budget and stopped lanes with their reason', () => {
    const tracker = new ProgressTracker({ now: () => 0 });
    tracker.observe({ type: 'engine-stopped', engine: 'huawei', reason: 'APIG.0301: bad key' });
    tracker.observe({
      type: 'engine-paused',
      engine: 'aliyun',
      cause: 'budget',
      reason: 'budget reached',
      resumesAt: 1,
    });
    const lanes = tracker.snapshot().lanes;
    expect(lanes.map((l) => [l.lane, l.state, l.reason])).toEqual([
      ['aliyun', 'budget', 'budget reached'],
      ['huawei', 'stopped', 'APIG.0301: bad key'],
    ]);
    tracker.observe({ type: 'engine-resumed', engine: 'aliyun' });
    expect(tracker.snapshot().lanes[0]?.state).toBe('running');
    const huawei = lanes[1];
    if (!huawei) throw new Error('no huawei lane');
    expect(formatProgressLine(huawei)).toContain('stopped: APIG.0301');
    expect(formatDuration(3_723_000)).toBe('1h02m');
  });

  it('shows every lane paused with the disk-full message while the runner is halted', () => {
    const tracker = new ProgressTracker({ now: () => 0 });
    tracker.observe({ type: 'engine-resumed', engine: 'huawei' });
    tracker.observe({
      type: 'job-started',
      jobId: 1,
      kind: 'ingest',
      engine: null,
      attempt: 1,
      at: 0,
    });
    const message = "the data folder's disk is full: 0 MB free";
    tracker.observe({ type: 'halted', cause: 'disk-full', message });
    expect(tracker.snapshot().lanes.map((l) => [l.lane, l.state, l.reason])).toEqual([
      ['ingest', 'paused', message],
      ['huawei', 'paused', message],
    ]);
    tracker.observe({ type: 'engine-resumed', engine: null });
    expect(tracker.snapshot().lanes.map((l) => l.state)).toEqual(['running', 'running']);
  });

  it('follows a real runner to the end of its queue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-progress-'));
    const db = openCatalog(join(dir, 'catalog.sqlite'));
    try {
      db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)`).run(dir);
      for (let i = 1; i <= 5; i++) {
        db.prepare(`INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, 1, 0)`).run(
          i,
          `h${String(i)}`,
        );
        db.prepare(
          `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (1, ?, 1, 0, ?, 'ok')`,
        ).run(`p${String(i)}.jpg`, i);
        enqueueTag(db, i, 'local', 0);
      }
      const engine: SyncEngine = {
        id: 'local',
        kind: 'sync',
        limits: { formats: ['jpeg'], maxSide: 10, minSide: 1, input: 'pixels' },
        settingsKey: () => 'local:1',
        tag: () => Promise.resolve({ engine: 'local', model: '1', tags: [] }),
      };
      const runner = new JobRunner({
        db,
        log: silentLogger,
        ingestPhoto: () => Promise.reject(new Error('no ingest here')),
        engines: new Map([['local', engine]]),
        limiters: new EngineLimiterRegistry(),
      });
      const { tracker, detach } = trackRunner(runner);
      await runner.runUntilIdle();
      detach();
      expect(tracker.snapshot().lanes).toMatchObject([
        { lane: 'local', done: 5, remaining: 0, failed: 0, etaMs: 0 },
      ]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
