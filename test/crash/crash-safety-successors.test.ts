// The crash-safety run for the successor engines (issue 13): the same harness and worker as
// the seed engines' run (test/crash/crash-safety.test.ts) — a real worker process doing ingest
// + Huawei + Tencent + Baidu tagging against their emulators with injected throttling and 503s,
// SIGKILLed at random points and restarted, then run to the end. Tencent and Baidu are sync
// engines like Huawei, so the same guarantees are asked of them: nothing lost, nothing failed,
// every content answered, and every second payment explained by a kill in its window.
import { describe, expect, it } from 'vitest';
import { runCrashScenario } from './crash-harness.ts';

describe(`${runCrashScenario.name} with the Tencent and Baidu engines`, () => {
  it('loses no job and pays twice only inside the documented window', async () => {
    const report = await runCrashScenario({
      photos: 16,
      duplicates: 3,
      kills: 10,
      maxKillDelayMs: 500,
      faultRate: 0.1,
      withAliyun: false,
      withSuccessors: true,
      qps: 12,
      concurrency: 6,
    });
    expect(report.integrity).toBe('ok');
    expect(report.photos).toBe(19);
    expect(report.photosNotOk).toBe(0);
    expect(report.leftJobs).toEqual([]);
    expect(report.jobsLeft).toBe(0);
    expect(report.contentsMissingResults).toEqual({ huawei: 0, tencent: 0, baidu: 0 });
    for (const engine of [report.tencent, report.baidu]) {
      expect(engine?.paidCalls).toBeGreaterThanOrEqual(16);
      expect(engine?.unexplained).toEqual([]);
      expect(engine?.duplicates).toBe(engine?.explainedByKill);
    }
    expect(report.killsWhileWorking).toBeGreaterThan(0);
  }, 240_000);
});
