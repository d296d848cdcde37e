// Real `tujian index` processes overlapping on one data folder (issue 12 item 3): each later one
// starts while the earlier ones hold running jobs. No process may take a job a live process
// holds, so every content is paid for exactly once and nothing is lost. The big run is
// `npm run bench:catalog-safety`. Most of the time here is the processes' start-up (≈3 s each).
import { describe, expect, it } from 'vitest';
import { runConcurrentWriters } from './concurrent-writers.ts';

describe(runConcurrentWriters.name, () => {
  it('pays once per content and loses nothing when four writers share the queue', async () => {
    const report = await runConcurrentWriters({
      photos: 8,
      writers: 4,
      staggerMs: 300,
      engineDelayMs: 8_000,
    });
    expect(report.errors).toEqual([]);
    expect(report.exitCodes).toEqual([0, 0, 0, 0]);
    expect(report.overlapping).toBe(3);
    expect(report.integrity).toBe('ok');
    expect(report.photos).toBe(8);
    expect(report.photosNotOk).toBe(0);
    expect(report.contents).toBe(8);
    expect(report.contentsWithoutResult).toBe(0);
    expect(report.jobsLeft).toBe(0);
    expect(report.paidTwice).toBe(0);
    expect(report.engineCalls).toBe(report.contents);
  }, 180_000);
});
