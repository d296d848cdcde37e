// Runs the persisted jobs: ingest jobs through the library, tag jobs through the engines.
// One lane per kind/engine with its own concurrency, so a slow or stopped cloud engine
// never holds back ingest or the local engine. Every outcome is committed before the job
// row goes away (see main/jobs/job-queue.ts).
import type { Catalog } from '../catalog/catalog-connection.ts';
import { hasEngineResult, saveEngineAnswer } from '../catalog/photo-tags.ts';
import type { TaggingEngine, TagRequest } from '../engines/engine.ts';
import { EngineId, type EngineAnswer } from '../engines/tag-model.ts';
import type { Logger } from '../util/logger.ts';
import {
  claimNextJob,
  completeJob,
  deferJob,
  enqueueTag,
  failJob,
  type Job,
  recordRemoteTask,
  rescheduleJob,
} from './job-queue.ts';
import {
  classifyFailure,
  decideAfterFailure,
  defaultRetryPolicy,
  type RetryPolicy,
} from './retry-policy.ts';

export type IngestOutcome =
  | { readonly status: 'ok'; readonly contentId: number; readonly newContent: boolean }
  | { readonly status: 'broken' | 'skipped' | 'missing'; readonly reason: string };

export type RunnerEvent =
  | {
      readonly type: 'job-finished';
      readonly kind: 'ingest' | 'tag';
      readonly engine: EngineId | null;
      readonly outcome: 'done' | 'retry' | 'waiting' | 'failed';
      readonly message?: string;
    }
  | { readonly type: 'engine-stopped'; readonly engine: EngineId; readonly reason: string };

export interface JobRunnerDeps {
  readonly db: Catalog;
  readonly log: Logger;
  readonly ingestPhoto: (photoId: number) => Promise<IngestOutcome>;
  readonly engines: ReadonlyMap<EngineId, TaggingEngine>;
  readonly concurrency?: {
    readonly ingest?: number;
    readonly engines?: Partial<Record<EngineId, number>>;
  };
  readonly policy?: RetryPolicy;
  readonly onEvent?: (event: RunnerEvent) => void;
  readonly now?: () => number;
  /** How long after submitting an async task its first poll runs. */
  readonly firstPollDelayMs?: number;
}

const defaultEngineConcurrency: Record<EngineId, number> = {
  // Two in flight lets the local engine decode the next photo while it infers on this one.
  local: 2,
  huawei: 10,
  volcengine: 4,
  aliyun: 10,
};

interface Lane {
  readonly name: string;
  readonly kind: 'ingest' | 'tag';
  readonly engine: EngineId | null;
  readonly limit: number;
  active: number;
}

/** Engines enabled on any folder holding a copy of this content. */
export function enginesEnabledForContent(db: Catalog, contentId: number): EngineId[] {
  const rows = db
    .prepare<[number], { engines: string }>(
      `SELECT DISTINCT f.engines FROM photos p JOIN folders f ON f.id = p.folder_id WHERE p.content_id = ?`,
    )
    .all(contentId);
  const enabled = new Set<EngineId>();
  for (const row of rows) {
    const parsed = EngineId.array().safeParse(JSON.parse(row.engines));
    if (parsed.success) for (const id of parsed.data) enabled.add(id);
  }
  return [...enabled];
}

/** Queue tag jobs for every enabled engine that has no result for this content yet. */
export function enqueueTaggingFor(
  db: Catalog,
  contentId: number,
  engines: ReadonlyMap<EngineId, TaggingEngine>,
  now: number = Date.now(),
): number {
  let queued = 0;
  for (const id of enginesEnabledForContent(db, contentId)) {
    const engine = engines.get(id);
    if (!engine) continue;
    if (hasEngineResult(db, contentId, id, engine.settingsKey())) continue;
    enqueueTag(db, contentId, id, now);
    queued++;
  }
  return queued;
}

/** Queue tagging for every ingested content that lacks a result of the given engines. */
export function enqueueMissingTagging(
  db: Catalog,
  engines: ReadonlyMap<EngineId, TaggingEngine>,
  now: number = Date.now(),
): number {
  const contents = db
    .prepare<[], { id: number }>(
      `SELECT DISTINCT c.id FROM contents c JOIN photos p ON p.content_id = c.id WHERE p.status = 'ok'`,
    )
    .all();
  let queued = 0;
  db.transaction(() => {
    for (const { id } of contents) queued += enqueueTaggingFor(db, id, engines, now);
  })();
  return queued;
}

/** An online copy of the content to read from, if any. */
export function sourcePathForContent(
  db: Catalog,
  contentId: number,
): { path: string; hash: string } | undefined {
  const row = db
    .prepare<[number], { folder: string; rel_path: string; hash: string }>(
      `SELECT f.path AS folder, p.rel_path, c.hash FROM photos p
       JOIN folders f ON f.id = p.folder_id JOIN contents c ON c.id = p.content_id
       WHERE p.content_id = ? AND p.status = 'ok' AND f.status = 'online' LIMIT 1`,
    )
    .get(contentId);
  return row ? { path: `${row.folder}/${row.rel_path}`, hash: row.hash } : undefined;
}

export class JobRunner {
  private readonly lanes: Lane[];
  private readonly stopped = new Map<EngineId, string>();
  private readonly policy: RetryPolicy;
  private readonly now: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private draining = false;
  private continuous = false;

  constructor(private readonly deps: JobRunnerDeps) {
    this.policy = deps.policy ?? defaultRetryPolicy;
    this.now = deps.now ?? Date.now;
    this.lanes = [
      {
        name: 'ingest',
        kind: 'ingest',
        engine: null,
        limit: deps.concurrency?.ingest ?? 2,
        active: 0,
      },
    ];
    for (const id of deps.engines.keys()) {
      this.lanes.push({
        name: `tag:${id}`,
        kind: 'tag',
        engine: id,
        limit: deps.concurrency?.engines?.[id] ?? defaultEngineConcurrency[id],
        active: 0,
      });
    }
  }

  /** Engines stopped by a credential or service error, with the reason. */
  stoppedEngines(): ReadonlyMap<EngineId, string> {
    return this.stopped;
  }

  /** Run until no runnable work is left for the lanes that are not stopped. */
  async runUntilIdle(): Promise<void> {
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.pump();
    await idle;
  }

  /** Keep running as work arrives (watch mode); `wake()` after enqueueing. */
  start(): void {
    this.continuous = true;
    this.pump();
  }

  wake(): void {
    if (!this.draining) this.pump();
  }

  /** Stop claiming and wait for the jobs in flight to commit their outcome. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    if (this.draining) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (const lane of this.lanes) {
      if (lane.engine && this.stopped.has(lane.engine)) continue;
      while (lane.active < lane.limit) {
        const job = claimNextJob(this.deps.db, {
          kind: lane.kind,
          ...(lane.engine ? { engines: [lane.engine] } : {}),
          now: this.now(),
        });
        if (!job) break;
        lane.active++;
        const run = this.run(job)
          .catch((error: unknown) => {
            this.deps.log.error('job runner failure', { job: job.id, error: String(error) });
          })
          .finally(() => {
            lane.active--;
            this.inFlight.delete(run);
            this.pump();
          });
        this.inFlight.add(run);
      }
    }
    if (this.inFlight.size > 0) return;
    const next = this.nextDueAt();
    if (next === undefined) {
      if (!this.continuous) this.resolveIdle();
      return;
    }
    this.timer = setTimeout(
      () => {
        this.pump();
      },
      Math.max(0, next - this.now()),
    );
  }

  private nextDueAt(): number | undefined {
    const active = this.lanes.filter((l) => !(l.engine && this.stopped.has(l.engine)));
    const engines = active.filter((l) => l.engine).map((l) => l.engine as EngineId);
    const hasIngest = active.some((l) => l.kind === 'ingest');
    const row = this.deps.db
      .prepare<unknown[], { at: number | null }>(
        `SELECT MIN(next_run_at) AS at FROM jobs WHERE state = 'queued' AND (
           (kind = 'ingest' AND ? = 1) OR (kind = 'tag' AND engine IN (${engines.map(() => '?').join(', ') || 'NULL'})))`,
      )
      .get(hasIngest ? 1 : 0, ...engines);
    return row?.at ?? undefined;
  }

  private resolveIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private emit(event: RunnerEvent): void {
    this.deps.onEvent?.(event);
  }

  private async run(job: Job): Promise<void> {
    if (job.kind === 'ingest') {
      await this.runIngest(job);
      return;
    }
    await this.runTag(job);
  }

  private async runIngest(job: Extract<Job, { kind: 'ingest' }>): Promise<void> {
    const { db } = this.deps;
    try {
      const outcome = await this.deps.ingestPhoto(job.photoId);
      db.transaction(() => {
        if (outcome.status === 'ok')
          enqueueTaggingFor(db, outcome.contentId, this.deps.engines, this.now());
        completeJob(db, job.id);
      })();
      this.emit({
        type: 'job-finished',
        kind: 'ingest',
        engine: null,
        outcome: outcome.status === 'ok' ? 'done' : 'failed',
        ...(outcome.status === 'ok' ? {} : { message: outcome.reason }),
      });
    } catch (error) {
      // ingestPhoto records bad photos itself; an exception here is unexpected (disk full,
      // catalog busy): retry with backoff rather than lose the photo.
      this.handleFailure(job, error, 0);
    }
  }

  private async runTag(job: Extract<Job, { kind: 'tag' }>): Promise<void> {
    const { db } = this.deps;
    const engine = this.deps.engines.get(job.engine);
    if (!engine) {
      rescheduleJob(db, job.id, this.now() + 60_000);
      return;
    }
    const settingsKey = engine.settingsKey();
    if (hasEngineResult(db, job.contentId, job.engine, settingsKey)) {
      completeJob(db, job.id); // Already answered (a duplicate of this content): never pay twice.
      this.emit({ type: 'job-finished', kind: 'tag', engine: job.engine, outcome: 'done' });
      return;
    }
    const source = sourcePathForContent(db, job.contentId);
    if (!source) {
      // Every copy is offline or gone: wait for the drive to come back.
      rescheduleJob(db, job.id, this.now() + 10 * 60_000, {
        code: 'offline',
        message: 'No copy of this photo is reachable (folder offline or file missing).',
      });
      this.emit({ type: 'job-finished', kind: 'tag', engine: job.engine, outcome: 'retry' });
      return;
    }
    const request: TagRequest = { sourcePath: source.path, contentHash: source.hash };
    try {
      if (engine.kind === 'sync') {
        const answer = await engine.tag(request);
        this.commitAnswer(job, answer, settingsKey);
        return;
      }
      if (job.remoteTaskId === null) {
        const submitted = await engine.submit(request);
        recordRemoteTask(db, job.id, submitted.taskId, {
          ...job.payload,
          ...(submitted.cleanup === undefined ? {} : { cleanup: submitted.cleanup }),
        });
        deferJob(db, job.id, this.now() + (this.deps.firstPollDelayMs ?? 1_000));
        this.emit({ type: 'job-finished', kind: 'tag', engine: job.engine, outcome: 'waiting' });
        return;
      }
      const polled = await engine.poll(job.remoteTaskId);
      if (polled.state === 'pending') {
        deferJob(db, job.id, this.now() + polled.retryAfterMs);
        this.emit({ type: 'job-finished', kind: 'tag', engine: job.engine, outcome: 'waiting' });
        return;
      }
      this.commitAnswer(job, polled.answer, settingsKey);
      await engine.finish?.(job.remoteTaskId, job.payload.cleanup);
    } catch (error) {
      this.handleFailure(job, error, job.payload.resubmits);
    }
  }

  private commitAnswer(
    job: Extract<Job, { kind: 'tag' }>,
    answer: EngineAnswer,
    settingsKey: string,
  ): void {
    const { db } = this.deps;
    db.transaction(() => {
      saveEngineAnswer(db, job.contentId, answer, settingsKey, this.now());
      completeJob(db, job.id);
    })();
    this.emit({ type: 'job-finished', kind: 'tag', engine: job.engine, outcome: 'done' });
  }

  private handleFailure(job: Job, error: unknown, resubmits: number): void {
    const { db, log } = this.deps;
    const failure = classifyFailure(error);
    const decision = decideAfterFailure(failure, job.attempts, resubmits, this.policy);
    const engine = job.kind === 'tag' ? job.engine : null;
    switch (decision.action) {
      case 'retry':
        rescheduleJob(db, job.id, this.now() + decision.delayMs, failure);
        this.emit({
          type: 'job-finished',
          kind: job.kind,
          engine,
          outcome: 'retry',
          message: failure.message,
        });
        return;
      case 'resubmit':
        if (job.kind === 'tag') {
          recordRemoteTask(db, job.id, null, { ...job.payload, resubmits: resubmits + 1 });
        }
        rescheduleJob(db, job.id, this.now(), failure);
        this.emit({
          type: 'job-finished',
          kind: job.kind,
          engine,
          outcome: 'retry',
          message: failure.message,
        });
        return;
      case 'fail':
        failJob(db, job.id, failure.code, failure.message, this.now());
        log.warn(`job failed: ${failure.message}`, { job: job.id, code: failure.code });
        this.emit({
          type: 'job-finished',
          kind: job.kind,
          engine,
          outcome: 'failed',
          message: failure.message,
        });
        return;
      case 'stop-engine':
        // Credentials or service problem: retrying would only lock the key (Huawei locks an
        // AK after 5 bad signatures). Keep the job queued and stop the whole lane.
        rescheduleJob(db, job.id, this.now(), failure);
        if (engine && !this.stopped.has(engine)) {
          this.stopped.set(engine, failure.message);
          log.error(`engine ${engine} stopped: ${failure.message}`, { code: failure.code });
          this.emit({
            type: 'engine-stopped',
            engine,
            reason: `${failure.code}: ${failure.message}`,
          });
        }
        return;
    }
  }
}
