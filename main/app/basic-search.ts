// A plain word search over the catalog, used by the app facade while the full query
// language (main/search) is not wired in: words match tag names in zh or en, `-word`
// excludes, `folder:` / `engine:` / `year:`/`date:YYYY` filter. Same result shape as the
// real search (results, total, facets), offset cursor. Plain SQL with bound parameters.
import type { Catalog } from '../catalog/catalog-connection.ts';
import type {
  SearchFacets,
  SearchResult,
  SearchSort,
  TagCount,
} from '../../preload/api-contract.ts';
import { photoSummaryColumns, toPhotoSummary } from './catalog-views.ts';

export interface BasicSearchInput {
  readonly query: string;
  readonly sort: SearchSort;
  readonly cursor: string | null;
  readonly limit: number;
  readonly withFacets: boolean;
}

interface Clause {
  sql: string;
  params: (string | number)[];
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const re = /(-?)"([^"]*)"|(\S+)/g;
  for (const m of query.matchAll(re)) {
    if (m[2] !== undefined) tokens.push(`${m[1] ?? ''}${m[2]}`);
    else if (m[3] !== undefined) tokens.push(m[3]);
  }
  return tokens;
}

const tagMatch = `EXISTS (SELECT 1 FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
  WHERE pt.content_id = p.content_id AND pt.state != 'rejected'
  AND (t.name LIKE ? ESCAPE '\\' OR t.zh LIKE ? ESCAPE '\\' OR t.en LIKE ? ESCAPE '\\'))`;

function like(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function buildWhere(query: string): Clause {
  const parts: string[] = [`p.status = 'ok'`];
  const params: (string | number)[] = [];
  for (const token of tokenize(query)) {
    const negate = token.startsWith('-') && token.length > 1;
    const word = negate ? token.slice(1) : token;
    const colon = word.indexOf(':');
    const key = colon > 0 ? word.slice(0, colon).toLowerCase() : '';
    const value = colon > 0 ? word.slice(colon + 1) : word;
    let sql: string;
    if (key === 'folder') {
      sql = `p.folder_id IN (SELECT id FROM folders WHERE path LIKE ? ESCAPE '\\')`;
      params.push(like(value));
    } else if (key === 'engine') {
      sql = `EXISTS (SELECT 1 FROM photo_tags pt WHERE pt.content_id = p.content_id AND pt.engine = ? AND pt.state != 'rejected')`;
      params.push(value);
    } else if ((key === 'date' || key === 'year') && /^\d{4}$/.test(value)) {
      sql = `strftime('%Y', c.taken_at / 1000, 'unixepoch') = ?`;
      params.push(value);
    } else {
      sql = tagMatch;
      params.push(like(word), like(word), like(word));
    }
    parts.push(negate ? `NOT ${sql}` : sql);
  }
  return { sql: parts.join(' AND '), params };
}

const orderBy: Record<SearchSort, string> = {
  'taken-desc': 'c.taken_at IS NULL, c.taken_at DESC, p.id DESC',
  'taken-asc': 'c.taken_at IS NULL, c.taken_at ASC, p.id ASC',
  'added-desc': 'p.id DESC',
  'path-asc': 'p.folder_id, p.rel_path',
};

export function basicSearch(db: Catalog, input: BasicSearchInput): SearchResult {
  const where = buildWhere(input.query);
  const from = `FROM photos p LEFT JOIN contents c ON c.id = p.content_id WHERE ${where.sql}`;
  const offset = input.cursor ? Math.max(0, Number.parseInt(input.cursor, 10) || 0) : 0;
  const rows = db
    .prepare<(string | number)[], Parameters<typeof toPhotoSummary>[0]>(
      `SELECT ${photoSummaryColumns} ${from} ORDER BY ${orderBy[input.sort]} LIMIT ? OFFSET ?`,
    )
    .all(...where.params, input.limit, offset);
  const total =
    db
      .prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n ${from}`)
      .get(...where.params)?.n ?? 0;
  const next = offset + rows.length;
  return {
    total,
    photos: rows.map(toPhotoSummary),
    nextCursor: next < total ? String(next) : null,
    facets: input.withFacets ? facetsFor(db, from, where.params) : null,
  };
}

function facetsFor(db: Catalog, from: string, params: (string | number)[]): SearchFacets {
  const matched = `SELECT DISTINCT p.content_id AS content_id ${from}`;
  const tags = db
    .prepare<(string | number)[], TagCount>(
      `SELECT t.name, t.type, t.zh, t.en, count(DISTINCT pt.content_id) AS count
       FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
       WHERE pt.state != 'rejected' AND pt.content_id IN (${matched})
       GROUP BY t.id ORDER BY count DESC, t.name LIMIT 40`,
    )
    .all(...params);
  const years = db
    .prepare<(string | number)[], { year: number; count: number }>(
      `SELECT CAST(strftime('%Y', c.taken_at / 1000, 'unixepoch') AS INTEGER) AS year, count(*) AS count
       ${from} AND c.taken_at IS NOT NULL GROUP BY year ORDER BY year DESC`,
    )
    .all(...params);
  const folders = db
    .prepare<(string | number)[], { id: number; path: string; count: number }>(
      `SELECT f.id, f.path, x.count FROM folders f JOIN
         (SELECT p.folder_id, count(*) AS count ${from} GROUP BY p.folder_id) x ON x.folder_id = f.id
       ORDER BY x.count DESC`,
    )
    .all(...params);
  const engines = db
    .prepare<(string | number)[], { engine: string; count: number }>(
      `SELECT pt.engine, count(DISTINCT pt.content_id) AS count FROM photo_tags pt
       WHERE pt.state != 'rejected' AND pt.content_id IN (${matched})
       GROUP BY pt.engine ORDER BY count DESC`,
    )
    .all(...params);
  return { tags, years, folders, engines };
}

export function basicCount(db: Catalog, query: string): number {
  const where = buildWhere(query);
  return (
    db
      .prepare<(string | number)[], { n: number }>(
        `SELECT count(*) AS n FROM photos p LEFT JOIN contents c ON c.id = p.content_id WHERE ${where.sql}`,
      )
      .get(...where.params)?.n ?? 0
  );
}

export function basicAutocomplete(db: Catalog, prefix: string, limit: number): TagCount[] {
  const p = prefix.trim();
  if (p === '') return [];
  const pattern = `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .prepare<[string, string, string, number], TagCount>(
      `SELECT t.name, t.type, t.zh, t.en, count(DISTINCT pt.content_id) AS count
       FROM tags t JOIN photo_tags pt ON pt.tag_id = t.id AND pt.state != 'rejected'
       WHERE t.name LIKE ? ESCAPE '\\' OR t.zh LIKE ? ESCAPE '\\' OR t.en LIKE ? ESCAPE '\\'
       GROUP BY t.id ORDER BY count DESC, t.name LIMIT ?`,
    )
    .all(pattern, pattern, pattern, limit);
}
