// The on-device engine's profile (main/engines/engine-profile.ts): no QPS limit; two in flight
// lets it decode one photo while it infers another.
import type { EngineProfile } from '../engine-profile.ts';

export const localProfile = {
  id: 'local',
  kind: 'sync',
  callLimits: { qps: Number.POSITIVE_INFINITY, concurrency: 2, burst: 1 },
  hosting: 'none',
} as const satisfies EngineProfile;
