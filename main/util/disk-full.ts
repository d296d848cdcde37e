// Telling a full disk apart from every other failure. [Note: A full disk pauses the run]
// A full data folder is not the photo's fault and not the engine's: counting it as a failed
// attempt would mark good photos broken and burn retries, and throwing it out of the job
// runner crashed `tujian index` with a stack trace (issue 12 item 2). Whoever sees one stops
// taking work, leaves the job queued, and tells the user how much room is left.
import { statfsSync } from 'node:fs';

/**
 * SQLite's "database or disk is full" (better-sqlite3 sets `code`) or the OS's ENOSPC/EDQUOT.
 * With `dataRoot`, also an SQLite I/O error while that disk has (almost) no room left: SQLite
 * reports a WAL or shared-memory file it cannot grow as SQLITE_IOERR_*, not SQLITE_FULL.
 */
export function isDiskFull(error: unknown, dataRoot?: string): boolean {
  let ioError = false;
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    if (typeof e !== 'object') break;
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return true;
    if (typeof code === 'string' && code.startsWith('SQLITE_IOERR')) ioError = true;
    e = (e as { cause?: unknown }).cause;
  }
  if (!ioError || dataRoot === undefined) return false;
  const free = freeBytes(dataRoot);
  return free !== null && free < nearlyFullBytes;
}

/** Below this much room an I/O error on the data disk is taken for a full disk. */
const nearlyFullBytes = 1_048_576;

/** Bytes free for this user on the file system that holds `path`; null when it cannot be told. */
export function freeBytes(path: string): number | null {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/** The one-line message every host shows for a full data folder. */
export function diskFullMessage(dataRoot: string): string {
  const free = freeBytes(dataRoot);
  const mb = free === null ? '?' : String(Math.floor(free / 1_048_576));
  return `the data folder's disk is full: ${mb} MB free (${dataRoot})`;
}
