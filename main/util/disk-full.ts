// Telling a full disk apart from every other failure. [Note: A full disk pauses the run]
// A full data folder is not the photo's fault and not the engine's: counting it as a failed
// attempt would mark good photos broken and burn retries, and throwing it out of the job
// runner crashed `tujian index` with a stack trace (issue 12 item 2). Whoever sees one stops
// taking work, leaves the job queued, and tells the user how much room is left.
import { statfsSync } from 'node:fs';

/** SQLite's "database or disk is full" (better-sqlite3 sets `code`) or the OS's ENOSPC/EDQUOT. */
export function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    if (typeof e !== 'object') return false;
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

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
