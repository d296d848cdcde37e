// The catalog's `settings` table: one row per key, the value a JSON text. Every module that
// keeps a setting in the catalog (job switches and budgets, preview and sidecar settings,
// followed folder links, engine settings, the UI language) reads and writes it through here;
// each caller keeps its own zod schema and decides what a damaged value means for it.
import type { Catalog, ReadableCatalog } from './catalog-connection.ts';
import type { SettingsBackend } from '../engines/engine-settings.ts';

/** The stored text of a setting (JSON as written), or undefined when the key is absent. */
export function readSettingText(db: ReadableCatalog, key: string): string | undefined {
  return db
    .prepare<[string], { value: string }>(`SELECT value FROM settings WHERE key = ?`)
    .get(key)?.value;
}

/** A setting parsed from JSON; undefined when absent or when the text is not JSON. */
export function readSettingJson(db: Catalog, key: string): unknown {
  const text = readSettingText(db, key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Every setting whose key starts with `prefix`, as stored (a range scan on the primary key). */
export function readSettingTextsWithPrefix(
  db: ReadableCatalog,
  prefix: string,
): { key: string; value: string }[] {
  if (prefix === '') throw new Error('A settings prefix cannot be empty.');
  // The keys from `prefix` up to (not including) the prefix with its last character raised by
  // one, e.g. 'jobs.' → 'jobs/': the same rows as LIKE 'jobs.%' but using the key's index and
  // without LIKE's wildcard and case rules.
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return db
    .prepare<[string, string], { key: string; value: string }>(
      `SELECT key, value FROM settings WHERE key >= ? AND key < ?`,
    )
    .all(prefix, end);
}

/** Store a setting as JSON text (inserted or replaced). */
export function writeSettingJson(db: Catalog, key: string, value: unknown): void {
  db.prepare<[string, string]>(
    `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(key, JSON.stringify(value));
}

/** Remove a setting; whether it was there. */
export function deleteSetting(db: Catalog, key: string): boolean {
  return db.prepare<[string]>(`DELETE FROM settings WHERE key = ?`).run(key).changes > 0;
}

/**
 * Write a setting, or remove it when the value is undefined (the "absent means default"
 * settings: a pause switch, the UI language, an engine's plain settings).
 */
export function writeOrDeleteSetting(db: Catalog, key: string, value: unknown): void {
  if (value === undefined) deleteSetting(db, key);
  else writeSettingJson(db, key, value);
}

/** The catalog's `settings` table as the engines' settings store (key → JSON text). */
export function catalogSettingsBackend(db: Catalog): SettingsBackend {
  return {
    read: (key) => readSettingJson(db, key),
    write: (key, value) => {
      writeSettingJson(db, key, value);
    },
    remove: (key) => {
      deleteSetting(db, key);
    },
  };
}
