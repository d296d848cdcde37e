// `settings.migrateEngine` — the settings card's "Move photos to another engine" — through the
// API dispatch both hosts use, on a real catalog: the estimate changes nothing, queueing adds
// tag jobs for exactly the photos whose scene/concept tags came from Huawei alone in folders
// where the target is on, a second queue adds none, and a bad request is invalid-input.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchApiCall } from '../../main/app/api-dispatch.ts';
import { openAppContext, type AppContext } from '../../main/app/app-context.ts';
import { openCatalog } from '../../main/catalog/catalog-connection.ts';
import { countJobs } from '../../main/catalog/job-queue.ts';
import { saveEngineAnswer } from '../../main/catalog/photo-tags.ts';
import type { EngineAnswer, EngineId, TagType } from '../../main/engines/tag-model.ts';
import { dataPaths } from '../../main/util/data-dir.ts';
import type { ApiInput, ApiOutput, Channel } from '../../preload/api-contract.ts';

let data: string;
let context: AppContext;

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

async function call<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>> {
  const envelope = await dispatchApiCall(context.service.handlers, channel, input);
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}

beforeEach(async () => {
  data = mkdtempSync(join(tmpdir(), 'tujian-migrate-api-'));
  // Folder 1 has Tencent on, folder 2 does not. Contents 1 and 2 have Huawei scene tags only;
  // 3 is in folder 2; 4 has only a Huawei object tag; 5 was answered by Tencent already.
  const db = openCatalog(dataPaths(data).catalog);
  db.exec(`INSERT INTO folders (id, path, engines, added_at) VALUES
             (1, '/lib/one', '["local","huawei","tencent"]', 0), (2, '/lib/two', '["huawei"]', 0);`);
  for (let id = 1; id <= 5; id++) {
    db.prepare(`INSERT INTO contents (id, hash, size, created_at) VALUES (?, ?, 1, 0)`).run(
      id,
      `h${String(id)}`,
    );
    db.prepare(
      `INSERT INTO photos (folder_id, rel_path, size, mtime_ms, content_id, status) VALUES (?, ?, 1, 0, ?, 'ok')`,
    ).run(id === 3 ? 2 : 1, `p${String(id)}.jpg`, id);
  }
  saveEngineAnswer(db, 1, answer('huawei', [tag('beach', 'scene')]), 'hk');
  saveEngineAnswer(db, 2, answer('huawei', [tag('sunset', 'concept')]), 'hk');
  saveEngineAnswer(db, 3, answer('huawei', [tag('forest', 'scene')]), 'hk');
  saveEngineAnswer(db, 4, answer('huawei', [tag('dog', 'object')]), 'hk');
  saveEngineAnswer(db, 5, answer('huawei', [tag('beach', 'scene')]), 'hk');
  saveEngineAnswer(db, 5, answer('tencent', [tag('dog', 'object')]), 'tk');
  db.close();
  context = await openAppContext({ dataRoot: data, host: 'web' });
});
afterEach(async () => {
  await context.close();
  rmSync(data, { recursive: true, force: true });
});

describe("the 'settings.migrateEngine' channel", () => {
  it('estimates without changing anything, then queues the right photos once', async () => {
    const first = await call('settings.migrateEngine', { from: 'huawei', to: 'tencent' });
    expect(first.queued).toBe(0);
    expect(first.estimate).toMatchObject({
      from: 'huawei',
      to: 'tencent',
      contents: 4,
      alreadyAnswered: 1,
      notEnabled: 1,
      foldersToEnable: ['/lib/two'],
      calls: 2,
    });
    // The Tencent profile's default QPS (10/s) gives the minimum time.
    expect(first.estimate.minimumSeconds).toBe(1);
    expect(countJobs(context.db)).toEqual([]);

    const queued = await call('settings.migrateEngine', {
      from: 'huawei',
      to: 'tencent',
      queue: true,
    });
    expect(queued.queued).toBe(2);
    expect(countJobs(context.db)).toMatchObject([{ engine: 'tencent', queued: 2 }]);
    const again = await call('settings.migrateEngine', {
      from: 'huawei',
      to: 'tencent',
      queue: true,
    });
    expect(again).toMatchObject({ queued: 0, estimate: { alreadyQueued: 2, calls: 0 } });
  });

  it('narrows by a search query', async () => {
    const result = await call('settings.migrateEngine', {
      from: 'huawei',
      to: 'tencent',
      query: 'beach',
    });
    expect(result.estimate).toMatchObject({ query: 'beach', calls: 1 });
  });

  it('refuses a migration to the same engine and an unparsable query as invalid-input', async () => {
    const same = await dispatchApiCall(context.service.handlers, 'settings.migrateEngine', {
      from: 'huawei',
      to: 'huawei',
    });
    expect(same).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const badQuery = await dispatchApiCall(context.service.handlers, 'settings.migrateEngine', {
      from: 'huawei',
      to: 'tencent',
      query: 'conf>>',
    });
    expect(badQuery).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
