// The runner's side of [Note: Shared job queue] (main/catalog/job-queue.ts), on a real catalog
// file with real timers: it renews the leases of the jobs it runs, so another process never
// takes a long job for abandoned, and it picks up jobs a process that died left running
// without waiting for the next start.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import {
  claimNextJob,
  countJobs,
  enqueueIngest,
  recoverInterruptedJobs,
} from '../../main/catalog/job-queue.ts';
import { type IngestOutcome, JobRunner } from '../../main/jobs/job-runner.ts';
import { silentLogger } from '../../main/util/logger.ts';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-leases-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  db.prepare("INSERT INTO folders (id, path, added_at) VALUES (1, '/photos', 0)").run();
  db.prepare(
    "INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, status) VALUES (1, 1, 'a.jpg', 1, 0, 'pending')",
  ).run();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const skipped: IngestOutcome = { status: 'skipped', reason: 'test' };

describe(JobRunner.name, () => {
  it('renews the lease of a job that runs longer than the lease', async () => {
    enqueueIngest(db, 1, 0);
    const runner = new JobRunner({
      db,
      log: silentLogger,
      engines: new Map(),
      leaseMs: 300,
      ingestPhoto: async () => {
        await sleep(1_200);
        return skipped;
      },
    });
    const idle = runner.runUntilIdle();
    await sleep(900);
    // Three leases later the job is still held: a process on another machine (whose owner it
    // cannot check, so only the lease counts) does not take it over.
    const row = db.prepare('SELECT state, lease_until FROM jobs').get() as {
      state: string;
      lease_until: number;
    };
    expect(row.state).toBe('running');
    expect(row.lease_until).toBeGreaterThan(Date.now());
    expect(recoverInterruptedJobs(db, Date.now(), () => 'unknown')).toBe(0);
    await idle;
    expect(countJobs(db)).toEqual([]);
  });

  it('runs a job left running by a process that died, without a restart', async () => {
    enqueueIngest(db, 1, 0);
    const ended = spawnSync(process.execPath, ['-e', '0']);
    claimNextJob(db, {
      kind: 'ingest',
      owner: { host: hostname(), pid: ended.pid, startId: null },
    });
    const ingested: number[] = [];
    const runner = new JobRunner({
      db,
      log: silentLogger,
      engines: new Map(),
      leaseMs: 300,
      ingestPhoto: (photoId) => {
        ingested.push(photoId);
        return Promise.resolve(skipped);
      },
    });
    runner.start();
    try {
      await vi.waitFor(
        () => {
          expect(ingested).toEqual([1]);
        },
        { timeout: 5_000, interval: 50 },
      );
    } finally {
      await runner.drain();
    }
  });
});
