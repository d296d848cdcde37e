// Smart albums: a named saved query (DESIGN.md §5, §6). An album stores only its query text,
// so it is always current: its photos and count are a search run when asked. A query that
// does not parse is refused when the album is saved, with the parser's message and position.
import type { Catalog } from './catalog-connection.ts';
import {
  countPhotos,
  parseQuery,
  QueryParseError,
  searchPhotos,
  type SearchOptions,
  type SearchResult,
} from '../search/search-service.ts';

export interface Album {
  readonly id: number;
  readonly name: string;
  readonly query: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AlbumWithCount extends Album {
  /** Photos the query finds now; null when the saved query no longer parses. */
  readonly count: number | null;
  /** Why the count is null (a query saved by an older Tujian the parser now refuses). */
  readonly error: string | null;
}

export class AlbumError extends Error {
  constructor(
    readonly code: 'not-found' | 'name-taken' | 'invalid-name' | 'invalid-query',
    message: string,
    /** For `invalid-query`: where in the query the parser stopped. */
    readonly position: number | null = null,
  ) {
    super(message);
    this.name = 'AlbumError';
  }
}

const maxNameLength = 200;

interface AlbumRow {
  id: number;
  name: string;
  query: string;
  created_at: number;
  updated_at: number;
}

const toAlbum = (r: AlbumRow): Album => ({
  id: r.id,
  name: r.name,
  query: r.query,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function cleanName(name: string): string {
  const clean = name.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (clean === '') throw new AlbumError('invalid-name', 'An album needs a name.');
  if (clean.length > maxNameLength) {
    throw new AlbumError('invalid-name', `An album name is at most ${maxNameLength} characters.`);
  }
  return clean;
}

function checkQuery(query: string): string {
  const text = query.trim();
  if (text === '') throw new AlbumError('invalid-query', 'A smart album needs a query.', 0);
  try {
    parseQuery(text);
  } catch (error) {
    if (error instanceof QueryParseError) {
      throw new AlbumError('invalid-query', error.message, error.position);
    }
    throw error;
  }
  return text;
}

/** Names compare case-insensitively, so "Trips" and "trips" cannot both exist. */
function assertNameFree(db: Catalog, name: string, exceptId: number | null): void {
  const clash = db
    .prepare<[string, number], { name: string }>(
      `SELECT name FROM albums WHERE lower(name) = lower(?) AND id != ?`,
    )
    .get(name, exceptId ?? -1);
  if (clash) throw new AlbumError('name-taken', `An album named "${clash.name}" already exists.`);
}

export function getAlbum(db: Catalog, id: number): Album {
  const row = db
    .prepare<[number], AlbumRow>(
      `SELECT id, name, query, created_at, updated_at FROM albums WHERE id = ?`,
    )
    .get(id);
  if (!row) throw new AlbumError('not-found', `No album with id ${id}.`);
  return toAlbum(row);
}

export function findAlbumByName(db: Catalog, name: string): Album | undefined {
  const row = db
    .prepare<[string], AlbumRow>(
      `SELECT id, name, query, created_at, updated_at FROM albums WHERE lower(name) = lower(?)`,
    )
    .get(name.trim());
  return row ? toAlbum(row) : undefined;
}

/** Save a new smart album. Throws `AlbumError` for a bad name, a taken name or a bad query. */
export function createAlbum(db: Catalog, name: string, query: string, now = Date.now()): Album {
  const clean = cleanName(name);
  const text = checkQuery(query);
  return db.transaction(() => {
    assertNameFree(db, clean, null);
    const row = db
      .prepare<[string, string, number, number], AlbumRow>(
        `INSERT INTO albums (name, query, created_at, updated_at) VALUES (?, ?, ?, ?)
         RETURNING id, name, query, created_at, updated_at`,
      )
      .get(clean, text, now, now);
    if (!row) throw new Error('album insert returned nothing');
    return toAlbum(row);
  })();
}

export function renameAlbum(db: Catalog, id: number, name: string, now = Date.now()): Album {
  const clean = cleanName(name);
  return db.transaction(() => {
    getAlbum(db, id);
    assertNameFree(db, clean, id);
    db.prepare(`UPDATE albums SET name = ?, updated_at = ? WHERE id = ?`).run(clean, now, id);
    return getAlbum(db, id);
  })();
}

export function updateAlbumQuery(db: Catalog, id: number, query: string, now = Date.now()): Album {
  const text = checkQuery(query);
  return db.transaction(() => {
    getAlbum(db, id);
    db.prepare(`UPDATE albums SET query = ?, updated_at = ? WHERE id = ?`).run(text, now, id);
    return getAlbum(db, id);
  })();
}

export function deleteAlbum(db: Catalog, id: number): void {
  if (db.prepare(`DELETE FROM albums WHERE id = ?`).run(id).changes === 0) {
    throw new AlbumError('not-found', `No album with id ${id}.`);
  }
}

/** Every album by name, with its current photo count unless `counts` is false. */
export function listAlbums(db: Catalog, options: { counts?: boolean } = {}): AlbumWithCount[] {
  const rows = db
    .prepare<[], AlbumRow>(
      `SELECT id, name, query, created_at, updated_at FROM albums ORDER BY lower(name), id`,
    )
    .all();
  return rows.map((r) => {
    const album = toAlbum(r);
    if (options.counts === false) return { ...album, count: null, error: null };
    try {
      return { ...album, count: countPhotos(db, album.query), error: null };
    } catch (error) {
      if (error instanceof QueryParseError) return { ...album, count: null, error: error.message };
      throw error;
    }
  });
}

/** The album's photos now: its saved query run through the search. */
export function albumPhotos(db: Catalog, id: number, options: SearchOptions = {}): SearchResult {
  return searchPhotos(db, getAlbum(db, id).query, options);
}
