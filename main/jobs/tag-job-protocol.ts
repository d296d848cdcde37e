// The tag-job protocol of the job runner: one run of a tag job against its engine: check the
// never-pay-twice record, find a reachable copy, call a sync engine or submit/poll an async
// one through the engine's limiter (engine-limiter.ts) and budget (engine-budget.ts), and
// commit the answer (`commitAnswer`). A failed call goes to failure handling
// (job-failure-handling.ts). Also queues tag jobs for contents that lack an answer.
//
// [Note: Never pay twice]
// A (content, engine, settings key) with a row in `engine_results` is never sent again:
// `enqueueTaggingFor` does not queue it, and `runTag` checks again right before calling
// (a duplicate of the same bytes may have been answered meanwhile). Moves and renames keep
// the content, so they keep the result; the queue lives in the catalog, so restarts keep it
// too, and processes sharing it never take a job another live one holds ([Note: Shared job
// queue] in catalog/job-queue.ts); an async task id is stored before any waiting, so a restart polls
// instead of submitting again. The one window left is a crash (or kill) AFTER the service accepted a
// paid call and BEFORE the answer's transaction committed (sync engines), or before the
// task id was committed (async submit): on restart the job runs again and pays a second
// time. The window is one HTTP answer plus one SQLite commit wide; test/crash measures it.
import { saveAnswerFaces } from '../catalog/people.ts';
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  completeJob,
  deferJob,
  enqueueTag,
  type Job,
  recordRemoteTask,
  releaseJob,
  rescheduleJob,
} from '../catalog/job-queue.ts';
import {
  enginesEnabledForContent,
  listIngestedContentIds,
  sourcePathForContent,
} from '../catalog/contents.ts';
import { hasEngineResult, saveEngineAnswer } from '../catalog/photo-tags.ts';
import { savePhotoText } from '../catalog/photo-text.ts';
import type { TaggingEngine, TagRequest } from '../engines/engine.ts';
import { engineProfileList } from '../engines/engine-profile.ts';
import { EngineId, type EngineAnswer } from '../engines/tag-model.ts';
import { type EngineBudget, readBudget, reservePaidCall } from './engine-budget.ts';
import { isEnginePaused, readJobControls } from './job-controls.ts';
import type { JobFailureHandler } from './job-failure-handling.ts';
import {
  type EngineCallKind,
  emitFinished,
  reportTakenOver,
  type RunnerContext,
} from './job-runner-types.ts';
import { classifyFailure, waitDelay } from './retry-policy.ts';

/** Results are kept this long by the services (PROTOCOLS.md A.4, C.4): the engines' profiles. */
export const defaultResultRetentionMs: Partial<Record<EngineId, number>> = Object.fromEntries(
  engineProfileList.flatMap((profile) =>
    profile.resultRetentionMs === undefined ? [] : [[profile.id, profile.resultRetentionMs]],
  ),
);

export { enginesEnabledForContent, sourcePathForContent };

/** Queue tag jobs for every enabled engine that has no result for this content yet. */
export function enqueueTaggingFor(
  db: Catalog,
  contentId: number,
  engines: ReadonlyMap<EngineId, TaggingEngine>,
  now: number = Date.now(),
): number {
  let queued = 0;
  for (const id of enginesEnabledForContent(db, contentId)) {
    const engine = engines.get(id);
    if (!engine) continue;
    if (hasEngineResult(db, contentId, id, engine.settingsKey())) continue;
    enqueueTag(db, contentId, id, now);
    queued++;
  }
  return queued;
}

/** Queue tagging for every ingested content that lacks a result of the given engines. */
export function enqueueMissingTagging(
  db: Catalog,
  engines: ReadonlyMap<EngineId, TaggingEngine>,
  now: number = Date.now(),
): number {
  const contents = listIngestedContentIds(db);
  let queued = 0;
  // IMMEDIATE: it reads, then writes; a deferred transaction would fail at once with
  // SQLITE_BUSY (no busy wait) when another process wrote in between ([Note: Shared job queue]).
  db.transaction(() => {
    for (const id of contents) queued += enqueueTaggingFor(db, id, engines, now);
  }).immediate();
  return queued;
}

/** Thrown inside a limiter slot when the call must not be made after all. */
class CallNotMade extends Error {
  constructor(
    readonly why: 'stopped' | 'paused' | 'budget',
    readonly resumesAt?: number,
  ) {
    super(`call not made: engine ${why}`);
  }
}

/** A task older than its result retention: submit again rather than poll forever. */
class RetentionExpired extends Error {}

export class TagJobProtocol {
  constructor(
    private readonly ctx: RunnerContext,
    private readonly failures: JobFailureHandler,
  ) {}

  /**
   * One run of a tag job: answered already → finish; no reachable copy → wait; sync engine →
   * call and commit; async engine → submit (and record the task), or poll (and commit).
   */
  async run(job: Extract<Job, { kind: 'tag' }>): Promise<void> {
    const { db } = this.ctx.deps;
    const engine = this.ctx.deps.engines.get(job.engine);
    if (!engine) {
      if (!rescheduleJob(db, job, this.ctx.now() + waitDelay('engine-missing', this.ctx.policy)))
        reportTakenOver(this.ctx, job);
      return;
    }
    const settingsKey = engine.settingsKey();
    if (hasEngineResult(db, job.contentId, job.engine, settingsKey)) {
      // Already answered (a duplicate of this content, or a holder whose lease ran out: [Note:
      // Fenced job writes]): never pay twice.
      if (!completeJob(db, job)) {
        reportTakenOver(this.ctx, job);
        return;
      }
      this.ctx.emit({
        type: 'job-finished',
        jobId: job.id,
        kind: 'tag',
        engine: job.engine,
        outcome: 'done',
        at: this.ctx.now(),
      });
      return;
    }
    const source = sourcePathForContent(db, job.contentId);
    if (!source) {
      // Every copy is offline or gone: wait for the drive to come back.
      const requeued = rescheduleJob(
        db,
        job,
        this.ctx.now() + waitDelay('offline', this.ctx.policy),
        {
          code: 'offline',
          message: 'No copy of this photo is reachable (folder offline or file missing).',
        },
      );
      if (!requeued) {
        reportTakenOver(this.ctx, job);
        return;
      }
      this.ctx.emit({
        type: 'job-finished',
        jobId: job.id,
        kind: 'tag',
        engine: job.engine,
        outcome: 'retry',
        at: this.ctx.now(),
      });
      return;
    }
    const request: TagRequest = { sourcePath: source.path, contentHash: source.hash };
    try {
      if (engine.kind === 'sync') {
        const answer = await this.callEngine(job.engine, 'tag', () => engine.tag(request));
        this.ctx.markProven(job.engine);
        this.commitAnswer(job, answer, settingsKey);
        return;
      }
      if (job.remoteTaskId === null) {
        const submitted = await this.callEngine(job.engine, 'submit', () => engine.submit(request));
        this.ctx.markProven(job.engine);
        const recorded = recordRemoteTask(db, job, submitted.taskId, {
          ...job.payload,
          submittedAt: this.ctx.now(),
          ...(submitted.cleanup === undefined ? {} : { cleanup: submitted.cleanup }),
        });
        if (!recorded) {
          // Taken over while submitting: the job is the new holder's, which submits its own
          // task; free what this one holds (the hosted copy). The one paid call that cannot
          // be kept: [Note: Fenced job writes].
          await this.finishQuietly(engine, job, submitted.taskId, submitted.cleanup);
          reportTakenOver(this.ctx, job);
          return;
        }
        if (!deferJob(db, job, this.ctx.now() + (this.ctx.deps.firstPollDelayMs ?? 1_000))) {
          reportTakenOver(this.ctx, job);
          return;
        }
        emitFinished(this.ctx, job, 'waiting');
        return;
      }
      const retention = (this.ctx.deps.retentionMs ?? defaultResultRetentionMs)[job.engine];
      const submittedAt = job.payload.submittedAt;
      if (retention !== undefined && submittedAt !== undefined) {
        if (this.ctx.now() - submittedAt > retention) throw new RetentionExpired();
      }
      const taskId = job.remoteTaskId;
      const polled = await this.callEngine(job.engine, 'poll', () => engine.poll(taskId));
      this.ctx.markProven(job.engine);
      if (polled.state === 'pending') {
        if (deferJob(db, job, this.ctx.now() + polled.retryAfterMs))
          emitFinished(this.ctx, job, 'waiting');
        else reportTakenOver(this.ctx, job);
        return;
      }
      this.commitAnswer(job, polled.answer, settingsKey);
      await this.finishQuietly(engine, job, taskId);
    } catch (error) {
      if (error instanceof CallNotMade) {
        this.releaseUnsent(job, error);
        return;
      }
      if (error instanceof RetentionExpired) {
        if (engine.kind === 'async' && job.remoteTaskId !== null)
          await this.finishQuietly(engine, job, job.remoteTaskId);
        this.failures.handle(job, {
          errorClass: 'resubmit',
          code: 'retention-expired',
          message: `The ${job.engine} task ${job.remoteTaskId ?? ''} is older than the service keeps results; submitting it again.`,
        });
        return;
      }
      const classified = classifyFailure(error);
      if (
        engine.kind === 'async' &&
        job.remoteTaskId !== null &&
        (classified.errorClass === 'resubmit' ||
          (classified.taskFailed && classified.errorClass === 'retry'))
      ) {
        // The old task is dead (expired, or failed: [Note: A failed async task is submitted
        // again]): free what it held (e.g. the hosted copy) before resubmitting.
        await this.finishQuietly(engine, job, job.remoteTaskId);
      }
      this.failures.handle(job, error);
    }
  }

  /** The budget that applies to an engine: the lower cap of the setting and the deps. */
  private budgetOf(engine: EngineId): EngineBudget {
    const stored = readBudget(this.ctx.deps.db, engine);
    const given = this.ctx.deps.budgets?.[engine] ?? {};
    const lower = (a: number | undefined, b: number | undefined) =>
      a === undefined ? b : b === undefined ? a : Math.min(a, b);
    const perDay = lower(stored.perDay, given.perDay);
    const perMonth = lower(stored.perMonth, given.perMonth);
    return {
      ...(perDay === undefined ? {} : { perDay }),
      ...(perMonth === undefined ? {} : { perMonth }),
    };
  }

  /**
   * One engine call through the engine's limiter. Once the slot is ours, the lane is checked
   * again (it may have been stopped while this job waited) and, for a paid call, the budget
   * is charged; either can cancel the call before anything is sent.
   */
  private async callEngine<T>(
    engine: EngineId,
    call: EngineCallKind,
    fn: () => Promise<T>,
  ): Promise<T> {
    return this.ctx.limiters.get(engine).run(async () => {
      this.ctx.controls = readJobControls(this.ctx.deps.db);
      if (this.ctx.controls.stopped.has(engine)) throw new CallNotMade('stopped');
      if (isEnginePaused(this.ctx.controls, engine)) throw new CallNotMade('paused');
      if (call !== 'poll') {
        const state = reservePaidCall(
          this.ctx.deps.db,
          engine,
          this.budgetOf(engine),
          this.ctx.now(),
        );
        if (state.exhausted) {
          this.ctx.budgetUntil.set(engine, state.resumesAt);
          this.ctx.deps.log.warn(`engine ${engine} paused: ${state.reason}`);
          throw new CallNotMade('budget', state.resumesAt);
        }
      }
      const started = this.ctx.now();
      try {
        const result = await fn();
        this.ctx.emit({ type: 'call', engine, call, ok: true, ms: this.ctx.now() - started });
        return result;
      } catch (error) {
        const failure = classifyFailure(error);
        this.ctx.emit({
          type: 'call',
          engine,
          call,
          ok: false,
          code: failure.code,
          ms: this.ctx.now() - started,
        });
        throw error;
      }
    });
  }

  /**
   * [Note: The answer commit]
   * The one place an engine's answer becomes catalog rows, in one IMMEDIATE transaction with
   * the job's finish. Whatever else an answer writes (OCR text lines, face descriptors) is
   * one more call inside this transaction, so it commits or not with the tags and the
   * never-pay-twice record.
   */
  private commitAnswer(
    job: Extract<Job, { kind: 'tag' }>,
    answer: EngineAnswer,
    settingsKey: string,
  ): void {
    const { db } = this.ctx.deps;
    // IMMEDIATE, as every read-then-write here: a paid answer that failed to commit with
    // SQLITE_BUSY because another process wrote meanwhile would be paid for again.
    const outcome = db
      .transaction((): 'done' | 'kept' | 'dropped' => {
        if (completeJob(db, job)) {
          saveEngineAnswer(db, job.contentId, answer, settingsKey, this.ctx.now());
          savePhotoText(db, job.contentId, answer);
          saveAnswerFaces(db, job.contentId, answer, this.ctx.now());
          return 'done';
        }
        // Taken over ([Note: Fenced job writes]): the answer is paid for, so it is kept for
        // the new holder to find, unless that holder answered already (never overwrite a
        // newer answer with this older one).
        if (hasEngineResult(db, job.contentId, job.engine, settingsKey)) return 'dropped';
        saveEngineAnswer(db, job.contentId, answer, settingsKey, this.ctx.now());
        savePhotoText(db, job.contentId, answer);
        saveAnswerFaces(db, job.contentId, answer, this.ctx.now());
        return 'kept';
      })
      .immediate();
    if (outcome === 'done') emitFinished(this.ctx, job, 'done');
    else reportTakenOver(this.ctx, job);
  }

  private async finishQuietly(
    engine: Extract<TaggingEngine, { kind: 'async' }>,
    job: Extract<Job, { kind: 'tag' }>,
    taskId: string,
    cleanup: string | undefined = job.payload.cleanup,
  ): Promise<void> {
    try {
      await engine.finish?.(taskId, cleanup);
    } catch (error) {
      // The answer (if any) is committed; a leftover hosted copy is logged, not retried.
      this.ctx.deps.log.warn('async task clean-up failed', { job: job.id, error: String(error) });
    }
  }

  private releaseUnsent(job: Extract<Job, { kind: 'tag' }>, error: CallNotMade): void {
    // Runnable at once: the lane's block (not the job's time) holds it back, so a raised
    // budget or a resume takes effect without waiting for the old period to end.
    if (releaseJob(this.ctx.deps.db, job, this.ctx.now()))
      emitFinished(this.ctx, job, 'retry', error.message);
    else reportTakenOver(this.ctx, job);
  }
}
