// Migration 15 on real catalog files: a version-13 catalog gains the hash and dismissal tables,
// its contents are all due for the backfill, the constraints refuse half-written rows, and
// deleting a content deletes its hash and its dismissals.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0015PerceptualHashes } from '../../../main/catalog/migrations/0015-perceptual-hashes.ts';
import {
  countUnhashedContents,
  dismissDuplicates,
  savePerceptualHash,
} from '../../../main/catalog/perceptual-hashes.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m15-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe(`migration ${migration0015PerceptualHashes.name}`, () => {
  it('upgrades a version-13 catalog: every content is due for hashing', () => {
    const file = tempFile();
    const old = openCatalog(file, { migrations: migrations.filter((m) => m.version <= 13) });
    const add = old.prepare(`INSERT INTO contents (hash, size, created_at) VALUES (?, 1, 0)`);
    add.run('a'.repeat(64));
    add.run('b'.repeat(64));
    old.close();
    const db = openCatalog(file, { migrations: migrations.filter((m) => m.version <= 15) });
    expect(db.pragma('user_version', { simple: true })).toBe(15);
    expect(countUnhashedContents(db)).toBe(2);

    savePerceptualHash(db, 1, { hash: [1, 2, 3, 4] }, 5);
    savePerceptualHash(db, 2, { error: 'unreadable' }, 5);
    expect(countUnhashedContents(db)).toBe(0);
    // Bands without an error, or an error with bands, are refused.
    expect(() =>
      db.prepare(`UPDATE perceptual_hashes SET error = 'x' WHERE content_id = 1`).run(),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare(`UPDATE perceptual_hashes SET band3 = NULL WHERE content_id = 1`).run(),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare(`UPDATE perceptual_hashes SET band0 = 70000 WHERE content_id = 1`).run(),
    ).toThrow(/CHECK/);

    dismissDuplicates(db, [2, 1], 5);
    expect(
      db.prepare(`SELECT content_a, content_b FROM duplicate_dismissals ORDER BY 1, 2`).all(),
    ).toEqual([
      { content_a: 1, content_b: 1 },
      { content_a: 1, content_b: 2 },
      { content_a: 2, content_b: 2 },
    ]);
    db.prepare(`DELETE FROM contents WHERE id = 1`).run();
    expect(db.prepare(`SELECT content_id FROM perceptual_hashes`).pluck().all()).toEqual([2]);
    expect(db.prepare(`SELECT content_a, content_b FROM duplicate_dismissals`).all()).toEqual([
      { content_a: 2, content_b: 2 },
    ]);
    db.close();
  });
});
