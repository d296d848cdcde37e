// Differential test of the in-memory search evaluator (main/search/search-snapshot.ts)
// against the SQL planner, which is the truth.
//
// What it proves: on one small catalog built to be full of corners (search-snapshot-fixture.ts:
// NULL dates, cameras and contents, pending/broken/missing photos, an offline folder, shared
// contents, rejected rows, boxes on rejected rows, two engines on one tag, tag aliases, zh/en
// names sharing characters and words), for every hand-written corner query and ~470 seeded
// random queries over the whole language, and for every sort in `searchSorts`,
// `snapshotKeyRows` returns exactly the rows of `keySql(planQueryText(db, q), sort)` (same
// photo ids, each with the same content, folder and date, and the same rel_path or best
// confidence where the sort reads them; confidence within 1e-3), and throws QueryParseError
// exactly where the SQL path does. SQL's three-valued logic is part of the contract
// (`-date:2020` does not find a photo without a date), and so is SQLite's LIKE (ASCII-only case
// folding, escaped % and _, NUL and lone surrogates in the value). A last test documents that
// a snapshot is a copy at one point in time: a later write changes the SQL answer, not its own.
//
// On a mismatch the failure lists the query, the sort and a few differing ids with both rows
// and the photo as stored (status, folder, date, camera, tag rows), to debug from.
//
// Run alone: npx vitest run test/search/search-snapshot.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../main/catalog/catalog-connection.ts';
import { parseQuery, QueryParseError, type ParseOptions } from '../../main/search/query-parser.ts';
import { loadSearchSnapshot, snapshotKeyRows } from '../../main/search/search-snapshot.ts';
import {
  keySql,
  planQueryText,
  searchSorts,
  type SearchSort,
} from '../../main/search/search-service.ts';
import type { SearchFixture } from './search-fixture.ts';
import {
  buildSnapshotCatalog,
  cornerQueries,
  generateSnapshotQueries,
} from './search-snapshot-fixture.ts';

/** The rows `keySql` reads (search-service.ts keeps its own type private). */
interface KeyRow {
  readonly id: number;
  readonly content_id: number | null;
  readonly folder_id: number;
  readonly taken_at: number | null;
  readonly rel_path?: string;
  readonly conf?: number | null;
}

type Outcome =
  | { readonly kind: 'rows'; readonly rows: readonly KeyRow[] }
  | { readonly kind: 'parse-error'; readonly message: string }
  | { readonly kind: 'crash'; readonly message: string };

const querySeed = 0x0ddba11;
// 608: as many random queries as before the eight engine:text corner queries joined.
const queryCount = 608;
const confTolerance = 1e-3;

function outcomeOf(run: () => readonly KeyRow[]): Outcome {
  try {
    return { kind: 'rows', rows: run() };
  } catch (error) {
    if (error instanceof QueryParseError) return { kind: 'parse-error', message: error.message };
    // The error and where it was thrown (the first frames), not the test runner's frames.
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { kind: 'crash', message: text.split('\n').slice(0, 4).join('\n') };
  }
}

function sqlOutcome(
  db: Catalog,
  query: string,
  sort: SearchSort,
  options: ParseOptions = {},
): Outcome {
  return outcomeOf(() => {
    const plan = planQueryText(db, query, options);
    const k = keySql(plan, sort);
    return db.prepare<(string | number)[], KeyRow>(k.sql).all(...k.params, ...plan.params);
  });
}

/** The fields of a SQL row that differ in the snapshot's row (conf within the tolerance). */
function differingFields(sql: KeyRow, snap: KeyRow): string[] {
  const fields: string[] = [];
  for (const key of Object.keys(sql) as (keyof KeyRow)[]) {
    const a = sql[key];
    const b = snap[key];
    if (key === 'conf' && typeof a === 'number' && typeof b === 'number') {
      if (Math.abs(a - b) > confTolerance) fields.push(key);
    } else if (a !== b) fields.push(key);
  }
  return fields;
}

interface Mismatch {
  readonly query: string;
  readonly sort: SearchSort;
  readonly summary: string;
  /** Differing photos: [id, SQL row or undefined, snapshot row or undefined]. */
  readonly ids: readonly [number, KeyRow | undefined, KeyRow | undefined][];
}

function compare(query: string, sort: SearchSort, sql: Outcome, snap: Outcome): Mismatch | null {
  const mismatch = (summary: string, ids: Mismatch['ids'] = []): Mismatch => ({
    query,
    sort,
    summary,
    ids,
  });
  if (sql.kind === 'crash') return mismatch(`the SQL path crashed: ${sql.message}`);
  if (snap.kind === 'crash') return mismatch(`the snapshot crashed: ${snap.message}`);
  if (sql.kind === 'parse-error' || snap.kind === 'parse-error') {
    if (sql.kind === snap.kind) return null;
    return mismatch(
      sql.kind === 'parse-error'
        ? `SQL path: QueryParseError (${sql.message}); snapshot: ${snap.kind === 'rows' ? snap.rows.length : 0} rows`
        : `SQL path: ${sql.rows.length} rows; snapshot: QueryParseError (${snap.kind === 'parse-error' ? snap.message : ''})`,
    );
  }
  const bySql = new Map(sql.rows.map((r) => [r.id, r]));
  const bySnap = new Map<number, KeyRow>();
  const duplicates: number[] = [];
  for (const r of snap.rows) {
    if (bySnap.has(r.id)) duplicates.push(r.id);
    bySnap.set(r.id, r);
  }
  const onlySql = sql.rows.filter((r) => !bySnap.has(r.id));
  const onlySnap = snap.rows.filter((r) => !bySql.has(r.id));
  const changed = sql.rows.flatMap((r) => {
    const s = bySnap.get(r.id);
    const fields = s ? differingFields(r, s) : [];
    return s && fields.length > 0 ? [{ sql: r, snap: s, fields }] : [];
  });
  if (duplicates.length + onlySql.length + onlySnap.length + changed.length === 0) return null;
  const parts = [`SQL ${sql.rows.length} rows, snapshot ${snap.rows.length}`];
  if (onlySql.length > 0) parts.push(`${onlySql.length} only in SQL`);
  if (onlySnap.length > 0) parts.push(`${onlySnap.length} only in the snapshot`);
  if (changed.length > 0) {
    const fields = [...new Set(changed.flatMap((c) => c.fields))].join(', ');
    parts.push(`${changed.length} with other ${fields}`);
  }
  if (duplicates.length > 0)
    parts.push(`snapshot repeats ids ${duplicates.slice(0, 5).join(', ')}`);
  return mismatch(parts.join('; '), [
    ...onlySql.slice(0, 3).map((r): [number, KeyRow, undefined] => [r.id, r, undefined]),
    ...onlySnap.slice(0, 3).map((r): [number, undefined, KeyRow] => [r.id, undefined, r]),
    ...changed.slice(0, 3).map((c): [number, KeyRow, KeyRow] => [c.sql.id, c.sql, c.snap]),
  ]);
}

/** The photo as stored, to see at a glance why a condition holds for it or not. */
function describePhoto(db: Catalog, id: number): string {
  const p = db
    .prepare<
      [number],
      {
        status: string;
        path: string;
        folder_status: string;
        rel_path: string;
        content_id: number | null;
        taken_at: number | null;
        camera: string | null;
        lat: number | null;
        lon: number | null;
      }
    >(
      `SELECT p.status, f.path, f.status AS folder_status, p.rel_path, p.content_id,
              c.taken_at, c.camera, c.lat, c.lon
       FROM photos p JOIN folders f ON f.id = p.folder_id LEFT JOIN contents c ON c.id = p.content_id
       WHERE p.id = ?`,
    )
    .get(id);
  if (!p) return `photo ${id}: not in the catalog`;
  const taken = p.taken_at === null ? 'null' : new Date(p.taken_at).toISOString();
  const head =
    `photo ${id} ${p.status} ${p.path}/${p.rel_path} (folder ${p.folder_status})` +
    ` content ${p.content_id ?? 'null'} taken ${taken} camera ${JSON.stringify(p.camera)}` +
    ` lat ${p.lat ?? 'null'} lon ${p.lon ?? 'null'}`;
  if (p.content_id === null) return head;
  const tags = db
    .prepare<
      [number],
      {
        name: string;
        type: string;
        engine: string;
        confidence: number;
        state: string;
        boxes: number;
      }
    >(
      `SELECT t.name, t.type, pt.engine, pt.confidence, pt.state,
              (SELECT count(*) FROM tag_boxes b WHERE b.content_id = pt.content_id
                 AND b.tag_id = pt.tag_id AND b.engine = pt.engine) AS boxes
       FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.content_id = ?
       ORDER BY t.name, pt.engine`,
    )
    .all(p.content_id)
    .map(
      (t) =>
        `${t.name}/${t.type} ${t.engine} ${t.confidence} ${t.state}${t.boxes > 0 ? ` ${t.boxes} boxes` : ''}`,
    );
  return `${head}\n        tags: ${tags.length > 0 ? tags.join('; ') : 'none'}`;
}

function report(db: Catalog, mismatches: readonly Mismatch[], checked: number): string {
  // One entry per query: the sorts that differ, and the first one's rows.
  const byQuery = new Map<string, Mismatch[]>();
  for (const m of mismatches) byQuery.set(m.query, [...(byQuery.get(m.query) ?? []), m]);
  const lines = [
    `${mismatches.length} of ${checked} (query, sort) pairs, ${byQuery.size} queries, differ between the snapshot and SQL:`,
  ];
  const shown = [...byQuery.values()];
  for (const group of shown.slice(0, 8)) {
    const [m] = group;
    if (!m) continue;
    lines.push(
      `  query ${JSON.stringify(m.query)} sort ${group.map((g) => g.sort).join(', ')}: ${m.summary}`,
    );
    for (const [id, sql, snap] of m.ids) {
      lines.push(`    id ${id}: SQL ${JSON.stringify(sql)} snapshot ${JSON.stringify(snap)}`);
      lines.push(`      ${describePhoto(db, id)}`);
    }
  }
  if (shown.length > 8) {
    lines.push(`  … and ${shown.length - 8} more queries:`);
    for (const group of shown.slice(8, 60)) {
      const [m] = group;
      if (m)
        lines.push(
          `    ${JSON.stringify(m.query)} (${group.map((g) => g.sort).join(', ')}): ${m.summary}`,
        );
    }
  }
  return lines.join('\n');
}

describe(snapshotKeyRows.name, () => {
  let fx: SearchFixture;
  let snapshot: ReturnType<typeof loadSearchSnapshot>;
  const queries = generateSnapshotQueries(querySeed, queryCount);

  beforeAll(() => {
    fx = buildSnapshotCatalog();
    snapshot = loadSearchSnapshot(fx.db);
  });
  afterAll(() => {
    fx.close();
  });

  function checkAll(list: readonly string[], options: ParseOptions = {}): void {
    const mismatches: Mismatch[] = [];
    let checked = 0;
    for (const query of list) {
      for (const sort of searchSorts) {
        const sql = sqlOutcome(fx.db, query, sort, options);
        const snap = outcomeOf(() =>
          snapshotKeyRows(snapshot, fx.db, parseQuery(query, options), sort),
        );
        checked++;
        const m = compare(query, sort, sql, snap);
        if (m) mismatches.push(m);
      }
    }
    expect(mismatches.length, report(fx.db, mismatches, checked)).toBe(0);
  }

  it('generates valid and varied queries (checked on the SQL path alone)', () => {
    // A differential test is only as good as its queries: most must parse, results must
    // range from none to all, and the SQL path must never fail other than by QueryParseError.
    const all = sqlOutcome(fx.db, '', 'taken-desc');
    if (all.kind !== 'rows') throw new Error('the empty query must list every photo');
    let parseErrors = 0;
    let empty = 0;
    let every = 0;
    let some = 0;
    const crashes: string[] = [];
    for (const query of queries) {
      const o = sqlOutcome(fx.db, query, 'confidence-desc');
      if (o.kind === 'crash') crashes.push(`${JSON.stringify(query)}: ${o.message}`);
      else if (o.kind === 'parse-error') parseErrors++;
      else if (o.rows.length === 0) empty++;
      else if (o.rows.length === all.rows.length) every++;
      else some++;
    }
    expect(crashes).toEqual([]);
    expect(queries.length).toBe(queryCount);
    expect(parseErrors).toBeGreaterThan(queryCount * 0.03);
    expect(parseErrors).toBeLessThan(queryCount * 0.2);
    expect(every).toBeGreaterThan(10);
    expect(empty).toBeLessThan(queryCount * 0.35);
    expect(some).toBeGreaterThan(queryCount * 0.5);
  });

  it('finds with engine:text the photos text was read in, in SQL and in memory (the text engine writes no tags)', () => {
    const ids = (outcome: Outcome) =>
      outcome.kind === 'rows' ? outcome.rows.map((r) => r.id).sort((a, b) => a - b) : outcome;
    const bothPaths = (query: string) => {
      const sql = ids(sqlOutcome(fx.db, query, 'taken-desc'));
      const snap = ids(
        outcomeOf(() => snapshotKeyRows(snapshot, fx.db, parseQuery(query), 'taken-desc')),
      );
      expect(snap, query).toEqual(sql);
      return sql;
    };
    const withText = bothPaths('has:text');
    expect(Array.isArray(withText) && withText.length).toBeGreaterThan(0);
    expect(bothPaths('engine:text')).toEqual(withText);
    expect(bothPaths('引擎:文字')).toEqual(withText);
    // Not a qualifier: a word with it still matches text as well as tags.
    const coffee = bothPaths('coffee has:text');
    expect(Array.isArray(coffee) && coffee.length).toBeGreaterThan(0);
    expect(bothPaths('coffee engine:text')).toEqual(coffee);
  });

  it('finds the same photos as SQL for every hand-written corner query and every sort', () => {
    checkAll(cornerQueries);
  });

  it(`finds the same photos as SQL for ${queryCount - cornerQueries.length} random queries and every sort`, () => {
    checkAll(queries.filter((q) => !cornerQueries.includes(q)));
  });

  it('finds the same photos as SQL when the last word is a tag-name prefix (search as you type)', () => {
    checkAll(queries, { lastWordPrefix: true });
  });

  it('finds the same photos as SQL for camera and folder values with a NUL or a lone surrogate', () => {
    // Typed text can hold these (an HTTP or CLI query), and camera: and folder: values become
    // LIKE patterns: SQLite reads a pattern only up to its first NUL (`camera:"5<NUL>x"` would
    // be `%5`, cameras ending in 5) and better-sqlite3 binds a lone surrogate as U+FFFD (which a
    // camera name can contain). The parser makes the text well formed first (`wellFormed` in
    // query-parser.ts); this pins that both paths then agree.
    checkAll([
      'camera:"5\u0000x"',
      '-camera:"5\u0000x"',
      'camera:"\u0000"',
      'folder:"jpg\u0000x"',
      '-folder:"jpg\u0000x"',
      'camera:"\uD800"',
      'camera:"kodak\uDC00"',
      'folder:"\uD800"',
      '-folder:"\uD800"',
    ]);
  });
});

describe(loadSearchSnapshot.name, () => {
  let fx: SearchFixture;

  beforeAll(() => {
    fx = buildSnapshotCatalog();
  });
  afterAll(() => {
    fx.close();
  });

  it('is a copy at one point in time: later writes change the SQL answer, not its own', () => {
    const db = fx.db;
    const generation = () =>
      db.prepare<[], { n: number }>(`SELECT n FROM search_generation WHERE id = 1`).get()?.n;
    const ids = (rows: readonly KeyRow[]) => rows.map((r) => r.id).sort((a, b) => a - b);
    const sqlIds = (query: string) => {
      const o = sqlOutcome(db, query, 'taken-desc');
      if (o.kind !== 'rows') throw new Error(`${query}: ${o.kind}`);
      return ids(o.rows);
    };

    const snapshot = loadSearchSnapshot(db);
    const before = generation();
    const dogBefore = sqlIds('dog');
    const offlineBefore = sqlIds('status:offline');
    expect(ids(snapshotKeyRows(snapshot, db, 'dog', 'taken-desc'))).toEqual(dogBefore);

    // The user removes "dog" from one photo's content (every engine's row is rejected), and a
    // folder goes offline.
    const photo = db
      .prepare<[string], { content_id: number }>(
        `SELECT p.content_id FROM photos p WHERE p.id IN (SELECT value FROM json_each(?)) AND p.content_id IS NOT NULL`,
      )
      .get(JSON.stringify(dogBefore));
    if (!photo) throw new Error('the catalog has no photo of a dog');
    db.prepare(
      `UPDATE photo_tags SET state = 'rejected'
       WHERE content_id = ? AND tag_id IN (SELECT id FROM tags WHERE name IN ('dog', 'hot dog', 'doggy'))`,
    ).run(photo.content_id);
    db.prepare(`UPDATE folders SET status = 'offline' WHERE path = '/photos/Trips'`).run();

    // The catalog says what changed (the index compares this number before reusing a snapshot).
    expect(generation()).toBeGreaterThan(before ?? Infinity);
    const dogAfter = sqlIds('dog');
    const offlineAfter = sqlIds('status:offline');
    expect(dogAfter.length).toBeLessThan(dogBefore.length);
    expect(offlineAfter.length).toBeGreaterThan(offlineBefore.length);

    // The old snapshot still answers as of when it was read …
    expect(ids(snapshotKeyRows(snapshot, db, 'dog', 'taken-desc'))).toEqual(dogBefore);
    expect(ids(snapshotKeyRows(snapshot, db, 'status:offline', 'taken-desc'))).toEqual(
      offlineBefore,
    );
    // … and a new one sees the writes.
    const fresh = loadSearchSnapshot(db);
    expect(ids(snapshotKeyRows(fresh, db, 'dog', 'taken-desc'))).toEqual(dogAfter);
    expect(ids(snapshotKeyRows(fresh, db, 'status:offline', 'taken-desc'))).toEqual(offlineAfter);
  });
});
