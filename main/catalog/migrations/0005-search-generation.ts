// Migration 5: a catalog-wide change counter for search (issue 6). Every write to the tables
// a search reads (photos, contents, folders, tags, photo_tags, tag_boxes) bumps
// `search_generation.n` in the same transaction, from any process. An in-memory search
// snapshot (main/search/search-snapshot.ts) remembers the number it was read at and is used
// only while the number is unchanged: one indexed read per search tells whether it is current.
// See [Note: Search snapshots].
import type { Migration } from './migration.ts';

const watchedTables = ['photos', 'contents', 'folders', 'tags', 'photo_tags', 'tag_boxes'];

const triggers = watchedTables
  .flatMap((table) =>
    ['INSERT', 'UPDATE', 'DELETE'].map(
      (event) => `
CREATE TRIGGER ${table}_search_generation_${event.toLowerCase()} AFTER ${event} ON ${table}
BEGIN
  UPDATE search_generation SET n = n + 1 WHERE id = 1;
END;`,
    ),
  )
  .join('\n');

export const migration0005SearchGeneration: Migration = {
  version: 5,
  name: 'search-generation',
  up: `
CREATE TABLE search_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
) STRICT;
INSERT INTO search_generation (id, n) VALUES (1, 0);
${triggers}
`,
};
