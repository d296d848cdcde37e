// Exit codes that mean something, so scripts can tell a usage mistake from a failed run.
export const ExitCode = {
  ok: 0,
  /** The command could not do its job (I/O error, engine stopped, …). */
  failure: 1,
  /** Wrong arguments or unknown command. */
  usage: 2,
  /** The run finished but some photos are broken or some jobs failed (details printed). */
  partial: 3,
  /** The catalog was written by a newer Tujian and was left untouched. */
  catalogTooNew: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The data folder has no catalog and the command only reads or changes an existing one. */
export class NoCatalogError extends Error {
  constructor(readonly dataRoot: string) {
    super(
      `no Tujian catalog in ${dataRoot} (check --data or TUJIAN_DATA; "tujian add <folder>" starts one)`,
    );
    this.name = 'NoCatalogError';
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
