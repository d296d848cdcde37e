// Migration 17: names from other tools' face regions (issue 15). digiKam, Lightroom and Picasa
// write named face regions in the MWG regions schema (`mwg-rs:RegionInfo`) into the XMP
// sidecar or the photo's own XMP. They are read when a photo is first ingested, before the
// on-device engine has found any face, so they wait here and are matched to the detected
// faces when those arrive ([Note: Imported face regions] in main/catalog/imported-face-regions.ts).
//
// `faces.assigned_by` gains 'imported': a face named by another tool's region. It is pinned
// like the user's own placements (no pass moves it) but is not the user's decision in Tujian,
// so a region never overrides a face the user placed, and the user can still move it. The
// CHECK is widened through `writable_schema` for the reason migration 13 gives: rebuilding
// `faces` would cascade into `face_rejections` (dropping a table runs its ON DELETE actions).
import type Database from 'better-sqlite3';
import type { Migration } from './migration.ts';

const assignedByCheck = "CHECK (assigned_by IN ('auto', 'user'))";

function widenAssignedBy(db: Database.Database): void {
  const sql = db
    .prepare<[], string>(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'faces'`)
    .pluck()
    .get();
  if (sql === undefined) throw new Error('migration 17: faces is missing');
  if (!sql.includes(assignedByCheck)) {
    throw new Error('migration 17: faces has no assigned_by CHECK to widen');
  }
  const version = db.pragma('schema_version', { simple: true }) as number;
  // Defensive mode (better-sqlite3's default) forbids writable_schema; it is on again below.
  db.unsafeMode(true);
  try {
    db.pragma('writable_schema = ON');
    db.prepare<[string]>(
      `UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'faces'`,
    ).run(sql.replace(assignedByCheck, "CHECK (assigned_by IN ('auto', 'user', 'imported'))"));
    db.pragma(`schema_version = ${String(version + 1)}`);
    db.pragma('writable_schema = OFF');
  } finally {
    db.unsafeMode(false);
  }
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new Error(`migration 17: quick_check says ${String(check)}`);
}

export const migration0017ImportedFaceRegions: Migration = {
  version: 17,
  name: 'imported-face-regions',
  up: `
CREATE TABLE imported_face_regions (
  id INTEGER PRIMARY KEY,
  content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  -- The name the other tool gave the face.
  name TEXT NOT NULL CHECK (length(name) > 0),
  -- The region as a box normalised to the oriented photo, top-left based (as faces): already
  -- turned by the photo's EXIF orientation where the region was written for the stored pixels.
  x REAL NOT NULL CHECK (x >= 0 AND x <= 1),
  y REAL NOT NULL CHECK (y >= 0 AND y <= 1),
  w REAL NOT NULL CHECK (w > 0 AND w <= 1),
  h REAL NOT NULL CHECK (h > 0 AND h <= 1),
  -- The detected face the region was matched to; NULL while none overlaps it (a re-tag
  -- replaces the faces, and the region is matched again to the new ones).
  face_id INTEGER REFERENCES faces(id) ON DELETE SET NULL,
  -- The person the name was given to, so the next region of that name joins the same person
  -- even after the user renamed it. No foreign key: like a bookmark, a merged-away id is
  -- followed through person_merges.
  person_id INTEGER,
  created_at INTEGER NOT NULL,
  -- The same region in the photo's XMP and in its sidecar is stored once.
  UNIQUE (content_id, name, x, y, w, h)
) STRICT;
CREATE INDEX imported_face_regions_face ON imported_face_regions(face_id);
CREATE INDEX imported_face_regions_name ON imported_face_regions(name);
`,
  apply: widenAssignedBy,
};
