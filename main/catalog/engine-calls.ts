// The `engine_calls` table: paid calls per engine and UTC day, counted as each call is made,
// so a budget (main/jobs/engine-budget.ts) holds across restarts and processes.
import type { Catalog, ReadableCatalog } from './catalog-connection.ts';

/** Calls on `day` and in the days from `firstDay` to `lastDay` (ISO dates, inclusive). */
export function sumEngineCalls(
  db: ReadableCatalog,
  engine: string,
  day: string,
  firstDay: string,
  lastDay: string,
): { today: number; month: number } {
  const row = db
    .prepare<[string, string, string, string], { today: number | null; month: number | null }>(
      `SELECT SUM(CASE WHEN day = ? THEN calls ELSE 0 END) AS today, SUM(calls) AS month
       FROM engine_calls WHERE engine = ? AND day >= ? AND day <= ?`,
    )
    .get(day, engine, firstDay, lastDay);
  return { today: row?.today ?? 0, month: row?.month ?? 0 };
}

/** Count one call of the engine on `day`. */
export function recordEngineCall(db: Catalog, engine: string, day: string): void {
  db.prepare<[string, string]>(
    `INSERT INTO engine_calls (engine, day, calls) VALUES (?, ?, 1)
     ON CONFLICT (engine, day) DO UPDATE SET calls = calls + 1`,
  ).run(engine, day);
}
