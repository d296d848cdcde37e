// Settings of the Huawei Cloud / G42 Image Tagging V2 engine, validated with zod at the
// settings-file boundary. Endpoint, IAM endpoint, region and project are all configuration:
// Image Recognition stops selling on 2026-06-30 and the G42 image host is not confirmed
// anywhere (PROTOCOLS.md B.1), so nothing may be hard-wired to one cloud.
import { z } from 'zod';
import { huaweiProfile } from './huawei-profile.ts';
import { httpUrl } from '../http-url.ts';

/** Regions listed by the official SDK, plus G42's Abu Dhabi region. Others are allowed too. */
export const knownHuaweiRegions = [
  'cn-north-4',
  'cn-north-1',
  'ap-southeast-1',
  'ap-southeast-3',
  'cn-east-3',
  'ae-ad-1',
] as const;

/** An http(s) endpoint without trailing slashes (the signer joins paths onto it). */
const endpointUrl = httpUrl.transform((value) => value.replace(/\/+$/, ''));

export const huaweiAuthSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('aksk'),
    ak: z.string().min(1),
    sk: z.string().min(1),
    /** For temporary credentials; sent as X-Security-Token and signed. */
    securityToken: z.string().min(1).optional(),
  }),
  z.object({
    kind: z.literal('token'),
    /** IAM user name. */
    user: z.string().min(1),
    password: z.string().min(1),
    /** Account (domain) name. */
    domain: z.string().min(1),
    /** Project name the token is scoped to; the region when absent. */
    project: z.string().min(1).optional(),
  }),
]);
export type HuaweiAuth = z.infer<typeof huaweiAuthSchema>;

export const huaweiSettingsSchema = z
  .object({
    /** `https://image.{region}.myhuaweicloud.com` when absent (G42: `image.ae-ad-1.g42cloud.com`). */
    endpoint: endpointUrl.optional(),
    /** `https://iam.{region}.myhuaweicloud.com` when absent (G42: `iam.ae-ad-1.g42cloud.com`). */
    iamEndpoint: endpointUrl.optional(),
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .default('cn-north-4'),
    /** The project ID of the region (console: My Credentials → API Credentials). */
    projectId: z.string().regex(/^[A-Za-z0-9_-]+$/),
    auth: huaweiAuthSchema,
    /** Language of the `tag` field; i18n always carries both. */
    language: z.enum(['zh', 'en']).default('zh'),
    threshold: z.number().min(0).max(100).default(60),
    limit: z.number().int().min(1).max(150).default(50),
    /** Calls per second this engine starts at most (default: the profile's). */
    qps: z.number().positive().max(100).default(huaweiProfile.callLimits.qps),
    /** Calls in flight at most (the service's default limit is 10). */
    concurrency: z.number().int().min(1).max(10).default(huaweiProfile.callLimits.concurrency),
    /**
     * Longest side sent, at most the service's 4096 px. Lower it to send less over a slow
     * uplink: a 4000×3000 photo is ~5 MB of base64 at 4096 px, ~0.7 MB at 1600 px.
     */
    uploadMaxSide: z.number().int().min(64).max(4096).default(4096),
    /** Shortest side accepted: 15 px (ae-ad-1 and the seed) or 1 px (newer V2 docs). */
    minSide: z.union([z.literal(1), z.literal(15)]).default(15),
    requestTimeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
  })
  .refine((settings) => !(settings.region === 'ae-ad-1' && settings.auth.kind === 'token'), {
    // Seed 001 §3.3: in Abu Dhabi, Image Recognition must be called with AK/SK.
    message: 'Image Recognition in ae-ad-1 (G42 Abu Dhabi) accepts only AK/SK, not IAM tokens.',
    path: ['auth'],
  });
export type HuaweiSettingsInput = z.input<typeof huaweiSettingsSchema>;
export type HuaweiSettings = z.output<typeof huaweiSettingsSchema>;

function cloudDomain(region: string): string {
  return region === 'ae-ad-1' ? 'g42cloud.com' : 'myhuaweicloud.com';
}

/** The Image Tagging endpoint for these settings. [UNVERIFIED for ae-ad-1] */
export function resolveImageEndpoint(settings: HuaweiSettings): string {
  return settings.endpoint ?? `https://image.${settings.region}.${cloudDomain(settings.region)}`;
}

/** The IAM endpoint for these settings (iam.ae-ad-1.g42cloud.com is confirmed by G42's SDK). */
export function resolveIamEndpoint(settings: HuaweiSettings): string {
  return settings.iamEndpoint ?? `https://iam.${settings.region}.${cloudDomain(settings.region)}`;
}
