// The Volcengine engine (seed 000): "does the picture contain a person, human-like or
// anthropomorphic subject". The prepared photo is hosted (main/engines/hosting), its presigned
// URL submitted with CVSubmitTask, and CVGetResult polled until `done`; `resp_data.status` 1
// becomes the concept `person-like subject` / 含人物主体, 0 a successful answer with no tags.
import { z } from 'zod';
import {
  asTaskFailure,
  EngineError,
  type AsyncEngine,
  type EngineLimits,
  type PreparedImage,
} from '../engine.ts';
import {
  createS3ImageHost,
  type ConnectionStep,
  type ImageHost,
} from '../hosting/image-hosting.ts';
import type { EngineAnswer } from '../tag-model.ts';
import { createVolcengineClient, type VolcengineClient } from './volcengine-client.ts';
import { createHostedAsyncEngine } from '../hosting/hosted-async-engine.ts';
import { volcengineBusinessCodes } from './volcengine-errors.ts';
import { volcengineProfile } from './volcengine-profile.ts';
import type { VolcengineSettings } from './volcengine-settings.ts';

export const personLikeSubjectTag = {
  name: 'person-like subject',
  i18n: { zh: '含人物主体', en: 'Person-like subject' },
  type: 'concept',
} as const;

/** JPEG/PNG, ≤4.7 MB, ≤4096 px, short side ≥320 px (PROTOCOLS.md §A.6; configurable). */
export function volcengineLimits(
  overrides: Partial<Pick<VolcengineSettings, 'maxBytes' | 'maxSide' | 'minSide'>> = {},
): EngineLimits {
  return {
    formats: ['jpeg', 'png'],
    maxBytes: overrides.maxBytes ?? 4_700_000,
    maxSide: overrides.maxSide ?? 4096,
    minSide: overrides.minSide ?? 320,
    input: 'url',
  };
}

const RespData = z.object({ status: z.union([z.literal(0), z.literal(1)]) });

/** Maps `resp_data` (a JSON string) to the tag model; throws EngineError when it is not as documented. */
export function mapVolcengineRespData(
  respData: string | null | undefined,
  model: string,
): EngineAnswer {
  let parsed: z.infer<typeof RespData>;
  try {
    parsed = RespData.parse(JSON.parse(respData ?? ''));
  } catch (error) {
    throw new EngineError(
      'volcengine',
      'unexpected-response',
      `Volcengine CVGetResult: done, but resp_data is not {"status":0|1}: ${JSON.stringify(respData ?? null)} (${(error as Error).message.slice(0, 200)})`,
      'retry',
    );
  }
  return {
    engine: 'volcengine',
    model,
    tags:
      parsed.status === 1
        ? [
            {
              name: personLikeSubjectTag.name,
              i18n: { ...personLikeSubjectTag.i18n },
              type: personLikeSubjectTag.type,
              // The service answers yes/no without a score: no confidence, not 100
              // ([Note: Tags without a confidence] in main/engines/tag-model.ts).
              confidence: null,
              instances: [],
              extra: { respStatus: 1 },
            },
          ]
        : [],
  };
}

export interface VolcengineEngineOptions {
  readonly settings: VolcengineSettings;
  /** Where the prepared photo is put; an S3 host built from `settings.hosting` when absent. */
  readonly host?: ImageHost;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
  /** Defaults to prepareForEngine; injectable for tests of odd inputs. */
  readonly prepare?: (input: string, limits: EngineLimits) => Promise<PreparedImage>;
  readonly client?: VolcengineClient;
}

export function createVolcengineEngine(options: VolcengineEngineOptions): AsyncEngine {
  const { settings } = options;
  const client =
    options.client ??
    createVolcengineClient({
      endpoint: settings.endpoint,
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      sessionToken: settings.sessionToken,
      region: settings.region,
      service: settings.service,
      timeoutMs: settings.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  const model = settings.reqKey;

  // The wire protocol; the hosting around it is the shared hosted-async flow.
  return createHostedAsyncEngine({
    profile: volcengineProfile,
    limits: volcengineLimits(settings),
    settingsKey: () => `volcengine:${settings.reqKey}`,
    host: options.host ?? createS3ImageHost(settings.hosting),
    ...(options.prepare ? { prepare: options.prepare } : {}),
    protocol: {
      async submit(url) {
        const { taskId } = await client.submitTask({ req_key: settings.reqKey, image_url: url });
        return taskId;
      },
      async poll(taskId) {
        let data;
        try {
          data = await client.getResult({ req_key: settings.reqKey, task_id: taskId });
        } catch (error) {
          // A business code on CVGetResult is the task's outcome (50511 output review,
          // 50500/50501 internal errors); a gateway or transport error is about this poll only.
          throw isBusinessCode(error) ? asTaskFailure(error) : error;
        }
        switch (data.status) {
          case 'in_queue':
          case 'generating':
            return { state: 'pending', retryAfterMs: settings.pollIntervalMs };
          case 'done':
            return { state: 'done', answer: mapVolcengineRespData(data.resp_data, model) };
          case 'not_found':
          case 'expired':
            throw new EngineError(
              'volcengine',
              data.status,
              `Volcengine task ${taskId} is ${data.status === 'expired' ? 'expired' : 'not found (unknown or older than 12 h)'}; submit it again.`,
              'resubmit',
            );
        }
      },
    },
  });
}

/** A failure carrying one of the CV envelope's numeric business codes (not 50429/50430: QPS). */
function isBusinessCode(error: unknown): boolean {
  if (!(error instanceof EngineError) || !/^\d+$/.test(error.code)) return false;
  return error.errorClass !== 'retry-later' && Number(error.code) in volcengineBusinessCodes;
}

/**
 * Checks the credentials without paying for anything: CVGetResult for a task that does not
 * exist answers `not_found` once the gateway accepted the signature.
 */
export async function checkVolcengineCredentials(
  settings: VolcengineSettings,
  options: { fetch?: typeof fetch; client?: VolcengineClient } = {},
): Promise<ConnectionStep> {
  const client =
    options.client ??
    createVolcengineClient({
      endpoint: settings.endpoint,
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      sessionToken: settings.sessionToken,
      region: settings.region,
      service: settings.service,
      timeoutMs: Math.min(settings.timeoutMs, 15_000),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  try {
    const data = await client.getResult({ req_key: settings.reqKey, task_id: '0' });
    return {
      step: 'credentials',
      ok: true,
      detail: `Signature accepted by ${settings.endpoint} (a probe task answered ${data.status}).`,
    };
  } catch (error) {
    if (error instanceof EngineError && error.errorClass === 'permanent') {
      // A business refusal of the probe still means the gateway accepted the signature.
      return {
        step: 'credentials',
        ok: true,
        detail: `Signature accepted (the probe was refused: ${error.message}).`,
      };
    }
    return { step: 'credentials', ok: false, detail: (error as Error).message };
  }
}
