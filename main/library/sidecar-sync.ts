// Keeps XMP sidecars current while sidecar writing is on: the catalog marks a content whose
// sidecar is due (`sidecar_pending`, filled by triggers; see [Note: Sidecars follow tag
// changes] in migration 0007), and this drainer writes the marked sidecars with one ExifTool
// process and clears the marks it wrote. Hosts that run long (desktop, `tujian serve`,
// `tujian watch`) `start()` it; one-shot commands that change tags `flush()` it before exit.
//
// [Note: Sidecar marks are kept until written]
// A mark is deleted only when the sidecar was written (or found current, or there is nothing
// to write), and only at the version the drainer read: a change made while its sidecar was
// being written leaves a newer version that is written again. Anything else keeps the mark:
// - ExifTool failed (a read-only share, a full disk, a damaged sidecar, ExifTool not
//   starting). We cannot tell a failure the user will fix from one they will not, so every
//   failure is retried, with backoff (1 min doubling to 1 h) so a hopeless sidecar costs one
//   attempt an hour; the next tag change of that content retries at once.
// - The photo is not reachable (its folder offline, the file missing, its directory gone).
//   Same backoff; the folder coming back online (a trigger) or the file being found again
//   (a re-mark) makes it due at once.
// A crash loses nothing: marks are rows, and a drainer that died mid-write left a lease that
// runs out after `leaseMs`.
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { getFolder } from '../catalog/folders.ts';
import { getPhoto } from '../catalog/photos.ts';
import { sidecarMarks } from '../catalog/sidecar-marks.ts';
import {
  createXmpTool,
  readXmpSettings,
  sidecarPathFor,
  writeSidecarsForContent,
  type XmpSettings,
  type XmpTool,
} from './xmp-sidecars.ts';

export interface SidecarSyncLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface SidecarSyncOptions {
  readonly log?: SidecarSyncLog;
  /** Makes the ExifTool wrapper, on the first sidecar that needs it (default: the real one). */
  readonly tool?: () => XmpTool;
  /** A content is written once it has been quiet this long (a burst of changes, one write). */
  readonly quietMs?: number;
  /** …or once its first unwritten change is this old, however busy it is. */
  readonly maxDelayMs?: number;
  /** How often `start()` looks for due marks (they may come from any process). */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** How long a claimed mark stays another drainer's before it may take it over. */
  readonly leaseMs?: number;
  /** Backoff after a failed or unreachable write: first delay, doubling up to max. */
  readonly retryFirstMs?: number;
  readonly retryMaxMs?: number;
  /** Told after each drain pass that did something. */
  readonly onReport?: (report: SidecarSyncReport) => void;
}

export interface SidecarSyncReport {
  /** Contents whose sidecars were written or found current; their marks are gone. */
  done: number;
  written: number;
  unchanged: number;
  /** Contents kept for later (failed or not reachable), with the reason. */
  readonly retry: { readonly contentId: number; readonly reason: string }[];
}

export interface SidecarSync {
  /** Looks for due marks every `pollMs` until `close()`. */
  start(): void;
  /** Writes the marks that are due now (quiet long enough, not backing off, not leased). */
  drainDue(): Promise<SidecarSyncReport>;
  /**
   * Writes every mark not backing off or leased, quiet or not (before a command or the app
   * exits). With `maxMs`, takes no new content after that long (a quitting app must not hang
   * on a backlog; the marks left are written at the next start).
   */
  flush(options?: { maxMs?: number }): Promise<SidecarSyncReport>;
  /** Stops polling, lets the write in flight finish and ends ExifTool. Marks left stay. */
  close(): Promise<void>;
}

const defaults = {
  quietMs: 1_500,
  maxDelayMs: 30_000,
  pollMs: 1_000,
  batchSize: 25,
  leaseMs: 120_000,
  retryFirstMs: 60_000,
  retryMaxMs: 3_600_000,
};

function emptyReport(): SidecarSyncReport {
  return { done: 0, written: 0, unchanged: 0, retry: [] };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Why a skipped photo could be written later (see [Note: Sidecar marks are kept until written]). */
async function unreachableReason(
  db: Catalog,
  contentId: number,
  photoId: number,
  settings: XmpSettings,
): Promise<string | undefined> {
  const photo = getPhoto(db, photoId);
  // Gone or showing other bytes now: whatever changed marked what is due.
  if (photo?.contentId !== contentId) return undefined;
  if (settings.location !== 'beside') return undefined;
  const folder = getFolder(db, photo.folderId);
  if (!folder) return undefined;
  if (folder.status === 'offline') return `folder ${folder.path} is offline`;
  if (photo.status === 'missing') return `photo ${photo.relPath} is missing`;
  const dir = dirname(sidecarPathFor(settings, folder, photo.relPath));
  if (!(await exists(dir))) return `${dir} is not there`;
  return undefined;
}

export function createSidecarSync(db: Catalog, options: SidecarSyncOptions = {}): SidecarSync {
  const o = { ...defaults, ...options };
  const marks = sidecarMarks(db);

  let tool: XmpTool | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let lastSettingsError: string | undefined;
  // A function, so the compiler does not assume it unchanged across an await.
  const stopping = () => closed;

  /** One drain at a time per drainer (polling and a flush never interleave). */
  function serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = chain.then(work);
    chain = next.catch(() => undefined);
    return next;
  }

  function settingsNow(): XmpSettings | undefined {
    try {
      const settings = readXmpSettings(db);
      lastSettingsError = undefined;
      return settings;
    } catch (error) {
      // Logged once per distinct problem, not on every poll; the marks wait for a fix.
      const message = (error as Error).message;
      if (message !== lastSettingsError) o.log?.warn(`sidecars not written: ${message}`);
      lastSettingsError = message;
      return undefined;
    }
  }

  async function writeOne(
    contentId: number,
    version: number,
    settings: XmpSettings,
    report: SidecarSyncReport,
  ): Promise<void> {
    let problem: string | undefined;
    try {
      tool ??= (o.tool ?? createXmpTool)();
      const result = await writeSidecarsForContent(tool, db, contentId, settings);
      // Counted even when another place of the content failed: these files were written.
      report.written += result?.written ?? 0;
      report.unchanged += result?.unchanged ?? 0;
      const failed = result?.failed[0];
      if (failed) problem = `photo ${String(failed.photoId)}: ${failed.error}`;
      for (const skipped of result?.skipped ?? []) {
        if (problem) break;
        problem = await unreachableReason(db, contentId, skipped.photoId, settings);
      }
    } catch (error) {
      // writeSidecars catches per photo; this is the catalog or ExifTool itself failing.
      problem = (error as Error).message;
    }
    if (problem === undefined) {
      if (!marks.finish(contentId, version)) marks.release(contentId);
      report.done++;
      return;
    }
    const attempts = marks.attempts(contentId);
    const delay = Math.min(o.retryMaxMs, o.retryFirstMs * 2 ** Math.min(attempts, 30));
    marks.postpone(contentId, version, Date.now() + delay, problem);
    report.retry.push({ contentId, reason: problem });
    o.log?.warn(
      `sidecar of content ${String(contentId)} not written (${problem}); trying again in ${String(Math.round(delay / 60_000))} min`,
    );
  }

  async function drain(ignoreQuiet: boolean, until = Infinity): Promise<SidecarSyncReport> {
    const report = emptyReport();
    if (closed) return report;
    const settings = settingsNow();
    // Off: the triggers mark nothing new, and marks from before wait (harmless) for it to be on.
    if (!settings?.enabled) return report;
    for (;;) {
      const now = Date.now();
      const ids = marks.due({
        now,
        quietBefore: ignoreQuiet ? Number.MAX_SAFE_INTEGER : now - o.quietMs,
        maxBefore: now - o.maxDelayMs,
        limit: o.batchSize,
      });
      if (ids.length === 0 || stopping() || Date.now() > until) break;
      for (const contentId of ids) {
        if (stopping() || Date.now() > until) break;
        const version = marks.claim(contentId, Date.now() + o.leaseMs, Date.now());
        // Another drainer (another process) has it.
        if (version === undefined) continue;
        await writeOne(contentId, version, settings, report);
      }
    }
    if (report.done > 0 || report.retry.length > 0) {
      o.log?.info(
        `sidecars: ${String(report.written)} written, ${String(report.unchanged)} current, ${String(report.retry.length)} to retry`,
      );
      o.onReport?.(report);
    }
    return report;
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      serialise(() => drain(false))
        .catch((error: unknown) => {
          o.log?.warn(`sidecar sync: ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(schedule);
    }, o.pollMs);
    // Polling alone never keeps a process alive; the host decides when it ends.
    timer.unref();
  }

  return {
    start() {
      if (timer === undefined && !closed) schedule();
    },
    drainDue: () => serialise(() => drain(false)),
    flush: (options = {}) => serialise(() => drain(true, Date.now() + (options.maxMs ?? Infinity))),
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await chain;
      await tool?.end();
      tool = undefined;
    },
  };
}
