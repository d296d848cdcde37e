// Migration 18 on a real catalog file: located contents get a partial (lat, lon) index, and a
// box on latitude and longitude is a range search of it, not a scan of every content.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migration0018ContentLocation } from '../../../main/catalog/migrations/0018-content-location.ts';

describe(`migration ${migration0018ContentLocation.name}`, () => {
  it('indexes located contents only and serves a box from the index', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-m18-'));
    const db = openCatalog(join(dir, 'catalog.sqlite'));
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(18);
      const sql = db
        .prepare<[], string>(`SELECT sql FROM sqlite_master WHERE name = 'contents_location'`)
        .pluck()
        .get();
      expect(sql).toMatch(/ON contents\(lat, lon\) WHERE lat IS NOT NULL AND lon IS NOT NULL/);
      const plan = db
        .prepare<[], { detail: string }>(
          `EXPLAIN QUERY PLAN SELECT id FROM contents WHERE lat BETWEEN 30 AND 32 AND lon BETWEEN 120 AND 122`,
        )
        .all()
        .map((r) => r.detail)
        .join(' | ');
      expect(plan).toMatch(/contents_location/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
