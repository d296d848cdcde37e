// The catalog reads the UI needs that no core module offers: folder lists with counts,
// photo details, and activity counts from the job table. Plain SQL with bound parameters
// (STYLE.md rule 5); each function takes the open catalog, so tests use a real SQLite file.
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  getFolderWithCounts,
  listFoldersWithCounts,
  updateFolderEngines,
  type FolderWithCountsRow,
} from '../catalog/folders.ts';
import { countTagJobsByEngine, listFailedJobsWithPhotos } from '../catalog/jobs-table.ts';
import { countEngineResults, listContentTags } from '../catalog/photo-tags.ts';
import { type PhotoTextReport, photoTextReport } from '../catalog/photo-text.ts';
import { perceptualHashState } from '../catalog/perceptual-hashes.ts';
import {
  getPhotoDetailRow,
  getPhotoSummaryRows,
  listOtherPlacesOfContent,
  type PhotoSummaryRow,
} from '../catalog/photos.ts';
import {
  ApiError,
  EngineId,
  engineIds,
  type FolderInfo,
  type JobFailure,
  type PhotoDetails,
  type PhotoSummary,
} from '../../preload/api-contract.ts';

function parseEngines(text: string): EngineId[] {
  try {
    const parsed: unknown = JSON.parse(text);
    const result = EngineId.array().safeParse(parsed);
    return result.success ? result.data : ['local'];
  } catch {
    return ['local'];
  }
}

function toFolderInfo(row: FolderWithCountsRow): FolderInfo {
  return {
    id: row.id,
    path: row.path,
    status: row.status,
    engines: parseEngines(row.engines),
    photoCount: row.photo_count,
    pendingCount: row.pending_count,
    brokenCount: row.broken_count,
    addedAt: row.added_at,
    lastScanAt: row.last_scan_at,
  };
}

export function listFolders(db: Catalog): FolderInfo[] {
  return listFoldersWithCounts(db).map(toFolderInfo);
}

export function getFolder(db: Catalog, id: number): FolderInfo {
  const row = getFolderWithCounts(db, id);
  if (!row) throw new ApiError('not-found', `No folder with id ${id}.`);
  return toFolderInfo(row);
}

export function setFolderEngines(db: Catalog, id: number, engines: readonly EngineId[]): void {
  const unique = engineIds.filter((e) => engines.includes(e));
  if (!updateFolderEngines(db, id, unique))
    throw new ApiError('not-found', `No folder with id ${id}.`);
}

export function toPhotoSummary(row: PhotoSummaryRow): PhotoSummary {
  return {
    id: row.id,
    folderId: row.folder_id,
    relPath: row.rel_path,
    hash: row.hash,
    width: row.width,
    height: row.height,
    takenAt: row.taken_at,
    status: row.status,
    hasThumbnail: row.hash !== null && row.status === 'ok',
  };
}

export function getPhotoSummaries(db: Catalog, ids: readonly number[]): PhotoSummary[] {
  if (ids.length === 0) return [];
  const rows = getPhotoSummaryRows(db, ids);
  const byId = new Map(rows.map((r) => [r.id, toPhotoSummary(r)]));
  return ids.flatMap((id) => {
    const photo = byId.get(id);
    return photo ? [photo] : [];
  });
}

function textView(report: PhotoTextReport): PhotoDetails['text'] {
  return {
    state: report.state,
    model: report.model,
    lines: report.lines.map(({ text, box, confidence, language }) => ({
      text,
      box,
      confidence,
      language,
    })),
  };
}

const similarStates = {
  hashed: 'ready',
  pending: 'not-analysed',
  failed: 'unreadable',
} as const satisfies Record<string, PhotoDetails['similar']>;

export function getPhotoDetails(db: Catalog, id: number): PhotoDetails {
  const row = getPhotoDetailRow(db, id);
  if (!row) throw new ApiError('not-found', `No photo with id ${id}.`);
  const contentId = row.content_id;
  const all = contentId === null ? [] : listContentTags(db, contentId, { includeRejected: true });
  const duplicates = contentId === null ? [] : listOtherPlacesOfContent(db, contentId, id, 50);
  const rejectedIds = new Set(all.filter((t) => t.state === 'rejected').map((t) => t.tagId));
  const rejected = new Map<number, { tagId: number; name: string; zh: string; en: string }>();
  for (const t of all) {
    if (t.state === 'rejected')
      rejected.set(t.tagId, { tagId: t.tagId, name: t.name, zh: t.zh, en: t.en });
  }
  return {
    photo: toPhotoSummary(row),
    folderPath: row.folder_path,
    absolutePath: join(row.folder_path, row.rel_path),
    size: row.size,
    mtimeMs: row.mtime_ms,
    error: row.error,
    facts: {
      format: row.format,
      camera: row.camera,
      lat: row.lat,
      lon: row.lon,
      orientation: row.orientation,
    },
    duplicates,
    tags: all.flatMap((t) =>
      t.state === 'rejected' || rejectedIds.has(t.tagId)
        ? []
        : [
            {
              tagId: t.tagId,
              name: t.name,
              type: t.type,
              zh: t.zh,
              en: t.en,
              engine: t.engine,
              model: t.model,
              confidence: t.confidence,
              state: t.state,
              boxes: t.boxes,
            },
          ],
    ),
    rejected: [...rejected.values()],
    hasPreview: row.has_preview === 1,
    text: textView(photoTextReport(db, contentId)),
    similar: similarStates[perceptualHashState(db, contentId)],
  };
}

// ---------------------------------------------------------------------------------------
// Activity (read from the persisted job table and the never-pay-twice record)

export interface EngineCounts {
  queued: number;
  running: number;
  failed: number;
  done: number;
  doneRecent: number;
  /** When the oldest of the recent results finished (null when none). */
  firstRecentAt: number | null;
}

export function countEngineActivity(
  db: Catalog,
  now: number,
  recentWindowMs: number,
): Map<string, EngineCounts> {
  const counts = new Map<string, EngineCounts>();
  const get = (engine: string) => {
    let c = counts.get(engine);
    if (!c) {
      c = { queued: 0, running: 0, failed: 0, done: 0, doneRecent: 0, firstRecentAt: null };
      counts.set(engine, c);
    }
    return c;
  };
  const jobRows = countTagJobsByEngine(db);
  for (const r of jobRows) get(r.engine)[r.state] += r.n;
  const since = now - recentWindowMs;
  const doneRows = countEngineResults(db, since);
  for (const r of doneRows) {
    const c = get(r.engine);
    c.done = r.n;
    c.doneRecent = r.recent;
    c.firstRecentAt = r.first_recent;
  }
  return counts;
}

export function listFailures(db: Catalog, limit: number): JobFailure[] {
  return listFailedJobsWithPhotos(db, limit).map((r) => ({
    jobId: r.id,
    kind: r.kind,
    engine: r.engine,
    photoId: r.photo_id,
    path: r.path,
    attempts: r.attempts,
    code: r.last_error_code,
    reason: r.last_error,
    updatedAt: r.updated_at,
  }));
}
