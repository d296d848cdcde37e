// The Aliyun Green profile (main/engines/engine-profile.ts): 50 images/s per user (PROTOCOLS.md
// C.6, 588 beyond); asyncscan and results share the bucket. 45/s is 10 % under the quota
// (bench/cloud.ts: a client spaced at exactly the limit trips a strict one-second window now
// and then), 16 in flight. Results are kept 1 h (C.4); 280 means poll again after about 5 s.
import type { EngineProfile } from '../engine-profile.ts';

export const aliyunProfile = {
  id: 'aliyun',
  kind: 'async',
  callLimits: { qps: 45, concurrency: 16, burst: 1 },
  resultRetentionMs: 60 * 60_000,
  pollIntervalMs: 5000,
  hosting: 'url',
} as const satisfies EngineProfile;
