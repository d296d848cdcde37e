// `tujian engines migrate huawei --to <engine> [query]`, `tujian engines` and `tujian status`
// through the real CLI entry on a real catalog: the retiring engine's notice is shown, the
// estimate changes nothing, --yes queues exactly the photos whose scene/concept tags came from
// Huawei alone (in folders where the target is enabled), and the Huawei tags stay.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { estimateEngineMigration } from '../../../main/app/engine-migration.ts';
import { openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { saveEngineAnswer } from '../../../main/catalog/photo-tags.ts';
import { enginesCommand } from '../../../main/cli/commands/engines-command.ts';
import { huaweiProfile } from '../../../main/engines/huawei/huawei-profile.ts';
import type { EngineAnswer, EngineId, TagType } from '../../../main/engines/tag-model.ts';
import { dataPaths } from '../../../main/util/data-dir.ts';
import { runCliCaptured } from '../cli-harness.ts';

let root: string;
let data: string;

const tag = (name: string, type: TagType) => ({
  name,
  i18n: { zh: `${name}-zh`, en: name },
  type,
  confidence: 80,
  instances: [],
});
const answer = (engine: EngineId, tags: EngineAnswer['tags']): EngineAnswer => ({
  engine,
  model: `${engine}-model`,
  tags,
});

/**
 * Folder 1 has huawei and aliyun enabled, folder 2 only huawei. Contents:
 * 1 huawei scene only (folder 1)            → queued
 * 2 huawei scene + aliyun scene (folder 1)  → covered by another cloud engine, left alone
 * 3 huawei scene only (folder 2)            → aliyun not enabled there: reported, not queued
 * 4 huawei object only (folder 1)           → no scene/concept tags from Huawei, left alone
 * 5 huawei scene + local concept (folder 1) → the local engine does not replace it: queued
 * 6 huawei scene, aliyun answered (folder 1) → never paid twice: not queued
 */
function seed(): void {
  const db = openCatalog(dataPaths(data).catalog);
  try {
    db.exec(`INSERT INTO folders (id, path, engines, added_at) VALUES
               (1, '/lib/one', '["local","huawei","aliyun"]', 0), (2, '/lib/two', '["huawei"]', 0);`);
    for (let id = 1; id <= 6; id++) {
      db.prepare(`INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, 1, 0)`).run(
        id,
        `h${String(id)}`,
      );
      db.prepare(
        `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, ?, 1, 0, ?, 'ok')`,
      ).run(id === 3 ? 2 : 1, `p${String(id)}.jpg`, id);
    }
    saveEngineAnswer(db, 1, answer('huawei', [tag('beach', 'scene')]), 'hk');
    saveEngineAnswer(db, 2, answer('huawei', [tag('beach', 'scene')]), 'hk');
    saveEngineAnswer(db, 2, answer('aliyun', [tag('seaside', 'scene')]), 'ak');
    saveEngineAnswer(db, 3, answer('huawei', [tag('forest', 'scene')]), 'hk');
    saveEngineAnswer(db, 4, answer('huawei', [tag('cup', 'object')]), 'hk');
    saveEngineAnswer(db, 5, answer('huawei', [tag('forest', 'scene')]), 'hk');
    saveEngineAnswer(db, 5, answer('local', [tag('screenshot', 'concept')]), 'lk');
    saveEngineAnswer(db, 6, answer('huawei', [tag('beach', 'scene')]), 'hk');
    saveEngineAnswer(db, 6, answer('aliyun', [tag('cup', 'object')]), 'ak');
  } finally {
    db.close();
  }
}

function openJobs(): { content_id: number; engine: string }[] {
  const db = openCatalog(dataPaths(data).catalog);
  try {
    return db
      .prepare(`SELECT content_id, engine FROM jobs WHERE kind = 'tag' ORDER BY content_id`)
      .all() as { content_id: number; engine: string }[];
  } finally {
    db.close();
  }
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-migrate-cli-'));
  data = join(root, 'data');
  mkdirSync(data, { recursive: true });
  seed();
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliCaptured(args, data);

describe(enginesCommand.name, () => {
  it('lists Huawei with its announced end of service, and status repeats it', async () => {
    const list = await cli('engines');
    expect(list.code).toBe(0);
    const huaweiLine = list.out.split('\n').find((l) => l.includes('notice: huawei'));
    expect(huaweiLine).toContain(huaweiProfile.retirement.endOfService);
    expect(list.out).not.toContain('notice: aliyun');

    const status = await cli('status', '--json');
    const report = JSON.parse(status.out) as { engineNotices: { engine: string }[] };
    expect(report.engineNotices.map((n) => n.engine)).toEqual(['huawei']);
    expect((await cli('status')).out).toContain(
      `Notice: huawei: no longer sold since ${huaweiProfile.retirement.endOfSale}`,
    );
  });

  it('estimates without queueing, then queues only the Huawei-only photos with --yes', async () => {
    const dry = await cli('engines', 'migrate', 'huawei', '--to', 'aliyun', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({
      photos: 4,
      contents: 4,
      alreadyAnswered: 1,
      notEnabled: 1,
      foldersToEnable: ['/lib/two'],
      calls: 2,
      queued: null,
    });
    expect(openJobs()).toEqual([]);

    const run = await cli('engines', 'migrate', 'huawei', '--to', 'aliyun', '--yes');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Queued 2 photo(s) for aliyun');
    expect(openJobs()).toEqual([
      { content_id: 1, engine: 'aliyun' },
      { content_id: 5, engine: 'aliyun' },
    ]);
    // The Huawei tags are kept (and so stay searchable).
    const db = openCatalog(dataPaths(data).catalog);
    try {
      const kept = db
        .prepare(`SELECT COUNT(*) AS n FROM photo_tags WHERE engine = 'huawei'`)
        .get() as { n: number };
      expect(kept.n).toBe(6);
      // A second run finds them queued already and queues nothing more.
      expect(estimateEngineMigration(db, { from: 'huawei', to: 'aliyun' })).toMatchObject({
        alreadyQueued: 2,
        calls: 0,
      });
    } finally {
      db.close();
    }
  });

  it('narrows the photos by a search query', async () => {
    const run = await cli('engines', 'migrate', 'huawei', '--to', 'aliyun', 'forest', '--json');
    expect(JSON.parse(run.out)).toMatchObject({ query: 'forest', photos: 2, calls: 1 });
    // A query word that excludes (`-word`) is part of the query, not an unknown option.
    const excluding = await cli(
      'engines',
      'migrate',
      'huawei',
      '--to',
      'aliyun',
      'beach',
      '-forest',
      '--json',
    );
    expect(excluding.code).toBe(0);
    expect(JSON.parse(excluding.out)).toMatchObject({
      query: 'beach -forest',
      photos: 2,
      calls: 1,
    });
  });

  it('refuses to migrate an engine to itself', async () => {
    const run = await cli('engines', 'migrate', 'huawei', '--to', 'huawei');
    expect(run.code).not.toBe(0);
  });
});
