// Writes what an engine said about one content into the catalog, and reads a content's
// tags back. Tags belong to content (see [Note: Tags belong to content] in migration 0001).
//
// [Note: Rejected tags stay rejected]
// A tag the user removed is kept as a `rejected` row (PhotoPrism's lesson): re-tagging by
// any engine must never bring it back, so `saveEngineAnswer` skips every (content, tag)
// pair that has a rejected row, whichever engine's row was rejected.
import type Database from 'better-sqlite3';
import { type Catalog, type ReadableCatalog } from './catalog-connection.ts';
import type { EngineAnswer, TagBox, TagSource, TagType } from '../engines/tag-model.ts';

export interface SaveAnswerResult {
  readonly saved: number;
  readonly skippedRejected: number;
  readonly removedStale: number;
}

interface TagStatements {
  readonly known: Database.Statement<{ name: string; type: string }, { id: number | null }>;
  readonly insert: Database.Statement<[string, string, string, string], { id: number }>;
}

/**
 * The tag a (name, type) resolves to, or null: two primary-key lookups, the alias first (a tag
 * row never shares an alias's key, see migration 0006). Exported for the query-plan test.
 */
export const knownTagSql = `SELECT coalesce(
  (SELECT tag_id FROM tag_aliases WHERE name = @name AND type = @type),
  (SELECT id FROM tags WHERE name = @name AND type = @type)) AS id`;

/** A per-connection memo: statements prepared once per catalog connection. */
function perConnection<T>(prepare: (db: Catalog) => T): (db: Catalog) => T {
  const cache = new WeakMap<Catalog, T>();
  return (db) => {
    let value = cache.get(db);
    if (value === undefined) {
      value = prepare(db);
      cache.set(db, value);
    }
    return value;
  };
}

// Prepared once per connection: upsertTag runs for every tag of every engine answer.
const statementsFor = perConnection((db): TagStatements => ({
  known: db.prepare(knownTagSql),
  insert: db.prepare(
    `INSERT INTO tags (name, type, zh, en) VALUES (?, ?, ?, ?)
       ON CONFLICT (name, type) DO UPDATE SET name = excluded.name
       RETURNING id`,
  ),
}));

/**
 * The id of the tag called (name, type), inserted if new; display names of an existing tag
 * are kept. A tag the user merged into another one resolves to the one it was merged into
 * and is never created again (see [Note: Merged tags stay merged] in migration 0006).
 */
export function upsertTag(
  db: Catalog,
  tag: { name: string; type: TagType; zh: string; en: string },
): number {
  const { known, insert } = statementsFor(db);
  const found = known.get({ name: tag.name, type: tag.type })?.id;
  if (found !== undefined && found !== null) return found;
  const row = insert.all(tag.name, tag.type, tag.zh, tag.en)[0];
  if (!row) throw new Error(`Could not upsert tag ${tag.name}`);
  return row.id;
}

// Prepared once per connection, like the tag statements: an answer is saved for every photo
// and engine, and preparing these (with the catalog's triggers) cost as much as running them.
const answerStatementsFor = perConnection((db) => ({
  rejected: db.prepare<[number, number], { one: number }>(
    `SELECT 1 AS one FROM photo_tags WHERE content_id = ? AND tag_id = ? AND state = 'rejected' LIMIT 1`,
  ),
  insertTag: db.prepare(
    `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, extra, created_at)
     VALUES (?, ?, ?, ?, ?, 'auto', ?, ?)
     ON CONFLICT (content_id, tag_id, engine) DO UPDATE SET
       model = excluded.model, confidence = excluded.confidence, extra = excluded.extra
     WHERE photo_tags.state = 'auto'`,
  ),
  deleteBoxes: db.prepare(
    `DELETE FROM tag_boxes WHERE content_id = ? AND tag_id = ? AND engine = ?`,
  ),
  insertBox: db.prepare(
    `INSERT INTO tag_boxes (content_id, tag_id, engine, x, y, w, h, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  staleRows: db.prepare<[number, string], { tag_id: number }>(
    `SELECT tag_id FROM photo_tags WHERE content_id = ? AND engine = ? AND state = 'auto'`,
  ),
  deleteRow: db.prepare(
    `DELETE FROM photo_tags WHERE content_id = ? AND tag_id = ? AND engine = ?`,
  ),
  recordResult: db.prepare(
    `INSERT INTO engine_results (content_id, engine, model, settings_key, finished_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (content_id, engine, settings_key) DO UPDATE SET model = excluded.model, finished_at = excluded.finished_at`,
  ),
}));

/**
 * Replace one engine's automatic tags on a content with its new answer, in one transaction,
 * and record that the engine answered for these settings (the never-pay-twice record).
 */
export function saveEngineAnswer(
  db: Catalog,
  contentId: number,
  answer: EngineAnswer,
  settingsKey: string,
  now: number = Date.now(),
): SaveAnswerResult {
  const { rejected, insertTag, deleteBoxes, insertBox, staleRows, deleteRow, recordResult } =
    answerStatementsFor(db);

  return db.transaction((): SaveAnswerResult => {
    let saved = 0;
    let skippedRejected = 0;
    const kept = new Set<number>();
    for (const tag of answer.tags) {
      const tagId = upsertTag(db, {
        name: tag.name,
        type: tag.type,
        zh: tag.i18n.zh,
        en: tag.i18n.en,
      });
      if (rejected.get(contentId, tagId)) {
        skippedRejected++;
        continue;
      }
      // One answer may name a tag twice (e.g. two passes); keep the first, which engines sort best-first.
      if (kept.has(tagId)) continue;
      kept.add(tagId);
      const extra = tag.extra ? JSON.stringify(tag.extra) : null;
      insertTag.run(contentId, tagId, answer.engine, answer.model, tag.confidence, extra, now);
      deleteBoxes.run(contentId, tagId, answer.engine);
      for (const box of tag.instances) {
        insertBox.run(contentId, tagId, answer.engine, box.x, box.y, box.w, box.h, box.confidence);
      }
      saved++;
    }
    let removedStale = 0;
    for (const { tag_id } of staleRows.all(contentId, answer.engine)) {
      if (!kept.has(tag_id)) {
        deleteRow.run(contentId, tag_id, answer.engine);
        removedStale++;
      }
    }
    recordResult.run(contentId, answer.engine, answer.model, settingsKey, now);
    return { saved, skippedRejected, removedStale };
  })();
}

export interface ContentTag {
  readonly tagId: number;
  readonly name: string;
  readonly type: TagType;
  readonly zh: string;
  readonly en: string;
  readonly engine: TagSource;
  readonly model: string;
  /** Null when the engine gave no score ([Note: Tags without a confidence]). */
  readonly confidence: number | null;
  readonly state: 'auto' | 'user' | 'rejected';
  readonly extra: Record<string, unknown> | null;
  readonly boxes: TagBox[];
}

/** All tag rows of a content (rejected ones included when asked), best first. */
export function listContentTags(
  db: ReadableCatalog,
  contentId: number,
  options: { includeRejected?: boolean } = {},
): ContentTag[] {
  const rows = db
    .prepare<
      [number, number],
      {
        tag_id: number;
        name: string;
        type: TagType;
        zh: string;
        en: string;
        engine: TagSource;
        model: string;
        confidence: number | null;
        state: 'auto' | 'user' | 'rejected';
        extra: string | null;
      }
    >(
      `SELECT pt.tag_id, t.name, t.type, t.zh, t.en, pt.engine, pt.model, pt.confidence, pt.state, pt.extra
       FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
       WHERE pt.content_id = ? AND (? = 1 OR pt.state != 'rejected')
       ORDER BY pt.confidence DESC, t.name`, // unscored (NULL) rows sort last
    )
    .all(contentId, options.includeRejected ? 1 : 0);
  const boxes = db.prepare<[number, number, string], TagBox>(
    `SELECT x, y, w, h, confidence FROM tag_boxes WHERE content_id = ? AND tag_id = ? AND engine = ? ORDER BY confidence DESC`,
  );
  return rows.map((r) => ({
    tagId: r.tag_id,
    name: r.name,
    type: r.type,
    zh: r.zh,
    en: r.en,
    engine: r.engine,
    model: r.model,
    confidence: r.confidence,
    state: r.state,
    extra: r.extra ? (JSON.parse(r.extra) as Record<string, unknown>) : null,
    boxes: boxes.all(contentId, r.tag_id, r.engine),
  }));
}

/** Whether an engine already answered for this content with these settings (never pay twice). */
export function hasEngineResult(
  db: Catalog,
  contentId: number,
  engine: string,
  settingsKey: string,
): boolean {
  return (
    db
      .prepare<[number, string, string], { one: number }>(
        `SELECT 1 AS one FROM engine_results WHERE content_id = ? AND engine = ? AND settings_key = ?`,
      )
      .get(contentId, engine, settingsKey) !== undefined
  );
}

/** A tag of a content by state, with its best confidence; see `listUnrejectedTagsByState`. */
export interface TagByState {
  readonly type: string;
  readonly zh: string;
  readonly en: string;
  readonly state: string;
  /** The best score among the rows; null when none has one (a yes/no engine). */
  readonly confidence: number | null;
  /** 1 when some engine of this state answered yes/no without a score. */
  readonly unscored: 0 | 1;
}

/**
 * The content's tags that no one removed, one row per tag and state with the best confidence:
 * the user's first, then by confidence and name (what sidecar keywords are made from).
 */
export function listUnrejectedTagsByState(db: Catalog, contentId: number): TagByState[] {
  return db
    .prepare<[number], TagByState>(
      `SELECT t.type, t.zh, t.en, pt.state, max(pt.confidence) AS confidence,
              max(pt.confidence IS NULL) AS unscored
       FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
       WHERE pt.content_id = ?
         AND NOT EXISTS (SELECT 1 FROM photo_tags r
                         WHERE r.content_id = pt.content_id AND r.tag_id = pt.tag_id AND r.state = 'rejected')
       GROUP BY t.id, pt.state ORDER BY pt.state = 'user' DESC, confidence DESC, t.name`,
    )
    .all(contentId);
}

/**
 * Give a content a user tag from a keyword another tool wrote (engine `user`, model
 * `keywords`), unless the user removed that tag from it; 1 when a row was added, else 0.
 */
export function addKeywordTag(db: Catalog, contentId: number, tagId: number, now: number): number {
  const rejected = db
    .prepare<[number, number]>(
      `SELECT 1 FROM photo_tags WHERE content_id = ? AND tag_id = ? AND state = 'rejected'`,
    )
    .get(contentId, tagId);
  if (rejected) return 0;
  return db
    .prepare<[number, number, number]>(
      `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
       VALUES (?, ?, 'user', 'keywords', 100, 'user', ?)
       ON CONFLICT (content_id, tag_id, engine) DO NOTHING`,
    )
    .run(contentId, tagId, now).changes;
}

/** Per engine: its results in the never-pay-twice record, those finished since `since`. */
export function countEngineResults(
  db: Catalog,
  since: number,
): { engine: string; n: number; recent: number; first_recent: number | null }[] {
  return db
    .prepare<
      [number, number],
      { engine: string; n: number; recent: number; first_recent: number | null }
    >(
      `SELECT engine, count(*) AS n, sum(finished_at >= ?) AS recent,
              min(CASE WHEN finished_at >= ? THEN finished_at END) AS first_recent
       FROM engine_results GROUP BY engine`,
    )
    .all(since, since);
}

/** The settings key of the engine's latest result: what its next run most likely uses. */
export function latestEngineSettingsKey(db: ReadableCatalog, engine: string): string | undefined {
  return db
    .prepare<[string], { settings_key: string }>(
      `SELECT settings_key FROM engine_results WHERE engine = ? ORDER BY finished_at DESC LIMIT 1`,
    )
    .get(engine)?.settings_key;
}

/** Contents, tags, and contents with at least one tag nobody removed. */
export function countCatalogTags(db: ReadableCatalog): {
  contents: number;
  tags: number;
  tagged: number;
} {
  return (
    db
      .prepare<[], { contents: number; tags: number; tagged: number }>(
        `SELECT (SELECT COUNT(*) FROM contents) AS contents, (SELECT COUNT(*) FROM tags) AS tags,
           (SELECT COUNT(DISTINCT content_id) FROM photo_tags WHERE state != 'rejected') AS tagged`,
      )
      .get() ?? { contents: 0, tags: 0, tagged: 0 }
  );
}

/** The tags on the most photos (rows nobody removed), most first, at most `limit`. */
export function listTopTags(
  db: Catalog,
  limit: number,
): { zh: string; en: string; photos: number }[] {
  return db
    .prepare<[number], { zh: string; en: string; photos: number }>(
      `SELECT t.zh, t.en, COUNT(DISTINCT p.id) AS photos FROM tags t
       JOIN photo_tags pt ON pt.tag_id = t.id AND pt.state != 'rejected'
       JOIN photos p ON p.content_id = pt.content_id
       GROUP BY t.id ORDER BY photos DESC, t.name LIMIT ?`,
    )
    .all(limit);
}

/** Live (content, tag) pairs over all tags (from `tag_stats`): a cheap size of the library. */
export function countLiveTagRows(db: Catalog): number {
  return db.prepare<[], number | null>(`SELECT sum(contents) FROM tag_stats`).pluck().get() ?? 0;
}

/** Contents carrying any of these tags, estimated from `tag_stats` (a sum, so an upper bound). */
export function estimateContentsWithTags(db: Catalog, tagIds: readonly number[]): number {
  return (
    db
      .prepare<[string], { n: number | null }>(
        `SELECT sum(contents) AS n FROM tag_stats WHERE tag_id IN (SELECT value FROM json_each(?))`,
      )
      .get(JSON.stringify(tagIds))?.n ?? 0
  );
}

/** Those of the tag ids whose tag has this type, by id. */
export function filterTagIdsByType(db: Catalog, tagIds: readonly number[], type: string): number[] {
  return db
    .prepare<[string, string], number>(
      `SELECT id FROM tags WHERE id IN (SELECT value FROM json_each(?)) AND type = ? ORDER BY id`,
    )
    .pluck()
    .all(JSON.stringify(tagIds), type);
}

/** A photo whose only scene/concept tags came from an engine being left (`tujian engines migrate`). */
export interface MigrationCandidate {
  content_id: number;
  folder_path: string;
  /** 1 when the target engine is enabled on the photo's folder. */
  enabled: number;
  /** 1 when the target engine already answered for the content. */
  answered: number;
  /** 1 when a tag job of the target engine is queued for the content. */
  queued: number;
}

/**
 * Photos with scene/concept tags from `from` and none from `coveringEngines`, optionally only
 * those a search selects (`photoFilter`: SQL returning photo ids, from the search planner).
 */
export function listMigrationCandidates(
  db: Catalog,
  options: {
    readonly from: string;
    readonly to: string;
    readonly coveringEngines: readonly string[];
    readonly photoFilter?: { readonly sql: string; readonly params: readonly (string | number)[] };
  },
): MigrationCandidate[] {
  const filter = options.photoFilter ? `AND p.id IN (${options.photoFilter.sql})` : '';
  return db
    .prepare<unknown[], MigrationCandidate>(
      `SELECT p.content_id, f.path AS folder_path,
         EXISTS (SELECT 1 FROM json_each(f.engines) e WHERE e.value = ?) AS enabled,
         EXISTS (SELECT 1 FROM engine_results r WHERE r.content_id = p.content_id AND r.engine = ?) AS answered,
         EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'tag' AND j.content_id = p.content_id AND j.engine = ?) AS queued
       FROM photos p JOIN folders f ON f.id = p.folder_id
       WHERE p.status = 'ok' AND p.content_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
                     WHERE pt.content_id = p.content_id AND pt.engine = ? AND pt.state != 'rejected'
                       AND t.type IN ('scene', 'concept'))
         AND NOT EXISTS (SELECT 1 FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
                     WHERE pt.content_id = p.content_id AND pt.state != 'rejected'
                       AND t.type IN ('scene', 'concept')
                       AND pt.engine IN (SELECT value FROM json_each(?)))
         ${filter}`,
    )
    .all(
      options.to,
      options.to,
      options.to,
      options.from,
      JSON.stringify(options.coveringEngines),
      ...(options.photoFilter?.params ?? []),
    );
}

/** Whether an engine has answered for any content. */
export function engineHasAnswers(db: ReadableCatalog, engine: string): boolean {
  return (
    db
      .prepare<[string], { one: number }>(
        'SELECT 1 AS one FROM engine_results WHERE engine = ? LIMIT 1',
      )
      .get(engine) !== undefined
  );
}

/** Every tag with its photo count and the tags merged into it, most used first (`tujian tags`). */
export function listTagsWithPhotoCounts(db: ReadableCatalog): {
  name: string;
  zh: string;
  en: string;
  type: string;
  photos: number;
  also: { name: string; type: string; zh: string; en: string }[];
}[] {
  return db
    .prepare<
      [],
      { name: string; zh: string; en: string; type: string; photos: number; also: string }
    >(
      // `also`: tags merged into this one ([Note: Merged tags stay merged] in migration 0006).
      `SELECT t.name, t.zh, t.en, t.type, COUNT(DISTINCT p.id) AS photos,
         (SELECT json_group_array(json_object('name', name, 'type', type, 'zh', zh, 'en', en))
          FROM (SELECT * FROM tag_aliases a WHERE a.tag_id = t.id ORDER BY a.name)) AS also
       FROM tags t JOIN photo_tags pt ON pt.tag_id = t.id AND pt.state != 'rejected'
       JOIN photos p ON p.content_id = pt.content_id
       GROUP BY t.id ORDER BY photos DESC, t.name`,
    )
    .all()
    .map((r) => ({
      ...r,
      also: JSON.parse(r.also) as { name: string; type: string; zh: string; en: string }[],
    }));
}
