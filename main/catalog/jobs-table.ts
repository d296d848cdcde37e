// The `jobs` table as the app and the CLI read it: counts for the activity panel, the failed
// jobs with the photo each was about, and putting failed jobs back in the queue. The queue's
// own claiming, leasing and finishing is main/catalog/job-queue.ts.
import type { Catalog } from './catalog-connection.ts';

/** Tag jobs per engine and state (done jobs are deleted, so: queued, running, failed). */
export function countTagJobsByEngine(
  db: Catalog,
): { engine: string; state: 'queued' | 'running' | 'failed'; n: number }[] {
  return db
    .prepare<[], { engine: string; state: 'queued' | 'running' | 'failed'; n: number }>(
      `SELECT engine, state, count(*) AS n FROM jobs WHERE kind = 'tag' AND engine IS NOT NULL GROUP BY engine, state`,
    )
    .all();
}

/** Ingest jobs waiting or running, ingest jobs failed, and photos ingested. */
export function countIngest(db: Catalog): { queued: number; failed: number; photos: number } {
  const row = db
    .prepare<[], { queued: number; failed: number; photos: number }>(
      `SELECT (SELECT count(*) FROM jobs WHERE kind = 'ingest' AND state != 'failed') AS queued,
              (SELECT count(*) FROM jobs WHERE kind = 'ingest' AND state = 'failed') AS failed,
              (SELECT count(*) FROM photos WHERE status = 'ok') AS photos`,
    )
    .get();
  return row ?? { queued: 0, failed: 0, photos: 0 };
}

/** A failed job with the photo it was about (a tag job's first photo of its content). */
export interface FailedJobRow {
  id: number;
  kind: 'ingest' | 'tag';
  engine: string | null;
  photo_id: number | null;
  /** Absolute path of that photo, when it still exists. */
  path: string | null;
  attempts: number;
  last_error_code: string | null;
  last_error: string | null;
  updated_at: number;
}

/** The latest failed jobs first. */
export function listFailedJobsWithPhotos(db: Catalog, limit: number): FailedJobRow[] {
  return db
    .prepare<[number], FailedJobRow>(
      `SELECT j.id, j.kind, j.engine, coalesce(j.photo_id, p.id) AS photo_id,
              f.path || '/' || p.rel_path AS path, j.attempts, j.last_error_code, j.last_error, j.updated_at
       FROM jobs j
       LEFT JOIN photos p ON p.id = coalesce(j.photo_id,
         (SELECT id FROM photos WHERE content_id = j.content_id ORDER BY id LIMIT 1))
       LEFT JOIN folders f ON f.id = p.folder_id
       WHERE j.state = 'failed' ORDER BY j.updated_at DESC LIMIT ?`,
    )
    .all(limit);
}

/** Failed jobs (all, or those ids) back to the queue, due now, with a fresh attempt count. */
export function retryFailedJobsById(
  db: Catalog,
  jobIds: readonly number[] | null,
  now: number,
): number {
  const info =
    jobIds === null
      ? db
          .prepare<[number, number]>(
            `UPDATE jobs SET state = 'queued', attempts = 0, next_run_at = ?, updated_at = ? WHERE state = 'failed'`,
          )
          .run(now, now)
      : db
          .prepare<[number, number, string]>(
            `UPDATE jobs SET state = 'queued', attempts = 0, next_run_at = ?, updated_at = ?
             WHERE state = 'failed' AND id IN (SELECT value FROM json_each(?))`,
          )
          .run(now, now, JSON.stringify(jobIds));
  return info.changes;
}
