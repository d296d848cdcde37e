// The `contents` table: one row per distinct file content (sha256 of the bytes), holding what
// is true of the bytes wherever they are — dimensions, EXIF facts, whether previews exist.
// See [Note: Tags belong to content] in migrations/0001-initial.ts.
import { EngineId } from '../engines/tag-model.ts';
import type { Catalog } from './catalog-connection.ts';

export interface ContentFacts {
  readonly hash: string;
  readonly size: number;
  readonly format: string | null;
  /** Width and height of the image as displayed (EXIF orientation applied). */
  readonly width: number | null;
  readonly height: number | null;
  readonly orientation: number | null;
  /** See [Note: taken_at is wall-clock time] in main/library/photo-metadata.ts. */
  readonly takenAt: number | null;
  readonly camera: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly hasPreview: boolean;
}

export interface Content extends ContentFacts {
  readonly id: number;
  readonly createdAt: number;
}

interface ContentRow {
  id: number;
  hash: string;
  size: number;
  format: string | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  taken_at: number | null;
  camera: string | null;
  lat: number | null;
  lon: number | null;
  has_preview: number;
  created_at: number;
}

function toContent(row: ContentRow): Content {
  return {
    id: row.id,
    hash: row.hash,
    size: row.size,
    format: row.format,
    width: row.width,
    height: row.height,
    orientation: row.orientation,
    takenAt: row.taken_at,
    camera: row.camera,
    lat: row.lat,
    lon: row.lon,
    hasPreview: row.has_preview === 1,
    createdAt: row.created_at,
  };
}

export function getContent(db: Catalog, id: number): Content | undefined {
  const row = db.prepare('SELECT * FROM contents WHERE id = ?').get(id) as ContentRow | undefined;
  return row ? toContent(row) : undefined;
}

export function findContentByHash(db: Catalog, hash: string): Content | undefined {
  const row = db.prepare('SELECT * FROM contents WHERE hash = ?').get(hash) as
    ContentRow | undefined;
  return row ? toContent(row) : undefined;
}

/**
 * Inserts the content, or — when the same bytes were ingested meanwhile (two places ingested
 * concurrently) — keeps the existing row. Returns the id and whether this call created it.
 */
export function insertContent(
  db: Catalog,
  facts: ContentFacts,
  now: number,
): { id: number; created: boolean } {
  // [Note: RETURNING is read with all()]: outside a transaction an INSERT … RETURNING commits
  // when the statement finishes. `.get()` resets it after the first row and better-sqlite3
  // drops an error of that commit (a full disk), so the id of a rolled-back row came back.
  // `.all()` steps to the end, so the commit's error is thrown. Every RETURNING in the
  // catalog is read this way (test/catalog/returning-on-full-disk.test.ts).
  const inserted = db
    .prepare(
      `INSERT INTO contents
         (hash, size, format, width, height, orientation, taken_at, camera, lat, lon, has_preview, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hash) DO NOTHING
       RETURNING id`,
    )
    .all(
      facts.hash,
      facts.size,
      facts.format,
      facts.width,
      facts.height,
      facts.orientation,
      facts.takenAt,
      facts.camera,
      facts.lat,
      facts.lon,
      facts.hasPreview ? 1 : 0,
      now,
    )[0] as { id: number } | undefined;
  if (inserted) return { id: inserted.id, created: true };
  const existing = db.prepare('SELECT id FROM contents WHERE hash = ?').get(facts.hash) as {
    id: number;
  };
  return { id: existing.id, created: false };
}

export function setContentHasPreview(db: Catalog, id: number, hasPreview: boolean): void {
  db.prepare('UPDATE contents SET has_preview = ? WHERE id = ?').run(hasPreview ? 1 : 0, id);
}

/** The content no longer has a preview file (found by its hash, as preview files are named). */
export function clearContentPreviewByHash(db: Catalog, hash: string): void {
  db.prepare<[string]>('UPDATE contents SET has_preview = 0 WHERE hash = ?').run(hash);
}

/** A content shown by some photo, with one online file to make its preview from (or null). */
export interface PreviewSource {
  readonly id: number;
  readonly hash: string;
  readonly width: number | null;
  readonly height: number | null;
  /** Absolute path (folder path + relative path) of its first ok photo in an online folder. */
  readonly source: string | null;
}

/** Every content a photo shows, by id, with where its preview can be made from. */
export function listPreviewSources(db: Catalog): PreviewSource[] {
  return db
    .prepare<[], PreviewSource>(
      `SELECT c.id, c.hash, c.width, c.height,
         (SELECT f.path || '/' || p.rel_path FROM photos p JOIN folders f ON f.id = p.folder_id
          WHERE p.content_id = c.id AND p.status = 'ok' AND f.status = 'online'
          ORDER BY p.id LIMIT 1) AS source
       FROM contents c WHERE EXISTS (SELECT 1 FROM photos p WHERE p.content_id = c.id)
       ORDER BY c.id`,
    )
    .all();
}

/** Contents taken in [from, to) (milliseconds; uses the taken_at index). */
export function countContentsTakenBetween(db: Catalog, from: number, to: number): number {
  return (
    db
      .prepare<[number, number], { n: number }>(
        `SELECT count(*) AS n FROM contents WHERE taken_at >= ? AND taken_at < ?`,
      )
      .get(from, to)?.n ?? 0
  );
}

/** Engines enabled on any folder holding a copy of this content. */
export function enginesEnabledForContent(db: Catalog, contentId: number): EngineId[] {
  const rows = db
    .prepare<[number], { engines: string }>(
      `SELECT DISTINCT f.engines FROM photos p JOIN folders f ON f.id = p.folder_id WHERE p.content_id = ?`,
    )
    .all(contentId);
  const enabled = new Set<EngineId>();
  for (const row of rows) {
    const parsed = EngineId.array().safeParse(JSON.parse(row.engines));
    if (parsed.success) for (const id of parsed.data) enabled.add(id);
  }
  return [...enabled];
}

/** An online copy of the content to read from, if any. */
export function sourcePathForContent(
  db: Catalog,
  contentId: number,
): { path: string; hash: string } | undefined {
  const row = db
    .prepare<[number], { folder: string; rel_path: string; hash: string }>(
      `SELECT f.path AS folder, p.rel_path, c.hash FROM photos p
       JOIN folders f ON f.id = p.folder_id JOIN contents c ON c.id = p.content_id
       WHERE p.content_id = ? AND p.status = 'ok' AND f.status = 'online' LIMIT 1`,
    )
    .get(contentId);
  return row ? { path: `${row.folder}/${row.rel_path}`, hash: row.hash } : undefined;
}

/** Ids of the contents that have at least one photo ingested fine. */
export function listIngestedContentIds(db: Catalog): number[] {
  return db
    .prepare<[], number>(
      `SELECT DISTINCT c.id FROM contents c JOIN photos p ON p.content_id = c.id WHERE p.status = 'ok'`,
    )
    .pluck()
    .all();
}
