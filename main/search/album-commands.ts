// Command handlers for manual albums in `tujian albums` (issue 16): create --manual, add
// photos, remove photos, move photos, show an album's photos. Plain functions over the open
// catalog that return the text to print (JSON with `json: true`), as search-commands.ts.
// A photo is named by its id or its path (absolute, or relative to its library folder).
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  addPhotosToAlbum,
  listAlbumPhotoIds,
  moveAlbumPhotos,
  removePhotosFromAlbum,
  requireManualAlbum,
} from '../catalog/album-photos.ts';
import { AlbumError, createManualAlbum, findAlbumByName, type Album } from '../catalog/albums.ts';
import { findPhotoIdsByPathText, photoExists } from '../catalog/photos.ts';
import { albumPage, listAlbums } from './smart-albums.ts';

export type ManualAlbumCommandArgs =
  | { readonly action: 'create-manual'; readonly name: string; readonly json?: boolean }
  | {
      readonly action: 'add-photos' | 'remove-photos';
      readonly name: string;
      readonly photos: readonly string[];
      readonly json?: boolean;
    }
  | {
      readonly action: 'move-photos';
      readonly name: string;
      readonly photos: readonly string[];
      /** The photo they go before; the end when absent. */
      readonly before?: string;
      readonly json?: boolean;
    }
  | { readonly action: 'show'; readonly name: string; readonly json?: boolean };

export function albumNamed(db: Catalog, name: string): Album {
  const album = findAlbumByName(db, name);
  if (!album) throw new AlbumError('not-found', `No album named "${name}".`);
  return album;
}

/** Photo ids for the words given: ids, or paths (a path may name several places). */
export function resolvePhotoRefs(db: Catalog, refs: readonly string[]): number[] {
  if (refs.length === 0) throw new AlbumError('not-found', 'Name at least one photo.');
  return refs.flatMap((ref) => {
    const text = ref.trim();
    if (/^\d+$/.test(text) && photoExists(db, Number(text))) return [Number(text)];
    const ids = findPhotoIdsByPathText(db, text.replace(/\\/g, '/'));
    if (ids.length === 0) throw new AlbumError('not-found', `No photo ${text} in the catalog.`);
    return ids;
  });
}

const plural = (n: number) => `${String(n)} photo${n === 1 ? '' : 's'}`;

/** Every photo of an album, in the album's order (a smart album: newest first). */
function allAlbumPhotos(db: Catalog, album: Album) {
  const photos = [];
  let cursor: string | null = null;
  do {
    const page = albumPage(db, album.id, { cursor, limit: 1000, facets: false });
    photos.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return photos;
}

export function runManualAlbumCommand(db: Catalog, args: ManualAlbumCommandArgs): string {
  switch (args.action) {
    case 'create-manual': {
      const album = createManualAlbum(db, args.name);
      return args.json
        ? JSON.stringify({ ...album, count: 0 })
        : `Manual album "${album.name}" created. Add photos: tujian albums add "${album.name}" <photo…>`;
    }
    case 'add-photos': {
      const album = albumNamed(db, args.name);
      requireManualAlbum(db, album.id);
      const added = addPhotosToAlbum(db, album.id, resolvePhotoRefs(db, args.photos));
      return args.json
        ? JSON.stringify({ album: album.id, added })
        : `Added ${plural(added.length)} to "${album.name}".`;
    }
    case 'remove-photos': {
      const album = albumNamed(db, args.name);
      const removed = removePhotosFromAlbum(db, album.id, resolvePhotoRefs(db, args.photos));
      return args.json
        ? JSON.stringify({ album: album.id, removed })
        : `Removed ${plural(removed)} from "${album.name}" (the files and tags are untouched).`;
    }
    case 'move-photos': {
      const album = albumNamed(db, args.name);
      const before = args.before === undefined ? null : resolvePhotoRefs(db, [args.before]);
      moveAlbumPhotos(db, album.id, resolvePhotoRefs(db, args.photos), before?.[0] ?? null);
      const order = listAlbumPhotoIds(db, album.id, { includeMissing: true });
      return args.json ? JSON.stringify({ album: album.id, order }) : `Order: ${order.join(' ')}`;
    }
    case 'show': {
      const album = albumNamed(db, args.name);
      const photos = allAlbumPhotos(db, album);
      const count = listAlbums(db).find((a) => a.id === album.id)?.count ?? null;
      if (args.json) {
        return JSON.stringify({
          album: { ...album, count },
          photos: photos.map((p) => ({
            id: p.id,
            path: `${p.folderPath}/${p.relPath}`,
            status: p.status,
            takenAt: p.takenAt,
          })),
        });
      }
      const head =
        album.kind === 'manual'
          ? `${album.name} (manual album, ${plural(photos.length)}, in the album's order)`
          : `${album.name} (smart album: ${album.query}; ${plural(photos.length)}, newest first)`;
      const width = Math.max(0, ...photos.map((p) => String(p.id).length));
      return [
        head,
        ...photos.map(
          (p, i) =>
            `${String(i + 1).padStart(4)}  ${String(p.id).padStart(width)}  ${p.folderPath}/${p.relPath}`,
        ),
      ].join('\n');
    }
  }
}
