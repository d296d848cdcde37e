// Migration 1: the catalog's base tables (DESIGN.md §5).
//
// [Note: Tags belong to content]
// A photo row is a place (folder + relative path); a content row is the bytes (sha256).
// Tags, boxes and engine results hang off the content, so the same bytes in two places
// are tagged once (a paid cloud call is never made twice for the same bytes), and a file
// that moves or is renamed keeps its tags without any copying. `photo_tags` keeps the name
// the design uses; its key is the content a photo shows.
import type { Migration } from './migration.ts';

export const migration0001Initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  volume_id TEXT,
  status TEXT NOT NULL DEFAULT 'online' CHECK (status IN ('online', 'offline')),
  engines TEXT NOT NULL DEFAULT '["local"]',
  added_at INTEGER NOT NULL,
  last_scan_at INTEGER
) STRICT;

CREATE TABLE contents (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  format TEXT,
  width INTEGER,
  height INTEGER,
  orientation INTEGER,
  taken_at INTEGER,
  camera TEXT,
  lat REAL,
  lon REAL,
  has_preview INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX contents_taken_at ON contents(taken_at);

CREATE TABLE photos (
  id INTEGER PRIMARY KEY,
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  rel_path TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms INTEGER NOT NULL,
  content_id INTEGER REFERENCES contents(id) ON DELETE SET NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'ok', 'broken', 'skipped', 'missing')),
  error TEXT,
  indexed_at INTEGER,
  UNIQUE (folder_id, rel_path)
) STRICT;
CREATE INDEX photos_content ON photos(content_id);
CREATE INDEX photos_status ON photos(status);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('object', 'scene', 'concept')),
  zh TEXT NOT NULL,
  en TEXT NOT NULL,
  UNIQUE (name, type)
) STRICT;

CREATE TABLE photo_tags (
  content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  engine TEXT NOT NULL,
  model TEXT NOT NULL,
  confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 100),
  state TEXT NOT NULL CHECK (state IN ('auto', 'user', 'rejected')),
  extra TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (content_id, tag_id, engine)
) STRICT, WITHOUT ROWID;
CREATE INDEX photo_tags_tag ON photo_tags(tag_id, content_id);

CREATE TABLE tag_boxes (
  id INTEGER PRIMARY KEY,
  content_id INTEGER NOT NULL,
  tag_id INTEGER NOT NULL,
  engine TEXT NOT NULL,
  x REAL NOT NULL CHECK (x >= 0 AND x <= 1),
  y REAL NOT NULL CHECK (y >= 0 AND y <= 1),
  w REAL NOT NULL CHECK (w >= 0 AND w <= 1),
  h REAL NOT NULL CHECK (h >= 0 AND h <= 1),
  confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 100),
  FOREIGN KEY (content_id, tag_id, engine)
    REFERENCES photo_tags(content_id, tag_id, engine) ON DELETE CASCADE
) STRICT;
CREATE INDEX tag_boxes_owner ON tag_boxes(content_id, tag_id, engine);

-- One row per (content, engine, settings) an engine has answered: the never-pay-twice record.
CREATE TABLE engine_results (
  content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  engine TEXT NOT NULL,
  model TEXT NOT NULL,
  settings_key TEXT NOT NULL,
  finished_at INTEGER NOT NULL,
  PRIMARY KEY (content_id, engine, settings_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('ingest', 'tag')),
  photo_id INTEGER REFERENCES photos(id) ON DELETE CASCADE,
  content_id INTEGER REFERENCES contents(id) ON DELETE CASCADE,
  engine TEXT,
  payload TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_run_at INTEGER NOT NULL,
  lease_until INTEGER,
  remote_task_id TEXT,
  last_error_code TEXT,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_runnable ON jobs(state, next_run_at);
CREATE UNIQUE INDEX jobs_one_open_ingest ON jobs(photo_id) WHERE kind = 'ingest';
CREATE UNIQUE INDEX jobs_one_open_tag ON jobs(content_id, engine) WHERE kind = 'tag';

CREATE TABLE albums (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  query TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Non-secret settings as JSON values (secrets never go here: see main/engines settings).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`,
};
