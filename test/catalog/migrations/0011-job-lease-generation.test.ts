// Migration 11 on a real catalog file: a catalog of version 10 with a job left running gets
// the lease generation column at 0, and whoever claims the job next holds generation 1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { claimNextJob, recoverInterruptedJobs } from '../../../main/catalog/job-queue.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0011JobLeaseGeneration } from '../../../main/catalog/migrations/0011-job-lease-generation.ts';

describe(`migration ${migration0011JobLeaseGeneration.name}`, () => {
  it('adds the lease generation at 0; recovery and the next claim raise it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-m11-'));
    const file = join(dir, 'catalog.sqlite');
    try {
      const old = new Database(file);
      for (const m of migrations.filter((m) => m.version < 11)) {
        old.exec(m.up);
        m.apply?.(old);
      }
      old.pragma('user_version = 10');
      old.exec(`INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 0);
        INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, status) VALUES (1, 1, 'a.jpg', 1, 0, 'pending');
        INSERT INTO jobs (kind, photo_id, state, next_run_at, created_at, updated_at)
          VALUES ('ingest', 1, 'running', 0, 0, 0);`);
      old.close();

      const db = openCatalog(file);
      try {
        expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(11);
        expect(db.prepare('SELECT lease_generation FROM jobs').get()).toEqual({
          lease_generation: 0,
        });
        expect(recoverInterruptedJobs(db, 0)).toBe(1);
        expect(claimNextJob(db, { kind: 'ingest', now: 120_000 })).toMatchObject({ lease: 2 });
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
