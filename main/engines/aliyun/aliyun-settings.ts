// The Aliyun Green engine's settings (validated at the settings-file/IPC trust boundary).
// Secrets (accessKeySecret, securityToken, callback seed) come from the SecretStore: see
// main/engines/engine-settings.ts.
import { z } from 'zod';
import { httpUrl } from '../http-url.ts';
import { HostingSettings } from '../hosting/image-hosting.ts';
import { aliyunProfile } from './aliyun-profile.ts';

/** The regions PROTOCOLS.md §C.1 confirms; others fail with "Invalid Region ID". */
export const aliyunRegions = [
  'cn-shanghai',
  'cn-beijing',
  'cn-shenzhen',
  'ap-southeast-1',
] as const;
export const AliyunRegion = z.enum(aliyunRegions);

export const aliyunSettingsSchema = z.object({
  region: AliyunRegion.default('cn-shanghai'),
  /** Overrides `https://green.{region}.aliyuncs.com` (a VPC endpoint, an emulator). */
  endpoint: httpUrl.optional(),
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).optional(),
  /** Seed 002 asks for `tag`; the documented risk scenes (porn, terrorism, ad, …) work too. */
  scenes: z.array(z.string().min(1)).min(1).default(['tag']),
  bizType: z.string().min(1).optional(),
  /** Results below this rate (0–100) are dropped. */
  threshold: z.number().min(0).max(100).default(0),
  /** Optional push of results; the web host mounts the receiver (aliyun-callback.ts). */
  callback: z
    .object({
      url: httpUrl,
      seed: z.string().min(1),
      /** The Alibaba Cloud account ID, part of the checksum. */
      uid: z.string().min(1),
    })
    .optional(),
  /** 280 (still processing) means poll again after about 5 s. */
  pollIntervalMs: z.number().int().min(100).default(aliyunProfile.pollIntervalMs),
  timeoutMs: z.number().int().min(100).default(30_000),
  /** The service allows 50 images/s per user (588 beyond); default: the profile's. */
  qps: z.number().min(0.1).default(aliyunProfile.callLimits.qps),
  concurrency: z.number().int().min(1).default(aliyunProfile.callLimits.concurrency),
  /** Async scan takes ≤20 MB and ≤30,000 px a side; a smaller side keeps the 3 s download easy. */
  maxBytes: z
    .number()
    .int()
    .min(10_000)
    .max(20 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  maxSide: z.number().int().min(64).max(30_000).default(4096),
  minSide: z.number().int().min(1).default(1),
  hosting: HostingSettings,
});
export type AliyunSettings = z.infer<typeof aliyunSettingsSchema>;
export type AliyunSettingsInput = z.input<typeof aliyunSettingsSchema>;

export function aliyunEndpoint(settings: Pick<AliyunSettings, 'region' | 'endpoint'>): string {
  return settings.endpoint ?? `https://green.${settings.region}.aliyuncs.com`;
}
