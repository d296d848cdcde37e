import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BackupError,
  automaticBackupHook,
  backupCatalog,
  integrityProblems,
  listAutomaticBackups,
  restoreCatalog,
} from '../../main/catalog/catalog-backup.ts';
import { latestSchemaVersion, openCatalog } from '../../main/catalog/catalog-connection.ts';
import { migration0001Initial } from '../../main/catalog/migrations/0001-initial.ts';
import { migrations } from '../../main/catalog/migrations/index.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tujian-backup-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Fills the catalog so the backup takes many steps. */
function fill(db: Database.Database, rows: number): void {
  const insert = db.prepare(`INSERT INTO tags (name, type, zh, en) VALUES (?, 'object', ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < rows; i++)
      insert.run(`tag-${String(i)}`, `标签${String(i)}`, 'x'.repeat(200));
  })();
}

/**
 * A writer in ANOTHER PROCESS (what the app is while `tujian backup` runs): inserts albums in
 * small transactions until told to stop, printing `ready` after its first commit.
 */
function startWriterProcess(catalog: string) {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare("INSERT INTO albums (name, query, created_at, updated_at) VALUES (?, 'dog', 0, 0)");
    let i = 0;
    let stop = false;
    process.stdin.on('data', () => { stop = true; });
    const tick = () => {
      if (stop) { db.close(); process.stdout.write('written ' + i + '\\n'); process.exit(0); }
      db.transaction(() => { for (let k = 0; k < 20; k++) insert.run('album-' + (i++)); })();
      if (i === 20) process.stdout.write('ready\\n');
      setTimeout(tick, 1);
    };
    tick();
  `;
  const child = spawn(process.execPath, ['-e', script, catalog], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  const ready = new Promise<void>((resolveReady, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolveReady();
    });
    child.on('exit', (code) => {
      if (!out.includes('ready')) reject(new Error(`writer exited early (${String(code)})`));
    });
  });
  const stop = () =>
    new Promise<number>((resolveStop) => {
      child.on('exit', () => {
        resolveStop(Number(/written (\d+)/.exec(out)?.[1] ?? -1));
      });
      child.stdin.write('stop\n');
    });
  return { ready, stop };
}

describe(backupCatalog.name, () => {
  it('makes a consistent single-file copy while another process keeps writing', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'catalog.sqlite');
    const db = openCatalog(catalog);
    fill(db, 8000);
    const writer = startWriterProcess(catalog);
    await writer.ready;
    // Few pages per step: the copy spans many event-loop turns while the writer commits.
    const result = await backupCatalog(db, join(dir, 'copies', 'backup.sqlite'), {
      pagesPerStep: 20,
    });
    const written = await writer.stop();
    db.close();

    expect(result.pages).toBeGreaterThan(100);
    expect(written).toBeGreaterThan(20);
    expect(existsSync(`${result.file}-wal`)).toBe(false);
    expect(readdirSync(join(dir, 'copies'))).toEqual(['backup.sqlite']);

    const copy = new Database(result.file, { readonly: true });
    expect(integrityProblems(copy)).toEqual([]);
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.pragma('user_version', { simple: true })).toBe(latestSchemaVersion());
    expect(copy.prepare('SELECT count(*) AS n FROM tags').get()).toEqual({ n: 8000 });
    // A snapshot: whole writer transactions only (20 rows each), no more than were written.
    const { n: albums } = copy.prepare('SELECT count(*) AS n FROM albums').get() as { n: number };
    expect(albums % 20).toBe(0);
    expect(albums).toBeGreaterThanOrEqual(20);
    expect(albums).toBeLessThanOrEqual(written);
    copy.close();
  });

  it('refuses to overwrite a file, or to copy the catalog onto itself', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'catalog.sqlite');
    const db = openCatalog(catalog);
    writeFileSync(join(dir, 'taken.sqlite'), 'keep me');
    await expect(backupCatalog(db, join(dir, 'taken.sqlite'))).rejects.toThrow(/already exists/);
    await expect(backupCatalog(db, catalog)).rejects.toThrow(BackupError);
    const again = await backupCatalog(db, join(dir, 'taken.sqlite'), { overwrite: true });
    expect(again.bytes).toBeGreaterThan(0);
    db.close();
  });
});

describe(automaticBackupHook.name, () => {
  it('copies the catalog before a migration and keeps only the newest few', () => {
    const dir = tempDir();
    const catalog = join(dir, 'catalog.sqlite');
    const backups = join(dir, 'backups');
    // A catalog at version 1 with data, as an older Tujian left it.
    const old = openCatalog(catalog, { migrations: [migration0001Initial] });
    fill(old, 10);
    old.close();

    const made: string[] = [];
    const hook = automaticBackupHook(backups, {
      keep: 2,
      onBackup: (b) => made.push(b.file),
    });
    const db = openCatalog(catalog, { beforeMigrate: hook });
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion(migrations));
    db.close();
    expect(made).toHaveLength(1);
    const copy = new Database(made[0] ?? '', { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(1);
    expect(copy.prepare('SELECT count(*) AS n FROM tags').get()).toEqual({ n: 10 });
    copy.close();

    // No migration pending: no backup.
    openCatalog(catalog, { beforeMigrate: hook }).close();
    expect(made).toHaveLength(1);

    // Three more migrations' worth of backups: only the newest two stay.
    for (let i = 0; i < 3; i++) {
      const db1 = openCatalog(join(dir, `c${String(i)}.sqlite`), {
        migrations: [migration0001Initial],
      });
      db1.close();
      const again = openCatalog(join(dir, `c${String(i)}.sqlite`), { beforeMigrate: hook });
      again.close();
    }
    expect(made).toHaveLength(4);
    expect(listAutomaticBackups(backups)).toHaveLength(2);
    expect(listAutomaticBackups(backups)[0]).toBe(made[3]);
  });

  it('stops the migration, leaving the catalog as it was, when the backup cannot be written', () => {
    const dir = tempDir();
    const catalog = join(dir, 'catalog.sqlite');
    openCatalog(catalog, { migrations: [migration0001Initial] }).close();
    writeFileSync(join(dir, 'not-a-folder'), '');
    const hook = automaticBackupHook(join(dir, 'not-a-folder', 'backups'));
    expect(() => openCatalog(catalog, { beforeMigrate: hook })).toThrow(/not changed/);
    const db = new Database(catalog, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });
});

describe(restoreCatalog.name, () => {
  it('puts a backup in place and keeps the replaced catalog', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'catalog.sqlite');
    const db = openCatalog(catalog);
    fill(db, 5);
    const backup = await backupCatalog(db, join(dir, 'good.sqlite'));
    db.prepare(`DELETE FROM tags`).run(); // the mistake the user wants to undo
    db.close();

    const result = restoreCatalog(backup.file, catalog, join(dir, 'backups'), {
      latestVersion: latestSchemaVersion(),
    });
    expect(result.previous).toMatch(/catalog-replaced-.*\.sqlite$/);
    const restored = openCatalog(catalog);
    expect(restored.prepare('SELECT count(*) AS n FROM tags').get()).toEqual({ n: 5 });
    restored.close();
    const replaced = new Database(result.previous ?? '', { readonly: true });
    expect(replaced.prepare('SELECT count(*) AS n FROM tags').get()).toEqual({ n: 0 });
    replaced.close();
  });

  it('refuses a damaged or newer backup, and a catalog another process has open', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'catalog.sqlite');
    const db = openCatalog(catalog);
    const backup = await backupCatalog(db, join(dir, 'b.sqlite'));
    db.close();
    const opts = { latestVersion: latestSchemaVersion() };
    writeFileSync(join(dir, 'junk.sqlite'), 'not a database at all');
    expect(() => restoreCatalog(join(dir, 'junk.sqlite'), catalog, join(dir, 'k'), opts)).toThrow(
      /not a Tujian catalog|damaged/,
    );
    expect(() =>
      restoreCatalog(backup.file, catalog, join(dir, 'k'), { latestVersion: 1 }),
    ).toThrow(/newer Tujian/);

    const writer = startWriterProcess(catalog);
    await writer.ready;
    expect(() => restoreCatalog(backup.file, catalog, join(dir, 'k'), opts)).toThrow(/in use/);
    await writer.stop();
    expect(existsSync(join(dir, 'k'))).toBe(false);
  });
});
