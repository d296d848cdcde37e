// Ingests one photo place: reads the bytes once (sha256 while reading), finds or creates the
// content row (same bytes anywhere → one content, [Note: Tags belong to content]), re-links a
// moved file to its old row, reads EXIF, and writes the thumbnail and preview keyed by hash.
// Bad input never throws out: the photo ends `broken`/`skipped`/`missing` with a reason.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { getFolder } from '../catalog/folders.ts';
import {
  findContentByHash,
  getContent,
  insertContent,
  setContentHasPreview,
} from '../catalog/contents.ts';
import {
  findMissingPhotosOfContent,
  getPhoto,
  listOtherOnlineCopies,
  markPhotosMissing,
  relinkPhoto,
  setPhotoIngested,
  setPhotoStatus,
} from '../catalog/photos.ts';
import { ImageError, openImage, type ImageFacts } from '../imaging/image-open.ts';
import { makeRenditions } from '../imaging/image-renditions.ts';
import { perceptualHashSet } from '../imaging/perceptual-hash.ts';
import { savePerceptualHash } from '../catalog/perceptual-hashes.ts';
import { checkFolderOnline } from './folder-scanner.ts';
import type { IngestDeps } from './library-deps.ts';
import {
  absolutePathOf,
  classifyFile,
  previewPath,
  thumbnailPath,
  writeAtomically,
} from './library-files.ts';
import { readPhotoMetadata } from './photo-metadata.ts';
import {
  FileAccessError,
  openRegularFile,
  withTimeout,
  defaultFileTimeoutMs,
  type FileReadOptions,
  type RegularFile,
} from '../util/regular-file.ts';

export type IngestOutcome =
  | {
      readonly status: 'ok';
      /** The photo row that now holds this place (differs from the input id after a relink). */
      readonly photoId: number;
      readonly contentId: number;
      readonly newContent: boolean;
      /** Set when this place was a moved/renamed file: the new row `photoId` was dropped. */
      readonly relinkedFrom?: number;
    }
  | {
      readonly status: 'broken' | 'skipped' | 'missing';
      readonly photoId: number;
      readonly reason: string;
    };

const defaultMaxBufferBytes = 256 * 1024 * 1024;

interface ReadResult {
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** The bytes, when the file was small enough to keep; otherwise decode from the path. */
  readonly bytes: Buffer | undefined;
}

class FileProblem extends Error {
  constructor(
    readonly status: 'broken' | 'skipped' | 'missing',
    message: string,
    /** The photo stays `pending`: the next scan (or watcher event) queues it again. */
    readonly retryable = false,
  ) {
    super(message);
  }
}

function describeFsError(error: unknown): FileProblem {
  if (error instanceof FileAccessError) {
    return error.code === 'timeout'
      ? new FileProblem('skipped', `${error.message} It will be read again.`, true)
      : new FileProblem('skipped', error.message);
  }
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new FileProblem('missing', 'The file is gone.');
  if (code === 'EACCES' || code === 'EPERM') {
    return new FileProblem('broken', 'Permission denied: Tujian may not read this file.');
  }
  if (code === 'ELOOP') {
    return new FileProblem('broken', 'Symbolic link loop: the link never reaches a file.');
  }
  if (code === 'EISDIR') return new FileProblem('skipped', 'This is a folder, not a file.');
  return new FileProblem('broken', `Cannot read the file: ${(error as Error).message}`);
}

/** Reads the file once, hashing as it reads; keeps the bytes when small enough. */
async function readAndHash(
  path: string,
  maxBufferBytes: number,
  options: FileReadOptions,
): Promise<ReadResult> {
  let file: RegularFile;
  try {
    // Refuses pipes, sockets and devices before opening: [Note: Never open a non-regular file].
    file = await openRegularFile(path, options);
  } catch (error) {
    throw describeFsError(error);
  }
  try {
    const { stats } = file;
    if (stats.size === 0) throw new FileProblem('broken', 'The file is empty (0 bytes).');
    const hash = createHash('sha256');
    const keep = stats.size <= maxBufferBytes;
    const chunkSize = 4 * 1024 * 1024;
    const bytes = keep ? Buffer.allocUnsafe(stats.size) : undefined;
    const scratch = keep ? undefined : Buffer.allocUnsafe(chunkSize);
    let total = 0;
    for (;;) {
      const target = bytes ?? scratch;
      if (!target) break;
      const offset = bytes ? total : 0;
      const length = bytes ? Math.min(chunkSize, bytes.length - total) : chunkSize;
      if (length === 0) {
        // Read one more byte to learn whether the file grew after the stat.
        const probe = Buffer.allocUnsafe(1);
        const bytesRead = await file.read(probe, 0, 1, total);
        if (bytesRead > 0) total += bytesRead;
        break;
      }
      const bytesRead = await file.read(target, offset, length, total);
      if (bytesRead === 0) break;
      hash.update(target.subarray(offset, offset + bytesRead));
      total += bytesRead;
    }
    if (total !== stats.size) {
      throw new FileProblem(
        'skipped',
        'The file changed while it was being read; it will be read again.',
        true,
      );
    }
    return {
      hash: hash.digest('hex'),
      size: stats.size,
      mtimeMs: Math.trunc(stats.mtimeMs),
      bytes,
    };
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    throw describeFsError(error);
  } finally {
    await file.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Ingests one photo row. Never throws for bad files; a catalog failure does propagate. */
/**
 * Other places showing these bytes whose file is gone are marked missing, so the re-linking
 * below sees a move even when the new place is ingested before the old place's unlink event
 * (or the next scan) was applied: move detection must not depend on event order.
 */
async function markVanishedCopiesMissing(
  db: IngestDeps['db'],
  contentId: number,
  photoId: number,
): Promise<void> {
  const copies = listOtherOnlineCopies(db, contentId, photoId);
  const vanished: number[] = [];
  for (const copy of copies) {
    try {
      await stat(absolutePathOf(copy.folder, copy.rel_path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') vanished.push(copy.id);
    }
  }
  if (vanished.length > 0) markPhotosMissing(db, vanished);
}

export async function ingestPhoto(deps: IngestDeps, photoId: number): Promise<IngestOutcome> {
  const { db, dataRoot, log } = deps;
  const now = deps.now ?? Date.now;
  const photo = getPhoto(db, photoId);
  if (!photo) {
    return { status: 'skipped', photoId, reason: 'The photo is no longer in the catalog.' };
  }
  const folder = getFolder(db, photo.folderId);
  if (!folder) return { status: 'skipped', photoId, reason: 'Its folder was removed.' };
  if (folder.status === 'offline') {
    // Left pending: the scan that finds the folder online again queues it once more.
    return { status: 'skipped', photoId, reason: `The folder ${folder.path} is offline.` };
  }
  if (photo.status === 'missing') {
    // The scan found the file gone (or no longer a file) after this job was queued: nothing
    // to read. The scan that finds it again queues it again.
    return { status: 'missing', photoId, reason: 'The file was gone at the last scan.' };
  }
  const path = absolutePathOf(folder.path, photo.relPath);
  const timeoutMs = deps.fileTimeoutMs ?? defaultFileTimeoutMs;
  const readOptions: FileReadOptions = { timeoutMs };
  const fail = (status: 'broken' | 'skipped' | 'missing', reason: string): IngestOutcome => {
    setPhotoStatus(db, photoId, status, status === 'missing' ? null : reason, now());
    if (status !== 'missing') log.warn(`${status}: ${path}: ${reason}`);
    return { status, photoId, reason };
  };
  // A file that is gone because its whole folder went away (drive unplugged mid-run) is not
  // missing: the folder is offline and the photo stays pending until it is back.
  const failFile = async (problem: FileProblem): Promise<IngestOutcome> => {
    if (problem.status === 'missing') {
      const offline = await checkFolderOnline(db, folder);
      if (offline !== undefined) return { status: 'skipped', photoId, reason: offline };
    }
    return fail(problem.status, problem.message);
  };

  const kind = classifyFile(photo.relPath);
  if (kind.kind === 'unsupported') return fail('skipped', kind.reason);

  // The hash is recomputed only when size or mtime changed. The scanner queues a known file
  // only when they did (the row is then `pending` with the new values); an `ok` row asked to be
  // ingested again, unchanged and with both renditions on disk, costs one stat.
  if (photo.contentId !== null && photo.status === 'ok') {
    const linked = getContent(db, photo.contentId);
    try {
      const current = await withTimeout(stat(path), timeoutMs, 'Looking at the file');
      if (
        linked &&
        current.isFile() &&
        current.size === photo.size &&
        Math.trunc(current.mtimeMs) === photo.mtimeMs &&
        (await exists(thumbnailPath(dataRoot, linked.hash))) &&
        (await exists(previewPath(dataRoot, linked.hash)))
      ) {
        setPhotoIngested(db, photoId, {
          contentId: linked.id,
          size: photo.size,
          mtimeMs: photo.mtimeMs,
          at: now(),
        });
        return { status: 'ok', photoId, contentId: linked.id, newContent: false };
      }
    } catch (error) {
      return failFile(describeFsError(error));
    }
  }

  let file: ReadResult;
  try {
    file = await readAndHash(path, deps.maxBufferBytes ?? defaultMaxBufferBytes, readOptions);
  } catch (error) {
    if (error instanceof FileProblem) {
      if (error.retryable) {
        // Still pending: the watcher's next change event (or the next scan) queues it again.
        log.warn(`skipped for now: ${path}: ${error.message}`);
        return { status: 'skipped', photoId, reason: error.message };
      }
      return failFile(error);
    }
    throw error;
  }
  const input = file.bytes ?? path;

  const existing = findContentByHash(db, file.hash);
  const thumbFile = thumbnailPath(dataRoot, file.hash);
  const previewFile = previewPath(dataRoot, file.hash);
  let facts: ImageFacts | undefined;
  let thumbnailHash: Parameters<typeof savePerceptualHash>[2] | undefined;
  try {
    const renditionsExist = (await exists(thumbFile)) && (await exists(previewFile));
    if (!renditionsExist) {
      const renditions = await makeRenditions(input, deps.renditions ?? {});
      facts = renditions.facts;
      await writeAtomically(thumbFile, renditions.thumbnail);
      await writeAtomically(previewFile, renditions.preview);
      // [Note: Perceptual hash of the thumbnail]: the thumbnail is at hand, so hash it now; a
      // content whose renditions already existed is left to the backfill.
      thumbnailHash = await perceptualHashSet(renditions.thumbnail).catch((error: unknown) => ({
        error: error instanceof Error ? error.message : String(error),
      }));
    } else if (!existing) {
      facts = (await openImage(input, deps.renditions ?? {})).facts;
    }
  } catch (error) {
    if (error instanceof ImageError) {
      if (error.cause instanceof FileAccessError && error.cause.code === 'timeout') {
        // A stuck read is not the photo's fault: it stays pending for the next scan.
        log.warn(`skipped for now: ${path}: ${error.message}`);
        return { status: 'skipped', photoId, reason: error.message };
      }
      return fail(error.code === 'unsupported-format' ? 'skipped' : 'broken', error.message);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code) {
      // The data folder could not be written (disk full, permissions): not the photo's fault.
      throw new Error(
        `Cannot write the thumbnail or preview for ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return fail('broken', `The image cannot be processed: ${(error as Error).message}`);
  }

  let contentId: number;
  let newContent = false;
  if (existing) {
    contentId = existing.id;
  } else {
    if (!facts) throw new Error('unreachable: facts are read for new content');
    const metadata = await readPhotoMetadata(facts.exif, facts.exif ? undefined : input);
    const created = insertContent(
      db,
      {
        hash: file.hash,
        size: file.size,
        format: facts.format,
        width: facts.width,
        height: facts.height,
        orientation: metadata.orientation ?? facts.orientation,
        takenAt: metadata.takenAt,
        camera: metadata.camera,
        lat: metadata.lat,
        lon: metadata.lon,
        hasPreview: true,
      },
      now(),
    );
    contentId = created.id;
    newContent = created.created;
  }
  if (existing && !existing.hasPreview) setContentHasPreview(db, contentId, true);
  if (existing) await markVanishedCopiesMissing(db, contentId, photoId);

  const ingest = { contentId, size: file.size, mtimeMs: file.mtimeMs, at: now() };
  const outcome = db.transaction((): IngestOutcome => {
    const current = getPhoto(db, photoId);
    if (!current) {
      return { status: 'skipped', photoId, reason: 'The photo was removed while being ingested.' };
    }
    if (current.contentId === null) {
      // A new place showing bytes a missing place showed: the file moved or was renamed.
      const [moved] = findMissingPhotosOfContent(db, contentId, basename(path));
      if (moved && moved.id !== photoId) {
        relinkPhoto(db, moved.id, photoId, ingest);
        log.info(`moved: ${path} is photo ${String(moved.id)} (was ${moved.relPath})`);
        return { status: 'ok', photoId: moved.id, contentId, newContent, relinkedFrom: photoId };
      }
    }
    setPhotoIngested(db, photoId, ingest);
    return { status: 'ok', photoId, contentId, newContent };
  })();
  if (outcome.status === 'ok' && thumbnailHash !== undefined) {
    savePerceptualHash(db, contentId, thumbnailHash, now());
  }
  if (outcome.status === 'ok' && outcome.newContent && deps.onNewContent) {
    try {
      await deps.onNewContent(outcome.contentId, path);
    } catch (error) {
      log.warn(`after ingest of ${path}: ${(error as Error).message}`);
    }
  }
  return outcome;
}
