// The Baidu AI Cloud 通用物体和场景识别 (advanced_general) profile (main/engines/engine-profile.ts).
// The QPS is per application and bought: the free allowance is 2 calls/s (error 18 above it),
// so the default is 2 calls/s with 2 in flight; a paid quota is set in the settings. The answer
// comes back in the call (sync), the photo goes in the form body (no hosting).
import type { EngineProfile } from '../engine-profile.ts';

export const baiduProfile = {
  id: 'baidu',
  kind: 'sync',
  callLimits: { qps: 2, concurrency: 2, burst: 1 },
  hosting: 'none',
} as const satisfies EngineProfile;
