// Migration 11: a fencing token on each job's lease ([Note: Fenced job writes] in
// main/catalog/job-queue.ts). `lease_generation` grows by one on every claim and on every
// take-over by recovery, so a process whose lease ran out and whose job was taken over can no
// longer write that job's state: each of its writes names the generation it claimed, and the
// row no longer has it. Existing rows start at 0; whoever claims them next holds generation 1.
import type { Migration } from './migration.ts';

export const migration0011JobLeaseGeneration: Migration = {
  version: 11,
  name: 'job-lease-generation',
  up: `
ALTER TABLE jobs ADD COLUMN lease_generation INTEGER NOT NULL DEFAULT 0;
`,
};
