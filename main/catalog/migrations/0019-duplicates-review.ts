// Migration 19: the duplicates review at 100k photos (issue 16's loose ends). A change counter:
// every write that can change the near-duplicate groups bumps `duplicates_generation.n` in the same
// transaction, from any process: a perceptual hash saved or removed, a "Not duplicates", and
// the photo, content and folder columns a group shows or filters on. The web host and desktop
// app keep the groups they computed with the number they were read at and list them again only
// when it changed. See [Note: Duplicate groups off the main thread] in
// main/search/duplicate-groups-cache.ts.
//
// And each band's index over the whole-picture hashes alone (variant 0): a content's crop hashes
// are looked up only among whole hashes (similarCandidatesQuery in perceptual-hashes.ts), and
// with the one-edge crops of recipe 2 (seven hashes a content) the full band indexes made a
// similar search fetch five times the rows it needs.
//
// Its own counter, not `search_generation` (migration 5): that one moves with every tag the
// tagging jobs write, and would make the groups stale all the while a library is tagged.
import type { Migration } from './migration.ts';

/** Table, event: the writes that can change the groups (UPDATE only of the columns read). */
const watchedWrites: readonly [string, string][] = [
  ['perceptual_hashes', 'INSERT'],
  ['perceptual_hashes', 'UPDATE'],
  ['perceptual_hashes', 'DELETE'],
  ['duplicate_dismissals', 'INSERT'],
  ['duplicate_dismissals', 'UPDATE'],
  ['duplicate_dismissals', 'DELETE'],
  ['photos', 'INSERT'],
  ['photos', 'DELETE'],
  ['photos', 'UPDATE OF folder_id, rel_path, size, mtime_ms, content_id, status'],
  ['contents', 'DELETE'],
  ['contents', 'UPDATE OF hash, width, height, taken_at'],
  ['folders', 'DELETE'],
  ['folders', 'UPDATE OF path, status'],
];

const triggers = watchedWrites
  .map(
    ([table, event]) => `
CREATE TRIGGER ${table}_duplicates_generation_${(event.split(' ')[0] ?? '').toLowerCase()} AFTER ${event} ON ${table}
BEGIN
  UPDATE duplicates_generation SET n = n + 1 WHERE id = 1;
END;`,
  )
  .join('\n');

export const migration0019DuplicatesReview: Migration = {
  version: 19,
  name: 'duplicates-review',
  up: `
CREATE TABLE duplicates_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
) STRICT;
INSERT INTO duplicates_generation (id, n) VALUES (1, 0);
${triggers}
${[0, 1, 2, 3]
  .map(
    (band) =>
      `CREATE INDEX perceptual_hashes_whole_band${String(band)} ON perceptual_hashes(band${String(band)}) WHERE variant = 0;`,
  )
  .join('\n')}
`,
};
