// The pool with real workers running the real models: a bad request, a worker killed while busy
// and a worker that cannot start must each fail with the right error class, never hang.
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engines/engine.ts';
import { letterboxContent } from '../../../main/engines/local/local-geometry.ts';
import type { DetectorPass } from '../../../main/engines/local/local-models.ts';
import {
  LocalWorkerPool,
  startLocalWorker,
} from '../../../main/engines/local/local-worker-pool.ts';

function grayPass(): DetectorPass {
  return {
    size: 512,
    pixels: new Uint8Array(512 * 512 * 3).fill(128),
    content: letterboxContent(640, 480, 512),
    region: { x: 0, y: 0, w: 1, h: 1 },
    flip: false,
    faces: true,
  };
}

describe(LocalWorkerPool.name, () => {
  const started: Worker[] = [];
  let pool: LocalWorkerPool;

  beforeAll(() => {
    pool = new LocalWorkerPool(1, () => {
      const worker = startLocalWorker();
      started.push(worker);
      return worker;
    });
  });

  afterAll(async () => {
    await pool.close();
  });

  it('answers a valid pass with detections mapped into 0–1', async () => {
    const result = await pool.infer([grayPass()]);
    expect(result.inferMs).toBeGreaterThan(0);
    for (const o of result.objects) {
      expect(o.box.x).toBeGreaterThanOrEqual(0);
      expect(o.box.x + o.box.w).toBeLessThanOrEqual(1.000001);
    }
  });

  it('fails a malformed pass permanently and goes on serving', async () => {
    const bad = { ...grayPass(), pixels: new Uint8Array(100) };
    const error = await pool.infer([bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).errorClass).toBe('permanent');
    await expect(pool.infer([grayPass()])).resolves.toHaveProperty('objects');
  });

  it('replaces a worker that dies mid-inference; the photo is retryable', async () => {
    const running = pool.infer([grayPass(), grayPass(), grayPass()]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await started[0]?.terminate();
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).errorClass).toBe('retry');
    expect(started).toHaveLength(2);
    expect(pool.workerCount).toBe(1);
    await expect(pool.infer([grayPass()])).resolves.toHaveProperty('objects');
  });

  it('stops the engine when a worker cannot start, instead of restarting it forever', async () => {
    let starts = 0;
    const broken = new LocalWorkerPool(1, () => {
      starts++;
      return new Worker('process.exit(3)', { eval: true });
    });
    const error = await broken.infer([grayPass()]).catch((e: unknown) => e);
    expect((error as EngineError).errorClass).toBe('stop-engine');
    await expect(broken.infer([grayPass()])).rejects.toThrow(/exited/);
    expect(starts).toBe(1);
    await broken.close();
  });
});
