// The Huawei Cloud / G42 Image Tagging V2 engine (DESIGN.md §3): prepares the photo for
// the service's limits, sends it as base64, and maps the answer to the tag model with boxes
// normalised by the size of the image actually sent.
import { EngineError, type EngineLimits, type SyncEngine } from '../engine.ts';
import { isGoneAfterRetirement, retiredEngineError } from '../engine-retirement.ts';
import { PrepareError, prepareForEngine } from '../../imaging/prepare-for-engine.ts';
import { mapTaggingAnswer } from './huawei-answer.ts';
import { createHuaweiClient, type HuaweiClientDeps } from './huawei-client.ts';
import { huaweiEngineError } from './huawei-errors.ts';
import { huaweiProfile } from './huawei-profile.ts';
import {
  huaweiSettingsSchema,
  resolveImageEndpoint,
  type HuaweiSettings,
  type HuaweiSettingsInput,
} from './huawei-settings.ts';

export { huaweiSettingsSchema } from './huawei-settings.ts';

export const huaweiModel = 'image-tagging-v2';

/**
 * The service allows 10 MB of base64. The client stays under 10,000,000 characters, the
 * smaller reading of "10M", so an image is never refused for the difference.
 */
export const huaweiMaxBase64Length = 10_000_000;

export function huaweiLimits(
  settings: Pick<HuaweiSettings, 'minSide'> & Partial<Pick<HuaweiSettings, 'uploadMaxSide'>>,
): EngineLimits {
  return {
    formats: ['jpeg', 'png', 'bmp', 'webp'],
    maxSide: Math.min(4096, settings.uploadMaxSide ?? 4096),
    minSide: settings.minSide,
    maxBase64Length: huaweiMaxBase64Length,
    input: 'base64',
  };
}

export interface HuaweiEngineDeps extends HuaweiClientDeps {
  readonly prepare?: typeof prepareForEngine;
}

export function createHuaweiEngine(
  settingsInput: HuaweiSettingsInput,
  deps: HuaweiEngineDeps = {},
): SyncEngine {
  const settings = huaweiSettingsSchema.parse(settingsInput);
  const prepare = deps.prepare ?? prepareForEngine;
  const limits = huaweiLimits(settings);
  const client = createHuaweiClient(settings, deps);
  const endpointHost = new URL(resolveImageEndpoint(settings)).host;
  const now = deps.now ?? Date.now;
  const retirement = huaweiProfile.retirement;

  return {
    id: 'huawei',
    kind: 'sync',
    limits,
    settingsKey() {
      return [
        `huawei/${huaweiModel}@${endpointHost}`,
        `language=${settings.language}`,
        `threshold=${String(settings.threshold)}`,
        `limit=${String(settings.limit)}`,
        ...(settings.uploadMaxSide < 4096 ? [`side=${String(settings.uploadMaxSide)}`] : []),
      ].join('|');
    },
    async tag(request) {
      let prepared;
      try {
        prepared = await prepare(request.sourcePath, limits);
      } catch (error) {
        if (error instanceof PrepareError) {
          throw huaweiEngineError({ code: `client.${error.code}`, detail: error.message }, []);
        }
        throw error;
      }
      const image = prepared.data.toString('base64');
      // Calls are paced by the job runner's limiter for this engine (main/jobs/engine-limiter.ts),
      // the one limiter per engine in the process; the settings' qps/concurrency configure it.
      let answer;
      try {
        answer = await client.tagImage({
          image,
          ...(request.signal ? { signal: request.signal } : {}),
        });
      } catch (error) {
        // [Note: A retired engine stops once] (engine-retirement.ts).
        if (error instanceof EngineError && isGoneAfterRetirement(error, retirement, now()))
          throw retiredEngineError(error, retirement);
        throw error;
      }
      return mapTaggingAnswer(answer, {
        width: prepared.width,
        height: prepared.height,
        language: settings.language,
        model: huaweiModel,
      });
    },
  };
}
