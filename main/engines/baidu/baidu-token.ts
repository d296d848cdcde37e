// The OAuth client-credentials access token of the Baidu AI platform:
// `POST {endpoint}/oauth/2.0/token` with grant_type=client_credentials, client_id (API Key) and
// client_secret (Secret Key). The token (valid 30 days, `expires_in` seconds) is kept in memory
// until shortly before it expires; concurrent calls share one fetch; `invalidate()` drops it
// when the API refuses it (110/111) so the next call fetches a new one.
import { z } from 'zod';
import { postForJson } from '../error-classes.ts';
import { baiduEngineError } from './baidu-errors.ts';
import type { BaiduSettings } from './baidu-settings.ts';

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});
const TokenError = z.object({ error: z.string().min(1), error_description: z.string().optional() });

/** A token is renewed this long before it expires (or at half its life if that is shorter). */
const renewMarginMs = 24 * 3600_000;

export interface BaiduTokenProvider {
  token(): Promise<string>;
  invalidate(): void;
  /** Tokens fetched so far. */
  readonly fetches: number;
}

export function createBaiduTokenProvider(
  settings: Pick<BaiduSettings, 'endpoint' | 'apiKey' | 'secretKey' | 'requestTimeoutMs'>,
  deps: { fetch?: typeof fetch; now?: () => number } = {},
): BaiduTokenProvider {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  let fetches = 0;

  async function fetchToken(): Promise<string> {
    fetches++;
    const url = new URL(`${settings.endpoint}/oauth/2.0/token`);
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: settings.apiKey,
      client_secret: settings.secretKey,
    }).toString();
    const { response, json } = await postForJson('baidu', 'Baidu AI token', doFetch, url, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      timeoutMs: settings.requestTimeoutMs,
    });
    const refused = TokenError.safeParse(json);
    if (refused.success) {
      throw baiduEngineError({
        code: refused.data.error,
        message: refused.data.error_description ?? '',
        httpStatus: response.status,
      });
    }
    const parsed = TokenAnswer.safeParse(json);
    if (!parsed.success) {
      throw baiduEngineError({
        code: 'client.unexpected-token-answer',
        message: `HTTP ${String(response.status)}: the token answer has no access_token`,
        httpStatus: response.ok ? 502 : response.status,
      });
    }
    const lifeMs = parsed.data.expires_in * 1000;
    cached = {
      token: parsed.data.access_token,
      renewAt: now() + lifeMs - Math.min(renewMarginMs, lifeMs / 2),
    };
    return cached.token;
  }

  return {
    async token() {
      if (cached && now() < cached.renewAt) return cached.token;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
    get fetches() {
      return fetches;
    },
  };
}
