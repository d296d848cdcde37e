// The user's and the runner's switches on the job queue, kept in the catalog's settings table
// so they survive restarts and are shared by every host on the same catalog (the CLI can
// pause a running `tujian watch`; the desktop app shows why an engine stopped):
// - `jobs.paused.all` / `jobs.paused.<engine>`: JSON `true` while paused (absent otherwise).
// - `jobs.stopped.<engine>`: JSON string, the reason an engine's queue stopped on its own (a
//   wrong credential, a disabled service); `jobs.stopped-meta.<engine>` keeps the code, time
//   and the settings fingerprint the stop happened with.
//
// [Note: Stopped engines stay stopped]
// A credential or service error stops that engine's queue at once and for good: after a
// restart the runner reads the stop back and does not call the engine again (Huawei locks an
// AK for 5 minutes after 5 bad signatures, so "try once more on every start" is a storm in
// slow motion). The stop is cleared by `tujian retry --engine X` (the user says it is fixed),
// by `clearEngineStop` from whoever saves new engine settings, or by the runner itself when
// the engine's settings fingerprint (a hash the host computes over the engine's settings and
// credentials) differs from the one recorded at the stop.
import { z } from 'zod';
import type { Catalog, ReadableCatalog } from '../catalog/catalog-connection.ts';
import {
  deleteSetting,
  readSettingTextsWithPrefix,
  writeOrDeleteSetting,
} from '../catalog/settings.ts';
import { settingsFingerprint } from '../engines/engine-settings.ts';
import { EngineId } from '../engines/tag-model.ts';

// Callers that record stops pass fingerprints made here; kept importable from this module.
export { settingsFingerprint };

export interface EngineStop {
  readonly reason: string;
  readonly code: string | null;
  readonly at: number | null;
  readonly fingerprint: string | null;
}

export interface JobControls {
  readonly pausedAll: boolean;
  readonly pausedEngines: ReadonlySet<EngineId>;
  readonly stopped: ReadonlyMap<EngineId, EngineStop>;
}

const StopMeta = z.object({
  code: z.string().nullable().catch(null),
  at: z.number().nullable().catch(null),
  fingerprint: z.string().nullable().catch(null),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Every switch in one read (the runner calls this on each pump). */
export function readJobControls(db: ReadableCatalog): JobControls {
  const rows = readSettingTextsWithPrefix(db, 'jobs.');
  let pausedAll = false;
  const pausedEngines = new Set<EngineId>();
  const reasons = new Map<EngineId, string>();
  const metas = new Map<EngineId, z.infer<typeof StopMeta>>();
  for (const { key, value } of rows) {
    const parsed = parseJson(value);
    const [, group, name] = /^jobs\.([a-z-]+)\.([a-z]+)$/.exec(key) ?? [];
    if (group === 'paused') {
      if (parsed !== true) continue;
      if (name === 'all') pausedAll = true;
      const engine = EngineId.safeParse(name);
      if (engine.success) pausedEngines.add(engine.data);
    } else if (group === 'stopped' || group === 'stopped-meta') {
      const engine = EngineId.safeParse(name);
      if (!engine.success) continue;
      if (group === 'stopped' && typeof parsed === 'string') reasons.set(engine.data, parsed);
      if (group === 'stopped-meta') {
        const meta = StopMeta.safeParse(parsed);
        if (meta.success) metas.set(engine.data, meta.data);
      }
    }
  }
  const stopped = new Map<EngineId, EngineStop>();
  for (const [engine, reason] of reasons) {
    const meta = metas.get(engine);
    stopped.set(engine, {
      reason,
      code: meta?.code ?? null,
      at: meta?.at ?? null,
      fingerprint: meta?.fingerprint ?? null,
    });
  }
  return { pausedAll, pausedEngines, stopped };
}

/** Pause or resume all work (`engine` null) or one engine's queue. */
export function setJobsPaused(db: Catalog, engine: EngineId | null, paused: boolean): void {
  writeOrDeleteSetting(db, `jobs.paused.${engine ?? 'all'}`, paused ? true : undefined);
}

export function isEnginePaused(controls: JobControls, engine: EngineId): boolean {
  return controls.pausedAll || controls.pausedEngines.has(engine);
}

/** Record that an engine's queue stopped; see [Note: Stopped engines stay stopped]. */
export function recordEngineStop(
  db: Catalog,
  engine: EngineId,
  stop: { reason: string; code: string; fingerprint?: string | undefined },
  now: number = Date.now(),
): void {
  db.transaction(() => {
    writeOrDeleteSetting(db, `jobs.stopped.${engine}`, stop.reason);
    writeOrDeleteSetting(db, `jobs.stopped-meta.${engine}`, {
      code: stop.code,
      at: now,
      fingerprint: stop.fingerprint ?? null,
    });
  })();
}

/** Let a stopped engine run again (the user fixed the credential or enabled the service). */
export function clearEngineStop(db: Catalog, engine: EngineId): boolean {
  return db.transaction(() => {
    const had = deleteSetting(db, `jobs.stopped.${engine}`);
    deleteSetting(db, `jobs.stopped-meta.${engine}`);
    return had;
  })();
}
