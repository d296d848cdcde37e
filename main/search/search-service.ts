// Runs a search: parse, match (from the current search snapshot, or SQL), read the matching
// photos' keys once, select the page after a keyset cursor, and compute facets over the whole
// result. The public entry points the CLI, the UI and smart albums call: `searchPhotos`,
// `countPhotos`, `autocompleteTags`.
//
// [Note: One read of the result]
// The total and the facets need the whole result anyway, so the service reads each
// matching photo's sort key once (id, content, folder, date) and selects the page in memory
// (a bounded heap: linear in the result). The cursor is the last row's key (keyset), not an
// offset: a photo added or removed before the cursor shifts nothing. Facet counts come from
// the snapshot (exact) or from SQL over the result's content ids (sampled above a limit).
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  countPlannedPhotos,
  facetSql,
  countEntriesWithText,
  iterateFacetRows,
  listFacetTagNames,
  listFolderPathsByIds,
  listPlannedRows,
  listSearchItemRows,
  listTagTypePairs,
} from '../catalog/search-queries.ts';
import { tagTypes, type TagType } from '../engines/tag-model.ts';
import { parseQuery, type ParseOptions, type PhotoStatus, type QueryNode } from './query-parser.ts';
import { planSearch, textEngine, type SearchPlan } from './search-planner.ts';
import { currentSearchSnapshot } from './search-index.ts';
import {
  keyRowsOf,
  matchSnapshotPhotos,
  type SearchKeyRow,
  type SearchSnapshot,
} from './search-snapshot.ts';
import type { SearchSort } from './search-sort.ts';

export { autocompleteTags, type TagSuggestion } from '../catalog/tag-terms.ts';
export { parseQuery, QueryParseError } from './query-parser.ts';

export { searchSorts, type SearchSort } from './search-sort.ts';

export interface SearchOptions {
  /** Default `taken-desc`: newest first, photos without a date last. */
  readonly sort?: SearchSort;
  /** Page size, default 100. */
  readonly limit?: number;
  /** `nextCursor` of the previous page; null or absent for the first page. */
  readonly cursor?: string | null;
  /** Facets cost a few queries; ask for them with the first page only. Default true. */
  readonly facets?: boolean;
  /** Search as you type: the last word matches tag-name prefixes (see ParseOptions). */
  readonly lastWordPrefix?: boolean;
  /** How many tags the tag facet lists (default 30). */
  readonly facetTagLimit?: number;
  /** Above this many photos, tag/engine/type facets are counted on an even sample (default 20 000). */
  readonly facetSampleLimit?: number;
}

export interface SearchItem {
  /** The photo (a place): what the grid shows and what tag edits take. */
  readonly id: number;
  readonly contentId: number | null;
  readonly folderId: number;
  readonly folderPath: string;
  readonly folderStatus: 'online' | 'offline';
  readonly relPath: string;
  readonly status: PhotoStatus;
  readonly hash: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly takenAt: number | null;
  readonly camera: string | null;
  /** Best live confidence among the query's tags (all tags when the query names none). */
  readonly bestConfidence: number | null;
}

export interface FacetTag {
  readonly tagId: number;
  readonly name: string;
  readonly type: TagType;
  readonly zh: string;
  readonly en: string;
  readonly count: number;
}

export interface SearchFacets {
  readonly tags: FacetTag[];
  readonly years: { year: number; count: number }[];
  /** Top-level library folders. */
  readonly folders: { id: number; path: string; count: number }[];
  readonly engines: { engine: string; count: number }[];
  readonly types: { type: TagType; count: number }[];
  /**
   * Null when every count is exact. Otherwise the number of result photos (an even spread)
   * the tag, engine and type counts were computed from, scaled to the whole result; years and
   * folders are always exact. See [Note: Facets on huge results].
   */
  readonly sampledFrom: number | null;
}

export interface SearchResult {
  readonly items: SearchItem[];
  readonly total: number;
  readonly nextCursor: string | null;
  /** Null when facets were not asked for. Counts are photos of the result. */
  readonly facets: SearchFacets | null;
}

/** A cursor from another query or sort, or one that is not ours. */
export class SearchCursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchCursorError';
  }
}

type KeyRow = SearchKeyRow;

type Key = (number | string | null)[];

/** A row's key for a cursor: date or confidence or path, then the photo id. */
function keyOf(row: KeyRow, sort: SearchSort): Key {
  return Array.from({ length: keyLength(sort) }, (_, i) => keyPart(row, sort, i));
}

function keyLength(sort: SearchSort): number {
  return sort === 'added-desc' ? 1 : sort === 'path-asc' ? 3 : 2;
}

/** Part `i` of a row's key, without building the key. */
function keyPart(row: KeyRow, sort: SearchSort, i: number): number | string | null {
  switch (sort) {
    case 'taken-desc':
    case 'taken-asc':
      return i === 0 ? row.taken_at : row.id;
    case 'added-desc':
      return row.id;
    case 'path-asc':
      return i === 0 ? row.folder_id : i === 1 ? (row.rel_path ?? '') : row.id;
    case 'confidence-desc':
      return i === 0 ? (row.conf ?? null) : row.id;
  }
}

function compareParts(x: number | string | null, y: number | string | null, desc: boolean): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
  return desc ? -c : c;
}

const isDescending = (sort: SearchSort) =>
  sort === 'taken-desc' || sort === 'confidence-desc' || sort === 'added-desc';

/**
 * Rows in key order without building keys (it runs for every result row): nulls last in every
 * order; the photo id (last key part) breaks ties in the same direction.
 */
function compareRows(a: KeyRow, b: KeyRow, sort: SearchSort): number {
  const desc = isDescending(sort);
  for (let i = 0; i < keyLength(sort); i++) {
    const c = compareParts(keyPart(a, sort, i), keyPart(b, sort, i), desc);
    if (c !== 0) return c;
  }
  return 0;
}

function compareRowToKey(row: KeyRow, key: Key, sort: SearchSort): number {
  const desc = isDescending(sort);
  for (let i = 0; i < keyLength(sort); i++) {
    const c = compareParts(keyPart(row, sort, i), key[i] ?? null, desc);
    if (c !== 0) return c;
  }
  return 0;
}

/** The first `limit` rows in `compare` order: a bounded max-heap, then a sort of the page. */
function selectFirst<T>(rows: readonly T[], limit: number, compare: (a: T, b: T) => number): T[] {
  if (rows.length <= limit * 4) return [...rows].sort(compare).slice(0, limit);
  const heap: T[] = [];
  const swap = (i: number, j: number) => {
    const t = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = t;
  };
  const worse = (i: number, j: number) => compare(heap[i] as T, heap[j] as T) > 0;
  for (const row of rows) {
    if (heap.length < limit) {
      heap.push(row);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (compare(row, heap[0] as T) < 0) {
      heap[0] = row;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let top = i;
        if (l < heap.length && worse(l, top)) top = l;
        if (r < heap.length && worse(r, top)) top = r;
        if (top === i) break;
        swap(i, top);
        i = top;
      }
    }
  }
  return heap.sort(compare);
}

/** A short fingerprint of the query text, so a cursor is not reused on another query. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

function encodeCursor(sort: SearchSort, query: string, key: Key): string {
  return Buffer.from(JSON.stringify([sort, fingerprint(query), key])).toString('base64url');
}

function decodeCursor(cursor: string, sort: SearchSort, query: string): Key {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new SearchCursorError('The page cursor is not valid; start again from the first page.');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== sort ||
    parsed[1] !== fingerprint(query) ||
    !Array.isArray(parsed[2]) ||
    !(parsed[2] as unknown[]).every(
      (v) => v === null || typeof v === 'number' || typeof v === 'string',
    )
  ) {
    throw new SearchCursorError(
      'The page cursor belongs to another query or sort; start again from the first page.',
    );
  }
  return parsed[2] as Key;
}

function bestConfidenceSql(queryTagIds: readonly number[]): {
  sql: string;
  params: (string | number)[];
} {
  if (queryTagIds.length === 0) {
    return {
      sql: `(SELECT max(pt.confidence) FROM photo_tags pt WHERE pt.content_id = p.content_id AND pt.state != 'rejected')`,
      params: [],
    };
  }
  return {
    sql:
      `(SELECT max(pt.confidence) FROM photo_tags pt WHERE pt.content_id = p.content_id` +
      ` AND pt.tag_id IN (SELECT value FROM json_each(?)) AND pt.state != 'rejected')`,
    params: [JSON.stringify(queryTagIds)],
  };
}

/** Parse and plan a query; throws `QueryParseError` for text that does not parse. */
export function planQueryText(db: Catalog, query: string, options: ParseOptions = {}): SearchPlan {
  return planSearch(db, parseQuery(query, options));
}

/** The counting query of a plan (exported for EXPLAIN QUERY PLAN tests). */
export function countSql(plan: SearchPlan): string {
  return `SELECT count(*) AS n FROM ${plan.from} WHERE ${plan.where}`;
}

/** The query that reads every matching photo's sort key; params: `params` then the plan's. */
export function keySql(
  plan: SearchPlan,
  sort: SearchSort,
): { sql: string; params: (string | number)[] } {
  const extraCols: string[] = [];
  const params: (string | number)[] = [];
  if (sort === 'path-asc') extraCols.push('p.rel_path');
  if (sort === 'confidence-desc') {
    const best = bestConfidenceSql(plan.queryTagIds);
    extraCols.push(`${best.sql} AS conf`);
    params.push(...best.params);
  }
  const cols = extraCols.map((c) => `, ${c}`).join('');
  return {
    sql: `SELECT p.id, p.content_id, p.folder_id, c.taken_at${cols} FROM ${plan.from} WHERE ${plan.where}`,
    params,
  };
}

/**
 * The number of photos a query finds (smart-album counts): from the current search snapshot
 * when the connection has one (search-index.ts), else one counting query, no rows.
 */
export function countPhotos(
  db: Catalog,
  query: string | QueryNode,
  snapshot: SearchSnapshot | null = currentSearchSnapshot(db) ?? null,
): number {
  const parsed = typeof query === 'string' ? parseQuery(query) : query;
  if (snapshot) return matchSnapshotPhotos(snapshot, db, parsed).photos.length;
  const plan = planSearch(db, parsed);
  return countPlannedPhotos(db, plan);
}

/**
 * Search photos with the query language. Throws `QueryParseError` or `SearchCursorError`.
 * With a current snapshot (by default the connection's, when it has a search index: see
 * search-index.ts) the matching and the facets run in memory and the facets are exact; the
 * page's items are read from SQL either way. `null` searches in SQL. See [Note: Search snapshots].
 */
export function searchPhotos(
  db: Catalog,
  query: string,
  options: SearchOptions = {},
  snapshot: SearchSnapshot | null = currentSearchSnapshot(db) ?? null,
): SearchResult {
  const sort = options.sort ?? 'taken-desc';
  const limit = Math.max(1, Math.min(10_000, Math.floor(options.limit ?? 100)));
  const parsed = parseQuery(query, { lastWordPrefix: options.lastWordPrefix === true });
  const after = options.cursor ? decodeCursor(options.cursor, sort, query) : null;

  let rows: KeyRow[];
  let queryTagIds: readonly number[];
  let snapshotPhotos: number[] | null = null;
  if (snapshot) {
    const matched = matchSnapshotPhotos(snapshot, db, parsed);
    snapshotPhotos = matched.photos;
    queryTagIds = matched.queryTagIds;
    rows = keyRowsOf(snapshot, matched.photos, queryTagIds, sort);
  } else {
    const plan = planSearch(db, parsed);
    queryTagIds = plan.queryTagIds;
    const keys = keySql(plan, sort);
    rows = listPlannedRows<KeyRow>(db, keys.sql, [...keys.params, ...plan.params]);
  }

  // Only the page is sorted: the rows after the cursor are counted and the first `limit` of
  // them selected (a bounded heap), which is linear in the result instead of n log n.
  const compare = (a: KeyRow, b: KeyRow) => compareRows(a, b, sort);
  const following = after ? rows.filter((r) => compareRowToKey(r, after, sort) > 0) : rows;
  const page = selectFirst(following, limit, compare);
  const last = page.at(-1);
  const nextCursor =
    last && following.length > limit ? encodeCursor(sort, query, keyOf(last, sort)) : null;

  const tagLimit = options.facetTagLimit ?? 30;
  let facets: SearchFacets | null = null;
  if (options.facets !== false) {
    facets =
      snapshot && snapshotPhotos
        ? computeSnapshotFacets(db, snapshot, rows, snapshotPhotos, tagLimit)
        : computeFacets(db, rows, tagLimit, options.facetSampleLimit ?? 20_000);
  }
  return {
    items: loadItems(db, queryTagIds, page),
    total: rows.length,
    nextCursor,
    facets,
  };
}

interface ItemRow {
  id: number;
  content_id: number | null;
  folder_id: number;
  folder_path: string;
  folder_status: 'online' | 'offline';
  rel_path: string;
  status: PhotoStatus;
  hash: string | null;
  width: number | null;
  height: number | null;
  taken_at: number | null;
  camera: string | null;
  best: number | null;
}

function loadItems(
  db: Catalog,
  queryTagIds: readonly number[],
  page: readonly KeyRow[],
): SearchItem[] {
  if (page.length === 0) return [];
  const best = bestConfidenceSql(queryTagIds);
  const rows = listSearchItemRows<ItemRow>(
    db,
    best,
    page.map((r) => r.id),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return page.flatMap((k) => {
    const r = byId.get(k.id);
    if (!r) return [];
    return [
      {
        id: r.id,
        contentId: r.content_id,
        folderId: r.folder_id,
        folderPath: r.folder_path,
        folderStatus: r.folder_status,
        relPath: r.rel_path,
        status: r.status,
        hash: r.hash,
        width: r.width,
        height: r.height,
        takenAt: r.taken_at,
        camera: r.camera,
        bestConfidence: r.best,
      },
    ];
  });
}

/**
 * Facet rows over the result's content ids (a JSON array, one entry per photo, so j.key is
 * the photo): `CROSS JOIN` keeps json_each as the outer loop, each entry one primary-key
 * range of photo_tags, rows in (content, tag, engine) order. Counted in one pass in JS.
 */
export { facetSql };

// [Note: Facets on huge results]
// Tag, engine and type counts join every result photo to its tag rows: about ten rows per
// photo, so a result of 70 000 photos costs a second or more. Up to `facetSampleLimit`
// photos the counts are exact; above it they are counted on an evenly spread sample of that
// size and scaled, and `sampledFrom` says so (the UI shows them as approximate, "≈"). Years
// and folders come from the keys already read and are always exact.
interface FacetCounts {
  readonly tagCounts: Map<number, number>;
  readonly engineCounts: Map<string, number>;
  readonly typeCounts: Map<TagType, number>;
}

// Start of each UTC year from 1800 to 2200: a binary search is much cheaper than a Date per row.
const firstYear = 1800;
const yearStarts = Array.from({ length: 402 }, (_, i) => Date.UTC(firstYear + i, 0, 1));

function utcYear(ms: number): number {
  if (ms < (yearStarts[0] ?? 0) || ms >= (yearStarts.at(-1) ?? 0)) {
    return new Date(ms).getUTCFullYear();
  }
  let lo = 0;
  let hi = yearStarts.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((yearStarts[mid] ?? 0) <= ms) lo = mid;
    else hi = mid;
  }
  return firstYear + lo;
}

/** Years and folders from the keys already read (always exact). */
function countYearsAndFolders(rows: readonly KeyRow[]): {
  years: Map<number, number>;
  folders: Map<number, number>;
} {
  const years = new Map<number, number>();
  const folders = new Map<number, number>();
  for (const r of rows) {
    if (r.taken_at !== null) {
      const year = utcYear(r.taken_at); // [Note: taken_at is wall-clock time]
      years.set(year, (years.get(year) ?? 0) + 1);
    }
    folders.set(r.folder_id, (folders.get(r.folder_id) ?? 0) + 1);
  }
  return { years, folders };
}

/** Sorted facet lists from the counts (tag names read for the top tags only). */
function assembleFacets(
  db: Catalog,
  rows: readonly KeyRow[],
  counts: FacetCounts,
  tagLimit: number,
  scale: number,
  sampledFrom: number | null,
): SearchFacets {
  const { years, folders } = countYearsAndFolders(rows);
  const scaled = <T extends { count: number }>(list: T[]): T[] =>
    scale === 1 ? list : list.map((x) => ({ ...x, count: Math.round(x.count * scale) }));
  const folderPaths = new Map(
    listFolderPathsByIds(db, [...folders.keys()]).map((f) => [f.id, f.path]),
  );
  const top = [...counts.tagCounts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, tagLimit);
  const names = new Map(
    listFacetTagNames<Omit<FacetTag, 'count'>>(
      db,
      top.map(([id]) => id),
    ).map((t) => [t.tagId, t]),
  );
  const tags: FacetTag[] = top
    .flatMap(([id, count]) => {
      const t = names.get(id);
      return t ? [{ ...t, count }] : [];
    })
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const engines = [...counts.engineCounts]
    .map(([engine, count]) => ({ engine, count }))
    .sort((a, b) => b.count - a.count || a.engine.localeCompare(b.engine));
  const types = [...counts.typeCounts]
    .map(([type, count]) => ({ type, count }))
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  return {
    tags: scaled(tags),
    years: [...years].map(([year, count]) => ({ year, count })).sort((a, b) => b.year - a.year),
    folders: [...folders]
      .map(([id, count]) => ({ id, path: folderPaths.get(id) ?? '', count }))
      .sort((a, b) => b.count - a.count || a.path.localeCompare(b.path)),
    engines: scaled(engines),
    types: scaled(types),
    sampledFrom,
  };
}

/**
 * Exact facets from a snapshot: each result photo's content rows are in (tag, engine) order,
 * so a tag repeated by two engines is adjacent and counted once per photo.
 */
function computeSnapshotFacets(
  db: Catalog,
  s: SearchSnapshot,
  rows: readonly KeyRow[],
  photos: readonly number[],
  tagLimit: number,
): SearchFacets {
  const tagHits = new Int32Array(s.tagType.length);
  const engineHits = new Int32Array(s.engines.length);
  const typeHits = new Int32Array(tagTypes.length + 1);
  const engineSeen = new Uint8Array(s.engines.length);
  const typeSeen = new Uint8Array(tagTypes.length + 1);
  for (const p of photos) {
    const c = s.photoContent[p] ?? -1;
    if (c < 0) continue;
    engineSeen.fill(0);
    typeSeen.fill(0);
    let lastTag = -1;
    const end = s.rowStart[c + 1] ?? 0;
    for (let r = s.rowStart[c] ?? 0; r < end; r++) {
      const tag = s.rowTag[r] ?? 0;
      if (tag !== lastTag) {
        tagHits[tag] = (tagHits[tag] ?? 0) + 1;
        typeSeen[s.tagType[tag] ?? 0] = 1;
        lastTag = tag;
      }
      engineSeen[s.rowEngine[r] ?? 0] = 1;
    }
    for (let e = 0; e < engineSeen.length; e++)
      if (engineSeen[e]) engineHits[e] = (engineHits[e] ?? 0) + 1;
    for (let t = 1; t < typeSeen.length; t++) if (typeSeen[t]) typeHits[t] = (typeHits[t] ?? 0) + 1;
  }
  const tagCounts = new Map<number, number>();
  tagHits.forEach((count, tag) => {
    if (count > 0) tagCounts.set(tag, count);
  });
  const engineCounts = new Map<string, number>();
  s.engines.forEach((engine, e) => {
    if ((engineHits[e] ?? 0) > 0) engineCounts.set(engine, engineHits[e] ?? 0);
  });
  // The text engine writes no tag rows ([Note: engine:text means has:text]).
  let withText = 0;
  for (const p of photos) {
    const c = s.photoContent[p] ?? -1;
    if (c >= 0 && s.contentHasText[c] === 1) withText++;
  }
  if (withText > 0) engineCounts.set(textEngine, withText);
  const typeCounts = new Map<TagType, number>();
  tagTypes.forEach((type, i) => {
    if ((typeHits[i + 1] ?? 0) > 0) typeCounts.set(type, typeHits[i + 1] ?? 0);
  });
  return assembleFacets(db, rows, { tagCounts, engineCounts, typeCounts }, tagLimit, 1, null);
}

function computeFacets(
  db: Catalog,
  rows: readonly KeyRow[],
  tagLimit: number,
  sampleLimit: number,
): SearchFacets {
  let contentIds: number[] = [];
  for (const r of rows) if (r.content_id !== null) contentIds.push(r.content_id);
  let scale = 1;
  let sampledFrom: number | null = null;
  if (rows.length > sampleLimit && contentIds.length > 0) {
    const step = rows.length / sampleLimit;
    const sample: number[] = [];
    for (let i = 0; i < sampleLimit; i++) {
      const r = rows[Math.floor(i * step)];
      if (r && r.content_id !== null) sample.push(r.content_id);
    }
    scale = rows.length / sampleLimit;
    contentIds = sample;
    sampledFrom = sampleLimit;
  }

  // One entry per photo (a content shown twice counts twice): counts are photos of the result.
  const tagCounts = new Map<number, number>();
  const engineNames: string[] = [];
  const engineHits: number[] = [];
  const typeCounts = new Map<TagType, number>();
  if (contentIds.length > 0) {
    const typeOf = new Map(listTagTypePairs<TagType>(db));
    let photo = -1;
    let lastTag = -1;
    let engines = 0;
    let types = new Set<TagType>();
    const flush = () => {
      for (let e = 0; e < engineNames.length; e++) {
        if (engines & (1 << e)) engineHits[e] = (engineHits[e] ?? 0) + 1;
      }
      for (const t of types) typeCounts.set(t, (typeCounts.get(t) ?? 0) + 1);
    };
    for (const [key, tagId, engine] of iterateFacetRows(db, contentIds)) {
      if (key !== photo) {
        if (photo !== -1) flush();
        photo = key;
        lastTag = -1;
        engines = 0;
        types = new Set();
      }
      // Rows of one content come in (tag, engine) order: a repeated tag is adjacent.
      if (tagId !== lastTag) {
        tagCounts.set(tagId, (tagCounts.get(tagId) ?? 0) + 1);
        const type = typeOf.get(tagId);
        if (type) types.add(type);
        lastTag = tagId;
      }
      let e = engineNames.indexOf(engine);
      if (e < 0) e = engineNames.push(engine) - 1;
      engines |= 1 << e;
    }
    if (photo !== -1) flush();
  }
  const engineCounts = new Map<string, number>();
  engineNames.forEach((engine, e) => engineCounts.set(engine, engineHits[e] ?? 0));
  // The text engine writes no tag rows ([Note: engine:text means has:text]).
  const withText = contentIds.length > 0 ? countEntriesWithText(db, contentIds) : 0;
  if (withText > 0) engineCounts.set(textEngine, withText);
  return assembleFacets(
    db,
    rows,
    { tagCounts, engineCounts, typeCounts },
    tagLimit,
    scale,
    sampledFrom,
  );
}
