// Runs the persisted jobs: ingest jobs through the library, tag jobs through the engines.
// One lane per kind/engine with its own concurrency, so a slow or stopped cloud engine
// never holds back ingest or the local engine. Every outcome is committed before the job
// row goes away (see main/catalog/job-queue.ts). Every engine call goes through the process's
// shared limiter for that engine (main/jobs/engine-limiter.ts), paid calls are counted
// against the engine's budget (main/jobs/engine-budget.ts), and the user's pause switches
// and persisted engine stops (main/jobs/job-controls.ts) are read on every pump.
//
// [Note: Never pay twice]
// A (content, engine, settings key) with a row in `engine_results` is never sent again:
// `enqueueTaggingFor` does not queue it, and `runTag` checks again right before calling
// (a duplicate of the same bytes may have been answered meanwhile). Moves and renames keep
// the content, so they keep the result; the queue lives in the catalog, so restarts keep it
// too, and processes sharing it never take a job another live one holds ([Note: Shared job
// queue] in catalog/job-queue.ts); an async task id is stored before any waiting, so a restart polls
// instead of submitting again. The one window left is a crash (or kill) AFTER the service accepted a
// paid call and BEFORE the answer's transaction committed (sync engines), or before the
// task id was committed (async submit): on restart the job runs again and pays a second
// time. The window is one HTTP answer plus one SQLite commit wide; test/crash measures it.
import type { Catalog } from '../catalog/catalog-connection.ts';
import { saveAnswerFaces } from '../catalog/people.ts';
import { hasEngineResult, saveEngineAnswer } from '../catalog/photo-tags.ts';
import type { TaggingEngine, TagRequest } from '../engines/engine.ts';
import { engineProfileList } from '../engines/engine-profile.ts';
import { EngineId, type EngineAnswer } from '../engines/tag-model.ts';
import { isDiskFull } from '../util/disk-full.ts';
import type { Logger } from '../util/logger.ts';
import { type EngineBudget, readBudget, reservePaidCall } from './engine-budget.ts';
import {
  type EngineCallLimits,
  type EngineLimiter,
  EngineLimiterRegistry,
  sharedEngineLimiters,
} from './engine-limiter.ts';
import {
  clearEngineStop,
  isEnginePaused,
  type JobControls,
  readJobControls,
  recordEngineStop,
} from './job-controls.ts';
import {
  claimNextJob,
  completeJob,
  countJobs,
  defaultJobLeaseMs,
  deferJob,
  enqueueTag,
  failJob,
  type Job,
  type JobCounts,
  recordRemoteTask,
  recoverInterruptedJobs,
  releaseJob,
  renewJobLeases,
  rescheduleJob,
  rescheduleThrottledJob,
} from '../catalog/job-queue.ts';
import {
  type ClassifiedFailure,
  classifyFailure,
  decideAfterFailure,
  defaultRetryPolicy,
  type RetryPolicy,
  waitDelay,
} from './retry-policy.ts';

export type IngestOutcome =
  | { readonly status: 'ok'; readonly contentId: number; readonly newContent: boolean }
  | { readonly status: 'broken' | 'skipped' | 'missing'; readonly reason: string };

/** Which engine call a `call` event reports. */
export type EngineCallKind = 'tag' | 'submit' | 'poll';

export type RunnerEvent =
  | {
      readonly type: 'job-started';
      readonly jobId: number;
      readonly kind: 'ingest' | 'tag';
      readonly engine: EngineId | null;
      readonly attempt: number;
      readonly at: number;
    }
  | {
      readonly type: 'job-finished';
      readonly jobId?: number;
      readonly kind: 'ingest' | 'tag';
      readonly engine: EngineId | null;
      /** done: committed; retry: back in the queue; waiting: async task pending; failed: gave up. */
      readonly outcome: 'done' | 'retry' | 'waiting' | 'failed';
      /** Ingest only: how the photo ended, so a skipped photo is not counted as broken. */
      readonly photoStatus?: IngestOutcome['status'];
      readonly message?: string;
      readonly at?: number;
    }
  | {
      readonly type: 'call';
      readonly engine: EngineId;
      readonly call: EngineCallKind;
      readonly ok: boolean;
      readonly code?: string;
      readonly ms: number;
    }
  | { readonly type: 'engine-stopped'; readonly engine: EngineId; readonly reason: string }
  | {
      readonly type: 'engine-paused';
      /** null: all work. */
      readonly engine: EngineId | null;
      readonly cause: 'user' | 'budget';
      readonly reason: string;
      readonly resumesAt?: number;
    }
  | { readonly type: 'engine-resumed'; readonly engine: EngineId | null }
  /** The runner stopped taking work: [Note: A full disk pauses the run]. `resume()` goes on. */
  | { readonly type: 'halted'; readonly cause: 'disk-full'; readonly message: string }
  | { readonly type: 'queue'; readonly counts: readonly JobCounts[]; readonly at: number };

export interface JobRunnerDeps {
  readonly db: Catalog;
  readonly log: Logger;
  readonly ingestPhoto: (photoId: number) => Promise<IngestOutcome>;
  readonly engines: ReadonlyMap<EngineId, TaggingEngine>;
  readonly concurrency?: {
    readonly ingest?: number;
    /** Tag jobs in flight per engine; the engine's limiter concurrency when absent. */
    readonly engines?: Partial<Record<EngineId, number>>;
  };
  /** The limiters to call engines through; the process-wide registry when absent. */
  readonly limiters?: EngineLimiterRegistry;
  /** Per-engine call limits applied to the registry (e.g. from the engine settings). */
  readonly limits?: Partial<Record<EngineId, Partial<EngineCallLimits>>>;
  /**
   * Budgets from the engine settings; combined with the `jobs.budget.<engine>` setting
   * (the lower cap wins).
   */
  readonly budgets?: Partial<Record<EngineId, EngineBudget>>;
  /**
   * A hash of each engine's settings and credentials: a persisted engine stop recorded with a
   * different fingerprint is cleared (the user changed the settings since).
   */
  readonly fingerprints?: Partial<Record<EngineId, string>>;
  /** How long each async engine keeps a task's result (Aliyun 1 h, Volcengine 12 h). */
  readonly retentionMs?: Partial<Record<EngineId, number>>;
  readonly policy?: RetryPolicy;
  readonly onEvent?: (event: RunnerEvent) => void;
  /** Tells a full disk from other errors; the host knows the data folder (util/disk-full.ts). */
  readonly isDiskFull?: (error: unknown) => boolean;
  readonly now?: () => number;
  /** How long after submitting an async task its first poll runs. */
  readonly firstPollDelayMs?: number;
  /** In watch mode, how often blocked (paused, stopped) lanes look at the switches again. */
  readonly controlPollMs?: number;
  /**
   * A cloud engine lane sends ONE call until a call succeeds, then opens up to its
   * concurrency: with a wrong key, exactly one call fails (default true).
   */
  readonly probeFirstCall?: boolean;
  /**
   * How long a claim holds a job; renewed every third of it while the job runs, and as often
   * the queue is searched for jobs of processes that died ([Note: Shared job queue] in
   * catalog/job-queue.ts). Default 10 minutes.
   */
  readonly leaseMs?: number;
}

/** Results are kept this long by the services (PROTOCOLS.md A.4, C.4): the engines' profiles. */
export const defaultResultRetentionMs: Partial<Record<EngineId, number>> = Object.fromEntries(
  engineProfileList.flatMap((profile) =>
    profile.resultRetentionMs === undefined ? [] : [[profile.id, profile.resultRetentionMs]],
  ),
);

interface Lane {
  readonly name: string;
  readonly kind: 'ingest' | 'tag';
  readonly engine: EngineId | null;
  readonly limit: number;
  active: number;
  /** A call of this engine succeeded in this process (see `probeFirstCall`). */
  proven: boolean;
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
  // IMMEDIATE: it reads, then writes; a deferred transaction would fail at once with
  // SQLITE_BUSY (no busy wait) when another process wrote in between ([Note: Shared job queue]).
  db.transaction(() => {
    for (const { id } of contents) queued += enqueueTaggingFor(db, id, engines, now);
  }).immediate();
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

/** Thrown inside a limiter slot when the call must not be made after all. */
class CallNotMade extends Error {
  constructor(
    readonly why: 'stopped' | 'paused' | 'budget',
    readonly resumesAt?: number,
  ) {
    super(`call not made: engine ${why}`);
  }
}

/** A task older than its result retention: submit again rather than poll forever. */
class RetentionExpired extends Error {}

export class JobRunner {
  private readonly lanes: Lane[];
  private readonly policy: RetryPolicy;
  private readonly now: () => number;
  private readonly limiters: EngineLimiterRegistry;
  private readonly inFlight = new Set<Promise<void>>();
  /** Ids of the jobs this runner holds, whose leases it renews. */
  private readonly leased = new Set<number>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(event: RunnerEvent) => void>();
  private controls: JobControls;
  /** Recent throttling answers with Retry-After, per engine. */
  private readonly recentThrottles = new Map<EngineId, number[]>();
  /** Engines whose budget is spent, until when. */
  private readonly budgetUntil = new Map<EngineId, number>();
  /** Which lanes were reported paused, so pause/resume events fire once per change. */
  private readonly reportedPaused = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private draining = false;
  /** Set when a full disk stopped the runner; see [Note: A full disk pauses the run]. */
  private halt: { readonly error: unknown } | null = null;
  /** Jobs a full disk kept `running` (even requeueing failed): requeued on `resume()`. */
  private readonly unreleased = new Set<number>();
  private continuous = false;
  private lastQueueEventAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: JobRunnerDeps) {
    this.policy = deps.policy ?? defaultRetryPolicy;
    this.now = deps.now ?? Date.now;
    this.limiters = deps.limiters ?? sharedEngineLimiters;
    for (const [id, limits] of Object.entries(deps.limits ?? {}) as [
      EngineId,
      Partial<EngineCallLimits>,
    ][]) {
      this.limiters.configure(id, limits);
    }
    this.lanes = [
      {
        name: 'ingest',
        kind: 'ingest',
        engine: null,
        limit: deps.concurrency?.ingest ?? 2,
        active: 0,
        proven: true,
      },
    ];
    for (const id of deps.engines.keys()) {
      this.lanes.push({
        name: `tag:${id}`,
        kind: 'tag',
        engine: id,
        limit: deps.concurrency?.engines?.[id] ?? this.limiters.get(id).limits().concurrency,
        active: 0,
        proven: id === 'local' || deps.probeFirstCall === false,
      });
    }
    this.controls = readJobControls(deps.db);
    this.clearStaleStops();
  }

  /** Listen to runner events (progress, stops); returns the unsubscribe function. */
  subscribe(listener: (event: RunnerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Engines stopped by a credential or service error (persisted), with the reason. */
  stoppedEngines(): ReadonlyMap<EngineId, string> {
    return new Map([...this.controls.stopped].map(([id, stop]) => [id, stop.reason]));
  }

  /** The limiter this runner calls an engine through. */
  limiterFor(engine: EngineId): EngineLimiter {
    return this.limiters.get(engine);
  }

  /** Run until no runnable work is left for the lanes that are not blocked. */
  async runUntilIdle(): Promise<void> {
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.startLeaseUpkeep();
    this.emitQueue(true);
    this.pump();
    // Halted (a full disk) with nothing in flight: nothing will run until `resume()`.
    if (this.halt && this.inFlight.size === 0) this.resolveIdle();
    try {
      await idle;
    } finally {
      if (!this.continuous) this.stopLeaseUpkeep();
    }
    this.emitQueue(true);
  }

  /** Keep running as work arrives (watch mode); `wake()` after enqueueing. */
  start(): void {
    this.continuous = true;
    this.startLeaseUpkeep();
    this.pump();
  }

  wake(): void {
    if (!this.draining) this.pump();
  }

  /** Why the runner stopped taking work on its own (a full disk), or null. */
  haltedBy(): { readonly cause: 'disk-full'; readonly error: unknown } | null {
    return this.halt ? { cause: 'disk-full', error: this.halt.error } : null;
  }

  /** Take work again after a halt (the host decides there is room again). */
  resume(): void {
    if (!this.halt) return;
    this.halt = null;
    for (const jobId of this.unreleased) {
      try {
        releaseJob(this.deps.db, jobId, this.now());
        this.unreleased.delete(jobId);
      } catch (error) {
        // Still full: halt again; the job waits for the next resume.
        if (!(this.deps.isDiskFull ?? isDiskFull)(error)) throw error;
        this.haltFor(error);
        return;
      }
    }
    this.emit({ type: 'engine-resumed', engine: null });
    this.wake();
  }

  /** Stop claiming and wait for the jobs in flight to commit their outcome. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    this.stopLeaseUpkeep();
  }

  private leaseMs(): number {
    return this.deps.leaseMs ?? defaultJobLeaseMs;
  }

  /**
   * Every third of a lease: renew the leases of the jobs in flight, and requeue jobs that a
   * process which died since left running, so they do not wait for the next start.
   */
  private startLeaseUpkeep(): void {
    if (this.leaseTimer) return;
    this.leaseTimer = setInterval(() => {
      this.upkeepLeases();
    }, this.leaseMs() / 3);
    this.leaseTimer.unref();
  }

  private stopLeaseUpkeep(): void {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.leaseTimer = undefined;
  }

  private upkeepLeases(): void {
    try {
      const now = this.now();
      renewJobLeases(this.deps.db, [...this.leased], now + this.leaseMs());
      if (recoverInterruptedJobs(this.deps.db, now) > 0) this.wake();
    } catch (error) {
      // A busy or full catalog: the next round tries again, well within the lease.
      this.deps.log.warn('job lease upkeep failed', { error: String(error) });
    }
  }

  /** A persisted stop whose engine settings changed since is cleared. */
  private clearStaleStops(): void {
    for (const [engine, stop] of this.controls.stopped) {
      const fingerprint = this.deps.fingerprints?.[engine];
      if (fingerprint === undefined || stop.fingerprint === fingerprint) continue;
      clearEngineStop(this.deps.db, engine);
      this.deps.log.info(`engine ${engine}: settings changed since it stopped; running again`);
    }
    this.controls = readJobControls(this.deps.db);
  }

  /** Why a lane may not start work now, if it may not. */
  private laneBlock(lane: Lane): { cause: 'user' | 'budget' | 'stopped'; until?: number } | null {
    if (this.controls.pausedAll) return { cause: 'user' };
    if (lane.engine === null) return null;
    if (this.controls.stopped.has(lane.engine)) return { cause: 'stopped' };
    if (isEnginePaused(this.controls, lane.engine)) return { cause: 'user' };
    const until = this.budgetUntil.get(lane.engine);
    if (until !== undefined) {
      if (until > this.now()) return { cause: 'budget', until };
      this.budgetUntil.delete(lane.engine);
    }
    return null;
  }

  private pump(): void {
    if (this.draining || this.halt) return;
    try {
      this.pumpOnce();
    } catch (error) {
      // pump runs from timers and from each job's `finally`: a throw here is an unhandled
      // rejection that kills the process. Claiming a job writes to the catalog, so a full disk
      // shows up here first.
      if (!(this.deps.isDiskFull ?? isDiskFull)(error)) throw error;
      this.haltFor(error);
    }
  }

  private haltFor(error: unknown): void {
    if (this.halt) return;
    this.halt = { error };
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.deps.log.error('the disk is full: no more jobs are taken', { error: String(error) });
    this.emit({ type: 'halted', cause: 'disk-full', message: String(error) });
    // runUntilIdle ends once the jobs in flight have settled; they find the runner halted.
    void Promise.allSettled([...this.inFlight]).then(() => {
      if (this.halt) this.resolveIdle();
    });
  }

  private pumpOnce(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.controls = readJobControls(this.deps.db);
    let blockedWithWork = false;
    let wakeAt: number | undefined;
    for (const lane of this.lanes) {
      const block = this.laneBlock(lane);
      this.reportPause(lane, block);
      if (block) {
        blockedWithWork = true;
        if (block.until !== undefined) wakeAt = Math.min(wakeAt ?? block.until, block.until);
        continue;
      }
      const limit = lane.proven ? lane.limit : 1;
      while (lane.active < limit) {
        const job = claimNextJob(this.deps.db, {
          kind: lane.kind,
          ...(lane.engine ? { engines: [lane.engine] } : {}),
          now: this.now(),
          leaseMs: this.leaseMs(),
        });
        if (!job) break;
        lane.active++;
        this.leased.add(job.id);
        this.emit({
          type: 'job-started',
          jobId: job.id,
          kind: job.kind,
          engine: lane.engine,
          attempt: job.attempts,
          at: this.now(),
        });
        const run = this.run(job)
          .catch((error: unknown) => {
            this.deps.log.error('job runner failure', { job: job.id, error: String(error) });
          })
          .finally(() => {
            lane.active--;
            this.leased.delete(job.id);
            this.inFlight.delete(run);
            // A drain that gave up waiting may have closed the catalog since.
            if (!this.draining) this.emitQueue(false);
            this.pump();
          });
        this.inFlight.add(run);
      }
    }
    if (this.inFlight.size > 0) return;
    const next = this.nextDueAt();
    if (next === undefined) {
      if (!this.continuous) {
        this.resolveIdle();
        return;
      }
      // Watch mode: blocked lanes look at the switches again now and then (another process
      // may resume them), and a spent budget wakes its lane when the period ends.
      if (blockedWithWork)
        this.schedule(Math.min(wakeAt ?? Infinity, this.now() + this.controlPollMs()));
      return;
    }
    this.schedule(
      this.continuous && blockedWithWork ? Math.min(next, this.now() + this.controlPollMs()) : next,
    );
  }

  private controlPollMs(): number {
    return this.deps.controlPollMs ?? 2_000;
  }

  private schedule(at: number): void {
    this.timer = setTimeout(
      () => {
        this.pump();
      },
      Math.max(0, at - this.now()),
    );
  }

  private reportPause(
    lane: Lane,
    block: { cause: 'user' | 'budget' | 'stopped'; until?: number } | null,
  ): void {
    const key = lane.name;
    if (block === null || block.cause === 'stopped') {
      if (this.reportedPaused.delete(key))
        this.emit({ type: 'engine-resumed', engine: lane.engine });
      return;
    }
    if (this.reportedPaused.has(key)) return;
    this.reportedPaused.add(key);
    this.emit({
      type: 'engine-paused',
      engine: lane.engine,
      cause: block.cause,
      reason: block.cause === 'user' ? 'paused by the user' : 'budget reached',
      ...(block.until === undefined ? {} : { resumesAt: block.until }),
    });
  }

  private nextDueAt(): number | undefined {
    const active = this.lanes.filter((l) => this.laneBlock(l) === null);
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
    for (const listener of this.listeners) listener(event);
  }

  /** Queue counts for progress displays, at most twice a second (or now when forced). */
  private emitQueue(force: boolean): void {
    if (!this.deps.onEvent && this.listeners.size === 0) return;
    const at = this.now();
    if (!force && at - this.lastQueueEventAt < 500) return;
    this.lastQueueEventAt = at;
    this.emit({ type: 'queue', counts: countJobs(this.deps.db), at });
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
      }).immediate();
      this.emit({
        type: 'job-finished',
        jobId: job.id,
        kind: 'ingest',
        engine: null,
        outcome: outcome.status === 'ok' ? 'done' : 'failed',
        photoStatus: outcome.status,
        at: this.now(),
        ...(outcome.status === 'ok' ? {} : { message: outcome.reason }),
      });
    } catch (error) {
      // ingestPhoto records bad photos itself; an exception here is unexpected (disk full,
      // catalog busy): retry with backoff rather than lose the photo.
      this.handleFailure(job, error);
    }
  }

  /** The budget that applies to an engine: the lower cap of the setting and the deps. */
  private budgetOf(engine: EngineId): EngineBudget {
    const stored = readBudget(this.deps.db, engine);
    const given = this.deps.budgets?.[engine] ?? {};
    const lower = (a: number | undefined, b: number | undefined) =>
      a === undefined ? b : b === undefined ? a : Math.min(a, b);
    const perDay = lower(stored.perDay, given.perDay);
    const perMonth = lower(stored.perMonth, given.perMonth);
    return {
      ...(perDay === undefined ? {} : { perDay }),
      ...(perMonth === undefined ? {} : { perMonth }),
    };
  }

  /**
   * One engine call through the engine's limiter. Once the slot is ours, the lane is checked
   * again (it may have been stopped while this job waited) and, for a paid call, the budget
   * is charged; either can cancel the call before anything is sent.
   */
  private async callEngine<T>(
    engine: EngineId,
    call: EngineCallKind,
    fn: () => Promise<T>,
  ): Promise<T> {
    return this.limiters.get(engine).run(async () => {
      this.controls = readJobControls(this.deps.db);
      if (this.controls.stopped.has(engine)) throw new CallNotMade('stopped');
      if (isEnginePaused(this.controls, engine)) throw new CallNotMade('paused');
      if (call !== 'poll') {
        const state = reservePaidCall(this.deps.db, engine, this.budgetOf(engine), this.now());
        if (state.exhausted) {
          this.budgetUntil.set(engine, state.resumesAt);
          this.deps.log.warn(`engine ${engine} paused: ${state.reason}`);
          throw new CallNotMade('budget', state.resumesAt);
        }
      }
      const started = this.now();
      try {
        const result = await fn();
        this.emit({ type: 'call', engine, call, ok: true, ms: this.now() - started });
        return result;
      } catch (error) {
        const failure = classifyFailure(error);
        this.emit({
          type: 'call',
          engine,
          call,
          ok: false,
          code: failure.code,
          ms: this.now() - started,
        });
        throw error;
      }
    });
  }

  private laneOf(engine: EngineId): Lane | undefined {
    return this.lanes.find((l) => l.engine === engine);
  }

  private async runTag(job: Extract<Job, { kind: 'tag' }>): Promise<void> {
    const { db } = this.deps;
    const engine = this.deps.engines.get(job.engine);
    if (!engine) {
      rescheduleJob(db, job.id, this.now() + waitDelay('engine-missing', this.policy));
      return;
    }
    const settingsKey = engine.settingsKey();
    if (hasEngineResult(db, job.contentId, job.engine, settingsKey)) {
      completeJob(db, job.id); // Already answered (a duplicate of this content): never pay twice.
      this.emit({
        type: 'job-finished',
        jobId: job.id,
        kind: 'tag',
        engine: job.engine,
        outcome: 'done',
        at: this.now(),
      });
      return;
    }
    const source = sourcePathForContent(db, job.contentId);
    if (!source) {
      // Every copy is offline or gone: wait for the drive to come back.
      rescheduleJob(db, job.id, this.now() + waitDelay('offline', this.policy), {
        code: 'offline',
        message: 'No copy of this photo is reachable (folder offline or file missing).',
      });
      this.emit({
        type: 'job-finished',
        jobId: job.id,
        kind: 'tag',
        engine: job.engine,
        outcome: 'retry',
        at: this.now(),
      });
      return;
    }
    const request: TagRequest = { sourcePath: source.path, contentHash: source.hash };
    const lane = this.laneOf(job.engine);
    try {
      if (engine.kind === 'sync') {
        const answer = await this.callEngine(job.engine, 'tag', () => engine.tag(request));
        if (lane) lane.proven = true;
        this.commitAnswer(job, answer, settingsKey);
        return;
      }
      if (job.remoteTaskId === null) {
        const submitted = await this.callEngine(job.engine, 'submit', () => engine.submit(request));
        if (lane) lane.proven = true;
        recordRemoteTask(db, job.id, submitted.taskId, {
          ...job.payload,
          submittedAt: this.now(),
          ...(submitted.cleanup === undefined ? {} : { cleanup: submitted.cleanup }),
        });
        deferJob(db, job.id, this.now() + (this.deps.firstPollDelayMs ?? 1_000));
        this.emitFinished(job, 'waiting');
        return;
      }
      const retention = (this.deps.retentionMs ?? defaultResultRetentionMs)[job.engine];
      const submittedAt = job.payload.submittedAt;
      if (retention !== undefined && submittedAt !== undefined) {
        if (this.now() - submittedAt > retention) throw new RetentionExpired();
      }
      const taskId = job.remoteTaskId;
      const polled = await this.callEngine(job.engine, 'poll', () => engine.poll(taskId));
      if (lane) lane.proven = true;
      if (polled.state === 'pending') {
        deferJob(db, job.id, this.now() + polled.retryAfterMs);
        this.emitFinished(job, 'waiting');
        return;
      }
      this.commitAnswer(job, polled.answer, settingsKey);
      await this.finishQuietly(engine, job, taskId);
    } catch (error) {
      if (error instanceof CallNotMade) {
        this.releaseUnsent(job, error);
        return;
      }
      if (error instanceof RetentionExpired) {
        if (engine.kind === 'async' && job.remoteTaskId !== null)
          await this.finishQuietly(engine, job, job.remoteTaskId);
        this.handleFailure(job, {
          errorClass: 'resubmit',
          code: 'retention-expired',
          message: `The ${job.engine} task ${job.remoteTaskId ?? ''} is older than the service keeps results; submitting it again.`,
        });
        return;
      }
      const classified = classifyFailure(error);
      if (
        engine.kind === 'async' &&
        job.remoteTaskId !== null &&
        (classified.errorClass === 'resubmit' ||
          (classified.taskFailed && classified.errorClass === 'retry'))
      ) {
        // The old task is dead (expired, or failed: [Note: A failed async task is submitted
        // again]): free what it held (e.g. the hosted copy) before resubmitting.
        await this.finishQuietly(engine, job, job.remoteTaskId);
      }
      this.handleFailure(job, error);
    }
  }

  private async finishQuietly(
    engine: Extract<TaggingEngine, { kind: 'async' }>,
    job: Extract<Job, { kind: 'tag' }>,
    taskId: string,
  ): Promise<void> {
    try {
      await engine.finish?.(taskId, job.payload.cleanup);
    } catch (error) {
      // The answer (if any) is committed; a leftover hosted copy is logged, not retried.
      this.deps.log.warn('async task clean-up failed', { job: job.id, error: String(error) });
    }
  }

  /**
   * A lone throttling answer delays only its own job (it used a token, the rest of the lane
   * keeps the rate). Two or more within a second mean the service wants quiet: every caller of
   * the engine waits out the Retry-After. See [Note: Engine call limits].
   */
  private noteThrottle(engine: EngineId, retryAfterMs: number): void {
    const at = this.now();
    const recent = (this.recentThrottles.get(engine) ?? []).filter((t) => at - t < 1000);
    recent.push(at);
    this.recentThrottles.set(engine, recent);
    if (recent.length >= 2) this.limiters.get(engine).holdOff(retryAfterMs);
  }

  private releaseUnsent(job: Extract<Job, { kind: 'tag' }>, error: CallNotMade): void {
    // Runnable at once: the lane's block (not the job's time) holds it back, so a raised
    // budget or a resume takes effect without waiting for the old period to end.
    releaseJob(this.deps.db, job.id, this.now());
    this.emitFinished(job, 'retry', error.message);
  }

  private emitFinished(
    job: Job,
    outcome: 'done' | 'retry' | 'waiting' | 'failed',
    message?: string,
  ): void {
    this.emit({
      type: 'job-finished',
      jobId: job.id,
      kind: job.kind,
      engine: job.kind === 'tag' ? job.engine : null,
      outcome,
      at: this.now(),
      ...(message === undefined ? {} : { message }),
    });
  }

  private commitAnswer(
    job: Extract<Job, { kind: 'tag' }>,
    answer: EngineAnswer,
    settingsKey: string,
  ): void {
    const { db } = this.deps;
    // IMMEDIATE, as every read-then-write here: a paid answer that failed to commit with
    // SQLITE_BUSY because another process wrote meanwhile would be paid for again.
    db.transaction(() => {
      saveEngineAnswer(db, job.contentId, answer, settingsKey, this.now());
      saveAnswerFaces(db, job.contentId, answer, this.now());
      completeJob(db, job.id);
    }).immediate();
    this.emitFinished(job, 'done');
  }

  private handleFailure(job: Job, error: unknown): void {
    const { db, log } = this.deps;
    if ((this.deps.isDiskFull ?? isDiskFull)(error)) {
      // Not the job's fault: back in the queue without counting an attempt. If even that
      // write fails, the job stays `running` and start-up recovery requeues it.
      try {
        releaseJob(db, job.id, this.now());
      } catch (releaseError) {
        this.unreleased.add(job.id);
        log.warn('could not requeue a job on a full disk', {
          job: job.id,
          error: String(releaseError),
        });
      }
      this.emitFinished(job, 'retry', String(error));
      this.haltFor(error);
      return;
    }
    const classified: ClassifiedFailure = isClassified(error) ? error : classifyFailure(error);
    // Only engines throttle; an ingest job has no throttle count to keep, so a `retry-later`
    // there (never expected) counts as an ordinary attempt.
    const failure: ClassifiedFailure =
      job.kind === 'ingest' && classified.errorClass === 'retry-later'
        ? { ...classified, errorClass: 'retry' }
        : classified;
    const resubmits = job.kind === 'tag' ? job.payload.resubmits : 0;
    const throttles = job.kind === 'tag' ? job.payload.throttles : 0;
    const taskFailures = job.kind === 'tag' ? job.payload.taskFailures : 0;
    const decision = decideAfterFailure(
      failure,
      { attempts: job.attempts, resubmits, throttles, taskFailures },
      this.policy,
    );
    const engine = job.kind === 'tag' ? job.engine : null;
    switch (decision.action) {
      case 'retry':
        if (engine && failure.retryAfterMs !== undefined)
          this.noteThrottle(engine, failure.retryAfterMs);
        if (decision.throttled) {
          rescheduleThrottledJob(db, job.id, this.now() + decision.delayMs, failure, this.now());
        } else {
          rescheduleJob(db, job.id, this.now() + decision.delayMs, failure);
        }
        this.emitFinished(job, 'retry', failure.message);
        return;
      case 'resubmit':
        if (job.kind === 'tag') {
          // The old task's clean-up already ran; the new submit brings its own.
          recordRemoteTask(db, job.id, null, {
            resubmits: resubmits + (decision.taskFailed ? 0 : 1),
            throttles: job.payload.throttles,
            taskFailures: taskFailures + (decision.taskFailed ? 1 : 0),
          });
        }
        if (decision.taskFailed) {
          // Counted as a task failure, not as an attempt: the job's run did nothing wrong.
          releaseJob(db, job.id, this.now() + decision.taskFailed.delayMs, failure, this.now());
        } else {
          rescheduleJob(db, job.id, this.now(), failure);
        }
        this.emitFinished(job, 'retry', failure.message);
        return;
      case 'fail':
        failJob(db, job.id, failure.code, failure.message, this.now());
        log.warn(`job failed: ${failure.message}`, { job: job.id, code: failure.code });
        this.emitFinished(job, 'failed', failure.message);
        return;
      case 'stop-engine':
        // Credentials or service problem: retrying would only lock the key (Huawei locks an
        // AK after 5 bad signatures). Keep the job queued (this run does not count as an
        // attempt) and stop the whole lane, persistently: [Note: Stopped engines stay stopped].
        releaseJob(db, job.id, this.now(), failure);
        if (engine && !this.controls.stopped.has(engine)) {
          const reason = `${failure.code}: ${failure.message}`;
          recordEngineStop(
            db,
            engine,
            {
              reason,
              code: failure.code,
              fingerprint: this.deps.fingerprints?.[engine],
            },
            this.now(),
          );
          this.controls = readJobControls(db);
          log.error(`engine ${engine} stopped: ${failure.message}`, { code: failure.code });
          this.emit({ type: 'engine-stopped', engine, reason });
        }
        this.emitFinished(job, 'retry', failure.message);
        return;
    }
  }
}

function isClassified(value: unknown): value is ClassifiedFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    'errorClass' in value &&
    'code' in value
  );
}
