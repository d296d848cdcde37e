// Opens everything a host needs in one place: the catalog in the data folder, the ports
// (library, search, jobs, engine settings) and the service facade, plus an event bus the
// host forwards to its windows or SSE clients and a progress feed. Both hosts call this,
// so the desktop app and `tujian serve` behave the same.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { openCatalog, type Catalog } from '../catalog/catalog-connection.ts';
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
import { basicAutocomplete, basicCount, basicSearch } from './basic-search.ts';
import {
  createCatalogEngineSettings,
  createMemoryCredentialStore,
  type CredentialStore,
} from './catalog-engine-settings.ts';

export interface AppContextOptions {
  readonly dataRoot: string;
  readonly host: 'desktop' | 'web';
  readonly version?: string;
  readonly desktop?: DesktopPort;
  readonly credentials?: CredentialStore;
  /** Replace a port (the library runtime, the job runner) when the host has one. */
  readonly library?: LibraryPort;
  readonly search?: SearchPort;
  readonly jobs?: JobsPort;
  /** How often the progress feed looks at the job table. */
  readonly progressIntervalMs?: number;
}

export interface AppContext {
  readonly db: Catalog;
  readonly dataRoot: string;
  readonly service: AppService;
  /** Subscribe to API events; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  close(): Promise<void>;
}

export function createCatalogSearchPort(db: Catalog): SearchPort {
  return {
    search: (input) => basicSearch(db, input),
    autocomplete: (prefix, limit) => basicAutocomplete(db, prefix, limit),
    count: (query) => basicCount(db, query),
  };
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
      const existing = db
        .prepare<[string], { id: number }>(`SELECT id FROM folders WHERE path = ?`)
        .get(absolute);
      if (existing) return Promise.resolve(existing.id);
      const row = db
        .prepare<[string, string, number], { id: number }>(
          `INSERT INTO folders (path, engines, added_at) VALUES (?, ?, ?) RETURNING id`,
        )
        .get(absolute, JSON.stringify(engines), now());
      if (!row) throw new Error('folder insert returned nothing');
      return Promise.resolve(row.id);
    },
    removeFolder(id) {
      db.prepare(`DELETE FROM folders WHERE id = ?`).run(id);
      return Promise.resolve();
    },
    rescanFolder() {
      return Promise.reject(
        new ApiError('unavailable', 'Rescanning needs the library runtime, which is not running.'),
      );
    },
  };
}

export function openAppContext(options: AppContextOptions): AppContext {
  const dataRoot = resolve(options.dataRoot);
  const db = openCatalog(dataPaths(dataRoot).catalog);
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };
  const credentials = options.credentials ?? createMemoryCredentialStore();
  const service = createAppService({
    db,
    host: options.host,
    version: options.version ?? '0.1.0',
    dataRoot,
    library: options.library ?? createCatalogLibraryPort(db),
    search: options.search ?? createCatalogSearchPort(db),
    jobs: options.jobs ?? createCatalogJobsPort(db),
    engineSettings: createCatalogEngineSettings(db, credentials, (engine) =>
      Promise.resolve({
        ok: false,
        message: `Testing the ${engine} connection needs its engine module, which is not built in yet.`,
      }),
    ),
    ...(options.desktop ? { desktop: options.desktop } : {}),
    emit,
  });

  // Progress: look at the job table now and then and tell listeners when it changed.
  let lastProgress = '';
  let polling = false;
  const timer = setInterval(() => {
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
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      clearInterval(timer);
      listeners.clear();
      db.close();
      return Promise.resolve();
    },
  };
}
