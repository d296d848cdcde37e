// The shape of one schema migration. Each migration is an append-only numbered file
// (STYLE.md rule 6); `up` is plain SQL run inside the migration transaction.
import type Database from 'better-sqlite3';

export interface Migration {
  /** The `user_version` the database has after this migration. */
  readonly version: number;
  readonly name: string;
  readonly up: string;
  /**
   * Steps plain SQL cannot say, run after `up` in the same transaction: a table rebuild that
   * must keep whatever triggers and indexes the catalog has on that table (they are read
   * back from `sqlite_schema`, so a rebuild does not depend on which migrations added them).
   */
  readonly apply?: (db: Database.Database) => void;
}
