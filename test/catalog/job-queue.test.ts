import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import {
  claimNextJob,
  completeJob,
  countJobs,
  enqueueIngest,
  enqueueTag,
  failJob,
  jobsHeldElsewhere,
  listFailedJobs,
  recordRemoteTask,
  recoverInterruptedJobs,
  releaseJob,
  renewJobLeases,
  rescheduleJob,
  retryFailedJobs,
} from '../../main/catalog/job-queue.ts';
import type { ProcessIdentity } from '../../main/util/process-liveness.ts';

/** The identity of a process of this machine that has ended (a real child, waited for). */
function deadProcess(): ProcessIdentity {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return { host: hostname(), pid: child.pid, startId: null };
}

let dir: string;
let file: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-jobs-'));
  file = join(dir, 'catalog.sqlite');
  db = openCatalog(file);
  db.prepare("INSERT INTO folders (id, path, added_at) VALUES (1, '/photos', 0)").run();
  for (let i = 1; i <= 3; i++) {
    db.prepare(
      "INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, status) VALUES (?, 1, ?, 1, 0, 'pending')",
    ).run(i, `p${String(i)}.jpg`);
    db.prepare('INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, 1, 0)').run(
      i,
      `h${String(i)}`,
    );
  }
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(claimNextJob.name, () => {
  it('claims queued jobs in order, once each, and only when due', () => {
    enqueueIngest(db, 1, 100);
    enqueueIngest(db, 2, 50);
    enqueueIngest(db, 3, 10_000);
    enqueueIngest(db, 1, 100); // duplicate: no second job
    const first = claimNextJob(db, { kind: 'ingest', now: 1000 });
    const second = claimNextJob(db, { kind: 'ingest', now: 1000 });
    expect(first).toMatchObject({ kind: 'ingest', photoId: 2, attempts: 1 });
    expect(second).toMatchObject({ kind: 'ingest', photoId: 1 });
    expect(claimNextJob(db, { kind: 'ingest', now: 1000 })).toBeUndefined();
    expect(claimNextJob(db, { kind: 'tag', now: 1000 })).toBeUndefined();
  });

  it('filters tag jobs by engine', () => {
    enqueueTag(db, 1, 'huawei', 0);
    enqueueTag(db, 1, 'local', 0);
    enqueueTag(db, 1, 'local', 0);
    expect(claimNextJob(db, { kind: 'tag', engines: ['local'], now: 1 })).toMatchObject({
      engine: 'local',
      contentId: 1,
    });
    expect(claimNextJob(db, { kind: 'tag', engines: ['local'], now: 1 })).toBeUndefined();
    expect(claimNextJob(db, { kind: 'tag', engines: [], now: 1 })).toBeUndefined();
    expect(claimNextJob(db, { kind: 'tag', now: 1 })).toMatchObject({ engine: 'huawei' });
  });

  it('uses the runnable index', () => {
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE state = 'queued' AND next_run_at <= ? AND kind = ? ORDER BY next_run_at, id LIMIT 1",
      )
      .all(0, 'ingest') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX jobs_runnable/);
  });
});

describe(recoverInterruptedJobs.name, () => {
  it('runs a job again after the process holding it was killed', () => {
    enqueueIngest(db, 1, 0);
    db.close();
    // A real child process claims the job and dies with SIGKILL before completing it.
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${join(process.cwd(), 'main/catalog/job-queue.ts')}').then(async (q) => {
           const { openCatalog } = await import('${join(process.cwd(), 'main/catalog/catalog-connection.ts')}');
           const db = openCatalog(${JSON.stringify(file)});
           q.claimNextJob(db, { kind: 'ingest' });
           process.kill(process.pid, 'SIGKILL');
         })`,
      ],
      { encoding: 'utf8' },
    );
    expect(child.signal).toBe('SIGKILL');
    db = openCatalog(file);
    expect(countJobs(db)).toEqual([
      { kind: 'ingest', engine: null, queued: 0, running: 1, failed: 0 },
    ]);
    expect(recoverInterruptedJobs(db, 1_000)).toBe(1);
    // [Note: Runs cut short by a crash]: counted, and behind the rest of the queue for a while.
    expect(claimNextJob(db, { kind: 'ingest', now: 1_999 })).toBeUndefined();
    const again = claimNextJob(db, { kind: 'ingest', now: 2_000 });
    expect(again).toMatchObject({ photoId: 1, attempts: 2 });
    if (again) completeJob(db, again);
    expect(countJobs(db)).toEqual([]);
  });

  it('keeps an async task id so a restarted job polls instead of submitting again', () => {
    enqueueTag(db, 2, 'volcengine', 0);
    // Claimed by a process that has ended since (the restart this test stands for).
    const job = claimNextJob(db, { kind: 'tag', now: 1, owner: deadProcess() });
    if (job?.kind !== 'tag') throw new Error('expected a tag job');
    recordRemoteTask(db, job, 'task-42', { cleanup: 'obj/key', resubmits: 0 });
    recoverInterruptedJobs(db, 5);
    // Polling decodes nothing: the cut-short poll is not an attempt and polls again at once.
    expect(claimNextJob(db, { kind: 'tag', now: 5 })).toMatchObject({
      attempts: 1,
      remoteTaskId: 'task-42',
      payload: { cleanup: 'obj/key', resubmits: 0 },
    });
  });

  it('leaves a job to the live process holding it, even long after its lease ran out', async () => {
    enqueueIngest(db, 1, 0);
    // A real second process claims the job and keeps running (as `tujian index` beside the app).
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${join(process.cwd(), 'main/catalog/job-queue.ts')}').then(async (q) => {
           const { openCatalog } = await import('${join(process.cwd(), 'main/catalog/catalog-connection.ts')}');
           const db = openCatalog(${JSON.stringify(file)});
           q.claimNextJob(db, { kind: 'ingest', leaseMs: 1 });
           process.stdout.write('claimed\\n');
           setInterval(() => undefined, 1000);
         })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('claimed')) resolve();
        });
        child.on('exit', () => {
          reject(new Error('the claiming process ended early'));
        });
      });
      // Its lease (1 ms) ran out long ago, but its owner runs: on Linux the owner is checked
      // by pid and start time, so the job stays its own.
      const later = Date.now() + 3_600_000;
      if (process.platform === 'linux') expect(recoverInterruptedJobs(db, later)).toBe(0);
      expect(recoverInterruptedJobs(db, Date.now() - 1_000)).toBe(0);
      expect(countJobs(db)).toEqual([
        { kind: 'ingest', engine: null, queued: 0, running: 1, failed: 0 },
      ]);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Once the owner is gone, the job runs again at once.
    expect(recoverInterruptedJobs(db)).toBe(1);
    expect(countJobs(db)).toEqual([
      { kind: 'ingest', engine: null, queued: 1, running: 0, failed: 0 },
    ]);
  }, 30_000);

  it('takes over the job of a process on another machine only when its lease ran out', () => {
    enqueueIngest(db, 1, 0);
    const elsewhere = { host: `not-${hostname()}`, pid: process.pid, startId: null };
    claimNextJob(db, { kind: 'ingest', now: 0, leaseMs: 1_000, owner: elsewhere });
    expect(recoverInterruptedJobs(db, 999)).toBe(0);
    expect(recoverInterruptedJobs(db, 1_000)).toBe(1);
  });

  it.runIf(process.platform === 'linux')(
    'does not take a pid handed to another process after a crash for the owner',
    () => {
      enqueueIngest(db, 1, 0);
      // This test's own pid, but started at another time: the owner that claimed it is gone.
      const reused = { host: hostname(), pid: process.pid, startId: 'another-start-time' };
      claimNextJob(db, { kind: 'ingest', now: 0, owner: reused });
      expect(recoverInterruptedJobs(db, 1)).toBe(1);
    },
  );

  it('requeues jobs claimed before owners were recorded (one process per catalog then)', () => {
    enqueueIngest(db, 1, 0);
    claimNextJob(db, { kind: 'ingest', now: 0 });
    db.prepare('UPDATE jobs SET lease_owner = NULL').run();
    expect(recoverInterruptedJobs(db, 1)).toBe(1);
  });
});

describe(jobsHeldElsewhere.name, () => {
  it('names the live holders other than this process', () => {
    enqueueIngest(db, 1, 0);
    enqueueIngest(db, 2, 0);
    enqueueIngest(db, 3, 0);
    claimNextJob(db, { kind: 'ingest', now: 0 });
    claimNextJob(db, { kind: 'ingest', now: 0, owner: deadProcess() });
    const elsewhere = { host: `not-${hostname()}`, pid: 7, startId: null };
    claimNextJob(db, { kind: 'ingest', now: 0, owner: elsewhere });
    expect(jobsHeldElsewhere(db)).toEqual([{ holder: elsewhere.host, jobs: 1 }]);
  });
});

describe(renewJobLeases.name, () => {
  it("extends only the holder's leases, so a long job is not taken for abandoned", () => {
    enqueueIngest(db, 1, 0);
    const elsewhere = { host: `not-${hostname()}`, pid: 4242, startId: null };
    const job = claimNextJob(db, { kind: 'ingest', now: 0, leaseMs: 1_000, owner: elsewhere });
    if (!job) throw new Error('expected a job');
    // Another process cannot renew it; its holder can.
    expect(renewJobLeases(db, [job], 10_000)).toBe(0);
    expect(renewJobLeases(db, [job], 10_000, elsewhere)).toBe(1);
    expect(recoverInterruptedJobs(db, 5_000)).toBe(0);
    expect(recoverInterruptedJobs(db, 10_000)).toBe(1);
    // A job no longer running is not renewed (its lease was taken over).
    expect(renewJobLeases(db, [job], 20_000, elsewhere)).toBe(0);
  });
});

describe(failJob.name, () => {
  it('keeps the last error, lists it, and requeues on retry', () => {
    enqueueTag(db, 3, 'huawei', 0);
    const job = claimNextJob(db, { kind: 'tag', now: 0 });
    if (!job) throw new Error('no job');
    rescheduleJob(db, job, 10, { code: 'APIG.0308', message: 'throttled' });
    const again = claimNextJob(db, { kind: 'tag', now: 10 });
    if (!again) throw new Error('no job');
    failJob(db, again, 'AIS.0503', 'The image is damaged.');
    expect(listFailedJobs(db)).toMatchObject([
      { code: 'AIS.0503', message: 'The image is damaged.', attempts: 2 },
    ]);
    expect(retryFailedJobs(db, { engine: 'local' })).toBe(0);
    expect(retryFailedJobs(db, { engine: 'huawei' })).toBe(1);
    expect(claimNextJob(db, { kind: 'tag' })).toMatchObject({ contentId: 3, attempts: 1 });
  });
});

describe(`${claimNextJob.name} with async tasks`, () => {
  it('claims a due poll before older fresh jobs, and releaseJob does not count an attempt', () => {
    enqueueTag(db, 1, 'aliyun', 0);
    enqueueTag(db, 2, 'aliyun', 10);
    enqueueTag(db, 3, 'aliyun', 20);
    const submit = claimNextJob(db, { kind: 'tag', engines: ['aliyun'], now: 100 });
    expect(submit).toMatchObject({ contentId: 1, attempts: 1 });
    if (!submit) throw new Error('no job');
    recordRemoteTask(db, submit, 'task-1', { resubmits: 0, submittedAt: 100 }, 100);
    releaseJob(db, submit, 150, undefined, 100);
    // Content 2 and 3 were queued long before the poll became due; the poll still goes first.
    const poll = claimNextJob(db, { kind: 'tag', engines: ['aliyun'], now: 200 });
    expect(poll).toMatchObject({
      contentId: 1,
      remoteTaskId: 'task-1',
      attempts: 1,
      payload: { submittedAt: 100 },
    });
    expect(claimNextJob(db, { kind: 'tag', engines: ['aliyun'], now: 200 })).toMatchObject({
      contentId: 2,
    });
  });

  it('claims a due retry before fresh jobs that were due earlier', () => {
    enqueueTag(db, 1, 'huawei', 0);
    enqueueTag(db, 2, 'huawei', 10);
    enqueueTag(db, 3, 'huawei', 20);
    const first = claimNextJob(db, { kind: 'tag', engines: ['huawei'], now: 100 });
    if (!first) throw new Error('no job');
    rescheduleJob(db, first, 150, { code: 'APIG.0308', message: 'throttled' }, 100);
    expect(claimNextJob(db, { kind: 'tag', engines: ['huawei'], now: 120 })).toMatchObject({
      contentId: 2,
    });
    expect(claimNextJob(db, { kind: 'tag', engines: ['huawei'], now: 200 })).toMatchObject({
      contentId: 1,
      attempts: 2,
    });
  });
});

describe(`${completeJob.name} and the other writes of a held job`, () => {
  it('refuse a holder whose lease was taken over: [Note: Fenced job writes]', () => {
    enqueueTag(db, 3, 'huawei', 0);
    const elsewhere = { host: `not-${hostname()}`, pid: 4242, startId: null };
    const old = claimNextJob(db, { kind: 'tag', now: 0, leaseMs: 1_000, owner: elsewhere });
    if (!old) throw new Error('no job');
    expect(recoverInterruptedJobs(db, 5_000)).toBe(1);
    const taken = claimNextJob(db, { kind: 'tag', now: 100_000 });
    if (!taken) throw new Error('no job');
    expect(taken.lease).toBeGreaterThan(old.lease);
    const error = { code: 'E', message: 'stale' };
    expect(completeJob(db, old)).toBe(false);
    expect(rescheduleJob(db, old, 0, error)).toBe(false);
    expect(releaseJob(db, old, 0, error)).toBe(false);
    expect(failJob(db, old, 'E', 'stale')).toBe(false);
    expect(recordRemoteTask(db, old, 'stale-task', { resubmits: 0 })).toBe(false);
    expect(renewJobLeases(db, [old], 10_000_000, elsewhere)).toBe(0);
    expect(db.prepare('SELECT state, remote_task_id, last_error FROM jobs').get()).toEqual({
      state: 'running',
      remote_task_id: null,
      last_error: null,
    });
    // The holder's own writes go through.
    expect(completeJob(db, taken)).toBe(true);
    expect(countJobs(db)).toEqual([]);
  });
});
