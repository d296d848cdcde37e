import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../../main/catalog/catalog-connection.ts';
import { aliyunCallbackMount } from '../../../main/cli/commands/host-commands.ts';
import { aliyunCallbackChecksum } from '../../../main/engines/aliyun/aliyun-callback.ts';
import { catalogSettingsBackend } from '../../../main/catalog/settings.ts';
import { envSecretStore, type SecretStore } from '../../../main/engines/engine-settings.ts';
import {
  claimNextJob,
  enqueueTag,
  recordRemoteTask,
  rescheduleJob,
} from '../../../main/catalog/job-queue.ts';

let dir: string;
let db: Catalog;
let secrets: SecretStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-serve-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  db.prepare("INSERT INTO contents (id, hash, size, created_at) VALUES (1, 'h', 1, 0)").run();
  secrets = envSecretStore({
    TUJIAN_ALIYUN_ACCESS_KEY_SECRET: 'secret',
    TUJIAN_ALIYUN_CALLBACK_SEED: 'seed-1',
    TUJIAN_ALIYUN_HOSTING_SECRET_ACCESS_KEY: 'hosting-secret',
  });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function configureAliyun(withCallback: boolean): void {
  catalogSettingsBackend(db).write('engine.aliyun.config', {
    accessKeyId: 'LTAIabcdefgh1234',
    ...(withCallback
      ? { callback: { url: 'https://photos.example.com/callbacks/aliyun', uid: '1234567890' } }
      : {}),
    hosting: {
      endpoint: 'https://oss-cn-shanghai.aliyuncs.com',
      bucket: 'tmp',
      region: 'cn-shanghai',
      accessKeyId: 'hostkey',
    },
  });
}

function form(content: string, checksum: string): string {
  return new URLSearchParams({ checksum, content }).toString();
}

describe(aliyunCallbackMount.name, () => {
  it('is off unless the Aliyun settings ask for callbacks', async () => {
    expect(await aliyunCallbackMount(db, secrets, () => db)).toBeUndefined();
    configureAliyun(false);
    expect(await aliyunCallbackMount(db, secrets, () => db)).toBeUndefined();
  });

  it('wakes the waiting job of a verified callback and rejects forgeries', async () => {
    configureAliyun(true);
    const mount = await aliyunCallbackMount(db, secrets, () => db);
    if (!mount) throw new Error('expected a callback mount');
    enqueueTag(db, 1, 'aliyun', 0);
    const job = claimNextJob(db, { kind: 'tag', now: 0 });
    if (!job) throw new Error('no job');
    recordRemoteTask(db, job, 'task-7', { resubmits: 0 });
    rescheduleJob(db, job, 1_000_000);

    const content = JSON.stringify({
      code: 200,
      msg: 'OK',
      dataId: 'd',
      taskId: 'task-7',
      results: [],
    });
    const forged = await mount.handle(
      form(content, aliyunCallbackChecksum('1234567890', 'other-seed', content)),
    );
    expect(forged.status).toBe(403);
    const short = await mount.handle(form(content, 'abcd'));
    expect(short.status).toBe(400); // not a SHA-256 hex: malformed, not merely wrong
    expect(claimNextJob(db, { kind: 'tag', now: 10 })).toBeUndefined();

    const genuine = await mount.handle(
      form(content, aliyunCallbackChecksum('1234567890', 'seed-1', content)),
    );
    expect(genuine.status).toBe(200);
    expect(claimNextJob(db, { kind: 'tag', now: Date.now() + 1 })).toMatchObject({
      remoteTaskId: 'task-7',
    });
  });
});
