// The persisted switches on a real catalog file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../main/catalog/catalog-connection.ts';
import {
  clearEngineStop,
  isEnginePaused,
  readJobControls,
  recordEngineStop,
  setJobsPaused,
  settingsFingerprint,
} from '../../main/jobs/job-controls.ts';

let dir: string;
let file: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tujian-controls-'));
  file = join(dir, 'catalog.sqlite');
  db = openCatalog(file);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(readJobControls.name, () => {
  it('reads pauses and stops back after the catalog is reopened', () => {
    setJobsPaused(db, 'aliyun', true);
    recordEngineStop(db, 'huawei', { reason: 'APIG.0301: bad key', code: 'APIG.0301' }, 42);
    db.close();
    db = openCatalog(file);
    const controls = readJobControls(db);
    expect(controls.pausedAll).toBe(false);
    expect(isEnginePaused(controls, 'aliyun')).toBe(true);
    expect(isEnginePaused(controls, 'huawei')).toBe(false);
    expect(controls.stopped.get('huawei')).toEqual({
      reason: 'APIG.0301: bad key',
      code: 'APIG.0301',
      at: 42,
      fingerprint: null,
    });
  });

  it('pausing all pauses every engine; resuming removes the row', () => {
    setJobsPaused(db, null, true);
    expect(isEnginePaused(readJobControls(db), 'local')).toBe(true);
    setJobsPaused(db, null, false);
    expect(readJobControls(db).pausedAll).toBe(false);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM settings`).get()).toEqual({ n: 0 });
  });

  it('ignores unknown engines and unreadable rows instead of failing', () => {
    db.prepare(`INSERT INTO settings (key, value) VALUES ('jobs.paused.nosuch', 'true')`).run();
    db.prepare(`INSERT INTO settings (key, value) VALUES ('jobs.stopped.huawei', '{bad')`).run();
    expect(readJobControls(db)).toEqual({
      pausedAll: false,
      pausedEngines: new Set(),
      stopped: new Map(),
    });
  });

  it('clearEngineStop says whether there was a stop', () => {
    recordEngineStop(db, 'volcengine', { reason: 'x', code: '100010', fingerprint: 'f' });
    expect(clearEngineStop(db, 'volcengine')).toBe(true);
    expect(clearEngineStop(db, 'volcengine')).toBe(false);
    expect(readJobControls(db).stopped.size).toBe(0);
  });
});

describe(settingsFingerprint.name, () => {
  it('ignores key order and undefined values, and changes with any value', () => {
    const a = settingsFingerprint({ ak: 'AK1', sk: 'secret', region: 'cn-north-4', x: undefined });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(settingsFingerprint({ region: 'cn-north-4', sk: 'secret', ak: 'AK1' })).toBe(a);
    expect(settingsFingerprint({ region: 'cn-north-4', sk: 'secret2', ak: 'AK1' })).not.toBe(a);
    expect(a).not.toContain('secret');
  });
});
