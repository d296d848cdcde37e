// Tag upsert benchmark (issue 6, merges that stick): upsertTag runs for every tag of every
// engine answer, and since migration 6 it first looks the (name, type) up in tag_aliases.
// On a catalog of 5000 tags, 1000 of them merged away (aliases), measures the mean time per
// call of upsertTag for a known tag, for a merged-away name (resolved to its target) and for
// a new tag, beside the single-statement INSERT … ON CONFLICT DO UPDATE … RETURNING it
// replaced (prepared once), and saveEngineAnswer with 12 tags per answer.
// The last line of output is one JSON object. Usage: npm run bench:tag-upsert
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCatalog } from '../main/catalog/catalog-connection.ts';
import { saveEngineAnswer, upsertTag } from '../main/catalog/photo-tags.ts';
import { mergeTags } from '../main/catalog/tag-editing.ts';
import type { EngineAnswer } from '../main/engines/tag-model.ts';

const tagCount = 5000;
const merged = 1000;
const calls = 50_000;

const dir = mkdtempSync(join(tmpdir(), 'tujian-bench-upsert-'));
const db = openCatalog(join(dir, 'catalog.sqlite'));
try {
  const names = (i: number) => ({
    name: `tag ${String(i)}`,
    zh: `标签${String(i)}`,
    en: `Tag ${String(i)}`,
  });
  db.transaction(() => {
    for (let i = 0; i < tagCount; i++) upsertTag(db, { ...names(i), type: 'object' });
    // Tags 0..merged-1 are merged into tags merged..2*merged-1.
    const id = db.prepare<[string], { id: number }>(`SELECT id FROM tags WHERE name = ?`);
    for (let i = 0; i < merged; i++) {
      mergeTags(db, id.get(names(i).name)?.id ?? -1, id.get(names(i + merged).name)?.id ?? -1);
    }
  })();

  const perCall = (fn: (i: number) => void, n = calls): number => {
    for (let i = 0; i < 2000; i++) fn(i); // warm up
    const start = performance.now();
    db.transaction(() => {
      for (let i = 0; i < n; i++) fn(i);
    })();
    return Number((((performance.now() - start) / n) * 1000).toFixed(2)); // µs
  };
  const oldUpsert = db.prepare(
    `INSERT INTO tags (name, type, zh, en) VALUES (?, ?, ?, ?)
     ON CONFLICT (name, type) DO UPDATE SET name = excluded.name RETURNING id`,
  );
  const known = (i: number) => names(merged * 2 + (i % (tagCount - merged * 2)));
  const result = {
    bench: 'tag-upsert',
    tags: tagCount - merged,
    aliases: merged,
    knownTagUs: perCall((i) => upsertTag(db, { ...known(i), type: 'object' })),
    mergedNameUs: perCall((i) => upsertTag(db, { ...names(i % merged), type: 'object' })),
    newTagUs: perCall((i) => upsertTag(db, { ...names(tagCount + i), type: 'concept' }), 20_000),
    oldStatementKnownTagUs: perCall((i) => {
      const t = known(i);
      oldUpsert.get(t.name, 'object', t.zh, t.en);
    }),
    saveEngineAnswer12TagsUs: 0,
  };
  db.exec(`INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h', 1, 0)`);
  const answer = (i: number): EngineAnswer => ({
    engine: 'local',
    model: 'm',
    tags: Array.from({ length: 12 }, (_, k) => ({
      ...names((i * 12 + k) % tagCount),
      i18n: names((i * 12 + k) % tagCount),
      type: 'object' as const,
      confidence: 80,
      instances: [],
    })),
  });
  result.saveEngineAnswer12TagsUs = perCall((i) => saveEngineAnswer(db, 1, answer(i), 'k'), 5000);
  console.log(JSON.stringify(result));
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
