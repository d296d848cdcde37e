// The SQL of people (migration 0013): faces and their descriptors, persons, assignments and
// the user's decisions, and the person tags derived from them ([Note: A person is a tag] and
// [Note: People decisions are constraints] in migrations/0013-people.ts). The clustering
// itself lives in main/people; this module only reads what it needs and writes what it
// decided, each change in one transaction.
import type { Catalog } from './catalog-connection.ts';
import type { AnswerFace, EngineAnswer, TagBox } from '../engines/tag-model.ts';
import { mergeTags } from './tag-editing.ts';
import {
  listRegionMatchedFaces,
  listUnmatchedFaceRegions,
  matchRegionsToFaces,
  personOfRegionName,
  setRegionMatch,
} from './imported-face-regions.ts';

/** The canonical tag name of a person ([Note: A person is a tag]): stable across renames. */
export function personTagName(personId: number): string {
  return `person${String(personId)}`;
}

/** Float32 values as stored in `faces.descriptor` (the platform's byte order: little endian). */
export function encodeDescriptor(descriptor: Float32Array): Buffer {
  return Buffer.from(descriptor.buffer, descriptor.byteOffset, descriptor.byteLength);
}

export function decodeDescriptor(blob: Buffer): Float32Array {
  // Copied: the blob's bytes are not necessarily 4-byte aligned.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer, 0, blob.byteLength / 4);
}

function iou(a: TagBox | FaceBoxRow, b: TagBox | FaceBoxRow): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.w * a.h + b.w * b.h - inter;
  return union <= 0 ? 0 : inter / union;
}

interface FaceBoxRow {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * A re-tagged face is "the same face" as an old one when their boxes overlap by at least this
 * intersection-over-union: the usual detection-matching threshold (PASCAL VOC); two faces in
 * one photo almost never overlap that much.
 */
const sameFaceIou = 0.5;

/**
 * Stores the faces of an engine answer (its `faces` field; an answer without one leaves the
 * content's faces alone). Called inside the runner's commit transaction.
 */
export function saveAnswerFaces(
  db: Catalog,
  contentId: number,
  answer: EngineAnswer,
  now: number,
): void {
  if (!answer.faces) return;
  replaceContentFaces(db, contentId, answer.faces.items, answer.faces.model, now);
}

/**
 * Replaces a content's faces with newly detected ones. Each new face that covers an old one
 * (IoU ≥ 0.5) takes over its person, who assigned it and its rejections, so re-tagging never
 * undoes what the user decided; the rest wait for matching.
 */
export function replaceContentFaces(
  db: Catalog,
  contentId: number,
  faces: readonly AnswerFace[],
  model: string,
  now: number,
): number[] {
  return db.transaction(() => {
    const old = db
      .prepare<
        [number],
        FaceBoxRow & { id: number; person_id: number | null; assigned_by: AssignedBy | null }
      >(`SELECT id, x, y, w, h, person_id, assigned_by FROM faces WHERE content_id = ?`)
      .all(contentId);
    const rejectionsOf = db.prepare<[number], number>(
      `SELECT person_id FROM face_rejections WHERE face_id = ?`,
    );
    const oldRejections = new Map(old.map((f) => [f.id, rejectionsOf.pluck().all(f.id)]));
    db.prepare(`DELETE FROM faces WHERE content_id = ?`).run(contentId);
    const insert = db.prepare<
      [number, number, number, number, number, number, number, number, Buffer | null, string],
      { id: number }
    >(
      `INSERT INTO faces (content_id, x, y, w, h, confidence, source_side, sharpness, descriptor,
                          model, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${String(now)}) RETURNING id`,
    );
    const inherit = db.prepare<[number | null, string | null, number, number]>(
      `UPDATE faces SET person_id = ?, assigned_by = ?, match_pending = ? WHERE id = ?`,
    );
    const reject = db.prepare<[number, number, number]>(
      `INSERT OR IGNORE INTO face_rejections (face_id, person_id, created_at)
       SELECT ?, id, ? FROM persons WHERE id = ?`,
    );
    const taken = new Set<number>();
    const ids: number[] = [];
    let pending = 0;
    for (const face of faces) {
      const { x, y, w, h, confidence } = face.box;
      const row = insert.all(
        contentId,
        x,
        y,
        w,
        h,
        confidence,
        face.sourceSide,
        face.sharpness,
        face.descriptor ? encodeDescriptor(face.descriptor) : null,
        model,
      )[0];
      if (!row) throw new Error('Could not insert a face');
      ids.push(row.id);
      let best: (typeof old)[number] | undefined;
      let bestIou = sameFaceIou;
      for (const o of old) {
        const overlap = iou(face.box, o);
        if (!taken.has(o.id) && overlap >= bestIou) {
          best = o;
          bestIou = overlap;
        }
      }
      if (best) {
        taken.add(best.id);
        // A face the matcher had placed is placed again by matching (its descriptor may
        // have changed with the model); the user's and other tools' placements are kept.
        const keep = best.assigned_by === 'user' || best.assigned_by === 'imported';
        inherit.run(
          keep ? best.person_id : null,
          keep ? best.assigned_by : null,
          keep ? 0 : 1,
          row.id,
        );
        for (const personId of oldRejections.get(best.id) ?? []) reject.run(row.id, now, personId);
        if (!keep) pending++;
      } else pending++;
    }
    noteNewFaces(db, pending, now);
    applyImportedFaceRegions(db, contentId, now);
    deleteEmptyUnnamedPersons(db);
    syncPersonTags(db, [contentId], now);
    return ids;
  })();
}

/** Who placed a face in its person ([Note: People decisions are constraints]). */
export type AssignedBy = 'auto' | 'user' | 'imported';

/** Placements no pass may change: the user's, and names other tools gave (migration 0017). */
function isPinned(assignedBy: string | null): boolean {
  return assignedBy === 'user' || assignedBy === 'imported';
}

/**
 * Gives the content's faces the names of the regions other tools wrote ([Note: Imported face
 * regions] in imported-face-regions.ts). Returns how many faces were named; the caller syncs
 * the person tags of the content.
 */
export function applyImportedFaceRegions(db: Catalog, contentId: number, now: number): number {
  const regions = listUnmatchedFaceRegions(db, contentId);
  if (regions.length === 0) return 0;
  return db.transaction(() => {
    const taken = listRegionMatchedFaces(db, contentId);
    const faces = db
      .prepare<
        [number],
        FaceBoxRow & { id: number; person_id: number | null; assigned_by: AssignedBy | null }
      >(`SELECT id, x, y, w, h, person_id, assigned_by FROM faces WHERE content_id = ? ORDER BY id`)
      .all(contentId)
      .filter((f) => !taken.has(f.id));
    const rejects = db.prepare<[number, number], number>(
      `SELECT 1 FROM face_rejections WHERE face_id = ? AND person_id = ?`,
    );
    const assign = db.prepare<[number, number]>(
      `UPDATE faces SET person_id = ?, assigned_by = 'imported', match_pending = 0 WHERE id = ?`,
    );
    let named = 0;
    for (const [r, f] of matchRegionsToFaces(regions, faces)) {
      const region = regions[r];
      const face = faces[f];
      if (!region || !face) continue;
      // The user's own placement of this face wins over any other tool's name for it.
      if (face.assigned_by === 'user') {
        setRegionMatch(db, region.id, face.id, null);
        continue;
      }
      const person = personForRegionName(db, region.name, now);
      setRegionMatch(db, region.id, face.id, person);
      if (rejects.pluck().get(face.id, person) !== undefined) continue;
      if (face.person_id === person && face.assigned_by === 'imported') continue;
      assign.run(person, face.id);
      named++;
    }
    return named;
  })();
}

/**
 * The person a region's name goes to: the one an earlier region of that name went to (even
 * if renamed or merged since), else the named person with that name (or a name merged into
 * it), else a new person with that name.
 */
function personForRegionName(db: Catalog, name: string, now: number): number {
  const earlier = personOfRegionName(db, name);
  if (earlier !== undefined) {
    try {
      return resolvePersonId(db, earlier);
    } catch (error) {
      if (!(error instanceof PersonNotFoundError)) throw error;
    }
  }
  const existing = findPersonByName(db, name);
  if (existing !== undefined) return existing;
  const id = createPerson(db, now);
  const tag = db
    .prepare<[string, string, string], { id: number }>(
      `INSERT INTO tags (name, type, zh, en) VALUES (?, 'person', ?, ?) RETURNING id`,
    )
    .all(personTagName(id), name, name)[0];
  if (!tag) throw new Error('Could not create the person tag');
  db.prepare<[number, number]>(`UPDATE persons SET tag_id = ? WHERE id = ?`).run(tag.id, id);
  return id;
}

/** Counts faces added since the last full pass (the re-cluster job's "due" measure). */
function noteNewFaces(db: Catalog, count: number, now: number): void {
  if (count === 0) return;
  db.prepare<[number, number]>(
    `UPDATE face_recluster SET faces_since = faces_since + ?, requested_at = coalesce(requested_at, ?)
     WHERE id = 1`,
  ).run(count, now);
}

/** Unnamed persons without a face are only clutter in the People view. */
function deleteEmptyUnnamedPersons(db: Catalog): void {
  db.exec(`DELETE FROM persons WHERE tag_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.person_id = persons.id)`);
}

/**
 * Rewrites the person tag rows of these contents from their faces ([Note: A person is a
 * tag]): one row per named person shown, with the face boxes, except where the user removed
 * that person's tag from the content (a rejected row stays, and nothing is added).
 */
export function syncPersonTags(db: Catalog, contentIds: Iterable<number>, now: number): void {
  const desired = db.prepare<[number], FaceBoxRow & { tag_id: number; confidence: number }>(
    `SELECT p.tag_id, f.x, f.y, f.w, f.h, f.confidence FROM faces f
     JOIN persons p ON p.id = f.person_id
     WHERE f.content_id = ? AND p.tag_id IS NOT NULL ORDER BY f.confidence DESC`,
  );
  const existing = db.prepare<[number], { tag_id: number }>(
    `SELECT tag_id FROM photo_tags
     WHERE content_id = ? AND engine = 'user' AND model = 'people' AND state = 'auto'`,
  );
  const rejected = db.prepare<[number, number], { one: number }>(
    `SELECT 1 AS one FROM photo_tags WHERE content_id = ? AND tag_id = ? AND state = 'rejected'`,
  );
  const upsert = db.prepare<[number, number, number]>(
    `INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at)
     VALUES (?, ?, 'user', 'people', NULL, 'auto', ?)
     ON CONFLICT (content_id, tag_id, engine) DO NOTHING`,
  );
  const isPeopleRow = db.prepare<[number, number], { one: number }>(
    `SELECT 1 AS one FROM photo_tags WHERE content_id = ? AND tag_id = ? AND engine = 'user'
       AND model = 'people' AND state = 'auto'`,
  );
  const deleteRow = db.prepare<[number, number]>(
    `DELETE FROM photo_tags WHERE content_id = ? AND tag_id = ? AND engine = 'user'
       AND model = 'people' AND state = 'auto'`,
  );
  const deleteBoxes = db.prepare<[number, number]>(
    `DELETE FROM tag_boxes WHERE content_id = ? AND tag_id = ? AND engine = 'user'`,
  );
  const insertBox = db.prepare<[number, number, number, number, number, number, number]>(
    `INSERT INTO tag_boxes (content_id, tag_id, engine, x, y, w, h, confidence)
     VALUES (?, ?, 'user', ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const contentId of new Set(contentIds)) {
      const boxesByTag = new Map<number, (FaceBoxRow & { confidence: number })[]>();
      for (const row of desired.all(contentId)) {
        const list = boxesByTag.get(row.tag_id) ?? [];
        list.push(row);
        boxesByTag.set(row.tag_id, list);
      }
      for (const { tag_id } of existing.all(contentId)) {
        if (!boxesByTag.has(tag_id)) {
          deleteBoxes.run(contentId, tag_id);
          deleteRow.run(contentId, tag_id);
        }
      }
      for (const [tagId, boxes] of boxesByTag) {
        if (rejected.get(contentId, tagId)) continue;
        upsert.run(contentId, tagId, now);
        // The user may have added this person's tag by hand (a `user` row): leave its boxes.
        if (!isPeopleRow.get(contentId, tagId)) continue;
        deleteBoxes.run(contentId, tagId);
        for (const b of boxes) insertBox.run(contentId, tagId, b.x, b.y, b.w, b.h, b.confidence);
      }
    }
  })();
}

function contentsOfPerson(db: Catalog, personId: number): number[] {
  return db
    .prepare<[number], number>(`SELECT DISTINCT content_id FROM faces WHERE person_id = ?`)
    .pluck()
    .all(personId);
}

export class PersonNotFoundError extends Error {
  constructor(readonly personId: number) {
    super(`No person ${String(personId)}`);
    this.name = 'PersonNotFoundError';
  }
}

export class FaceNotFoundError extends Error {
  constructor(readonly faceId: number) {
    super(`No face ${String(faceId)}`);
    this.name = 'FaceNotFoundError';
  }
}

/** The live id of a person: a merged-away id leads to the person it was merged into. */
export function resolvePersonId(db: Catalog, personId: number): number {
  const merged = db
    .prepare<[number], number>(`SELECT into_id FROM person_merges WHERE from_id = ?`)
    .pluck()
    .get(personId);
  const id = merged ?? personId;
  const exists = db
    .prepare<[number], number>(`SELECT id FROM persons WHERE id = ?`)
    .pluck()
    .get(id);
  if (exists === undefined) throw new PersonNotFoundError(personId);
  return id;
}

/** A new person (unnamed), for the clustering's new groups and "move to a new person". */
export function createPerson(db: Catalog, now: number): number {
  const row = db
    .prepare<[number], { id: number }>(`INSERT INTO persons (created_at) VALUES (?) RETURNING id`)
    .all(now)[0];
  if (!row) throw new Error('Could not create a person');
  return row.id;
}

/**
 * Names a person (either name may be left out: the other stands in for it). The first name
 * creates the person's tag, so the person becomes searchable and is written to sidecars; the
 * faces the person has are pinned to it ([Note: People decisions are constraints]).
 */
export function namePerson(
  db: Catalog,
  personId: number,
  names: { readonly zh?: string | undefined; readonly en?: string | undefined },
  now: number,
): void {
  const zhIn = names.zh?.trim() ?? '';
  const enIn = names.en?.trim() ?? '';
  if (zhIn === '' && enIn === '') throw new Error('A person needs a name (zh or en)');
  db.transaction(() => {
    const id = resolvePersonId(db, personId);
    // Naming is the user confirming the faces they were shown: pinned, so a later pass can
    // neither drag them into another person nor let one moved face pull the rest along.
    db.prepare<[number]>(
      `UPDATE faces SET assigned_by = 'user', match_pending = 0 WHERE person_id = ?`,
    ).run(id);
    const tagId = db
      .prepare<[number], number | null>(`SELECT tag_id FROM persons WHERE id = ?`)
      .pluck()
      .get(id);
    if (tagId !== null && tagId !== undefined) {
      db.prepare<[string, string, number]>(
        `UPDATE tags SET zh = coalesce(nullif(?, ''), zh), en = coalesce(nullif(?, ''), en)
         WHERE id = ?`,
      ).run(zhIn, enIn, tagId);
      return;
    }
    const zh = zhIn === '' ? enIn : zhIn;
    const en = enIn === '' ? zhIn : enIn;
    const tag = db
      .prepare<[string, string, string], { id: number }>(
        `INSERT INTO tags (name, type, zh, en) VALUES (?, 'person', ?, ?) RETURNING id`,
      )
      .all(personTagName(id), zh, en)[0];
    if (!tag) throw new Error('Could not create the person tag');
    db.prepare<[number, number]>(`UPDATE persons SET tag_id = ? WHERE id = ?`).run(tag.id, id);
    syncPersonTags(db, contentsOfPerson(db, id), now);
  })();
}

/**
 * Merges `fromId` into `intoId`: its faces move and are pinned there (the user said they are
 * one person, so no pass may split them again) except those that rejected `intoId`, its
 * rejections follow, and a name the target lacks comes with it (when both are named, the
 * merged-away name becomes an alias of the target's tag). The old id keeps leading to the
 * target (`person_merges`).
 */
export function mergePersons(db: Catalog, fromId: number, intoId: number, now: number): void {
  db.transaction(() => {
    const from = resolvePersonId(db, fromId);
    const into = resolvePersonId(db, intoId);
    if (from === into) return;
    const contents = contentsOfPerson(db, from);
    // A face that the user said is not `into` does not go there with the rest: it is left
    // without a person (its "not this person" is the more specific decision).
    db.prepare<[number, number]>(
      `UPDATE faces SET person_id = NULL, assigned_by = NULL, match_pending = 0
       WHERE person_id = ? AND id IN (SELECT face_id FROM face_rejections WHERE person_id = ?)`,
    ).run(from, into);
    db.prepare<[number, number]>(
      `UPDATE faces SET person_id = ?, assigned_by = 'user', match_pending = 0 WHERE person_id = ?`,
    ).run(into, from);
    db.prepare<[number, number]>(
      `INSERT OR IGNORE INTO face_rejections (face_id, person_id, created_at)
       SELECT face_id, ?, created_at FROM face_rejections WHERE person_id = ?`,
    ).run(into, from);
    const tags = db
      .prepare<[number, number], { id: number; tag_id: number | null }>(
        `SELECT id, tag_id FROM persons WHERE id IN (?, ?)`,
      )
      .all(from, into);
    const fromTag = tags.find((t) => t.id === from)?.tag_id ?? null;
    const intoTag = tags.find((t) => t.id === into)?.tag_id ?? null;
    db.prepare<[number, number]>(`UPDATE person_merges SET into_id = ? WHERE into_id = ?`).run(
      into,
      from,
    );
    db.prepare<[number, number, number]>(
      `INSERT OR REPLACE INTO person_merges (from_id, into_id, created_at) VALUES (?, ?, ?)`,
    ).run(from, into, now);
    db.prepare<[number]>(`DELETE FROM persons WHERE id = ?`).run(from);
    if (fromTag !== null) {
      if (intoTag === null) {
        db.prepare<[number, number]>(`UPDATE persons SET tag_id = ? WHERE id = ?`).run(
          fromTag,
          into,
        );
        db.prepare<[string, number]>(`UPDATE tags SET name = ? WHERE id = ?`).run(
          personTagName(into),
          fromTag,
        );
      } else {
        // Both were named: the target's name is shown, and the other name stays an alias of
        // it, as a merged tag's does ([Note: Merged tags stay merged]): a search or a "Who is
        // this?" with either name finds the merged person. mergeTags also moves the person
        // rows the user removed from a photo, so those removals still hold.
        mergeTags(db, fromTag, intoTag, now);
      }
    }
    syncPersonTags(db, [...contents, ...contentsOfPerson(db, into)], now);
  })();
}

function faceContent(db: Catalog, faceId: number): number {
  const contentId = db
    .prepare<[number], number>(`SELECT content_id FROM faces WHERE id = ?`)
    .pluck()
    .get(faceId);
  if (contentId === undefined) throw new FaceNotFoundError(faceId);
  return contentId;
}

/**
 * Moves a face to a person (a new one when `personId` is null) and pins it there; returns the
 * person's id.
 */
export function moveFace(
  db: Catalog,
  faceId: number,
  personId: number | null,
  now: number,
): number {
  return db.transaction(() => {
    const contentId = faceContent(db, faceId);
    const target = personId === null ? createPerson(db, now) : resolvePersonId(db, personId);
    db.prepare<[number, number]>(
      `DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?`,
    ).run(faceId, target);
    db.prepare<[number, number]>(
      `UPDATE faces SET person_id = ?, assigned_by = 'user', match_pending = 0 WHERE id = ?`,
    ).run(target, faceId);
    deleteEmptyUnnamedPersons(db);
    syncPersonTags(db, [contentId], now);
    return target;
  })();
}

/**
 * "Not this person": the face leaves the person (its current one when `personId` is not
 * given) and never joins it again. Returns the person rejected, or null when the face had none.
 */
export function rejectFace(
  db: Catalog,
  faceId: number,
  personId: number | null,
  now: number,
): number | null {
  return db.transaction(() => {
    const contentId = faceContent(db, faceId);
    const current = db
      .prepare<[number], number | null>(`SELECT person_id FROM faces WHERE id = ?`)
      .pluck()
      .get(faceId);
    const target = personId === null ? (current ?? null) : resolvePersonId(db, personId);
    if (target === null) return null;
    db.prepare<[number, number, number]>(
      `INSERT OR IGNORE INTO face_rejections (face_id, person_id, created_at) VALUES (?, ?, ?)`,
    ).run(faceId, target, now);
    if (current === target) {
      // Left for the next pass to place elsewhere (matching skips it: it was already tried).
      db.prepare<[number]>(
        `UPDATE faces SET person_id = NULL, assigned_by = NULL, match_pending = 0 WHERE id = ?`,
      ).run(faceId);
    }
    deleteEmptyUnnamedPersons(db);
    syncPersonTags(db, [contentId], now);
    return target;
  })();
}

/** Hides a person from the People view (its tag and faces stay). */
export function setPersonHidden(db: Catalog, personId: number, hidden: boolean): void {
  const id = resolvePersonId(db, personId);
  db.prepare<[number, number]>(`UPDATE persons SET hidden = ? WHERE id = ?`).run(
    hidden ? 1 : 0,
    id,
  );
}

export interface PersonSummary {
  readonly id: number;
  readonly tagId: number | null;
  readonly zh: string | null;
  readonly en: string | null;
  readonly hidden: boolean;
  readonly faces: number;
  readonly photos: number;
  /** The face shown for the person: a pinned one first, then the most confident. */
  readonly cover: {
    readonly faceId: number;
    readonly contentId: number;
    readonly hash: string;
    readonly box: FaceBoxRow;
  };
}

interface PersonRow {
  id: number;
  tag_id: number | null;
  zh: string | null;
  en: string | null;
  hidden: number;
  faces: number;
  photos: number;
  cover_face: number;
  cover_content: number;
  cover_hash: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const personSelect = `
  SELECT p.id, p.tag_id, t.zh, t.en, p.hidden,
    (SELECT count(*) FROM faces f WHERE f.person_id = p.id) AS faces,
    (SELECT count(DISTINCT ph.id) FROM faces f JOIN photos ph ON ph.content_id = f.content_id
       WHERE f.person_id = p.id AND ph.status != 'missing') AS photos,
    c.face_id AS cover_face, c.content_id AS cover_content, c.hash AS cover_hash,
    c.x, c.y, c.w, c.h
  FROM persons p LEFT JOIN tags t ON t.id = p.tag_id
  JOIN (SELECT f.person_id, f.id AS face_id, f.content_id, ct.hash, f.x, f.y, f.w, f.h,
          row_number() OVER (PARTITION BY f.person_id
            ORDER BY f.assigned_by = 'user' DESC, f.confidence * f.source_side DESC, f.id) AS n
        FROM faces f JOIN contents ct ON ct.id = f.content_id WHERE f.person_id IS NOT NULL) c
    ON c.person_id = p.id AND c.n = 1`;

function toSummary(r: PersonRow): PersonSummary {
  return {
    id: r.id,
    tagId: r.tag_id,
    zh: r.zh,
    en: r.en,
    hidden: r.hidden === 1,
    faces: r.faces,
    photos: r.photos,
    cover: {
      faceId: r.cover_face,
      contentId: r.cover_content,
      hash: r.cover_hash,
      box: { x: r.x, y: r.y, w: r.w, h: r.h },
    },
  };
}

/** Persons with at least one face: named first, then by how many faces they have. */
export function listPersons(
  db: Catalog,
  options: { readonly includeHidden?: boolean } = {},
): PersonSummary[] {
  return db
    .prepare<[number], PersonRow>(
      `${personSelect} WHERE (? = 1 OR p.hidden = 0)
       ORDER BY p.tag_id IS NULL, faces DESC, p.id`,
    )
    .all(options.includeHidden ? 1 : 0)
    .map(toSummary);
}

export function getPerson(db: Catalog, personId: number): PersonSummary | undefined {
  const id = resolvePersonId(db, personId);
  const row = db.prepare<[number], PersonRow>(`${personSelect} WHERE p.id = ?`).get(id);
  return row ? toSummary(row) : undefined;
}

export interface FaceInfo {
  readonly id: number;
  readonly contentId: number;
  readonly hash: string;
  readonly box: FaceBoxRow & { readonly confidence: number };
  readonly personId: number | null;
  readonly assignedBy: AssignedBy | null;
  readonly zh: string | null;
  readonly en: string | null;
  readonly rejected: readonly number[];
  readonly hasDescriptor: boolean;
  readonly sourceSide: number;
  readonly sharpness: number;
  /** The oriented photo's width / height (null when unknown), for square crops of the box. */
  readonly photoAspect: number | null;
}

interface FaceInfoRow {
  id: number;
  content_id: number;
  hash: string;
  x: number;
  y: number;
  w: number;
  h: number;
  confidence: number;
  person_id: number | null;
  assigned_by: AssignedBy | null;
  zh: string | null;
  en: string | null;
  rejected: string;
  has_descriptor: number;
  source_side: number;
  sharpness: number;
  photo_aspect: number | null;
}

const faceSelect = `
  SELECT f.id, f.content_id, c.hash, f.x, f.y, f.w, f.h, f.confidence, f.person_id,
    f.assigned_by, t.zh, t.en, f.descriptor IS NOT NULL AS has_descriptor, f.source_side,
    f.sharpness, CAST(c.width AS REAL) / nullif(c.height, 0) AS photo_aspect,
    (SELECT json_group_array(r.person_id) FROM face_rejections r WHERE r.face_id = f.id) AS rejected
  FROM faces f JOIN contents c ON c.id = f.content_id
  LEFT JOIN persons p ON p.id = f.person_id LEFT JOIN tags t ON t.id = p.tag_id`;

function toFaceInfo(r: FaceInfoRow): FaceInfo {
  return {
    id: r.id,
    contentId: r.content_id,
    hash: r.hash,
    box: { x: r.x, y: r.y, w: r.w, h: r.h, confidence: r.confidence },
    personId: r.person_id,
    assignedBy: r.assigned_by,
    zh: r.zh,
    en: r.en,
    rejected: JSON.parse(r.rejected) as number[],
    hasDescriptor: r.has_descriptor === 1,
    sourceSide: r.source_side,
    sharpness: r.sharpness,
    photoAspect: r.photo_aspect,
  };
}

/** The faces of one content, left to right. */
export function listContentFaces(db: Catalog, contentId: number): FaceInfo[] {
  return db
    .prepare<[number], FaceInfoRow>(`${faceSelect} WHERE f.content_id = ? ORDER BY f.x, f.id`)
    .all(contentId)
    .map(toFaceInfo);
}

/** The faces of one person, pinned first, then the most recent. */
export function listPersonFaces(db: Catalog, personId: number, limit = 1000): FaceInfo[] {
  const id = resolvePersonId(db, personId);
  return db
    .prepare<[number, number], FaceInfoRow>(
      `${faceSelect} WHERE f.person_id = ? ORDER BY f.assigned_by = 'user' DESC, f.id DESC LIMIT ?`,
    )
    .all(id, limit)
    .map(toFaceInfo);
}

/** Where the photos of these contents are (missing ones left out), by content. */
export function listPhotoPlacesOfContents(
  db: Catalog,
  contentIds: readonly number[],
): { photoId: number; contentId: number; path: string }[] {
  return db
    .prepare<[string], { photoId: number; contentId: number; path: string }>(
      `SELECT p.id AS photoId, p.content_id AS contentId,
              f.path || '/' || p.rel_path AS path
       FROM photos p JOIN folders f ON f.id = p.folder_id
       WHERE p.content_id IN (SELECT value FROM json_each(?)) AND p.status != 'missing'
       ORDER BY f.path, p.rel_path`,
    )
    .all(JSON.stringify([...new Set(contentIds)]));
}

/**
 * The named person one of whose names is `name` (case-insensitive), if any; a name merged
 * away into a person (its tag's aliases) finds that person too.
 */
export function findPersonByName(db: Catalog, name: string): number | undefined {
  return db
    .prepare<{ name: string }, number>(
      `SELECT id FROM (
         SELECT p.id, 0 AS via_alias FROM persons p JOIN tags t ON t.id = p.tag_id
         WHERE t.zh = @name COLLATE NOCASE OR t.en = @name COLLATE NOCASE
         UNION ALL
         SELECT p.id, 1 AS via_alias FROM persons p JOIN tag_aliases a ON a.tag_id = p.tag_id
         WHERE a.type = 'person' AND (a.zh = @name COLLATE NOCASE OR a.en = @name COLLATE NOCASE))
       ORDER BY via_alias, id LIMIT 1`,
    )
    .pluck()
    .get({ name });
}

/** A photo showing the content (the first that is not missing), for opening a face's photo. */
export function photoOfContent(db: Catalog, contentId: number): number | null {
  return (
    db
      .prepare<[number], number>(
        `SELECT id FROM photos WHERE content_id = ? ORDER BY status = 'missing', id LIMIT 1`,
      )
      .pluck()
      .get(contentId) ?? null
  );
}

/** The content a photo shows, if it was read. */
export function contentOfPhoto(db: Catalog, photoId: number): number | null {
  return (
    db
      .prepare<[number], number | null>(`SELECT content_id FROM photos WHERE id = ?`)
      .pluck()
      .get(photoId) ?? null
  );
}

export function getFace(db: Catalog, faceId: number): FaceInfo {
  const row = db.prepare<[number], FaceInfoRow>(`${faceSelect} WHERE f.id = ?`).get(faceId);
  if (!row) throw new FaceNotFoundError(faceId);
  return toFaceInfo(row);
}

// ---- What the clustering reads and writes (main/people) ----

/** One face as the full pass reads it; `descriptor` is null for a face without one. */
export interface ClusterFaceRow {
  readonly id: number;
  readonly personId: number | null;
  readonly pinned: boolean;
  readonly sourceSide: number;
  readonly sharpness: number;
  readonly descriptor: Float32Array | null;
}

/**
 * Every face of one descriptor model, one at a time (150k faces: the caller quantises as it
 * goes, so the float descriptors are never all in memory at once).
 */
export function* iterateClusterFaces(db: Catalog, model: string): Generator<ClusterFaceRow> {
  const rows = db
    .prepare<
      [string],
      {
        id: number;
        person_id: number | null;
        assigned_by: string | null;
        source_side: number;
        sharpness: number;
        descriptor: Buffer | null;
      }
    >(
      `SELECT id, person_id, assigned_by, source_side, sharpness, descriptor FROM faces
       WHERE model = ? ORDER BY id`,
    )
    .iterate(model);
  for (const r of rows) {
    yield {
      id: r.id,
      personId: r.person_id,
      pinned: isPinned(r.assigned_by),
      sourceSide: r.source_side,
      sharpness: r.sharpness,
      descriptor: r.descriptor ? decodeDescriptor(r.descriptor) : null,
    };
  }
}

/** How many faces carry descriptors of this model (with or without one). */
export function countModelFaces(db: Catalog, model: string): number {
  return (
    db.prepare<[string], number>(`SELECT count(*) FROM faces WHERE model = ?`).pluck().get(model) ??
    0
  );
}

export function countAllFaces(db: Catalog): number {
  return db.prepare<[], number>(`SELECT count(*) FROM faces`).pluck().get() ?? 0;
}

/** The descriptor models the faces were described with. */
export function listFaceModels(db: Catalog): string[] {
  return db.prepare<[], string>(`SELECT DISTINCT model FROM faces ORDER BY model`).pluck().all();
}

/** Values per descriptor of this model (0 when no face of it has one). */
export function modelDescriptorLength(db: Catalog, model: string): number {
  const bytes = db
    .prepare<[string], number>(
      `SELECT length(descriptor) FROM faces WHERE model = ? AND descriptor IS NOT NULL LIMIT 1`,
    )
    .pluck()
    .get(model);
  return (bytes ?? 0) / 4;
}

/** Every "not this person", by face id. */
export function readFaceRejections(db: Catalog): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const r of db
    .prepare<[], { face_id: number; person_id: number }>(
      `SELECT face_id, person_id FROM face_rejections ORDER BY face_id`,
    )
    .iterate()) {
    const list = map.get(r.face_id) ?? [];
    list.push(r.person_id);
    map.set(r.face_id, list);
  }
  return map;
}

/** Persons and whether each is named (named persons are never dropped by a pass). */
export function readClusterPersons(db: Catalog): { id: number; named: boolean }[] {
  return db
    .prepare<[], { id: number; named: number }>(
      `SELECT id, tag_id IS NOT NULL AS named FROM persons ORDER BY id`,
    )
    .all()
    .map((r) => ({ id: r.id, named: r.named === 1 }));
}

/** Faces waiting for incremental matching, oldest first. */
export function listMatchPendingFaces(
  db: Catalog,
  limit: number,
): (ClusterFaceRow & { readonly model: string; readonly rejected: number[] })[] {
  return db
    .prepare<
      [number],
      {
        id: number;
        source_side: number;
        sharpness: number;
        descriptor: Buffer | null;
        model: string;
        rejected: string;
      }
    >(
      `SELECT id, source_side, sharpness, descriptor, model,
         (SELECT json_group_array(r.person_id) FROM face_rejections r WHERE r.face_id = f.id) AS rejected
       FROM faces f WHERE match_pending = 1 ORDER BY id LIMIT ?`,
    )
    .all(limit)
    .map((r) => ({
      id: r.id,
      personId: null,
      pinned: false,
      sourceSide: r.source_side,
      sharpness: r.sharpness,
      descriptor: r.descriptor ? decodeDescriptor(r.descriptor) : null,
      model: r.model,
      rejected: JSON.parse(r.rejected) as number[],
    }));
}

/**
 * The faces a new face is matched against: per person, its pinned faces first and then the
 * newest, at most `perPerson` (bounded work per new face, whatever the library's size).
 */
export function listPersonExemplars(
  db: Catalog,
  model: string,
  perPerson: number,
): { faceId: number; personId: number; descriptor: Float32Array }[] {
  return db
    .prepare<[string, number], { id: number; person_id: number; descriptor: Buffer }>(
      `SELECT id, person_id, descriptor FROM (
         SELECT f.id, f.person_id, f.descriptor, row_number() OVER (PARTITION BY f.person_id
           ORDER BY f.assigned_by = 'user' DESC, f.id DESC) AS n
         FROM faces f WHERE f.person_id IS NOT NULL AND f.descriptor IS NOT NULL AND f.model = ?)
       WHERE n <= ? ORDER BY person_id, id`,
    )
    .all(model, perPerson)
    .map((r) => ({
      faceId: r.id,
      personId: r.person_id,
      descriptor: decodeDescriptor(r.descriptor),
    }));
}

/**
 * Records what incremental matching decided: each face joins its person unless, meanwhile,
 * it was placed or its rejection of that person recorded; every face listed stops pending.
 */
export function applyFaceMatches(
  db: Catalog,
  decisions: readonly { readonly faceId: number; readonly personId: number | null }[],
  now: number,
): number {
  return db.transaction(() => {
    const assign = db.prepare<{ person: number; face: number }>(
      `UPDATE faces SET person_id = @person, assigned_by = 'auto'
       WHERE id = @face AND person_id IS NULL AND match_pending = 1
         AND EXISTS (SELECT 1 FROM persons WHERE id = @person)
         AND NOT EXISTS (SELECT 1 FROM face_rejections r
                         WHERE r.face_id = faces.id AND r.person_id = @person)`,
    );
    const done = db.prepare<[number]>(`UPDATE faces SET match_pending = 0 WHERE id = ?`);
    const contentOf = db.prepare<[number], number>(`SELECT content_id FROM faces WHERE id = ?`);
    const contents = new Set<number>();
    let assigned = 0;
    for (const d of decisions) {
      if (d.personId !== null && assign.run({ person: d.personId, face: d.faceId }).changes > 0) {
        assigned++;
        const c = contentOf.pluck().get(d.faceId);
        if (c !== undefined) contents.add(c);
      }
      done.run(d.faceId);
    }
    syncPersonTags(db, contents, now);
    return assigned;
  })();
}

/**
 * Records a full pass: `personOf[i]` for face `faceIds[i]` (negative ids are the pass's new
 * persons, created here). Faces the user pinned meanwhile, or that rejected their new person,
 * keep what they have; unnamed persons left without faces are deleted.
 */
export function applyRecluster(
  db: Catalog,
  faceIds: readonly number[],
  personOf: readonly (number | null)[],
  newPersons: readonly number[],
  now: number,
): { changed: number; created: number } {
  return db.transaction(() => {
    const created = new Map<number, number>();
    for (const temp of newPersons) created.set(temp, createPerson(db, now));
    const current = db.prepare<
      [number],
      { person_id: number | null; assigned_by: string | null; content_id: number }
    >(`SELECT person_id, assigned_by, content_id FROM faces WHERE id = ?`);
    const rejects = db.prepare<[number, number], { one: number }>(
      `SELECT 1 AS one FROM face_rejections WHERE face_id = ? AND person_id = ?`,
    );
    const exists = db.prepare<[number], number>(`SELECT id FROM persons WHERE id = ?`).pluck();
    const set = db.prepare<[number | null, string | null, number]>(
      `UPDATE faces SET person_id = ?, assigned_by = ?, match_pending = 0 WHERE id = ?`,
    );
    const contents = new Set<number>();
    let changed = 0;
    faceIds.forEach((faceId, i) => {
      const now_ = current.get(faceId);
      if (!now_ || isPinned(now_.assigned_by)) return;
      const proposed = personOf[i] ?? null;
      let person = proposed !== null && proposed < 0 ? (created.get(proposed) ?? null) : proposed;
      if (person !== null && (exists.get(person) === undefined || rejects.get(faceId, person))) {
        person = null;
      }
      if (person === now_.person_id) return;
      set.run(person, person === null ? null : 'auto', faceId);
      contents.add(now_.content_id);
      changed++;
    });
    db.prepare<[number]>(
      `UPDATE face_recluster SET faces_since = 0, requested_at = NULL, finished_at = ?, last_error = NULL
       WHERE id = 1`,
    ).run(now);
    deleteEmptyUnnamedPersons(db);
    syncPersonTags(db, contents, now);
    return { changed, created: created.size };
  })();
}

export interface ReclusterState {
  readonly facesSince: number;
  readonly requestedAt: number | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly lastMs: number | null;
  readonly lastError: string | null;
}

export function readReclusterState(db: Catalog): ReclusterState {
  const r = db
    .prepare<
      [],
      {
        faces_since: number;
        requested_at: number | null;
        started_at: number | null;
        finished_at: number | null;
        last_ms: number | null;
        last_error: string | null;
      }
    >(`SELECT * FROM face_recluster WHERE id = 1`)
    .get();
  return {
    facesSince: r?.faces_since ?? 0,
    requestedAt: r?.requested_at ?? null,
    startedAt: r?.started_at ?? null,
    finishedAt: r?.finished_at ?? null,
    lastMs: r?.last_ms ?? null,
    lastError: r?.last_error ?? null,
  };
}

/** Asks for a full pass (the user's "re-cluster now", or a new descriptor model). */
export function requestRecluster(db: Catalog, now: number): void {
  db.prepare<[number]>(
    `UPDATE face_recluster SET requested_at = coalesce(requested_at, ?) WHERE id = 1`,
  ).run(now);
}

export function markReclusterStarted(db: Catalog, now: number): void {
  db.prepare<[number]>(`UPDATE face_recluster SET started_at = ? WHERE id = 1`).run(now);
}

export function markReclusterFinished(
  db: Catalog,
  outcome: { readonly ms: number; readonly error?: string },
): void {
  db.prepare<[number, string | null]>(
    `UPDATE face_recluster SET last_ms = ?, last_error = ? WHERE id = 1`,
  ).run(outcome.ms, outcome.error ?? null);
}
