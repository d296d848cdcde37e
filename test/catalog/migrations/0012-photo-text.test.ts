// Migration 12 on real catalog files: the text tables exist, the trigram index answers
// substrings, deleting a content removes its text from both tables, text changes bump the
// search generation, and folders running the on-device engine get the text engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0012PhotoText } from '../../../main/catalog/migrations/0012-photo-text.ts';
import {
  contentsWithTextContaining,
  photoTextOf,
  savePhotoText,
} from '../../../main/catalog/photo-text.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m12-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const box: [number, number][] = [
  [0.1, 0.1],
  [0.5, 0.1],
  [0.5, 0.2],
  [0.1, 0.2],
];

describe(`migration ${migration0012PhotoText.name}`, () => {
  it('upgrades a version-10 catalog: folders running local also read text', () => {
    const file = tempFile();
    const old = openCatalog(file, { migrations: migrations.filter((m) => m.version <= 10) });
    const add = old.prepare(
      `INSERT INTO folders (path, volume_id, status, engines, added_at) VALUES (?, 'v', 'online', ?, 0)`,
    );
    add.run('/a', '["local"]');
    add.run('/b', '["huawei"]');
    add.run('/c', '["local","text"]');
    old.close();
    // Up to this migration (later ones are tested on their own).
    const db = openCatalog(file, { migrations: migrations.filter((m) => m.version <= 12) });
    expect(db.pragma('user_version', { simple: true })).toBe(12);
    expect(db.prepare(`SELECT path, engines FROM folders ORDER BY path`).all()).toEqual([
      { path: '/a', engines: '["local","text"]' },
      { path: '/b', engines: '["huawei"]' },
      { path: '/c', engines: '["local","text"]' },
    ]);
    db.close();
  });

  it('stores lines per content, finds substrings of any length, and forgets a deleted content', () => {
    const db = openCatalog(tempFile());
    const addContent = db.prepare(
      `INSERT INTO contents (hash, size, created_at) VALUES (?, 1, 0) RETURNING id`,
    );
    const cafe = (addContent.get('a') as { id: number }).id;
    const page = (addContent.get('b') as { id: number }).id;
    const generation = () => db.prepare(`SELECT n FROM search_generation`).pluck().get();
    const before = generation();
    const answer = (lines: string[]) => ({
      engine: 'text' as const,
      model: 'm1',
      tags: [],
      text: {
        lines: lines.map((text) => ({ text, box, confidence: 90, language: 'zh' as const })),
      },
    });
    db.transaction(() => {
      savePhotoText(db, cafe, answer(['欢迎光临咖啡馆', 'Coffee-Shop']));
      savePhotoText(db, page, answer(['Thesemarkers are 16 px']));
    })();
    expect(generation()).not.toBe(before);
    expect(photoTextOf(db, cafe).map((l) => l.text)).toEqual(['欢迎光临咖啡馆', 'Coffee-Shop']);
    expect(contentsWithTextContaining(db, '咖啡')).toEqual([cafe]);
    expect(contentsWithTextContaining(db, '咖')).toEqual([cafe]);
    expect(contentsWithTextContaining(db, '光临咖啡馆')).toEqual([cafe]);
    expect(contentsWithTextContaining(db, 'coffee shop')).toEqual([cafe]);
    expect(contentsWithTextContaining(db, 'MARKERS')).toEqual([page]);
    expect(contentsWithTextContaining(db, '16')).toEqual([page]);
    // a phrase does not run across two lines
    expect(contentsWithTextContaining(db, '咖啡馆 coffee')).toEqual([]);
    // "no text" replaces earlier lines
    savePhotoText(db, page, { ...answer([]), text: { lines: [] } });
    expect(contentsWithTextContaining(db, 'markers')).toEqual([]);
    db.prepare(`DELETE FROM contents WHERE id = ?`).run(cafe);
    expect(photoTextOf(db, cafe)).toEqual([]);
    expect(db.prepare(`SELECT count(*) FROM photo_text_search`).pluck().get()).toBe(0);
    db.close();
  });
});
