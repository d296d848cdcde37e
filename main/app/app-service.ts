// The service facade both hosts call (Electron IPC and the web host's HTTP routes): one
// handler per API channel, implemented against the catalog, library, search, jobs and
// engines. Every side effect (file dialogs, opening files, engine settings, the job
// runner, scanning) is a port passed in, so tests run it on a real catalog with real or
// temporary collaborators and no host (STYLE.md rule 4).
import { createPeopleHandlers } from './people-handlers.ts';
import { createDuplicateHandlers, type DuplicateGroupsSource } from './duplicate-handlers.ts';
import { createMapHandlers } from './map-handlers.ts';
import {
  AlbumError,
  createManualAlbum,
  deleteAlbum,
  getAlbum,
  renameAlbum,
} from '../catalog/albums.ts';
import { moveAlbumPhotos } from '../catalog/album-photos.ts';
import {
  bulkAddTag,
  bulkAddToAlbum,
  bulkRemoveFromAlbum,
  bulkRemoveTag,
  BulkUndoError,
  undoBulkChange,
  type BulkChangeSummary,
} from '../catalog/bulk-changes.ts';
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  addTag,
  findTagByName,
  removeTag,
  TagEditError,
  unrejectTag,
} from '../catalog/tag-editing.ts';
import {
  getTagInfo,
  mergeTagsReported,
  previewMerge,
  renameTagReported,
  type TagInfo as CatalogTagInfo,
} from '../catalog/tag-management.ts';
import { callsUsed, readBudget } from '../jobs/engine-budget.ts';
import { expandHome } from '../util/home-path.ts';
import { browseFolders } from './folder-browser.ts';
import {
  clearEngineStop,
  isEnginePaused,
  readJobControls,
  setJobsPaused,
} from '../jobs/job-controls.ts';
import { albumPage, albumPhotoIds, createAlbum, listAlbums } from '../search/smart-albums.ts';
import { exportPhotos, writeCsv, writeJson } from '../catalog/catalog-export.ts';
import { photoSummaryOf } from './search-port.ts';
import {
  ApiError,
  engineIds,
  type ActivityStatus,
  type ApiEvent,
  type ApiHandlers,
  type ApiOutput,
  type BulkChange,
  type EngineId,
  type EngineMigrationEstimate,
  type EngineSettingsPatch,
  type EngineSettingsView,
  type RescanResult,
  type SearchResult,
  type SearchSort,
  type SidecarSettingsView,
  type TagCount,
  type TagInfo,
} from '../../preload/api-contract.ts';
import {
  countEngineActivity,
  getFolder,
  getPhotoDetails,
  listFailures,
  listFolders,
  setFolderEngines,
} from './catalog-views.ts';
import { readSettingJson, writeOrDeleteSetting } from '../catalog/settings.ts';
import { readXmpSettings, writeXmpSettings, type XmpSettings } from '../library/xmp-sidecars.ts';
import { countIngest, retryFailedJobsById } from '../catalog/jobs-table.ts';
import { QueryParseError, SearchCursorError } from '../search/search-service.ts';
import {
  estimateEngineMigration,
  MigrationError,
  queueEngineMigration,
} from './engine-migration.ts';

export type RescanCounts = NonNullable<RescanResult['found']>;

export interface LibraryPort {
  /** Adds (or finds) a folder and starts indexing it; returns its id. */
  addFolder(path: string, engines: readonly EngineId[]): Promise<number>;
  removeFolder(id: number): Promise<void>;
  /** Scans the folder now; what the scan found, or null when the folder was not scanned. */
  rescanFolder(id: number): Promise<RescanCounts | null>;
}

export interface SearchPort {
  search(input: {
    query: string;
    sort: SearchSort;
    cursor: string | null;
    limit: number;
    withFacets: boolean;
    lastWordPrefix: boolean;
  }): SearchResult;
  autocomplete(prefix: string, limit: number): TagCount[];
  /** How many photos a saved query finds now (smart album counts). */
  count(query: string): number;
}

export interface JobsPort {
  setPaused(engine: EngineId | null, paused: boolean): void;
  isPaused(engine: EngineId): boolean;
  /** Why an engine's queue stopped on its own, if it did. */
  stoppedReason(engine: EngineId): string | null;
  /** Failed jobs back to the queue (all when null); returns how many. */
  retry(jobIds: readonly number[] | null): number;
  /** What moving photos off an engine would do (main/app/engine-migration.ts). */
  estimateMigration(input: MigrationRequest): EngineMigrationEstimate;
  /** Queues them; returns how many contents were queued. */
  queueMigration(input: MigrationRequest): number;
  /** Whether the runner is working right now. */
  isRunning(): boolean;
  /** Set while a full data disk keeps the runner paused: [Note: A full disk pauses the run]. */
  diskFull?(): string | null;
}

export interface EngineSettingsPort {
  list(): Promise<EngineSettingsView[]>;
  update(patch: EngineSettingsPatch): Promise<EngineSettingsView>;
  test(engine: EngineId): Promise<ApiOutput<'settings.testEngine'>>;
}

/** Desktop-only abilities; absent in the web host. */
export interface DesktopPort {
  pickFolder(): Promise<string | null>;
  openPath(path: string): Promise<void>;
  showInFolder(path: string): void;
  /** Moves a file to the OS trash ([Note: Keep this one never deletes]). */
  trashItem?(path: string): Promise<void>;
}

export interface AppServiceDeps {
  readonly db: Catalog;
  readonly host: 'desktop' | 'web';
  readonly version: string;
  readonly dataRoot: string;
  readonly library: LibraryPort;
  readonly search: SearchPort;
  readonly jobs: JobsPort;
  readonly engineSettings: EngineSettingsPort;
  readonly desktop?: DesktopPort;
  /** Where the folder browser starts and stays (default: the user's home folder). */
  readonly home?: string;
  readonly emit: (event: ApiEvent) => void;
  readonly now?: () => number;
  /** Near-duplicate groups kept off the main thread; absent, listed in place. */
  readonly duplicateGroups?: DuplicateGroupsSource;
}

const uiLanguageKey = 'ui.language';

/** What the app asks of an engine migration (the API's input, defaults applied). */
export interface MigrationRequest {
  readonly from: EngineId;
  readonly to: EngineId;
  readonly query: string;
}

/** A migration's errors as the API's: a bad query is a syntax hint, a bad pair invalid input. */
function translateMigrationErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof QueryParseError)
      throw new ApiError('query-syntax', error.message, {
        start: error.position,
        length: Math.max(1, error.length),
      });
    if (error instanceof MigrationError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
}

/** The catalog modules' own errors, as the API's error codes. */
function translateCatalogErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TagEditError) {
      throw new ApiError(error.code === 'not-found' ? 'not-found' : 'invalid-input', error.message);
    }
    if (error instanceof AlbumError) {
      const code =
        error.code === 'not-found'
          ? 'not-found'
          : error.code === 'name-taken'
            ? 'conflict'
            : error.code === 'invalid-query'
              ? 'query-syntax'
              : 'invalid-input';
      throw new ApiError(code, error.message);
    }
    if (error instanceof BulkUndoError) throw new ApiError('conflict', error.message);
    if (error instanceof SearchCursorError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
}

/** A bulk change as the API says it (the toast's facts). */
function bulkChangeView(change: BulkChangeSummary): BulkChange {
  if ('album' in change) return change;
  const { id, name, type, zh, en } = change.tag;
  return { ...change, tag: { tagId: id, name, type, zh, en } };
}
/** A catalog tag with its count and aliases, as the API shows it. */
function tagInfoView(tag: CatalogTagInfo): TagInfo {
  return {
    tagId: tag.id,
    name: tag.name,
    type: tag.type,
    zh: tag.zh,
    en: tag.en,
    photos: tag.photos,
    aliases: tag.aliases.map((a) => ({ name: a.name, type: a.type, zh: a.zh, en: a.en })),
  };
}

/** Rates are measured over this window. */
const rateWindowMs = 5 * 60_000;
/** Results needed (over at least a minute) before an engine's rate is good for an ETA. */
const minResultsForEta = 5;

export interface AppService {
  readonly handlers: ApiHandlers;
  activityStatus(): Promise<ActivityStatus>;
}

export function createAppService(deps: AppServiceDeps): AppService {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const changed = (scope: Extract<ApiEvent, { type: 'catalog-changed' }>['scope']) => {
    deps.emit({ type: 'catalog-changed', scope });
  };
  const requireDesktop = (): DesktopPort => {
    if (!deps.desktop) {
      throw new ApiError('unavailable', 'This needs the desktop app.');
    }
    return deps.desktop;
  };

  async function activityStatus(): Promise<ActivityStatus> {
    const settings = await deps.engineSettings.list();
    const counts = countEngineActivity(db, now(), rateWindowMs);
    const engines = engineIds.flatMap((engine) => {
      const setting = settings.find((s) => s.engine === engine);
      const c = counts.get(engine);
      if (!c && !setting?.enabled) return [];
      const queued = c?.queued ?? 0;
      // Photos per minute over the recent results, measured from the first of them (at
      // least a minute, so two quick results do not read as a huge rate).
      const observedMs = c?.firstRecentAt ? now() - c.firstRecentAt : 0;
      const span = c?.firstRecentAt ? Math.max(60_000, observedMs) : rateWindowMs;
      const rate = ((c?.doneRecent ?? 0) * 60_000) / span;
      const paused = deps.jobs.isPaused(engine);
      const left = queued + (c?.running ?? 0);
      // An ETA is a promise: none while paused, and only from a rate measured over a minute
      // or more on enough results (early guesses said "0 s" or "15 min" for a 29 s job).
      const rateIsStable = (c?.doneRecent ?? 0) >= minResultsForEta && observedMs >= 60_000;
      return [
        {
          engine,
          queued,
          running: c?.running ?? 0,
          failed: c?.failed ?? 0,
          done: c?.done ?? 0,
          ratePerMinute: Math.round(rate * 10) / 10,
          etaSeconds:
            left === 0
              ? 0
              : !paused && rateIsStable && rate > 0
                ? Math.round((left / rate) * 60)
                : null,
          paused,
          stoppedReason: deps.jobs.stoppedReason(engine),
          budget: setting?.cloud
            ? {
                used: callsUsed(db, engine, now()).month,
                limit: readBudget(db, engine).perMonth ?? null,
              }
            : null,
        },
      ];
    });
    // "Pause all" also holds the reading of new photos (the runner's ingest jobs).
    const ingest = { ...countIngest(db), paused: readJobControls(db).pausedAll };
    return {
      ingest,
      engines,
      running: deps.jobs.isRunning(),
      diskFull: deps.jobs.diskFull?.() ?? null,
    };
  }

  const handlers: ApiHandlers = {
    // Person tags are tags: a change refreshes the photo views and searches as well.
    ...createPeopleHandlers(db, {
      now,
      changed: () => {
        changed('people');
        changed('tags');
      },
    }),
    // Near-duplicates: "Keep this one" moves files, so the photos change.
    ...createDuplicateHandlers(db, {
      now,
      changed: () => {
        changed('photos');
      },
      ...(deps.desktop?.trashItem
        ? { trashItem: (path: string) => deps.desktop?.trashItem?.(path) ?? Promise.resolve() }
        : {}),
      ...(deps.duplicateGroups ? { groups: deps.duplicateGroups } : {}),
    }),
    // The map of photos with GPS (issue 16).
    ...createMapHandlers(db),
    'app.info': () => {
      const saved = readSettingJson(db, uiLanguageKey);
      return {
        host: deps.host,
        version: deps.version,
        dataFolder: deps.dataRoot,
        uiLanguage: saved === 'zh' || saved === 'en' ? saved : null,
        canPickFolder: deps.desktop !== undefined,
        canOpenFiles: deps.desktop !== undefined,
      };
    },
    'app.setUiLanguage': ({ language }) => {
      writeOrDeleteSetting(db, uiLanguageKey, language ?? undefined);
      changed('settings');
      return { ok: true };
    },

    'folders.list': () => listFolders(db),
    'folders.add': async ({ path, engines }) => {
      // `~/Pictures` is the user's, not the server's working folder.
      const id = await deps.library.addFolder(expandHome(path), engines ?? ['local', 'text']);
      changed('folders');
      return getFolder(db, id);
    },
    'folders.remove': async ({ id }) => {
      getFolder(db, id);
      await deps.library.removeFolder(id);
      changed('folders');
      changed('photos');
      return { ok: true };
    },
    'folders.setEngines': ({ id, engines }) => {
      setFolderEngines(db, id, engines);
      changed('folders');
      return getFolder(db, id);
    },
    'folders.rescan': async ({ id }) => {
      getFolder(db, id);
      const found = await deps.library.rescanFolder(id);
      // The scan records online/offline in the catalog; the answer reads it back from there.
      const { status } = getFolder(db, id);
      changed('folders');
      return { status, found };
    },
    'folders.browse': (input) => browseFolders(input, deps.home),
    'folders.pick': async () => ({ path: await requireDesktop().pickFolder() }),

    'photos.search': (input) => deps.search.search(input),
    'photos.autocomplete': ({ prefix, limit }) => deps.search.autocomplete(prefix, limit),
    'photos.details': ({ id }) => getPhotoDetails(db, id),
    'photos.openOriginal': async ({ id }) => {
      const desktop = requireDesktop();
      await desktop.openPath(getPhotoDetails(db, id).absolutePath);
      return { ok: true };
    },
    'photos.showInFolder': ({ id }) => {
      const desktop = requireDesktop();
      desktop.showInFolder(getPhotoDetails(db, id).absolutePath);
      return { ok: true };
    },

    'tags.add': ({ photoIds, name, type }) =>
      translateCatalogErrors(() => {
        // A name the catalog knows (zh or en) reuses that tag; otherwise a new one of `type`.
        const input = findTagByName(db, name) ? name : { zh: name, en: name, type };
        const result = addTag(db, { photoIds }, input, now());
        changed('tags');
        return { changed: result.changed };
      }),
    'tags.remove': ({ photoIds, tagId }) =>
      translateCatalogErrors(() => {
        const result = removeTag(db, { photoIds }, tagId);
        changed('tags');
        return { changed: result.changed };
      }),
    'tags.unreject': ({ photoIds, tagId }) =>
      translateCatalogErrors(() => {
        const result = unrejectTag(db, { photoIds }, tagId);
        changed('tags');
        return { changed: result.changed };
      }),
    'tags.info': ({ tagId }) => translateCatalogErrors(() => tagInfoView(getTagInfo(db, tagId))),
    'tags.rename': ({ tagId, zh, en }) =>
      translateCatalogErrors(() => {
        const report = renameTagReported(db, tagId, {
          ...(zh === undefined ? {} : { zh }),
          ...(en === undefined ? {} : { en }),
        });
        changed('tags');
        return {
          tag: tagInfoView(report.tag),
          sameName: report.sameName.map((c) => ({
            tagId: c.id,
            name: c.name,
            type: c.type,
            zh: c.zh,
            en: c.en,
            photos: c.photos,
          })),
        };
      }),
    'tags.previewMerge': ({ fromId, intoId }) =>
      translateCatalogErrors(() => {
        const preview = previewMerge(db, fromId, intoId);
        return {
          from: tagInfoView(preview.from),
          into: tagInfoView(preview.into),
          gainedPhotos: preview.gainedPhotos,
          lostPhotos: preview.lostPhotos,
        };
      }),
    'tags.merge': ({ fromId, intoId }) =>
      translateCatalogErrors(() => {
        const report = mergeTagsReported(db, fromId, intoId, now());
        changed('tags');
        const { id, name, type, zh, en } = report.from;
        return {
          from: { tagId: id, name, type, zh, en },
          into: tagInfoView(report.into),
          movedRows: report.movedRows,
          fromPhotos: report.fromPhotos,
          gainedPhotos: report.gainedPhotos,
          lostPhotos: report.lostPhotos,
          aliases: report.aliases.map((a) => ({ name: a.name, type: a.type, zh: a.zh, en: a.en })),
        };
      }),

    'albums.list': () =>
      listAlbums(db).map((album) => ({
        id: album.id,
        name: album.name,
        kind: album.kind,
        query: album.query,
        count: album.count,
      })),
    'albums.create': ({ name, query }) =>
      translateCatalogErrors(() => {
        const album = createAlbum(db, name, query, now());
        changed('albums');
        return {
          id: album.id,
          name: album.name,
          kind: album.kind,
          query: album.query,
          count: deps.search.count(album.query),
        };
      }),
    'albums.rename': ({ id, name }) =>
      translateCatalogErrors(() => {
        const album = renameAlbum(db, id, name, now());
        changed('albums');
        return {
          id: album.id,
          name: album.name,
          kind: album.kind,
          query: album.query,
          count: null,
        };
      }),
    'albums.delete': ({ id }) =>
      translateCatalogErrors(() => {
        deleteAlbum(db, id);
        changed('albums');
        return { ok: true as const };
      }),
    'albums.createManual': ({ name }) =>
      translateCatalogErrors(() => {
        const album = createManualAlbum(db, name, now());
        changed('albums');
        return { id: album.id, name: album.name, kind: album.kind, query: '', count: 0 };
      }),
    'albums.photos': ({ id, sort, cursor, limit }) =>
      translateCatalogErrors(() => {
        const album = getAlbum(db, id);
        // A smart album is its search (through the port: the in-memory copy when current).
        if (album.kind === 'smart') {
          return deps.search.search({
            query: album.query,
            sort,
            cursor,
            limit,
            withFacets: false,
            lastWordPrefix: false,
          });
        }
        const page = albumPage(db, id, { cursor, limit });
        return {
          total: page.total,
          nextCursor: page.nextCursor,
          photos: page.items.map(photoSummaryOf),
          facets: null,
        };
      }),
    'albums.addPhotos': ({ id, photoIds }) =>
      translateCatalogErrors(() => {
        const change = bulkAddToAlbum(db, photoIds, id, now());
        changed('albums');
        return bulkChangeView(change);
      }),
    'albums.removePhotos': ({ id, photoIds }) =>
      translateCatalogErrors(() => {
        const change = bulkRemoveFromAlbum(db, photoIds, id, now());
        changed('albums');
        return bulkChangeView(change);
      }),
    'albums.movePhotos': ({ id, photoIds, beforePhotoId }) =>
      translateCatalogErrors(() => {
        moveAlbumPhotos(db, id, photoIds, beforePhotoId, now());
        changed('albums');
        return { ok: true as const };
      }),

    'albums.export': ({ id, format }) =>
      translateCatalogErrors(() => {
        const album = getAlbum(db, id);
        const { ids, inOrder } = albumPhotoIds(db, id);
        const chunks: string[] = [];
        const write = (chunk: string) => {
          chunks.push(chunk);
        };
        const photos = exportPhotos(db, ids, { inGivenOrder: inOrder });
        const count = format === 'csv' ? writeCsv(photos, write) : writeJson(photos, write);
        // A file name any system accepts: no separators or characters Windows refuses.
        const base = album.name.replace(/[\\/:*?"<>|]/g, '_').replace(/\p{Cc}/gu, '_');
        return {
          fileName: `${base}.${format}`,
          mediaType: format === 'csv' ? 'text/csv' : 'application/json',
          text: chunks.join(''),
          count,
        };
      }),
    'bulk.addTag': ({ photoIds, name, type }) =>
      translateCatalogErrors(() => {
        // As tags.add: a name the catalog knows (zh or en) reuses that tag.
        const input = findTagByName(db, name) ? name : { zh: name, en: name, type };
        const change = bulkAddTag(db, photoIds, input, now());
        changed('tags');
        return bulkChangeView(change);
      }),
    'bulk.removeTag': ({ photoIds, tag }) =>
      translateCatalogErrors(() => {
        const tagId = typeof tag === 'number' ? tag : findTagByName(db, tag)?.id;
        if (tagId === undefined) throw new ApiError('not-found', `No tag named "${String(tag)}".`);
        const change = bulkRemoveTag(db, photoIds, tagId, now());
        changed('tags');
        return bulkChangeView(change);
      }),
    'bulk.undo': ({ changeId }) =>
      translateCatalogErrors(() => {
        const change = undoBulkChange(db, changeId);
        changed('album' in change ? 'albums' : 'tags');
        return bulkChangeView(change);
      }),

    'activity.status': () => activityStatus(),
    'activity.failures': ({ limit }) => listFailures(db, limit),
    'activity.retry': ({ jobIds }) => ({ retried: deps.jobs.retry(jobIds) }),
    'engines.migrationEstimate': (input) =>
      translateMigrationErrors(() => deps.jobs.estimateMigration(input)),
    'engines.migrate': (input) =>
      translateMigrationErrors(() => ({ queued: deps.jobs.queueMigration(input) })),
    'activity.pause': ({ engine, paused }) => {
      deps.jobs.setPaused(engine, paused);
      return { ok: true };
    },

    'settings.engines': () => deps.engineSettings.list(),
    'settings.setEngine': async (patch) => {
      const view = await deps.engineSettings.update(patch);
      changed('settings');
      return view;
    },
    'settings.testEngine': ({ engine }) => deps.engineSettings.test(engine),
    'settings.sidecars': () => sidecarSettingsView(readXmpSettings(db)),
    'settings.setSidecars': (patch) => {
      let settings: XmpSettings;
      try {
        // zod leaves an option that was not given out: only the given ones change.
        settings = writeXmpSettings(db, patch);
      } catch (error) {
        // A damaged settings row, or a folder location without a folder.
        throw new ApiError('conflict', (error as Error).message);
      }
      changed('settings');
      return sidecarSettingsView(settings);
    },
  };

  return { handlers, activityStatus };
}

function sidecarSettingsView(settings: XmpSettings): SidecarSettingsView {
  return {
    enabled: settings.enabled,
    writeText: settings.writeText,
    location: settings.location,
    folder: settings.folder ?? null,
  };
}

/** The job controls kept in the catalog (main/jobs/job-controls.ts), which the runner reads. */
export function createCatalogJobsPort(
  db: Catalog,
  options: { isRunning?: () => boolean; diskFull?: () => string | null; now?: () => number } = {},
): JobsPort {
  return {
    setPaused(engine, paused) {
      setJobsPaused(db, engine, paused);
      // Resuming an engine that stopped on its own means the user says the cause is fixed
      // (see [Note: Stopped engines stay stopped]).
      if (!paused && engine !== null) clearEngineStop(db, engine);
      if (!paused && engine === null) for (const id of engineIds) clearEngineStop(db, id);
    },
    isPaused(engine) {
      return isEnginePaused(readJobControls(db), engine);
    },
    stoppedReason(engine) {
      return readJobControls(db).stopped.get(engine)?.reason ?? null;
    },
    retry(jobIds) {
      return retryFailedJobsById(db, jobIds, (options.now ?? Date.now)());
    },
    estimateMigration(input) {
      const estimate = estimateEngineMigration(db, {
        ...input,
        now: (options.now ?? Date.now)(),
      });
      return {
        from: estimate.from,
        to: estimate.to,
        photos: estimate.photos,
        contents: estimate.contents,
        alreadyAnswered: estimate.alreadyAnswered,
        alreadyQueued: estimate.alreadyQueued,
        notEnabled: estimate.notEnabled,
        foldersToEnable: [...estimate.foldersToEnable],
        calls: estimate.calls,
        budgetRemaining: estimate.budgetRemaining,
      };
    },
    queueMigration(input) {
      return queueEngineMigration(db, { ...input, now: (options.now ?? Date.now)() });
    },
    isRunning: options.isRunning ?? (() => false),
    ...(options.diskFull ? { diskFull: options.diskFull } : {}),
  };
}
