// Opens everything a host needs in one place: the catalog in the data folder, the ports
// (library, search, jobs, engine settings) and the service facade, plus an event bus the
// host forwards to its windows or SSE clients and a progress feed. Both hosts call this,
// so the desktop app and `tujian serve` behave the same.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { openDataCatalog } from '../catalog/catalog-backup.ts';
import {
  deleteFolderRow,
  findFolderIdByPath,
  folderStatesSignature,
  insertFolderRow,
} from '../catalog/folders.ts';
import { dataPaths } from '../util/data-dir.ts';
import { ApiError, type ApiEvent, type EngineId } from '../../preload/api-contract.ts';
import {
  createAppService,
  createCatalogJobsPort,
  type AppService,
  type DesktopPort,
  type JobsPort,
  type LibraryPort,
  type SearchPort,
} from './app-service.ts';
import type { TaggingEngine } from '../engines/engine.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { startLibraryRuntime, type LibraryRuntime } from './library-runtime.ts';
import { createSearchPort } from './search-port.ts';
import { DuplicateGroupsCache } from '../search/duplicate-groups-cache.ts';
import { startSearchIndex } from '../search/search-index.ts';
import { createCatalogEngineSettings, type CredentialStore } from './catalog-engine-settings.ts';
import { chainSecretStores, envSecretStore, fileSecretStore } from '../engines/engine-settings.ts';

export interface AppContextOptions {
  readonly dataRoot: string;
  readonly host: 'desktop' | 'web';
  readonly version?: string;
  readonly desktop?: DesktopPort;
  readonly credentials?: CredentialStore;
  readonly log?: Logger;
  /**
   * The tagging engines, or how to build them from the catalog's settings and the secret
   * store (main/engines/engine-registry.ts); when given, the library runs live (watching,
   * ingesting, tagging) and `close()` drains it. Without them the context only reads and
   * edits the catalog.
   */
  readonly engines?:
    EngineSetLike | ((db: Catalog, credentials: CredentialStore) => Promise<EngineSetLike>);
  /** Watch folders for changes while running (default true). */
  readonly watch?: boolean;
  /** Replace a port (tests). */
  readonly library?: LibraryPort;
  readonly search?: SearchPort;
  readonly jobs?: JobsPort;
  /** How often the progress feed looks at the job table. */
  readonly progressIntervalMs?: number;
}

/** The engines a host runs with (main/cli/cli-engines.ts builds one). */
export interface EngineSetLike {
  readonly engines: ReadonlyMap<EngineId, TaggingEngine>;
  readonly concurrency: Partial<Record<EngineId, number>>;
  readonly limits?: Partial<Record<EngineId, { qps: number; concurrency: number }>>;
  readonly fingerprints?: Partial<Record<EngineId, string>>;
  close(): Promise<void>;
}

export interface AppContext {
  readonly db: Catalog;
  readonly dataRoot: string;
  readonly service: AppService;
  /** The live library, when engines were given. */
  readonly runtime: LibraryRuntime | null;
  /** Subscribe to API events; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  close(): Promise<void>;
}

/** Folders recorded in the catalog; indexing is started by the library runtime when present. */
export function createCatalogLibraryPort(db: Catalog, now: () => number = Date.now): LibraryPort {
  return {
    addFolder(path, engines: readonly EngineId[]) {
      const absolute = resolve(path);
      let isDirectory = false;
      try {
        isDirectory = statSync(absolute).isDirectory();
      } catch {
        throw new ApiError('not-found', `The folder ${absolute} does not exist or cannot be read.`);
      }
      if (!isDirectory) throw new ApiError('invalid-input', `${absolute} is not a folder.`);
      const existing = findFolderIdByPath(db, absolute);
      if (existing !== undefined) return Promise.resolve(existing);
      return Promise.resolve(insertFolderRow(db, absolute, engines, now()));
    },
    removeFolder(id) {
      deleteFolderRow(db, id);
      return Promise.resolve();
    },
    rescanFolder(): Promise<null> {
      return Promise.reject(
        new ApiError('unavailable', 'Rescanning needs the library runtime, which is not running.'),
      );
    },
  };
}

export async function openAppContext(options: AppContextOptions): Promise<AppContext> {
  const dataRoot = resolve(options.dataRoot);
  const log = options.log ?? silentLogger;
  const db = openDataCatalog(dataPaths(dataRoot), (b) => {
    log.info(`catalog backed up before migration to ${b.file}`);
  });
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };
  // The web host keeps secrets like the CLI: environment variables first, then a 0600 file
  // in the data folder (main/engines/engine-settings.ts); the desktop passes safeStorage.
  const credentials =
    options.credentials ??
    (() => {
      const file = fileSecretStore(join(dataRoot, 'secrets.json'));
      return chainSecretStores([envSecretStore(), file], file);
    })();
  const pendingScopes = new Set<'photos' | 'tags' | 'folders' | 'people'>();
  let engineSet: EngineSetLike | undefined;
  try {
    engineSet =
      typeof options.engines === 'function'
        ? await options.engines(db, credentials)
        : options.engines;
  } catch (error) {
    db.close();
    throw error;
  }
  const runtime = engineSet
    ? startLibraryRuntime({
        db,
        dataRoot,
        log,
        engines: engineSet.engines,
        concurrency: engineSet.concurrency,
        ...(engineSet.limits ? { limits: engineSet.limits } : {}),
        ...(engineSet.fingerprints ? { fingerprints: engineSet.fingerprints } : {}),
        watch: options.watch ?? true,
        onChange: (event) => {
          // Coalesced: a big import finishes many jobs a second; views refresh once a tick.
          if (event.type === 'job-finished' && event.outcome === 'done') {
            pendingScopes.add(event.kind === 'ingest' ? 'photos' : 'tags');
          }
        },
        // The background matcher and re-cluster place faces without any API call: the
        // People view learns of it here (coalesced like the job events).
        onPeopleChange: () => {
          pendingScopes.add('people');
        },
      })
    : null;
  // Searches from the UI run in memory while the catalog is unchanged ([Note: Search snapshots]).
  const searchIndex = startSearchIndex(db, dataPaths(dataRoot).catalog, { log });
  // The Duplicates page's groups, listed in a worker and kept while the catalog has them
  // ([Note: Duplicate groups off the main thread]).
  const duplicateGroups = new DuplicateGroupsCache(db, dataPaths(dataRoot).catalog, { log });
  const service = createAppService({
    db,
    host: options.host,
    version: options.version ?? '0.1.0',
    dataRoot,
    library: options.library ?? runtime?.library ?? createCatalogLibraryPort(db),
    search: options.search ?? createSearchPort(db),
    jobs: options.jobs ?? runtime?.jobs ?? createCatalogJobsPort(db),
    engineSettings: createCatalogEngineSettings(db, credentials),
    ...(options.desktop ? { desktop: options.desktop } : {}),
    emit,
    duplicateGroups,
  });

  // Progress: look at the job table now and then and tell listeners when it changed.
  let lastProgress = '';
  let polling = false;
  // A folder going offline or online (unplugged, plugged back, found by a rescan or the
  // CLI in another process) is a catalog change the sidebar must see without a reload.
  let lastFolderStates = folderStatesSignature(db);
  const timer = setInterval(() => {
    const states = folderStatesSignature(db);
    if (states !== lastFolderStates) {
      lastFolderStates = states;
      pendingScopes.add('folders');
    }
    for (const scope of pendingScopes) emit({ type: 'catalog-changed', scope });
    pendingScopes.clear();
    if (listeners.size === 0 || polling) return;
    polling = true;
    service
      .activityStatus()
      .then((status) => {
        const text = JSON.stringify(status);
        if (text !== lastProgress) {
          lastProgress = text;
          emit({ type: 'progress', status });
        }
      })
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  }, options.progressIntervalMs ?? 1000);
  timer.unref();

  return {
    db,
    dataRoot,
    service,
    runtime,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      clearInterval(timer);
      // Jobs in flight commit their outcome before the catalog closes.
      await runtime?.drain();
      await engineSet?.close();
      await searchIndex.close();
      await duplicateGroups.close();
      listeners.clear();
      db.close();
    },
  };
}
