// Decides what happens to a job after a failure, from the error's class (the engines'
// tested error tables) and how often the job has run. Pure, so it is tested directly.
import { EngineError, type ErrorClass } from '../engines/engine.ts';
import { PrepareError } from '../imaging/prepare-for-engine.ts';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Async tasks that expired are submitted again at most this many times. */
  readonly maxResubmits: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  maxResubmits: 1,
};

export type FailureDecision =
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'resubmit' }
  | { readonly action: 'fail' }
  | { readonly action: 'stop-engine' };

export interface ClassifiedFailure {
  readonly errorClass: ErrorClass;
  readonly code: string;
  readonly message: string;
  readonly retryAfterMs?: number;
}

/** Any thrown value as a classified failure: unknown errors are treated as transient. */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (error instanceof EngineError) {
    return {
      errorClass: error.errorClass,
      code: error.code,
      message: error.message,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
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

export function decideAfterFailure(
  failure: ClassifiedFailure,
  attempts: number,
  resubmits: number,
  policy: RetryPolicy = defaultRetryPolicy,
  random: () => number = Math.random,
): FailureDecision {
  switch (failure.errorClass) {
    case 'permanent':
      return { action: 'fail' };
    case 'stop-engine':
      return { action: 'stop-engine' };
    case 'resubmit':
      return resubmits < policy.maxResubmits ? { action: 'resubmit' } : { action: 'fail' };
    case 'retry-later': {
      if (attempts >= policy.maxAttempts) return { action: 'fail' };
      const backoff = backoffDelay(attempts, policy, random);
      return { action: 'retry', delayMs: Math.max(backoff, failure.retryAfterMs ?? 0) };
    }
    case 'retry':
      if (attempts >= policy.maxAttempts) return { action: 'fail' };
      return { action: 'retry', delayMs: backoffDelay(attempts, policy, random) };
  }
}
