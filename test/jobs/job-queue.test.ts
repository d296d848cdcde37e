import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  listFailedJobs,
  recordRemoteTask,
  recoverInterruptedJobs,
  releaseJob,
  rescheduleJob,
  retryFailedJobs,
} from '../../main/jobs/job-queue.ts';

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
        `import('${join(process.cwd(), 'main/jobs/job-queue.ts')}').then(async (q) => {
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
    if (again) completeJob(db, again.id);
    expect(countJobs(db)).toEqual([]);
  });

  it('keeps an async task id so a restarted job polls instead of submitting again', () => {
    enqueueTag(db, 2, 'volcengine', 0);
    const job = claimNextJob(db, { kind: 'tag', now: 1 });
    if (job?.kind !== 'tag') throw new Error('expected a tag job');
    recordRemoteTask(db, job.id, 'task-42', { cleanup: 'obj/key', resubmits: 0 });
    recoverInterruptedJobs(db, 5);
    // Polling decodes nothing: the cut-short poll is not an attempt and polls again at once.
    expect(claimNextJob(db, { kind: 'tag', now: 5 })).toMatchObject({
      attempts: 1,
      remoteTaskId: 'task-42',
      payload: { cleanup: 'obj/key', resubmits: 0 },
    });
  });
});

describe(failJob.name, () => {
  it('keeps the last error, lists it, and requeues on retry', () => {
    enqueueTag(db, 3, 'huawei', 0);
    const job = claimNextJob(db, { kind: 'tag', now: 0 });
    if (!job) throw new Error('no job');
    rescheduleJob(db, job.id, 10, { code: 'APIG.0308', message: 'throttled' });
    const again = claimNextJob(db, { kind: 'tag', now: 10 });
    if (!again) throw new Error('no job');
    failJob(db, again.id, 'AIS.0503', 'The image is damaged.');
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
    recordRemoteTask(db, submit.id, 'task-1', { resubmits: 0, submittedAt: 100 }, 100);
    releaseJob(db, submit.id, 150, undefined, 100);
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
    rescheduleJob(db, first.id, 150, { code: 'APIG.0308', message: 'throttled' }, 100);
    expect(claimNextJob(db, { kind: 'tag', engines: ['huawei'], now: 120 })).toMatchObject({
      contentId: 2,
    });
    expect(claimNextJob(db, { kind: 'tag', engines: ['huawei'], now: 200 })).toMatchObject({
      contentId: 1,
      attempts: 2,
    });
  });
});
