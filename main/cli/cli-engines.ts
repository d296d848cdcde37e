// Builds the tagging engines a CLI run uses. The local engine is always available (no
// account, no network); cloud engines join when configured (see main/engines/engine-settings.ts).
import type { TaggingEngine } from '../engines/engine.ts';
import { createLocalEngine } from '../engines/local/local-engine.ts';
import type { EngineId } from '../engines/tag-model.ts';

export interface EngineSet {
  readonly engines: ReadonlyMap<EngineId, TaggingEngine>;
  /** In-flight tag calls per engine that keep it busy. */
  readonly concurrency: Partial<Record<EngineId, number>>;
  close(): Promise<void>;
}

export function createEngineSet(only?: readonly EngineId[]): EngineSet {
  const engines = new Map<EngineId, TaggingEngine>();
  const concurrency: Partial<Record<EngineId, number>> = {};
  const wanted = (id: EngineId) => only === undefined || only.includes(id);
  if (wanted('local')) {
    const local = createLocalEngine();
    engines.set('local', local);
    concurrency.local = local.concurrency;
  }
  return {
    engines,
    concurrency,
    close: async () => {
      await Promise.all([...engines.values()].map(async (e) => e.close?.()));
    },
  };
}
