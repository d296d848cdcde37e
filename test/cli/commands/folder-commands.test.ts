// `tujian remove` through the real CLI entry on a real catalog in a temp data folder.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { removeCommand } from '../../../main/cli/commands/folder-commands.ts';
import { dataPaths } from '../../../main/util/data-dir.ts';
import { runCliCaptured } from '../cli-harness.ts';

let root: string;
let data: string;
let photos: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-remove-cli-'));
  data = join(root, 'data');
  photos = join(root, 'photos');
  mkdirSync(photos, { recursive: true });
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliCaptured(args, data);

describe(removeCommand.name, () => {
  it('asks for --yes, then forgets the folder and its photos but keeps their tags', async () => {
    expect((await cli('add', photos)).code).toBe(0);
    const db = openCatalog(dataPaths(data).catalog);
    db.prepare(`INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h', 1, 0)`).run();
    db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (1, 'a.jpg', 1, 0, 1, 'ok')`,
    ).run();
    db.close();

    const unconfirmed = await cli('remove', photos);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toMatch(/forgets its 1 photos.*--yes/);

    const confirmed = await cli('remove', photos, '--yes');
    expect(confirmed.code).toBe(0);
    expect(confirmed.out).toMatch(/Removed .*photos \(1 photos\)/);
    const after = openCatalog(dataPaths(data).catalog);
    try {
      expect(after.prepare(`SELECT count(*) FROM folders`).pluck().get()).toBe(0);
      expect(after.prepare(`SELECT count(*) FROM contents`).pluck().get()).toBe(1);
    } finally {
      after.close();
    }
    expect((await cli('remove', photos, '--yes')).code).toBe(2);
  });
});
