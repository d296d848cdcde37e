// The SQL of imported face regions (migration 0017): names other tools gave to faces, waiting
// for the detected faces they name, and the matching of one to the other.
//
// [Note: Imported face regions]
// A region other tools wrote (MWG `mwg-rs:Regions`, read on first ingest by
// main/library/mwg-face-regions.ts) is stored as a box in the oriented photo. When the
// content's faces are stored (`replaceContentFaces`, main/catalog/people.ts) each region is
// matched to at most one face and each face to at most one region, the pairs with the largest
// overlap first, if their intersection-over-union is at least `regionFaceMinIou`. A matched
// face gets the name like a user decision with source `imported` (`faces.assigned_by`): the
// person an earlier region of that name went to (even if renamed or merged since), else the
// named person with that name (or a name merged into it), else a new person with that name.
// A face the user placed, or that the user said is not that person, keeps what the user said.
// A region that overlaps no face stays unmatched and is counted (`tujian people`); it is
// matched again whenever the content's faces are replaced. Tujian's own regions (marked
// `Description: Tujian` when written) are never imported, so writing and reading back cannot
// loop.
import type { Catalog, ReadableCatalog } from './catalog-connection.ts';

/** A face region as stored: normalised to the oriented photo, top-left based. */
export interface RegionBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface ImportedFaceRegion extends RegionBox {
  readonly name: string;
}

/**
 * 0.3, lower than the 0.5 that says a re-detected face is the same face: other tools (and
 * people drawing by hand) frame a face differently from blazeface, often taking in hair and
 * chin, and two concentric boxes whose sides differ by a factor s overlap by 1/s², so 0.3
 * accepts a region up to 1.8 times the detected box's side. Measured on the fixture portraits
 * (test/library/mwg-face-regions.test.ts): a region drawn around the whole 150 px crop
 * overlaps blazeface's box by 0.67. Faces of two people in one photo barely overlap at all, so
 * 0.3 does not confuse them, and the one-to-one matching gives each region its best face.
 */
export const regionFaceMinIou = 0.3;

export function boxIou(a: RegionBox, b: RegionBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.w * a.h + b.w * b.h - inter;
  return union <= 0 ? 0 : inter / union;
}

/**
 * Pairs regions with faces one to one, the largest overlap first, above `minIou`; returns
 * [region index, face index] pairs.
 */
export function matchRegionsToFaces(
  regions: readonly RegionBox[],
  faces: readonly RegionBox[],
  minIou: number = regionFaceMinIou,
): [number, number][] {
  const candidates: { r: number; f: number; iou: number }[] = [];
  regions.forEach((region, r) => {
    faces.forEach((face, f) => {
      const iou = boxIou(region, face);
      if (iou >= minIou) candidates.push({ r, f, iou });
    });
  });
  candidates.sort((a, b) => b.iou - a.iou);
  const usedRegions = new Set<number>();
  const usedFaces = new Set<number>();
  const pairs: [number, number][] = [];
  for (const c of candidates) {
    if (usedRegions.has(c.r) || usedFaces.has(c.f)) continue;
    usedRegions.add(c.r);
    usedFaces.add(c.f);
    pairs.push([c.r, c.f]);
  }
  return pairs;
}

/** Six decimals: the same region read from the photo and its sidecar is one row. */
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** What a region is read against: the displayed size and the EXIF orientation. */
export interface ContentShape {
  readonly width: number | null;
  readonly height: number | null;
  readonly orientation: number | null;
}

export function getContentShape(db: ReadableCatalog, contentId: number): ContentShape | undefined {
  return db
    .prepare<[number], ContentShape>(`SELECT width, height, orientation FROM contents WHERE id = ?`)
    .get(contentId);
}

/** Stores the regions read for a content (a region already stored is not stored again). */
export function saveImportedFaceRegions(
  db: Catalog,
  contentId: number,
  regions: readonly ImportedFaceRegion[],
  now: number,
): number {
  const insert = db.prepare<[number, string, number, number, number, number, number]>(
    `INSERT OR IGNORE INTO imported_face_regions (content_id, name, x, y, w, h, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  return db.transaction(() => {
    let added = 0;
    for (const r of regions) {
      added += insert.run(
        contentId,
        r.name,
        round6(r.x),
        round6(r.y),
        round6(r.w),
        round6(r.h),
        now,
      ).changes;
    }
    return added;
  })();
}

export interface StoredFaceRegion extends ImportedFaceRegion {
  readonly id: number;
  readonly faceId: number | null;
  readonly personId: number | null;
}

/** A content's regions that no face has matched yet. */
export function listUnmatchedFaceRegions(db: Catalog, contentId: number): StoredFaceRegion[] {
  return db
    .prepare<[number], StoredFaceRegion>(
      `SELECT id, name, x, y, w, h, face_id AS faceId, person_id AS personId
       FROM imported_face_regions WHERE content_id = ? AND face_id IS NULL ORDER BY id`,
    )
    .all(contentId);
}

/** Faces of the content some region already names (a face takes one region only). */
export function listRegionMatchedFaces(db: Catalog, contentId: number): Set<number> {
  return new Set(
    db
      .prepare<[number], number>(
        `SELECT face_id FROM imported_face_regions WHERE content_id = ? AND face_id IS NOT NULL`,
      )
      .pluck()
      .all(contentId),
  );
}

export function setRegionMatch(
  db: Catalog,
  regionId: number,
  faceId: number,
  personId: number | null,
): void {
  db.prepare<[number, number | null, number]>(
    `UPDATE imported_face_regions SET face_id = ?, person_id = coalesce(?, person_id) WHERE id = ?`,
  ).run(faceId, personId, regionId);
}

/** The person the last region of this name was given to (an id that may since be merged). */
export function personOfRegionName(db: Catalog, name: string): number | undefined {
  return db
    .prepare<[string], number>(
      `SELECT person_id FROM imported_face_regions
       WHERE name = ? AND person_id IS NOT NULL ORDER BY id DESC LIMIT 1`,
    )
    .pluck()
    .get(name);
}

export interface FaceRegionCounts {
  /** Regions read from other tools' metadata. */
  readonly total: number;
  /** Matched to a detected face. */
  readonly matched: number;
  /** Waiting: no detected face overlaps them (yet), by name. */
  readonly unmatched: number;
  readonly unmatchedByName: readonly { readonly name: string; readonly photos: number }[];
}

/** What `tujian people` says about imported regions. */
export function countImportedFaceRegions(db: ReadableCatalog): FaceRegionCounts {
  const totals = db
    .prepare<[], { total: number; matched: number }>(
      `SELECT count(*) AS total, count(face_id) AS matched FROM imported_face_regions`,
    )
    .get() ?? { total: 0, matched: 0 };
  const unmatchedByName = db
    .prepare<[], { name: string; photos: number }>(
      `SELECT name, count(DISTINCT content_id) AS photos FROM imported_face_regions
       WHERE face_id IS NULL GROUP BY name ORDER BY photos DESC, name`,
    )
    .all();
  return {
    total: totals.total,
    matched: totals.matched,
    unmatched: totals.total - totals.matched,
    unmatchedByName,
  };
}
