// The user's edits to tags: add a tag to a selection (engine `user`), remove one (every
// engine's row becomes `rejected` and stays, see [Note: Rejected tags stay rejected] in
// photo-tags.ts), lift a removal, rename a tag's display names and merge two tags (for good:
// see [Note: Merged tags stay merged] in migration 0006). A selection is photo ids or the SQL
// of a search, planned when the edit runs (the query planner lives above the catalog and is
// handed in: main/search/query-tagging.ts). Every change runs in one transaction.
import type { Catalog } from './catalog-connection.ts';
import type { TagType } from '../engines/tag-model.ts';
import { upsertTag } from './photo-tags.ts';
import type { PhotoFilterSql } from './photos.ts';
import { normaliseSearchText, refreshTagTerms } from './tag-terms.ts';

/**
 * Photos to edit: explicit ids, or every photo a search finds. The search is planned inside
 * the edit's transaction (its tag words resolve against the state the edit changes), so it is
 * given as the function that plans it.
 */
export type TagSelection =
  { readonly photoIds: readonly number[] } | { readonly planSearch: () => PhotoFilterSql };

/** A tag given by the user: one text (zh or en), or both names and optionally the type. */
export type TagInput =
  string | { readonly zh?: string; readonly en?: string; readonly type?: TagType };

export interface TagRef {
  readonly id: number;
  readonly name: string;
  readonly type: TagType;
  readonly zh: string;
  readonly en: string;
}

export interface TagEditResult {
  readonly tag: TagRef;
  /** Whether the tag row was created by this edit. */
  readonly created: boolean;
  /** Contents whose tag set changed (the same content in two places counts once). */
  readonly changed: number;
  /** Selected photos with no content yet (pending or broken): nothing to tag. */
  readonly skipped: number;
}

export class TagEditError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'TagEditError';
  }
}

const maxNameLength = 100;

function getTag(db: Catalog, id: number): TagRef {
  const tag = db
    .prepare<[number], TagRef>(`SELECT id, name, type, zh, en FROM tags WHERE id = ?`)
    .get(id);
  if (!tag) throw new TagEditError('not-found', `No tag with id ${id}.`);
  return tag;
}

function cleanName(text: string | undefined, what: string): string | undefined {
  if (text === undefined) return undefined;
  const name = text.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name === '') throw new TagEditError('invalid', `The ${what} of a tag cannot be empty.`);
  if (name.length > maxNameLength) {
    throw new TagEditError(
      'invalid',
      `The ${what} of a tag is longer than ${maxNameLength} characters.`,
    );
  }
  return name;
}

/** A tag whose whole zh, en or canonical name is the text (the most used one when several). */
export function findTagByName(db: Catalog, text: string, type?: TagType): TagRef | undefined {
  const term = normaliseSearchText(text);
  if (term === '') return undefined;
  refreshTagTerms(db);
  return db
    .prepare<[string, string | null, string | null], TagRef>(
      `SELECT t.id, t.name, t.type, t.zh, t.en FROM tag_terms m
       JOIN tags t ON t.id = m.tag_id LEFT JOIN tag_stats s ON s.tag_id = t.id
       WHERE m.term = ? AND m.whole = 1 AND (? IS NULL OR t.type = ?)
       ORDER BY coalesce(s.contents, 0) DESC, t.id LIMIT 1`,
    )
    .get(term, type ?? null, type ?? null);
}

/**
 * The tag the user means: an existing tag with that name in either language, else a new one
 * (type `concept` unless given; a missing zh or en name defaults to the other one).
 */
export function findOrCreateTag(db: Catalog, input: TagInput): { tag: TagRef; created: boolean } {
  const given =
    typeof input === 'string'
      ? { zh: undefined, en: undefined, text: input }
      : { ...input, text: undefined };
  const text = cleanName(given.text, 'name');
  const zh = cleanName(given.zh, 'Chinese name') ?? text;
  const en = cleanName(given.en, 'English name') ?? text;
  const type = typeof input === 'string' ? undefined : input.type;
  const first = en ?? zh;
  if (first === undefined) throw new TagEditError('invalid', 'A tag needs a name.');
  const existing =
    (en !== undefined ? findTagByName(db, en, type) : undefined) ??
    (zh !== undefined ? findTagByName(db, zh, type) : undefined);
  if (existing) return { tag: existing, created: false };
  const id = upsertTag(db, {
    name: first.toLowerCase(),
    type: type ?? 'concept',
    zh: zh ?? first,
    en: en ?? first,
  });
  return { tag: getTag(db, id), created: true };
}

/** Contents of the selected photos, and how many selected photos have none. */
export function selectContents(
  db: Catalog,
  selection: TagSelection,
): { contentIds: number[]; skipped: number } {
  let rows: { content_id: number | null }[];
  if ('photoIds' in selection) {
    rows = db
      .prepare<[string], { content_id: number | null }>(
        `SELECT content_id FROM photos WHERE id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(selection.photoIds));
  } else {
    const plan = selection.planSearch();
    rows = db
      .prepare<(string | number)[], { content_id: number | null }>(
        `SELECT p.content_id FROM ${plan.from} WHERE ${plan.where}`,
      )
      .all(...plan.params);
  }
  const contentIds = new Set<number>();
  let skipped = 0;
  for (const r of rows) {
    if (r.content_id === null) skipped++;
    else contentIds.add(r.content_id);
  }
  return { contentIds: [...contentIds].sort((a, b) => a - b), skipped };
}

/**
 * Add a user tag to the selection. A removal of the same tag is lifted (the engines' rows
 * come back with their confidence and boxes), and a row with engine `user` is written.
 */
export function addTag(
  db: Catalog,
  selection: TagSelection,
  input: TagInput,
  now: number = Date.now(),
): TagEditResult {
  return db.transaction((): TagEditResult => {
    const { contentIds, skipped } = selectContents(db, selection);
    // Nothing to tag: say so rather than create a tag no photo has (a mistyped query).
    if (contentIds.length === 0) {
      throw new TagEditError(
        'not-found',
        skipped > 0
          ? 'The selected photos are not ingested yet (pending or broken); nothing was tagged.'
          : 'No photo matches; nothing was tagged.',
      );
    }
    const { tag, created } = findOrCreateTag(db, input);
    const live = db.prepare<[number, number], { one: number }>(
      `SELECT 1 AS one FROM photo_tags WHERE content_id = ? AND tag_id = ? AND state != 'rejected' LIMIT 1`,
    );
    const unreject = db.prepare(
      `UPDATE photo_tags SET state = CASE engine WHEN 'user' THEN 'user' ELSE 'auto' END
       WHERE content_id = ? AND tag_id = ? AND state = 'rejected'`,
    );
    const upsert = db.prepare(
      `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
       VALUES (?, ?, 'user', 'user', 100, 'user', ?)
       ON CONFLICT (content_id, tag_id, engine) DO UPDATE SET state = 'user', confidence = 100`,
    );
    let changed = 0;
    for (const contentId of contentIds) {
      if (!live.get(contentId, tag.id)) changed++;
      unreject.run(contentId, tag.id);
      upsert.run(contentId, tag.id, now);
    }
    return { tag, created, changed, skipped };
  })();
}

function tagOf(db: Catalog, tag: number | TagInput): TagRef {
  if (typeof tag === 'number') return getTag(db, tag);
  const text = typeof tag === 'string' ? tag : (tag.en ?? tag.zh ?? '');
  const found = findTagByName(db, text, typeof tag === 'string' ? undefined : tag.type);
  if (!found) throw new TagEditError('not-found', `No tag named "${text}".`);
  return found;
}

/**
 * Remove a tag from the selection: every row of it (any engine, the user's too) becomes
 * `rejected`, so searches skip it and no engine brings it back.
 */
export function removeTag(
  db: Catalog,
  selection: TagSelection,
  tag: number | TagInput,
): TagEditResult {
  return db.transaction((): TagEditResult => {
    const ref = tagOf(db, tag);
    const { contentIds, skipped } = selectContents(db, selection);
    const reject = db.prepare(
      `UPDATE photo_tags SET state = 'rejected' WHERE content_id = ? AND tag_id = ? AND state != 'rejected'`,
    );
    let changed = 0;
    for (const contentId of contentIds) {
      if (reject.run(contentId, ref.id).changes > 0) changed++;
    }
    return { tag: ref, created: false, changed, skipped };
  })();
}

/** Lift a removal: the rejected rows come back as they were (user rows as `user`). */
export function unrejectTag(
  db: Catalog,
  selection: TagSelection,
  tag: number | TagInput,
): TagEditResult {
  return db.transaction((): TagEditResult => {
    const ref = tagOf(db, tag);
    const { contentIds, skipped } = selectContents(db, selection);
    const restore = db.prepare(
      `UPDATE photo_tags SET state = CASE engine WHEN 'user' THEN 'user' ELSE 'auto' END
       WHERE content_id = ? AND tag_id = ? AND state = 'rejected'`,
    );
    let changed = 0;
    for (const contentId of contentIds) {
      if (restore.run(contentId, ref.id).changes > 0) changed++;
    }
    return { tag: ref, created: false, changed, skipped };
  })();
}

/**
 * Change a tag's display names. The canonical `name` stays, so engines that report the tag
 * keep landing on it (and a search for the canonical name still finds it).
 */
export function renameTag(
  db: Catalog,
  tagId: number,
  names: { readonly zh?: string; readonly en?: string },
): TagRef {
  return db.transaction((): TagRef => {
    const tag = getTag(db, tagId);
    const zh = cleanName(names.zh, 'Chinese name') ?? tag.zh;
    const en = cleanName(names.en, 'English name') ?? tag.en;
    db.prepare(`UPDATE tags SET zh = ?, en = ? WHERE id = ?`).run(zh, en, tagId);
    return getTag(db, tagId);
  })();
}

/** A name that was merged into a tag (see [Note: Merged tags stay merged] in migration 0006). */
export interface TagAlias {
  readonly name: string;
  readonly type: TagType;
  readonly zh: string;
  readonly en: string;
  readonly tagId: number;
  readonly createdAt: number;
}

/** The names merged into one tag, or into any tag; by target, then name. */
export function listTagAliases(db: Catalog, tagId?: number): TagAlias[] {
  return db
    .prepare<[number | null, number | null], TagAlias>(
      `SELECT name, type, zh, en, tag_id AS tagId, created_at AS createdAt FROM tag_aliases
       WHERE ? IS NULL OR tag_id = ? ORDER BY tag_id, name, type`,
    )
    .all(tagId ?? null, tagId ?? null);
}

/**
 * Merge tag `fromId` into `intoId`: every row and box moves over and the first tag is
 * deleted. Where both tags have a row from the same engine the stronger state wins
 * (user > rejected > auto) with the higher confidence; a content where either tag was removed
 * by the user (and not added back by them) ends with the merged tag removed too.
 *
 * The merge sticks: the first tag's (name, type) becomes an alias of the target, and names
 * merged into the first tag earlier now point at the target too, so an engine that reports
 * any of them again tags the target, and searching for any of their names finds it
 * ([Note: Merged tags stay merged] in migration 0006).
 */
export function mergeTags(
  db: Catalog,
  fromId: number,
  intoId: number,
  now: number = Date.now(),
): { from: TagRef; into: TagRef; movedRows: number } {
  if (fromId === intoId) throw new TagEditError('invalid', 'A tag cannot be merged into itself.');
  return db.transaction(() => {
    const from = getTag(db, fromId);
    const into = getTag(db, intoId);
    // Boxes of rows that collide with an existing row of the target: the target's boxes stay.
    db.prepare(
      `DELETE FROM tag_boxes WHERE tag_id = ? AND EXISTS (SELECT 1 FROM photo_tags t
         WHERE t.content_id = tag_boxes.content_id AND t.tag_id = ? AND t.engine = tag_boxes.engine)`,
    ).run(fromId, intoId);
    const moved = db
      .prepare(
        `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, extra, created_at)
         SELECT content_id, ?, engine, model, confidence, state, extra, created_at
         FROM photo_tags WHERE tag_id = ? AND true
         ON CONFLICT (content_id, tag_id, engine) DO UPDATE SET
           -- The higher score; SQLite's two-argument max() is NULL when either is (no score).
           confidence = coalesce(max(confidence, excluded.confidence), confidence, excluded.confidence),
           state = CASE WHEN 'user' IN (state, excluded.state) THEN 'user'
                        WHEN 'rejected' IN (state, excluded.state) THEN 'rejected'
                        ELSE 'auto' END`,
      )
      .run(intoId, fromId).changes;
    db.prepare(`UPDATE tag_boxes SET tag_id = ? WHERE tag_id = ?`).run(intoId, fromId);
    // A removal on either side covers the merged tag, unless the user added it back.
    db.prepare(
      `UPDATE photo_tags SET state = 'rejected'
       WHERE tag_id = ? AND state = 'auto'
         AND EXISTS (SELECT 1 FROM photo_tags r WHERE r.content_id = photo_tags.content_id
                     AND r.tag_id = photo_tags.tag_id AND r.state = 'rejected')
         AND NOT EXISTS (SELECT 1 FROM photo_tags u WHERE u.content_id = photo_tags.content_id
                         AND u.tag_id = photo_tags.tag_id AND u.state = 'user')`,
    ).run(intoId);
    // Names merged into `from` before follow it (a→b then b→c: a lands on c, no chain to walk).
    db.prepare(`UPDATE tag_aliases SET tag_id = ? WHERE tag_id = ?`).run(intoId, fromId);
    db.prepare(
      `INSERT INTO tag_aliases (name, type, tag_id, zh, en, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name, type) DO UPDATE SET
         tag_id = excluded.tag_id, zh = excluded.zh, en = excluded.en, created_at = excluded.created_at`,
    ).run(from.name, from.type, intoId, from.zh, from.en, now);
    db.prepare(`DELETE FROM tags WHERE id = ?`).run(fromId);
    return { from, into, movedRows: moved };
  })();
}
