// The Tencent Cloud image-tagging profile (main/engines/engine-profile.ts). DetectLabelPro and
// DetectLabel both document "默认接口请求频率限制：20次/秒" (20 calls/s per account); the
// default stays at half of it, so a second app on the same account is not throttled at once;
// no concurrency limit is documented, and 10 in flight keep the lane at its QPS when calls are
// slow (bench:cloud on a loaded machine reached 0.94 of the QPS with 5 in flight, 0.95 with 10). The answer comes back in the call (a sync engine); the photo is sent as
// ImageBase64, so nothing is hosted.
import type { EngineProfile } from '../engine-profile.ts';

export const tencentProfile = {
  id: 'tencent',
  kind: 'sync',
  callLimits: { qps: 10, concurrency: 10, burst: 1 },
  hosting: 'none',
} as const satisfies EngineProfile;

/** The documented per-account limit of both actions (calls per second). */
export const tencentDocumentedQps = 20;
