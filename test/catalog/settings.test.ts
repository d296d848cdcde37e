import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import {
  catalogSettingsBackend,
  deleteSetting,
  readSettingJson,
  readSettingText,
  readSettingTextsWithPrefix,
  writeOrDeleteSetting,
  writeSettingJson,
} from '../../main/catalog/settings.ts';

let root: string;
let db: Catalog;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tujian-settings-'));
  db = openCatalog(join(root, 'catalog.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

describe(writeSettingJson.name, () => {
  it('stores JSON text and replaces an earlier value', () => {
    writeSettingJson(db, 'library.previews', { size: 1024 });
    writeSettingJson(db, 'library.previews', { size: 2048 });
    expect(readSettingText(db, 'library.previews')).toBe('{"size":2048}');
    expect(db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 1 });
  });
});

describe(readSettingJson.name, () => {
  it('parses the stored JSON; an absent key or a damaged text reads as undefined', () => {
    writeSettingJson(db, 'ui.language', 'zh');
    db.prepare(`INSERT INTO settings (key, value) VALUES ('broken', '{not json')`).run();
    expect(readSettingJson(db, 'ui.language')).toBe('zh');
    expect(readSettingJson(db, 'broken')).toBeUndefined();
    expect(readSettingJson(db, 'absent')).toBeUndefined();
    expect(readSettingText(db, 'broken')).toBe('{not json');
  });
});

describe(readSettingTextsWithPrefix.name, () => {
  it('returns exactly the keys that start with the prefix', () => {
    for (const key of ['jobs.paused.all', 'jobs.budget.huawei', 'jobs', 'jobs/x', 'jobsx', 'j']) {
      writeSettingJson(db, key, true);
    }
    const keys = readSettingTextsWithPrefix(db, 'jobs.').map((r) => r.key);
    expect(keys.sort()).toEqual(['jobs.budget.huawei', 'jobs.paused.all']);
  });

  it('refuses an empty prefix (it would be every row)', () => {
    expect(() => readSettingTextsWithPrefix(db, '')).toThrow(/empty/);
  });
});

describe(deleteSetting.name, () => {
  it('removes a key and says whether it was there', () => {
    writeSettingJson(db, 'jobs.paused.all', true);
    expect(deleteSetting(db, 'jobs.paused.all')).toBe(true);
    expect(deleteSetting(db, 'jobs.paused.all')).toBe(false);
    expect(readSettingText(db, 'jobs.paused.all')).toBeUndefined();
  });
});

describe(writeOrDeleteSetting.name, () => {
  it('writes a value and removes the row for undefined', () => {
    writeOrDeleteSetting(db, 'ui.language', 'en');
    expect(readSettingJson(db, 'ui.language')).toBe('en');
    writeOrDeleteSetting(db, 'ui.language', undefined);
    expect(readSettingText(db, 'ui.language')).toBeUndefined();
  });
});

describe(catalogSettingsBackend.name, () => {
  it('reads, writes and removes JSON values in the settings table', () => {
    const backend = catalogSettingsBackend(db);
    backend.write('engine.huawei.config', { region: 'cn-north-4' });
    expect(backend.read('engine.huawei.config')).toEqual({ region: 'cn-north-4' });
    backend.remove('engine.huawei.config');
    expect(backend.read('engine.huawei.config')).toBeUndefined();
  });
});
