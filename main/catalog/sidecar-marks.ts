// The `sidecar_pending` table: contents whose XMP sidecars are due to be (re)written, marked by
// the triggers of migrations 0007 and 0008 and drained by main/library/sidecar-sync.ts (see
// [Note: Sidecar marks are kept until written] there). A drainer claims a mark with a lease, so
// two processes on one catalog never write the same sidecar at once.
import { type Catalog, type ReadableCatalog } from './catalog-connection.ts';

/** Marks due now: quiet long enough (or waiting too long), not backing off, not leased. */
export const dueSidecarsSql = `SELECT content_id FROM sidecar_pending
  WHERE (retry_at IS NULL OR retry_at <= @now)
    AND (lease_until IS NULL OR lease_until <= @now)
    AND (changed_at <= @quietBefore OR since <= @maxBefore)
  ORDER BY changed_at LIMIT @limit`;

export interface DueSidecarsWindow {
  readonly now: number;
  /** Marks last changed at or before this are quiet long enough. */
  readonly quietBefore: number;
  /** Marks first made at or before this are due however busy they are. */
  readonly maxBefore: number;
  readonly limit: number;
}

/** The drainer's statements on the marks, prepared once (it runs them in a loop). */
export interface SidecarMarks {
  /** Content ids of the marks due in this window, oldest change first. */
  due(window: DueSidecarsWindow): number[];
  /** Take a free (or expired) lease on a mark; its version, or undefined when another has it. */
  claim(contentId: number, leaseUntil: number, now: number): number | undefined;
  /** Remove a written mark unless it was changed meanwhile (its version moved on). */
  finish(contentId: number, version: number): boolean;
  /** Give a claimed mark back without writing. */
  release(contentId: number): void;
  /** Failed writes so far. */
  attempts(contentId: number): number;
  /**
   * Back off after a failed write: count the attempt and keep the error; the retry time is
   * set only when the mark is still at `version` (a change during the write made it due again).
   */
  postpone(contentId: number, version: number, retryAt: number, error: string): void;
}

export function sidecarMarks(db: Catalog): SidecarMarks {
  const due = db.prepare<DueSidecarsWindow, { content_id: number }>(dueSidecarsSql);
  const claim = db.prepare<[number, number, number], { version: number }>(
    `UPDATE sidecar_pending SET lease_until = ?
     WHERE content_id = ? AND (lease_until IS NULL OR lease_until <= ?)
     RETURNING version`,
  );
  const finish = db.prepare<[number, number]>(
    `DELETE FROM sidecar_pending WHERE content_id = ? AND version = ?`,
  );
  const release = db.prepare<[number]>(
    `UPDATE sidecar_pending SET lease_until = NULL WHERE content_id = ?`,
  );
  const attemptsOf = db.prepare<[number], { attempts: number }>(
    `SELECT attempts FROM sidecar_pending WHERE content_id = ?`,
  );
  const postpone = db.prepare<[number, number, string, number]>(
    `UPDATE sidecar_pending SET attempts = attempts + 1,
       retry_at = CASE WHEN version = ? THEN ? ELSE retry_at END,
       last_error = ?, lease_until = NULL
     WHERE content_id = ?`,
  );
  return {
    due: (window) =>
      due
        .all({
          now: window.now,
          quietBefore: window.quietBefore,
          maxBefore: window.maxBefore,
          limit: window.limit,
        })
        .map((r) => r.content_id),
    claim: (contentId, leaseUntil, now) => claim.all(leaseUntil, contentId, now)[0]?.version,
    finish: (contentId, version) => finish.run(contentId, version).changes > 0,
    release: (contentId) => {
      release.run(contentId);
    },
    attempts: (contentId) => attemptsOf.get(contentId)?.attempts ?? 0,
    postpone: (contentId, version, retryAt, error) => {
      postpone.run(version, retryAt, error, contentId);
    },
  };
}

/** How many sidecars are due, and how many of those are waiting after a failure. */
export function countPendingSidecars(db: ReadableCatalog): { pending: number; retrying: number } {
  const row = db
    .prepare<[], { pending: number; retrying: number }>(
      `SELECT count(*) AS pending, count(retry_at) AS retrying FROM sidecar_pending`,
    )
    .get();
  return { pending: row?.pending ?? 0, retrying: row?.retrying ?? 0 };
}

/**
 * Marks every content with text read in it due (the sidecar text option changed: their
 * sidecars gain or lose `tujian:RecognizedText`, [Note: Recognised text in XMP]). The same
 * upsert as the triggers of migration 0007, so a mark already waiting is simply bumped.
 */
export function markSidecarsOfContentsWithText(db: Catalog, now: number = Date.now()): number {
  return db
    .prepare<[number, number]>(
      `INSERT INTO sidecar_pending (content_id, since, changed_at)
       SELECT DISTINCT content_id, ?, ? FROM photo_text_lines WHERE true
       ON CONFLICT (content_id) DO UPDATE SET
         changed_at = excluded.changed_at, version = version + 1, retry_at = NULL`,
    )
    .run(now, now).changes;
}
