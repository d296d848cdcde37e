// The catalog reads the UI needs that no core module offers: folder lists with counts,
// photo details, and activity counts from the job table. Plain SQL with bound parameters
// (STYLE.md rule 5); each function takes the open catalog, so tests use a real SQLite file.
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog-connection.ts';
import { listContentTags } from '../catalog/photo-tags.ts';
import {
  ApiError,
  EngineId,
  engineIds,
  type FolderInfo,
  type JobFailure,
  type PhotoDetails,
  type PhotoSummary,
} from '../../preload/api-contract.ts';

interface FolderRow {
  id: number;
  path: string;
  status: 'online' | 'offline';
  engines: string;
  added_at: number;
  last_scan_at: number | null;
  photo_count: number;
  pending_count: number;
  broken_count: number;
}

function parseEngines(text: string): EngineId[] {
  try {
    const parsed: unknown = JSON.parse(text);
    const result = EngineId.array().safeParse(parsed);
    return result.success ? result.data : ['local'];
  } catch {
    return ['local'];
  }
}

function toFolderInfo(row: FolderRow): FolderInfo {
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

const folderSelect = `
  SELECT f.id, f.path, f.status, f.engines, f.added_at, f.last_scan_at,
    (SELECT count(*) FROM photos p WHERE p.folder_id = f.id AND p.status = 'ok') AS photo_count,
    (SELECT count(*) FROM photos p WHERE p.folder_id = f.id AND p.status = 'pending') AS pending_count,
    (SELECT count(*) FROM photos p WHERE p.folder_id = f.id AND p.status = 'broken') AS broken_count
  FROM folders f`;

export function listFolders(db: Catalog): FolderInfo[] {
  return db.prepare<[], FolderRow>(`${folderSelect} ORDER BY f.path`).all().map(toFolderInfo);
}

export function getFolder(db: Catalog, id: number): FolderInfo {
  const row = db.prepare<[number], FolderRow>(`${folderSelect} WHERE f.id = ?`).get(id);
  if (!row) throw new ApiError('not-found', `No folder with id ${id}.`);
  return toFolderInfo(row);
}

export function setFolderEngines(db: Catalog, id: number, engines: readonly EngineId[]): void {
  const unique = engineIds.filter((e) => engines.includes(e));
  const info = db
    .prepare(`UPDATE folders SET engines = ? WHERE id = ?`)
    .run(JSON.stringify(unique), id);
  if (info.changes === 0) throw new ApiError('not-found', `No folder with id ${id}.`);
}

interface PhotoRow {
  id: number;
  folder_id: number;
  rel_path: string;
  hash: string | null;
  width: number | null;
  height: number | null;
  taken_at: number | null;
  status: PhotoSummary['status'];
}

export const photoSummaryColumns = `p.id, p.folder_id, p.rel_path, c.hash, c.width, c.height, c.taken_at, p.status`;

export function toPhotoSummary(row: PhotoRow): PhotoSummary {
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
  const rows = db
    .prepare<[string], PhotoRow>(
      `SELECT ${photoSummaryColumns} FROM photos p LEFT JOIN contents c ON c.id = p.content_id
       WHERE p.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids));
  const byId = new Map(rows.map((r) => [r.id, toPhotoSummary(r)]));
  return ids.flatMap((id) => {
    const photo = byId.get(id);
    return photo ? [photo] : [];
  });
}

export function getPhotoDetails(db: Catalog, id: number): PhotoDetails {
  const row = db
    .prepare<
      [number],
      PhotoRow & {
        content_id: number | null;
        folder_path: string;
        size: number;
        mtime_ms: number;
        error: string | null;
        format: string | null;
        camera: string | null;
        lat: number | null;
        lon: number | null;
        orientation: number | null;
        has_preview: number | null;
      }
    >(
      `SELECT ${photoSummaryColumns}, p.content_id, f.path AS folder_path, p.size, p.mtime_ms, p.error,
              c.format, c.camera, c.lat, c.lon, c.orientation, c.has_preview
       FROM photos p JOIN folders f ON f.id = p.folder_id LEFT JOIN contents c ON c.id = p.content_id
       WHERE p.id = ?`,
    )
    .get(id);
  if (!row) throw new ApiError('not-found', `No photo with id ${id}.`);
  const contentId = row.content_id;
  const all = contentId === null ? [] : listContentTags(db, contentId, { includeRejected: true });
  const duplicates =
    contentId === null
      ? []
      : db
          .prepare<[number, number], { id: number; path: string }>(
            `SELECT p.id, f.path || '/' || p.rel_path AS path FROM photos p JOIN folders f ON f.id = p.folder_id
             WHERE p.content_id = ? AND p.id != ? ORDER BY path LIMIT 50`,
          )
          .all(contentId, id);
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
  const jobRows = db
    .prepare<[], { engine: string; state: 'queued' | 'running' | 'failed'; n: number }>(
      `SELECT engine, state, count(*) AS n FROM jobs WHERE kind = 'tag' AND engine IS NOT NULL GROUP BY engine, state`,
    )
    .all();
  for (const r of jobRows) get(r.engine)[r.state] += r.n;
  const since = now - recentWindowMs;
  const doneRows = db
    .prepare<
      [number, number],
      { engine: string; n: number; recent: number; first_recent: number | null }
    >(
      `SELECT engine, count(*) AS n, sum(finished_at >= ?) AS recent,
              min(CASE WHEN finished_at >= ? THEN finished_at END) AS first_recent
       FROM engine_results GROUP BY engine`,
    )
    .all(since, since);
  for (const r of doneRows) {
    const c = get(r.engine);
    c.done = r.n;
    c.doneRecent = r.recent;
    c.firstRecentAt = r.first_recent;
  }
  return counts;
}

export function countIngest(db: Catalog): { queued: number; failed: number; photos: number } {
  const row = db
    .prepare<[], { queued: number; failed: number; photos: number }>(
      `SELECT (SELECT count(*) FROM jobs WHERE kind = 'ingest' AND state != 'failed') AS queued,
              (SELECT count(*) FROM jobs WHERE kind = 'ingest' AND state = 'failed') AS failed,
              (SELECT count(*) FROM photos WHERE status = 'ok') AS photos`,
    )
    .get();
  return row ?? { queued: 0, failed: 0, photos: 0 };
}

export function listFailures(db: Catalog, limit: number): JobFailure[] {
  return db
    .prepare<
      [number],
      {
        id: number;
        kind: 'ingest' | 'tag';
        engine: string | null;
        photo_id: number | null;
        path: string | null;
        attempts: number;
        last_error_code: string | null;
        last_error: string | null;
        updated_at: number;
      }
    >(
      `SELECT j.id, j.kind, j.engine, coalesce(j.photo_id, p.id) AS photo_id,
              f.path || '/' || p.rel_path AS path, j.attempts, j.last_error_code, j.last_error, j.updated_at
       FROM jobs j
       LEFT JOIN photos p ON p.id = coalesce(j.photo_id,
         (SELECT id FROM photos WHERE content_id = j.content_id ORDER BY id LIMIT 1))
       LEFT JOIN folders f ON f.id = p.folder_id
       WHERE j.state = 'failed' ORDER BY j.updated_at DESC LIMIT ?`,
    )
    .all(limit)
    .map((r) => ({
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

/** Failed jobs back to the queue, due now, with a fresh attempt count. */
export function retryFailedJobs(
  db: Catalog,
  jobIds: readonly number[] | null,
  now: number,
): number {
  const info =
    jobIds === null
      ? db
          .prepare(
            `UPDATE jobs SET state = 'queued', attempts = 0, next_run_at = ?, updated_at = ? WHERE state = 'failed'`,
          )
          .run(now, now)
      : db
          .prepare(
            `UPDATE jobs SET state = 'queued', attempts = 0, next_run_at = ?, updated_at = ?
             WHERE state = 'failed' AND id IN (SELECT value FROM json_each(?))`,
          )
          .run(now, now, JSON.stringify(jobIds));
  return info.changes;
}

// ---------------------------------------------------------------------------------------
// Non-secret settings rows (JSON values)
