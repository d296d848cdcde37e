// The job-steering commands through the real CLI entry on a real catalog in a temp data folder.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { addFolder } from '../../../main/catalog/folders.ts';
import { saveEngineAnswer } from '../../../main/catalog/photo-tags.ts';
import { jobsCommands } from '../../../main/cli/commands/jobs-commands.ts';
import { readJobControls, recordEngineStop } from '../../../main/jobs/job-controls.ts';
import { reservePaidCall } from '../../../main/jobs/engine-budget.ts';
import { dataPaths } from '../../../main/util/data-dir.ts';
import { runCliCaptured } from '../cli-harness.ts';

let root: string;
let data: string;
let photos: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-jobs-cli-'));
  data = join(root, 'data');
  photos = join(root, 'photos');
  mkdirSync(photos, { recursive: true });
  mkdirSync(data, { recursive: true });
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliCaptured(args, data);

function withCatalog<T>(fn: (db: ReturnType<typeof openCatalog>) => T): T {
  const db = openCatalog(dataPaths(data).catalog);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('jobsCommands', () => {
  it('are all registered with the CLI', async () => {
    const help = await cli('help');
    for (const command of jobsCommands) expect(help.out).toContain(`  ${command.name} `);
  });

  it('pause and resume persist in the catalog, per engine and for all work', async () => {
    expect((await cli('pause', '--engine', 'huawei')).code).toBe(0);
    expect((await cli('pause')).out).toContain('All work paused');
    withCatalog((db) => {
      const c = readJobControls(db);
      expect(c.pausedAll).toBe(true);
      expect([...c.pausedEngines]).toEqual(['huawei']);
    });
    const status = await cli('status');
    expect(status.out).toContain('All work is PAUSED');
    expect(status.out).toContain('Engine huawei paused');
    const resumed = await cli('resume');
    expect(resumed.out).toContain('still paused on their own: huawei');
    await cli('resume', '--engine', 'huawei');
    withCatalog((db) => {
      expect(readJobControls(db)).toMatchObject({ pausedAll: false, pausedEngines: new Set() });
    });
    expect((await cli('pause', '--engine', 'nosuch')).code).toBe(2);
  });

  it('budget sets, shows and clears caps, and status shows the calls made', async () => {
    await cli('budget', '--engine', 'aliyun', '--per-day', '100');
    const shown = await cli('budget', '--engine', 'aliyun', '--per-month', '2000', '--json');
    expect(JSON.parse(shown.out)).toEqual({
      engine: 'aliyun',
      perDay: 100,
      perMonth: 2000,
      callsToday: 0,
      callsThisMonth: 0,
    });
    withCatalog((db) => reservePaidCall(db, 'aliyun', {}));
    expect((await cli('status')).out).toContain(
      'Engine aliyun paid calls: 1 today, 1 this month (budget: 1/100 today, 1/2000 this month)',
    );
    await cli('budget', '--engine', 'aliyun', '--clear');
    expect(JSON.parse((await cli('budget', '--engine', 'aliyun', '--json')).out)).toMatchObject({
      perDay: null,
      perMonth: null,
    });
    expect((await cli('budget', '--engine', 'aliyun', '--per-day', '-3')).code).toBe(2);
  });

  it('status shows a stopped engine and retry --engine restarts it', async () => {
    withCatalog((db) => {
      recordEngineStop(db, 'huawei', { reason: 'APIG.0301: bad signature', code: 'APIG.0301' });
    });
    expect((await cli('status')).out).toContain('Engine huawei STOPPED: APIG.0301: bad signature');
    const retried = await cli('retry', '--engine', 'huawei');
    expect(retried.out).toContain('Engine huawei is no longer stopped.');
    withCatalog((db) => {
      expect(readJobControls(db).stopped.size).toBe(0);
    });
  });

  it('estimate counts distinct untagged contents, duplicates once, pending photos as a bound', async () => {
    withCatalog((db) => {
      const folder = addFolder(db, photos, { engines: ['local', 'huawei'] });
      const hashes = ['a', 'b', 'c', 'a', 'b'];
      hashes.forEach((hash, i) => {
        db.prepare(
          `INSERT INTO contents (hash, size, created_at) VALUES (?, 1, 0) ON CONFLICT (hash) DO NOTHING`,
        ).run(hash);
        const content = db.prepare(`SELECT id FROM contents WHERE hash = ?`).get(hash) as {
          id: number;
        };
        db.prepare(
          `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, ?, 1, 0, ?, 'ok')`,
        ).run(folder.id, `p${String(i)}.jpg`, content.id);
      });
      db.prepare(
        `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, status) VALUES (?, 'new.jpg', 1, 0, 'pending')`,
      ).run(folder.id);
      const a = db.prepare(`SELECT id FROM contents WHERE hash = 'a'`).get() as { id: number };
      saveEngineAnswer(db, a.id, { engine: 'huawei', model: 'v2', tags: [] }, 'huawei:v2');
    });
    const json = JSON.parse(
      (await cli('estimate', '--engine', 'huawei', photos, '--json')).out,
    ) as {
      calls: number;
    };
    expect(json).toMatchObject({
      photos: 5,
      distinctContents: 3,
      alreadyTagged: 1,
      calls: 2,
      notYetIngested: 1,
      upperBound: 3,
      settingsKey: 'huawei:v2',
      enabledOnFolder: true,
    });
    // Results made with other settings do not count as done.
    const other = JSON.parse(
      (await cli('estimate', '--engine', 'huawei', '--settings-key', 'huawei:v3', '--json')).out,
    ) as { calls: number };
    expect(other.calls).toBe(3);
    const text = await cli('estimate', '--engine', 'volcengine', photos);
    expect(text.out).toContain('volcengine: 3 paid call(s) for 5 ingested photo(s)');
    expect(text.out).toContain('not enabled on that folder');
    expect((await cli('estimate', '--engine', 'huawei', join(root, 'elsewhere'))).code).toBe(1);
    expect((await cli('estimate')).code).toBe(2);
  });
});
