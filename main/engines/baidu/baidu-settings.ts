// Settings of the Baidu AI Cloud advanced_general engine, validated with zod at the settings
// boundary. The Secret Key lives in the SecretStore, never with the rest
// (main/engines/engine-settings.ts); the access token is fetched from it and kept in memory only.
import { z } from 'zod';
import { httpUrl } from '../http-url.ts';
import { baiduProfile } from './baidu-profile.ts';

export const baiduSettingsSchema = z.object({
  /** The AI platform host: the token endpoint and the API share it. */
  endpoint: httpUrl
    .default('https://aip.baidubce.com')
    .transform((value) => value.replace(/\/+$/, '')),
  /** The application's API Key (client_id of the OAuth client-credentials grant). */
  apiKey: z.string().min(1),
  /** The application's Secret Key (client_secret). */
  secretKey: z.string().min(1),
  /** Results below this score (0–100; the service answers 0–1) are not kept. */
  threshold: z.number().min(0).max(100).default(30),
  qps: z.number().positive().max(100).default(baiduProfile.callLimits.qps),
  concurrency: z.number().int().min(1).max(20).default(baiduProfile.callLimits.concurrency),
  /** Longest side sent, at most the documented 4096 px. */
  uploadMaxSide: z.number().int().min(64).max(4096).default(4096),
  requestTimeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
});
export type BaiduSettings = z.output<typeof baiduSettingsSchema>;
export type BaiduSettingsInput = z.input<typeof baiduSettingsSchema>;
