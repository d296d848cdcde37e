// The on-device text reader's profile (main/engines/engine-profile.ts): the text stage runs as
// an engine of the one pipeline, so per-folder enable, pause, budget, progress with ETA,
// crash-safe jobs and never-read-twice (the settings key carries textModelVersion) come from
// the job runner like every other engine's.
//
// [Note: Text after the object pass]
// Reading text costs ~0.1 s on a photo without text and ~1 s on a page; the object pass is what
// the user waits for first. The text lane has one photo in flight, and its reader process runs
// at a lower OS priority (nice 10, text-worker-pool.ts): on a busy machine the object pass gets
// the cores and text reading fills the idle time, without a second scheduler in the runner.
//
// [Note: Text reading is on by default]
// Text is read on every folder that runs the on-device engine (new folders, and existing ones
// through migration 12), because it is local, free and private like the object pass and the
// words in photos are what users search for most after tags; a folder opts out by turning the
// `text` engine off (`tujian engines folder`, the folder's engine switches in the app).
import type { EngineProfile } from '../engine-profile.ts';

export const textProfile = {
  id: 'text',
  kind: 'sync',
  callLimits: { qps: Number.POSITIVE_INFINITY, concurrency: 1, burst: 1 },
  hosting: 'none',
} as const satisfies EngineProfile;
