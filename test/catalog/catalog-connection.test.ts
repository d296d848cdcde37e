import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CatalogTooNewError,
  latestSchemaVersion,
  openCatalog,
} from '../../main/catalog/catalog-connection.ts';
import { migrations } from '../../main/catalog/migrations/index.ts';

const dirs: string[] = [];
function tempCatalogPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-catalog-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe(openCatalog.name, () => {
  it('creates a WAL catalog with foreign keys at the latest schema version', () => {
    const db = openCatalog(tempCatalogPath());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion());
    db.close();
  });

  it('refuses a catalog from a newer version and leaves it untouched', () => {
    const file = tempCatalogPath();
    openCatalog(file).close();
    const future = latestSchemaVersion() + 5;
    const raw = openCatalog(file);
    raw.pragma(`user_version = ${String(future)}`);
    raw.close();
    expect(() => openCatalog(file)).toThrow(CatalogTooNewError);
    expect(() => openCatalog(file)).toThrow(/newer Tujian/);
    const again = openCatalog(file, {
      migrations: [...migrations, { version: future, name: 'x', up: '' }],
    });
    expect(again.pragma('user_version', { simple: true })).toBe(future);
    again.close();
  });

  it('rolls back every pending migration when one fails', () => {
    const file = tempCatalogPath();
    const broken = [
      ...migrations,
      {
        version: latestSchemaVersion() + 1,
        name: 'ok',
        up: 'CREATE TABLE extra_ok (id INTEGER) STRICT;',
      },
      { version: latestSchemaVersion() + 2, name: 'bad', up: 'CREATE TABLE broken (' },
    ];
    expect(() => openCatalog(file, { migrations: broken })).toThrow();
    const db = openCatalog(file, { migrations: [] });
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra_ok'").get(),
    ).toBeUndefined();
    db.close();
  });
});

describe('migration 0001', () => {
  it('makes STRICT tables that reject wrong types and enforce tag states', () => {
    const db = openCatalog(tempCatalogPath());
    const tables = db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .all() as { name: string; sql: string }[];
    // FTS5 tables (migrations 12 and 16) cannot be STRICT, nor can the shadow tables SQLite
    // makes for them (`<name>_data`, `_idx`, `_content`, `_docsize`, `_config`); every other
    // table is.
    const virtual = tables
      .filter((t) => t.sql.startsWith('CREATE VIRTUAL TABLE'))
      .map((t) => t.name);
    expect(virtual).toEqual(['photo_text_search', 'photo_text_grams']);
    const shadow = (name: string) => virtual.some((v) => name.startsWith(`${v}_`));
    for (const t of tables) {
      if (virtual.includes(t.name) || shadow(t.name)) continue;
      expect(t.sql, t.name).toMatch(/STRICT/);
    }
    db.prepare("INSERT INTO contents (hash, size, created_at) VALUES ('h', 1, 0)").run();
    db.prepare("INSERT INTO tags (name, type, zh, en) VALUES ('dog', 'object', '狗', 'Dog')").run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO photo_tags (content_id, tag_id, engine, model, confidence, state, created_at) VALUES (1, 1, 'local', 'm', 50, 'maybe', 0)",
        )
        .run(),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO contents (hash, size, created_at) VALUES ('h2', 'big', 0)").run(),
    ).toThrow();
    db.close();
  });
});
