// The Huawei Image Tagging V2 profile (main/engines/engine-profile.ts). The docs give a default
// concurrency of 10 calls (PROTOCOLS.md B.5) and no QPS; the gateway's APIG.0308 limit is per
// minute and per account policy, so the default is 10 calls/s with 10 in flight.
import type { EngineProfile } from '../engine-profile.ts';

export const huaweiProfile = {
  id: 'huawei',
  kind: 'sync',
  callLimits: { qps: 10, concurrency: 10, burst: 1 },
  hosting: 'none',
  // PROTOCOLS.md B.1: Huawei's bulletin stops the sale of Image Recognition (Image Tagging V2
  // included) in all regions on 2026-06-30; the service is expected offline around 2026-12-30.
  // After that date a host that no longer resolves or refuses connections, or a gateway
  // answering that the API (APIG.0101) or service (AIS.0005) does not exist, stops the engine
  // once: [Note: A retired engine stops once] (engine-retirement.ts).
  retirement: {
    endOfSale: '2026-06-30',
    endOfService: '2026-12-30',
    source: 'Huawei Cloud bulletin on Image Recognition',
    goneCodes: ['client.unresolved', 'client.refused', 'APIG.0101', 'AIS.0005'],
  },
} as const satisfies EngineProfile;
