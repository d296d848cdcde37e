// Migration 3: what the job runner needs at scale (issue 5).
//
// `engine_calls` counts the paid calls each engine was sent per UTC day, so a per-engine
// budget (calls per day/month) can pause the engine when it is reached; a month is the sum of
// its days. See [Note: Engine budgets] in main/jobs/engine-budget.ts.
//
// The two indexes serve the runner's claim: polls of submitted async tasks first (so a long
// queue of fresh photos never starves a task past the service's result retention), then the
// oldest runnable job of one lane, each one index range scan instead of a scan of the queue.
import type { Migration } from './migration.ts';

export const migration0003EngineCalls: Migration = {
  version: 3,
  name: 'engine-calls',
  up: `
CREATE TABLE engine_calls (
  engine TEXT NOT NULL,
  -- UTC calendar day, YYYY-MM-DD.
  day TEXT NOT NULL,
  calls INTEGER NOT NULL DEFAULT 0 CHECK (calls >= 0),
  PRIMARY KEY (engine, day)
) STRICT, WITHOUT ROWID;

CREATE INDEX jobs_claim ON jobs(kind, engine, state, next_run_at);
CREATE INDEX jobs_polls ON jobs(engine, next_run_at)
  WHERE state = 'queued' AND remote_task_id IS NOT NULL;
`,
};
