// The Tencent Cloud image-tagging engine (issue 13): prepares the photo for the documented
// limits (PNG/JPG/BMP, at most 4 MB of base64), sends it as ImageBase64 (no hosting needed)
// to DetectLabelPro — or DetectLabel where Pro is not available ([Note: Tencent's Pro
// fallback]) — and maps the labels to the tag model (tencent-answer.ts).
import { EngineError, type EngineLimits, prepareForCall, type SyncEngine } from '../engine.ts';
import { prepareForEngine } from '../../imaging/prepare-for-engine.ts';
import { labelsOf, mapTencentLabels } from './tencent-answer.ts';
import {
  createTencentClient,
  tencentApiVersion,
  type TencentAction,
  type TencentClientDeps,
} from './tencent-client.ts';
import { proUnavailableCodes } from './tencent-errors.ts';
import type { ConnectionStep } from '../hosting/image-hosting.ts';
import {
  tencentHost,
  tencentSettingsSchema,
  type TencentSettings,
  type TencentSettingsInput,
} from './tencent-settings.ts';

/**
 * "经Base64编码后不超过4M": the client stays under 4,000,000 characters, the smaller reading
 * of "4M", so an image is never refused for the difference.
 */
export const tencentMaxBase64Length = 4_000_000;

export function tencentLimits(
  settings: Pick<TencentSettings, 'uploadMaxSide' | 'minSide'>,
): EngineLimits {
  return {
    formats: ['jpeg', 'png', 'bmp'],
    maxSide: settings.uploadMaxSide,
    minSide: settings.minSide,
    maxBase64Length: tencentMaxBase64Length,
    input: 'base64',
  };
}

export interface TencentEngine extends SyncEngine {
  /** The action the next call uses (changes once in `auto` mode, after a Pro refusal). */
  readonly currentAction: TencentAction;
}

export interface TencentEngineDeps extends TencentClientDeps {
  readonly prepare?: typeof prepareForEngine;
}

function modelOf(action: TencentAction, settings: TencentSettings): string {
  return action === 'DetectLabelPro'
    ? `tiia-DetectLabelPro@${tencentApiVersion}`
    : `tiia-DetectLabel-${settings.labelScene}@${tencentApiVersion}`;
}

export function createTencentEngine(
  settingsInput: TencentSettingsInput,
  deps: TencentEngineDeps = {},
): TencentEngine {
  const settings = tencentSettingsSchema.parse(settingsInput);
  const prepare = deps.prepare ?? prepareForEngine;
  const limits = tencentLimits(settings);
  const client = createTencentClient(settings, deps);
  const { host } = tencentHost(settings);
  let action: TencentAction = settings.action === 'DetectLabel' ? 'DetectLabel' : 'DetectLabelPro';

  const bodyFor = (which: TencentAction, image: string) =>
    which === 'DetectLabelPro'
      ? { ImageBase64: image }
      : { ImageBase64: image, Scenes: [settings.labelScene] };

  return {
    id: 'tencent',
    kind: 'sync',
    limits,
    get currentAction() {
      return action;
    },
    settingsKey() {
      // `auto` is one key whichever action answers: the answer's `model` says which did.
      return [
        `tencent/tiia@${host}`,
        `region=${settings.region}`,
        `action=${settings.action}`,
        ...(settings.action === 'DetectLabelPro' ? [] : [`scene=${settings.labelScene}`]),
        `threshold=${String(settings.threshold)}`,
        ...(settings.uploadMaxSide < 4096 ? [`side=${String(settings.uploadMaxSide)}`] : []),
      ].join('|');
    },
    async tag(request) {
      const prepared = await prepareForCall(
        'tencent',
        prepare,
        request.sourcePath,
        limits,
        'Tencent Cloud',
      );
      const image = prepared.data.toString('base64');
      const used = action;
      let response;
      try {
        response = await client.call(used, bodyFor(used, image));
      } catch (error) {
        const proRefused =
          settings.action === 'auto' &&
          used === 'DetectLabelPro' &&
          error instanceof EngineError &&
          proUnavailableCodes.has(error.code);
        if (!proRefused) throw error;
        action = 'DetectLabel';
        response = await client.call('DetectLabel', bodyFor('DetectLabel', image));
        return mapTencentLabels(labelsOf(response, 'DetectLabel', settings.labelScene), {
          threshold: settings.threshold,
          model: modelOf('DetectLabel', settings),
        });
      }
      return mapTencentLabels(labelsOf(response, used, settings.labelScene), {
        threshold: settings.threshold,
        model: modelOf(used, settings),
      });
    },
  };
}

/**
 * "Test connection" without a billed call: the action is sent with an empty image, which the
 * gateway answers only after it has checked the signature — an AuthFailure means the keys are
 * wrong; the service's refusal of the empty image (not billed) means they were accepted.
 */
export async function checkTencentCredentials(
  settings: TencentSettings,
  deps: TencentClientDeps = {},
): Promise<ConnectionStep> {
  const client = createTencentClient(
    { ...settings, requestTimeoutMs: Math.min(settings.requestTimeoutMs, 15_000) },
    deps,
  );
  const probe = settings.action === 'DetectLabel' ? 'DetectLabel' : 'DetectLabelPro';
  try {
    await client.call(probe, { ImageBase64: '' });
    return {
      step: 'credentials',
      ok: true,
      detail: `Signature accepted by ${settings.endpoint} (${probe}).`,
    };
  } catch (error) {
    if (error instanceof EngineError && error.errorClass === 'permanent') {
      return {
        step: 'credentials',
        ok: true,
        detail: `Signature accepted by ${settings.endpoint} (the empty probe image was refused: ${error.code}).`,
      };
    }
    return { step: 'credentials', ok: false, detail: (error as Error).message };
  }
}
