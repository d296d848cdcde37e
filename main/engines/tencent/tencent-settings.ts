// Settings of the Tencent Cloud image-tagging engine (tiia, API 2019-05-29), validated with zod
// at the settings boundary. The secret key (and a temporary credential's token) live in the
// SecretStore, never with the rest (main/engines/engine-settings.ts).
import { z } from 'zod';
import { httpUrl } from '../http-url.ts';
import { tencentDocumentedQps, tencentProfile } from './tencent-profile.ts';

/**
 * Regions the tiia API is offered in (the region list of Tencent's API docs for the product);
 * others are accepted too, since the list grows and an unknown one is answered by the gateway
 * (UnsupportedRegion, which stops the engine with that message).
 */
export const knownTencentRegions = [
  'ap-guangzhou',
  'ap-shanghai',
  'ap-beijing',
  'ap-hongkong',
  'ap-singapore',
  'na-siliconvalley',
] as const;

/**
 * Which action tags: DetectLabelPro (通用图像标签, the upgraded service), DetectLabel (the
 * older multi-scene one), or `auto`: Pro first, and DetectLabel from the first answer that
 * says Pro is not available to this account or region ([Note: Tencent's Pro fallback]).
 */
export const tencentActions = ['auto', 'DetectLabelPro', 'DetectLabel'] as const;

/** DetectLabel's scenes; each is billed as its own call, so exactly one is sent. */
export const tencentLabelScenes = ['ALBUM', 'CAMERA', 'WEB', 'NEWS'] as const;

export const tencentSettingsSchema = z.object({
  /** The API 3.0 endpoint; the service is named after its host (`tiia`). */
  endpoint: httpUrl
    .default('https://tiia.tencentcloudapi.com')
    .transform((value) => value.replace(/\/+$/, '')),
  region: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('ap-guangzhou'),
  secretId: z.string().min(1),
  secretKey: z.string().min(1),
  /** A temporary credential's token (X-TC-Token). */
  sessionToken: z.string().min(1).optional(),
  action: z.enum(tencentActions).default('auto'),
  /** DetectLabel's scene (ALBUM: tuned for phone albums and cloud drives). */
  labelScene: z.enum(tencentLabelScenes).default('ALBUM'),
  /** Labels below this confidence (0–100) are not kept. */
  threshold: z.number().min(0).max(100).default(30),
  qps: z.number().positive().max(tencentDocumentedQps).default(tencentProfile.callLimits.qps),
  concurrency: z.number().int().min(1).max(20).default(tencentProfile.callLimits.concurrency),
  /**
   * Longest side sent. The limit the docs set is on the base64 text (4 MB); 4096 px keeps a
   * photo's JPEG well inside it, lower it to send less over a slow uplink.
   */
  uploadMaxSide: z.number().int().min(64).max(4096).default(4096),
  /** The docs recommend more than 50×50 px ("否则影响识别效果"): smaller photos are not sent. */
  minSide: z.number().int().min(1).max(512).default(50),
  requestTimeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
});
export type TencentSettings = z.output<typeof tencentSettingsSchema>;
export type TencentSettingsInput = z.input<typeof tencentSettingsSchema>;

/** The signed host and the credential-scope service of an endpoint (`tiia`). */
export function tencentHost(settings: Pick<TencentSettings, 'endpoint'>): {
  host: string;
  service: string;
} {
  const url = new URL(settings.endpoint);
  // The official SDK signs `hostname` (no port) and takes the service from the host's first
  // label; for an endpoint that is an IP address (an emulator) the product name is kept.
  const first = url.hostname.split('.')[0] ?? '';
  const isName = /^[a-z][a-z0-9-]*$/.test(first) && url.hostname.includes('.');
  return { host: url.hostname, service: isName ? first : 'tiia' };
}
