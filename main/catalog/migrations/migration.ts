// The shape of one schema migration. Each migration is an append-only numbered file
// (STYLE.md rule 6); `up` is plain SQL run inside the migration transaction.
export interface Migration {
  /** The `user_version` the database has after this migration. */
  readonly version: number;
  readonly name: string;
  readonly up: string;
}
