// The one API contract between the UI and the core (STYLE.md rule 2). Each channel maps to
// a zod input and output schema; the `Api` type, the Electron IPC handlers, the web host's
// HTTP routes and the renderer's client are all derived from this object, so a channel
// without a handler does not compile. Main validates every input with these schemas.
//
// preload/ is shared with the renderer, so it must not import main/ (lint-enforced); the
// few enums that also live in main/engines/tag-model.ts are repeated here and a test in
// test/preload checks they stay equal.
import { z } from 'zod';

export const engineIds = [
  'local',
  'huawei',
  'volcengine',
  'aliyun',
  'vlm',
  'tencent',
  'baidu',
  'text',
] as const;
export const EngineId = z.enum(engineIds);
export type EngineId = z.infer<typeof EngineId>;

export const tagTypes = ['object', 'scene', 'concept', 'person'] as const;
export const TagType = z.enum(tagTypes);
export type TagType = z.infer<typeof TagType>;

export const uiLanguages = ['zh', 'en'] as const;
export const UiLanguage = z.enum(uiLanguages);
export type UiLanguage = z.infer<typeof UiLanguage>;

const Id = z.number().int().positive();
const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

// ---------------------------------------------------------------------------------------
// Library: folders

export const FolderInfo = z.object({
  id: Id,
  path: z.string(),
  status: z.enum(['online', 'offline']),
  engines: z.array(EngineId),
  photoCount: z.number().int().nonnegative(),
  pendingCount: z.number().int().nonnegative(),
  brokenCount: z.number().int().nonnegative(),
  addedAt: z.number(),
  lastScanAt: z.number().nullable(),
});
export type FolderInfo = z.infer<typeof FolderInfo>;

/** What a rescan found, so the UI can say it (the dot and counts follow by events too). */
export const RescanResult = z.object({
  status: z.enum(['online', 'offline']),
  /** Null when no scanner ran (the web host without the live library). */
  found: z
    .object({
      added: z.number().int().nonnegative(),
      changed: z.number().int().nonnegative(),
      missing: z.number().int().nonnegative(),
    })
    .nullable(),
});
export type RescanResult = z.infer<typeof RescanResult>;

/** One level of the web host's folder browser (main/app/folder-browser.ts). */
export const FolderListing = z.object({
  path: z.string(),
  home: z.string(),
  /** Where "up" goes; null at the home folder (browsing does not leave it by clicking). */
  parent: z.string().nullable(),
  folders: z.array(z.object({ name: z.string(), path: z.string() })),
});
export type FolderListing = z.infer<typeof FolderListing>;

// ---------------------------------------------------------------------------------------
// Photos and search

export const searchSorts = [
  'taken-desc',
  'taken-asc',
  'added-desc',
  'path-asc',
  'confidence-desc',
] as const;
export const SearchSort = z.enum(searchSorts);
export type SearchSort = z.infer<typeof SearchSort>;

export const PhotoSummary = z.object({
  id: Id,
  folderId: Id,
  relPath: z.string(),
  hash: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  takenAt: z.number().nullable(),
  status: z.enum(['pending', 'ok', 'broken', 'skipped', 'missing']),
  hasThumbnail: z.boolean(),
});
export type PhotoSummary = z.infer<typeof PhotoSummary>;

export const TagCount = z.object({
  tagId: Id,
  name: z.string(),
  type: TagType,
  zh: z.string(),
  en: z.string(),
  count: z.number().int().nonnegative(),
});
export type TagCount = z.infer<typeof TagCount>;

export const SearchFacets = z.object({
  tags: z.array(TagCount),
  years: z.array(z.object({ year: z.number().int(), count: z.number().int() })),
  folders: z.array(z.object({ id: Id, path: z.string(), count: z.number().int() })),
  engines: z.array(z.object({ engine: z.string(), count: z.number().int() })),
});
export type SearchFacets = z.infer<typeof SearchFacets>;

export const SearchInput = z.object({
  query: z.string().max(2000),
  sort: SearchSort.default('taken-desc'),
  /** Opaque cursor from the previous page; null for the first page. */
  cursor: z.string().max(4000).nullable().default(null),
  limit: z.number().int().min(1).max(10_000).default(500),
  /** Facets cost a few queries; the grid asks for them with the first page only. */
  withFacets: z.boolean().default(true),
  /** Search as you type: the last word matches tag names starting with it (`do` → dog). */
  lastWordPrefix: z.boolean().default(false),
});

export const SearchResult = z.object({
  total: z.number().int().nonnegative(),
  photos: z.array(PhotoSummary),
  nextCursor: z.string().nullable(),
  facets: SearchFacets.nullable(),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const TagBoxView = z.object({
  x: z.number(),
  y: z.number(),
  w: z.number(),
  h: z.number(),
  confidence: z.number(),
});
export type TagBoxView = z.infer<typeof TagBoxView>;

export const PhotoTagView = z.object({
  tagId: Id,
  name: z.string(),
  type: TagType,
  zh: z.string(),
  en: z.string(),
  engine: z.string(),
  model: z.string(),
  /** Null: the engine answers yes/no and gave no score (the UI says "detected"). */
  confidence: z.number().nullable(),
  state: z.enum(['auto', 'user']),
  boxes: z.array(TagBoxView),
});
export type PhotoTagView = z.infer<typeof PhotoTagView>;

const unit = z.number().min(0).max(1);

/** One line of text read in a photo: its corners (tl, tr, br, bl) in 0–1 of the preview. */
export const PhotoTextLineView = z.object({
  text: z.string(),
  box: z.array(z.tuple([unit, unit])).length(4),
  confidence: z.number().min(0).max(100),
  language: z.enum(['zh', 'en', 'mixed', 'und']),
});
export type PhotoTextLineView = z.infer<typeof PhotoTextLineView>;

export const PhotoDetails = z.object({
  photo: PhotoSummary,
  folderPath: z.string(),
  absolutePath: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  error: z.string().nullable(),
  facts: z.object({
    format: z.string().nullable(),
    camera: z.string().nullable(),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
    orientation: z.number().nullable(),
  }),
  /** Other places that show the same bytes (the same content tagged once). */
  duplicates: z.array(z.object({ id: Id, path: z.string() })),
  tags: z.array(PhotoTagView),
  rejected: z.array(z.object({ tagId: Id, name: z.string(), zh: z.string(), en: z.string() })),
  hasPreview: z.boolean(),
  /** Text read in the photo (the `text` engine); `not-read`: not yet, or off for its folder. */
  text: z.object({
    state: z.enum(['text', 'no-text', 'not-read']),
    model: z.string().nullable(),
    lines: z.array(PhotoTextLineView),
  }),
  /**
   * Whether "Similar photos" can find anything: `not-analysed` until the background pass has
   * hashed the photo, `unreadable` when its thumbnail could not be hashed.
   */
  similar: z.enum(['ready', 'not-analysed', 'unreadable']),
});
export type PhotoDetails = z.infer<typeof PhotoDetails>;

// ---------------------------------------------------------------------------------------
// Tags as a whole: rename, merge (see [Note: Merged tags stay merged] in migration 0006)

const TagNames = z.object({ name: z.string(), type: TagType, zh: z.string(), en: z.string() });

export const TagInfo = TagNames.extend({
  tagId: Id,
  /** Photos with a live (not removed) row of the tag. */
  photos: z.number().int().nonnegative(),
  /** Tags merged into this one earlier: engines reporting them, and searches, land here. */
  aliases: z.array(TagNames),
});
export type TagInfo = z.infer<typeof TagInfo>;

const TagDisplayName = z.string().trim().min(1).max(100);

export const TagRenameInput = z
  .object({ tagId: Id, zh: TagDisplayName.optional(), en: TagDisplayName.optional() })
  .refine((v) => v.zh !== undefined || v.en !== undefined, {
    message: 'Give a new Chinese name, a new English name, or both.',
  });

export const TagMergeInput = z
  .object({ fromId: Id, intoId: Id })
  .refine((v) => v.fromId !== v.intoId, { message: 'A tag cannot be merged into itself.' });

export const TagMergePreview = z.object({
  from: TagInfo,
  into: TagInfo,
  /** Photos that will get the target tag. */
  gainedPhotos: z.number().int().nonnegative(),
  /** Photos that will lose the target: the user had removed the merged tag from them. */
  lostPhotos: z.number().int().nonnegative(),
});
export type TagMergePreview = z.infer<typeof TagMergePreview>;

export const TagMergeResult = z.object({
  from: TagNames.extend({ tagId: Id }),
  into: TagInfo,
  movedRows: z.number().int().nonnegative(),
  fromPhotos: z.number().int().nonnegative(),
  gainedPhotos: z.number().int().nonnegative(),
  lostPhotos: z.number().int().nonnegative(),
  /** Names that point at the target because of this merge. */
  aliases: z.array(TagNames),
});
export type TagMergeResult = z.infer<typeof TagMergeResult>;

// ---------------------------------------------------------------------------------------
// Albums (a smart album is a saved query)

// People (issue 15): persons found in the photos; a named person is a tag of type `person`.

export const FaceView = z.object({
  id: Id,
  /** A photo showing the face (its content may be in several places). */
  photoId: Id.nullable(),
  /** The content's hash: the face is cut out of its thumbnail by the UI. */
  hash: z.string(),
  box: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
  /** The photo's width / height (null when unknown): the crop is square in its pixels. */
  aspect: z.number().positive().nullable(),
  personId: Id.nullable(),
  /**
   * user: the user put it there (moved, merged, named); auto: found by the clustering;
   * imported: named by another tool's face region (digiKam, Lightroom, Picasa).
   */
  assignedBy: z.enum(['auto', 'user', 'imported']).nullable(),
  zh: z.string().nullable(),
  en: z.string().nullable(),
});
export type FaceView = z.infer<typeof FaceView>;

export const PersonView = z.object({
  id: Id,
  /** Null while unnamed. */
  tagId: Id.nullable(),
  zh: z.string().nullable(),
  en: z.string().nullable(),
  hidden: z.boolean(),
  faces: z.number().int().nonnegative(),
  photos: z.number().int().nonnegative(),
  cover: FaceView,
});
export type PersonView = z.infer<typeof PersonView>;

const PersonName = z.string().trim().min(1).max(100);

export const AlbumInfo = z.object({
  id: Id,
  name: z.string(),
  /** smart: a saved search (query); manual: photos the user put in it, in order (query ''). */
  kind: z.enum(['smart', 'manual']),
  query: z.string(),
  count: z.number().int().nonnegative().nullable(),
});
export type AlbumInfo = z.infer<typeof AlbumInfo>;

const AlbumName = z.string().trim().min(1).max(200);

// Manual albums and undoable bulk changes (issue 16)

const PhotoIds = z.array(Id).min(1).max(10_000);

/** What a bulk change did (the toast says it); `changeId` names it for `bulk.undo`. */
export const BulkChange = z.union([
  z.object({
    changeId: Id,
    kind: z.enum(['add-tag', 'remove-tag']),
    /** Selected photos whose tags changed. */
    photos: z.number().int().nonnegative(),
    tag: TagNames.extend({ tagId: Id }),
  }),
  z.object({
    changeId: Id,
    kind: z.enum(['add-to-album', 'remove-from-album']),
    /** Photos that were not in the album before, or that were taken out of it. */
    photos: z.number().int().nonnegative(),
    album: z.object({ id: Id, name: z.string() }),
  }),
]);
export type BulkChange = z.infer<typeof BulkChange>;

// ---------------------------------------------------------------------------------------
// Activity

export const EngineActivity = z.object({
  engine: EngineId,
  queued: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  /** Photos per minute over the last few minutes. */
  ratePerMinute: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  paused: z.boolean(),
  /** Set when the engine's queue stopped on its own (bad credentials, service disabled). */
  stoppedReason: z.string().nullable(),
  budget: z.object({ used: z.number(), limit: z.number().nullable() }).nullable(),
});
export type EngineActivity = z.infer<typeof EngineActivity>;

export const ActivityStatus = z.object({
  ingest: z.object({
    queued: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    photos: z.number().int().nonnegative(),
    /** Held by "Pause all". */
    paused: z.boolean(),
  }),
  engines: z.array(EngineActivity),
  running: z.boolean(),
  /** Set while a full data disk keeps the queue paused ("the data folder's disk is full: …"). */
  diskFull: z.string().nullable(),
});
export type ActivityStatus = z.infer<typeof ActivityStatus>;

export const JobFailure = z.object({
  jobId: Id,
  kind: z.enum(['ingest', 'tag']),
  engine: z.string().nullable(),
  photoId: Id.nullable(),
  path: z.string().nullable(),
  attempts: z.number().int(),
  code: z.string().nullable(),
  reason: z.string().nullable(),
  updatedAt: z.number(),
});
export type JobFailure = z.infer<typeof JobFailure>;

// ---------------------------------------------------------------------------------------
// Settings

export const CredentialField = z.object({
  key: z.string(),
  label: z.string(),
  secret: z.boolean(),
  /** Whether a value is stored (secrets are never sent back to the UI). */
  isSet: z.boolean(),
  /** Non-secret values are shown. */
  value: z.string().nullable(),
  /** The values allowed, when the field is a choice (shown as a list). */
  choices: z.array(z.string()).nullable(),
  /** An engine option with a default (shown under Options), not a credential. */
  option: z.boolean(),
});

export const EngineSettingsView = z.object({
  engine: EngineId,
  enabled: z.boolean(),
  cloud: z.boolean(),
  credentials: z.array(CredentialField),
  region: z.string().nullable(),
  endpoint: z.string().nullable(),
  language: z.enum(['zh', 'en']).nullable(),
  threshold: z.number().min(0).max(100),
  limit: z.number().int().positive().nullable(),
  scenes: z.array(z.string()).nullable(),
  qps: z.number().positive().nullable(),
  monthlyBudget: z.number().int().nonnegative().nullable(),
  hostingBucket: z.string().nullable(),
  /**
   * The endpoint is off this machine although the engine is meant to run on it (a model server
   * elsewhere): every photo the engine tags is sent there.
   */
  endpointOffMachine: z.boolean(),
  /** Why the settings are not yet usable by the engine (null when complete). */
  problem: z.string().nullable(),
  /** The settings the engine still needs (config paths, e.g. `auth.ak`, `projectId`). */
  problemFields: z.array(z.string()),
  /**
   * The vendor's announced end of the service (main/engines/engine-retirement.ts), or null.
   * The settings card shows it; after `endOfService` the engine stops at its first failure to
   * reach the service.
   */
  retirement: z
    .object({
      phase: z.enum(['announced', 'end-of-sale', 'retired']),
      endOfSale: z.string(),
      endOfService: z.string(),
    })
    .nullable(),
});
export type EngineSettingsView = z.infer<typeof EngineSettingsView>;

/** Moving photos off an engine (a retiring one): `tujian engines migrate` in the app. */
export const EngineMigrationInput = z.object({
  from: EngineId,
  to: EngineId,
  /** The app's query language; '' for every photo. */
  query: z.string().max(2000).default(''),
});
export type EngineMigrationInput = z.input<typeof EngineMigrationInput>;

export const EngineMigrationEstimate = z.object({
  from: EngineId,
  to: EngineId,
  /** Photos (files) whose scene/concept tags came only from `from`. */
  photos: z.number().int().nonnegative(),
  /** Distinct contents among them (duplicates are tagged once). */
  contents: z.number().int().nonnegative(),
  /** Contents `to` answered already (never sent again). */
  alreadyAnswered: z.number().int().nonnegative(),
  /** Contents with a job for `to` already queued. */
  alreadyQueued: z.number().int().nonnegative(),
  /** Contents only in folders where `to` is off, and those folders. */
  notEnabled: z.number().int().nonnegative(),
  foldersToEnable: z.array(z.string()),
  /** Calls (paid, for a cloud engine) a migration would make now. */
  calls: z.number().int().nonnegative(),
  /** Calls left in `to`'s budget (null: no budget). */
  budgetRemaining: z.number().int().nonnegative().nullable(),
});
export type EngineMigrationEstimate = z.infer<typeof EngineMigrationEstimate>;

export const EngineSettingsPatch = z.object({
  engine: EngineId,
  enabled: z.boolean().optional(),
  /** Only the keys present are changed; an empty string clears a stored value. */
  credentials: z.record(z.string().max(100), z.string().max(4000)).optional(),
  region: z.string().max(100).nullable().optional(),
  endpoint: z.string().max(500).nullable().optional(),
  language: z.enum(['zh', 'en']).nullable().optional(),
  threshold: z.number().min(0).max(100).optional(),
  limit: z.number().int().positive().max(1000).nullable().optional(),
  scenes: z.array(z.string().max(100)).max(50).nullable().optional(),
  qps: z.number().positive().max(1000).nullable().optional(),
  monthlyBudget: z.number().int().nonnegative().nullable().optional(),
  hostingBucket: z.string().max(200).nullable().optional(),
});
export type EngineSettingsPatch = z.infer<typeof EngineSettingsPatch>;

/**
 * XMP sidecars as the settings panel shows them (`tujian xmp settings` has every option):
 * whether sidecars are written as tags change, and whether the text read in photos goes in
 * too ([Note: Recognised text in XMP] in main/library/xmp-text.ts).
 */
export const SidecarSettingsView = z.object({
  enabled: z.boolean(),
  writeText: z.boolean(),
  /** `beside`: photo.jpg.xmp next to the photo; `folder`: a mirror tree under `folder`. */
  location: z.enum(['beside', 'folder']),
  folder: z.string().nullable(),
});
export type SidecarSettingsView = z.infer<typeof SidecarSettingsView>;

export const SidecarSettingsPatch = z.object({
  enabled: z.boolean().optional(),
  writeText: z.boolean().optional(),
});
export type SidecarSettingsPatch = z.infer<typeof SidecarSettingsPatch>;

export const AppInfo = z.object({
  host: z.enum(['desktop', 'web']),
  version: z.string(),
  dataFolder: z.string(),
  /** Saved UI language, or null to follow the system locale. */
  uiLanguage: UiLanguage.nullable(),
  canPickFolder: z.boolean(),
  canOpenFiles: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;

// ---------------------------------------------------------------------------------------
// Duplicates (near-duplicate photos: main/catalog/perceptual-hashes.ts)

export const DuplicatePhotoView = z.object({
  photoId: Id,
  hash: z.string(),
  folderPath: z.string(),
  relPath: z.string(),
  absolutePath: z.string(),
  folderOnline: z.boolean(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  takenAt: z.number().nullable(),
  /** Bits between this photo's perceptual hash and the group's first (0: the same bytes). */
  distance: z.number().int().min(0).max(64),
});
export type DuplicatePhotoView = z.infer<typeof DuplicatePhotoView>;

export const DuplicateGroups = z.object({
  /** Each group's first photo is the one most worth keeping (most pixels, then largest). */
  groups: z.array(z.object({ photos: z.array(DuplicatePhotoView).min(2) })),
  /** Photos whose hash is still being computed (the review is not complete yet). */
  pending: z.number().int().nonnegative(),
});
export type DuplicateGroups = z.infer<typeof DuplicateGroups>;

export const DuplicateTrashInput = z.object({
  /** The photo kept; every other photo must be a near-duplicate (or a copy) of it. */
  keepPhotoId: Id,
  photoIds: z.array(Id).min(1).max(1000),
  /** The user confirmed in a dialog that named the files: nothing moves without it. */
  confirmed: z.literal(true),
});

export const DuplicateTrashResult = z.object({
  moved: z.array(z.object({ photoId: Id, path: z.string(), to: z.string() })),
  failed: z.array(z.object({ photoId: Id, path: z.string(), message: z.string() })),
});
export type DuplicateTrashResult = z.infer<typeof DuplicateTrashResult>;

// ---------------------------------------------------------------------------------------
// The map of photos with GPS (issue 16; main/catalog/map-clusters.ts)

const Latitude = z.number().min(-90).max(90);
const Longitude = z.number().min(-180).max(180);

/** A box in degrees; the map does not wrap, so `west <= east`. */
export const GeoBox = z
  .object({ south: Latitude, west: Longitude, north: Latitude, east: Longitude })
  .refine((b) => b.south <= b.north && b.west <= b.east, {
    message: 'south must not be above north, nor west east of east',
  });
export type GeoBox = z.infer<typeof GeoBox>;

/** The map's zoom levels: a cell is 22.5° / 2^zoom ([Note: Map grid]); 14 is about 150 m. */
export const maxMapZoom = 14;

export const MapCluster = z.object({
  lat: Latitude,
  lon: Longitude,
  count: z.number().int().positive(),
  /** The smallest box holding the cluster's photos: clicking it searches `area:` this box. */
  bounds: GeoBox,
  samplePhotoId: Id,
  sampleHash: z.string(),
});
export type MapCluster = z.infer<typeof MapCluster>;

export const MapPoints = z.object({
  clusters: z.array(MapCluster),
  /** Photos matching the query with a position (anywhere, not only in the box) and without. */
  located: z.number().int().nonnegative(),
  unlocated: z.number().int().nonnegative(),
  cellDegrees: z.number().positive(),
});
export type MapPoints = z.infer<typeof MapPoints>;

/** The world outline (assets/map): SVG path data, x = lon and y = -lat in units of `unit`°. */
export const MapOutline = z.object({
  unit: z.number().positive(),
  land: z.string(),
  borders: z.string(),
});
export type MapOutline = z.infer<typeof MapOutline>;

// ---------------------------------------------------------------------------------------
// The channels

function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const apiContract = {
  'app.info': channel(Empty, AppInfo),
  'app.setUiLanguage': channel(z.object({ language: UiLanguage.nullable() }), Ok),

  'folders.list': channel(Empty, z.array(FolderInfo)),
  'folders.add': channel(
    z.object({ path: z.string().min(1).max(4096), engines: z.array(EngineId).optional() }),
    FolderInfo,
  ),
  'folders.remove': channel(z.object({ id: Id }), Ok),
  'folders.setEngines': channel(z.object({ id: Id, engines: z.array(EngineId) }), FolderInfo),
  'folders.rescan': channel(z.object({ id: Id }), RescanResult),
  /**
   * The folders in one folder, for the web host's Add folder browser: null is the home
   * folder; outside home only for a path the user typed (`typed`); hidden ones on request.
   */
  'folders.browse': channel(
    z.object({
      path: z.string().min(1).max(4096).nullable().default(null),
      typed: z.boolean().default(false),
      showHidden: z.boolean().default(false),
    }),
    FolderListing,
  ),
  /** Desktop only (AppInfo.canPickFolder): the native folder picker; null when cancelled. */
  'folders.pick': channel(Empty, z.object({ path: z.string().nullable() })),

  'photos.search': channel(SearchInput, SearchResult),
  'photos.autocomplete': channel(
    z.object({ prefix: z.string().max(200), limit: z.number().int().min(1).max(50).default(8) }),
    z.array(TagCount),
  ),
  'photos.details': channel(z.object({ id: Id }), PhotoDetails),
  'photos.openOriginal': channel(z.object({ id: Id }), Ok),
  'photos.showInFolder': channel(z.object({ id: Id }), Ok),

  'tags.add': channel(
    z.object({
      photoIds: z.array(Id).min(1).max(10_000),
      name: z.string().trim().min(1).max(100),
      type: TagType.default('concept'),
    }),
    z.object({ changed: z.number().int() }),
  ),
  /** Removes a tag from photos; engine tags are rejected so no engine brings them back. */
  'tags.remove': channel(
    z.object({ photoIds: z.array(Id).min(1).max(10_000), tagId: Id }),
    z.object({ changed: z.number().int() }),
  ),
  'tags.unreject': channel(
    z.object({ photoIds: z.array(Id).min(1).max(10_000), tagId: Id }),
    z.object({ changed: z.number().int() }),
  ),
  /** One tag with its photo count and the names merged into it. */
  'tags.info': channel(z.object({ tagId: Id }), TagInfo),
  /** New display names; the canonical name stays, so engines keep landing on the tag. */
  'tags.rename': channel(
    TagRenameInput,
    z.object({
      tag: TagInfo,
      /** Other tags that have one of the new names (worth merging). */
      sameName: z.array(TagNames.extend({ tagId: Id, photos: z.number().int().nonnegative() })),
    }),
  ),
  /** What `tags.merge` would do, for the confirmation. */
  'tags.previewMerge': channel(TagMergeInput, TagMergePreview),
  /** Merge for good: the first tag disappears, its photos and names go to the second. */
  'tags.merge': channel(TagMergeInput, TagMergeResult),

  'people.list': channel(
    z.object({ includeHidden: z.boolean().default(false) }),
    z.array(PersonView),
  ),
  /** One person with their faces (pinned first, then the newest). */
  'people.get': channel(
    z.object({ id: Id }),
    z.object({ person: PersonView, faces: z.array(FaceView) }),
  ),
  'people.name': channel(
    z.object({ id: Id, zh: PersonName.optional(), en: PersonName.optional() }),
    PersonView,
  ),
  /** The first person becomes the second (for good: the user's decision). */
  'people.merge': channel(z.object({ fromId: Id, intoId: Id }), PersonView),
  /** A face belongs to another person (a new one when personId is null). */
  'people.moveFace': channel(
    z.object({ faceId: Id, personId: Id.nullable() }),
    z.object({ personId: Id }),
  ),
  /** "Not this person": remembered, never undone by re-clustering. */
  'people.rejectFace': channel(
    z.object({ faceId: Id, personId: Id.optional() }),
    z.object({ rejected: Id.nullable() }),
  ),
  /** "Who is this?": the face's person gets the name, or joins the person who has it. */
  'people.nameFace': channel(z.object({ faceId: Id, name: PersonName }), FaceView),
  'people.setHidden': channel(z.object({ id: Id, hidden: z.boolean() }), Ok),
  /** The faces of a photo, left to right, with their persons' names. */
  'photos.faces': channel(z.object({ id: Id }), z.array(FaceView)),

  'albums.list': channel(Empty, z.array(AlbumInfo)),
  'albums.create': channel(
    z.object({ name: AlbumName, query: z.string().trim().min(1).max(2000) }),
    AlbumInfo,
  ),
  'albums.rename': channel(z.object({ id: Id, name: AlbumName }), AlbumInfo),
  'albums.delete': channel(z.object({ id: Id }), Ok),
  /** A new, empty manual album. */
  'albums.createManual': channel(z.object({ name: AlbumName }), AlbumInfo),
  /** A page of an album: a smart one's search, a manual one's photos in its order (no facets). */
  'albums.photos': channel(
    z.object({
      id: Id,
      sort: SearchSort.default('taken-desc'),
      cursor: z.string().max(4000).nullable().default(null),
      limit: z.number().int().min(1).max(10_000).default(500),
    }),
    SearchResult,
  ),
  /** Adds photos at the end of a manual album (undoable with `bulk.undo`). */
  'albums.addPhotos': channel(z.object({ id: Id, photoIds: PhotoIds }), BulkChange),
  /** Takes photos out of a manual album (undoable with `bulk.undo`: back at their places). */
  'albums.removePhotos': channel(z.object({ id: Id, photoIds: PhotoIds }), BulkChange),
  /** Moves photos, as a block in album order, before another photo (the end when null). */
  'albums.movePhotos': channel(
    z.object({ id: Id, photoIds: PhotoIds, beforePhotoId: Id.nullable() }),
    Ok,
  ),

  /** An album's photos and tags as a CSV or JSON file (as `tujian export --album`). */
  'albums.export': channel(
    z.object({ id: Id, format: z.enum(['csv', 'json']).default('csv') }),
    z.object({
      fileName: z.string(),
      mediaType: z.string(),
      text: z.string(),
      count: z.number().int().nonnegative(),
    }),
  ),

  /** The selection bar's tag edits, undoable with `bulk.undo`. */
  'bulk.addTag': channel(
    z.object({
      photoIds: PhotoIds,
      name: z.string().trim().min(1).max(100),
      type: TagType.default('concept'),
    }),
    BulkChange,
  ),
  /** The tag by id, or by a name in either language. */
  'bulk.removeTag': channel(
    z.object({
      photoIds: PhotoIds,
      tag: z.union([Id, z.string().trim().min(1).max(100)]),
    }),
    BulkChange,
  ),
  /** Undo the last bulk change, if `changeId` is still the last one. */
  'bulk.undo': channel(z.object({ changeId: Id }), BulkChange),

  /** Groups of near-duplicate photos for the review page. */
  'duplicates.list': channel(Empty, DuplicateGroups),
  /** "Not duplicates": these photos never form a group again (remembered). */
  'duplicates.dismiss': channel(
    z.object({ photoIds: z.array(Id).min(1).max(1000) }),
    z.object({ dismissed: z.number().int() }),
  ),
  /** "Keep this one": the others go to the OS trash (or the folder's .tujian-trash), never unlinked. */
  'duplicates.trash': channel(DuplicateTrashInput, DuplicateTrashResult),

  /** Clusters of the photos with GPS in the box that match the query (`''`: every photo). */
  'map.points': channel(
    z.object({
      query: z.string().max(2000).default(''),
      bbox: GeoBox,
      zoom: z.number().int().min(0).max(maxMapZoom),
      /** Search as you type: the last word matches tag names starting with it (as photos.search). */
      lastWordPrefix: z.boolean().default(false),
    }),
    MapPoints,
  ),
  'map.outline': channel(Empty, MapOutline),

  'activity.status': channel(Empty, ActivityStatus),
  'activity.failures': channel(
    z.object({ limit: z.number().int().min(1).max(1000).default(100) }),
    z.array(JobFailure),
  ),
  'activity.retry': channel(
    z.object({ jobIds: z.array(Id).max(10_000).nullable() }),
    z.object({ retried: z.number().int() }),
  ),
  'activity.pause': channel(z.object({ engine: EngineId.nullable(), paused: z.boolean() }), Ok),

  'settings.engines': channel(Empty, z.array(EngineSettingsView)),
  /** What moving the photos off an engine would do; changes nothing. */
  'engines.migrationEstimate': channel(EngineMigrationInput, EngineMigrationEstimate),
  /** Queues those photos for the other engine (ordinary jobs: budget, pause, never paid twice). */
  'engines.migrate': channel(EngineMigrationInput, z.object({ queued: z.number().int() })),
  'settings.setEngine': channel(EngineSettingsPatch, EngineSettingsView),
  'settings.testEngine': channel(
    z.object({ engine: EngineId }),
    z.object({
      ok: z.boolean(),
      /** The vendor's or the check's own words (shown as they are when `kind` is `checked`). */
      message: z.string(),
      /**
       * What was found, for the UI to say in its language: `checked` (a live call, `message`
       * says how it went), `complete` (settings complete, no live check for this engine: the
       * first tagging call probes), `on-device` (nothing to connect to), `not-ready` (settings
       * incomplete or unreadable, `message` says why).
       */
      kind: z.enum(['checked', 'complete', 'on-device', 'not-ready']),
    }),
  ),
  'settings.sidecars': channel(Empty, SidecarSettingsView),
  /** Only the keys present change; the sidecars a change affects are written at the next sync. */
  'settings.setSidecars': channel(SidecarSettingsPatch, SidecarSettingsView),
} as const;

export type ApiContract = typeof apiContract;
export type Channel = keyof ApiContract;
export const channels = Object.keys(apiContract) as Channel[];

/** What a caller passes (defaults may be omitted). */
export type ApiInput<C extends Channel> = z.input<ApiContract[C]['input']>;
/** What a handler receives after validation (defaults filled in). */
export type ApiParsedInput<C extends Channel> = z.output<ApiContract[C]['input']>;
export type ApiOutput<C extends Channel> = z.output<ApiContract[C]['output']>;

/** The API the renderer sees: one async function per channel. */
export type Api = { readonly [C in Channel]: (input: ApiInput<C>) => Promise<ApiOutput<C>> };

/** What a host implements: one handler per channel, receiving validated input. */
export type ApiHandlers = {
  readonly [C in Channel]: (input: ApiParsedInput<C>) => Promise<ApiOutput<C>> | ApiOutput<C>;
};

// ---------------------------------------------------------------------------------------
// Events (main → renderer)

export const ApiEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), status: ActivityStatus }),
  z.object({
    type: z.literal('catalog-changed'),
    /** What changed, so views refresh only what they show. */
    scope: z.enum(['photos', 'tags', 'folders', 'albums', 'settings', 'people']),
  }),
]);
export type ApiEvent = z.infer<typeof ApiEvent>;

// ---------------------------------------------------------------------------------------
// Errors travel as data (Electron flattens thrown errors to a string), in one envelope.

export const apiErrorCodes = [
  'invalid-input',
  'not-found',
  'conflict',
  'query-syntax',
  'unavailable',
  'internal',
] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

/** Where in the input the problem is (a query's syntax error), so the UI can mark it. */
export const ApiErrorSpan = z.object({
  start: z.number().int().nonnegative(),
  length: z.number().int().positive(),
});
export type ApiErrorSpan = z.infer<typeof ApiErrorSpan>;

export const ApiErrorBody = z.object({
  code: z.enum(apiErrorCodes),
  message: z.string(),
  span: ApiErrorSpan.optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export type ApiEnvelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

/** Thrown by handlers for a failure the user should see; any other error becomes 'internal'. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly span?: ApiErrorSpan,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(apiContract, name);
}

/** The IPC channel name of an API channel (one fixed name each; no generic bridge). */
export function ipcChannelName(channelName: Channel): string {
  return `tujian:${channelName}`;
}
export const ipcEventChannel = 'tujian:event';

/** How a host serves thumbnails and previews; the renderer builds URLs through its client. */
export type MediaKind = 'thumbnail' | 'preview';
export const contentHashPattern = /^[0-9a-f]{64}$/;
