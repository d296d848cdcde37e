// Progress of a tagging run per lane (ingest and each engine): done/failed/queued counts, the
// recent rate and an ETA, fed only by the runner's events so the CLI's progress bar now and the
// UI later show the same numbers. Subscribe with `tracker.subscribe`, feed with
// `runner.subscribe((e) => tracker.observe(e))` (or `trackRunner`).
import type { EngineId } from '../engines/tag-model.ts';
import type { JobCounts } from '../catalog/job-queue.ts';
import type { RunnerEvent } from './job-runner.ts';

/** `ingest`, or an engine id. */
export type ProgressLane = 'ingest' | EngineId;

export interface LaneProgress {
  readonly lane: ProgressLane;
  /** Jobs committed in this run. */
  readonly done: number;
  /** Jobs given up in this run (see `tujian failures`). */
  readonly failed: number;
  /** Retries and async polls that did not finish yet, in this run. */
  readonly retried: number;
  /** Jobs waiting in the queue (including running ones), from the last queue snapshot. */
  readonly remaining: number;
  /** Failed jobs in the catalog (all runs). */
  readonly failedInCatalog: number;
  /** Jobs done per second over the recent window; 0 before any. */
  readonly ratePerSecond: number;
  /** Milliseconds until `remaining` reaches zero at the current rate; null when unknown. */
  readonly etaMs: number | null;
  readonly state: 'running' | 'idle' | 'paused' | 'budget' | 'stopped';
  /** Why the lane is paused or stopped. */
  readonly reason: string | null;
}

export interface ProgressSnapshot {
  readonly at: number;
  readonly lanes: readonly LaneProgress[];
}

interface LaneState {
  done: number;
  failed: number;
  retried: number;
  remaining: number;
  running: number;
  failedInCatalog: number;
  /** Times of recent completions, for the rate. */
  recent: number[];
  state: LaneProgress['state'];
  reason: string | null;
}

export interface ProgressTrackerOptions {
  readonly now?: () => number;
  /** The rate is measured over this window (default 30 s). */
  readonly windowMs?: number;
  /** Listeners hear at most one snapshot per this interval, plus state changes (default 250 ms). */
  readonly minIntervalMs?: number;
}

export class ProgressTracker {
  private readonly lanes = new Map<ProgressLane, LaneState>();
  private readonly listeners = new Set<(snapshot: ProgressSnapshot) => void>();
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly minIntervalMs: number;
  private lastNotified = Number.NEGATIVE_INFINITY;

  constructor(options: ProgressTrackerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.windowMs ?? 30_000;
    this.minIntervalMs = options.minIntervalMs ?? 250;
  }

  /** Hear snapshots as they change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: ProgressSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private lane(name: ProgressLane): LaneState {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = {
        done: 0,
        failed: 0,
        retried: 0,
        remaining: 0,
        running: 0,
        failedInCatalog: 0,
        recent: [],
        state: 'idle',
        reason: null,
      };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  /** Feed one runner event. */
  observe(event: RunnerEvent): void {
    const at = this.now();
    let important = false;
    switch (event.type) {
      case 'job-finished': {
        const lane = this.lane(event.engine ?? 'ingest');
        if (event.outcome === 'done') {
          lane.done++;
          lane.recent.push(at);
          if (lane.remaining > 0) lane.remaining--;
        } else if (event.outcome === 'failed') {
          lane.failed++;
          lane.failedInCatalog++;
          if (lane.remaining > 0) lane.remaining--;
        } else lane.retried++;
        if (lane.state === 'idle') lane.state = 'running';
        break;
      }
      case 'job-started': {
        const lane = this.lane(event.engine ?? 'ingest');
        if (lane.state === 'idle') {
          lane.state = 'running';
          important = true;
        }
        break;
      }
      case 'queue': {
        const seen = new Set<ProgressLane>();
        for (const row of event.counts) this.applyCounts(row, seen);
        for (const [name, lane] of this.lanes) {
          if (seen.has(name)) continue;
          lane.remaining = 0;
          lane.running = 0;
          lane.failedInCatalog = 0;
          if (lane.state === 'running') lane.state = 'idle';
        }
        break;
      }
      case 'engine-stopped': {
        const lane = this.lane(event.engine);
        lane.state = 'stopped';
        lane.reason = event.reason;
        important = true;
        break;
      }
      case 'engine-paused': {
        const names: ProgressLane[] =
          event.engine === null ? ['ingest', ...this.engineLanes()] : [event.engine];
        for (const name of names) {
          const lane = this.lane(name);
          lane.state = event.cause === 'budget' ? 'budget' : 'paused';
          lane.reason = event.reason;
        }
        important = true;
        break;
      }
      case 'engine-resumed': {
        const names: ProgressLane[] =
          event.engine === null ? ['ingest', ...this.engineLanes()] : [event.engine];
        for (const name of names) {
          const lane = this.lane(name);
          if (lane.state === 'paused' || lane.state === 'budget') {
            lane.state = 'running';
            lane.reason = null;
          }
        }
        important = true;
        break;
      }
      case 'halted': {
        // A full disk stops every lane until the runner resumes (it then says engine-resumed).
        const names: ProgressLane[] = ['ingest', ...this.engineLanes()];
        for (const name of names) {
          const lane = this.lane(name);
          lane.state = 'paused';
          lane.reason = event.message;
        }
        important = true;
        break;
      }
      case 'call':
        return;
    }
    this.notify(important);
  }

  private engineLanes(): ProgressLane[] {
    return [...this.lanes.keys()].filter((name) => name !== 'ingest');
  }

  private applyCounts(row: JobCounts, seen: Set<ProgressLane>): void {
    const name: ProgressLane = row.kind === 'ingest' ? 'ingest' : (row.engine ?? 'ingest');
    const lane = this.lane(name);
    if (!seen.has(name)) {
      lane.remaining = 0;
      lane.running = 0;
      lane.failedInCatalog = 0;
      seen.add(name);
    }
    lane.remaining += row.queued + row.running;
    lane.running += row.running;
    lane.failedInCatalog += row.failed;
    if (lane.remaining > 0 && lane.state === 'idle') lane.state = 'running';
  }

  /** The numbers now. */
  snapshot(): ProgressSnapshot {
    const at = this.now();
    const lanes: LaneProgress[] = [];
    for (const [name, lane] of this.lanes) {
      lane.recent = lane.recent.filter((t) => at - t <= this.windowMs);
      const first = lane.recent[0];
      // The window starts at the first completion in it, so a fresh run is not diluted.
      const span = first === undefined ? 0 : Math.max(1000, at - first);
      const ratePerSecond = span === 0 ? 0 : (lane.recent.length * 1000) / span;
      const etaMs =
        lane.remaining === 0
          ? 0
          : ratePerSecond > 0 && lane.state === 'running'
            ? Math.round((lane.remaining / ratePerSecond) * 1000)
            : null;
      lanes.push({
        lane: name,
        done: lane.done,
        failed: lane.failed,
        retried: lane.retried,
        remaining: lane.remaining,
        failedInCatalog: lane.failedInCatalog,
        ratePerSecond: Math.round(ratePerSecond * 100) / 100,
        etaMs,
        state: lane.state,
        reason: lane.reason,
      });
    }
    lanes.sort((a, b) =>
      a.lane === 'ingest' ? -1 : b.lane === 'ingest' ? 1 : a.lane < b.lane ? -1 : 1,
    );
    return { at, lanes };
  }

  private notify(force: boolean): void {
    if (this.listeners.size === 0) return;
    const at = this.now();
    if (!force && at - this.lastNotified < this.minIntervalMs) return;
    this.lastNotified = at;
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }
}

/** A tracker fed by a runner; returns it with the function that detaches it. */
export function trackRunner(
  runner: { subscribe(listener: (event: RunnerEvent) => void): () => void },
  options: ProgressTrackerOptions = {},
): { tracker: ProgressTracker; detach: () => void } {
  const tracker = new ProgressTracker(options);
  const detach = runner.subscribe((event) => {
    tracker.observe(event);
  });
  return { tracker, detach };
}

/** One line per lane for a terminal: `huawei  120 done, 880 left, 9.8/s, ETA 1m30s`. */
export function formatProgressLine(lane: LaneProgress): string {
  const parts = [`${String(lane.done)} done`, `${String(lane.remaining)} left`];
  if (lane.failed > 0) parts.push(`${String(lane.failed)} failed`);
  if (lane.ratePerSecond > 0) parts.push(`${String(lane.ratePerSecond)}/s`);
  if (lane.etaMs !== null && lane.remaining > 0) parts.push(`ETA ${formatDuration(lane.etaMs)}`);
  if (lane.state !== 'running' && lane.state !== 'idle')
    parts.push(`${lane.state}${lane.reason ? `: ${lane.reason}` : ''}`);
  return `${lane.lane.padEnd(10)} ${parts.join(', ')}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${String(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${String(m)}m${String(s % 60).padStart(2, '0')}s`;
  return `${String(Math.floor(m / 60))}h${String(m % 60).padStart(2, '0')}m`;
}
