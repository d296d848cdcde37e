// Smart albums as searches: an album stores only its query text (main/catalog/albums.ts), so
// its photos and count are a search run when asked (DESIGN.md §5, §6). A query that does not
// parse is refused when the album is saved, with the parser's message and position; a query
// saved by an older Tujian that no longer parses is listed with the parser's message.
// Manual albums (migration 14) are listed beside them with the count of their photos, and
// `albumPage` reads either kind a page at a time in the search's result shape.
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  countAlbumPhotos,
  countManualAlbumPhotos,
  listAlbumPage,
  listAlbumPhotoIds,
} from '../catalog/album-photos.ts';
import { listPhotoIdsWhere } from '../catalog/photos.ts';
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
  planQueryText,
  QueryParseError,
  searchPhotos,
  SearchCursorError,
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
  const manualCounts =
    options.counts === false ? new Map<number, number>() : countManualAlbumPhotos(db);
  return listAlbumsByName(db).map((album) => {
    if (options.counts === false) return { ...album, count: null, error: null };
    if (album.kind === 'manual') {
      return { ...album, count: manualCounts.get(album.id) ?? 0, error: null };
    }
    try {
      return { ...album, count: countPhotos(db, album.query), error: null };
    } catch (error) {
      if (error instanceof QueryParseError) return { ...album, count: null, error: error.message };
      throw error;
    }
  });
}

/** A smart album's photos now: its saved query run through the search. */
export function albumPhotos(db: Catalog, id: number, options: SearchOptions = {}): SearchResult {
  return searchPhotos(db, getAlbum(db, id).query, options);
}

const manualCursor = /^m([0-9]{1,15})$/;

/**
 * One page of an album: a smart album's search (sorted as asked), a manual album's photos in
 * the album's order (the sort does not apply; no facets). The cursor is opaque, as a search's.
 */
export function albumPage(db: Catalog, id: number, options: SearchOptions = {}): SearchResult {
  const album = getAlbum(db, id);
  if (album.kind === 'smart') return searchPhotos(db, album.query, options);
  const limit = options.limit ?? 100;
  let after = -1;
  if (options.cursor) {
    const match = manualCursor.exec(options.cursor);
    if (!match?.[1]) throw new SearchCursorError('This cursor is not from this album.');
    after = Number(match[1]);
  }
  // One row more than the page says whether another page follows.
  const rows = listAlbumPage(db, id, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
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
      bestConfidence: null,
    })),
    total: countAlbumPhotos(db, id),
    nextCursor: rows.length > limit && last ? `m${String(last.position)}` : null,
    facets: null,
  };
}

/**
 * Every photo of an album, for an export: a manual album's in its order (`inOrder` true), a
 * smart album's as its query finds them now (the export orders those by folder and path).
 */
export function albumPhotoIds(db: Catalog, id: number): { ids: number[]; inOrder: boolean } {
  const album = getAlbum(db, id);
  if (album.kind === 'manual') return { ids: listAlbumPhotoIds(db, id), inOrder: true };
  return { ids: listPhotoIdsWhere(db, planQueryText(db, album.query)), inOrder: false };
}
