// Migration 9 on a real catalog file: a catalog of version 8 with a job left running gets the
// owner column, empty for that job (so the next start requeues it, as version 8 did).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0009JobLeaseOwner } from '../../../main/catalog/migrations/0009-job-lease-owner.ts';
import { recoverInterruptedJobs } from '../../../main/catalog/job-queue.ts';

describe(`migration ${migration0009JobLeaseOwner.name}`, () => {
  it('adds the owner column, empty for jobs an older version left running', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-m9-'));
    const file = join(dir, 'catalog.sqlite');
    try {
      const old = new Database(file);
      for (const m of migrations.filter((m) => m.version < 9)) old.exec(m.up);
      old.pragma('user_version = 8');
      old.exec(`INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 0);
        INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, status) VALUES (1, 1, 'a.jpg', 1, 0, 'pending');
        INSERT INTO jobs (kind, photo_id, state, next_run_at, lease_until, created_at, updated_at)
          VALUES ('ingest', 1, 'running', 0, 9999999999999, 0, 0);`);
      old.close();

      const db = openCatalog(file);
      try {
        expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(9);
        expect(db.prepare('SELECT lease_owner FROM jobs').get()).toEqual({ lease_owner: null });
        // Its lease has not run out, but no live process can hold it: it runs again.
        expect(recoverInterruptedJobs(db, 0)).toBe(1);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
