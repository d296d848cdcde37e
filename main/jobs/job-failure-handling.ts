// Failure handling of the job runner: what a failed run does to its job. The failure is
// classified (retry-policy.ts: the engines' error tables), the retry policy decides (retry
// with backoff, throttled retry, resubmit an async task, fail, stop the engine), and the job
// is written accordingly; every write is fenced ([Note: Fenced job writes] in
// catalog/job-queue.ts), so a run whose job was taken over changes nothing. A full disk is not
// the job's fault: it halts the runner ([Note: A full disk pauses the run]).
import {
  failJob,
  type Job,
  recordRemoteTask,
  releaseJob,
  rescheduleJob,
  rescheduleThrottledJob,
} from '../catalog/job-queue.ts';
import type { EngineId } from '../engines/tag-model.ts';
import { readJobControls, recordEngineStop } from './job-controls.ts';
import { emitFinished, reportTakenOver, type RunnerContext } from './job-runner-types.ts';
import { type ClassifiedFailure, classifyFailure, decideAfterFailure } from './retry-policy.ts';

export class JobFailureHandler {
  /** Recent throttling answers with Retry-After, per engine. */
  private readonly recentThrottles = new Map<EngineId, number[]>();

  constructor(private readonly ctx: RunnerContext) {}

  /** Decide what a failed run does to its job, and do it. */
  handle(job: Job, error: unknown): void {
    const { db, log } = this.ctx.deps;
    if (this.ctx.isDiskFull(error)) {
      // Not the job's fault: back in the queue without counting an attempt. If even that
      // write fails, the job stays `running` and start-up recovery requeues it.
      try {
        releaseJob(db, job, this.ctx.now());
      } catch (releaseError) {
        this.ctx.unreleased.set(job.id, job);
        log.warn('could not requeue a job on a full disk', {
          job: job.id,
          error: String(releaseError),
        });
      }
      emitFinished(this.ctx, job, 'retry', String(error));
      this.ctx.haltFor(error);
      return;
    }
    const classified: ClassifiedFailure = isClassified(error) ? error : classifyFailure(error);
    // Only engines throttle; an ingest job has no throttle count to keep, so a `retry-later`
    // there (never expected) counts as an ordinary attempt.
    const failure: ClassifiedFailure =
      job.kind === 'ingest' && classified.errorClass === 'retry-later'
        ? { ...classified, errorClass: 'retry' }
        : classified;
    const resubmits = job.kind === 'tag' ? job.payload.resubmits : 0;
    const throttles = job.kind === 'tag' ? job.payload.throttles : 0;
    const taskFailures = job.kind === 'tag' ? job.payload.taskFailures : 0;
    const decision = decideAfterFailure(
      failure,
      { attempts: job.attempts, resubmits, throttles, taskFailures },
      this.ctx.policy,
    );
    const engine = job.kind === 'tag' ? job.engine : null;
    switch (decision.action) {
      case 'retry':
        if (engine && failure.retryAfterMs !== undefined)
          this.noteThrottle(engine, failure.retryAfterMs);
        if (
          decision.throttled
            ? rescheduleThrottledJob(
                db,
                job,
                this.ctx.now() + decision.delayMs,
                failure,
                this.ctx.now(),
              )
            : rescheduleJob(db, job, this.ctx.now() + decision.delayMs, failure)
        )
          emitFinished(this.ctx, job, 'retry', failure.message);
        else reportTakenOver(this.ctx, job);
        return;
      case 'resubmit':
        if (
          job.kind === 'tag' &&
          // The old task's clean-up already ran; the new submit brings its own.
          !recordRemoteTask(db, job, null, {
            resubmits: resubmits + (decision.taskFailed ? 0 : 1),
            throttles: job.payload.throttles,
            taskFailures: taskFailures + (decision.taskFailed ? 1 : 0),
          })
        ) {
          reportTakenOver(this.ctx, job);
          return;
        }
        if (
          decision.taskFailed
            ? // Counted as a task failure, not as an attempt: the job's run did nothing wrong.
              releaseJob(
                db,
                job,
                this.ctx.now() + decision.taskFailed.delayMs,
                failure,
                this.ctx.now(),
              )
            : rescheduleJob(db, job, this.ctx.now(), failure)
        )
          emitFinished(this.ctx, job, 'retry', failure.message);
        else reportTakenOver(this.ctx, job);
        return;
      case 'fail':
        if (!failJob(db, job, failure.code, failure.message, this.ctx.now())) {
          reportTakenOver(this.ctx, job);
          return;
        }
        log.warn(`job failed: ${failure.message}`, { job: job.id, code: failure.code });
        emitFinished(this.ctx, job, 'failed', failure.message);
        return;
      case 'stop-engine': {
        // Credentials or service problem: retrying would only lock the key (Huawei locks an
        // AK after 5 bad signatures). Keep the job queued (this run does not count as an
        // attempt) and stop the whole lane, persistently: [Note: Stopped engines stay stopped].
        // The stop is recorded even if the job was taken over: the credentials are wrong
        // for every holder.
        const released = releaseJob(db, job, this.ctx.now(), failure);
        if (!released) reportTakenOver(this.ctx, job);
        if (engine && !this.ctx.controls.stopped.has(engine)) {
          const reason = `${failure.code}: ${failure.message}`;
          recordEngineStop(
            db,
            engine,
            {
              reason,
              code: failure.code,
              fingerprint: this.ctx.deps.fingerprints?.[engine],
            },
            this.ctx.now(),
          );
          this.ctx.controls = readJobControls(db);
          log.error(`engine ${engine} stopped: ${failure.message}`, { code: failure.code });
          this.ctx.emit({ type: 'engine-stopped', engine, reason });
        }
        if (released) emitFinished(this.ctx, job, 'retry', failure.message);
        return;
      }
    }
  }

  /**
   * A lone throttling answer delays only its own job (it used a token, the rest of the lane
   * keeps the rate). Two or more within a second mean the service wants quiet: every caller of
   * the engine waits out the Retry-After. See [Note: Engine call limits].
   */
  private noteThrottle(engine: EngineId, retryAfterMs: number): void {
    const at = this.ctx.now();
    const recent = (this.recentThrottles.get(engine) ?? []).filter((t) => at - t < 1000);
    recent.push(at);
    this.recentThrottles.set(engine, recent);
    if (recent.length >= 2) this.ctx.limiters.get(engine).holdOff(retryAfterMs);
  }
}

function isClassified(value: unknown): value is ClassifiedFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    'errorClass' in value &&
    'code' in value
  );
}
