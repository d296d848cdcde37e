// Runs the persisted jobs: ingest jobs through the library, tag jobs through the engines.
// Every outcome is committed before the job row goes away (see main/catalog/job-queue.ts).
// The runner is three parts put together here:
// - lane scheduling (lane-scheduler.ts): lanes, the pump, pause/budget/stop blocks, timers,
//   lease upkeep;
// - the tag-job protocol (tag-job-protocol.ts): sync call or async submit/poll/finish through
//   the engine's shared limiter and budget, and the answer commit ([Note: Never pay twice]);
// - failure handling (job-failure-handling.ts): classification and the retry policy.
import { completeJob, type Job } from '../catalog/job-queue.ts';
import type { EngineId } from '../engines/tag-model.ts';
import { isDiskFull } from '../util/disk-full.ts';
import {
  type EngineCallLimits,
  type EngineLimiter,
  sharedEngineLimiters,
} from './engine-limiter.ts';
import { clearEngineStop, readJobControls } from './job-controls.ts';
import { JobFailureHandler } from './job-failure-handling.ts';
import {
  type JobRunnerDeps,
  reportTakenOver,
  type RunnerContext,
  type RunnerEvent,
} from './job-runner-types.ts';
import { LaneScheduler } from './lane-scheduler.ts';
import { defaultRetryPolicy } from './retry-policy.ts';
import { enqueueTaggingFor, TagJobProtocol } from './tag-job-protocol.ts';

export type {
  EngineCallKind,
  IngestOutcome,
  JobRunnerDeps,
  RunnerEvent,
} from './job-runner-types.ts';
export {
  defaultResultRetentionMs,
  enginesEnabledForContent,
  enqueueMissingTagging,
  enqueueTaggingFor,
  sourcePathForContent,
} from './tag-job-protocol.ts';

export class JobRunner {
  private readonly ctx: RunnerContext;
  private readonly listeners = new Set<(event: RunnerEvent) => void>();
  private readonly failures: JobFailureHandler;
  private readonly tagJobs: TagJobProtocol;
  private readonly scheduler: LaneScheduler;

  constructor(deps: JobRunnerDeps) {
    const limiters = deps.limiters ?? sharedEngineLimiters;
    for (const [id, limits] of Object.entries(deps.limits ?? {}) as [
      EngineId,
      Partial<EngineCallLimits>,
    ][]) {
      limiters.configure(id, limits);
    }
    this.ctx = {
      deps,
      now: deps.now ?? Date.now,
      policy: deps.policy ?? defaultRetryPolicy,
      limiters,
      controls: readJobControls(deps.db),
      budgetUntil: new Map(),
      unreleased: new Map(),
      isDiskFull: deps.isDiskFull ?? isDiskFull,
      emit: (event) => {
        deps.onEvent?.(event);
        for (const listener of this.listeners) listener(event);
      },
      isObserved: () => deps.onEvent !== undefined || this.listeners.size > 0,
      haltFor: (error) => {
        this.scheduler.haltFor(error);
      },
      markProven: (engine) => {
        this.scheduler.markProven(engine);
      },
    };
    this.failures = new JobFailureHandler(this.ctx);
    this.tagJobs = new TagJobProtocol(this.ctx, this.failures);
    this.scheduler = new LaneScheduler(this.ctx, (job) => this.run(job));
    this.clearStaleStops();
  }

  /** Listen to runner events (progress, stops); returns the unsubscribe function. */
  subscribe(listener: (event: RunnerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Engines stopped by a credential or service error (persisted), with the reason. */
  stoppedEngines(): ReadonlyMap<EngineId, string> {
    return new Map([...this.ctx.controls.stopped].map(([id, stop]) => [id, stop.reason]));
  }

  /** The limiter this runner calls an engine through. */
  limiterFor(engine: EngineId): EngineLimiter {
    return this.ctx.limiters.get(engine);
  }

  /** Run until no runnable work is left for the lanes that are not blocked. */
  runUntilIdle(): Promise<void> {
    return this.scheduler.runUntilIdle();
  }

  /** Keep running as work arrives (watch mode); `wake()` after enqueueing. */
  start(): void {
    this.scheduler.start();
  }

  wake(): void {
    this.scheduler.wake();
  }

  /** Why the runner stopped taking work on its own (a full disk), or null. */
  haltedBy(): { readonly cause: 'disk-full'; readonly error: unknown } | null {
    return this.scheduler.haltedBy();
  }

  /** Take work again after a halt (the host decides there is room again). */
  resume(): void {
    this.scheduler.resume();
  }

  /** Stop claiming and wait for the jobs in flight to commit their outcome. */
  drain(): Promise<void> {
    return this.scheduler.drain();
  }

  /** A persisted stop whose engine settings changed since is cleared. */
  private clearStaleStops(): void {
    for (const [engine, stop] of this.ctx.controls.stopped) {
      const fingerprint = this.ctx.deps.fingerprints?.[engine];
      if (fingerprint === undefined || stop.fingerprint === fingerprint) continue;
      clearEngineStop(this.ctx.deps.db, engine);
      this.ctx.deps.log.info(`engine ${engine}: settings changed since it stopped; running again`);
    }
    this.ctx.controls = readJobControls(this.ctx.deps.db);
  }

  private async run(job: Job): Promise<void> {
    if (job.kind === 'ingest') {
      await this.runIngest(job);
      return;
    }
    await this.tagJobs.run(job);
  }

  private async runIngest(job: Extract<Job, { kind: 'ingest' }>): Promise<void> {
    const { db } = this.ctx.deps;
    try {
      const outcome = await this.ctx.deps.ingestPhoto(job.photoId);
      const finished = db
        .transaction(() => {
          if (outcome.status === 'ok')
            enqueueTaggingFor(db, outcome.contentId, this.ctx.deps.engines, this.ctx.now());
          return completeJob(db, job);
        })
        .immediate();
      if (!finished) {
        reportTakenOver(this.ctx, job);
        return;
      }
      this.ctx.emit({
        type: 'job-finished',
        jobId: job.id,
        kind: 'ingest',
        engine: null,
        outcome: outcome.status === 'ok' ? 'done' : 'failed',
        photoStatus: outcome.status,
        at: this.ctx.now(),
        ...(outcome.status === 'ok' ? {} : { message: outcome.reason }),
      });
    } catch (error) {
      // ingestPhoto records bad photos itself; an exception here is unexpected (disk full,
      // catalog busy): retry with backoff rather than lose the photo.
      this.failures.handle(job, error);
    }
  }
}
