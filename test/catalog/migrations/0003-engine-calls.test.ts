// Migration 3 on a real catalog file: the call-count table and the claim indexes exist and
// the claim queries use them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migration0003EngineCalls } from '../../../main/catalog/migrations/0003-engine-calls.ts';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-m3-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`migration ${migration0003EngineCalls.name}`, () => {
  it('creates engine_calls with one row per engine and day', () => {
    db.prepare(
      `INSERT INTO engine_calls (engine, day, calls) VALUES ('huawei', '2026-01-02', 3)`,
    ).run();
    expect(() =>
      db
        .prepare(`INSERT INTO engine_calls (engine, day, calls) VALUES ('huawei', '2026-01-02', 1)`)
        .run(),
    ).toThrow(/UNIQUE|PRIMARY/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO engine_calls (engine, day, calls) VALUES ('aliyun', '2026-01-02', -1)`,
        )
        .run(),
    ).toThrow(/CHECK/);
  });

  it('lets the claim queries use an index', () => {
    const plan = (sql: string) =>
      db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => r.detail)
        .join(' | ');
    expect(
      plan(
        `SELECT id FROM jobs WHERE state = 'queued' AND remote_task_id IS NOT NULL AND engine = 'aliyun' AND next_run_at <= 5 ORDER BY next_run_at LIMIT 1`,
      ),
    ).toMatch(/jobs_polls/);
    expect(
      plan(
        `SELECT id FROM jobs WHERE kind = 'tag' AND engine = 'aliyun' AND state = 'queued' AND next_run_at <= 5 ORDER BY next_run_at LIMIT 1`,
      ),
    ).toMatch(/jobs_claim/);
  });
});
