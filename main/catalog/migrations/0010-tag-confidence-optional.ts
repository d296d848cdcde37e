// Migration 10: a tag may have no confidence. Volcengine's human detection answers yes or no
// (DESIGN.md §3); writing 100 for "yes" would rank its guess above every scored tag and let
// `conf>80` match it. So `photo_tags.confidence` becomes nullable: NULL means "the engine
// detected this, with no score" ([Note: Tags without a confidence] in main/engines/tag-model.ts).
//
// SQLite cannot drop a NOT NULL constraint in place, so the table is rebuilt. Done naively
// (CREATE new, copy, DROP old, RENAME) it would lose data here: with foreign keys on (they
// cannot be turned off inside the migration transaction) dropping `photo_tags` cascades into
// `tag_boxes`, and RENAME re-parses the triggers on other tables that name `photo_tags`. So:
// both tables' rows are copied aside, both tables are dropped (children first: no cascade;
// DROP fires no triggers), recreated under their own names from their own `CREATE` text (only
// the confidence column's constraint changes), refilled, and every trigger and index they had
// is created again from `sqlite_schema`, whichever migration added it.
//
// Then the 100s that earlier versions invented for Volcengine's "yes" become NULL: that
// engine never gave a score, so every confidence it has in the catalog is made up.
import type Database from 'better-sqlite3';
import type { Migration } from './migration.ts';

const oldConfidence = 'confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 100)';
const newConfidence =
  'confidence REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 100))';

function schemaSql(db: Database.Database, type: string, tables: readonly string[]): string[] {
  return db
    .prepare<[string, string, string], { sql: string }>(
      `SELECT sql FROM sqlite_schema WHERE type = ? AND tbl_name IN (?, ?) AND sql IS NOT NULL
       ORDER BY rowid`,
    )
    .all(type, tables[0] ?? '', tables[1] ?? '')
    .map((r) => r.sql);
}

function rebuildPhotoTags(db: Database.Database): void {
  const tables = ['photo_tags', 'tag_boxes'] as const;
  const [photoTagsSql] = db
    .prepare<[], { sql: string }>(
      `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'photo_tags'`,
    )
    .all()
    .map((r) => r.sql);
  const [tagBoxesSql] = db
    .prepare<[], { sql: string }>(
      `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'tag_boxes'`,
    )
    .all()
    .map((r) => r.sql);
  if (photoTagsSql?.includes(oldConfidence) !== true || tagBoxesSql === undefined) {
    throw new Error('migration 10: photo_tags is not as migration 1 created it');
  }
  const indexes = schemaSql(db, 'index', tables);
  const triggers = schemaSql(db, 'trigger', tables);
  db.exec(`
CREATE TEMP TABLE photo_tags_copy AS SELECT * FROM photo_tags;
CREATE TEMP TABLE tag_boxes_copy AS SELECT * FROM tag_boxes;
DROP TABLE tag_boxes;
DROP TABLE photo_tags;
${photoTagsSql.replace(oldConfidence, newConfidence)};
${tagBoxesSql};
INSERT INTO photo_tags SELECT * FROM temp.photo_tags_copy;
INSERT INTO tag_boxes SELECT * FROM temp.tag_boxes_copy;
DROP TABLE temp.photo_tags_copy;
DROP TABLE temp.tag_boxes_copy;
`);
  for (const sql of [...indexes, ...triggers]) db.exec(sql);
  db.exec(`UPDATE photo_tags SET confidence = NULL WHERE engine = 'volcengine'`);
}

export const migration0010TagConfidenceOptional: Migration = {
  version: 10,
  name: 'tag-confidence-optional',
  up: '',
  apply: rebuildPhotoTags,
};
