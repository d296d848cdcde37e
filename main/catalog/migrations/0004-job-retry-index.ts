// Migration 4: an index for the runner's claim of due retries (issue 5). A job that failed and
// waits out its backoff goes before fresh jobs once it is due, instead of behind every photo
// of a big import (whose jobs were all due from the start): a photo that hit a 429 is tagged
// seconds later, not at the end of the run. See claimNextJob in main/catalog/job-queue.ts.
import type { Migration } from './migration.ts';

export const migration0004JobRetryIndex: Migration = {
  version: 4,
  name: 'job-retry-index',
  up: `
CREATE INDEX jobs_retries ON jobs(kind, engine, next_run_at)
  WHERE state = 'queued' AND attempts > 0 AND remote_task_id IS NULL;
`,
};
