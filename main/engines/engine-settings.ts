// The settings store shared by every cloud engine: per-engine settings validated with zod, the
// plain part kept as JSON (the catalog's `settings` table), the secrets kept apart in a
// SecretStore, and a `redact()` that logs and error messages pass through.
//
// [Note: Secrets never in plain text]
// An engine's settings are split by `engineSecretPaths`: the secret fields (SK, passwords,
// tokens, callback seeds, the bucket's secret key) are removed before the rest is written to
// the catalog, and live in a SecretStore: Electron's safeStorage in the desktop host (it plugs
// in through the SecretStore interface; nothing here imports electron), environment variables
// or a settings file created with mode 0600 in the CLI and web hosts. Anything printed about
// an engine (errors, logs, `tujian engines`) goes through `redact`.
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { aliyunSettingsSchema } from './aliyun/aliyun-settings.ts';
import { baiduSettingsSchema } from './baidu/baidu-settings.ts';
import { huaweiSettingsSchema } from './huawei/huawei-settings.ts';
import { tencentSettingsSchema } from './tencent/tencent-settings.ts';
import { EngineError } from './engine.ts';
import { EngineId } from './tag-model.ts';
import { vlmSettingsSchema } from './vlm/vlm-settings.ts';
import { volcengineSettingsSchema } from './volcengine/volcengine-settings.ts';

export const cloudEngineIds = [
  'huawei',
  'volcengine',
  'aliyun',
  'vlm',
  'tencent',
  'baidu',
] as const;
export type CloudEngineId = (typeof cloudEngineIds)[number];

export const engineSettingsSchemas = {
  huawei: huaweiSettingsSchema,
  volcengine: volcengineSettingsSchema,
  aliyun: aliyunSettingsSchema,
  vlm: vlmSettingsSchema,
  tencent: tencentSettingsSchema,
  baidu: baiduSettingsSchema,
} as const;
export type EngineSettings<E extends CloudEngineId> = z.output<(typeof engineSettingsSchemas)[E]>;
export type EngineSettingsInput<E extends CloudEngineId> = z.input<
  (typeof engineSettingsSchemas)[E]
>;

/** Dot paths of the secret fields of each engine's settings (absent ones are skipped). */
export const engineSecretPaths: Readonly<Record<CloudEngineId, readonly string[]>> = {
  huawei: ['auth.sk', 'auth.securityToken', 'auth.password'],
  volcengine: ['secretAccessKey', 'sessionToken', 'hosting.secretAccessKey'],
  aliyun: ['accessKeySecret', 'securityToken', 'callback.seed', 'hosting.secretAccessKey'],
  vlm: ['apiKey'],
  tencent: ['secretKey', 'sessionToken'],
  baidu: ['secretKey'],
};

/** Where secrets live. The Electron host implements it with safeStorage. */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export class SecretStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretStoreError';
  }
}

/** The store key of one secret: `volcengine.secretAccessKey`, `aliyun.hosting.secretAccessKey`. */
export function secretName(engine: CloudEngineId, path: string): string {
  return `${engine}.${path}`;
}

/** `volcengine.hosting.secretAccessKey` → `TUJIAN_VOLCENGINE_HOSTING_SECRET_ACCESS_KEY`. */
export function secretEnvName(name: string): string {
  return `TUJIAN_${name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\./g, '_')
    .toUpperCase()}`;
}

/** The vendors' own variable names, honoured as fallbacks. */
const vendorEnvAliases: Readonly<Record<string, string>> = {
  'volcengine.secretAccessKey': 'VOLC_SECRETKEY',
  'aliyun.accessKeySecret': 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'huawei.auth.sk': 'HUAWEICLOUD_SDK_SK',
  'tencent.secretKey': 'TENCENTCLOUD_SECRET_KEY',
};

/** Read-only secrets from environment variables (CLI and web hosts). */
export function envSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  const refuse = (name: string) =>
    Promise.reject(
      new SecretStoreError(
        `Secrets from the environment are read-only; set ${secretEnvName(name)} instead.`,
      ),
    );
  return {
    get(name) {
      const alias = vendorEnvAliases[name];
      const value = env[secretEnvName(name)] ?? (alias ? env[alias] : undefined);
      return Promise.resolve(value === '' ? undefined : value);
    },
    set: refuse,
    delete: refuse,
  };
}

const SecretFile = z.record(z.string(), z.string());

/**
 * Secrets in a JSON file created with mode 0600 (written atomically). When the file's mode
 * lets group or others read it, `warn` is called once with what to do about it.
 */
export function fileSecretStore(
  file: string,
  warn: (message: string) => void = (message) => {
    process.emitWarning(message);
  },
): SecretStore {
  let warned = false;
  async function load(): Promise<Record<string, string>> {
    let text: string;
    try {
      const info = await stat(file);
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0 && !warned) {
        warned = true;
        warn(
          `The secrets file ${file} has mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}: others on this machine may read it. Run: chmod 600 ${file}`,
        );
      }
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new SecretStoreError(
        `Cannot read the secrets file ${file}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    try {
      return SecretFile.parse(JSON.parse(text));
    } catch (error) {
      throw new SecretStoreError(
        `The secrets file ${file} is not a JSON object of strings; fix or remove it (nothing was changed).`,
        { cause: error },
      );
    }
  }
  async function save(values: Record<string, string>): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${String(process.pid)}.tmp`;
    await writeFile(temp, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
    // The umask cannot widen 0600, but a pre-existing temp file keeps its mode: set it.
    await chmod(temp, 0o600);
    await rename(temp, file);
  }
  return {
    async get(name) {
      return (await load())[name];
    },
    async set(name, value) {
      const values = await load();
      values[name] = value;
      await save(values);
    },
    async delete(name) {
      const values = await load();
      if (!(name in values)) return;
      Reflect.deleteProperty(values, name);
      await save(values);
    },
  };
}

/** Reads from each store in turn; writes go to `writable`. */
export function chainSecretStores(
  readers: readonly SecretStore[],
  writable: SecretStore,
): SecretStore {
  return {
    async get(name) {
      for (const store of readers) {
        const value = await store.get(name);
        if (value !== undefined) return value;
      }
      return undefined;
    },
    set: (name, value) => writable.set(name, value),
    delete: (name) => writable.delete(name),
  };
}

/** Where the plain (non-secret) settings are kept. */
export interface SettingsBackend {
  read(key: string): unknown;
  write(key: string, value: unknown): void;
  remove(key: string): void;
}

/**
 * The settings-table key of an engine's full configuration. Not `engine.<id>`: the app's UI
 * view (main/app/catalog-engine-settings.ts) keeps its own row there. Budgets are not part of
 * these settings: they live where the job runner enforces them (`jobs.budget.<id>`,
 * main/jobs/engine-budget.ts).
 */
export function settingsKey(engine: CloudEngineId): string {
  return `engine.${engine}.config`;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function getPath(obj: unknown, path: string): unknown {
  let cursor: unknown = obj;
  for (const part of path.split('.')) {
    if (!isObject(cursor)) return undefined;
    cursor = cursor[part];
  }
  return cursor;
}

function setPath(obj: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  const last = parts.pop();
  if (last === undefined) return;
  let cursor = obj;
  for (const part of parts) {
    const next = cursor[part];
    if (!isObject(next)) return; // the parent is absent: this secret does not apply
    cursor = next;
  }
  cursor[last] = value;
}

function deletePath(obj: Json, path: string): void {
  const parts = path.split('.');
  const last = parts.pop();
  if (last === undefined) return;
  let cursor: unknown = obj;
  for (const part of parts) cursor = isObject(cursor) ? cursor[part] : undefined;
  if (isObject(cursor)) Reflect.deleteProperty(cursor, last);
}

/** Splits settings into the part safe to store and the secrets (by store name). */
export function splitSecrets(
  engine: CloudEngineId,
  settings: unknown,
): { plain: Json; secrets: Record<string, string> } {
  const plain = structuredClone(isObject(settings) ? settings : {});
  const secrets: Record<string, string> = {};
  for (const path of engineSecretPaths[engine]) {
    const value = getPath(plain, path);
    if (typeof value === 'string') secrets[secretName(engine, path)] = value;
    deletePath(plain, path);
  }
  return { plain, secrets };
}

export type LoadedSettings<E extends CloudEngineId> =
  | { readonly ok: true; readonly settings: EngineSettings<E> }
  | { readonly ok: false; readonly reason: 'not-configured' | 'invalid'; readonly message: string };

/** Reads an engine's settings and its secrets, and validates them together. */
export async function loadEngineSettings<E extends CloudEngineId>(
  engine: E,
  backend: SettingsBackend,
  secrets: SecretStore,
): Promise<LoadedSettings<E>> {
  const stored = backend.read(settingsKey(engine));
  if (stored === undefined) {
    return {
      ok: false,
      reason: 'not-configured',
      message: `The ${engine} engine is not configured.`,
    };
  }
  const merged = structuredClone(isObject(stored) ? stored : {});
  for (const path of engineSecretPaths[engine]) {
    const value = await secrets.get(secretName(engine, path));
    if (value !== undefined) setPath(merged, path, value);
    registerSecrets([value]);
  }
  const parsed = engineSettingsSchemas[engine].safeParse(merged);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'invalid',
      message: redact(`The ${engine} settings are invalid: ${z.prettifyError(parsed.error)}`),
    };
  }
  return { ok: true, settings: parsed.data as EngineSettings<E> };
}

/**
 * Validates and saves an engine's settings: secrets to the SecretStore, the rest to the backend.
 * Nothing is written when validation fails.
 */
export async function saveEngineSettings<E extends CloudEngineId>(
  engine: E,
  input: EngineSettingsInput<E>,
  backend: SettingsBackend,
  secrets: SecretStore,
): Promise<EngineSettings<E>> {
  const parsed = engineSettingsSchemas[engine].safeParse(input);
  if (!parsed.success) {
    throw new Error(redact(`The ${engine} settings are invalid: ${z.prettifyError(parsed.error)}`));
  }
  const { plain, secrets: values } = splitSecrets(engine, parsed.data);
  registerSecrets(Object.values(values));
  for (const path of engineSecretPaths[engine]) {
    const name = secretName(engine, path);
    const value = values[name];
    if (value === undefined) await secrets.delete(name).catch(() => undefined);
    else await secrets.set(name, value);
  }
  backend.write(settingsKey(engine), plain);
  return parsed.data as EngineSettings<E>;
}

/** Settings fit to show (CLI `tujian engines`, the UI): secrets replaced by `***`. */
export function redactSettings(engine: CloudEngineId, settings: unknown): Json {
  const copy = structuredClone(isObject(settings) ? settings : {});
  for (const path of engineSecretPaths[engine]) {
    if (getPath(copy, path) !== undefined) setPath(copy, path, '***');
  }
  return copy;
}

const FolderEngines = z.array(EngineId);

/**
 * A folder's opt-in (`folders.engines`, a JSON array). Nothing leaves the machine unless the user
 * turned that engine on for that folder: unreadable values enable the local engine only.
 */
export function enginesEnabledForFolder(foldersEngines: string | null | undefined): EngineId[] {
  if (!foldersEngines) return ['local'];
  try {
    const parsed = FolderEngines.safeParse(JSON.parse(foldersEngines));
    return parsed.success ? [...new Set(parsed.data)] : ['local'];
  } catch {
    return ['local'];
  }
}

export function isEngineEnabledForFolder(
  foldersEngines: string | null | undefined,
  engine: EngineId,
): boolean {
  return enginesEnabledForFolder(foldersEngines).includes(engine);
}

// --- redaction -------------------------------------------------------------------------

const knownSecrets = new Set<string>();

/** Registers secret values (e.g. after loading settings) so `redact` hides them anywhere. */
export function registerSecrets(values: Iterable<string | undefined>): void {
  for (const value of values) if (value && value.length >= 4) knownSecrets.add(value);
}

function maskId(id: string): string {
  return id.length <= 4 ? '***' : `${id.slice(0, 4)}***`;
}

const redactions: readonly [RegExp, (substring: string, ...groups: string[]) => string][] = [
  // Volcengine V4 / AWS V4 Authorization: keep the key's first 4 characters.
  [/(Credential=)([^/,\s&"]+)/g, (_m, p: string, id: string) => `${p}${maskId(id)}`],
  [/(Signature=)[0-9a-fA-F]+/g, (_m, p: string) => `${p}***`],
  // Huawei SDK-HMAC-SHA256 Access=AK.
  [/(Access=)([^,\s"]+)/g, (_m, p: string, id: string) => `${p}${maskId(id)}`],
  // Aliyun ROA: acs AK:signature.
  [/\bacs\s+([^:\s"]+):[^\s",]+/g, (_m, id: string) => `acs ${maskId(id)}:***`],
  // Presigned S3 URLs.
  [/(X-Amz-(?:Signature|Security-Token|Credential)=)[^&\s"]+/gi, (_m, p: string) => `${p}***`],
  // Token headers.
  [
    /((?:X-Auth-Token|X-Subject-Token|X-Security-Token|x-acs-security-token)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
    (_m, p: string) => `${p}***`,
  ],
  // Secret fields in JSON or key=value text.
  [
    /(["']?(?:secretAccessKey|accessKeySecret|secretKey|sk|password|sessionToken|securityToken|token|seed|checksum)["']?\s*[:=]\s*["']?)[^"',}\s&]+/gi,
    (_m, p: string) => `${p}***`,
  ],
  // Access key ids that announce themselves (Volcengine AKLT…, Aliyun LTAI…, AWS AKIA…,
  // Tencent AKID…).
  [/\b(AKLT|LTAI|AKIA|ASIA|AKID)[A-Za-z0-9]{8,}/g, (m: string) => maskId(m)],
];

/** Hides AK/SK, signatures and tokens in text meant for logs or error messages. */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join('***');
  for (const [pattern, replace] of redactions) out = out.replace(pattern, replace);
  return out;
}

/** The same error with its message passed through `redact` (server text can echo headers). */
export function redactEngineError(error: EngineError): EngineError {
  const message = redact(error.message);
  if (message === error.message) return error;
  return new EngineError(error.engine, error.code, message, error.errorClass, error.retryAfterMs);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

/**
 * A short fingerprint of an engine's resolved settings (credentials included), for
 * `JobRunnerDeps.fingerprints`: key order does not matter, any changed value does. Only 16 hex
 * digits of a SHA-256 are kept, so nothing about a secret can be read back from the catalog.
 */
export function settingsFingerprint(settings: unknown): string {
  return createHash('sha256').update(canonicalJson(settings)).digest('hex').slice(0, 16);
}
