// What the rest of the app needs to know about an engine before it has built one: how fast it
// may be called, how long its async results live, how often to poll, and whether it needs a
// hosted copy of the photo (only a `hosting: 'url'` profile can build the shared hosted-async
// flow, main/engines/hosting/hosted-async-engine.ts). Its error table is `<engine>-errors.ts`,
// which that engine's classification reads; nothing else needs it, so it is not repeated here. Each engine declares its
// profile once, in its own folder (`<engine>/<engine>-profile.ts`); `engineProfiles` below is
// the one registry line per engine. The limiter's defaults (main/jobs/engine-limiter.ts), the
// settings' defaults (`<engine>-settings.ts`) and the runner's result retention all read it,
// so they cannot disagree. See [Note: Engine call limits] for where the numbers come from.
import { aliyunProfile } from './aliyun/aliyun-profile.ts';
import { huaweiProfile } from './huawei/huawei-profile.ts';
import { localProfile } from './local/local-profile.ts';
import type { EngineId } from './tag-model.ts';
import { volcengineProfile } from './volcengine/volcengine-profile.ts';

export interface EngineProfile {
  readonly id: EngineId;
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
}

/** The registry: one line per engine. */
export const engineProfiles: Readonly<Record<EngineId, EngineProfile>> = {
  local: localProfile,
  huawei: huaweiProfile,
  aliyun: aliyunProfile,
  volcengine: volcengineProfile,
};
