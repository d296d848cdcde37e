// safeStorage is Electron's (the binary cannot be downloaded here), so a stand-in with the
// same three methods encrypts by XOR; the test checks what the store does with it: nothing
// readable on disk, mode 0600, refusal without a keychain, delete.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSafeStorageSecretStore,
  type SafeStorageLike,
} from '../../main/electron/safe-storage-secrets.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeSafeStorage(available = true): SafeStorageLike {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    encryptString: (text) => xor(Buffer.from(text, 'utf8')),
    decryptString: (data) => xor(data).toString('utf8'),
  };
}

describe(createSafeStorageSecretStore.name, () => {
  it('stores secrets encrypted in a 0600 file and reads them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-secrets-'));
    dirs.push(dir);
    const file = join(dir, 'secrets.json');
    const store = createSafeStorageSecretStore(fakeSafeStorage(), file);
    await store.set('huawei.auth.sk', 'S3CRET-VALUE');
    await store.set('aliyun.accessKeySecret', '另一个');
    expect(await store.get('huawei.auth.sk')).toBe('S3CRET-VALUE');
    expect(await store.get('aliyun.accessKeySecret')).toBe('另一个');
    expect(await store.get('nope')).toBeUndefined();
    expect(readFileSync(file, 'utf8')).not.toContain('S3CRET');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    await store.delete('huawei.auth.sk');
    expect(await store.get('huawei.auth.sk')).toBeUndefined();
    // A second store on the same file sees what the first wrote.
    expect(
      await createSafeStorageSecretStore(fakeSafeStorage(), file).get('aliyun.accessKeySecret'),
    ).toBe('另一个');
  });

  it('refuses to store when no keychain is available', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tujian-secrets-'));
    dirs.push(dir);
    const store = createSafeStorageSecretStore(fakeSafeStorage(false), join(dir, 's.json'));
    await expect(store.set('a.b', 'x')).rejects.toThrow(/keychain/);
  });
});
