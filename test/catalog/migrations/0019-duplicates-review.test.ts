// Migration 19 on real catalog files: a version-17 catalog gains the duplicates' change
// counter, which moves with every write that can change the groups (hashes, "Not duplicates",
// the photo, content and folder columns a group reads) and stays put for the writes that
// cannot (tags, a photo's error text), so the review's cached groups outlive a tagging run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0019DuplicatesReview } from '../../../main/catalog/migrations/0019-duplicates-review.ts';
import {
  dismissDuplicates,
  readDuplicatesGeneration,
  savePerceptualHash,
} from '../../../main/catalog/perceptual-hashes.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m19-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe(`migration ${migration0019DuplicatesReview.name}`, () => {
  it('upgrades a version-17 catalog; the counter moves with the writes the groups read, only', () => {
    const file = tempFile();
    const old = openCatalog(file, { migrations: migrations.filter((m) => m.version <= 17) });
    old.exec(`
      INSERT INTO folders (id, path, added_at) VALUES (1, '/photos', 0);
      INSERT INTO contents (id, hash, size, created_at) VALUES (1, '${'a'.repeat(64)}', 1, 0);
      INSERT INTO contents (id, hash, size, created_at) VALUES (2, '${'b'.repeat(64)}', 1, 0);
      INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, content_id, status)
        VALUES (1, 1, 'a.jpg', 1, 0, 1, 'ok');`);
    old.close();
    const db = openCatalog(file, {
      migrations: migrations.filter((m) => m.version <= migration0019DuplicatesReview.version),
    });
    expect(db.pragma('user_version', { simple: true })).toBe(19);
    expect(readDuplicatesGeneration(db)).toBe(0);

    let seen = readDuplicatesGeneration(db);
    const moves = (write: () => void): boolean => {
      write();
      const now = readDuplicatesGeneration(db);
      const moved = now !== seen;
      seen = now;
      return moved;
    };
    expect(
      moves(() => {
        savePerceptualHash(db, 1, { hash: [1, 2, 3, 4] }, 0);
      }),
    ).toBe(true);
    expect(moves(() => dismissDuplicates(db, [1, 2], 0))).toBe(true);
    expect(moves(() => db.exec(`DELETE FROM duplicate_dismissals`))).toBe(true);
    expect(
      moves(() =>
        db.exec(`INSERT INTO photos (id, folder_id, rel_path, size, mtime_ms, content_id, status)
                 VALUES (2, 1, 'b.jpg', 1, 0, 2, 'ok')`),
      ),
    ).toBe(true);
    expect(moves(() => db.exec(`UPDATE photos SET status = 'missing' WHERE id = 2`))).toBe(true);
    expect(moves(() => db.exec(`UPDATE photos SET rel_path = 'c.jpg' WHERE id = 2`))).toBe(true);
    expect(moves(() => db.exec(`UPDATE contents SET width = 10 WHERE id = 1`))).toBe(true);
    expect(moves(() => db.exec(`UPDATE folders SET status = 'offline' WHERE id = 1`))).toBe(true);
    expect(moves(() => db.exec(`DELETE FROM photos WHERE id = 2`))).toBe(true);
    expect(moves(() => db.exec(`DELETE FROM perceptual_hashes WHERE content_id = 1`))).toBe(true);
    // Writes no group shows.
    expect(moves(() => db.exec(`UPDATE photos SET error = 'x', indexed_at = 5 WHERE id = 1`))).toBe(
      false,
    );
    expect(moves(() => db.exec(`UPDATE contents SET camera = 'X100' WHERE id = 1`))).toBe(false);
    expect(
      moves(() =>
        db.exec(`INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'dog')`),
      ),
    ).toBe(false);
    expect(moves(() => db.exec(`UPDATE folders SET last_scan_at = 9 WHERE id = 1`))).toBe(false);
    db.close();
  });
});
