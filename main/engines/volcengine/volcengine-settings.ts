// The Volcengine engine's settings (validated at the settings-file/IPC trust boundary).
// Secrets (secretAccessKey, sessionToken) are filled from the SecretStore, never stored with
// the rest: see main/engines/engine-settings.ts.
import { z } from 'zod';
import { HostingSettings } from '../hosting/image-hosting.ts';
import { volcengineProfile } from './volcengine-profile.ts';
import { httpUrl } from '../http-url.ts';

/** The seed's subject-detection service key (seed 000). */
export const volcengineSubjectReqKey = 'jimeng_realman_avatar_picture_create_role_omni_v15';

export const volcengineSettingsSchema = z.object({
  endpoint: httpUrl.default('https://visual.volcengineapi.com'),
  /** The docs call region and service fixed values for this API; kept configurable anyway. */
  region: z.string().min(1).default('cn-north-1'),
  service: z.string().min(1).default('cv'),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
  reqKey: z.string().min(1).default(volcengineSubjectReqKey),
  /** Wait between CVGetResult polls while in_queue/generating. */
  pollIntervalMs: z.number().int().min(100).default(volcengineProfile.pollIntervalMs),
  /** Per-request timeout. */
  timeoutMs: z.number().int().min(100).default(30_000),
  /** Per-account limits surface as 50429/50430; the job runner keeps below these. */
  qps: z.number().min(0.1).default(volcengineProfile.callLimits.qps),
  concurrency: z.number().int().min(1).default(volcengineProfile.callLimits.concurrency),
  /** Image limits (A.6): JPEG/PNG ≤4.7 MB, ≤4096 px, short side ≥320 px. */
  maxBytes: z.number().int().min(10_000).default(4_700_000),
  maxSide: z.number().int().min(64).max(4096).default(4096),
  minSide: z.number().int().min(1).default(320),
  hosting: HostingSettings,
});
export type VolcengineSettings = z.infer<typeof volcengineSettingsSchema>;
export type VolcengineSettingsInput = z.input<typeof volcengineSettingsSchema>;
