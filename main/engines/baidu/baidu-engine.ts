// The Baidu AI Cloud 通用物体和场景识别 engine (issue 13): prepares the photo for the documented
// limits (jpg/png/bmp, 15–4096 px, at most 4 MB of base64), sends it in the form body and maps
// the results to the tag model (baidu-answer.ts).
import { type EngineLimits, prepareForCall, type SyncEngine } from '../engine.ts';
import type { ConnectionStep } from '../hosting/image-hosting.ts';
import { prepareForEngine } from '../../imaging/prepare-for-engine.ts';
import { mapBaiduAnswer } from './baidu-answer.ts';
import { createBaiduClient, type BaiduClientDeps } from './baidu-client.ts';
import {
  baiduSettingsSchema,
  type BaiduSettings,
  type BaiduSettingsInput,
} from './baidu-settings.ts';

export const baiduModel = 'advanced_general-v2';

/**
 * "base64编码后大小不超过4M": the client stays under 4,000,000 characters of base64 (before the
 * URL encoding, which the limit does not count), the smaller reading of "4M".
 */
export const baiduMaxBase64Length = 4_000_000;

export function baiduLimits(settings: Pick<BaiduSettings, 'uploadMaxSide'>): EngineLimits {
  return {
    formats: ['jpeg', 'png', 'bmp'],
    maxSide: Math.min(4096, settings.uploadMaxSide),
    minSide: 15,
    maxBase64Length: baiduMaxBase64Length,
    input: 'base64',
  };
}

export interface BaiduEngineDeps extends BaiduClientDeps {
  readonly prepare?: typeof prepareForEngine;
}

export interface BaiduEngine extends SyncEngine {
  /** Access tokens fetched so far (one per 30 days, plus one per refusal). */
  readonly tokenFetches: number;
}

export function createBaiduEngine(
  settingsInput: BaiduSettingsInput,
  deps: BaiduEngineDeps = {},
): BaiduEngine {
  const settings = baiduSettingsSchema.parse(settingsInput);
  const prepare = deps.prepare ?? prepareForEngine;
  const limits = baiduLimits(settings);
  const client = createBaiduClient(settings, deps);
  const host = new URL(settings.endpoint).host;
  return {
    id: 'baidu',
    kind: 'sync',
    limits,
    get tokenFetches() {
      return client.tokens.fetches;
    },
    settingsKey() {
      return [
        `baidu/${baiduModel}@${host}`,
        `threshold=${String(settings.threshold)}`,
        ...(settings.uploadMaxSide < 4096 ? [`side=${String(settings.uploadMaxSide)}`] : []),
      ].join('|');
    },
    async tag(request) {
      const prepared = await prepareForCall(
        'baidu',
        prepare,
        request.sourcePath,
        limits,
        'Baidu AI',
      );
      const answer = await client.advancedGeneral(prepared.data.toString('base64'));
      return mapBaiduAnswer(answer, { threshold: settings.threshold, model: baiduModel });
    },
  };
}

/**
 * "Test connection" without a billed call: fetching the access token proves the API Key and
 * Secret Key (the token endpoint is free); the API itself is not called.
 */
export async function checkBaiduCredentials(
  settings: BaiduSettings,
  deps: BaiduClientDeps = {},
): Promise<ConnectionStep> {
  const client = createBaiduClient(
    { ...settings, requestTimeoutMs: Math.min(settings.requestTimeoutMs, 15_000) },
    deps,
  );
  try {
    await client.tokens.token();
    return {
      step: 'credentials',
      ok: true,
      detail: `API Key and Secret Key accepted by ${settings.endpoint} (an access token was issued).`,
    };
  } catch (error) {
    return { step: 'credentials', ok: false, detail: (error as Error).message };
  }
}
