// The Aliyun Green engine (seed 002): the prepared photo is hosted (main/engines/hosting), its
// presigned URL submitted to /green/image/asyncscan with the configured scenes (default
// `["tag"]`), and /green/image/results polled (280 = still processing; results kept 1 h; 594 =
// expired → resubmit). `label/rate/scene/suggestion` become `concept` tags with `rate` as
// confidence and scene and suggestion kept in `extra` (DESIGN.md §2).
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
import type { EngineAnswer, ScoredTag } from '../tag-model.ts';
import { createAliyunClient, type AliyunClient } from './aliyun-client.ts';
import { aliyunCodeError } from './aliyun-errors.ts';
import { createHostedAsyncEngine } from '../hosting/hosted-async-engine.ts';
import { aliyunLabelNames } from './aliyun-labels.ts';
import { aliyunProfile } from './aliyun-profile.ts';
import type { AliyunSceneResult } from './aliyun-schemas.ts';
import { aliyunEndpoint, type AliyunSettings } from './aliyun-settings.ts';

/** PNG/JPG/BMP/GIF/WEBP, ≤20 MB for async scan (PROTOCOLS.md §C.6; side and bytes configurable). */
export function aliyunLimits(
  overrides: Partial<Pick<AliyunSettings, 'maxBytes' | 'maxSide' | 'minSide'>> = {},
): EngineLimits {
  return {
    formats: ['jpeg', 'png', 'webp', 'bmp', 'gif'],
    maxBytes: overrides.maxBytes ?? 20 * 1024 * 1024,
    maxSide: overrides.maxSide ?? 4096,
    minSide: overrides.minSide ?? 1,
    input: 'url',
  };
}

export function aliyunModel(settings: Pick<AliyunSettings, 'scenes' | 'bizType'>): string {
  return `green-2018-05-09:${[...settings.scenes].sort().join('+')}${settings.bizType ? `:${settings.bizType}` : ''}`;
}

/**
 * Maps one task's scene results to tags. In a risk scene the label `normal` means "nothing of
 * that risk was found" and is no tag; the answer is still a successful one.
 */
export function mapAliyunResults(
  results: readonly AliyunSceneResult[],
  model: string,
  threshold = 0,
): EngineAnswer {
  const byName = new Map<string, ScoredTag>();
  for (const result of results) {
    if (result.rate < threshold) continue;
    if (result.scene !== 'tag' && result.label.toLowerCase() === 'normal') continue;
    const names = aliyunLabelNames(result.label);
    const name = result.label.trim().toLowerCase();
    const tag: ScoredTag = {
      name,
      i18n: { zh: names.zh, en: names.en },
      type: 'concept',
      confidence: result.rate,
      instances: [],
      extra: {
        scene: result.scene,
        ...(result.suggestion !== undefined ? { suggestion: result.suggestion } : {}),
        ...(names.zhKnown ? {} : { zhKnown: false }),
      },
    };
    // The same label from two scenes: keep the more confident one.
    const seen = byName.get(name);
    if (!seen || seen.confidence < tag.confidence) byName.set(name, tag);
  }
  return { engine: 'aliyun', model, tags: [...byName.values()] };
}

export interface AliyunEngineOptions {
  readonly settings: AliyunSettings;
  /** Where the prepared photo is put; an S3 host built from `settings.hosting` when absent. */
  readonly host?: ImageHost;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
  readonly prepare?: (input: string, limits: EngineLimits) => Promise<PreparedImage>;
  readonly client?: AliyunClient;
}

export function createAliyunEngine(options: AliyunEngineOptions): AsyncEngine {
  const { settings } = options;
  const model = aliyunModel(settings);
  const client =
    options.client ??
    createAliyunClient({
      endpoint: aliyunEndpoint(settings),
      accessKeyId: settings.accessKeyId,
      accessKeySecret: settings.accessKeySecret,
      securityToken: settings.securityToken,
      timeoutMs: settings.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.now ? { now: options.now } : {}),
    });

  // The wire protocol; the hosting around it is the shared hosted-async flow.
  return createHostedAsyncEngine({
    profile: aliyunProfile,
    limits: aliyunLimits(settings),
    settingsKey: () => `aliyun:${model}:threshold=${String(settings.threshold)}`,
    host: options.host ?? createS3ImageHost(settings.hosting),
    ...(options.prepare ? { prepare: options.prepare } : {}),
    protocol: {
      async submit(url, request) {
        const data = await client.asyncScan({
          scenes: settings.scenes,
          tasks: [{ dataId: request.contentHash, url }],
          ...(settings.bizType ? { bizType: settings.bizType } : {}),
          ...(settings.callback
            ? { callback: settings.callback.url, seed: settings.callback.seed }
            : {}),
        });
        const task = data[0];
        if (!task) {
          throw new EngineError(
            'aliyun',
            'unexpected-response',
            'Aliyun asyncscan: code 200 but no task in data',
            'retry',
          );
        }
        if (task.code !== 200) throw aliyunCodeError(task.code, task.msg, 200);
        if (!task.taskId) {
          throw new EngineError(
            'aliyun',
            'unexpected-response',
            'Aliyun asyncscan: task accepted without a taskId',
            'retry',
          );
        }
        return task.taskId;
      },
      async poll(taskId) {
        const data = await client.results([taskId]);
        const item = data.find((d) => d.taskId === taskId) ?? data[0];
        if (!item) {
          throw new EngineError(
            'aliyun',
            'unexpected-response',
            `Aliyun results: no entry for task ${taskId}`,
            'retry',
          );
        }
        if (item.code === 280) return { state: 'pending', retryAfterMs: settings.pollIntervalMs };
        // A per-task code is the task's outcome (480 download failed, 58x service failures):
        // [Note: A failed async task is submitted again] in main/engines/engine.ts. 594
        // (expired) keeps its own class, `resubmit`.
        if (item.code !== 200) throw asTaskFailure(aliyunCodeError(item.code, item.msg, 200));
        return {
          state: 'done',
          answer: mapAliyunResults(item.results ?? [], model, settings.threshold),
        };
      },
    },
  });
}

/**
 * Checks the credentials without paying for anything: /green/image/results for a task that
 * does not exist answers per-task 594 once the POP gateway accepted the signature.
 */
export async function checkAliyunCredentials(
  settings: AliyunSettings,
  options: { fetch?: typeof fetch; client?: AliyunClient } = {},
): Promise<ConnectionStep> {
  const endpoint = aliyunEndpoint(settings);
  const client =
    options.client ??
    createAliyunClient({
      endpoint,
      accessKeyId: settings.accessKeyId,
      accessKeySecret: settings.accessKeySecret,
      securityToken: settings.securityToken,
      timeoutMs: Math.min(settings.timeoutMs, 15_000),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  try {
    const data = await client.results(['tujian-connection-probe']);
    return {
      step: 'credentials',
      ok: true,
      detail: `Signature accepted by ${endpoint} (a probe task answered ${String(data[0]?.code ?? 'nothing')}).`,
    };
  } catch (error) {
    if (error instanceof EngineError && error.errorClass === 'permanent') {
      return {
        step: 'credentials',
        ok: true,
        detail: `Signature accepted (the probe was refused: ${error.message}).`,
      };
    }
    return { step: 'credentials', ok: false, detail: (error as Error).message };
  }
}
