// Engine settings for the UI, kept in the catalog's settings table (non-secret fields, one
// JSON row per engine) with credentials in a SecretStore (Electron safeStorage on the
// desktop; an in-memory store in the web host, which never writes secrets to disk).
// Values are validated on the way in (the API contract) and on the way out (zod here),
// so a hand-edited row cannot break the settings view.
import { engineRetirementStatus } from '../engines/engine-profile.ts';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog-connection.ts';
import {
  ApiError,
  engineIds,
  type EngineId,
  type EngineSettingsPatch,
  type EngineSettingsView,
} from '../../preload/api-contract.ts';
import {
  engineSettingsSchemas,
  isCloudEngine,
  loadEngineSettings,
  redact,
  saveEngineSettings,
  type CloudEngineId,
} from '../engines/engine-settings.ts';
import type { CredentialFieldSpec } from '../engines/engine-definition.ts';
import { cloudEngineDefinition } from '../engines/engine-definitions.ts';
import { isHttpUrl } from '../engines/http-url.ts';
import { readBudget, writeBudget } from '../jobs/engine-budget.ts';
import { clearEngineStop } from '../jobs/job-controls.ts';
import {
  catalogSettingsBackend,
  readSettingJson,
  writeOrDeleteSetting,
} from '../catalog/settings.ts';
import type { EngineSettingsPort } from './app-service.ts';

/** Where credentials live; keys are `<engine>.<field>`. */
export interface CredentialStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export function createMemoryCredentialStore(): CredentialStore {
  const values = new Map<string, string>();
  return {
    get: (key) => Promise.resolve(values.get(key)),
    set: (key, value) => {
      values.set(key, value);
      return Promise.resolve();
    },
    delete: (key) => {
      values.delete(key);
      return Promise.resolve();
    },
  };
}

/**
 * The credential fields each engine's API needs, from its definition (engine-definitions.ts).
 * Keys are paths in that engine's settings (main/engines/engine-settings.ts), so a secret is
 * stored under the same name (`huawei.auth.sk`) the engines read it from.
 */
function credentialSpecsOf(engine: EngineId): readonly CredentialFieldSpec[] {
  return isCloud(engine) ? cloudEngineDefinition(engine).card.credentials : [];
}

const StoredEngineSettings = z.object({
  enabled: z.boolean().default(false),
  plain: z.record(z.string(), z.string()).default({}),
  region: z.string().nullable().default(null),
  endpoint: z.string().nullable().default(null),
  language: z.enum(['zh', 'en']).nullable().default(null),
  threshold: z.number().min(0).max(100).default(30),
  limit: z.number().int().positive().nullable().default(null),
  scenes: z.array(z.string()).nullable().default(null),
  qps: z.number().positive().nullable().default(null),
  hostingBucket: z.string().nullable().default(null),
});
type StoredEngineSettings = z.infer<typeof StoredEngineSettings>;

function readStored(db: Catalog, engine: EngineId): StoredEngineSettings {
  const parsed = StoredEngineSettings.safeParse(readSettingJson(db, `engine.${engine}`) ?? {});
  const stored = parsed.success ? parsed.data : StoredEngineSettings.parse({});
  // The on-device engine is on unless the user turned it off.
  if (engine === 'local' && readSettingJson(db, `engine.${engine}`) === undefined)
    stored.enabled = true;
  return stored;
}

type Json = Record<string, unknown>;

function setPath(target: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  const last = parts.pop() ?? path;
  let cursor = target;
  for (const part of parts) {
    const next = cursor[part];
    if (next === null || typeof next !== 'object') cursor[part] = {};
    cursor = cursor[part] as Json;
  }
  cursor[last] = value;
}

/**
 * The engine's full configuration (the input of its zod schema in main/engines) built from
 * the UI's fields and the stored secrets; what the schema rejects is reported, not hidden.
 */
async function assembleConfig(
  engine: CloudEngineId,
  s: StoredEngineSettings,
  credentials: CredentialStore,
): Promise<Json> {
  const config: Json = {};
  const { card } = cloudEngineDefinition(engine);
  for (const spec of card.credentials) {
    const value = spec.secret ? await credentials.get(`${engine}.${spec.key}`) : s.plain[spec.key];
    if (value !== undefined && value !== '') setPath(config, spec.key, value);
  }
  for (const [path, value] of Object.entries(card.fixed ?? {})) setPath(config, path, value);
  if (s.region) config.region = s.region;
  if (s.endpoint) config.endpoint = s.endpoint;
  if (s.qps !== null) config.qps = s.qps;
  if (card.takes.includes('threshold')) config.threshold = s.threshold;
  if (card.takes.includes('language') && s.language) config.language = s.language;
  if (card.takes.includes('limit') && s.limit !== null) config.limit = s.limit;
  if (card.takes.includes('scenes') && s.scenes) config.scenes = s.scenes;
  if (s.hostingBucket) setPath(config, 'hosting.bucket', s.hostingBucket);
  return config;
}

function isCloud(engine: EngineId): engine is CloudEngineId {
  return isCloudEngine(engine);
}

export function createCatalogEngineSettings(
  db: Catalog,
  credentials: CredentialStore,
): EngineSettingsPort {
  const backend = catalogSettingsBackend(db);

  /** What keeps the settings from being usable: the text, and the fields it is about. */
  async function problemOf(
    engine: EngineId,
    s: StoredEngineSettings,
  ): Promise<{ problem: string | null; problemFields: string[] }> {
    if (!isCloud(engine)) return { problem: null, problemFields: [] };
    const parsed = engineSettingsSchemas[engine].safeParse(
      await assembleConfig(engine, s, credentials),
    );
    if (parsed.success) return { problem: null, problemFields: [] };
    return {
      problem: redact(z.prettifyError(parsed.error)),
      // The UI marks these fields instead of showing the schema's text.
      problemFields: [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))],
    };
  }

  function retirementView(engine: EngineId): EngineSettingsView['retirement'] {
    const status = engineRetirementStatus(engine, Date.now());
    return status
      ? { phase: status.phase, endOfSale: status.endOfSale, endOfService: status.endOfService }
      : null;
  }

  async function view(engine: EngineId): Promise<EngineSettingsView> {
    const s = readStored(db, engine);
    const fields = await Promise.all(
      credentialSpecsOf(engine).map(async (spec) => {
        const value = spec.secret
          ? await credentials.get(`${engine}.${spec.key}`)
          : s.plain[spec.key];
        return {
          key: spec.key,
          label: spec.label,
          secret: spec.secret,
          isSet: value !== undefined && value !== '',
          value: spec.secret ? null : (value ?? null),
          choices: spec.choices ? [...spec.choices] : null,
          option: spec.option === true,
        };
      }),
    );
    return {
      engine,
      enabled: s.enabled,
      cloud: isCloud(engine),
      credentials: fields,
      region:
        s.region ?? (isCloud(engine) ? cloudEngineDefinition(engine).card.defaultRegion : null),
      endpoint: s.endpoint,
      language: s.language,
      threshold: s.threshold,
      limit: s.limit,
      scenes: s.scenes,
      qps: s.qps,
      monthlyBudget: readBudget(db, engine).perMonth ?? null,
      hostingBucket: s.hostingBucket,
      endpointOffMachine:
        isCloud(engine) &&
        (cloudEngineDefinition(engine).card.endpointOffMachine?.({
          plain: s.plain,
          endpoint: s.endpoint,
        }) ??
          false),
      ...(await problemOf(engine, s)),
      retirement: retirementView(engine),
    };
  }

  return {
    list: () => Promise.all(engineIds.map(view)),
    async update(patch: EngineSettingsPatch) {
      const { engine } = patch;
      // Endpoints are refused before anything is stored, even as a draft: a draft with
      // `file:///etc/passwd` would become the engine's configuration once complete.
      if (patch.endpoint && !isHttpUrl(patch.endpoint))
        throw new ApiError('invalid-input', `The ${engine} endpoint must be an http(s) URL.`);
      for (const [key, value] of Object.entries(patch.credentials ?? {})) {
        const spec = credentialSpecsOf(engine).find((c) => c.key === key);
        if (spec?.url && value !== '' && !isHttpUrl(value))
          throw new ApiError('invalid-input', `${spec.label} must be an http(s) URL.`);
        if (spec?.choices && value !== '' && !spec.choices.includes(value))
          throw new ApiError(
            'invalid-input',
            `${spec.label} must be one of: ${spec.choices.join(', ')}.`,
          );
      }
      const s = readStored(db, engine);
      for (const [key, value] of Object.entries(patch.credentials ?? {})) {
        const spec = credentialSpecsOf(engine).find((c) => c.key === key);
        if (!spec) throw new ApiError('invalid-input', `${engine} has no credential “${key}”.`);
        if (spec.secret) {
          if (value === '') await credentials.delete(`${engine}.${key}`);
          else await credentials.set(`${engine}.${key}`, value);
        } else if (value === '') {
          // Object rest keeps the other plain values; this one is dropped.
          const { [key]: _dropped, ...rest } = s.plain;
          s.plain = rest;
        } else {
          s.plain[key] = value;
        }
      }
      const next: StoredEngineSettings = {
        ...s,
        enabled: patch.enabled ?? s.enabled,
        region: patch.region === undefined ? s.region : patch.region,
        endpoint: patch.endpoint === undefined ? s.endpoint : patch.endpoint,
        language: patch.language === undefined ? s.language : patch.language,
        threshold: patch.threshold ?? s.threshold,
        limit: patch.limit === undefined ? s.limit : patch.limit,
        scenes: patch.scenes === undefined ? s.scenes : patch.scenes,
        qps: patch.qps === undefined ? s.qps : patch.qps,
        hostingBucket: patch.hostingBucket === undefined ? s.hostingBucket : patch.hostingBucket,
      };
      writeOrDeleteSetting(db, `engine.${engine}`, next);
      if (isCloud(engine)) {
        // Complete settings become the engine's configuration (secrets to the store, the rest
        // to the catalog), which the engines load; incomplete ones stay a draft in the view.
        const config = await assembleConfig(engine, next, credentials);
        if (engineSettingsSchemas[engine].safeParse(config).success) {
          await saveEngineSettings(engine, config as never, backend, credentials);
          // New settings may fix what stopped the engine ([Note: Stopped engines stay stopped]).
          clearEngineStop(db, engine);
        }
      }
      if (patch.monthlyBudget !== undefined) {
        // The budget lives where the job runner enforces it (main/jobs/engine-budget.ts).
        const budget = readBudget(db, engine);
        writeBudget(db, engine, {
          ...(budget.perDay === undefined ? {} : { perDay: budget.perDay }),
          ...(patch.monthlyBudget === null ? {} : { perMonth: patch.monthlyBudget }),
        });
      }
      return view(engine);
    },
    async test(engine) {
      if (!isCloud(engine))
        return {
          ok: true,
          kind: 'on-device',
          message: 'The on-device engine needs no connection.',
        };
      const loaded = await loadEngineSettings(engine, backend, credentials);
      if (!loaded.ok) return { ok: false, kind: 'not-ready', message: loaded.message };
      try {
        const definition = cloudEngineDefinition(engine);
        if (!definition.checkConnection)
          return {
            ok: true,
            kind: 'complete',
            message:
              'The settings are complete. A live check of the credentials happens on the first tagging call (the job runner probes once before sending more).',
          };
        const step = await definition.checkConnection(loaded.settings);
        return { ok: step.ok, kind: 'checked', message: redact(step.detail) };
      } catch (error) {
        return {
          ok: false,
          kind: 'checked',
          message: redact(error instanceof Error ? error.message : String(error)),
        };
      }
    },
  };
}
