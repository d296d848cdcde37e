// The interface every tagging engine implements (DESIGN.md §3), local or cloud.
// The job runner (main/jobs) only talks to engines through this.
import {
  type EngineLimits,
  PrepareError,
  type PreparedImage,
  type prepareForEngine,
} from '../imaging/prepare-for-engine.ts';
import type { EngineAnswer, EngineId } from './tag-model.ts';

// The image limits and the prepared image are imaging's types (imaging sits below engines);
// engines name them from here.
export type { EngineLimits, PreparedImage };

/**
 * How a failure is handled (the engines' error tables map every code to one of these):
 * - retry: transient; back off and try again.
 * - retry-later: quota/429; wait at least `retryAfterMs` when given.
 * - resubmit: an async task expired or was not found; submit it again.
 * - permanent: bad image, risk not passed; mark the photo's job failed with the reason.
 * - stop-engine: credentials wrong or service disabled; stop that engine's queue at once.
 */
export type ErrorClass = 'retry' | 'retry-later' | 'resubmit' | 'permanent' | 'stop-engine';

export class EngineError extends Error {
  constructor(
    readonly engine: EngineId,
    readonly code: string,
    message: string,
    readonly errorClass: ErrorClass,
    readonly retryAfterMs?: number,
    /** The failure underneath (a fetch TypeError whose own cause has the system code). */
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineError';
  }
}

// [Note: A failed async task is submitted again]
// An async engine's poll can fail in two ways: the poll request itself failed (a timeout, a
// gateway 5xx: poll the same task again), or the service answered that the TASK failed
// (Volcengine 50511/50500/50501, Aliyun 480/580/581/586/587/592 on /results). A failed task
// stays failed: polling it again only repeats the answer until the job runs out of attempts.
// So the engine throws `TaskFailedError`, and when its class is retryable the runner drops
// the task id and submits a new task, counted against its own allowance
// (`RetryPolicy.maxTaskFailures`, "可重试" in the seeds), not against the expired-task resubmits.

/** The service reports that the async task itself failed (see the note above). */
export class TaskFailedError extends EngineError {
  override name = 'TaskFailedError';
}

/** An error of a poll answer about the task, as a TaskFailedError (others pass through). */
export function asTaskFailure(error: unknown): unknown {
  if (!(error instanceof EngineError) || error instanceof TaskFailedError) return error;
  return new TaskFailedError(
    error.engine,
    error.code,
    error.message,
    error.errorClass,
    error.retryAfterMs,
  );
}

/** The prepared image handed to an engine: bytes within its limits, metadata stripped. */
export interface TagRequest {
  /** Path of the original file, for engines that decode it themselves (local). */
  readonly sourcePath: string;
  readonly contentHash: string;
  readonly signal?: AbortSignal;
}

/** An engine whose answer comes back in one call (local, Huawei). */
export interface SyncEngine {
  readonly id: EngineId;
  readonly kind: 'sync';
  readonly limits: EngineLimits;
  /** Model name/version plus the settings that change the answer, for never-pay-twice keys. */
  settingsKey(): string;
  tag(request: TagRequest): Promise<EngineAnswer>;
  close?(): Promise<void>;
}

/** An engine that submits a task and is polled later (Volcengine, Aliyun). */
export interface AsyncEngine {
  readonly id: EngineId;
  readonly kind: 'async';
  readonly limits: EngineLimits;
  settingsKey(): string;
  /** Returns the remote task id; it is persisted before any waiting. */
  submit(request: TagRequest): Promise<{ taskId: string; cleanup?: string }>;
  /** `pending` means poll again after `retryAfterMs`. */
  poll(
    taskId: string,
  ): Promise<{ state: 'pending'; retryAfterMs: number } | { state: 'done'; answer: EngineAnswer }>;
  /** Called when the task ended either way (e.g. delete the hosted copy). */
  finish?(taskId: string, cleanup: string | undefined): Promise<void>;
  close?(): Promise<void>;
}

export type TaggingEngine = SyncEngine | AsyncEngine;

/**
 * The photo prepared within an engine's limits; one that cannot be (too small, cannot fit,
 * unreadable) fails as that engine's permanent `client.<code>` error, `label` before the reason.
 */
export async function prepareForCall(
  engine: EngineId,
  prepare: typeof prepareForEngine,
  sourcePath: string,
  limits: EngineLimits,
  label?: string,
): Promise<PreparedImage> {
  try {
    return await prepare(sourcePath, limits);
  } catch (error) {
    if (error instanceof PrepareError)
      throw new EngineError(
        engine,
        `client.${error.code}`,
        label === undefined ? error.message : `${label}: ${error.message}`,
        'permanent',
      );
    throw error;
  }
}
