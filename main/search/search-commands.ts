// Command handlers for `tujian search`, `tujian albums list|add|rm|rename` (manual albums:
// album-commands.ts) and `tujian tag add|rm <photo|query> <tag>`, as plain functions: they
// take the open catalog and parsed arguments and return the text to print (JSON with
// `json: true`), so the CLI only registers them and tests call them directly. Errors are
// thrown as typed errors; `describeSearchError` turns them into a message with a caret
// under the query position.
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { findPhotoIdsByPathText, photoExists } from '../catalog/photos.ts';
import { AlbumError, deleteAlbum, findAlbumByName, renameAlbum } from '../catalog/albums.ts';
import { addTag, removeTag, TagEditError, type TagEditResult } from '../catalog/tag-editing.ts';
import { selectionFor, type TagTarget } from './query-tagging.ts';
import { createAlbum, listAlbums } from './smart-albums.ts';
import {
  QueryParseError,
  SearchCursorError,
  searchPhotos,
  searchSorts,
  type SearchResult,
  type SearchSort,
} from './search-service.ts';

export interface SearchCommandArgs {
  readonly query: string;
  readonly json?: boolean;
  readonly sort?: SearchSort;
  readonly limit?: number;
  readonly cursor?: string | null;
  /** Print facet counts under the list (default true; always in JSON). */
  readonly facets?: boolean;
}

const sortNames: Record<SearchSort, string> = {
  'taken-desc': 'newest first',
  'taken-asc': 'oldest first',
  'added-desc': 'recently added first',
  'path-asc': 'by folder and path',
  'confidence-desc': 'best confidence first',
};

export function isSearchSort(value: string): value is SearchSort {
  return (searchSorts as readonly string[]).includes(value);
}

function formatDate(ms: number | null): string {
  return ms === null ? '—         ' : new Date(ms).toISOString().slice(0, 10);
}

function formatResult(result: SearchResult, sort: SearchSort): string {
  const lines: string[] = [];
  lines.push(
    `${result.total} photo${result.total === 1 ? '' : 's'} (${sortNames[sort]})` +
      (result.items.length < result.total ? `, showing ${result.items.length}` : ''),
  );
  for (const item of result.items) {
    const conf = item.bestConfidence === null ? '' : `  ${Math.round(item.bestConfidence)}%`;
    const flags =
      (item.folderStatus === 'offline' ? '  [offline]' : '') +
      (item.status === 'ok' ? '' : `  [${item.status}]`);
    lines.push(
      `${String(item.id).padStart(7)}  ${formatDate(item.takenAt)}  ${join(item.folderPath, item.relPath)}${conf}${flags}`,
    );
  }
  const f = result.facets;
  if (f && result.total > 0) {
    const approx = f.sampledFrom === null ? '' : '≈';
    lines.push('');
    if (f.tags.length > 0) {
      lines.push(
        `Tags:    ${f.tags
          .slice(0, 12)
          .map((t) => `${t.zh}/${t.en} ${approx}${t.count}`)
          .join(', ')}`,
      );
    }
    if (f.years.length > 0)
      lines.push(`Years:   ${f.years.map((y) => `${y.year} ${y.count}`).join(', ')}`);
    if (f.folders.length > 0) {
      lines.push(`Folders: ${f.folders.map((x) => `${x.path} ${x.count}`).join(', ')}`);
    }
    if (f.engines.length > 0) {
      lines.push(`Engines: ${f.engines.map((e) => `${e.engine} ${approx}${e.count}`).join(', ')}`);
    }
    if (f.types.length > 0)
      lines.push(`Types:   ${f.types.map((t) => `${t.type} ${approx}${t.count}`).join(', ')}`);
  }
  if (result.nextCursor) lines.push('', `More: --cursor ${result.nextCursor}`);
  return lines.join('\n');
}

/** `tujian search <query> [--sort S] [--limit N] [--cursor C] [--json]`. */
export function runSearchCommand(db: Catalog, args: SearchCommandArgs): string {
  const sort = args.sort ?? 'taken-desc';
  const result = searchPhotos(db, args.query, {
    sort,
    limit: args.limit ?? (args.json ? 500 : 50),
    cursor: args.cursor ?? null,
    facets: args.json ? true : (args.facets ?? true),
  });
  return args.json ? JSON.stringify(result) : formatResult(result, sort);
}

export type AlbumsCommandArgs =
  | { readonly action: 'list'; readonly json?: boolean }
  | {
      readonly action: 'add';
      readonly name: string;
      readonly query: string;
      readonly json?: boolean;
    }
  | { readonly action: 'rm'; readonly name: string; readonly json?: boolean }
  | {
      readonly action: 'rename';
      readonly name: string;
      readonly newName: string;
      readonly json?: boolean;
    };

function albumByName(db: Catalog, name: string) {
  const album = findAlbumByName(db, name);
  if (!album) throw new AlbumError('not-found', `No album named "${name}".`);
  return album;
}

/** `tujian albums list|add <name> <query>|rm <name>|rename <name> <new name>`. */
export function runAlbumsCommand(db: Catalog, args: AlbumsCommandArgs): string {
  switch (args.action) {
    case 'list': {
      const albums = listAlbums(db);
      if (args.json) return JSON.stringify(albums);
      if (albums.length === 0) {
        return 'No albums yet. Create one: tujian albums create <name> <query> (smart) or tujian albums create --manual <name>';
      }
      const width = Math.max(...albums.map((a) => a.name.length));
      return albums
        .map(
          (a) =>
            `${a.name.padEnd(width)}  ${a.count === null ? `(query no longer valid: ${a.error ?? ''})` : String(a.count).padStart(6)}  ${a.kind === 'manual' ? '(manual)' : a.query}`,
        )
        .join('\n');
    }
    case 'add': {
      const album = createAlbum(db, args.name, args.query);
      const count = listAlbums(db).find((a) => a.id === album.id)?.count ?? 0;
      return args.json
        ? JSON.stringify({ ...album, count })
        : `Album "${album.name}" saved: ${count} photo${count === 1 ? '' : 's'} now (${album.query}).`;
    }
    case 'rm': {
      const album = albumByName(db, args.name);
      deleteAlbum(db, album.id);
      return args.json ? JSON.stringify({ deleted: album.id }) : `Album "${album.name}" deleted.`;
    }
    case 'rename': {
      const album = renameAlbum(db, albumByName(db, args.name).id, args.newName);
      return args.json ? JSON.stringify(album) : `Album renamed to "${album.name}".`;
    }
  }
}

export interface TagCommandArgs {
  readonly action: 'add' | 'rm';
  /** A photo id, a photo's path (absolute, or relative to its library folder), or a query. */
  readonly target: string;
  /** Tag name in Chinese or English. */
  readonly tag: string;
  readonly json?: boolean;
}

/** Read a tag command's target: a photo id, a photo path, or else a search query. */
export function resolveTagTarget(db: Catalog, target: string): TagTarget {
  const text = target.trim();
  if (/^\d+$/.test(text)) {
    const id = Number(text);
    if (!photoExists(db, id)) {
      throw new TagEditError('not-found', `No photo with id ${id}.`);
    }
    return { photoIds: [id] };
  }
  if (/[/\\]/.test(text)) {
    const ids = findPhotoIdsByPathText(db, text.replace(/\\/g, '/'));
    if (ids.length > 0) return { photoIds: ids };
    if (text.startsWith('/') || /^[A-Za-z]:[/\\]/.test(text)) {
      throw new TagEditError('not-found', `No photo at ${text} in the catalog.`);
    }
  }
  return { query: text };
}

function describeEdit(action: 'add' | 'rm', r: TagEditResult): string {
  const name = `${r.tag.zh}/${r.tag.en}`;
  const skipped =
    r.skipped > 0
      ? ` (${r.skipped} photo${r.skipped === 1 ? '' : 's'} not indexed yet, skipped)`
      : '';
  if (action === 'add') {
    return `Tagged ${r.changed} image${r.changed === 1 ? '' : 's'} with ${name}${r.created ? ' (new tag)' : ''}${skipped}.`;
  }
  return `Removed ${name} from ${r.changed} image${r.changed === 1 ? '' : 's'}; engines will not add it back${skipped}.`;
}

/** `tujian tag add|rm <photo|query> <tag>`. */
export function runTagCommand(db: Catalog, args: TagCommandArgs): string {
  const selection = selectionFor(db, resolveTagTarget(db, args.target));
  const result =
    args.action === 'add' ? addTag(db, selection, args.tag) : removeTag(db, selection, args.tag);
  return args.json ? JSON.stringify(result) : describeEdit(args.action, result);
}

// Chinese characters take two terminal columns, so the caret lines up under them.
const wide =
  /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/;
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += wide.test(ch) ? 2 : 1;
  return width;
}

/**
 * A message for an error thrown by these commands: a query error shows the query with a
 * caret under the position; other known errors their message; unknown errors are rethrown.
 */
export function describeSearchError(error: unknown, query?: string): string {
  const position =
    error instanceof QueryParseError
      ? error.position
      : error instanceof AlbumError
        ? error.position
        : null;
  if (position !== null && query !== undefined && error instanceof Error) {
    return `${query}\n${' '.repeat(displayWidth(query.slice(0, position)))}^\n${error.message}`;
  }
  if (
    error instanceof QueryParseError ||
    error instanceof SearchCursorError ||
    error instanceof AlbumError ||
    error instanceof TagEditError
  ) {
    return error.message;
  }
  throw error;
}
