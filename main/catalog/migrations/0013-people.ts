// Migration 13: people (issue 15). Faces with their descriptors, persons, which person each
// face belongs to and who said so, and the user's decisions that no pass may undo.
//
// [Note: A person is a tag]
// A named person is a row of `tags` with type `person` (`persons.tag_id`), and every content
// showing one of that person's faces carries a `photo_tags` row of that tag (engine `user`,
// model `people`, state `auto`, no confidence, the face boxes as its boxes). So search by name
// in both languages, facets, smart albums, autocomplete, XMP keywords, export and the photo
// view's labelled boxes work as they do for every other tag, from the same tables. The
// person's names live in that tag row only (renaming the tag renames the person). The rows
// are derived: `syncPersonTags` (main/catalog/people.ts) rewrites them from `faces` after
// every change of an assignment, except a row the user rejected (removed the person's tag from
// a photo), which stays rejected and is never added back.
//
// [Note: People decisions are constraints]
// `faces.assigned_by = 'user'` pins a face to its person: the user moved or merged it, or
// named its person while it was there (naming confirms the faces shown, as PhotoPrism marks
// them manual; otherwise one face moved out of a person would pull the person's unpinned
// faces along in the next pass, since the clustering joins a group to its pinned face);
// `face_rejections` keeps "not this person"; a named person is never deleted by a pass. The
// clustering (main/people/face-clustering.ts) takes them as constraints, and re-tagging hands
// them to the new face rows that cover the old boxes (`replaceContentFaces`).
//
// `tags.type` and `tag_aliases.type` gain 'person'. Their CHECK constraints cannot be
// altered in place and rebuilding `tags` would cascade into every table that references it,
// so the constraint text is widened through `writable_schema`: the procedure SQLite documents
// for constraint changes that every existing row already satisfies ("Making Other Kinds Of
// Table Schema Changes", https://www.sqlite.org/lang_altertable.html#otheralter), inside the
// migration transaction, with `schema_version` bumped so every connection re-reads it.
import type Database from 'better-sqlite3';
import type { Migration } from './migration.ts';

const typeCheck = /CHECK \(type IN \(([^)]*)\)\)/;

function widenTypeChecks(db: Database.Database): void {
  const tables = db
    .prepare<[], { name: string; sql: string }>(
      `SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name IN ('tags', 'tag_aliases')`,
    )
    .all();
  if (tables.length !== 2) throw new Error('migration 13: tags or tag_aliases is missing');
  const version = db.pragma('schema_version', { simple: true }) as number;
  // Defensive mode (better-sqlite3's default) forbids writable_schema; it is on again below.
  db.unsafeMode(true);
  try {
    db.pragma('writable_schema = ON');
    const update = db.prepare<[string, string]>(
      `UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?`,
    );
    for (const { name, sql } of tables) {
      const match = typeCheck.exec(sql);
      if (!match?.[1]) throw new Error(`migration 13: ${name} has no type CHECK to widen`);
      if (match[1].includes(`'person'`)) continue;
      update.run(sql.replace(typeCheck, `CHECK (type IN (${match[1]}, 'person'))`), name);
    }
    db.pragma(`schema_version = ${String(version + 1)}`);
    db.pragma('writable_schema = OFF');
  } finally {
    db.unsafeMode(false);
  }
  // The edited text must still parse and describe the same table.
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new Error(`migration 13: quick_check says ${String(check)}`);
}

export const migration0013People: Migration = {
  version: 13,
  name: 'people',
  up: `
CREATE TABLE persons (
  -- AUTOINCREMENT: an id is never given again, so a merged-away id (person_merges) and an
  -- id the user saw in a list or a script keep naming one person.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The person's tag ([Note: A person is a tag]); NULL while the person has no name.
  tag_id INTEGER UNIQUE REFERENCES tags(id) ON DELETE SET NULL,
  hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE faces (
  id INTEGER PRIMARY KEY,
  content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  -- The face box, normalised to the oriented photo (as tag_boxes).
  x REAL NOT NULL CHECK (x >= 0 AND x <= 1),
  y REAL NOT NULL CHECK (y >= 0 AND y <= 1),
  w REAL NOT NULL CHECK (w >= 0 AND w <= 1),
  h REAL NOT NULL CHECK (h >= 0 AND h <= 1),
  -- The detector's confidence (0–100).
  confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 100),
  -- What decides whether the face may be clustered (main/people/face-quality.ts).
  source_side REAL NOT NULL,
  sharpness REAL NOT NULL,
  -- Unit-length float32 values (little endian); NULL when the box could not be cropped.
  descriptor BLOB,
  -- The descriptor model: descriptors of different models are never compared.
  model TEXT NOT NULL,
  person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
  assigned_by TEXT CHECK (assigned_by IN ('auto', 'user')),
  -- 1 until incremental matching has looked at the face (main/people/people-matching.ts).
  match_pending INTEGER NOT NULL DEFAULT 1 CHECK (match_pending IN (0, 1)),
  created_at INTEGER NOT NULL,
  CHECK ((person_id IS NULL) = (assigned_by IS NULL))
) STRICT;
CREATE INDEX faces_content ON faces(content_id);
CREATE INDEX faces_person ON faces(person_id);
-- Faces waiting for incremental matching.
CREATE INDEX faces_match_pending ON faces(id) WHERE match_pending = 1;

-- "Not this person": the face never lands in that person again.
CREATE TABLE face_rejections (
  face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (face_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX face_rejections_person ON face_rejections(person_id);

-- Merged-away person ids and where they went, so an old id (a bookmark, a CLI script) still
-- finds the person.
CREATE TABLE person_merges (
  from_id INTEGER PRIMARY KEY,
  into_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL
) STRICT;

-- The persisted re-clustering job (one row): due when faces were added since the last pass.
CREATE TABLE face_recluster (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  faces_since INTEGER NOT NULL DEFAULT 0,
  requested_at INTEGER,
  started_at INTEGER,
  finished_at INTEGER,
  last_ms REAL,
  last_error TEXT
) STRICT;
INSERT INTO face_recluster (id) VALUES (1);
`,
  apply: widenTypeChecks,
};
