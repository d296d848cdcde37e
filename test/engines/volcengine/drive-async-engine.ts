// Drives one AsyncEngine task to its end the way the job runner does (submit → poll while
// pending → finish; on a `resubmit` error: finish the old task, submit again), without the
// queue, so the engine tests can check what an engine does against an emulator.
import { EngineError, type AsyncEngine, type TagRequest } from '../../../main/engines/engine.ts';
import type { EngineAnswer } from '../../../main/engines/tag-model.ts';

export interface DriveTrail {
  submits: string[];
  polls: number;
  finished: string[];
}

export async function driveAsyncEngine(
  engine: AsyncEngine,
  request: TagRequest,
  options: { maxPolls?: number; maxSubmits?: number; pollCapMs?: number } = {},
): Promise<{ answer: EngineAnswer; trail: DriveTrail }> {
  const trail: DriveTrail = { submits: [], polls: 0, finished: [] };
  const maxPolls = options.maxPolls ?? 200;
  for (let submits = 0; submits < (options.maxSubmits ?? 3); submits++) {
    const { taskId, cleanup } = await engine.submit(request);
    trail.submits.push(taskId);
    try {
      while (trail.polls < maxPolls) {
        trail.polls++;
        const result = await engine.poll(taskId);
        if (result.state === 'done') return { answer: result.answer, trail };
        await new Promise((r) =>
          setTimeout(r, Math.min(result.retryAfterMs, options.pollCapMs ?? 50)),
        );
      }
      throw new Error(`task ${taskId} still pending after ${String(maxPolls)} polls`);
    } catch (error) {
      if (!(error instanceof EngineError && error.errorClass === 'resubmit')) throw error;
    } finally {
      await engine.finish?.(taskId, cleanup);
      trail.finished.push(taskId);
    }
  }
  throw new Error('resubmitted too often');
}
