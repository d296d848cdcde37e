// The settings cards' backend for the Tencent and Baidu engines (the same port the UI's
// "Test connection" calls): credentials saved through the card become the engine's settings
// (secrets in the credential store, not the catalog), and the test reaches the engine's
// emulator over HTTP — accepted with the right key, refused with the vendor's code otherwise,
// nothing billed either way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCatalogEngineSettings,
  createMemoryCredentialStore,
} from '../../main/app/catalog-engine-settings.ts';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import { tencentActions, tencentLabelScenes } from '../../main/engines/tencent/tencent-settings.ts';
import {
  startBaiduEmulator,
  type BaiduEmulator,
} from '../../main/emulators/baidu/baidu-emulator.ts';
import {
  startTencentEmulator,
  type TencentEmulator,
} from '../../main/emulators/tencent/tencent-emulator.ts';

let tencent: TencentEmulator;
let baidu: BaiduEmulator;
let dir: string;
let db: Catalog;

beforeAll(async () => {
  tencent = await startTencentEmulator({ tagger: 'pixels' });
  baidu = await startBaiduEmulator({ tagger: 'pixels' });
  dir = mkdtempSync(join(tmpdir(), 'tujian-successor-settings-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
});
afterAll(async () => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
  await tencent.close();
  await baidu.close();
});

describe(createCatalogEngineSettings.name, () => {
  it('lists a Tencent and a Baidu card with their credential fields (and Tencent its options)', async () => {
    const port = createCatalogEngineSettings(db, createMemoryCredentialStore());
    const views = await port.list();
    expect(views.find((v) => v.engine === 'tencent')).toMatchObject({
      cloud: true,
      region: 'ap-guangzhou',
      credentials: [
        { key: 'secretId', secret: false, isSet: false, option: false },
        { key: 'secretKey', secret: true, isSet: false, option: false },
        { key: 'action', secret: false, option: true, choices: [...tencentActions] },
        { key: 'labelScene', secret: false, option: true, choices: [...tencentLabelScenes] },
      ],
    });
    expect(views.find((v) => v.engine === 'baidu')).toMatchObject({
      cloud: true,
      credentials: [
        { key: 'apiKey', secret: false },
        { key: 'secretKey', secret: true },
      ],
    });
  });

  it('Tencent: Test connection passes with the right key and names AuthFailure with a wrong one', async () => {
    const credentials = createMemoryCredentialStore();
    const port = createCatalogEngineSettings(db, credentials);
    const view = await port.update({
      engine: 'tencent',
      enabled: true,
      endpoint: tencent.baseUrl,
      region: tencent.credentials.region,
      credentials: {
        secretId: tencent.credentials.secretId,
        secretKey: tencent.credentials.secretKey,
      },
    });
    expect(view.problem).toBeNull();
    expect(await credentials.get('tencent.secretKey')).toBe(tencent.credentials.secretKey);
    expect(JSON.stringify(db.prepare(`SELECT * FROM settings`).all())).not.toContain(
      tencent.credentials.secretKey,
    );
    expect(await port.test('tencent')).toMatchObject({ ok: true });
    await port.update({ engine: 'tencent', credentials: { secretKey: 'wrong-secret-key-0' } });
    const bad = await port.test('tencent');
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('AuthFailure.SignatureFailure');
    expect(tencent.calls().every((c) => !c.paid)).toBe(true);
  });

  it('Baidu: Test connection passes with the right key and names invalid_client with a wrong one', async () => {
    const port = createCatalogEngineSettings(db, createMemoryCredentialStore());
    const view = await port.update({
      engine: 'baidu',
      enabled: true,
      endpoint: baidu.baseUrl,
      credentials: { apiKey: baidu.credentials.apiKey, secretKey: baidu.credentials.secretKey },
    });
    expect(view.problem).toBeNull();
    expect(await port.test('baidu')).toMatchObject({ ok: true });
    await port.update({ engine: 'baidu', credentials: { secretKey: 'wrong' } });
    const bad = await port.test('baidu');
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('invalid_client');
    expect(baidu.calls().every((c) => c.route === 'token')).toBe(true);
  });
});
