// Migration 0009: a running job names the process that holds it (`lease_owner`, JSON of
// host, pid and process start time). Several processes may share one catalog's queue, so a
// process starting up requeues only the running jobs whose owner is gone or whose lease ran
// out, never a live process's work ([Note: Shared job queue] in main/catalog/job-queue.ts).
// Rows claimed before this migration have no owner; they come from a version that allowed
// one process per catalog, so they are requeued at start as before.
import type { Migration } from './migration.ts';

export const migration0009JobLeaseOwner: Migration = {
  version: 9,
  name: 'job-lease-owner',
  up: `
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
`,
};
