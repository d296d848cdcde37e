// The local vision-language model profile (main/engines/engine-profile.ts). The model runs on
// the user's own machine (Ollama, LM Studio, llama.cpp server, vLLM) or an endpoint they chose:
// one image at a time keeps a laptop's GPU or CPU from thrashing between requests, and a
// 7B-class vision model answers in seconds, so 1 call/s with 1 in flight is the default.
import type { EngineProfile } from '../engine-profile.ts';

export const vlmProfile = {
  id: 'vlm',
  kind: 'sync',
  callLimits: { qps: 1, concurrency: 1, burst: 1 },
  hosting: 'none',
} as const satisfies EngineProfile;
