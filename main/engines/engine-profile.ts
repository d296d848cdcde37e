// What the rest of the app needs to know about an engine before it has built one: how fast it
// may be called, how long its async results live, how often to poll, and whether it needs a
// hosted copy of the photo (only a `hosting: 'url'` profile can build the shared hosted-async
// flow, main/engines/hosting/hosted-async-engine.ts). Its error table is `<engine>-errors.ts`,
// which that engine's classification reads; nothing else needs it, so it is not repeated here.
// Each engine declares its profile once, in its own folder (`<engine>/<engine>-profile.ts`);
// `engineProfiles` below is the one registry line per engine, and the engine ids (`EngineId`
// in tag-model.ts, its zod enum included) are derived from its keys. The limiter's defaults (main/jobs/engine-limiter.ts), the
// settings' defaults (`<engine>-settings.ts`) and the runner's result retention all read it,
// so they cannot disagree. See [Note: Engine call limits] for where the numbers come from.
import { aliyunProfile } from './aliyun/aliyun-profile.ts';
import { baiduProfile } from './baidu/baidu-profile.ts';
import {
  type EngineRetirement,
  retirementStatus,
  type RetirementStatus,
} from './engine-retirement.ts';
import { huaweiProfile } from './huawei/huawei-profile.ts';
import { localProfile } from './local/local-profile.ts';
import { vlmProfile } from './vlm/vlm-profile.ts';
import { tencentProfile } from './tencent/tencent-profile.ts';
import { volcengineProfile } from './volcengine/volcengine-profile.ts';

export interface EngineProfile {
  /** The registry key it is filed under (checked by test/engines/engine-profile.test.ts). */
  readonly id: string;
  readonly kind: 'sync' | 'async';
  /** Default call limits: calls started per second, calls in flight, bucket burst. */
  readonly callLimits: {
    readonly qps: number;
    readonly concurrency: number;
    readonly burst: number;
  };
  /** Async engines: how long the service keeps a task's result (then the task is resubmitted). */
  readonly resultRetentionMs?: number;
  /** Async engines: the default wait between polls of a pending task. */
  readonly pollIntervalMs?: number;
  /**
   * 'url': the service downloads the photo, so the engine is built on the hosted-async flow
   * (main/engines/hosting/hosted-async-engine.ts accepts only such a profile).
   */
  readonly hosting: 'none' | 'url';
  /** The vendor's announced end of sale and service, if any (engine-retirement.ts). */
  readonly retirement?: EngineRetirement;
}

/** An engine's retirement status at `now`, or null when no end was announced. */
export function engineRetirementStatus(
  id: keyof typeof engineProfiles,
  now: number,
): RetirementStatus | null {
  const profile: EngineProfile = engineProfiles[id];
  return profile.retirement ? retirementStatus(id, profile.retirement, now) : null;
}

/** The registry: one line per engine. Its keys are the engine ids. */
export const engineProfiles = {
  local: localProfile,
  huawei: huaweiProfile,
  volcengine: volcengineProfile,
  aliyun: aliyunProfile,
  vlm: vlmProfile,
  tencent: tencentProfile,
  baidu: baiduProfile,
} as const satisfies Readonly<Record<string, EngineProfile>>;

/** Every profile, read as the general shape (with its id narrowed to the registry's keys). */
export const engineProfileList: readonly (EngineProfile & {
  readonly id: keyof typeof engineProfiles;
})[] = Object.values(engineProfiles);

/** Every engine id, in registry order (a non-empty tuple, as z.enum wants). */
export const registeredEngineIds = Object.keys(engineProfiles) as [
  keyof typeof engineProfiles,
  ...(keyof typeof engineProfiles)[],
];
