import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../main/catalog/catalog-connection.ts';
import { catalogSettingsBackend } from '../../main/catalog/settings.ts';
import {
  chainSecretStores,
  envSecretStore,
  fileSecretStore,
  isEngineEnabledForFolder,
  loadEngineSettings,
  redact,
  redactEngineError,
  redactSettings,
  saveEngineSettings,
  secretEnvName,
  splitSecrets,
  type SecretStore,
} from '../../main/engines/engine-settings.ts';
import { EngineError } from '../../main/engines/engine.ts';
import { signAliyunRequest } from '../../main/engines/aliyun/aliyun-signer.ts';
import { signVolcengineRequest } from '../../main/engines/volcengine/volcengine-signer.ts';

const hosting = {
  endpoint: 'https://tos-s3-cn-beijing.volces.com',
  bucket: 'photos-tmp',
  region: 'cn-beijing',
  accessKeyId: 'AKLThostingkey000001',
  secretAccessKey: 'HOSTING-SECRET-value-123',
};
const volc = {
  accessKeyId: 'AKLTvolcenginekey0001',
  secretAccessKey: 'VOLC-SECRET-value-456',
  hosting,
};

let dir: string;
let db: Catalog;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tujian-settings-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe(saveEngineSettings.name, () => {
  it('keeps secrets out of the catalog and gets them back from the secret store', async () => {
    const secretsFile = join(dir, 'secrets.json');
    const store = fileSecretStore(secretsFile);
    const backend = catalogSettingsBackend(db);
    const saved = await saveEngineSettings('volcengine', volc, backend, store);
    expect(saved.region).toBe('cn-north-1');
    expect(saved.minSide).toBe(320);

    const rows = db.prepare('SELECT key, value FROM settings').all() as {
      key: string;
      value: string;
    }[];
    expect(rows.map((r) => r.key)).toEqual(['engine.volcengine.config']);
    const stored = rows[0]?.value ?? '';
    expect(stored).toContain('AKLTvolcenginekey0001');
    expect(stored).not.toContain('VOLC-SECRET');
    expect(stored).not.toContain('HOSTING-SECRET');

    expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(secretsFile, 'utf8'))).toEqual({
      'volcengine.secretAccessKey': 'VOLC-SECRET-value-456',
      'volcengine.hosting.secretAccessKey': 'HOSTING-SECRET-value-123',
    });

    const loaded = await loadEngineSettings('volcengine', backend, store);
    expect(loaded).toEqual({ ok: true, settings: saved });
  });

  it('writes nothing when the settings are invalid, and says which field is wrong', async () => {
    const store = fileSecretStore(join(dir, 'secrets.json'));
    const backend = catalogSettingsBackend(db);
    await expect(
      saveEngineSettings(
        'aliyun',
        { ...volc, accessKeySecret: 'x', region: 'us-east-1' } as never,
        backend,
        store,
      ),
    ).rejects.toThrow(/region/);
    expect(db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 0 });
    expect(await store.get('aliyun.accessKeySecret')).toBeUndefined();
  });

  it('reports a missing secret as invalid settings, not a crash', async () => {
    const backend = catalogSettingsBackend(db);
    backend.write('engine.aliyun.config', {
      accessKeyId: 'LTAIabcdefgh1234',
      hosting: { ...hosting, secretAccessKey: undefined },
    });
    const empty: SecretStore = fileSecretStore(join(dir, 'none.json'));
    const loaded = await loadEngineSettings('aliyun', backend, empty);
    expect(loaded).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await loadEngineSettings('huawei', backend, empty)).toMatchObject({
      ok: false,
      reason: 'not-configured',
    });
  });

  it('fills Huawei and Aliyun secrets from the environment (read-only)', async () => {
    const backend = catalogSettingsBackend(db);
    backend.write('engine.aliyun.config', {
      accessKeyId: 'LTAIabcdefgh1234',
      scenes: ['tag', 'porn'],
      callback: { url: 'https://app.example.com/cb', uid: '123' },
      hosting: { ...hosting, secretAccessKey: undefined },
    });
    const env = envSecretStore({
      [secretEnvName('aliyun.accessKeySecret')]: 'ENV-ALI-SECRET',
      [secretEnvName('aliyun.callback.seed')]: 'ENV-SEED',
      [secretEnvName('aliyun.hosting.secretAccessKey')]: 'ENV-HOST-SECRET',
    });
    expect(secretEnvName('aliyun.hosting.secretAccessKey')).toBe(
      'TUJIAN_ALIYUN_HOSTING_SECRET_ACCESS_KEY',
    );
    const loaded = await loadEngineSettings('aliyun', backend, env);
    expect(loaded.ok && loaded.settings.accessKeySecret).toBe('ENV-ALI-SECRET');
    expect(loaded.ok && loaded.settings.callback?.seed).toBe('ENV-SEED');
    await expect(env.set('x', 'y')).rejects.toThrow(/read-only/);

    const vendor = envSecretStore({ VOLC_SECRETKEY: 'from-volc-sdk-variable' });
    expect(await vendor.get('volcengine.secretAccessKey')).toBe('from-volc-sdk-variable');

    const file = fileSecretStore(join(dir, 'secrets.json'));
    await file.set('aliyun.accessKeySecret', 'FILE-SECRET');
    const chained = chainSecretStores([env, file], file);
    expect(await chained.get('aliyun.accessKeySecret')).toBe('ENV-ALI-SECRET');
    await chained.set('aliyun.securityToken', 'T');
    expect(await file.get('aliyun.securityToken')).toBe('T');
  });
});

describe(fileSecretStore.name, () => {
  it('warns once when the file is readable by others, and refuses a corrupt file', async () => {
    const file = join(dir, 'secrets.json');
    await writeFile(file, '{"a":"b"}');
    await chmod(file, 0o644);
    const warnings: string[] = [];
    const store = fileSecretStore(file, (m) => warnings.push(m));
    expect(await store.get('a')).toBe('b');
    expect(await store.get('a')).toBe('b');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('chmod 600');
    await store.set('c', 'd');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await store.delete('a');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ c: 'd' });

    await writeFile(file, 'not json', { mode: 0o600 });
    await expect(store.get('c')).rejects.toThrow(/not a JSON object/);
    expect(await readFile(file, 'utf8')).toBe('not json');
  });
});

describe(splitSecrets.name, () => {
  it('removes every secret path of Huawei settings', () => {
    const { plain, secrets } = splitSecrets('huawei', {
      projectId: 'p',
      auth: { kind: 'token', user: 'u', password: 'pw', domain: 'd' },
    });
    expect(plain).toEqual({ projectId: 'p', auth: { kind: 'token', user: 'u', domain: 'd' } });
    expect(secrets).toEqual({ 'huawei.auth.password': 'pw' });
    expect(redactSettings('volcengine', volc)).toMatchObject({
      secretAccessKey: '***',
      hosting: { secretAccessKey: '***', accessKeyId: hosting.accessKeyId },
    });
  });
});

describe(redact.name, () => {
  it('hides signatures, keys and tokens of every vendor', () => {
    const volcAuth = signVolcengineRequest({
      method: 'POST',
      url: new URL('https://visual.volcengineapi.com/?Action=CVSubmitTask&Version=2022-08-31'),
      body: '{}',
      accessKeyId: 'AKLTsomeaccesskey123',
      secretAccessKey: 'sk',
      region: 'cn-north-1',
      service: 'cv',
      date: new Date(),
    }).headers.authorization;
    const aliAuth = signAliyunRequest({
      method: 'POST',
      path: '/green/image/results',
      body: '[]',
      accessKeyId: 'LTAI5tSomeKeyId99',
      accessKeySecret: 's',
      date: new Date(),
    }).headers.authorization;
    const text = [
      `authorization: ${volcAuth ?? ''}`,
      `authorization: ${aliAuth ?? ''}`,
      'Authorization: SDK-HMAC-SHA256 Access=HWAKEXAMPLE123, SignedHeaders=host, Signature=abcdef0123',
      'X-Auth-Token: MIIZtokenvalue',
      '{"secretAccessKey":"abc123secret","sk":"hw-sk","password":"pw1234"}',
      'https://b.s3/x.jpg?X-Amz-Credential=S3KEY%2F2024&X-Amz-Signature=deadbeef',
    ].join('\n');
    const out = redact(text);
    for (const leak of [
      'AKLTsomeaccesskey123',
      'LTAI5tSomeKeyId99',
      'HWAKEXAMPLE123',
      'abcdef0123',
      'MIIZtokenvalue',
      'abc123secret',
      'hw-sk',
      'pw1234',
      'deadbeef',
      'S3KEY',
    ]) {
      expect(out, leak).not.toContain(leak);
    }
    expect(out).toContain('Credential=AKLT***');
    expect(out).toContain('acs LTAI***:***');
  });

  it('hides secret values it was told about wherever they appear', async () => {
    const store = fileSecretStore(join(dir, 'secrets.json'));
    await saveEngineSettings('volcengine', volc, catalogSettingsBackend(db), store);
    expect(redact('failed with VOLC-SECRET-value-456 in the message')).toBe(
      'failed with *** in the message',
    );
  });
});

describe(redactEngineError.name, () => {
  it('keeps the class, code and Retry-After of an engine error while redacting its message', () => {
    const error = new EngineError(
      'aliyun',
      '588',
      'echoed: {"accessKeySecret":"leaky-secret-1"}',
      'retry-later',
      3000,
    );
    const clean = redactEngineError(error);
    expect(clean).toBeInstanceOf(EngineError);
    expect(clean.message).not.toContain('leaky-secret-1');
    expect(clean).toMatchObject({
      engine: 'aliyun',
      code: '588',
      errorClass: 'retry-later',
      retryAfterMs: 3000,
    });
    const plain = new EngineError('aliyun', '500', 'GENERAL_ERROR', 'retry');
    expect(redactEngineError(plain)).toBe(plain);
  });
});

describe(isEngineEnabledForFolder.name, () => {
  it('runs a cloud engine only where the folder opted in', () => {
    expect(isEngineEnabledForFolder('["local","aliyun"]', 'aliyun')).toBe(true);
    expect(isEngineEnabledForFolder('["local"]', 'aliyun')).toBe(false);
    expect(isEngineEnabledForFolder('not json', 'local')).toBe(true);
    expect(isEngineEnabledForFolder('["martian"]', 'volcengine')).toBe(false);
    expect(isEngineEnabledForFolder(null, 'huawei')).toBe(false);
  });
});
