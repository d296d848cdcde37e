// The desktop SecretStore: each secret encrypted with Electron's safeStorage (Keychain on
// macOS, DPAPI on Windows, libsecret/kwallet on Linux) and kept as base64 in one JSON file
// in the data folder. Written atomically (temp file + rename) with mode 0600. The
// safeStorage object is passed in, so tests run without Electron.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SecretStoreError, type SecretStore } from '../engines/engine-settings.ts';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

const SecretsFile = z.record(z.string(), z.string());

export function createSafeStorageSecretStore(
  safeStorage: SafeStorageLike,
  file: string,
): SecretStore {
  let queue: Promise<unknown> = Promise.resolve();
  // Writes are serialised so two saves cannot interleave their read-modify-write.
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function load(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    const parsed = SecretsFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new SecretStoreError(`The secrets file ${file} is damaged.`);
    return parsed.data;
  }

  async function save(values: Record<string, string>): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.tmp`;
    await writeFile(temp, JSON.stringify(values, null, 2), { mode: 0o600 });
    await rename(temp, file);
  }

  function requireEncryption(): void {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new SecretStoreError(
        'The system keychain is not available, so credentials cannot be stored safely. ' +
          'On Linux, install and unlock a keyring (gnome-keyring or kwallet).',
      );
    }
  }

  return {
    get: (name) =>
      serial(async () => {
        const value = (await load())[name];
        if (value === undefined) return undefined;
        requireEncryption();
        return safeStorage.decryptString(Buffer.from(value, 'base64'));
      }),
    set: (name, value) =>
      serial(async () => {
        requireEncryption();
        const values = await load();
        values[name] = safeStorage.encryptString(value).toString('base64');
        await save(values);
      }),
    delete: (name) =>
      serial(async () => {
        const values = await load();
        if (!(name in values)) return;
        const { [name]: _removed, ...rest } = values;
        await save(rest);
      }),
  };
}
