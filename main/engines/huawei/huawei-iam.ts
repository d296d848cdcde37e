// IAM token auth for Huawei Cloud / G42 (PROTOCOLS.md B.2): `POST /v3/auth/tokens` with a
// password identity scoped to a project; the token comes back in the `X-Subject-Token` header
// of a 201 answer and is valid 24 h. Tokens are cached in memory only (never written
// anywhere) and refreshed an hour before they expire, or when the service calls one bad.
import { z } from 'zod';
import { parseRetryAfter } from '../error-classes.ts';
import { huaweiEngineError, transportEngineError } from './huawei-errors.ts';
import type { HttpSend } from './huawei-http.ts';

export interface IamCredentials {
  readonly iamEndpoint: string;
  readonly user: string;
  readonly password: string;
  readonly domain: string;
  readonly project: string;
}

/** The token answer body; only expires_at is relied on (the rest is [UNVERIFIED]). */
const TokenAnswer = z.object({
  token: z.object({ expires_at: z.string().optional() }).loose(),
});

/** A token is refreshed this long before it expires. */
export const tokenRefreshMarginMs = 60 * 60 * 1000;
/** The documented validity, used when the answer carries no readable expires_at. */
export const tokenLifetimeMs = 24 * 60 * 60 * 1000;

export interface IamTokenProvider {
  /** A valid token, from the cache when it is not about to expire. */
  token(signal?: AbortSignal): Promise<string>;
  /** Forget the cached token (after the service called it bad). */
  invalidate(): void;
  /** How many tokens were fetched (for tests and status). */
  readonly fetches: number;
}

export function createIamTokenProvider(
  credentials: IamCredentials,
  deps: { send: HttpSend; now: () => number; timeoutMs: number },
): IamTokenProvider {
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let fetches = 0;
  const secrets = [credentials.password];

  async function fetchToken(signal?: AbortSignal): Promise<string> {
    const body = Buffer.from(
      JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: credentials.user,
                password: credentials.password,
                domain: { name: credentials.domain },
              },
            },
          },
          scope: { project: { name: credentials.project } },
        },
      }),
      'utf8',
    );
    const issuedAt = deps.now();
    let answer;
    try {
      answer = await deps.send({
        method: 'POST',
        url: `${credentials.iamEndpoint}/v3/auth/tokens`,
        headers: {
          'content-type': 'application/json;charset=UTF-8',
          'content-length': String(body.length),
        },
        body,
        timeoutMs: deps.timeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      const failure = transportEngineError(error, secrets);
      // IAM is not the retired service: an unreachable IAM host is an ordinary network
      // failure, never read as the image service's end ([Note: A retired engine stops once]).
      if (failure.code === 'client.unresolved' || failure.code === 'client.refused')
        throw huaweiEngineError({ code: 'client.network', detail: `IAM: ${failure.message}` }, []);
      throw failure;
    }
    fetches++;
    const token = answer.headers['x-subject-token'];
    if (answer.status !== 201 || token === undefined || token === '') {
      const code =
        answer.status === 401 || answer.status === 403
          ? `IAM.${String(answer.status)}`
          : answer.status >= 500
            ? 'IAM.unavailable'
            : undefined;
      throw huaweiEngineError(
        {
          ...(code ? { code } : {}),
          status: answer.status,
          detail: `IAM token request failed: ${answer.body.toString('utf8').slice(0, 300)}`,
          ...(answer.status === 429
            ? { retryAfterMs: parseRetryAfter(answer.headers['retry-after'], deps.now()) }
            : {}),
        },
        secrets,
      );
    }
    let expiresAt = issuedAt + tokenLifetimeMs;
    try {
      const parsed = TokenAnswer.safeParse(JSON.parse(answer.body.toString('utf8')));
      const stated = parsed.success ? Date.parse(parsed.data.token.expires_at ?? '') : NaN;
      if (!Number.isNaN(stated)) expiresAt = Math.min(expiresAt, stated);
    } catch {
      // The token header is what matters; an unreadable body keeps the documented 24 h.
    }
    // A stated expiry in our past means the clocks disagree: trust the documented 24 h then.
    let usable = expiresAt - issuedAt;
    if (usable <= 0) usable = tokenLifetimeMs;
    const refreshAfter =
      usable > 2 * tokenRefreshMarginMs ? usable - tokenRefreshMarginMs : usable / 2;
    cached = { token, refreshAt: issuedAt + refreshAfter };
    return token;
  }

  return {
    async token(signal) {
      if (cached && deps.now() < cached.refreshAt) return cached.token;
      // Concurrent callers share one IAM request.
      inFlight ??= fetchToken(signal).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate() {
      cached = undefined;
    },
    get fetches() {
      return fetches;
    },
  };
}
