// Smart albums in the catalog: a named saved query (DESIGN.md §5, §6). An album stores only
// its query text, so it is always current: its photos and count are a search run when asked,
// and that part (and the check that a query parses before it is saved) lives above the
// catalog, in main/search/smart-albums.ts. Here: the `albums` table, names and their rules.
import type { Catalog } from './catalog-connection.ts';

export interface Album {
  readonly id: number;
  readonly name: string;
  readonly query: string;
  readonly createdAt: number;
  readonly updatedAt: number;
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

/** The name as stored: NFC, trimmed, inner spaces collapsed; refused when empty or too long. */
export function cleanAlbumName(name: string): string {
  const clean = name.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (clean === '') throw new AlbumError('invalid-name', 'An album needs a name.');
  if (clean.length > maxNameLength) {
    throw new AlbumError('invalid-name', `An album name is at most ${maxNameLength} characters.`);
  }
  return clean;
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

/**
 * Save a new album whose query text the caller has checked (`createAlbum` in
 * main/search/smart-albums.ts). Throws `AlbumError` for a bad or taken name.
 */
export function insertAlbum(db: Catalog, name: string, query: string, now = Date.now()): Album {
  const clean = cleanAlbumName(name);
  return db.transaction(() => {
    assertNameFree(db, clean, null);
    const row = db
      .prepare<[string, string, number, number], AlbumRow>(
        `INSERT INTO albums (name, query, created_at, updated_at) VALUES (?, ?, ?, ?)
         RETURNING id, name, query, created_at, updated_at`,
      )
      .get(clean, query, now, now);
    if (!row) throw new Error('album insert returned nothing');
    return toAlbum(row);
  })();
}

export function renameAlbum(db: Catalog, id: number, name: string, now = Date.now()): Album {
  const clean = cleanAlbumName(name);
  return db.transaction(() => {
    getAlbum(db, id);
    assertNameFree(db, clean, id);
    db.prepare(`UPDATE albums SET name = ?, updated_at = ? WHERE id = ?`).run(clean, now, id);
    return getAlbum(db, id);
  })();
}

/** Replace an album's query with text the caller has checked (`updateAlbumQuery` in main/search/smart-albums.ts). */
export function setAlbumQuery(db: Catalog, id: number, query: string, now = Date.now()): Album {
  return db.transaction(() => {
    getAlbum(db, id);
    db.prepare(`UPDATE albums SET query = ?, updated_at = ? WHERE id = ?`).run(query, now, id);
    return getAlbum(db, id);
  })();
}

export function deleteAlbum(db: Catalog, id: number): void {
  if (db.prepare(`DELETE FROM albums WHERE id = ?`).run(id).changes === 0) {
    throw new AlbumError('not-found', `No album with id ${id}.`);
  }
}

/** Every album, by name (case-insensitively). */
export function listAlbumsByName(db: Catalog): Album[] {
  return db
    .prepare<[], AlbumRow>(
      `SELECT id, name, query, created_at, updated_at FROM albums ORDER BY lower(name), id`,
    )
    .all()
    .map(toAlbum);
}
