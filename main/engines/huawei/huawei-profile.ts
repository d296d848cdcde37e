// The Huawei Image Tagging V2 profile (main/engines/engine-profile.ts). The docs give a default
// concurrency of 10 calls (PROTOCOLS.md B.5) and no QPS; the gateway's APIG.0308 limit is per
// minute and per account policy, so the default is 10 calls/s with 10 in flight.
import type { EngineProfile } from '../engine-profile.ts';

export const huaweiProfile = {
  id: 'huawei',
  kind: 'sync',
  callLimits: { qps: 10, concurrency: 10, burst: 1 },
  hosting: 'none',
} as const satisfies EngineProfile;
