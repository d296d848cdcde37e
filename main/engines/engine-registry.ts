// Builds the engines a host runs with: the on-device engine always (no account, no network),
// and each cloud engine whose settings and secrets are present and valid. CLI, web host and
// desktop host all build their engines here, so "configured" means the same everywhere.
import type { Catalog } from '../catalog/catalog-connection.ts';
import type { TaggingEngine } from './engine.ts';
import { createAliyunEngine } from './aliyun/aliyun-engine.ts';
import {
  type CloudEngineId,
  catalogSettingsBackend,
  chainSecretStores,
  cloudEngineIds,
  envSecretStore,
  fileSecretStore,
  loadEngineSettings,
  type SecretStore,
} from './engine-settings.ts';
import { createHuaweiEngine } from './huawei/huawei-engine.ts';
import { createLocalEngine } from './local/local-engine.ts';
import type { EngineId } from './tag-model.ts';
import { createVolcengineEngine } from './volcengine/volcengine-engine.ts';

export interface EngineSet {
  readonly engines: ReadonlyMap<EngineId, TaggingEngine>;
  /** In-flight tag calls per engine that keep it busy. */
  readonly concurrency: Partial<Record<EngineId, number>>;
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
  readonly db: Catalog;
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
  const backend = catalogSettingsBackend(options.db);
  for (const id of cloudEngineIds) {
    if (!wanted(id)) continue;
    const loaded = await loadEngineSettings(id, backend, options.secrets);
    if (!loaded.ok) {
      if (options.only?.includes(id) || loaded.reason === 'invalid')
        unavailable.set(id, loaded.message);
      continue;
    }
    try {
      if (id === 'huawei') {
        const settings = loaded.settings as Parameters<typeof createHuaweiEngine>[0];
        engines.set(id, createHuaweiEngine(settings));
        concurrency.huawei = (loaded.settings as { concurrency?: number }).concurrency ?? 10;
      } else if (id === 'volcengine') {
        engines.set(
          id,
          createVolcengineEngine({
            settings: loaded.settings as Parameters<typeof createVolcengineEngine>[0]['settings'],
          }),
        );
      } else {
        engines.set(
          id,
          createAliyunEngine({
            settings: loaded.settings as Parameters<typeof createAliyunEngine>[0]['settings'],
          }),
        );
      }
    } catch (error) {
      unavailable.set(id, error instanceof Error ? error.message : String(error));
    }
  }
  return {
    engines,
    concurrency,
    unavailable,
    close: async () => {
      await Promise.all([...engines.values()].map(async (e) => e.close?.()));
    },
  };
}
