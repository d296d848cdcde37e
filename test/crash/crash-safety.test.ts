// The fast crash-safety run inside `npm test` (the big one: test/crash/crash-script.ts): 20
// SIGKILLs of a real worker process doing ingest + Huawei (sync) + Aliyun (async) tagging
// against the emulators with injected 429s and 503s, a restart after each, then a last run to
// the end. Most of its time is the worker's start-up (≈3 s: tsx and the library's imports).
import { describe, expect, it } from 'vitest';
import { measureDuplicates, runCrashScenario } from './crash-harness.ts';

describe(runCrashScenario.name, () => {
  it('loses no job, corrupts nothing and pays twice only inside the documented window', async () => {
    const report = await runCrashScenario({
      photos: 24,
      duplicates: 4,
      kills: 20,
      maxKillDelayMs: 500,
      faultRate: 0.1,
      withAliyun: true,
      qps: 12,
      concurrency: 6,
    });
    expect(report.integrity).toBe('ok');
    expect(report.photos).toBe(28);
    expect(report.photosNotOk).toBe(0);
    expect(report.leftJobs).toEqual([]);
    expect(report.jobsLeft).toBe(0);
    expect(report.contentsMissingResults).toEqual({ huawei: 0, aliyun: 0 });
    // Every content was paid for at least once; every extra payment has a kill in its window.
    expect(report.huawei.paidCalls).toBeGreaterThanOrEqual(24);
    expect(report.huawei.unexplained).toEqual([]);
    expect(report.aliyun?.unexplained).toEqual([]);
    expect(report.huawei.duplicates).toBe(report.huawei.explainedByKill);
    expect(report.killsWhileWorking).toBeGreaterThan(0);
  }, 180_000);
});

describe(measureDuplicates.name, () => {
  const call = (seq: number, time: number, subject: string) => ({
    seq,
    time,
    method: 'POST',
    path: '/x',
    route: 'image-tagging',
    key: 'ak',
    status: 200,
    outcome: 'ok',
    paid: true,
    delivered: true,
    subject,
    durationMs: 10,
  });

  it('explains a second payment only by a kill between the two calls', () => {
    const calls = [call(1, 1000, 'a'), call(2, 5000, 'a'), call(3, 1000, 'b'), call(4, 2000, 'b')];
    const report = measureDuplicates(calls, [3000]);
    expect(report).toMatchObject({ paidCalls: 4, duplicates: 2, explainedByKill: 1 });
    expect(report.windowsMs).toEqual([1990]);
    expect(report.unexplained).toHaveLength(1);
  });
});
