// Per-engine call limits shared by everything in the process that calls an engine: a cap on
// calls in flight and a QPS token bucket, so a big import stays inside the service's limits
// instead of learning them from 429s. One registry per process (`sharedEngineLimiters`); the
// job runner wraps every engine call (tag, submit, poll) in `limiter.run`.
//
// [Note: Engine call limits]
// Defaults come from the vendors' docs where they say something, and are conservative where
// they do not; each engine declares them once in its profile (`<engine>-profile.ts`, which the
// settings' defaults read too); every value is configurable (engine settings
// `qps`/`concurrency`, or `configure`).
// - Huawei/G42 Image Tagging V2: the docs give a default concurrency of 10 calls
//   (PROTOCOLS.md B.5) and no QPS; the gateway's APIG.0308 limit is per minute and per
//   account policy, so the default is 10 calls/s with 10 in flight.
// - Aliyun Green: 50 images/s per user (PROTOCOLS.md C.6, 588 beyond). Both
//   `/green/image/asyncscan` and `/green/image/results` go through the same bucket: the docs
//   do not say whether result polls count against the quota, and the gateway's 588 can answer
//   either, so counting both is the side that never triggers 588. Default 45/s (10 % under
//   the quota: bench/cloud.ts measured that a client spaced at exactly the limit still trips a
//   strict one-second window now and then, from network and timer jitter), 16 in flight.
// - Volcengine: QPS and concurrency are per account and req_key and not published (they
//   surface as 50429/50430, PROTOCOLS.md A.5/A.6). Default 2 calls/s with 2 in flight, the
//   conservative end for the jimeng/omni keys; CVSubmitTask and CVGetResult both count, for
//   the same reason as Aliyun.
// - local: no QPS limit; two in flight lets it decode one photo while it infers another.
// The bucket's burst is 1 by default: starts are spaced exactly 1/qps apart, which never
// exceeds a service's one-second sliding window, and loses no rate while callers are
// waiting (the bucket is only "wasted" when nobody is queued, i.e. when the rate is not the
// bottleneck). Throttling answers with Retry-After push the whole bucket back (`holdOff`) when
// two or more come within a second (the runner decides, job-failure-handling.ts `noteThrottle`), so the
// other callers do not keep hitting a service that asked for quiet; a lone 429 (a blip of a
// strict one-second window) only delays its own job, and costs the lane no rate.
import { engineProfileList } from '../engines/engine-profile.ts';
import type { EngineId } from '../engines/tag-model.ts';

export interface EngineCallLimits {
  /** Calls started per second at most; Infinity for none. */
  readonly qps: number;
  /** Calls in flight at most. */
  readonly concurrency: number;
  /** Calls that may start back to back after an idle spell (token bucket capacity). */
  readonly burst: number;
}

/** The engines' declared limits (main/engines/engine-profile.ts), which the settings default to. */
export const defaultEngineCallLimits = Object.fromEntries(
  engineProfileList.map((profile) => [profile.id, profile.callLimits]),
) as Readonly<Record<EngineId, EngineCallLimits>>;

export interface LimiterClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const realClock: LimiterClock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
};

export interface LimiterStats {
  readonly inFlight: number;
  readonly waiting: number;
  /** Calls started since the limiter was created. */
  readonly started: number;
}

export interface EngineLimiter {
  readonly engine: EngineId;
  limits(): EngineCallLimits;
  /** Run one call once a concurrency slot and a token are free. */
  run<T>(call: () => Promise<T>): Promise<T>;
  /** No call starts before `now + ms` (a service asked for quiet with Retry-After). */
  holdOff(ms: number): void;
  stats(): LimiterStats;
}

function checkLimits(engine: EngineId, limits: EngineCallLimits): EngineCallLimits {
  if (!(limits.qps > 0)) throw new Error(`${engine}: qps must be > 0 (got ${String(limits.qps)})`);
  if (!Number.isInteger(limits.concurrency) || limits.concurrency < 1)
    throw new Error(`${engine}: concurrency must be an integer ≥ 1`);
  if (!(limits.burst >= 1)) throw new Error(`${engine}: burst must be ≥ 1`);
  return limits;
}

/** One engine's limiter: FIFO concurrency slots, then a token bucket for starts. */
export function createEngineLimiter(
  engine: EngineId,
  initial: EngineCallLimits,
  clock: LimiterClock = realClock,
): EngineLimiter & { reconfigure(limits: EngineCallLimits): void } {
  let limits = checkLimits(engine, initial);
  let active = 0;
  let started = 0;
  const slotWaiters: (() => void)[] = [];
  // Token bucket in its GCRA form: `tat` is the theoretical arrival time of the next call; a
  // start at t is allowed when t ≥ tat - (burst - 1) * spacing, and moves tat to
  // max(tat, t) + spacing.
  let tat = Number.NEGATIVE_INFINITY;
  let holdUntil = Number.NEGATIVE_INFINITY;

  async function takeSlot(): Promise<void> {
    if (active < limits.concurrency && slotWaiters.length === 0) {
      active++;
      return;
    }
    // `wakeWaiters` counts the slot for us before it resolves.
    await new Promise<void>((resolve) => slotWaiters.push(resolve));
  }

  function wakeWaiters(): void {
    while (active < limits.concurrency && slotWaiters.length > 0) {
      active++;
      slotWaiters.shift()?.();
    }
  }

  function releaseSlot(): void {
    active--;
    wakeWaiters();
  }

  /**
   * Reserve the next start time at once (in call order, so waiting is FIFO) and sleep until
   * it. Reserving up front, instead of chaining one sleep after another, keeps timer lateness
   * from accumulating: a timer that fires 2 ms late delays that one call, not every later one.
   */
  async function takeToken(): Promise<void> {
    for (;;) {
      const now = clock.now();
      let start: number;
      if (Number.isFinite(limits.qps)) {
        const spacing = 1000 / limits.qps;
        start = Math.max(now, holdUntil, tat - (limits.burst - 1) * spacing);
        tat = Math.max(tat, start) + spacing;
      } else start = Math.max(now, holdUntil);
      if (start > now) await clock.sleep(start - now);
      // A Retry-After that arrived while this call slept still applies to it.
      if (holdUntil <= clock.now()) return;
    }
  }

  return {
    engine,
    limits: () => limits,
    reconfigure(next) {
      limits = checkLimits(engine, next);
      wakeWaiters();
    },
    async run(call) {
      await takeSlot();
      try {
        await takeToken();
        started++;
        return await call();
      } finally {
        releaseSlot();
      }
    },
    holdOff(ms) {
      holdUntil = Math.max(holdUntil, clock.now() + ms);
      // Calls reserved after the hold start after it, still spaced.
      tat = Math.max(tat, holdUntil);
    },
    stats: () => ({ inFlight: active, waiting: slotWaiters.length, started }),
  };
}

/** The process's limiters, one per engine, created on first use with the defaults. */
export class EngineLimiterRegistry {
  private readonly limiters = new Map<EngineId, ReturnType<typeof createEngineLimiter>>();

  constructor(private readonly clock: LimiterClock = realClock) {}

  get(engine: EngineId): EngineLimiter {
    let limiter = this.limiters.get(engine);
    if (!limiter) {
      limiter = createEngineLimiter(engine, defaultEngineCallLimits[engine], this.clock);
      this.limiters.set(engine, limiter);
    }
    return limiter;
  }

  /** Change an engine's limits; calls already waiting keep their place. */
  configure(engine: EngineId, limits: Partial<EngineCallLimits>): EngineLimiter {
    const limiter = this.get(engine) as ReturnType<typeof createEngineLimiter>;
    limiter.reconfigure({ ...limiter.limits(), ...limits });
    return limiter;
  }
}

/** The one registry every caller in this process shares. */
export const sharedEngineLimiters = new EngineLimiterRegistry();
