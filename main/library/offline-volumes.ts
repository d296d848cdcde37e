// Folders on drives that come and go. The catalog keeps an offline folder's photos, tags,
// thumbnails and previews, so it stays browsable and searchable; what needs the original
// file asks `requireOriginal`, which says clearly why the file cannot be had right now.
// Whether a folder is there is decided by `checkFolderOnline` (the root exists and is the
// same directory that was added: [Note: Folder volume identity] in main/catalog/folders.ts).
import { stat } from 'node:fs/promises';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { listFolders, requireFolder, type Folder } from '../catalog/folders.ts';
import { getPhoto } from '../catalog/photos.ts';
import { checkFolderOnline } from './folder-scanner.ts';
import { absolutePathOf } from './library-files.ts';

export type OriginalUnavailableReason =
  'unknown-photo' | 'folder-offline' | 'photo-missing' | 'not-a-file';

/** The original of a photo cannot be read now; the message says why and what to do. */
export class OriginalOfflineError extends Error {
  constructor(
    readonly reason: OriginalUnavailableReason,
    readonly photoId: number,
    readonly path: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'OriginalOfflineError';
  }
}

/**
 * The absolute path of a photo's original file, after checking that its folder's drive is
 * there (and is the same drive) and that the file exists. Throws `OriginalOfflineError`.
 * A folder found gone is marked offline on the way.
 */
export async function requireOriginal(db: Catalog, photoId: number): Promise<string> {
  const photo = getPhoto(db, photoId);
  if (!photo) {
    throw new OriginalOfflineError(
      'unknown-photo',
      photoId,
      null,
      `There is no photo ${String(photoId)} in the catalog.`,
    );
  }
  const folder = requireFolder(db, photo.folderId);
  const path = absolutePathOf(folder.path, photo.relPath);
  const offlineReason = await checkFolderOnline(db, folder);
  if (offlineReason !== undefined) {
    throw new OriginalOfflineError(
      'folder-offline',
      photoId,
      path,
      `The original ${path} is offline: ${offlineReason} Its thumbnail, preview and tags are ` +
        'still in the catalog; connect the drive (or run "tujian relink <old> <new>" if the ' +
        'folder moved) to open the original.',
    );
  }
  if (photo.status === 'missing') {
    throw new OriginalOfflineError(
      'photo-missing',
      photoId,
      path,
      `The original ${path} is missing: it was moved or deleted while its folder was online. ` +
        'If it was moved into a watched folder, the next scan finds it again by its content.',
    );
  }
  try {
    const stats = await stat(path);
    if (!stats.isFile()) {
      throw new OriginalOfflineError('not-a-file', photoId, path, `${path} is not a file.`);
    }
  } catch (error) {
    if (error instanceof OriginalOfflineError) throw error;
    throw new OriginalOfflineError(
      'photo-missing',
      photoId,
      path,
      `The original ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
        'it may have been moved or deleted. A scan of its folder will record what happened.',
    );
  }
  return path;
}

export interface FolderStatusChanges {
  readonly wentOffline: readonly { readonly folder: Folder; readonly reason: string }[];
  /** Folders back online: the caller runs a reconcile scan of each. */
  readonly cameBack: readonly Folder[];
}

/**
 * Checks every folder's root and records online/offline. A watcher calls it on a timer and on
 * watch errors; each folder that came back needs a reconcile scan (which re-ingests only what
 * changed, so unchanged photos are not tagged again: their content and engine results stay).
 */
export async function refreshFolderStatuses(db: Catalog): Promise<FolderStatusChanges> {
  const wentOffline: { folder: Folder; reason: string }[] = [];
  const cameBack: Folder[] = [];
  for (const folder of listFolders(db)) {
    const reason = await checkFolderOnline(db, folder);
    if (reason !== undefined && folder.status === 'online') wentOffline.push({ folder, reason });
    if (reason === undefined && folder.status === 'offline') {
      cameBack.push({ ...folder, status: 'online' });
    }
  }
  return { wentOffline, cameBack };
}

/**
 * What a watcher does with an error event for a folder: an error because the drive went away
 * marks the folder offline (returns the reason); any other error leaves it online (undefined).
 */
export async function noteWatchError(
  db: Catalog,
  folderId: number,
  error: unknown,
): Promise<string | undefined> {
  const folder = requireFolder(db, folderId);
  const reason = await checkFolderOnline(db, folder);
  if (reason !== undefined) {
    const detail = (error as NodeJS.ErrnoException | undefined)?.code;
    return detail ? `${reason} (watch error ${detail})` : reason;
  }
  return undefined;
}
