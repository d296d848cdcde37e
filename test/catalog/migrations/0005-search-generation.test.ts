// Migration 5 on a real catalog file: every write a search can see bumps the generation, in the
// writer's transaction (a rolled-back write leaves it), and writes search cannot see do not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migration0005SearchGeneration } from '../../../main/catalog/migrations/0005-search-generation.ts';

describe(`migration ${migration0005SearchGeneration.name}`, () => {
  it('counts writes to the tables search reads, and only committed ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-m5-'));
    const db = openCatalog(join(dir, 'catalog.sqlite'));
    const generation = () =>
      db.prepare<[], number>(`SELECT n FROM search_generation`).pluck().get() ?? -1;
    try {
      const start = generation();
      db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/p', 0)`).run();
      db.prepare(`INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h', 1, 0)`).run();
      db.prepare(
        `INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (1, 1, 'a.jpg', 1, 0, 1, 'ok')`,
      ).run();
      db.prepare(
        `INSERT INTO tags (id, name, type, zh, en) VALUES (1, 'dog', 'object', '狗', 'Dog')`,
      ).run();
      db.prepare(
        `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at) VALUES (1, 1, 'local', 'm', 90, 'auto', 0)`,
      ).run();
      db.prepare(
        `INSERT INTO tag_boxes (content_id, tag_id, engine, x, y, w, h, confidence) VALUES (1, 1, 'local', 0, 0, 1, 1, 90)`,
      ).run();
      expect(generation()).toBe(start + 6);
      db.prepare(`UPDATE photo_tags SET state = 'rejected'`).run();
      db.prepare(`UPDATE folders SET status = 'offline'`).run();
      expect(generation()).toBe(start + 8);
      db.prepare(`DELETE FROM tag_boxes`).run();
      expect(generation()).toBe(start + 9);
      // Rolled back with the write that caused it.
      expect(() =>
        db.transaction(() => {
          db.prepare(`UPDATE contents SET camera = 'X'`).run();
          throw new Error('abort');
        })(),
      ).toThrow('abort');
      expect(generation()).toBe(start + 9);
      // The job queue and settings are not part of a search.
      db.prepare(
        `INSERT INTO jobs (kind, photo_id, state, next_run_at, created_at, updated_at) VALUES ('ingest', 1, 'queued', 0, 0, 0)`,
      ).run();
      expect(generation()).toBe(start + 9);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
