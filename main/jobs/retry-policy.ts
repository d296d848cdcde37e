// Decides what happens to a job after a failure, from the error's class (the engines'
// tested error tables) and how often the job has run. Pure, so it is tested directly.
import { EngineError, type ErrorClass, TaskFailedError } from '../engines/engine.ts';
import { PrepareError } from '../imaging/prepare-for-engine.ts';

// [Note: Throttling is not failing]
// A throttling answer (429, Aliyun 588, Volcengine 50429: class `retry-later`) says "not now",
// not "this photo fails": on a big library against a busy quota every job may be throttled a
// few times. So throttled runs do not use up `maxAttempts` (the cap on real failures and on
// runs cut short by a crash); they have their own, larger allowance, `maxThrottles`, after
// which the job fails with the service's last message (a quota that never comes back must
// not keep a job waiting forever). The runner keeps the count in the job's payload.
export interface RetryPolicy {
  /** Failed runs (errors of class `retry`, and runs a crash cut short) before a job fails. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Async tasks that expired are submitted again at most this many times. */
  readonly maxResubmits: number;
  /** Throttled runs (class `retry-later`) before a job fails; default 30. */
  readonly maxThrottles?: number;
  /**
   * Async tasks that the service reported failed with a retryable code are replaced by a new
   * task at most this many times; default 3. See [Note: A failed async task is submitted again].
   */
  readonly maxTaskFailures?: number;
  /** A tag job whose engine is not built in this process (disabled, misconfigured) waits this long; default 60 s. */
  readonly engineMissingDelayMs?: number;
  /** A tag job with no reachable copy of its photo (folder offline) waits this long; default 10 min. */
  readonly offlineDelayMs?: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  maxResubmits: 1,
  maxThrottles: 30,
  maxTaskFailures: 3,
  engineMissingDelayMs: 60_000,
  offlineDelayMs: 10 * 60_000,
};

/** How long a job waits for something outside it (no engine, no reachable copy). */
export function waitDelay(
  reason: 'engine-missing' | 'offline',
  policy: RetryPolicy = defaultRetryPolicy,
): number {
  return reason === 'engine-missing'
    ? (policy.engineMissingDelayMs ?? defaultRetryPolicy.engineMissingDelayMs ?? 60_000)
    : (policy.offlineDelayMs ?? defaultRetryPolicy.offlineDelayMs ?? 10 * 60_000);
}

export type FailureDecision =
  | {
      readonly action: 'retry';
      readonly delayMs: number;
      /** A throttled run: not counted as an attempt (see [Note: Throttling is not failing]). */
      readonly throttled?: true;
    }
  | {
      readonly action: 'resubmit';
      /** The task failed (not expired): a new one after this backoff, counted as a task failure. */
      readonly taskFailed?: { readonly delayMs: number };
    }
  | { readonly action: 'fail' }
  | { readonly action: 'stop-engine' };

export interface ClassifiedFailure {
  readonly errorClass: ErrorClass;
  readonly code: string;
  readonly message: string;
  readonly retryAfterMs?: number;
  /** The service reported the async task itself failed: [Note: A failed async task is submitted again]. */
  readonly taskFailed?: true;
}

/** Any thrown value as a classified failure: unknown errors are treated as transient. */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (error instanceof EngineError) {
    return {
      errorClass: error.errorClass,
      code: error.code,
      message: error.message,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error instanceof TaskFailedError ? { taskFailed: true as const } : {}),
    };
  }
  if (error instanceof PrepareError) {
    return { errorClass: 'permanent', code: `prepare.${error.code}`, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { errorClass: 'retry', code: 'internal', message };
}

/** Exponential backoff with full jitter (random in [delay/2, delay]). */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.max(0, attempt - 1),
  );
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** What a job has been through so far: runs counted as attempts, resubmits and throttles. */
export interface JobHistory {
  /** Runs counted as attempts, this one included. */
  readonly attempts: number;
  readonly resubmits: number;
  /** Throttled runs before this one. */
  readonly throttles: number;
  /** Async tasks of this job the service reported failed, before this one; 0 when absent. */
  readonly taskFailures?: number;
}

export function decideAfterFailure(
  failure: ClassifiedFailure,
  history: JobHistory,
  policy: RetryPolicy = defaultRetryPolicy,
  random: () => number = Math.random,
): FailureDecision {
  const { attempts, resubmits, throttles } = history;
  switch (failure.errorClass) {
    case 'permanent':
      return { action: 'fail' };
    case 'stop-engine':
      return { action: 'stop-engine' };
    case 'resubmit':
      return resubmits < policy.maxResubmits ? { action: 'resubmit' } : { action: 'fail' };
    case 'retry-later': {
      // [Note: Throttling is not failing]
      const throttled = throttles + 1;
      if (throttled >= (policy.maxThrottles ?? defaultRetryPolicy.maxThrottles ?? 30))
        return { action: 'fail' };
      const backoff = backoffDelay(throttled, policy, random);
      return {
        action: 'retry',
        delayMs: Math.max(backoff, failure.retryAfterMs ?? 0),
        throttled: true,
      };
    }
    case 'retry':
      if (failure.taskFailed) {
        // [Note: A failed async task is submitted again]
        const failed = (history.taskFailures ?? 0) + 1;
        if (failed > (policy.maxTaskFailures ?? defaultRetryPolicy.maxTaskFailures ?? 3))
          return { action: 'fail' };
        return {
          action: 'resubmit',
          taskFailed: { delayMs: backoffDelay(failed, policy, random) },
        };
      }
      if (attempts >= policy.maxAttempts) return { action: 'fail' };
      return { action: 'retry', delayMs: backoffDelay(attempts, policy, random) };
  }
}
