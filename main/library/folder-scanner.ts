// Scans one library folder: walks it (symlink loops safe, unreadable folders reported, not
// fatal), compares each image file's size and mtime with the catalog, records new and changed
// files as `pending` and hands them to the ingest queue, and marks vanished files `missing`.
// An unchanged file costs one stat and no read. A folder whose root is gone, or is another
// directory than the one added ([Note: Folder volume identity]), is marked offline and
// nothing in it is touched.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { readSettingText, writeSettingJson } from '../catalog/settings.ts';
import {
  isSameVolume,
  requireFolder,
  setFolderScanned,
  setFolderStatus,
  volumeIdentityOf,
  type Folder,
} from '../catalog/folders.ts';
import {
  loadFolderFileStates,
  markPhotosMissing,
  updatePhotoFile,
  upsertPhoto,
  type PhotoFileState,
} from '../catalog/photos.ts';
import type { ScanDeps } from './library-deps.ts';
import { classifyFile, isIgnoredName, type FileKind } from './library-files.ts';
import { notRegularReason } from '../util/regular-file.ts';

export interface ScanProblem {
  readonly relPath: string;
  readonly reason: string;
}

export interface ScanReport {
  readonly folderId: number;
  readonly folderPath: string;
  /** False when the folder root is gone or is not the folder that was added. */
  readonly online: boolean;
  readonly offlineReason?: string;
  /** Image files found (supported or not). */
  seen: number;
  /** New places recorded as pending. */
  added: number;
  /** Known places whose size or mtime changed (pending again). */
  changed: number;
  unchanged: number;
  /** Missing places found again. */
  returned: number;
  /** Places newly marked missing. */
  missing: number;
  /**
   * Image files recorded as `skipped`: formats Tujian cannot read (HEIC, RAW), and names that
   * are pipes, sockets or devices, or not valid UTF-8 (listed in `problems` with the reason).
   */
  skipped: number;
  /** Files and folders that could not be read (permissions, symlink loops, broken links). */
  errors: number;
  /**
   * Folder symlinks not followed: to a folder already scanned through another path, or leading
   * outside the added folder without the folder's opt-in ([Note: Folder links stay inside]).
   * Listed in `problems` with the reason; not errors.
   */
  linksNotFollowed: number;
  /** Photo ids handed to `enqueueIngest`. */
  enqueued: number;
  /** Up to 200 problems with their reasons (counts above are complete). */
  readonly problems: ScanProblem[];
  durationMs: number;
}

const maxProblems = 200;
const statBatch = 64;

export interface SeenFile {
  readonly relPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly kind: FileKind;
  /** Set when the file cannot be used at all (broken link, loop, undecodable name). */
  readonly problem?: { status: 'broken' | 'skipped'; reason: string };
}

/**
 * Records one file found on disk against its catalog row (if any): a new place, a changed
 * file (pending again), a missing file that is back, or nothing to do. Shared by the scanner
 * and the watcher. Returns the photo id to queue for ingest, if any.
 */
export function recordSeenFile(
  db: Catalog,
  folderId: number,
  file: SeenFile,
  state: PhotoFileState | undefined,
): { change: 'added' | 'changed' | 'returned' | 'unchanged'; enqueue: number | undefined } {
  const problem =
    file.problem ??
    (file.kind.kind === 'unsupported'
      ? { status: 'skipped' as const, reason: file.kind.reason }
      : undefined);
  const status = problem ? problem.status : 'pending';
  const error = problem?.reason ?? null;
  if (!state) {
    const id = upsertPhoto(db, {
      folderId,
      relPath: file.relPath,
      size: file.size,
      mtimeMs: file.mtimeMs,
      status,
      error,
    });
    return { change: 'added', enqueue: status === 'pending' ? id : undefined };
  }
  const sameFile = state.size === file.size && state.mtimeMs === file.mtimeMs;
  if (state.status !== 'missing' && sameFile && !problem) {
    return { change: 'unchanged', enqueue: state.status === 'pending' ? state.id : undefined };
  }
  if (state.status === 'missing' && sameFile && state.hasContent && !problem) {
    // Back unchanged: the content (and its tags, thumbnails) is already known.
    updatePhotoFile(db, state.id, { size: file.size, mtimeMs: file.mtimeMs, status: 'ok' });
    return { change: 'returned', enqueue: undefined };
  }
  updatePhotoFile(db, state.id, { size: file.size, mtimeMs: file.mtimeMs, status, error });
  return {
    change: state.status === 'missing' && sameFile ? 'returned' : 'changed',
    enqueue: status === 'pending' ? state.id : undefined,
  };
}

function emptyReport(folder: Folder): ScanReport {
  return {
    folderId: folder.id,
    folderPath: folder.path,
    online: true,
    seen: 0,
    added: 0,
    changed: 0,
    unchanged: 0,
    returned: 0,
    missing: 0,
    skipped: 0,
    errors: 0,
    linksNotFollowed: 0,
    enqueued: 0,
    problems: [],
    durationMs: 0,
  };
}

function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'Permission denied.';
  if (code === 'ELOOP') return 'Symbolic link loop.';
  if (code === 'ENOENT') return 'Broken symbolic link (its target does not exist).';
  return (error as Error).message;
}

/**
 * Checks that the folder's root is there and is the directory that was added; updates the
 * folder's online/offline status. Returns the reason when offline.
 */
export async function checkFolderOnline(db: Catalog, folder: Folder): Promise<string | undefined> {
  let reason: string | undefined;
  try {
    const stats = await stat(folder.path);
    if (!stats.isDirectory()) reason = `${folder.path} is no longer a folder.`;
    else if (!isSameVolume(folder.volumeId, volumeIdentityOf(stats))) {
      reason =
        `${folder.path} is not the folder that was added (another drive, or an empty mount ` +
        'point where the drive used to be).';
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    reason =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `${folder.path} is not there (drive unplugged or folder moved).`
        : `${folder.path} cannot be read: ${errnoReason(error)}`;
  }
  const status = reason === undefined ? 'online' : 'offline';
  if (folder.status !== status) setFolderStatus(db, folder.id, status);
  return reason;
}

interface WalkSink {
  file(file: SeenFile): void;
  problem(relPath: string, reason: string): void;
  /** A folder link not followed (not an error): see [Note: Folder links stay inside]. */
  linkNotFollowed(relPath: string, reason: string): void;
  /** A folder whose contents are unknown this time: its catalog rows must not go missing. */
  unreadableDir(relDir: string): void;
}

// [Note: Folder links stay inside]
// A symlink to a folder is followed only when its target lies inside the added folder: a link
// to `/etc` or to the whole home folder must not pull everything there into the library. The
// user opts in per folder (`tujian add|index --follow-outside-links`, stored in the settings
// table by `setFollowOutsideLinks`). A folder reached twice (two links to it, or a link to a
// folder also reached directly) is scanned once and the second path is reported as such; only
// a link back to a folder on the current path (an ancestor) is a loop.

const followOutsideLinksKey = 'scan.follow-outside-links';
const FolderIdList = z.array(z.number().int().positive());

function readFollowOutsideLinks(db: Catalog): number[] {
  const text = readSettingText(db, followOutsideLinksKey);
  if (text === undefined) return [];
  const parsed = FolderIdList.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`The ${followOutsideLinksKey} setting is invalid: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** Whether the scan follows folder links leading outside this folder (off by default). */
export function followsOutsideLinks(db: Catalog, folderId: number): boolean {
  return readFollowOutsideLinks(db).includes(folderId);
}

/** Lets the scan follow folder links outside this folder, or stops it; persisted. */
export function setFollowOutsideLinks(db: Catalog, folderId: number, follow: boolean): void {
  const others = readFollowOutsideLinks(db).filter((id) => id !== folderId);
  const ids = follow ? [...others, folderId].sort((x, y) => x - y) : others;
  writeSettingJson(db, followOutsideLinksKey, ids);
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function walkFolder(
  root: string,
  sink: WalkSink,
  options: { followOutsideLinks: boolean },
): Promise<void> {
  const visited = new Set<string>();
  const rootStats = await stat(root);
  const realRoot = await realpath(root);
  const rootKey = `${String(rootStats.dev)}:${String(rootStats.ino)}`;
  visited.add(rootKey);

  interface Subdir {
    readonly abs: string;
    readonly rel: string;
    /** Reached through a symbolic link (its target may lie anywhere). */
    readonly viaLink: boolean;
  }

  const walkDir = async (abs: string, rel: string, ancestors: readonly string[]): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (error) {
      sink.problem(rel || '.', `Cannot read this folder: ${errnoReason(error)}`);
      sink.unreadableDir(rel);
      return;
    }
    const subdirs: Subdir[] = [];
    const toStat: [Dirent, string, FileKind][] = [];
    for (const entry of entries) {
      const name = entry.name;
      if (isIgnoredName(name)) continue;
      const relPath = rel === '' ? name : `${rel}/${name}`;
      if (entry.isDirectory()) {
        subdirs.push({ abs: join(abs, name), rel: relPath, viaLink: false });
        continue;
      }
      const kind = classifyFile(name);
      if (entry.isSymbolicLink() || (entry.isFile() && kind.kind !== 'other')) {
        toStat.push([entry, relPath, kind]);
      } else if (!entry.isFile() && kind.kind !== 'other') {
        // A pipe, socket or device named like a photo: listed, never opened.
        toStat.push([entry, relPath, kind]);
      }
    }
    for (let i = 0; i < toStat.length; i += statBatch) {
      await Promise.all(
        toStat.slice(i, i + statBatch).map(async ([entry, relPath, kind]) => {
          const path = join(abs, entry.name);
          let stats: Stats;
          try {
            // stat never opens the file, so a pipe here cannot block.
            stats = await stat(path);
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (code === 'ENOENT' && entry.name.includes('\uFFFD')) {
              // Node decodes names as UTF-8; a name that is not valid UTF-8 comes back with
              // U+FFFD and cannot be opened by that string.
              if (kind.kind === 'other') return;
              sink.file({
                relPath,
                size: 0,
                mtimeMs: 0,
                kind,
                problem: {
                  status: 'skipped',
                  reason:
                    'The file name is not valid UTF-8, so Tujian cannot open it by name; rename the file.',
                },
              });
              return;
            }
            if (kind.kind === 'other') {
              if (code === 'ELOOP') sink.problem(relPath, 'Symbolic link loop.');
              return;
            }
            const link = await lstat(path).catch(() => undefined);
            sink.file({
              relPath,
              size: link?.size ?? 0,
              mtimeMs: Math.trunc(link?.mtimeMs ?? 0),
              kind,
              problem: { status: 'broken', reason: errnoReason(error) },
            });
            return;
          }
          if (stats.isDirectory()) {
            subdirs.push({ abs: path, rel: relPath, viaLink: true });
            return;
          }
          if (kind.kind === 'other') return;
          if (!stats.isFile()) {
            // [Note: Never open a non-regular file]: recorded as skipped with the reason.
            sink.file({
              relPath,
              size: 0,
              mtimeMs: Math.trunc(stats.mtimeMs),
              kind,
              problem: { status: 'skipped', reason: notRegularReason(stats) },
            });
            return;
          }
          sink.file({ relPath, size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs), kind });
        }),
      );
    }
    for (const subdir of subdirs) {
      let dirStats: Stats;
      try {
        dirStats = await stat(subdir.abs);
      } catch (error) {
        sink.problem(subdir.rel, `Cannot read this folder: ${errnoReason(error)}`);
        continue;
      }
      const key = `${String(dirStats.dev)}:${String(dirStats.ino)}`;
      if (ancestors.includes(key)) {
        sink.problem(
          subdir.rel,
          'Symbolic link loop: this link leads back to a folder that contains it; not followed.',
        );
        continue;
      }
      if (subdir.viaLink && !options.followOutsideLinks) {
        const target = await realpath(subdir.abs).catch(() => undefined);
        if (target === undefined || !isInside(realRoot, target)) {
          sink.linkNotFollowed(
            subdir.rel,
            `Link to ${target ?? 'a folder'} outside the added folder; not followed ` +
              '(tujian index --follow-outside-links follows such links for this folder).',
          );
          continue;
        }
      }
      if (visited.has(key)) {
        sink.linkNotFollowed(
          subdir.rel,
          'Links to a folder already scanned through another path; not scanned twice.',
        );
        continue;
      }
      visited.add(key);
      await walkDir(subdir.abs, subdir.rel, [...ancestors, key]);
    }
  };
  await walkDir(root, '', [rootKey]);
}

/**
 * Looks at one path inside a folder (for the watcher): the file as the scanner would record
 * it, `gone` when nothing is there, or `ignored` for folders and files that are not images.
 */
export async function inspectPath(
  folderPath: string,
  relPath: string,
): Promise<SeenFile | 'gone' | 'ignored'> {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  if (relPath.split('/').some(isIgnoredName)) return 'ignored';
  const kind = classifyFile(name);
  if (kind.kind === 'other') return 'ignored';
  const path = join(folderPath, ...relPath.split('/'));
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) return 'ignored';
    if (!stats.isFile()) {
      // A pipe, socket or device named like a photo: [Note: Never open a non-regular file].
      return {
        relPath,
        size: 0,
        mtimeMs: Math.trunc(stats.mtimeMs),
        kind,
        problem: { status: 'skipped', reason: notRegularReason(stats) },
      };
    }
    return { relPath, size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs), kind };
  } catch (error) {
    const link = await lstat(path).catch(() => undefined);
    if (!link) return 'gone';
    return {
      relPath,
      size: link.size,
      mtimeMs: Math.trunc(link.mtimeMs),
      kind,
      problem: { status: 'broken', reason: errnoReason(error) },
    };
  }
}

function isUnder(relPath: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => dir === '' || relPath.startsWith(dir + '/'));
}

/** Scans the folder and returns what it found; see the file header. */
export async function scanFolder(deps: ScanDeps, folderId: number): Promise<ScanReport> {
  const { db, log } = deps;
  const now = deps.now ?? Date.now;
  const started = performance.now();
  const folder = requireFolder(db, folderId);
  const report = emptyReport(folder);

  const offlineReason = await checkFolderOnline(db, folder);
  if (offlineReason !== undefined) {
    log.warn(`offline: ${offlineReason} Its photos and tags are kept.`);
    report.durationMs = performance.now() - started;
    return { ...report, online: false, offlineReason };
  }

  const known = loadFolderFileStates(db, folder.id);
  const seenPaths = new Set<string>();
  const unreadableDirs: string[] = [];
  const toEnqueue: number[] = [];
  const listProblem = (relPath: string, reason: string) => {
    if (report.problems.length < maxProblems) report.problems.push({ relPath, reason });
    log.warn(`scan ${folder.path}: ${relPath}: ${reason}`);
  };
  const addProblem = (relPath: string, reason: string) => {
    report.errors++;
    listProblem(relPath, reason);
  };

  // Writes are batched into transactions: one per 500 changed files keeps a first scan of a
  // big folder fast without holding the write lock for long.
  let batch: SeenFile[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    const files = batch;
    batch = [];
    // IMMEDIATE: reads then writes, and another Tujian may write the catalog meanwhile.
    db.transaction(() => {
      for (const file of files) applyFile(file, known.get(file.relPath));
    }).immediate();
  };
  const applyFile = (file: SeenFile, state: PhotoFileState | undefined) => {
    const { change, enqueue } = recordSeenFile(db, folder.id, file, state);
    report[change]++;
    if (enqueue !== undefined) toEnqueue.push(enqueue);
  };

  try {
    const walkOptions = { followOutsideLinks: followsOutsideLinks(db, folder.id) };
    await walkFolder(
      folder.path,
      {
        file(file) {
          report.seen++;
          seenPaths.add(file.relPath);
          // One count per file: skipped (with or without a listed reason) or unreadable.
          if (file.problem?.status === 'skipped') {
            report.skipped++;
            listProblem(file.relPath, file.problem.reason);
          } else if (file.problem) addProblem(file.relPath, file.problem.reason);
          else if (file.kind.kind === 'unsupported') report.skipped++;
          const state = known.get(file.relPath);
          if (
            state &&
            state.status !== 'missing' &&
            state.size === file.size &&
            state.mtimeMs === file.mtimeMs &&
            !file.problem
          ) {
            report.unchanged++;
            // A pending place from an interrupted run is handed to the queue again.
            if (state.status === 'pending') toEnqueue.push(state.id);
            return;
          }
          batch.push(file);
          if (batch.length >= 500) flush();
        },
        problem: addProblem,
        linkNotFollowed(relPath, reason) {
          report.linksNotFollowed++;
          listProblem(relPath, reason);
        },
        unreadableDir(relDir) {
          unreadableDirs.push(relDir);
        },
      },
      walkOptions,
    );
  } catch (error) {
    // The root became unreadable between the check and the walk (unplugged mid-scan).
    flush();
    const reason = (await checkFolderOnline(db, folder)) ?? `Scan failed: ${errnoReason(error)}`;
    log.warn(`offline: ${reason} Its photos and tags are kept.`);
    report.durationMs = performance.now() - started;
    return { ...report, online: false, offlineReason: reason };
  }
  flush();

  // Gone files become missing, except under folders that could not be read this time — and
  // not at all if the root vanished during the walk (a drive unplugged mid-scan).
  const gone: number[] = [];
  for (const [relPath, state] of known) {
    if (state.status === 'missing' || seenPaths.has(relPath)) continue;
    if (isUnder(relPath, unreadableDirs)) continue;
    gone.push(state.id);
  }
  if (gone.length > 0) {
    const stillThere = await checkFolderOnline(db, folder);
    if (stillThere !== undefined) {
      log.warn(`offline: ${stillThere} Its photos and tags are kept.`);
      report.durationMs = performance.now() - started;
      return { ...report, online: false, offlineReason: stillThere };
    }
    markPhotosMissing(db, gone);
    report.missing = gone.length;
  }
  setFolderScanned(db, folder.id, now());
  for (const id of toEnqueue) deps.enqueueIngest(id);
  report.enqueued = toEnqueue.length;
  report.durationMs = performance.now() - started;
  return report;
}
