// The Volcengine profile (main/engines/engine-profile.ts): QPS and concurrency are per account
// and req_key and not published (they surface as 50429/50430, PROTOCOLS.md A.5/A.6): 2 calls/s
// with 2 in flight, the conservative end for the jimeng/omni keys; CVSubmitTask and
// CVGetResult both count. Results are kept 12 h (A.4).
import type { EngineProfile } from '../engine-profile.ts';

export const volcengineProfile = {
  id: 'volcengine',
  kind: 'async',
  callLimits: { qps: 2, concurrency: 2, burst: 1 },
  resultRetentionMs: 12 * 60 * 60_000,
  pollIntervalMs: 3000,
  hosting: 'url',
} as const satisfies EngineProfile;
