// How much of the data folder the offline catalog may use: the preview size (a settings row,
// default 1600 px, used for previews made from now on, and for existing ones on request with
// `rebuildPreviews`), the space thumbnails and previews take, and an optional budget that
// prunes the least recently used previews. Thumbnails are always kept: they are what an
// offline folder is browsed by, and they are small.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { readSettingText, writeSettingJson } from '../catalog/settings.ts';
import {
  clearContentPreviewByHash,
  listPreviewSources,
  setContentHasPreview,
  type PreviewSource,
} from '../catalog/contents.ts';
import {
  defaultRenditionOptions,
  makeRenditions,
  type RenditionOptions,
} from '../imaging/image-renditions.ts';
import { dataPaths } from '../util/data-dir.ts';
import { previewPath, writeAtomically } from './library-files.ts';
import { readRegularFile } from '../util/regular-file.ts';

export const PreviewSettings = z.object({
  /** Longest side of new previews, in pixels. */
  size: z.number().int().min(320).max(4096).default(defaultRenditionOptions.previewSize),
  /** Most bytes previews may take; null for no limit. */
  budgetBytes: z.number().int().positive().nullable().default(null),
});
export type PreviewSettings = z.infer<typeof PreviewSettings>;

export const previewSettingsKey = 'library.previews';

export function readPreviewSettings(db: Catalog): PreviewSettings {
  const text = readSettingText(db, previewSettingsKey);
  const parsed = PreviewSettings.safeParse(text !== undefined ? JSON.parse(text) : {});
  if (!parsed.success) {
    throw new Error(`The ${previewSettingsKey} setting is invalid: ${parsed.error.message}`);
  }
  return parsed.data;
}

export function writePreviewSettings(
  db: Catalog,
  changes: Partial<PreviewSettings>,
): PreviewSettings {
  const merged = PreviewSettings.parse({ ...readPreviewSettings(db), ...changes });
  writeSettingJson(db, previewSettingsKey, merged);
  return merged;
}

/** What ingest passes to `makeRenditions` under the current settings. */
export function renditionOptionsFor(db: Catalog): RenditionOptions {
  return { previewSize: readPreviewSettings(db).size };
}

interface StoredFile {
  readonly path: string;
  readonly hash: string | null;
  readonly bytes: number;
  /** Last read (atime; relatime keeps it within a day) or written, whichever is later. */
  readonly usedAt: number;
}

async function listFiles(root: string): Promise<StoredFile[]> {
  const files: StoredFile[] = [];
  let shards: string[];
  try {
    shards = await readdir(root);
  } catch {
    return files;
  }
  for (const shard of shards) {
    let names: string[];
    try {
      names = await readdir(join(root, shard));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(root, shard, name);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      const hash = /^([0-9a-f]{64})\.webp$/.exec(name)?.[1] ?? null;
      files.push({ path, hash, bytes: info.size, usedAt: Math.max(info.atimeMs, info.mtimeMs) });
    }
  }
  return files;
}

export interface StorageUse {
  readonly thumbnails: { readonly files: number; readonly bytes: number };
  readonly previews: { readonly files: number; readonly bytes: number };
}

export async function measureStorage(dataRoot: string): Promise<StorageUse> {
  const paths = dataPaths(dataRoot);
  const sum = (files: StoredFile[]) => ({
    files: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
  });
  return {
    thumbnails: sum(await listFiles(paths.thumbnails)),
    previews: sum(await listFiles(paths.previews)),
  };
}

export interface PruneReport {
  readonly removed: number;
  readonly freedBytes: number;
  readonly remainingBytes: number;
}

/**
 * Deletes the least recently used previews until they fit `budgetBytes`, and records that
 * those contents have no preview (the viewer falls back to the thumbnail, and the preview is
 * made again the next time the photo is ingested). Never touches thumbnails.
 */
export async function prunePreviews(
  db: Catalog,
  dataRoot: string,
  budgetBytes: number,
): Promise<PruneReport> {
  const files = await listFiles(dataPaths(dataRoot).previews);
  let total = files.reduce((n, f) => n + f.bytes, 0);
  files.sort((a, b) => a.usedAt - b.usedAt);
  let removed = 0;
  let freedBytes = 0;
  for (const file of files) {
    if (total <= budgetBytes) break;
    // The catalog first: a crash between the two leaves a file the catalog does not claim
    // (an orphan `tujian check` cleans), never a claim without a file.
    if (file.hash) clearContentPreviewByHash(db, file.hash);
    await rm(file.path, { force: true });
    total -= file.bytes;
    freedBytes += file.bytes;
    removed++;
  }
  return { removed, freedBytes, remainingBytes: total };
}

export interface PreviewRebuildReport {
  /** Contents shown by at least one photo. */
  readonly contents: number;
  /** Previews made again at the size. */
  readonly rebuilt: number;
  /** Previews that already had the size (or the original is smaller). */
  readonly unchanged: number;
  /** Contents with no reachable original (folder offline, file missing): kept as they are. */
  readonly unreachable: number;
  /** Originals that could not be read, with the reason (the old preview is kept). */
  readonly failed: readonly { readonly path: string; readonly reason: string }[];
}

/**
 * Makes the previews of every content again at `size` (default: the setting) from a
 * reachable original, so a changed preview size applies to the whole library, not only to
 * photos added later. A preview that already has the size is left alone (a second run is
 * cheap); one whose original is offline or gone keeps its old preview, which is all the
 * offline catalog has. Each preview is replaced atomically; two originals are decoded at a time.
 */
export async function rebuildPreviews(
  db: Catalog,
  dataRoot: string,
  options: {
    readonly size?: number;
    readonly concurrency?: number;
    readonly onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<PreviewRebuildReport> {
  const size = options.size ?? readPreviewSettings(db).size;
  const candidates = listPreviewSources(db);
  let rebuilt = 0;
  let unchanged = 0;
  let unreachable = 0;
  let done = 0;
  const failed: { path: string; reason: string }[] = [];

  const rebuildOne = async (c: PreviewSource): Promise<void> => {
    const file = previewPath(dataRoot, c.hash);
    const longest = c.width !== null && c.height !== null ? Math.max(c.width, c.height) : null;
    const target = longest === null ? size : Math.min(size, longest);
    // From the bytes, not the name: this file may have been replaced since it was last
    // opened (see [Note: No file cache in libvips]).
    const current = await readRegularFile(file)
      .then((bytes) => sharp(bytes).metadata())
      .then((m) => Math.max(m.width, m.height))
      .catch(() => null);
    if (current === target) {
      unchanged++;
      return;
    }
    if (c.source === null) {
      unreachable++;
      return;
    }
    try {
      const renditions = await makeRenditions(c.source, { previewSize: size });
      await writeAtomically(file, renditions.preview);
      setContentHasPreview(db, c.id, true);
      rebuilt++;
    } catch (error) {
      failed.push({ path: c.source, reason: (error as Error).message });
    }
  };

  let next = 0;
  const worker = async () => {
    for (let c = candidates[next++]; c; c = candidates[next++]) {
      await rebuildOne(c);
      options.onProgress?.(++done, candidates.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return { contents: candidates.length, rebuilt, unchanged, unreachable, failed };
}
