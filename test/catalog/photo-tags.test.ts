import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import {
  hasEngineResult,
  knownTagSql,
  listContentTags,
  saveEngineAnswer,
  upsertTag,
} from '../../main/catalog/photo-tags.ts';
import type { EngineAnswer } from '../../main/engines/tag-model.ts';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-tags-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  db.prepare("INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'abc', 10, 0)").run();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function answer(tags: { name: string; confidence: number; boxes?: number }[]): EngineAnswer {
  return {
    engine: 'local',
    model: 'test-model@1',
    tags: tags.map((t) => ({
      name: t.name,
      i18n: { zh: `${t.name}-zh`, en: t.name },
      type: 'object',
      confidence: t.confidence,
      instances: Array.from({ length: t.boxes ?? 0 }, (_, i) => ({
        x: 0.1 * i,
        y: 0.1,
        w: 0.2,
        h: 0.3,
        confidence: t.confidence,
      })),
    })),
  };
}

describe(saveEngineAnswer.name, () => {
  it('stores tags with boxes and records the engine result', () => {
    const result = saveEngineAnswer(
      db,
      1,
      answer([{ name: 'dog', confidence: 91, boxes: 2 }]),
      'k1',
    );
    expect(result).toEqual({ saved: 1, skippedRejected: 0, removedStale: 0 });
    const tags = listContentTags(db, 1);
    expect(tags).toHaveLength(1);
    expect(tags[0]).toMatchObject({ name: 'dog', zh: 'dog-zh', confidence: 91, state: 'auto' });
    expect(tags[0]?.boxes).toHaveLength(2);
    expect(hasEngineResult(db, 1, 'local', 'k1')).toBe(true);
    expect(hasEngineResult(db, 1, 'local', 'k2')).toBe(false);
  });

  it("replaces the engine's stale automatic tags and boxes on re-tagging", () => {
    saveEngineAnswer(
      db,
      1,
      answer([
        { name: 'dog', confidence: 91, boxes: 2 },
        { name: 'cat', confidence: 70 },
      ]),
      'k1',
    );
    const result = saveEngineAnswer(
      db,
      1,
      answer([{ name: 'dog', confidence: 80, boxes: 1 }]),
      'k2',
    );
    expect(result.removedStale).toBe(1);
    const tags = listContentTags(db, 1);
    expect(tags.map((t) => t.name)).toEqual(['dog']);
    expect(tags[0]?.boxes).toHaveLength(1);
    expect(tags[0]?.confidence).toBe(80);
  });

  it('never brings back a tag the user rejected, and keeps user tags', () => {
    saveEngineAnswer(
      db,
      1,
      answer([
        { name: 'dog', confidence: 91 },
        { name: 'cat', confidence: 70 },
      ]),
      'k1',
    );
    db.prepare(
      "UPDATE photo_tags SET state = 'rejected' WHERE tag_id = (SELECT id FROM tags WHERE name = 'cat')",
    ).run();
    db.prepare(
      "INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at) VALUES (1, (SELECT id FROM tags WHERE name = 'dog'), 'user', 'user', 100, 'user', 0)",
    ).run();
    const result = saveEngineAnswer(
      db,
      1,
      answer([
        { name: 'dog', confidence: 60 },
        { name: 'cat', confidence: 99 },
      ]),
      'k2',
    );
    expect(result.skippedRejected).toBe(1);
    const visible = listContentTags(db, 1);
    expect(visible.map((t) => `${t.name}/${t.engine}/${t.state}`).sort()).toEqual([
      'dog/local/auto',
      'dog/user/user',
    ]);
    const all = listContentTags(db, 1, { includeRejected: true });
    expect(all.find((t) => t.name === 'cat')?.state).toBe('rejected');
  });
});

describe(upsertTag.name, () => {
  const dog = { name: 'dog', type: 'object', zh: '狗', en: 'Dog' } as const;

  it('creates a tag once and keeps the display names it was created with', () => {
    const id = upsertTag(db, dog);
    expect(upsertTag(db, { ...dog, zh: '犬', en: 'Hound' })).toBe(id);
    expect(db.prepare(`SELECT name, type, zh, en FROM tags`).all()).toEqual([
      { name: 'dog', type: 'object', zh: '狗', en: 'Dog' },
    ]);
    // Another type is another tag.
    expect(upsertTag(db, { ...dog, type: 'concept' })).not.toBe(id);
  });

  it('resolves a merged-away (name, type) to its target and never creates it again', () => {
    const into = upsertTag(db, { name: 'canine', type: 'object', zh: '犬', en: 'Canine' });
    db.prepare(
      `INSERT INTO tag_aliases (name, type, tag_id, zh, en, created_at) VALUES ('dog', 'object', ?, '狗', 'Dog', 0)`,
    ).run(into);
    expect(upsertTag(db, dog)).toBe(into);
    expect(upsertTag(db, dog)).toBe(into);
    expect(db.prepare(`SELECT count(*) AS n FROM tags WHERE name = 'dog'`).get()).toEqual({ n: 0 });
    const saved = saveEngineAnswer(db, 1, answer([{ name: 'dog', confidence: 80 }]), 'k1');
    expect(saved.saved).toBe(1);
    expect(listContentTags(db, 1).map((t) => [t.tagId, t.name])).toEqual([[into, 'canine']]);
  });

  it('looks a known tag up with two primary-key searches (it runs for every tag of every answer)', () => {
    const plan = db
      .prepare<{ name: string; type: string }, { detail: string }>(
        `EXPLAIN QUERY PLAN ${knownTagSql}`,
      )
      .all({ name: 'dog', type: 'object' })
      .map((r) => r.detail);
    expect(plan.filter((d) => /SCAN (tags|tag_aliases)/.test(d))).toEqual([]);
    expect(plan.join(' | ')).toMatch(
      /SEARCH tag_aliases USING PRIMARY KEY \(name=\? AND type=\?\)/,
    );
    expect(plan.join(' | ')).toMatch(
      /SEARCH tags USING (COVERING )?INDEX \S+ \(name=\? AND type=\?\)/,
    );
  });
});
