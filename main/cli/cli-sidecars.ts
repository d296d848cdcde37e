// The XMP sidecar sync as CLI commands run it: `tujian index` and `tujian watch` write
// sidecars while they tag, and every command that changes tags writes what is still due
// before it exits ([Note: Sidecars follow tag changes] in migration 0007). Nothing happens,
// and no ExifTool starts, while sidecar writing is off or nothing is due.
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  countPendingSidecars,
  createSidecarSync,
  type SidecarSyncLog,
} from '../library/sidecar-sync.ts';

export interface CliSidecars {
  /** Writes what is due (all of it, or for `maxMs`), ends ExifTool and prints a total. */
  finish(print: (line: string) => void, options?: { maxMs?: number }): Promise<void>;
}

/** `poll`: also write while the command runs (index, watch), not only at its end. */
export function startCliSidecars(
  db: Catalog,
  log: SidecarSyncLog,
  options: { poll?: boolean } = {},
): CliSidecars {
  let written = 0;
  let tried = false;
  const sync = createSidecarSync(db, {
    log,
    onReport: (report) => {
      written += report.written;
      tried = true;
    },
  });
  if (options.poll) sync.start();
  return {
    async finish(print, flushOptions = {}) {
      try {
        await sync.flush(flushOptions);
      } finally {
        await sync.close();
      }
      printSidecarTotals(db, { written, tried }, print);
    },
  };
}

/** `XMP sidecars: 3 written[, 1 still due …]`, when the sync had anything to do. */
export function printSidecarTotals(
  db: Catalog,
  totals: { readonly written: number; readonly tried: boolean },
  print: (line: string) => void,
): void {
  if (!totals.tried) return;
  const left = countPendingSidecars(db).pending;
  print(
    `XMP sidecars: ${String(totals.written)} written` +
      (left > 0 ? `, ${String(left)} still due (unreachable or failing; see the warnings)` : ''),
  );
}
