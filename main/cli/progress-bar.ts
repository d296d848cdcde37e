// A progress line with rate and ETA for long CLI runs. Drawn on stderr only when it is a
// TTY (pipes and --json output stay clean).
import { escapeControlChars } from '../util/terminal-text.ts';

export interface ProgressBar {
  /** False when the stream is not a terminal (nothing is drawn; callers print lines instead). */
  readonly drawing: boolean;
  update(done: number, total: number, label?: string): void;
  finish(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${String(h)}:${String(m).padStart(2, '0')}:${rest}` : `${String(m)}:${rest}`;
}

export function renderProgressLine(
  done: number,
  total: number,
  elapsedMs: number,
  label: string,
  width = 24,
): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.NaN;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done)}/${String(total)} ${escapeControlChars(label)} ${rate.toFixed(1)}/s ETA ${formatDuration(eta)}`;
}

/** `12/40 2.5/s ETA 0:13`: the counts of a progress line without the bar. */
export function renderProgressCounts(done: number, total: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.NaN;
  return `${String(done)}/${String(total)} ${rate.toFixed(1)}/s ETA ${formatDuration(eta)}`;
}

export function createProgressBar(
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): ProgressBar {
  if (!stream.isTTY) return { drawing: false, update: () => undefined, finish: () => undefined };
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  return {
    drawing: true,
    update(done, total, label = '') {
      const t = now();
      if (t - lastDraw < 100 && done < total) return;
      lastDraw = t;
      drawn = true;
      stream.write(`\r\x1b[2K${renderProgressLine(done, total, t - started, label)}`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
