// Albums in the catalog. A smart album is a named saved query (DESIGN.md §5, §6): it stores
// only its query text, so it is always current: its photos and count are a search run when
// asked, and that part (and the check that a query parses before it is saved) lives above the
// catalog, in main/search/smart-albums.ts. A manual album (migration 14) holds the photos the
// user put in it, in order (main/catalog/album-photos.ts); its query is ''. Here: the
// `albums` table, names and their rules.
import type { Catalog, ReadableCatalog } from './catalog-connection.ts';

export type AlbumKind = 'smart' | 'manual';

export interface Album {
  readonly id: number;
  readonly name: string;
  /** 'manual': the user's photos in the user's order; its query is ''. */
  readonly kind: AlbumKind;
  readonly query: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export class AlbumError extends Error {
  constructor(
    readonly code:
      'not-found' | 'name-taken' | 'invalid-name' | 'invalid-query' | 'not-manual' | 'not-smart',
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
  kind: AlbumKind;
  query: string;
  created_at: number;
  updated_at: number;
}

const toAlbum = (r: AlbumRow): Album => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
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

export function getAlbum(db: ReadableCatalog, id: number): Album {
  const row = db
    .prepare<[number], AlbumRow>(
      `SELECT id, name, kind, query, created_at, updated_at FROM albums WHERE id = ?`,
    )
    .get(id);
  if (!row) throw new AlbumError('not-found', `No album with id ${id}.`);
  return toAlbum(row);
}

export function findAlbumByName(db: ReadableCatalog, name: string): Album | undefined {
  const row = db
    .prepare<[string], AlbumRow>(
      `SELECT id, name, kind, query, created_at, updated_at FROM albums WHERE lower(name) = lower(?)`,
    )
    .get(name.trim());
  return row ? toAlbum(row) : undefined;
}

/**
 * Save a new smart album whose query text the caller has checked (`createAlbum` in
 * main/search/smart-albums.ts), or a new empty manual album (`createManualAlbum`). Throws
 * `AlbumError` for a bad or taken name.
 */
export function insertAlbum(
  db: Catalog,
  name: string,
  query: string,
  now = Date.now(),
  kind: AlbumKind = 'smart',
): Album {
  const clean = cleanAlbumName(name);
  return db.transaction(() => {
    assertNameFree(db, clean, null);
    const row = db
      .prepare<[string, AlbumKind, string, number, number], AlbumRow>(
        `INSERT INTO albums (name, kind, query, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         RETURNING id, name, kind, query, created_at, updated_at`,
      )
      .all(clean, kind, kind === 'manual' ? '' : query, now, now)[0];
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
    if (getAlbum(db, id).kind !== 'smart') {
      throw new AlbumError('not-smart', 'A manual album has no query: its photos are chosen.');
    }
    db.prepare(`UPDATE albums SET query = ?, updated_at = ? WHERE id = ?`).run(query, now, id);
    return getAlbum(db, id);
  })();
}

export function deleteAlbum(db: Catalog, id: number): void {
  if (db.prepare(`DELETE FROM albums WHERE id = ?`).run(id).changes === 0) {
    throw new AlbumError('not-found', `No album with id ${id}.`);
  }
}

/** A new, empty manual album. Throws `AlbumError` for a bad or taken name. */
export function createManualAlbum(db: Catalog, name: string, now = Date.now()): Album {
  return insertAlbum(db, name, '', now, 'manual');
}

/** Every album, by name (case-insensitively). */
export function listAlbumsByName(db: ReadableCatalog): Album[] {
  return db
    .prepare<[], AlbumRow>(
      `SELECT id, name, kind, query, created_at, updated_at FROM albums ORDER BY lower(name), id`,
    )
    .all()
    .map(toAlbum);
}
