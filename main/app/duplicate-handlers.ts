// The API channels of near-duplicate photos (preload/api-contract.ts `duplicates.*`) over
// catalog/perceptual-hashes.ts. Kept apart from app-service.ts, which spreads them into its
// handlers.
//
// [Note: Keep this one never deletes]
// "Keep this one" moves the other photos' files to the OS trash (the desktop app, Electron's
// shell.trashItem) or to the library folder's `.tujian-trash` (library-trash.ts), never
// unlinks them, and only when the call carries `confirmed: true`, which the review page sends
// after a dialog that names every file. Before anything moves, every photo is checked: it is
// in the library, its folder is online, and it is a near-duplicate (or a copy) of the photo
// kept, whose file must be on disk — so no call can trash the last copy of a picture.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  countUnhashedContents,
  dismissDuplicates,
  findDuplicateGroups,
  findSimilarContents,
  readDuplicateCandidatePlaces,
  type DuplicateCandidatePlace,
  type DuplicateGroup,
} from '../catalog/perceptual-hashes.ts';
import { markPhotosMissing } from '../catalog/photos.ts';
import { moveToLibraryTrash } from '../library/library-trash.ts';
import { ApiError, type ApiHandlers } from '../../preload/api-contract.ts';

type DuplicateChannels = 'duplicates.list' | 'duplicates.dismiss' | 'duplicates.trash';

export interface DuplicateHandlerOptions {
  readonly now: () => number;
  /** Photos changed (files moved to the trash). */
  readonly changed: () => void;
  /** The OS trash (desktop); absent, files go to the folder's `.tujian-trash`. */
  readonly trashItem?: (path: string) => Promise<void>;
  /**
   * The groups kept off the main thread (the web host and desktop app,
   * [Note: Duplicate groups off the main thread]); absent, they are listed in place.
   */
  readonly groups?: DuplicateGroupsSource;
}

/** What the handlers need of search/duplicate-groups-cache.ts. */
export interface DuplicateGroupsSource {
  list(): Promise<{ readonly groups: DuplicateGroup[]; readonly pending: number }>;
  /** The catalog changed under the groups: start listing them again now. */
  refresh(): void;
}

async function isFileOnDisk(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export function createDuplicateHandlers(
  db: Catalog,
  options: DuplicateHandlerOptions,
): Pick<ApiHandlers, DuplicateChannels> {
  const moveAway = async (place: DuplicateCandidatePlace): Promise<string> => {
    const path = join(place.folderPath, place.relPath);
    if (options.trashItem) {
      try {
        await options.trashItem(path);
        return 'trash';
      } catch {
        // No usable OS trash for this file (some network shares, removable drives): fall back.
      }
    }
    return moveToLibraryTrash(place.folderPath, place.relPath);
  };

  return {
    'duplicates.list': async () => {
      const { groups, pending } = options.groups
        ? await options.groups.list()
        : { groups: findDuplicateGroups(db), pending: countUnhashedContents(db) };
      return {
        groups: groups.map((group) => ({
          photos: group.photos.map((p) => ({
            photoId: p.photoId,
            hash: p.sha256,
            folderPath: p.folderPath,
            relPath: p.relPath,
            absolutePath: join(p.folderPath, p.relPath),
            folderOnline: p.folderOnline,
            size: p.size,
            mtimeMs: p.mtimeMs,
            width: p.width,
            height: p.height,
            takenAt: p.takenAt,
            distance: p.distance,
          })),
        })),
        pending,
      };
    },

    'duplicates.dismiss': ({ photoIds }) => {
      const places = readDuplicateCandidatePlaces(db, photoIds);
      const contents = places.flatMap((p) => (p.contentId === null ? [] : [p.contentId]));
      if (contents.length === 0) throw new ApiError('not-found', 'No such photos.');
      const dismissed = dismissDuplicates(db, contents, options.now());
      options.groups?.refresh();
      return { dismissed };
    },

    'duplicates.trash': async ({ keepPhotoId, photoIds }) => {
      const [keep] = readDuplicateCandidatePlaces(db, [keepPhotoId]);
      if (!keep || keep.contentId === null || keep.status !== 'ok') {
        throw new ApiError('not-found', 'The photo to keep is not in the library.');
      }
      if (!(await isFileOnDisk(join(keep.folderPath, keep.relPath)))) {
        throw new ApiError(
          'conflict',
          `The photo to keep is not on disk (${join(keep.folderPath, keep.relPath)}); nothing was moved.`,
        );
      }
      const others = [...new Set(photoIds)].filter((id) => id !== keepPhotoId);
      if (others.length === 0) throw new ApiError('invalid-input', 'No other photo to move.');
      const near = new Set(findSimilarContents(db, keep.contentId).map((c) => c.contentId));
      near.add(keep.contentId);
      const places = readDuplicateCandidatePlaces(db, others);
      // Every photo is checked before any file moves: one bad id moves nothing.
      for (const id of others) {
        const place = places.find((p) => p.photoId === id);
        if (!place || place.status !== 'ok' || place.contentId === null) {
          throw new ApiError('not-found', `Photo ${String(id)} is not in the library.`);
        }
        if (!near.has(place.contentId)) {
          throw new ApiError(
            'invalid-input',
            `${join(place.folderPath, place.relPath)} is not a duplicate of the photo kept; nothing was moved.`,
          );
        }
      }
      const moved: { photoId: number; path: string; to: string }[] = [];
      const failed: { photoId: number; path: string; message: string }[] = [];
      for (const place of places) {
        const path = join(place.folderPath, place.relPath);
        if (!place.folderOnline) {
          failed.push({ photoId: place.photoId, path, message: 'Its folder is offline.' });
          continue;
        }
        try {
          const to = await moveAway(place);
          // As the scanner records a file that went away: the row, tags and decisions stay,
          // and a file taken back out of the trash is found again as the same photo.
          markPhotosMissing(db, [place.photoId]);
          moved.push({ photoId: place.photoId, path, to });
        } catch (error) {
          failed.push({
            photoId: place.photoId,
            path,
            message: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (moved.length > 0) {
        options.changed();
        options.groups?.refresh();
      }
      return { moved, failed };
    },
  };
}
