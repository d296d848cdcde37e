// Managing tags as a whole (not per photo): find the tag a user names (`狗`, `Dog` or
// `dog:object` when two tags share a name), describe it (photos, names merged into it), rename
// it and merge it into another with a report of what moved. The CLI's `tujian tag rename|merge`
// and the app's `tags.info|rename|merge` channels both run through here; the edits themselves
// are `renameTag` and `mergeTags` in tag-editing.ts.
import type { Catalog } from './catalog-connection.ts';
import type { TagType } from '../engines/tag-model.ts';
import {
  listTagAliases,
  mergeTags,
  renameTag,
  TagEditError,
  type TagAlias,
  type TagRef,
} from './tag-editing.ts';
import { normaliseSearchText, refreshTagTerms } from './tag-terms.ts';

/** A tag that a typed name matches, with how many photos have it. */
export interface TagCandidate extends TagRef {
  readonly photos: number;
  /** Set when the name is not the tag's own but one merged into it earlier. */
  readonly via: TagAlias | null;
}

/** Several tags answer to one name; `candidates` says how to name each one exactly. */
export class TagAmbiguousError extends TagEditError {
  constructor(
    readonly text: string,
    readonly candidates: readonly TagCandidate[],
  ) {
    super(
      'invalid',
      `"${text}" names ${candidates.length} tags: ${candidates.map(describeCandidate).join(', ')}. Name one as name:type, e.g. ${specOf(candidates[0])}.`,
    );
    this.name = 'TagAmbiguousError';
  }
}

/** How to write a tag so that it resolves to exactly this tag: `name:type`. */
export function specOf(tag: { name: string; type: TagType } | undefined): string {
  return tag ? `${tag.name}:${tag.type}` : '';
}

function describeCandidate(c: TagCandidate): string {
  return `${specOf(c)} (${c.zh} / ${c.en}, ${c.photos} photo${c.photos === 1 ? '' : 's'})`;
}

// Type names a user may write after the colon; the Chinese ones are the UI's labels.
const typeWords: Record<string, TagType> = {
  object: 'object',
  scene: 'scene',
  concept: 'concept',
  person: 'person',
  物体: 'object',
  场景: 'scene',
  概念: 'concept',
  人物: 'person',
};

/** Splits `dog:object` (or `狗：物体`) into the name and the type; other text is all name. */
export function parseTagSpec(spec: string): { text: string; type: TagType | undefined } {
  const m = /^(.*\S)\s*[:：]\s*(\S+)$/u.exec(spec.trim());
  const type = m?.[2] === undefined ? undefined : typeWords[m[2].toLowerCase()];
  if (m?.[1] !== undefined && type !== undefined) return { text: m[1], type };
  return { text: spec.trim(), type: undefined };
}

const photosOfTagSql = `SELECT COUNT(DISTINCT p.id) AS n FROM photo_tags pt
  JOIN photos p ON p.content_id = pt.content_id
  WHERE pt.tag_id = ? AND pt.state != 'rejected'`;

/** Photos (places, as `tujian tags` counts them) with a live row of the tag. */
export function countTagPhotos(db: Catalog, tagId: number): number {
  return db.prepare<[number], { n: number }>(photosOfTagSql).get(tagId)?.n ?? 0;
}

/**
 * Every tag whose whole Chinese, English or canonical name is the text (case-insensitive,
 * as search matches names), most used first. Tags known by the text only through a name
 * merged into them come after, with `via` set.
 */
export function findTagCandidates(db: Catalog, text: string, type?: TagType): TagCandidate[] {
  const term = normaliseSearchText(text);
  if (term === '') return [];
  refreshTagTerms(db);
  const rows = db
    .prepare<[string, string | null, string | null], TagRef>(
      `SELECT t.id, t.name, t.type, t.zh, t.en FROM tag_terms m JOIN tags t ON t.id = m.tag_id
       WHERE m.term = ? AND m.whole = 1 AND (? IS NULL OR t.type = ?)`,
    )
    .all(term, type ?? null, type ?? null);
  const own = (names: { name: string; zh: string; en: string }) =>
    [names.name, names.zh, names.en].some((n) => normaliseSearchText(n) === term);
  return rows
    .map((tag): TagCandidate => {
      const via = own(tag) ? null : (listTagAliases(db, tag.id).find(own) ?? null);
      return { ...tag, photos: countTagPhotos(db, tag.id), via };
    })
    .sort(
      (a, b) =>
        Number(a.via !== null) - Number(b.via !== null) || b.photos - a.photos || a.id - b.id,
    );
}

/**
 * The one tag a user's spec names: `狗`, `Dog`, `dog:object` (`name:type` picks among tags
 * that share a name). Throws TagEditError `not-found`, or TagAmbiguousError listing the
 * candidates. A name that was merged into another tag resolves to that tag only when
 * `followMerged` (a merge target); otherwise it is refused with a message saying where it went.
 */
export function resolveTagSpec(
  db: Catalog,
  spec: string,
  options: { followMerged?: boolean } = {},
): TagCandidate {
  const { text, type } = parseTagSpec(spec);
  const all = findTagCandidates(db, text, type);
  const own = all.filter((c) => c.via === null);
  const pool = own.length > 0 ? own : all;
  if (pool.length === 0) {
    throw new TagEditError(
      'not-found',
      `No tag named "${text}"${type ? ` of type ${type}` : ''}. See all tags with: tujian tags`,
    );
  }
  // Two tags may share a display name but never a canonical (name, type): an exact canonical
  // name settles it.
  const canonical = pool.filter((c) => c.name === text.toLowerCase());
  const chosen = pool.length === 1 ? pool : canonical.length === 1 ? canonical : pool;
  const [first] = chosen;
  if (chosen.length !== 1 || !first) throw new TagAmbiguousError(text, chosen);
  if (first.via && !options.followMerged) {
    throw new TagEditError(
      'invalid',
      `"${text}" was merged into ${first.zh} / ${first.en} (${specOf(first)}); name that tag instead.`,
    );
  }
  return first;
}

/** A tag with its photo count and the names merged into it. */
export interface TagInfo extends TagRef {
  readonly photos: number;
  readonly aliases: readonly TagAlias[];
}

export function getTagInfo(db: Catalog, tagId: number): TagInfo {
  const tag = db
    .prepare<[number], TagRef>(`SELECT id, name, type, zh, en FROM tags WHERE id = ?`)
    .get(tagId);
  if (!tag) throw new TagEditError('not-found', `No tag with id ${tagId}.`);
  return { ...tag, photos: countTagPhotos(db, tagId), aliases: listTagAliases(db, tagId) };
}

export interface RenameReport {
  readonly before: TagRef;
  readonly tag: TagInfo;
  /** Other tags that answer to one of the new names (candidates for a merge). */
  readonly sameName: readonly TagCandidate[];
}

/**
 * Rename a tag's display names (renameTag: the canonical name stays, so engines keep landing
 * on it) and report other tags that now share a name with it.
 */
export function renameTagReported(
  db: Catalog,
  tagId: number,
  names: { readonly zh?: string; readonly en?: string },
): RenameReport {
  if (names.zh === undefined && names.en === undefined) {
    throw new TagEditError('invalid', 'Give a new Chinese name, a new English name, or both.');
  }
  const before = getTagInfo(db, tagId);
  const after = renameTag(db, tagId, names);
  const sameName = new Map<number, TagCandidate>();
  for (const name of new Set([after.zh, after.en])) {
    for (const c of findTagCandidates(db, name)) {
      if (c.id !== tagId && c.via === null) sameName.set(c.id, c);
    }
  }
  return {
    before: { id: before.id, name: before.name, type: before.type, zh: before.zh, en: before.en },
    tag: getTagInfo(db, tagId),
    sameName: [...sameName.values()],
  };
}

export interface MergeReport {
  readonly from: TagRef;
  readonly into: TagInfo;
  /** Tag rows (one per content and engine) moved onto the target or folded into its rows. */
  readonly movedRows: number;
  /** Photos that had the merged tag. */
  readonly fromPhotos: number;
  /** Photos that have the target now and did not before the merge. */
  readonly gainedPhotos: number;
  /** Photos that had the target and lost it: the user had removed the merged tag from them. */
  readonly lostPhotos: number;
  /** Names that now point at the target because of this merge (the old tag's and its own aliases). */
  readonly aliases: readonly TagAlias[];
}

function photosWithTag(db: Catalog, tagId: number): Set<number> {
  return new Set(
    db
      .prepare<[number], { id: number }>(
        `SELECT DISTINCT p.id FROM photo_tags pt JOIN photos p ON p.content_id = pt.content_id
         WHERE pt.tag_id = ? AND pt.state != 'rejected'`,
      )
      .all(tagId)
      .map((r) => r.id),
  );
}

/**
 * Merge `fromId` into `intoId` (mergeTags: rows, boxes and removals move, the old tag is
 * deleted and its names become aliases of the target) and report what moved, in one
 * transaction so the counts describe exactly this merge.
 */
export function mergeTagsReported(
  db: Catalog,
  fromId: number,
  intoId: number,
  now: number = Date.now(),
): MergeReport {
  return db.transaction((): MergeReport => {
    const fromPhotos = fromId === intoId ? 0 : countTagPhotos(db, fromId);
    const before = photosWithTag(db, intoId);
    const previous = new Set(listTagAliases(db, intoId).map((a) => `${a.name}\u0000${a.type}`));
    const { from, movedRows } = mergeTags(db, fromId, intoId, now);
    const after = photosWithTag(db, intoId);
    const into = getTagInfo(db, intoId);
    return {
      from,
      into,
      movedRows,
      fromPhotos,
      gainedPhotos: [...after].filter((id) => !before.has(id)).length,
      lostPhotos: [...before].filter((id) => !after.has(id)).length,
      aliases: into.aliases.filter((a) => !previous.has(`${a.name}\u0000${a.type}`)),
    };
  })();
}

export interface MergePreview {
  readonly from: TagInfo;
  readonly into: TagInfo;
  readonly gainedPhotos: number;
  readonly lostPhotos: number;
}

/** What a merge would do, without doing it (the CLI's preview and the UI's confirmation). */
export function previewMerge(db: Catalog, fromId: number, intoId: number): MergePreview {
  if (fromId === intoId) throw new TagEditError('invalid', 'A tag cannot be merged into itself.');
  const from = getTagInfo(db, fromId);
  const into = getTagInfo(db, intoId);
  // After a merge a content keeps the tag when the user added either tag to it, or when
  // neither tag was removed from it (mergeTags: a removal on either side covers the merge).
  const counts = db
    .prepare<[number, number, number], { gained: number | null; lost: number | null }>(
      `SELECT SUM(c.live_now = 0 AND c.live_after = 1) AS gained,
              SUM(c.live_now = 1 AND c.live_after = 0) AS lost
       FROM (SELECT content_id,
               SUM(tag_id = ? AND state != 'rejected') > 0 AS live_now,
               (SUM(state = 'user') > 0 OR SUM(state = 'rejected') = 0) AS live_after
             FROM photo_tags WHERE tag_id IN (?, ?) GROUP BY content_id) c
       JOIN photos p ON p.content_id = c.content_id`,
    )
    .get(intoId, fromId, intoId);
  return { from, into, gainedPhotos: counts?.gained ?? 0, lostPhotos: counts?.lost ?? 0 };
}
