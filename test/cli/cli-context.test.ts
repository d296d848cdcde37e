// What a read-only CLI command (`status`, `tags`, `show`, `failures`) opens: a catalog
// connection SQLite itself opens read-only, after any migration an older catalog needs.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Catalog,
  latestSchemaVersion,
  openCatalog,
} from '../../main/catalog/catalog-connection.ts';
import { migrations } from '../../main/catalog/migrations/index.ts';
import { readSettingText, writeSettingJson } from '../../main/catalog/settings.ts';
import type { CliInvocation } from '../../main/cli/cli-command.ts';
import { openCliReadContext } from '../../main/cli/cli-context.ts';
import { NoCatalogError } from '../../main/cli/cli-errors.ts';
import { dataPaths } from '../../main/util/data-dir.ts';

let data: string;
beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), 'tujian-cli-context-'));
});
afterEach(() => {
  rmSync(data, { recursive: true, force: true });
});

function invocation(dataFolder: string): CliInvocation {
  const ignore = { write: () => true } as unknown as NodeJS.WriteStream;
  return {
    positionals: [],
    values: {},
    global: { data: dataFolder, json: false, verbose: false },
    io: { stdout: ignore, stderr: ignore, print: () => undefined, printJson: () => undefined },
  };
}

describe(openCliReadContext.name, () => {
  it('refuses a data folder without a catalog and creates none', () => {
    const missing = join(data, 'nothing-here');
    expect(() => openCliReadContext(invocation(missing))).toThrow(NoCatalogError);
    expect(existsSync(missing)).toBe(false);
  });

  it('reads through a connection SQLite refuses to write on', () => {
    const file = dataPaths(data).catalog;
    const writer = openCatalog(file);
    writeSettingJson(writer, 'probe', 'before');
    writer.close();
    const ctx = openCliReadContext(invocation(data));
    try {
      expect(readSettingText(ctx.db, 'probe')).toBe('"before"');
      // The type has no way to write; a caller that casts it anyway is stopped by SQLite.
      const forced = ctx.db as unknown as Catalog;
      expect(() => {
        writeSettingJson(forced, 'probe', 'after');
      }).toThrow(/readonly/i);
    } finally {
      ctx.close();
    }
    const check = openCatalog(file);
    expect(readSettingText(check, 'probe')).toBe('"before"');
    check.close();
  });

  it('migrates a catalog from an older Tujian first (with its backup), then reads it', () => {
    const paths = dataPaths(data);
    const older = openCatalog(paths.catalog, { migrations: migrations.slice(0, -1) });
    older.close();
    const ctx = openCliReadContext(invocation(data));
    try {
      const version = ctx.db.prepare<[], number>('PRAGMA user_version').pluck().get();
      expect(version).toBe(latestSchemaVersion());
    } finally {
      ctx.close();
    }
    expect(readdirSync(paths.backups).length).toBeGreaterThan(0);
  });
});
