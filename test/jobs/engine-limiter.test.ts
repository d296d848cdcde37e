// The limiter is tested on a virtual clock (sleep advances it), so spacing is checked
// exactly and without timing flakiness.
import { describe, expect, it } from 'vitest';
import { aliyunSettingsSchema } from '../../main/engines/aliyun/aliyun-settings.ts';
import { huaweiSettingsSchema } from '../../main/engines/huawei/huawei-settings.ts';
import { volcengineSettingsSchema } from '../../main/engines/volcengine/volcengine-settings.ts';
import {
  createEngineLimiter,
  defaultEngineCallLimits,
  EngineLimiterRegistry,
  type LimiterClock,
} from '../../main/jobs/engine-limiter.ts';

/** A clock whose timers fire only when `run` advances it to the earliest one. */
function virtualClock(): LimiterClock & { t: number; run<T>(work: Promise<T>): Promise<T> } {
  const timers: { at: number; resolve: () => void }[] = [];
  const clock = {
    t: 1_000_000,
    now: () => clock.t,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: clock.t + ms, resolve });
      }),
    async run<T>(work: Promise<T>): Promise<T> {
      const state = { done: false };
      const finish = () => {
        state.done = true;
      };
      work.then(finish, finish);
      for (;;) {
        await new Promise((r) => setImmediate(r));
        if (state.done) return work;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) continue;
        clock.t = Math.max(clock.t, next.at);
        next.resolve();
      }
    },
  };
  return clock;
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe(createEngineLimiter.name, () => {
  it('spaces call starts 1/qps apart with burst 1', async () => {
    const clock = virtualClock();
    const limiter = createEngineLimiter('aliyun', { qps: 50, concurrency: 100, burst: 1 }, clock);
    const starts: number[] = [];
    await clock.run(
      Promise.all(
        Array.from({ length: 10 }, () =>
          limiter.run(() => {
            starts.push(clock.now());
            return Promise.resolve();
          }),
        ),
      ),
    );
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] ?? 0));
    expect(gaps).toEqual(Array(9).fill(20));
    expect(limiter.stats()).toEqual({ inFlight: 0, waiting: 0, started: 10 });
  });

  it('lets a burst through after an idle spell, then spaces the rest', async () => {
    const clock = virtualClock();
    const limiter = createEngineLimiter('huawei', { qps: 10, concurrency: 100, burst: 3 }, clock);
    const starts: number[] = [];
    const t0 = clock.now();
    await clock.run(
      Promise.all(
        Array.from({ length: 5 }, () =>
          limiter.run(() => {
            starts.push(clock.now() - t0);
            return Promise.resolve();
          }),
        ),
      ),
    );
    expect(starts).toEqual([0, 0, 0, 100, 200]);
  });

  it('never has more calls in flight than its concurrency, and serves waiters in order', async () => {
    const clock = virtualClock();
    const limiter = createEngineLimiter(
      'huawei',
      { qps: Number.POSITIVE_INFINITY, concurrency: 3, burst: 1 },
      clock,
    );
    const gates = Array.from({ length: 8 }, () => deferred());
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        order.push(i);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await gate.promise;
        inFlight--;
      }),
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(limiter.stats()).toMatchObject({ inFlight: 3, waiting: 5 });
    for (const gate of gates) {
      gate.resolve();
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(runs);
    expect(peak).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('releases the slot when a call throws', async () => {
    const clock = virtualClock();
    const limiter = createEngineLimiter(
      'volcengine',
      { qps: 1000, concurrency: 1, burst: 1 },
      clock,
    );
    await expect(clock.run(limiter.run(() => Promise.reject(new Error('boom'))))).rejects.toThrow(
      'boom',
    );
    await expect(clock.run(limiter.run(() => Promise.resolve(7)))).resolves.toBe(7);
  });

  it('holds every caller back after a Retry-After', async () => {
    const clock = virtualClock();
    const limiter = createEngineLimiter('aliyun', { qps: 100, concurrency: 5, burst: 1 }, clock);
    const t0 = clock.now();
    limiter.holdOff(3000);
    const startedAt: number[] = [];
    const call = () =>
      limiter.run(() => {
        startedAt.push(clock.now() - t0);
        return Promise.resolve();
      });
    await clock.run(Promise.all([call(), call()]));
    // The first waits out the hold; the second is still spaced 1/qps after it.
    expect(startedAt).toEqual([3000, 3010]);
  });

  it('refuses nonsense limits with a clear error', () => {
    expect(() => createEngineLimiter('huawei', { qps: 0, concurrency: 1, burst: 1 })).toThrow(
      /qps must be > 0/,
    );
    expect(() => createEngineLimiter('huawei', { qps: 1, concurrency: 0, burst: 1 })).toThrow(
      /concurrency/,
    );
  });
});

describe(EngineLimiterRegistry.name, () => {
  it('shares one limiter per engine with documented defaults, reconfigurable in place', () => {
    const registry = new EngineLimiterRegistry(virtualClock());
    const a = registry.get('huawei');
    expect(registry.get('huawei')).toBe(a);
    expect(a.limits()).toMatchObject({ concurrency: 10 });
    expect(registry.get('aliyun').limits()).toMatchObject({ qps: 45 });
    registry.configure('huawei', { qps: 3 });
    expect(registry.get('huawei')).toBe(a);
    expect(a.limits()).toEqual({ qps: 3, concurrency: 10, burst: 1 });
  });
});

describe('defaultEngineCallLimits', () => {
  it('are the limits the engine settings default to (one set of defaults, from the profiles)', () => {
    const settingsDefaults = {
      huawei: huaweiSettingsSchema.shape,
      aliyun: aliyunSettingsSchema.shape,
      volcengine: volcengineSettingsSchema.shape,
    };
    for (const [engine, shape] of Object.entries(settingsDefaults)) {
      const limits = defaultEngineCallLimits[engine as keyof typeof settingsDefaults];
      expect({
        engine,
        qps: shape.qps.parse(undefined),
        concurrency: shape.concurrency.parse(undefined),
      }).toEqual({ engine, qps: limits.qps, concurrency: limits.concurrency });
    }
  });
});
