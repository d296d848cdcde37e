// The engines a CLI run uses: see main/engines/engine-registry.ts. Secrets come from the
// environment or the data folder's 0600 secrets file (never the catalog).
import { join } from 'node:path';
import { catalogSettingsBackend } from '../catalog/settings.ts';
import { createEngineSet, defaultSecretStore, type EngineSet } from '../engines/engine-registry.ts';
import type { SecretStore } from '../engines/engine-settings.ts';
import type { EngineId } from '../engines/tag-model.ts';
import type { CliContext } from './cli-context.ts';

export function cliSecretStore(ctx: CliContext): SecretStore {
  return defaultSecretStore(join(ctx.paths.root, 'secrets.json'), (message) => {
    ctx.log.warn(message);
  });
}

export async function createCliEngineSet(
  ctx: CliContext,
  only?: readonly EngineId[],
): Promise<EngineSet> {
  const set = await createEngineSet({
    settings: catalogSettingsBackend(ctx.db),
    secrets: cliSecretStore(ctx),
    ...(only ? { only } : {}),
  });
  for (const [id, reason] of set.unavailable)
    ctx.log.warn(`engine ${id} is not available: ${reason}`);
  return set;
}
