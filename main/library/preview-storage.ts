// How much of the data folder the offline catalog may use: the preview size (a settings row,
// default 1600 px, used for previews made from now on), the space thumbnails and previews take,
// and an optional budget that prunes the least recently used previews. Thumbnails are always
// kept: they are what an offline folder is browsed by, and they are small.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { defaultRenditionOptions, type RenditionOptions } from '../imaging/image-renditions.ts';
import { dataPaths } from '../util/data-dir.ts';

export const PreviewSettings = z.object({
  /** Longest side of new previews, in pixels. */
  size: z.number().int().min(320).max(4096).default(defaultRenditionOptions.previewSize),
  /** Most bytes previews may take; null for no limit. */
  budgetBytes: z.number().int().positive().nullable().default(null),
});
export type PreviewSettings = z.infer<typeof PreviewSettings>;

export const previewSettingsKey = 'library.previews';

export function readPreviewSettings(db: Catalog): PreviewSettings {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(previewSettingsKey) as
    { value: string } | undefined;
  const parsed = PreviewSettings.safeParse(row ? JSON.parse(row.value) : {});
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
  db.prepare(
    `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(previewSettingsKey, JSON.stringify(merged));
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
  const clear = db.prepare('UPDATE contents SET has_preview = 0 WHERE hash = ?');
  let removed = 0;
  let freedBytes = 0;
  for (const file of files) {
    if (total <= budgetBytes) break;
    // The catalog first: a crash between the two leaves a file the catalog does not claim
    // (an orphan `tujian check` cleans), never a claim without a file.
    if (file.hash) clear.run(file.hash);
    await rm(file.path, { force: true });
    total -= file.bytes;
    freedBytes += file.bytes;
    removed++;
  }
  return { removed, freedBytes, remainingBytes: total };
}
