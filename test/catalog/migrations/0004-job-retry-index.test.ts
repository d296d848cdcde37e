// Migration 4 on a real catalog file: the claim of due retries is one index range scan.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migration0004JobRetryIndex } from '../../../main/catalog/migrations/0004-job-retry-index.ts';

describe(`migration ${migration0004JobRetryIndex.name}`, () => {
  it('serves the due-retry claim (which names it: INDEXED BY) from the partial index', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-m4-'));
    const db = openCatalog(join(dir, 'catalog.sqlite'));
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(4);
      const plan = db
        .prepare<[], { detail: string }>(
          `EXPLAIN QUERY PLAN SELECT id FROM jobs INDEXED BY jobs_retries
           WHERE kind = 'tag' AND engine = 'huawei'
             AND state = 'queued' AND attempts > 0 AND remote_task_id IS NULL AND next_run_at <= 5
           ORDER BY next_run_at LIMIT 1`,
        )
        .all()
        .map((r) => r.detail)
        .join(' | ');
      expect(plan).toMatch(/jobs_retries/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
