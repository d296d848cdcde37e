// Builds the engines a host runs with: the on-device engine always (no account, no network),
// and each cloud engine whose settings and secrets are present and valid. CLI, web host and
// desktop host all build their engines here, so "configured" means the same everywhere.
import type { TaggingEngine } from './engine.ts';
import { createAliyunEngine } from './aliyun/aliyun-engine.ts';
import { createBaiduEngine } from './baidu/baidu-engine.ts';
import {
  type CloudEngineId,
  chainSecretStores,
  type EngineSettings,
  envSecretStore,
  fileSecretStore,
  loadEngineSettings,
  type SecretStore,
  type SettingsBackend,
  settingsFingerprint,
} from './engine-settings.ts';
import { createHuaweiEngine } from './huawei/huawei-engine.ts';
import { createLocalEngine } from './local/local-engine.ts';
import type { EngineId } from './tag-model.ts';
import { createVlmEngine } from './vlm/vlm-engine.ts';
import { createTencentEngine } from './tencent/tencent-engine.ts';
import { createVolcengineEngine } from './volcengine/volcengine-engine.ts';

export interface EngineSet {
  readonly engines: ReadonlyMap<EngineId, TaggingEngine>;
  /** In-flight tag calls per engine that keep it busy. */
  readonly concurrency: Partial<Record<EngineId, number>>;
  /** Call limits from each cloud engine's settings (qps, concurrency) for the job runner. */
  readonly limits: Partial<Record<EngineId, { qps: number; concurrency: number }>>;
  /** A hash of each engine's settings: a stop recorded under other settings is cleared. */
  readonly fingerprints: Partial<Record<EngineId, string>>;
  /** Cloud engines that were asked for or exist in settings but could not be built, and why. */
  readonly unavailable: ReadonlyMap<CloudEngineId, string>;
  close(): Promise<void>;
}

/** Secrets for the CLI and web hosts: environment variables first, then a 0600 file. */
export function defaultSecretStore(
  secretsFile: string,
  warn: (message: string) => void,
): SecretStore {
  return chainSecretStores(
    [envSecretStore(), fileSecretStore(secretsFile, warn)],
    fileSecretStore(secretsFile, warn),
  );
}

export interface EngineSetOptions {
  /** Where engine settings are stored (the catalog's settings table: `catalogSettingsBackend`). */
  readonly settings: SettingsBackend;
  readonly secrets: SecretStore;
  /** Build only these engines (default: local plus every configured cloud engine). */
  readonly only?: readonly EngineId[];
}

/** Just the on-device engine, built synchronously (hosts that configure cloud engines later). */
export function createLocalEngineSet(): EngineSet {
  const local = createLocalEngine();
  return {
    engines: new Map<EngineId, TaggingEngine>([['local', local]]),
    concurrency: { local: local.concurrency },
    limits: {},
    fingerprints: {},
    unavailable: new Map(),
    close: () => local.close(),
  };
}

export async function createEngineSet(options: EngineSetOptions): Promise<EngineSet> {
  const engines = new Map<EngineId, TaggingEngine>();
  const concurrency: Partial<Record<EngineId, number>> = {};
  const unavailable = new Map<CloudEngineId, string>();
  const wanted = (id: EngineId) => options.only === undefined || options.only.includes(id);
  if (wanted('local')) {
    // The local engine starts its worker lazily: building it costs nothing until a photo comes.
    const local = createLocalEngine();
    engines.set('local', local);
    concurrency.local = local.concurrency;
  }
  const limits: Partial<Record<EngineId, { qps: number; concurrency: number }>> = {};
  const fingerprints: Partial<Record<EngineId, string>> = {};
  const backend = options.settings;
  const build = async <E extends CloudEngineId>(
    id: E,
    create: (settings: EngineSettings<E>) => TaggingEngine,
  ): Promise<void> => {
    if (!wanted(id)) return;
    const loaded = await loadEngineSettings(id, backend, options.secrets);
    if (!loaded.ok) {
      if (options.only?.includes(id) || loaded.reason === 'invalid')
        unavailable.set(id, loaded.message);
      return;
    }
    try {
      engines.set(id, create(loaded.settings));
      const { qps, concurrency: inFlight } = loaded.settings;
      limits[id] = { qps, concurrency: inFlight };
      concurrency[id] = inFlight;
      fingerprints[id] = settingsFingerprint(loaded.settings);
    } catch (error) {
      unavailable.set(id, error instanceof Error ? error.message : String(error));
    }
  };
  await build('huawei', (settings) => createHuaweiEngine(settings));
  await build('volcengine', (settings) => createVolcengineEngine({ settings }));
  await build('aliyun', (settings) => createAliyunEngine({ settings }));
  await build('vlm', (settings) => createVlmEngine(settings));
  await build('tencent', (settings) => createTencentEngine(settings));
  await build('baidu', (settings) => createBaiduEngine(settings));
  return {
    engines,
    concurrency,
    limits,
    fingerprints,
    unavailable,
    close: async () => {
      await Promise.all([...engines.values()].map(async (e) => e.close?.()));
    },
  };
}
