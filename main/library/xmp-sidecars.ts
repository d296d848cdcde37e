// Tags that outlive the app: writes a photo's tags to an XMP sidecar (`photo.jpg.xmp` next to
// the file, or a mirror tree in a sidecar folder) as `dc:subject` (flat keywords, what every
// photo tool reads) and `lr:HierarchicalSubject` (Lightroom's keyword tree), and reads
// keywords other tools left (XMP and IPTC, embedded and in sidecars) into user tags on ingest.
// ExifTool does the XMP work (exiftool-vendored: the bundled Perl ExifTool on Linux/macOS).
//
// [Note: Tujian's keywords in XMP]
// Engine tags go under `Tujian|objects|dog`, `Tujian|scenes|beach`, `Tujian|concepts|…`; user
// tags under `Tujian|user|<name>`; each also as a flat `dc:subject` keyword. Rejected tags and
// engine tags below the confidence threshold are never written. On rewrite, every keyword
// under `Tujian|` (and its flat twin) is ours and replaced; every other keyword belongs to the
// user or another tool and is kept. On read, engine keywords (our `Tujian|<type>` leaves) are
// not imported — the engines will say them again — while `Tujian|user|…` keywords and other
// tools' keywords become user tags, so a new catalog recovers the user's tags from sidecars.
// Named persons are also written as MWG face regions (`mwg-rs:RegionInfo`, XmpFaceRegion
// below): ours are marked `Description: Tujian` and replaced on rewrite; regions other tools
// wrote are written back as read, and their names are imported on ingest (`onRegions`, see
// main/library/mwg-face-regions.ts).
// The text read in the photo goes in only when the user opts in: [Note: Recognised text in
// XMP] in xmp-text.ts.
import { DefaultExiftoolArgs, ExifTool, type WriteTags } from 'exiftool-vendored';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import type { Catalog, ReadableCatalog } from '../catalog/catalog-connection.ts';
import { readSettingText, writeSettingJson } from '../catalog/settings.ts';
import { getFolder } from '../catalog/folders.ts';
import { getPhoto, listIngestedPhotoIds, listPhotoIdsOfContent } from '../catalog/photos.ts';
import {
  addKeywordTag,
  listContentTags,
  listUnrejectedTagsByState,
  upsertTag,
} from '../catalog/photo-tags.ts';
import { findTagByName } from '../catalog/tag-editing.ts';
import { getContentShape } from '../catalog/imported-face-regions.ts';
import { storedDimensions, unorientBox } from '../imaging/oriented-boxes.ts';
import { markSidecarsOfContentsWithText } from '../catalog/sidecar-marks.ts';
import {
  writeExiftoolConfig,
  recognizedTextForSidecar,
  recognizedTextTag,
  sameRecognizedText,
} from './xmp-text.ts';
import { absolutePathOf } from './library-files.ts';
import {
  defaultFileTimeoutMs,
  notRegularReason,
  statRegularFile,
  withTimeout,
} from '../util/regular-file.ts';

export const hierarchyRoot = 'Tujian';

export const XmpSettings = z.object({
  /** Write sidecars when tags change (`tujian xmp write` works regardless). */
  enabled: z.boolean().default(false),
  /** `beside`: photo.jpg.xmp next to the photo; `folder`: a mirror tree under `folder`. */
  location: z.enum(['beside', 'folder']).default('beside'),
  folder: z.string().min(1).optional(),
  /** Which display names become keywords. */
  languages: z.enum(['en', 'zh', 'both']).default('both'),
  /**
   * Engine tags below this confidence stay out of the sidecar (user tags always go in). By
   * default every tag the app shows goes in: each engine already applies its own threshold
   * (the local engine's per-class ones put a correct "dog" at 37 %), and a sidecar that lacks
   * tags the app finds the photo by would surprise its reader.
   */
  minConfidence: z.number().min(0).max(100).default(0),
  /**
   * Read keywords from XMP/IPTC into user tags when a photo is ingested, and the names of
   * other tools' face regions (main/library/mwg-face-regions.ts).
   */
  importKeywords: z.boolean().default(true),
  /** Write the text read in the photo ([Note: Recognised text in XMP]); off by default. */
  writeText: z.boolean().default(false),
});
export type XmpSettings = z.infer<typeof XmpSettings>;

export const xmpSettingsKey = 'xmp.sidecars';

/** The XMP settings row (defaults when absent). A damaged row is an error, not a guess. */
export function readXmpSettings(db: ReadableCatalog): XmpSettings {
  const text = readSettingText(db, xmpSettingsKey);
  const parsed = XmpSettings.safeParse(text !== undefined ? JSON.parse(text) : {});
  if (!parsed.success) {
    throw new Error(`The ${xmpSettingsKey} setting is invalid: ${parsed.error.message}`);
  }
  const settings = parsed.data;
  if (settings.location === 'folder' && !settings.folder) {
    throw new Error(`The ${xmpSettingsKey} setting has location "folder" but no folder.`);
  }
  return settings;
}

export function writeXmpSettings(db: Catalog, settings: Partial<XmpSettings>): XmpSettings {
  return db.transaction(() => {
    const before = readXmpSettings(db);
    const merged = XmpSettings.parse({ ...before, ...settings });
    if (merged.location === 'folder' && !merged.folder) {
      throw new Error('A sidecar folder is needed for location "folder".');
    }
    writeSettingJson(db, xmpSettingsKey, merged);
    // The text option changes what every sidecar of a content with text says: those are due
    // (written, or cleared of our text) at the next sync, like a tag change.
    if (merged.enabled && merged.writeText !== before.writeText) {
      markSidecarsOfContentsWithText(db);
    }
    return merged;
  })();
}

// ---------------------------------------------------------------------------------------
// The ExifTool seam

/**
 * A face region of the MWG regions schema (`mwg-rs:RegionInfo`, as digiKam and Lightroom
 * write it): the area's centre and size, normalised. Ours carry `Description: Tujian`, so a
 * rewrite replaces only them; another tool's regions are written back exactly as read (`raw`).
 */
export interface XmpFaceRegion {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly ours: boolean;
  readonly raw?: Readonly<Record<string, unknown>>;
}

export const regionMark = 'Tujian';

export interface XmpKeywords {
  readonly subject: readonly string[];
  readonly hierarchical: readonly string[];
  /** Absent: leave the file's regions alone. */
  readonly regions?: readonly XmpFaceRegion[];
  /** `mwg-rs:AppliedToDimensions`: as read, written back unchanged; ours when there was none. */
  readonly regionDimensions?: Readonly<Record<string, unknown>>;
  /** `tujian:RecognizedText`, the lines read in the photo; absent: leave the file's alone. */
  readonly text?: readonly string[];
}

const RegionStruct = z
  .object({
    Area: z
      .object({
        X: z.coerce.number(),
        Y: z.coerce.number(),
        W: z.coerce.number(),
        H: z.coerce.number(),
      })
      .partial()
      .optional(),
    Name: z.coerce.string().optional(),
    Description: z.coerce.string().optional(),
  })
  .loose();
const RegionInfo = z
  .object({
    RegionList: z.array(z.unknown()).optional(),
    AppliedToDimensions: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

/** The regions of a file's RegionInfo (a value other tools wrote: checked, never trusted). */
export function parseRegionInfo(value: unknown): Pick<XmpKeywords, 'regions' | 'regionDimensions'> {
  const info = RegionInfo.safeParse(value);
  if (!info.success) return { regions: [] };
  const regions = (info.data.RegionList ?? []).flatMap((item): XmpFaceRegion[] => {
    const r = RegionStruct.safeParse(item);
    if (!r.success) return [];
    const area = r.data.Area ?? {};
    return [
      {
        name: r.data.Name ?? '',
        x: area.X ?? 0,
        y: area.Y ?? 0,
        w: area.W ?? 0,
        h: area.H ?? 0,
        ours: r.data.Description === regionMark,
        raw: item as Record<string, unknown>,
      },
    ];
  });
  return {
    regions,
    ...(info.data.AppliedToDimensions ? { regionDimensions: info.data.AppliedToDimensions } : {}),
  };
}

function regionStruct(r: XmpFaceRegion): Record<string, unknown> {
  if (!r.ours && r.raw) return { ...r.raw };
  return {
    Area: { X: r.x, Y: r.y, W: r.w, H: r.h, Unit: 'normalized' },
    Name: r.name,
    Type: 'Face',
    Description: regionMark,
  };
}

export interface FileKeywords extends XmpKeywords {
  readonly iptc: readonly string[];
}

/** What this module needs from ExifTool; `createXmpTool` is the real one. */
export interface XmpTool {
  read(path: string): Promise<FileKeywords>;
  write(path: string, keywords: XmpKeywords): Promise<void>;
  end(): Promise<void>;
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.map((v) => String(v).trim()).filter((v) => v.length > 0);
}

/** One ExifTool process (kept open between calls); call `end()` when done. */
export function createXmpTool(options: { exiftoolPath?: string } = {}): XmpTool {
  const config = writeExiftoolConfig();
  const exiftool = new ExifTool({
    maxProcs: 1,
    // `-config` must come first: it declares Tujian's namespace ([Note: Recognised text in XMP]).
    exiftoolArgs: ['-config', config.path, ...DefaultExiftoolArgs],
    // exiftool-vendored runs tasks without a time limit by default: a read stuck on a dead
    // network drive would hold the one exiftool process forever. Ended and restarted instead.
    taskTimeoutMillis: defaultFileTimeoutMs,
    ...(options.exiftoolPath ? { exiftoolPath: options.exiftoolPath } : {}),
  });
  return {
    async read(path) {
      const tags: Record<string, unknown> = await exiftool.readRaw(path, {
        readArgs: [
          '-struct',
          '-XMP-dc:Subject',
          '-XMP-lr:HierarchicalSubject',
          '-IPTC:Keywords',
          '-XMP-mwg-rs:RegionInfo',
          `-${recognizedTextTag}`,
        ],
      });
      return {
        subject: asList(tags.Subject),
        hierarchical: asList(tags.HierarchicalSubject),
        iptc: asList(tags.Keywords),
        ...parseRegionInfo(tags.RegionInfo),
        text: asList(tags.RecognizedText),
      };
    },
    async write(path, keywords) {
      // Group-qualified names: only the XMP-dc and XMP-lr lists, nothing else in the file.
      const regions = keywords.regions;
      const tags = {
        'XMP-dc:Subject': keywords.subject.length > 0 ? [...keywords.subject] : null,
        'XMP-lr:HierarchicalSubject':
          keywords.hierarchical.length > 0 ? [...keywords.hierarchical] : null,
        ...(regions === undefined
          ? {}
          : {
              'XMP-mwg-rs:RegionInfo':
                regions.length > 0
                  ? {
                      ...(keywords.regionDimensions
                        ? { AppliedToDimensions: keywords.regionDimensions }
                        : {}),
                      RegionList: regions.map(regionStruct),
                    }
                  : null,
            }),
        ...(keywords.text === undefined
          ? {}
          : { [recognizedTextTag]: keywords.text.length > 0 ? [...keywords.text] : null }),
      } as unknown as WriteTags;
      await exiftool.write(path, tags, { writeArgs: ['-overwrite_original'] });
    },
    end: () =>
      exiftool.end().finally(() => {
        config.remove();
      }),
  };
}

// ---------------------------------------------------------------------------------------
// Keywords we write

const typeBranch: Record<string, string> = {
  object: 'objects',
  scene: 'scenes',
  concept: 'concepts',
  person: 'people',
};
const userBranch = 'user';

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** A keyword may not contain the hierarchy separator; Lightroom treats `|` as a level break. */
function clean(name: string): string {
  return name.replace(/\|/g, '/').trim();
}

/** Six decimals: a thousandth of a pixel on a 1000-pixel side, with no float noise in XMP. */
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** The keywords Tujian writes for one content; see [Note: Tujian's keywords in XMP]. */
export function keywordsForContent(
  db: Catalog,
  contentId: number,
  settings: Pick<XmpSettings, 'languages' | 'minConfidence'>,
): XmpKeywords {
  const rows = listUnrejectedTagsByState(db, contentId);
  const subject: string[] = [];
  const hierarchical: string[] = [];
  for (const row of rows) {
    const user = row.state === 'user';
    // An engine that answers yes/no detected it: no score to hold against the threshold
    // ([Note: Tags without a confidence] in main/engines/tag-model.ts).
    const belowThreshold =
      row.unscored === 0 && row.confidence !== null && row.confidence < settings.minConfidence;
    if (!user && belowThreshold) continue;
    const names =
      settings.languages === 'en'
        ? [row.en]
        : settings.languages === 'zh'
          ? [row.zh]
          : [row.en, row.zh];
    const branch = user ? userBranch : (typeBranch[row.type] ?? 'concepts');
    for (const name of unique(names.map(clean)).filter(Boolean)) {
      subject.push(name);
      hierarchical.push(`${hierarchyRoot}|${branch}|${name}`);
    }
  }
  // Named persons' faces as MWG regions, in one language (a region has one name), on the
  // stored image as the guidelines define them ([Note: MWG regions and EXIF orientation]).
  const shape = getContentShape(db, contentId);
  const orientation = shape?.orientation ?? null;
  const regions = listContentTags(db, contentId)
    .filter((t) => t.type === 'person')
    .flatMap((t) =>
      t.boxes.map((box): XmpFaceRegion => {
        const b = unorientBox(box, orientation);
        return {
          name: clean(settings.languages === 'zh' ? t.zh : t.en),
          x: round6(b.x + b.w / 2),
          y: round6(b.y + b.h / 2),
          w: round6(b.w),
          h: round6(b.h),
          ours: true,
        };
      }),
    );
  const dimensions = regions.length > 0 && shape ? storedDimensions(shape) : undefined;
  return {
    subject: unique(subject),
    hierarchical: unique(hierarchical),
    regions,
    ...(dimensions ? { regionDimensions: dimensions } : {}),
  };
}

function leaf(path: string): string {
  return path.slice(path.lastIndexOf('|') + 1);
}

/** Our keywords replace our previous ones; everyone else's stay. */
export function mergeKeywords(existing: XmpKeywords, ours: XmpKeywords): XmpKeywords {
  const previousOurs = existing.hierarchical.filter((h) => h.startsWith(`${hierarchyRoot}|`));
  const previousLeaves = new Set(previousOurs.map(leaf));
  const foreignSubject = existing.subject.filter((s) => !previousLeaves.has(s));
  const foreignHierarchical = existing.hierarchical.filter(
    (h) => !h.startsWith(`${hierarchyRoot}|`),
  );
  return {
    subject: unique([...foreignSubject, ...ours.subject]),
    hierarchical: unique([...foreignHierarchical, ...ours.hierarchical]),
    ...(ours.regions === undefined
      ? {}
      : { regions: [...(existing.regions ?? []).filter((r) => !r.ours), ...ours.regions] }),
    ...(existing.regionDimensions || ours.regionDimensions
      ? { regionDimensions: existing.regionDimensions ?? ours.regionDimensions }
      : {}),
    // The whole Tujian namespace is ours: our lines replace whatever it held.
    ...(ours.text === undefined ? {} : { text: ours.text }),
  };
}

function sameRegions(
  a: readonly XmpFaceRegion[] | undefined,
  b: readonly XmpFaceRegion[] | undefined,
): boolean {
  const key = (list: readonly XmpFaceRegion[] | undefined) =>
    JSON.stringify(
      (list ?? []).map((r) => [r.name, r.ours, ...[r.x, r.y, r.w, r.h].map((v) => v.toFixed(4))]),
    );
  return key(a) === key(b);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// ---------------------------------------------------------------------------------------
// Sidecar paths and writing

/** Where a photo's sidecar lives. In a sidecar folder the tree mirrors the library folder's. */
export function sidecarPathFor(
  settings: Pick<XmpSettings, 'location' | 'folder'>,
  folder: { id: number; path: string },
  relPath: string,
): string {
  if (settings.location === 'folder') {
    if (!settings.folder) throw new Error('No sidecar folder is set.');
    // The folder id keeps two library folders with the same name apart.
    const top = `${String(folder.id)}-${basename(folder.path) || 'root'}`;
    return `${join(settings.folder, top, ...relPath.split('/'))}.xmp`;
  }
  return `${absolutePathOf(folder.path, relPath)}.xmp`;
}

export type SidecarOutcome =
  | { readonly status: 'written' | 'unchanged'; readonly photoId: number; readonly path: string }
  | { readonly status: 'skipped'; readonly photoId: number; readonly reason: string };

async function isRegularFile(path: string): Promise<boolean> {
  return statRegularFile(path).then(
    () => true,
    () => false,
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes (or updates) one photo's sidecar. Never touches the photo file itself. */
export async function writeSidecar(
  tool: XmpTool,
  db: Catalog,
  photoId: number,
  settings: XmpSettings,
): Promise<SidecarOutcome> {
  const photo = getPhoto(db, photoId);
  if (!photo) return { status: 'skipped', photoId, reason: 'No such photo.' };
  if (photo.contentId === null) {
    return { status: 'skipped', photoId, reason: 'Not indexed yet (no tags to write).' };
  }
  const folder = getFolder(db, photo.folderId);
  if (!folder) return { status: 'skipped', photoId, reason: 'Its folder was removed.' };
  if (
    settings.location === 'beside' &&
    (folder.status === 'offline' || photo.status === 'missing')
  ) {
    return {
      status: 'skipped',
      photoId,
      reason: `The photo is not reachable (${folder.status === 'offline' ? 'folder offline' : 'file missing'}); a sidecar next to it cannot be written now.`,
    };
  }
  const path = sidecarPathFor(settings, folder, photo.relPath);
  if (settings.location === 'beside' && !(await exists(dirname(path)))) {
    return { status: 'skipped', photoId, reason: `${dirname(path)} is not there.` };
  }
  const ours: XmpKeywords = {
    ...keywordsForContent(db, photo.contentId, settings),
    text: recognizedTextForSidecar(db, photo.contentId, settings),
  };
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile()) {
    // exiftool would block opening a pipe ([Note: Never open a non-regular file]). Failed,
    // not skipped: the caller retries it once the user has cleared the path.
    throw new Error(`${path}: ${notRegularReason(existing)}`);
  }
  const present = existing !== undefined;
  const had = present ? await tool.read(path) : { subject: [], hierarchical: [], iptc: [] };
  const merged = mergeKeywords(had, ours);
  if (
    !present &&
    merged.subject.length === 0 &&
    merged.hierarchical.length === 0 &&
    (merged.text ?? []).length === 0
  ) {
    return { status: 'skipped', photoId, reason: 'No tags to write.' };
  }
  if (
    present &&
    sameList(merged.subject, had.subject) &&
    sameList(merged.hierarchical, had.hierarchical) &&
    (merged.text === undefined || sameRecognizedText(merged.text, had.text ?? [])) &&
    (merged.regions === undefined || sameRegions(merged.regions, had.regions))
  ) {
    return { status: 'unchanged', photoId, path };
  }
  if (settings.location === 'folder') await mkdir(dirname(path), { recursive: true });
  await tool.write(path, merged);
  return { status: 'written', photoId, path };
}

export interface SidecarRunReport {
  written: number;
  unchanged: number;
  readonly skipped: { readonly photoId: number; readonly reason: string }[];
  readonly failed: { readonly photoId: number; readonly error: string }[];
}

/** Writes sidecars for the given photos (all indexed photos when omitted). */
export async function writeSidecars(
  tool: XmpTool,
  db: Catalog,
  settings: XmpSettings,
  photoIds?: readonly number[],
  onProgress?: (done: number, total: number) => void,
): Promise<SidecarRunReport> {
  const ids = photoIds ?? listIngestedPhotoIds(db);
  const report: SidecarRunReport = { written: 0, unchanged: 0, skipped: [], failed: [] };
  let done = 0;
  for (const id of ids) {
    try {
      const outcome = await writeSidecar(tool, db, id, settings);
      if (outcome.status === 'skipped') report.skipped.push(outcome);
      else report[outcome.status]++;
    } catch (error) {
      // One unwritable sidecar (read-only share, odd file) must not stop the rest.
      report.failed.push({ photoId: id, error: (error as Error).message });
    }
    onProgress?.(++done, ids.length);
  }
  return report;
}

// ---------------------------------------------------------------------------------------
// Reading keywords on ingest

const maxKeywords = 200;
const maxKeywordLength = 100;

/** Sidecars other tools may have left for a photo: `photo.jpg.xmp` and `photo.xmp`. */
export function sidecarCandidates(photoPath: string): string[] {
  const ext = extname(photoPath);
  const candidates = [`${photoPath}.xmp`];
  if (ext) candidates.push(`${photoPath.slice(0, -ext.length)}.xmp`);
  return candidates;
}

/** The user keywords in one set of XMP/IPTC lists; see [Note: Tujian's keywords in XMP]. */
export function userKeywordsOf(found: FileKeywords): string[] {
  const engineLeaves = new Set<string>();
  const userLeaves: string[] = [];
  for (const path of found.hierarchical) {
    const parts = path.split('|');
    if (parts[0] !== hierarchyRoot) continue;
    if (parts[1] === userBranch) userLeaves.push(leaf(path));
    else engineLeaves.add(leaf(path));
  }
  const flat = [...found.subject, ...found.iptc].filter((k) => !engineLeaves.has(k));
  return unique([...flat, ...userLeaves].map(clean))
    .filter((k) => k.length > 0 && k.length <= maxKeywordLength)
    .slice(0, maxKeywords);
}

/** What the photo's embedded XMP/IPTC and each of its sidecars hold, one entry per readable file. */
export async function readXmpSources(tool: XmpTool, photoPath: string): Promise<FileKeywords[]> {
  // Only regular files are handed to exiftool, which would wait forever on a pipe:
  // [Note: Never open a non-regular file].
  const sources: string[] = [];
  for (const candidate of [photoPath, ...sidecarCandidates(photoPath)]) {
    if (await isRegularFile(candidate)) sources.push(candidate);
  }
  const found: FileKeywords[] = [];
  for (const source of sources) {
    try {
      found.push(await withTimeout(tool.read(source), defaultFileTimeoutMs, 'Reading keywords'));
    } catch {
      // A damaged sidecar or an odd file: nothing from it, ingest carries on.
    }
  }
  return found;
}

function userKeywordsOfAll(found: readonly FileKeywords[]): string[] {
  return unique(found.flatMap(userKeywordsOf)).slice(0, maxKeywords);
}

/** User keywords from the photo's embedded XMP/IPTC and its sidecars (`readKeywords(path)`). */
export async function readKeywords(tool: XmpTool, photoPath: string): Promise<string[]> {
  return userKeywordsOfAll(await readXmpSources(tool, photoPath));
}

/**
 * Stores keywords as user tags of a content. A name the catalog knows (in either language,
 * or the old name of a tag merged into another) reuses that tag; a tag the user rejected on
 * this content stays rejected.
 */
export function importKeywordsAsUserTags(
  db: Catalog,
  contentId: number,
  keywords: readonly string[],
  now: number = Date.now(),
): number {
  return db.transaction(() => {
    let added = 0;
    for (const keyword of keywords) {
      const lower = keyword.toLowerCase();
      const tagId =
        findTagByName(db, keyword)?.id ??
        upsertTag(db, { name: lower, type: 'concept', zh: keyword, en: keyword });
      added += addKeywordTag(db, contentId, tagId, now);
    }
    return added;
  })();
}

// ---------------------------------------------------------------------------------------
// Hooks for ingest and tagging

export interface KeywordImporter {
  /** For `IngestDeps.onNewContent`: imports the keywords of a newly ingested content. */
  readonly onNewContent: (contentId: number, path: string) => Promise<void>;
  /** Ends the ExifTool process, if one was started. */
  close(): Promise<void>;
}

/**
 * Imports keywords other tools left on photos (when the `importKeywords` setting is on). The
 * ExifTool process starts on the first photo that needs it, so a run with nothing new costs
 * nothing; a failure to read is logged by the caller's `warn` and never fails the ingest.
 */
export function createKeywordImporter(
  db: Catalog,
  options: {
    warn?: (message: string) => void;
    tool?: () => XmpTool;
    /** Told what the same read found, for the face regions other tools wrote. */
    onRegions?: (contentId: number, found: readonly FileKeywords[]) => void;
  } = {},
): KeywordImporter {
  let tool: XmpTool | undefined;
  let enabled: boolean | undefined;
  return {
    async onNewContent(contentId, path) {
      enabled ??= readXmpSettings(db).importKeywords;
      if (!enabled) return;
      tool ??= (options.tool ?? createXmpTool)();
      try {
        const found = await readXmpSources(tool, path);
        const keywords = userKeywordsOfAll(found);
        if (keywords.length > 0) importKeywordsAsUserTags(db, contentId, keywords);
        options.onRegions?.(contentId, found);
      } catch (error) {
        options.warn?.(`keywords of ${path} not read: ${(error as Error).message}`);
      }
    },
    async close() {
      await tool?.end();
      tool = undefined;
    },
  };
}

/**
 * Rewrites the sidecars of every photo showing this content (after its tags changed), when
 * sidecar writing is enabled. Returns the outcomes; never throws for one bad sidecar.
 */
export async function writeSidecarsForContent(
  tool: XmpTool,
  db: Catalog,
  contentId: number,
  settings: XmpSettings = readXmpSettings(db),
): Promise<SidecarRunReport | undefined> {
  if (!settings.enabled) return undefined;
  const ids = listPhotoIdsOfContent(db, contentId);
  return writeSidecars(tool, db, settings, ids);
}
