// The persisted job queue (DESIGN.md §5, STYLE.md rule 7). Jobs live in the catalog, so a
// crash or quit loses no work: a job is claimed in a transaction, marked running with a
// lease and its owner process, and deleted only after its outcome is committed. A job whose
// owner died (or whose lease ran out) goes back to queued, so an interrupted job runs again.
//
// [Note: Shared job queue]
// Several processes may work one catalog's queue at once: the desktop app stays open while
// the user runs `tujian index`, or two `index` runs overlap. Claims are IMMEDIATE
// transactions, so two processes never claim the same job; what kept them from paying twice
// is that no process takes a job another live process holds. A claim records the owner
// (host, pid, process start time: main/util/process-liveness.ts, migration 0009) and a lease;
// the runner renews the leases of its jobs in flight (`renewJobLeases`), and
// `recoverInterruptedJobs` requeues a running job only when its owner is gone (a crash, a
// kill: at once) or its lease ran out (a hung process, or an owner on another machine). So
// no writer lock is needed, and read-only commands never wait for one.
//
// [Note: Fenced job writes]
// A lease can run out while its holder still runs (a process on another machine that hung,
// then woke up), and recovery hands the job to someone else. Without a fence the old holder,
// waking, would still write the job: finish it under the new holder (a second finish), or
// requeue it (a third process could claim it and pay again). So every claim, and every
// take-over by recovery, adds one to the job's `lease_generation` (migration 11), the claim
// returns it in `Job.lease`, and every write of a held job (finish, requeue, defer, release,
// fail, record a task, renew) names that generation: a write from an older one changes
// nothing, and the function returns false. What the old holder already paid for is not lost:
// the runner keeps its answer in the never-pay-twice record if the new holder has not
// answered yet, so the new holder finds it and does not call again ([Note: Never pay twice]
// in main/jobs/tag-job-protocol.ts).
//
// [Note: Async tasks survive restarts]
// An async engine's remote task id is written to the job row before any waiting, so after
// a restart the job resumes polling that task instead of submitting (and paying) again.
import { z } from 'zod';
import type { Catalog } from './catalog-connection.ts';
import { EngineId } from '../engines/tag-model.ts';
import {
  currentProcessIdentity,
  ProcessIdentity,
  type ProcessLiveness,
  processLiveness,
} from '../util/process-liveness.ts';

export const JobKind = z.enum(['ingest', 'tag']);
export type JobKind = z.infer<typeof JobKind>;

/** Payload of a tag job, read back through zod (it crossed the database boundary). */
export const TagJobPayload = z.object({
  /** Opaque value an async engine needs at the end of a task (e.g. a hosted object key). */
  cleanup: z.string().optional(),
  /** How many times an expired async task was submitted again. */
  resubmits: z.number().int().nonnegative().default(0),
  /** Throttled runs so far: see [Note: Throttling is not failing] in retry-policy.ts. */
  throttles: z.number().int().nonnegative().default(0),
  /** Tasks the service reported failed: [Note: A failed async task is submitted again] (engine.ts). */
  taskFailures: z.number().int().nonnegative().default(0),
  /**
   * When the current remote task was submitted (ms since epoch): a task older than the
   * service's result retention is submitted again instead of polled forever.
   */
  submittedAt: z.number().int().nonnegative().optional(),
});
export type TagJobPayload = z.infer<typeof TagJobPayload>;

const JobRow = z.object({
  id: z.number().int(),
  kind: JobKind,
  photo_id: z.number().int().nullable(),
  content_id: z.number().int().nullable(),
  engine: EngineId.nullable(),
  payload: z.string(),
  state: z.enum(['queued', 'running', 'failed']),
  attempts: z.number().int(),
  next_run_at: z.number().int(),
  remote_task_id: z.string().nullable(),
  last_error_code: z.string().nullable(),
  last_error: z.string().nullable(),
  lease_generation: z.number().int(),
});

/** A claimed job as its writes name it: the id and the lease generation the claim took. */
export interface HeldJob {
  readonly id: number;
  /** The fencing token: see [Note: Fenced job writes]. */
  readonly lease: number;
}

export type Job =
  | {
      readonly id: number;
      readonly lease: number;
      readonly kind: 'ingest';
      readonly photoId: number;
      readonly attempts: number;
      readonly lastError: string | null;
    }
  | {
      readonly id: number;
      readonly lease: number;
      readonly kind: 'tag';
      readonly contentId: number;
      readonly engine: EngineId;
      readonly attempts: number;
      readonly remoteTaskId: string | null;
      readonly payload: TagJobPayload;
      readonly lastError: string | null;
    };

function toJob(raw: unknown): Job {
  const row = JobRow.parse(raw);
  if (row.kind === 'ingest') {
    if (row.photo_id === null) throw new Error(`Ingest job ${String(row.id)} has no photo`);
    return {
      id: row.id,
      lease: row.lease_generation,
      kind: 'ingest',
      photoId: row.photo_id,
      attempts: row.attempts,
      lastError: row.last_error,
    };
  }
  if (row.content_id === null || row.engine === null) {
    throw new Error(`Tag job ${String(row.id)} has no content or engine`);
  }
  return {
    id: row.id,
    lease: row.lease_generation,
    kind: 'tag',
    contentId: row.content_id,
    engine: row.engine,
    attempts: row.attempts,
    remoteTaskId: row.remote_task_id,
    payload: TagJobPayload.parse(JSON.parse(row.payload)),
    lastError: row.last_error,
  };
}

/** Queue an ingest of one photo row; a no-op when one is already queued or running. */
export function enqueueIngest(db: Catalog, photoId: number, now: number = Date.now()): void {
  db.prepare(
    `INSERT INTO jobs (kind, photo_id, state, next_run_at, created_at, updated_at)
     VALUES ('ingest', ?, 'queued', ?, ?, ?)
     ON CONFLICT (photo_id) WHERE kind = 'ingest' DO UPDATE SET
       state = 'queued', attempts = 0, next_run_at = excluded.next_run_at, updated_at = excluded.updated_at
     WHERE jobs.state = 'failed'`,
  ).run(photoId, now, now, now);
}

/** Queue tagging of one content by one engine; a no-op when one is already open. */
export function enqueueTag(
  db: Catalog,
  contentId: number,
  engine: EngineId,
  now: number = Date.now(),
): void {
  db.prepare(
    `INSERT INTO jobs (kind, content_id, engine, payload, state, next_run_at, created_at, updated_at)
     VALUES ('tag', ?, ?, '{}', 'queued', ?, ?, ?)
     ON CONFLICT (content_id, engine) WHERE kind = 'tag' DO NOTHING`,
  ).run(contentId, engine, now, now, now);
}

/** How long a claim holds a job unless renewed: see [Note: Shared job queue]. */
export const defaultJobLeaseMs = 10 * 60_000;

export interface ClaimOptions {
  readonly kind: JobKind;
  /** Only jobs of these engines (tag jobs). */
  readonly engines?: readonly EngineId[];
  readonly now?: number;
  readonly leaseMs?: number;
  /** The process holding the job; this one when absent. */
  readonly owner?: ProcessIdentity;
}

/**
 * Take the next runnable job of a kind and mark it running, atomically. Tag jobs whose async
 * task was already submitted (a poll) go first, so a long queue of new photos never holds a
 * paid task back past the service's result retention (Aliyun keeps results 1 h); then due
 * retries, so a photo that hit a 429 is not tagged only at the end of a big import; then the
 * oldest fresh job. Each lookup is one index range scan (migrations 3 and 4).
 */
export function claimNextJob(db: Catalog, options: ClaimOptions): Job | undefined {
  const now = options.now ?? Date.now();
  const lease = now + (options.leaseMs ?? defaultJobLeaseMs);
  const owner = JSON.stringify(options.owner ?? currentProcessIdentity());
  const engines = options.engines;
  return db
    .transaction(() => {
      let row: unknown;
      if (options.kind === 'tag' && engines !== undefined && engines.length > 0) {
        row = db
          .prepare(
            `SELECT * FROM jobs
             WHERE state = 'queued' AND remote_task_id IS NOT NULL AND next_run_at <= ?
               AND engine IN (${engines.map(() => '?').join(', ')})
             ORDER BY next_run_at, id LIMIT 1`,
          )
          .get(now, ...engines);
      }
      if (row === undefined && engines !== undefined && engines.length > 0) {
        // Due retries next (migration 4), so they do not wait behind every fresh job.
        row = db
          .prepare(
            `SELECT * FROM jobs INDEXED BY jobs_retries
             WHERE kind = ? AND engine IN (${engines.map(() => '?').join(', ')})
               AND state = 'queued' AND attempts > 0 AND remote_task_id IS NULL AND next_run_at <= ?
             ORDER BY next_run_at, id LIMIT 1`,
          )
          .get(options.kind, ...engines, now);
      }
      if (row === undefined) {
        const engineFilter =
          engines === undefined
            ? options.kind === 'ingest'
              ? 'AND engine IS NULL'
              : ''
            : `AND engine IN (${engines.map(() => '?').join(', ') || 'NULL'})`;
        row = db
          .prepare(
            `SELECT * FROM jobs
             WHERE kind = ? ${engineFilter} AND state = 'queued' AND next_run_at <= ?
             ORDER BY next_run_at, id LIMIT 1`,
          )
          .get(options.kind, ...(engines ?? []), now);
      }
      if (row === undefined) return undefined;
      const job = toJob(row);
      db.prepare(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = ?, lease_owner = ?,
           lease_generation = lease_generation + 1, updated_at = ? WHERE id = ?`,
      ).run(lease, owner, now, job.id);
      return { ...job, attempts: job.attempts + 1, lease: job.lease + 1 };
    })
    .immediate();
}

/**
 * The job's outcome is committed: remove it. False when the lease was taken over ([Note:
 * Fenced job writes]): the job is someone else's now and stays.
 */
export function completeJob(db: Catalog, held: HeldJob): boolean {
  return (
    db
      .prepare(`DELETE FROM jobs WHERE id = ? AND state = 'running' AND lease_generation = ?`)
      .run(held.id, held.lease).changes > 0
  );
}

/** Put a job back to run again at `runAt`, keeping the error that caused it. */
export function rescheduleJob(
  db: Catalog,
  held: HeldJob,
  runAt: number,
  error?: { code: string; message: string },
  now: number = Date.now(),
): boolean {
  return (
    db
      .prepare(
        `UPDATE jobs SET state = 'queued', next_run_at = ?, lease_until = NULL, lease_owner = NULL,
       last_error_code = COALESCE(?, last_error_code), last_error = COALESCE(?, last_error), updated_at = ?
     WHERE id = ? AND state = 'running' AND lease_generation = ?`,
      )
      .run(runAt, error?.code ?? null, error?.message ?? null, now, held.id, held.lease).changes > 0
  );
}

/**
 * A throttled run: run again at `runAt`, not counted as an attempt but as a throttle in the
 * payload ([Note: Throttling is not failing] in retry-policy.ts), keeping the service's answer
 * as the last error.
 */
export function rescheduleThrottledJob(
  db: Catalog,
  held: HeldJob,
  runAt: number,
  error: { code: string; message: string },
  now: number = Date.now(),
): boolean {
  return (
    db
      .prepare(
        `UPDATE jobs SET state = 'queued', next_run_at = ?, lease_until = NULL, lease_owner = NULL, attempts = MAX(0, attempts - 1),
       payload = json_set(payload, '$.throttles', COALESCE(json_extract(payload, '$.throttles'), 0) + 1),
       last_error_code = ?, last_error = ?, updated_at = ?
     WHERE id = ? AND state = 'running' AND lease_generation = ?`,
      )
      .run(runAt, error.code, error.message, now, held.id, held.lease).changes > 0
  );
}

/**
 * Run the job again at `runAt` without counting this run as an attempt: used for polling an
 * async task that is still pending, which is waiting, not failing.
 */
export function deferJob(
  db: Catalog,
  held: HeldJob,
  runAt: number,
  now: number = Date.now(),
): boolean {
  return (
    db
      .prepare(
        `UPDATE jobs SET state = 'queued', next_run_at = ?, lease_until = NULL, lease_owner = NULL, attempts = MAX(0, attempts - 1), updated_at = ?
     WHERE id = ? AND state = 'running' AND lease_generation = ?`,
      )
      .run(runAt, now, held.id, held.lease).changes > 0
  );
}

/**
 * Put a claimed job back without counting the run as an attempt, because it never reached
 * the engine (the engine was stopped or paused, or its budget ran out while the job waited
 * for a slot). Keeps `error` as the job's last error when given.
 */
export function releaseJob(
  db: Catalog,
  held: HeldJob,
  runAt: number,
  error?: { code: string; message: string },
  now: number = Date.now(),
): boolean {
  return (
    db
      .prepare(
        `UPDATE jobs SET state = 'queued', next_run_at = ?, lease_until = NULL, lease_owner = NULL, attempts = MAX(0, attempts - 1),
       last_error_code = COALESCE(?, last_error_code), last_error = COALESCE(?, last_error), updated_at = ?
     WHERE id = ? AND state = 'running' AND lease_generation = ?`,
      )
      .run(runAt, error?.code ?? null, error?.message ?? null, now, held.id, held.lease).changes > 0
  );
}

/** The job will not be retried by itself; `retryFailedJobs` requeues it. */
export function failJob(
  db: Catalog,
  held: HeldJob,
  code: string,
  message: string,
  now: number = Date.now(),
): boolean {
  return (
    db
      .prepare(
        `UPDATE jobs SET state = 'failed', lease_until = NULL, lease_owner = NULL, last_error_code = ?, last_error = ?, updated_at = ?
     WHERE id = ? AND state = 'running' AND lease_generation = ?`,
      )
      .run(code, message, now, held.id, held.lease).changes > 0
  );
}

/** Persist the async task id (and payload) before waiting; see [Note: Async tasks survive restarts]. */
export function recordRemoteTask(
  db: Catalog,
  held: HeldJob,
  remoteTaskId: string | null,
  payload: z.input<typeof TagJobPayload>,
  now: number = Date.now(),
): boolean {
  return (
    db
      .prepare(
        `UPDATE jobs SET remote_task_id = ?, payload = ?, updated_at = ?
         WHERE id = ? AND state = 'running' AND lease_generation = ?`,
      )
      .run(remoteTaskId, JSON.stringify(TagJobPayload.parse(payload)), now, held.id, held.lease)
      .changes > 0
  );
}

// [Note: Runs cut short by a crash]
// A job found `running` at start was in flight when the process died. If the job itself
// killed the process (a file that crashes the image decoder), running it first again would
// crash every start, so a cut-short run counts as an attempt and the job waits behind the rest
// of the queue for a while (1 s per attempt, at most a minute): the library goes on, and a
// poison photo fails after `maxAttempts`. A poll of a task already submitted decodes nothing
// and cannot be the cause: it is not counted and polls again at once.
const interruptedDelayPerAttemptMs = 1_000;
const interruptedDelayMaxMs = 60_000;

const RunningJobLease = z.object({
  id: z.number().int(),
  lease_until: z.number().int().nullable(),
  lease_owner: z.string().nullable(),
});

/**
 * Whether a running job's holder is gone: see [Note: Shared job queue]. A holder on this
 * machine whose identity can be checked (pid and start time) is asked, not its lease: a laptop
 * waking from a long sleep finds every lease expired while their owners still run them. The
 * lease decides only where the owner cannot be checked: another machine, or an OS without
 * process start times, where a live pid may have been handed to another program.
 */
function isAbandoned(
  row: z.infer<typeof RunningJobLease>,
  now: number,
  liveness: (owner: ProcessIdentity) => ProcessLiveness,
): boolean {
  // Claimed by a version that allowed one process per catalog (before migration 9): that
  // process is not running beside this one, so its jobs were cut short.
  if (row.lease_owner === null || row.lease_until === null) return true;
  let owner: ProcessIdentity;
  try {
    owner = ProcessIdentity.parse(JSON.parse(row.lease_owner));
  } catch {
    return true; // An owner no version wrote: nobody renews it.
  }
  const leaseExpired = row.lease_until <= now;
  switch (liveness(owner)) {
    case 'dead':
      return true;
    case 'alive':
      return owner.startId === null && leaseExpired;
    case 'unknown':
      return leaseExpired;
  }
}

/**
 * Jobs left running by a process that died (crash or kill), or whose lease ran out, run again;
 * jobs a live process holds are left to it ([Note: Shared job queue]). Run at start, and by the
 * runner now and then, so a crashed neighbour's jobs do not wait for the next start. Returns
 * how many were requeued.
 */
export function recoverInterruptedJobs(
  db: Catalog,
  now: number = Date.now(),
  liveness: (owner: ProcessIdentity) => ProcessLiveness = processLiveness,
): number {
  const requeue = db.prepare(
    `UPDATE jobs SET state = 'queued', lease_until = NULL, lease_owner = NULL, updated_at = :now,
       lease_generation = lease_generation + 1,
       attempts = CASE WHEN remote_task_id IS NULL THEN attempts ELSE MAX(0, attempts - 1) END,
       next_run_at = CASE WHEN remote_task_id IS NULL
         THEN :now + MIN(:maxDelay, :perAttempt * MAX(1, attempts))
         ELSE MIN(next_run_at, :now) END
     WHERE id = :id AND state = 'running'`,
  );
  return db
    .transaction(() => {
      let recovered = 0;
      const running = db
        .prepare(`SELECT id, lease_until, lease_owner FROM jobs WHERE state = 'running'`)
        .all()
        .map((raw) => RunningJobLease.parse(raw));
      for (const row of running) {
        if (!isAbandoned(row, now, liveness)) continue;
        recovered += requeue.run({
          id: row.id,
          now,
          perAttempt: interruptedDelayPerAttemptMs,
          maxDelay: interruptedDelayMaxMs,
        }).changes;
      }
      return recovered;
    })
    .immediate();
}

/**
 * Running jobs that other live processes hold, by pid (owners on this machine; another
 * machine's counted under its host name): an `index` run that finds only these ends, and says
 * they finish there.
 */
export function jobsHeldElsewhere(
  db: Catalog,
  me: ProcessIdentity = currentProcessIdentity(),
): { readonly holder: string; readonly jobs: number }[] {
  const held = new Map<string, number>();
  const rows = db
    .prepare(`SELECT lease_owner FROM jobs WHERE state = 'running' AND lease_owner IS NOT NULL`)
    .all() as { lease_owner: string }[];
  for (const row of rows) {
    let owner: ProcessIdentity;
    try {
      owner = ProcessIdentity.parse(JSON.parse(row.lease_owner));
    } catch {
      continue; // Not a holder any version wrote: recovery takes such a job over.
    }
    if (owner.host === me.host && owner.pid === me.pid) continue;
    if (processLiveness(owner) === 'dead') continue;
    const holder = owner.host === me.host ? `pid ${String(owner.pid)}` : owner.host;
    held.set(holder, (held.get(holder) ?? 0) + 1);
  }
  return [...held].map(([holder, jobs]) => ({ holder, jobs }));
}

/**
 * Extend the leases of jobs this process holds and still runs, so a long job (a slow upload,
 * a long wait for an engine slot) is never taken for abandoned. Returns how many were renewed:
 * fewer than asked when another process requeued one (its lease had run out).
 */
export function renewJobLeases(
  db: Catalog,
  jobs: readonly HeldJob[],
  leaseUntil: number,
  owner: ProcessIdentity = currentProcessIdentity(),
): number {
  if (jobs.length === 0) return 0;
  const renew = db.prepare(
    `UPDATE jobs SET lease_until = ?
     WHERE id = ? AND state = 'running' AND lease_owner = ? AND lease_generation = ?`,
  );
  const ownerText = JSON.stringify(owner);
  return db.transaction(() => {
    let renewed = 0;
    for (const job of jobs) renewed += renew.run(leaseUntil, job.id, ownerText, job.lease).changes;
    return renewed;
  })();
}

/** Requeue failed jobs (all, or one engine's). Returns how many. */
export function retryFailedJobs(
  db: Catalog,
  filter: { engine?: EngineId } = {},
  now: number = Date.now(),
): number {
  return db
    .prepare(
      `UPDATE jobs SET state = 'queued', attempts = 0, next_run_at = ?, updated_at = ?
       WHERE state = 'failed' AND (? IS NULL OR engine = ?)`,
    )
    .run(now, now, filter.engine ?? null, filter.engine ?? null).changes;
}

export interface JobCounts {
  readonly kind: JobKind;
  readonly engine: EngineId | null;
  readonly queued: number;
  readonly running: number;
  readonly failed: number;
}

export function countJobs(db: Catalog): JobCounts[] {
  return db
    .prepare<[], JobCounts>(
      `SELECT kind, engine,
         SUM(state = 'queued') AS queued, SUM(state = 'running') AS running, SUM(state = 'failed') AS failed
       FROM jobs GROUP BY kind, engine ORDER BY kind, engine`,
    )
    .all();
}

export interface FailedJob {
  readonly id: number;
  readonly kind: JobKind;
  readonly engine: EngineId | null;
  readonly photoId: number | null;
  readonly contentId: number | null;
  readonly code: string | null;
  readonly message: string | null;
  readonly attempts: number;
  readonly updatedAt: number;
}

export function listFailedJobs(db: Catalog, limit = 100): FailedJob[] {
  return db
    .prepare<[number], FailedJob>(
      `SELECT id, kind, engine, photo_id AS photoId, content_id AS contentId, last_error_code AS code,
         last_error AS message, attempts, updated_at AS updatedAt
       FROM jobs WHERE state = 'failed' ORDER BY updated_at DESC LIMIT ?`,
    )
    .all(limit);
}

/** When the next queued job of a kind becomes runnable, if any. */
export function nextRunAt(db: Catalog, kind: JobKind): number | undefined {
  const row = db
    .prepare<[string], { at: number | null }>(
      `SELECT MIN(next_run_at) AS at FROM jobs WHERE state = 'queued' AND kind = ?`,
    )
    .get(kind);
  return row?.at ?? undefined;
}

/** When the next queued job of these lanes (ingest, and tag jobs of `engines`) is due, if any. */
export function nextQueuedRunAt(
  db: Catalog,
  lanes: { readonly ingest: boolean; readonly engines: readonly EngineId[] },
): number | undefined {
  const { engines } = lanes;
  const row = db
    .prepare<unknown[], { at: number | null }>(
      `SELECT MIN(next_run_at) AS at FROM jobs WHERE state = 'queued' AND (
         (kind = 'ingest' AND ? = 1) OR (kind = 'tag' AND engine IN (${engines.map(() => '?').join(', ') || 'NULL'})))`,
    )
    .get(lanes.ingest ? 1 : 0, ...engines);
  return row?.at ?? undefined;
}

/**
 * A service pushed word that an async task finished (Aliyun's verified callback): its job
 * polls at once instead of at its next interval. Returns whether a waiting job was found.
 */
export function markRemoteTaskReady(
  db: Catalog,
  engine: EngineId,
  remoteTaskId: string,
  now: number = Date.now(),
): boolean {
  return (
    db
      .prepare(
        `UPDATE jobs SET next_run_at = MIN(next_run_at, ?), updated_at = ?
         WHERE kind = 'tag' AND engine = ? AND remote_task_id = ? AND state = 'queued'`,
      )
      .run(now, now, engine, remoteTaskId).changes > 0
  );
}
