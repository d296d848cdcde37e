// What the job runner's three parts share (main/jobs/job-runner.ts puts them together): the
// runner's dependencies and events, and the runner's state that more than one part reads or
// writes. Lane scheduling (lane-scheduler.ts) claims jobs and keeps the timers; the tag-job
// protocol (tag-job-protocol.ts) calls the engines and commits answers; failure handling
// (job-failure-handling.ts) decides what a failed run does to its job.
import type { Catalog } from '../catalog/catalog-connection.ts';
import type { HeldJob, Job, JobCounts } from '../catalog/job-queue.ts';
import type { TaggingEngine } from '../engines/engine.ts';
import type { EngineId } from '../engines/tag-model.ts';
import type { Logger } from '../util/logger.ts';
import type { EngineBudget } from './engine-budget.ts';
import type { EngineCallLimits, EngineLimiterRegistry } from './engine-limiter.ts';
import type { JobControls } from './job-controls.ts';
import type { RetryPolicy } from './retry-policy.ts';

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

/** The runner's state its parts share; built once by `JobRunner`. */
export interface RunnerContext {
  readonly deps: JobRunnerDeps;
  readonly now: () => number;
  readonly policy: RetryPolicy;
  readonly limiters: EngineLimiterRegistry;
  /** Pause switches and engine stops: read again on every pump and before every call. */
  controls: JobControls;
  /** Engines whose budget is spent, until when. */
  readonly budgetUntil: Map<EngineId, number>;
  /** Jobs a full disk kept `running` (even requeueing failed): requeued on `resume()`. */
  readonly unreleased: Map<number, HeldJob>;
  readonly isDiskFull: (error: unknown) => boolean;
  readonly emit: (event: RunnerEvent) => void;
  /** Whether anyone listens to events (queue counts are not counted for nobody). */
  readonly isObserved: () => boolean;
  /** Stop taking work: [Note: A full disk pauses the run] (util/disk-full.ts). */
  readonly haltFor: (error: unknown) => void;
  /** A call of this engine succeeded: its lane opens up to its concurrency (`probeFirstCall`). */
  readonly markProven: (engine: EngineId) => void;
}

/** Report how a run of a job ended. */
export function emitFinished(
  ctx: RunnerContext,
  job: Job,
  outcome: 'done' | 'retry' | 'waiting' | 'failed',
  message?: string,
): void {
  ctx.emit({
    type: 'job-finished',
    jobId: job.id,
    kind: job.kind,
    engine: job.kind === 'tag' ? job.engine : null,
    outcome,
    at: ctx.now(),
    ...(message === undefined ? {} : { message }),
  });
}

/**
 * A write of this job was refused: its lease ran out and another process took it over
 * ([Note: Fenced job writes] in catalog/job-queue.ts). The job is theirs; this run ends
 * without touching it.
 */
export function reportTakenOver(ctx: RunnerContext, job: Job): void {
  ctx.deps.log.warn('job taken over by another process after its lease ran out', {
    job: job.id,
  });
  emitFinished(ctx, job, 'retry', 'taken over by another process');
}
