// Watches every library folder with chokidar (the one module that touches chokidar, Immich's
// habit) and keeps the catalog in step: added and changed files become pending and are
// queued for ingest, deleted ones become missing, a rename is an unlink plus an add that the
// ingest matches by hash. Events are batched per folder; deletions are applied before
// additions so a move finds its old row missing. A periodic reconcile scan catches what
// watchers miss (network mounts, inotify limits) and brings folders back online.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { listFolders, type Folder } from '../catalog/folders.ts';
import { findPhotoByPath, markPhotosMissing, markPhotosMissingUnder } from '../catalog/photos.ts';
import {
  checkFolderOnline,
  inspectPath,
  recordSeenFile,
  scanFolder,
  type ScanReport,
} from './folder-scanner.ts';
import type { ScanDeps } from './library-deps.ts';
import { noteWatchError } from './offline-volumes.ts';
import { classifyFile, isIgnoredName } from './library-files.ts';

export interface WatchOptions {
  /** How often every folder is scanned to catch what the watchers missed. Default 10 min. */
  readonly reconcileIntervalMs?: number;
  /** Quiet time before a folder's batch of events is applied. Default 100 ms. */
  readonly debounceMs?: number;
  /** A batch is applied at the latest this long after its first event. Default 1 s. */
  readonly maxBatchDelayMs?: number;
  /** A file must keep its size this long before it is read (half-written files). Default 300 ms. */
  readonly writeFinishMs?: number;
  /** Poll the file system instead of inotify/FSEvents (network shares). Default false. */
  readonly usePolling?: boolean;
  /** Scan every folder on start. Default true. */
  readonly scanOnStart?: boolean;
}

export interface LibraryWatcher {
  /** Resolves when every online folder is watched and the start scans are done. */
  readonly ready: Promise<ScanReport[]>;
  /** Scans every folder now (also starts watching folders added or back online). */
  reconcileNow(): Promise<ScanReport[]>;
  /** Folder ids being watched right now. */
  watchedFolderIds(): number[];
  close(): Promise<void>;
  /** The chokidar watcher of a folder (tests inject errors through it). */
  chokidarOf(folderId: number): FSWatcher | undefined;
}

type EventKind = 'upsert' | 'unlink' | 'unlinkDir';

interface FolderWatch {
  readonly folder: Folder;
  readonly watcher: FSWatcher;
  readonly pending: Map<string, EventKind>;
  timer: NodeJS.Timeout | undefined;
  firstEventAt: number | undefined;
  limitReported: boolean;
}

function inotifyLimit(): string {
  try {
    return readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** The log line for a watcher error; the inotify limit gets its own explanation. */
export function describeWatchError(
  error: NodeJS.ErrnoException,
  folderPath: string,
  reconcileIntervalMs: number,
): string {
  const minutes = Math.max(1, Math.round(reconcileIntervalMs / 60_000));
  if (error.code === 'ENOSPC') {
    return (
      `watch limit reached: the system's inotify watch limit (fs.inotify.max_user_watches = ` +
      `${inotifyLimit()}) is used up, so some folders under ${folderPath} are not watched. ` +
      `Changes there are found by the reconcile scan every ${String(minutes)} min instead. ` +
      'To watch everything, raise the limit: sudo sysctl fs.inotify.max_user_watches=524288'
    );
  }
  if (error.code === 'EMFILE') {
    return (
      `watch limit reached: too many open files while watching ${folderPath}; changes there ` +
      `are found by the reconcile scan every ${String(minutes)} min instead.`
    );
  }
  return `watch error under ${folderPath}: ${error.message}`;
}

export function watchLibrary(deps: ScanDeps, options: WatchOptions = {}): LibraryWatcher {
  const { db, log } = deps;
  const reconcileIntervalMs = options.reconcileIntervalMs ?? 10 * 60_000;
  const debounceMs = options.debounceMs ?? 100;
  const maxBatchDelayMs = options.maxBatchDelayMs ?? 1000;
  const writeFinishMs = options.writeFinishMs ?? 300;
  const watches = new Map<number, FolderWatch>();
  let closed = false;
  let reconciling: Promise<ScanReport[]> | undefined;
  let applying = Promise.resolve();

  const relPathOf = (folder: Folder, path: string): string =>
    relative(folder.path, path).split(sep).join('/');

  const stopWatching = async (folderId: number) => {
    const entry = watches.get(folderId);
    if (!entry) return;
    watches.delete(folderId);
    if (entry.timer) clearTimeout(entry.timer);
    await entry.watcher.close();
  };

  /** Applies one folder's batch: deletions first, then additions and changes. */
  const applyBatch = async (entry: FolderWatch) => {
    const batch = [...entry.pending];
    entry.pending.clear();
    entry.firstEventAt = undefined;
    if (batch.length === 0) return;
    const { folder } = entry;
    const offline = await checkFolderOnline(db, folder);
    if (offline !== undefined) {
      // The drive went away: its files are not missing, the folder is offline.
      log.warn(`offline: ${offline} Its photos and tags are kept.`);
      await stopWatching(folder.id);
      return;
    }
    const toEnqueue: number[] = [];
    const order: Record<EventKind, number> = { unlinkDir: 0, unlink: 1, upsert: 2 };
    batch.sort((a, b) => order[a[1]] - order[b[1]]);
    const inspected = await Promise.all(
      batch.map(async ([relPath, kind]) =>
        kind === 'unlinkDir' ? ('dir' as const) : await inspectPath(folder.path, relPath),
      ),
    );
    db.transaction(() => {
      for (const [i, [relPath, kind]] of batch.entries()) {
        const found = inspected[i];
        if (kind === 'unlinkDir') {
          // The root itself going away was handled above (offline); never empty a folder.
          if (relPath !== '') markPhotosMissingUnder(db, folder.id, relPath);
          continue;
        }
        if (found === 'ignored' || found === undefined || found === 'dir') continue;
        const photo = findPhotoByPath(db, folder.id, relPath);
        if (found === 'gone') {
          if (photo) markPhotosMissing(db, [photo.id]);
          continue;
        }
        const state = photo && {
          id: photo.id,
          size: photo.size,
          mtimeMs: photo.mtimeMs,
          status: photo.status,
          hasContent: photo.contentId !== null,
        };
        const { enqueue } = recordSeenFile(db, folder.id, found, state);
        if (enqueue !== undefined) toEnqueue.push(enqueue);
      }
    })();
    for (const id of toEnqueue) deps.enqueueIngest(id);
  };

  const schedule = (entry: FolderWatch) => {
    if (entry.timer) clearTimeout(entry.timer);
    const now = Date.now();
    entry.firstEventAt ??= now;
    const wait = Math.max(0, Math.min(debounceMs, entry.firstEventAt + maxBatchDelayMs - now));
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      // Batches are applied one at a time so two never interleave their catalog writes.
      applying = applying
        .then(() => applyBatch(entry))
        .catch((error: unknown) => {
          log.warn(`watch ${entry.folder.path}: ${(error as Error).message}`);
        });
    }, wait);
  };

  const startWatching = async (folder: Folder) => {
    if (closed || watches.has(folder.id)) return;
    const watcher = watch(folder.path, {
      ignoreInitial: true,
      followSymlinks: true,
      alwaysStat: false,
      usePolling: options.usePolling ?? false,
      awaitWriteFinish: { stabilityThreshold: writeFinishMs, pollInterval: 50 },
      ignored: (path, stats) => {
        const name = path.slice(path.lastIndexOf(sep) + 1);
        if (path !== folder.path && isIgnoredName(name)) return true;
        return stats?.isFile() === true && classifyFile(name).kind === 'other';
      },
    });
    const entry: FolderWatch = {
      folder,
      watcher,
      pending: new Map(),
      timer: undefined,
      firstEventAt: undefined,
      limitReported: false,
    };
    watches.set(folder.id, entry);
    const note = (kind: EventKind) => (path: string) => {
      const relPath = relPathOf(folder, path);
      if (relPath === '' && kind === 'unlinkDir') {
        entry.pending.set('', 'unlinkDir');
      } else if (relPath !== '' && !relPath.startsWith('..')) {
        entry.pending.set(relPath, kind);
      }
      schedule(entry);
    };
    watcher.on('add', note('upsert'));
    watcher.on('change', note('upsert'));
    watcher.on('unlink', note('unlink'));
    watcher.on('unlinkDir', note('unlinkDir'));
    // chokidar lists a new directory and only then arms its watch: a file written in that gap
    // gets no 'add' event (seen with mkdir + write in quick succession). So once the new
    // directory has had time to settle, its files are listed and noted like additions; a file
    // already noted or unchanged costs nothing more than a stat.
    watcher.on('addDir', (path: string) => {
      if (relPathOf(folder, path) === '') return;
      setTimeout(() => {
        if (closed || watches.get(folder.id) !== entry) return;
        readdir(path, { recursive: true, withFileTypes: true })
          .then((found) => {
            const upsert = note('upsert');
            for (const dirent of found) {
              if (!dirent.isFile() || isIgnoredName(dirent.name)) continue;
              if (classifyFile(dirent.name).kind === 'other') continue;
              upsert(join(dirent.parentPath, dirent.name));
            }
          })
          .catch(() => undefined); // gone again: its unlinkDir event handles it
      }, writeFinishMs);
    });
    watcher.on('error', (error: unknown) => {
      const err = error as NodeJS.ErrnoException;
      const limit = err.code === 'ENOSPC' || err.code === 'EMFILE';
      if (limit && entry.limitReported) return;
      if (limit) entry.limitReported = true;
      log.warn(describeWatchError(err, folder.path, reconcileIntervalMs));
      if (limit) return;
      // Any other watch error may be the drive going away (offline-volumes.ts decides by the
      // folder's root identity); then the watch stops until a reconcile scan finds it back.
      noteWatchError(db, folder.id, err)
        .then(async (offline) => {
          if (offline === undefined) return;
          log.warn(`offline: ${offline} Its photos and tags are kept.`);
          await stopWatching(folder.id);
        })
        .catch((checkError: unknown) => {
          log.warn(`after a watch error on ${folder.path}: ${(checkError as Error).message}`);
        });
    });
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
  };

  const reconcile = async (): Promise<ScanReport[]> => {
    const reports: ScanReport[] = [];
    const folders = listFolders(db);
    const known = new Set(folders.map((f) => f.id));
    for (const id of [...watches.keys()]) if (!known.has(id)) await stopWatching(id);
    for (const folder of folders) {
      if (closed) break;
      const offline = await checkFolderOnline(db, folder);
      if (offline === undefined) {
        // Watch first, then scan: nothing changed between the two goes unseen.
        await startWatching({ ...folder, status: 'online' });
      } else {
        await stopWatching(folder.id);
      }
      reports.push(await scanFolder(deps, folder.id));
    }
    return reports;
  };
  const reconcileOnce = (): Promise<ScanReport[]> => {
    reconciling ??= reconcile().finally(() => {
      reconciling = undefined;
    });
    return reconciling;
  };

  const ready =
    options.scanOnStart === false
      ? (async () => {
          for (const folder of listFolders(db)) {
            if ((await checkFolderOnline(db, folder)) === undefined) await startWatching(folder);
          }
          return [];
        })()
      : reconcileOnce();
  const interval = setInterval(() => {
    reconcileOnce().catch((error: unknown) => {
      log.warn(`reconcile scan failed: ${(error as Error).message}`);
    });
  }, reconcileIntervalMs);
  interval.unref();

  return {
    ready,
    reconcileNow: reconcileOnce,
    watchedFolderIds: () => [...watches.keys()],
    chokidarOf: (folderId) => watches.get(folderId)?.watcher,
    async close() {
      closed = true;
      clearInterval(interval);
      await reconciling?.catch(() => undefined);
      for (const id of [...watches.keys()]) await stopWatching(id);
      await applying;
    },
  };
}
