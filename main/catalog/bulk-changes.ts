// Bulk changes from the selection bar (and the photo view) that can be undone: add a tag to
// the selected photos, remove one, add them to a manual album, take them out of one. Each runs
// the edit and records, in the same transaction, what it changed ([Note: Undo of the last bulk
// change] in migration 0014): for a tag, the rows of that tag the photos had before (engine,
// state, confidence), so an undo puts back exactly those states, engine rows and boxes
// included (a removal only marks rows `rejected`); for an album, the photos that were not in
// it before, or the places of the photos taken out (with the photo that followed each, should
// the album be reordered meanwhile). Only the last bulk change is kept; an undo names it by id, so a second window or a stale toast cannot undo a
// later change it never showed.
import { z } from 'zod';
import type { Catalog, ReadableCatalog } from './catalog-connection.ts';
import {
  addPhotosToAlbum,
  albumPlacesOf,
  listAlbumPhotoIds,
  removePhotosFromAlbum,
  renumberAlbum,
  requireManualAlbum,
} from './album-photos.ts';
import { readSettingJson, writeSettingJson } from './settings.ts';
import { addTag, findOrCreateTag, removeTag, type TagInput, type TagRef } from './tag-editing.ts';

const TagRowState = z.object({
  engine: z.string(),
  state: z.enum(['auto', 'user', 'rejected']),
  confidence: z.number().nullable(),
});

const TagChangePayload = z.object({
  changeId: z.number().int().positive(),
  tagId: z.number().int().positive(),
  photos: z.number().int().nonnegative(),
  /** Every content the edit touched, with the tag's rows it had before (maybe none). */
  before: z.array(z.object({ contentId: z.number().int(), rows: z.array(TagRowState) })),
});

const AlbumChangePayload = z.object({
  changeId: z.number().int().positive(),
  albumId: z.number().int().positive(),
  added: z.array(z.number().int().positive()),
});

const AlbumRemovalPayload = z.object({
  changeId: z.number().int().positive(),
  albumId: z.number().int().positive(),
  /** The photos taken out, in their album order. */
  removed: z.array(
    z.object({
      photoId: z.number().int().positive(),
      position: z.number().int(),
      addedAt: z.number(),
      /** The photo that followed it and stayed (null: it was last), to find its place again
       * when its position was taken meanwhile (the album was reordered). */
      beforePhotoId: z.number().int().positive().nullable(),
    }),
  ),
});

export type BulkChangeKind = 'add-tag' | 'remove-tag' | 'add-to-album' | 'remove-from-album';

/** What a bulk change did, as the toast says it. */
export type BulkChangeSummary =
  | {
      readonly changeId: number;
      readonly kind: 'add-tag' | 'remove-tag';
      /** Selected photos whose tags changed (two places of the same content count twice). */
      readonly photos: number;
      readonly tag: TagRef;
    }
  | {
      readonly changeId: number;
      readonly kind: 'add-to-album' | 'remove-from-album';
      /** Photos added to the album, or taken out of it. */
      readonly photos: number;
      readonly album: { readonly id: number; readonly name: string };
    };

export class BulkUndoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BulkUndoError';
  }
}

interface UndoRow {
  kind: BulkChangeKind;
  payload: string;
}

function readUndoRow(db: ReadableCatalog): UndoRow | undefined {
  return db.prepare<[], UndoRow>(`SELECT kind, payload FROM bulk_undo WHERE id = 1`).get();
}

/** Where the last change id is kept: ids go up across changes, also after an undo cleared
 * the record, so a stale toast's id never matches a later change. */
const lastChangeIdKey = 'bulk.lastChangeId';

function nextChangeId(db: Catalog): number {
  const last = z.number().int().nonnegative().catch(0).parse(readSettingJson(db, lastChangeIdKey));
  const next = last + 1;
  writeSettingJson(db, lastChangeIdKey, next);
  return next;
}

function saveUndo(db: Catalog, kind: BulkChangeKind, payload: object, now: number): void {
  db.prepare(
    `INSERT INTO bulk_undo (id, kind, payload, created_at) VALUES (1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, payload = excluded.payload,
       created_at = excluded.created_at`,
  ).run(kind, JSON.stringify(payload), now);
}

/** The selected photos' contents (photo id → content id), photos without content left out. */
function contentsOf(db: Catalog, photoIds: readonly number[]): Map<number, number> {
  const rows = db
    .prepare<[string], { id: number; content_id: number }>(
      `SELECT id, content_id FROM photos
       WHERE id IN (SELECT value FROM json_each(?)) AND content_id IS NOT NULL`,
    )
    .all(JSON.stringify([...new Set(photoIds)]));
  return new Map(rows.map((r) => [r.id, r.content_id]));
}

function tagRowsOf(db: Catalog, contentIds: readonly number[], tagId: number) {
  const rows = db
    .prepare<[number, string], { content_id: number } & z.infer<typeof TagRowState>>(
      `SELECT content_id, engine, state, confidence FROM photo_tags
       WHERE tag_id = ? AND content_id IN (SELECT value FROM json_each(?))`,
    )
    .all(tagId, JSON.stringify(contentIds));
  const byContent = new Map<number, z.infer<typeof TagRowState>[]>(
    contentIds.map((id) => [id, []]),
  );
  for (const { content_id: contentId, ...row } of rows) byContent.get(contentId)?.push(row);
  return byContent;
}

const isLive = (rows: readonly z.infer<typeof TagRowState>[]) =>
  rows.some((r) => r.state !== 'rejected');

/** Runs a tag edit of `tagId` and records how to undo it. */
function bulkTagChange(
  db: Catalog,
  kind: 'add-tag' | 'remove-tag',
  photoIds: readonly number[],
  tagId: number,
  edit: () => TagRef,
  now: number,
): BulkChangeSummary {
  const contentOfPhoto = contentsOf(db, photoIds);
  const contentIds = [...new Set(contentOfPhoto.values())];
  const before = tagRowsOf(db, contentIds, tagId);
  const tag = edit();
  const after = tagRowsOf(db, contentIds, tagId);
  const changedContents = new Set(
    contentIds.filter((id) => isLive(before.get(id) ?? []) !== isLive(after.get(id) ?? [])),
  );
  const photos = [...contentOfPhoto.values()].filter((id) => changedContents.has(id)).length;
  const changeId = nextChangeId(db);
  const payload: z.infer<typeof TagChangePayload> = {
    changeId,
    tagId,
    photos,
    // Only the contents whose rows changed need putting back.
    before: contentIds
      .filter((id) => JSON.stringify(before.get(id)) !== JSON.stringify(after.get(id)))
      .map((contentId) => ({ contentId, rows: before.get(contentId) ?? [] })),
  };
  saveUndo(db, kind, payload, now);
  return { changeId, kind, photos, tag };
}

/** Add a tag (a name in either language; new tags get `type`) to the photos, undoably. */
export function bulkAddTag(
  db: Catalog,
  photoIds: readonly number[],
  input: TagInput,
  now = Date.now(),
): BulkChangeSummary {
  return db.transaction(() => {
    // The tag is resolved (or created) first so its rows can be read before the edit; a
    // failing edit rolls the new tag back with everything else.
    const { tag } = findOrCreateTag(db, input);
    return bulkTagChange(
      db,
      'add-tag',
      photoIds,
      tag.id,
      () => {
        const edited = addTag(db, { photoIds }, input, now).tag;
        // The same input resolves to the same tag (it exists now); a different one would
        // make the recorded rows wrong, so that is refused rather than recorded.
        if (edited.id !== tag.id) throw new Error('bulkAddTag: the tag changed under the edit');
        return edited;
      },
      now,
    );
  })();
}

/** Remove a tag from the photos (engine rows become rejected), undoably. */
export function bulkRemoveTag(
  db: Catalog,
  photoIds: readonly number[],
  tagId: number,
  now = Date.now(),
): BulkChangeSummary {
  return db.transaction(() =>
    bulkTagChange(
      db,
      'remove-tag',
      photoIds,
      tagId,
      () => removeTag(db, { photoIds }, tagId).tag,
      now,
    ),
  )();
}

/** Add the photos to a manual album, undoably. */
export function bulkAddToAlbum(
  db: Catalog,
  photoIds: readonly number[],
  albumId: number,
  now = Date.now(),
): BulkChangeSummary {
  return db.transaction((): BulkChangeSummary => {
    const album = requireManualAlbum(db, albumId);
    const added = addPhotosToAlbum(db, albumId, photoIds, now);
    const changeId = nextChangeId(db);
    const payload: z.infer<typeof AlbumChangePayload> = { changeId, albumId, added };
    saveUndo(db, 'add-to-album', payload, now);
    return {
      changeId,
      kind: 'add-to-album',
      photos: added.length,
      album: { id: album.id, name: album.name },
    };
  })();
}

/** Take photos out of a manual album, undoably: their places are recorded to put them back. */
export function bulkRemoveFromAlbum(
  db: Catalog,
  photoIds: readonly number[],
  albumId: number,
  now = Date.now(),
): BulkChangeSummary {
  return db.transaction((): BulkChangeSummary => {
    const album = requireManualAlbum(db, albumId);
    const places = albumPlacesOf(db, albumId, photoIds);
    const leaving = new Set(places.map((p) => p.photoId));
    // Missing photos count as followers: they are in the album's order, only not shown.
    const order = listAlbumPhotoIds(db, albumId, { includeMissing: true });
    // Each photo's first follower that stays, in one pass from the end (not a scan per photo).
    const followerOf = new Map<number, number | null>();
    let nextStaying: number | null = null;
    for (let i = order.length - 1; i >= 0; i--) {
      const id = order[i] ?? 0;
      followerOf.set(id, nextStaying);
      if (!leaving.has(id)) nextStaying = id;
    }
    const removed = places.map((p) => ({
      ...p,
      beforePhotoId: followerOf.get(p.photoId) ?? null,
    }));
    removePhotosFromAlbum(db, albumId, [...leaving], now);
    const changeId = nextChangeId(db);
    const payload: z.infer<typeof AlbumRemovalPayload> = { changeId, albumId, removed };
    saveUndo(db, 'remove-from-album', payload, now);
    return {
      changeId,
      kind: 'remove-from-album',
      photos: removed.length,
      album: { id: album.id, name: album.name },
    };
  })();
}

/**
 * Puts photos taken out of an album back at their places. When no other photo took those
 * positions meanwhile, they go back at exactly them; otherwise (the album was reordered, which
 * renumbers it) each goes back before the photo that followed it, or at the end when that one
 * left too. Photos deleted from the library since, or put back into the album by hand, are
 * skipped.
 */
function restoreAlbumPlaces(db: Catalog, payload: z.infer<typeof AlbumRemovalPayload>): void {
  const { albumId } = payload;
  const order = listAlbumPhotoIds(db, albumId, { includeMissing: true });
  const inAlbum = new Set(order);
  const stillPhotos = new Set(
    db
      .prepare<[string], { id: number }>(
        `SELECT id FROM photos WHERE id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(payload.removed.map((r) => r.photoId)))
      .map((r) => r.id),
  );
  const back = payload.removed.filter((r) => stillPhotos.has(r.photoId) && !inAlbum.has(r.photoId));
  if (back.length === 0) return;
  const taken = new Set(albumPlacesOf(db, albumId, order).map((p) => p.position));
  const insert = db.prepare<[number, number, number, number]>(
    `INSERT INTO album_photos (album_id, photo_id, position, added_at) VALUES (?, ?, ?, ?)`,
  );
  if (back.every((r) => !taken.has(r.position))) {
    for (const r of back) insert.run(albumId, r.photoId, r.position, r.addedAt);
    return;
  }
  // Inserted past the end first (positions must be unique), then the album is renumbered.
  let end = Math.max(-1, ...taken);
  for (const r of back) insert.run(albumId, r.photoId, ++end, r.addedAt);
  const next = [...order];
  for (const r of back) {
    const at = r.beforePhotoId === null ? -1 : next.indexOf(r.beforePhotoId);
    next.splice(at < 0 ? next.length : at, 0, r.photoId);
  }
  renumberAlbum(db, albumId, next);
}

/** The bulk change an undo would revert now, or null. */
export function lastBulkChange(db: ReadableCatalog): BulkChangeSummary | null {
  const row = readUndoRow(db);
  if (!row) return null;
  return summaryOf(db, row);
}

function summaryOf(db: ReadableCatalog, row: UndoRow): BulkChangeSummary | null {
  if (row.kind === 'add-to-album' || row.kind === 'remove-from-album') {
    const payload =
      row.kind === 'add-to-album'
        ? AlbumChangePayload.parse(JSON.parse(row.payload))
        : AlbumRemovalPayload.parse(JSON.parse(row.payload));
    const album = db
      .prepare<[number], { id: number; name: string }>(`SELECT id, name FROM albums WHERE id = ?`)
      .get(payload.albumId);
    if (!album) return null;
    const photos = 'added' in payload ? payload.added.length : payload.removed.length;
    return { changeId: payload.changeId, kind: row.kind, photos, album };
  }
  const payload = TagChangePayload.parse(JSON.parse(row.payload));
  const tag = db
    .prepare<[number], TagRef>(`SELECT id, name, type, zh, en FROM tags WHERE id = ?`)
    .get(payload.tagId);
  if (!tag) return null;
  return { changeId: payload.changeId, kind: row.kind, photos: payload.photos, tag };
}

/**
 * Undo the last bulk change, if it is `changeId`: the tag's rows get back the states they
 * had (rows the change wrote are deleted), the photos it added leave the album, or the photos
 * it took out of an album go back to their places. Returns
 * what was undone; throws `BulkUndoError` when that change is no longer the last one, or its
 * tag or album is gone.
 */
export function undoBulkChange(db: Catalog, changeId: number): BulkChangeSummary {
  return db.transaction((): BulkChangeSummary => {
    const row = readUndoRow(db);
    const summary = row ? summaryOf(db, row) : null;
    if (!row || !summary || summary.changeId !== changeId) {
      throw new BulkUndoError('That change can no longer be undone.');
    }
    if (row.kind === 'add-to-album') {
      const payload = AlbumChangePayload.parse(JSON.parse(row.payload));
      db.prepare(
        `DELETE FROM album_photos WHERE album_id = ? AND photo_id IN (SELECT value FROM json_each(?))`,
      ).run(payload.albumId, JSON.stringify(payload.added));
    } else if (row.kind === 'remove-from-album') {
      restoreAlbumPlaces(db, AlbumRemovalPayload.parse(JSON.parse(row.payload)));
    } else {
      const payload = TagChangePayload.parse(JSON.parse(row.payload));
      const current = db.prepare<[number, number], { engine: string }>(
        `SELECT engine FROM photo_tags WHERE content_id = ? AND tag_id = ?`,
      );
      const drop = db.prepare<[number, number, string]>(
        `DELETE FROM photo_tags WHERE content_id = ? AND tag_id = ? AND engine = ?`,
      );
      const restore = db.prepare<[string, number | null, number, number, string]>(
        `UPDATE photo_tags SET state = ?, confidence = ? WHERE content_id = ? AND tag_id = ? AND engine = ?`,
      );
      for (const { contentId, rows } of payload.before) {
        const had = new Map(rows.map((r) => [r.engine, r]));
        for (const { engine } of current.all(contentId, payload.tagId)) {
          const old = had.get(engine);
          if (old) restore.run(old.state, old.confidence, contentId, payload.tagId, engine);
          else drop.run(contentId, payload.tagId, engine);
        }
      }
    }
    db.prepare(`DELETE FROM bulk_undo WHERE id = 1`).run();
    return summary;
  })();
}
