import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  type ClassifiedFailure,
  decideAfterFailure,
  type RetryPolicy,
  waitDelay,
} from '../../main/jobs/retry-policy.ts';

const policy: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxResubmits: 1,
  maxThrottles: 5,
};
const fresh = { attempts: 1, resubmits: 0, throttles: 0 };
const failure = (errorClass: ClassifiedFailure['errorClass'], retryAfterMs?: number) => ({
  errorClass,
  code: 'x',
  message: 'x',
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
const half = () => 0.5;

describe(decideAfterFailure.name, () => {
  it('retries a transient error with backoff until the attempt cap', () => {
    expect(decideAfterFailure(failure('retry'), fresh, policy, half)).toEqual({
      action: 'retry',
      delayMs: 75,
    });
    expect(decideAfterFailure(failure('retry'), { ...fresh, attempts: 3 }, policy)).toEqual({
      action: 'fail',
    });
  });

  it('does not count a throttle as an attempt and honours Retry-After', () => {
    // Attempts are at the cap, yet a throttle is still retried: it is not a failure of the job.
    const decision = decideAfterFailure(
      failure('retry-later', 4_000),
      { ...fresh, attempts: 3 },
      policy,
      half,
    );
    expect(decision).toEqual({ action: 'retry', delayMs: 4_000, throttled: true });
  });

  it('fails after the throttle allowance', () => {
    const history = { ...fresh, throttles: 4 };
    expect(decideAfterFailure(failure('retry-later'), history, policy)).toEqual({
      action: 'fail',
    });
  });

  it('resubmits an expired task once, fails permanent errors, stops on credentials', () => {
    expect(decideAfterFailure(failure('resubmit'), fresh, policy)).toEqual({ action: 'resubmit' });
    expect(decideAfterFailure(failure('resubmit'), { ...fresh, resubmits: 1 }, policy)).toEqual({
      action: 'fail',
    });
    expect(decideAfterFailure(failure('permanent'), fresh, policy)).toEqual({ action: 'fail' });
    expect(decideAfterFailure(failure('stop-engine'), fresh, policy)).toEqual({
      action: 'stop-engine',
    });
  });
});

describe(`${decideAfterFailure.name} for a failed async task`, () => {
  const taskFailed = { ...failure('retry'), taskFailed: true as const };

  it('submits a new task after a backoff, on its own allowance (not attempts, not resubmits)', () => {
    // Attempts and expired-task resubmits are both spent, yet the failed task is replaced.
    const spent = { attempts: 3, resubmits: 1, throttles: 0, taskFailures: 0 };
    expect(decideAfterFailure(taskFailed, spent, policy, half)).toEqual({
      action: 'resubmit',
      taskFailed: { delayMs: 75 },
    });
    expect(
      decideAfterFailure(
        taskFailed,
        { ...spent, taskFailures: 2 },
        { ...policy, maxTaskFailures: 2 },
      ),
    ).toEqual({ action: 'fail' });
  });

  it('fails a task failure the seed says not to retry', () => {
    const refused = { ...failure('permanent'), taskFailed: true as const };
    expect(decideAfterFailure(refused, fresh, policy)).toEqual({ action: 'fail' });
  });
});

describe(waitDelay.name, () => {
  it('takes the waits for a missing engine and an offline photo from the policy', () => {
    expect(waitDelay('engine-missing')).toBe(60_000);
    expect(waitDelay('offline')).toBe(10 * 60_000);
    expect(waitDelay('offline', { ...policy, offlineDelayMs: 5 })).toBe(5);
  });
});

describe(backoffDelay.name, () => {
  it('doubles per attempt within [delay/2, delay] and stops at the maximum', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, () => 1)).toBe(1_000);
  });
});
