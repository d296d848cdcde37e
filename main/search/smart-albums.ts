// Smart albums as searches: an album stores only its query text (main/catalog/albums.ts), so
// its photos and count are a search run when asked (DESIGN.md §5, §6). A query that does not
// parse is refused when the album is saved, with the parser's message and position; a query
// saved by an older Tujian that no longer parses is listed with the parser's message.
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  AlbumError,
  cleanAlbumName,
  getAlbum,
  insertAlbum,
  listAlbumsByName,
  setAlbumQuery,
  type Album,
} from '../catalog/albums.ts';
import {
  countPhotos,
  parseQuery,
  QueryParseError,
  searchPhotos,
  type SearchOptions,
  type SearchResult,
} from './search-service.ts';

export interface AlbumWithCount extends Album {
  /** Photos the query finds now; null when the saved query no longer parses. */
  readonly count: number | null;
  /** Why the count is null (a query saved by an older Tujian the parser now refuses). */
  readonly error: string | null;
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

/** Save a new smart album. Throws `AlbumError` for a bad name, a taken name or a bad query. */
export function createAlbum(db: Catalog, name: string, query: string, now = Date.now()): Album {
  const clean = cleanAlbumName(name); // the name is judged first, as the user typed it first
  return insertAlbum(db, clean, checkQuery(query), now);
}

/** Give an album a new query. Throws `AlbumError` for a missing album or a bad query. */
export function updateAlbumQuery(db: Catalog, id: number, query: string, now = Date.now()): Album {
  return setAlbumQuery(db, id, checkQuery(query), now);
}

/** Every album by name, with its current photo count unless `counts` is false. */
export function listAlbums(db: Catalog, options: { counts?: boolean } = {}): AlbumWithCount[] {
  return listAlbumsByName(db).map((album) => {
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
