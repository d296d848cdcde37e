// Lane scheduling of the job runner: one lane per kind/engine with its own concurrency, so
// a slow or stopped cloud engine never holds back ingest or the local engine. The pump claims
// jobs for lanes that are not blocked (paused by the user, engine stopped, budget spent: the
// switches are read on every pump), hands each to the runner, and sets a timer for the next
// due job; lease upkeep renews the leases of jobs in flight and requeues those of processes
// that died ([Note: Shared job queue] in catalog/job-queue.ts). A full disk halts the pump
// until `resume()` ([Note: A full disk pauses the run]).
import {
  claimNextJob,
  nextQueuedRunAt,
  countJobs,
  defaultJobLeaseMs,
  type HeldJob,
  type Job,
  recoverInterruptedJobs,
  releaseJob,
  renewJobLeases,
} from '../catalog/job-queue.ts';
import type { EngineId } from '../engines/tag-model.ts';
import { isEnginePaused, readJobControls } from './job-controls.ts';
import type { RunnerContext } from './job-runner-types.ts';

interface Lane {
  readonly name: string;
  readonly kind: 'ingest' | 'tag';
  readonly engine: EngineId | null;
  readonly limit: number;
  active: number;
  /** A call of this engine succeeded in this process (see `probeFirstCall`). */
  proven: boolean;
}

/** Why a lane may not start work now. */
type LaneBlock = { cause: 'user' | 'budget' | 'stopped'; until?: number };

export class LaneScheduler {
  private readonly lanes: Lane[];
  private readonly inFlight = new Set<Promise<void>>();
  /** The jobs this runner holds (by id), whose leases it renews. */
  private readonly leased = new Map<number, HeldJob>();
  private leaseTimer: NodeJS.Timeout | undefined;
  /** Which lanes were reported paused, so pause/resume events fire once per change. */
  private readonly reportedPaused = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private draining = false;
  /** Set when a full disk stopped the runner; see [Note: A full disk pauses the run]. */
  private halt: { readonly error: unknown } | null = null;
  private continuous = false;
  private lastQueueEventAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: RunnerContext,
    /** Runs one claimed job to its outcome; never rejects on a job's own failure. */
    private readonly runJob: (job: Job) => Promise<void>,
  ) {
    const { deps } = ctx;
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
        limit: deps.concurrency?.engines?.[id] ?? ctx.limiters.get(id).limits().concurrency,
        active: 0,
        proven: id === 'local' || deps.probeFirstCall === false,
      });
    }
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
    for (const [jobId, held] of this.ctx.unreleased) {
      try {
        // Refused when another process took the job over meanwhile: it is theirs then.
        releaseJob(this.ctx.deps.db, held, this.ctx.now());
        this.ctx.unreleased.delete(jobId);
      } catch (error) {
        // Still full: halt again; the job waits for the next resume.
        if (!this.ctx.isDiskFull(error)) throw error;
        this.haltFor(error);
        return;
      }
    }
    this.ctx.emit({ type: 'engine-resumed', engine: null });
    this.wake();
  }

  /** Stop claiming and wait for the jobs in flight to commit their outcome. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    this.stopLeaseUpkeep();
  }

  /** A call of this engine succeeded: its lane opens up to its concurrency. */
  markProven(engine: EngineId): void {
    const lane = this.lanes.find((l) => l.engine === engine);
    if (lane) lane.proven = true;
  }

  private leaseMs(): number {
    return this.ctx.deps.leaseMs ?? defaultJobLeaseMs;
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
      const now = this.ctx.now();
      renewJobLeases(this.ctx.deps.db, [...this.leased.values()], now + this.leaseMs());
      if (recoverInterruptedJobs(this.ctx.deps.db, now) > 0) this.wake();
    } catch (error) {
      // A busy or full catalog: the next round tries again, well within the lease.
      this.ctx.deps.log.warn('job lease upkeep failed', { error: String(error) });
    }
  }

  /** Why a lane may not start work now, if it may not. */
  private laneBlock(lane: Lane): LaneBlock | null {
    if (this.ctx.controls.pausedAll) return { cause: 'user' };
    if (lane.engine === null) return null;
    if (this.ctx.controls.stopped.has(lane.engine)) return { cause: 'stopped' };
    if (isEnginePaused(this.ctx.controls, lane.engine)) return { cause: 'user' };
    const until = this.ctx.budgetUntil.get(lane.engine);
    if (until !== undefined) {
      if (until > this.ctx.now()) return { cause: 'budget', until };
      this.ctx.budgetUntil.delete(lane.engine);
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
      if (!this.ctx.isDiskFull(error)) throw error;
      this.haltFor(error);
    }
  }

  /** Stop taking work: [Note: A full disk pauses the run]. */
  haltFor(error: unknown): void {
    if (this.halt) return;
    this.halt = { error };
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.ctx.deps.log.error('the disk is full: no more jobs are taken', { error: String(error) });
    this.ctx.emit({ type: 'halted', cause: 'disk-full', message: String(error) });
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
    this.ctx.controls = readJobControls(this.ctx.deps.db);
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
        const job = claimNextJob(this.ctx.deps.db, {
          kind: lane.kind,
          ...(lane.engine ? { engines: [lane.engine] } : {}),
          now: this.ctx.now(),
          leaseMs: this.leaseMs(),
        });
        if (!job) break;
        lane.active++;
        this.leased.set(job.id, job);
        this.ctx.emit({
          type: 'job-started',
          jobId: job.id,
          kind: job.kind,
          engine: lane.engine,
          attempt: job.attempts,
          at: this.ctx.now(),
        });
        const run = this.runJob(job)
          .catch((error: unknown) => {
            this.ctx.deps.log.error('job runner failure', { job: job.id, error: String(error) });
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
        this.schedule(Math.min(wakeAt ?? Infinity, this.ctx.now() + this.controlPollMs()));
      return;
    }
    this.schedule(
      this.continuous && blockedWithWork
        ? Math.min(next, this.ctx.now() + this.controlPollMs())
        : next,
    );
  }

  private controlPollMs(): number {
    return this.ctx.deps.controlPollMs ?? 2_000;
  }

  private schedule(at: number): void {
    this.timer = setTimeout(
      () => {
        this.pump();
      },
      Math.max(0, at - this.ctx.now()),
    );
  }

  private reportPause(lane: Lane, block: LaneBlock | null): void {
    const key = lane.name;
    if (block === null || block.cause === 'stopped') {
      if (this.reportedPaused.delete(key))
        this.ctx.emit({ type: 'engine-resumed', engine: lane.engine });
      return;
    }
    if (this.reportedPaused.has(key)) return;
    this.reportedPaused.add(key);
    this.ctx.emit({
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
    return nextQueuedRunAt(this.ctx.deps.db, { ingest: hasIngest, engines });
  }

  private resolveIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Queue counts for progress displays, at most twice a second (or now when forced). */
  private emitQueue(force: boolean): void {
    if (!this.ctx.isObserved()) return;
    const at = this.ctx.now();
    if (!force && at - this.lastQueueEventAt < 500) return;
    this.lastQueueEventAt = at;
    this.ctx.emit({ type: 'queue', counts: countJobs(this.ctx.deps.db), at });
  }
}
