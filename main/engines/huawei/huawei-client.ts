// A small typed client for Huawei Cloud / G42 Image Tagging V2:
// `POST /v2/{project_id}/image/tagging` with AK/SK signing or an IAM token.
//
// [Note: No vendor SDK in the product]
// The official @huaweicloud/huaweicloud-sdk-image (+ -core) is used only in tests, to prove
// the emulator accepts it. The product uses this client instead because: the SDK's registry
// versions are inconsistent (image 3.1.215 asks for a core that is not served; it needs an
// npm override), it pulls axios, moment, lodash and a proxy agent into the app for one POST,
// its answers are untyped at run time (no validation of what the server sent), it hashes
// JSON.stringify(data) rather than the bytes it sends, it throws its own exception types
// we would have to re-classify anyway, and on every failed call it logs the whole request
// config to the console — Authorization header with the AK included (seen in the fidelity
// test) — which our rule "logs never carry AK/SK/tokens" forbids. This client is ~200 lines, validates every answer
// with zod, signs the exact bytes it sends, and turns every failure into a classified
// EngineError (huawei-errors.ts).
import { EngineError } from '../engine.ts';
import { parseRetryAfter } from '../error-classes.ts';
import { HuaweiErrorBody, ImageTaggingAnswer } from './huawei-answer.ts';
import { huaweiEngineError, isTokenError, transportEngineError } from './huawei-errors.ts';
import { sendHttp, type HttpAnswer, type HttpSend } from './huawei-http.ts';
import { createIamTokenProvider, type IamTokenProvider } from './huawei-iam.ts';
import {
  resolveIamEndpoint,
  resolveImageEndpoint,
  type HuaweiSettings,
} from './huawei-settings.ts';
import { signHuaweiRequest } from './huawei-signer.ts';

export interface HuaweiClientDeps {
  readonly send?: HttpSend;
  readonly now?: () => number;
}

export interface TaggingInput {
  /** Base64 of the image bytes (no data: prefix). */
  readonly image?: string;
  /** Or a public http(s)/OBS URL the service downloads. */
  readonly url?: string;
  readonly signal?: AbortSignal;
}

export interface HuaweiClient {
  tagImage(input: TaggingInput): Promise<ImageTaggingAnswer>;
  /** IAM tokens fetched so far (0 in AK/SK mode). */
  readonly tokenFetches: number;
}

export function createHuaweiClient(
  settings: HuaweiSettings,
  deps: HuaweiClientDeps = {},
): HuaweiClient {
  const send = deps.send ?? sendHttp;
  const now = deps.now ?? Date.now;
  const endpoint = resolveImageEndpoint(settings);
  const url = `${endpoint}/v2/${encodeURIComponent(settings.projectId)}/image/tagging`;
  const auth = settings.auth;
  const iam: IamTokenProvider | undefined =
    auth.kind === 'token'
      ? createIamTokenProvider(
          {
            iamEndpoint: resolveIamEndpoint(settings),
            user: auth.user,
            password: auth.password,
            domain: auth.domain,
            project: auth.project ?? settings.region,
          },
          { send, now, timeoutMs: settings.requestTimeoutMs },
        )
      : undefined;
  let lastToken: string | undefined;
  const secrets = () =>
    auth.kind === 'aksk' ? [auth.ak, auth.sk, auth.securityToken] : [auth.password, lastToken];

  async function headersFor(body: Buffer, signal?: AbortSignal): Promise<Record<string, string>> {
    if (auth.kind === 'aksk') {
      const signed = signHuaweiRequest(
        {
          method: 'POST',
          url,
          headers: {
            'content-type': 'application/json',
            'x-project-id': settings.projectId,
            ...(auth.securityToken ? { 'x-security-token': auth.securityToken } : {}),
          },
          body,
          date: new Date(now()),
        },
        auth,
      );
      return { ...signed.headers, 'content-length': String(body.length) };
    }
    if (!iam) throw new Error('unreachable: token mode without IAM provider');
    lastToken = await iam.token(signal);
    return {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'x-auth-token': lastToken,
    };
  }

  async function exchange(body: Buffer, signal?: AbortSignal): Promise<HttpAnswer> {
    const headers = await headersFor(body, signal);
    try {
      return await send({
        method: 'POST',
        url,
        headers,
        body,
        timeoutMs: settings.requestTimeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw transportEngineError(error, secrets());
    }
  }

  function failure(answer: HttpAnswer): EngineError {
    const text = answer.body.toString('utf8');
    let code: string | undefined;
    let message = text.slice(0, 500);
    try {
      const parsed = HuaweiErrorBody.safeParse(JSON.parse(text));
      if (parsed.success) {
        code = parsed.data.error_code;
        message = parsed.data.error_msg ?? '';
        if (parsed.data.request_id) message += ` (request ${parsed.data.request_id})`;
      }
    } catch {
      // Not JSON: classify by status with the raw text as the detail.
    }
    const requestId = answer.headers['x-request-id'];
    if (requestId && !message.includes(requestId)) message += ` (request ${requestId})`;
    return huaweiEngineError(
      {
        ...(code !== undefined ? { code } : {}),
        status: answer.status,
        detail: message,
        ...(() => {
          const ms = parseRetryAfter(answer.headers['retry-after'], now());
          return ms === undefined ? {} : { retryAfterMs: ms };
        })(),
      },
      secrets(),
    );
  }

  function tokenProblem(error: EngineError): boolean {
    return auth.kind === 'token' && isTokenError(error.code, error.message);
  }

  return {
    async tagImage(input) {
      if ((input.image === undefined) === (input.url === undefined)) {
        throw new Error('Give exactly one of image (base64) or url.');
      }
      const body = Buffer.from(
        JSON.stringify({
          ...(input.image !== undefined ? { image: input.image } : { url: input.url }),
          language: settings.language,
          threshold: settings.threshold,
          limit: settings.limit,
        }),
        'utf8',
      );
      let answer = await exchange(body, input.signal);
      if (answer.status !== 200) {
        const error = failure(answer);
        if (!tokenProblem(error)) throw error;
        // The token was refused (expired, revoked by a password change…): fetch a new one
        // once. A second refusal is final (see [Note: Never retry Huawei auth failures]).
        iam?.invalidate();
        answer = await exchange(body, input.signal);
        if (answer.status !== 200) throw failure(answer);
      }
      let json: unknown;
      try {
        json = JSON.parse(answer.body.toString('utf8'));
      } catch {
        throw huaweiEngineError(
          {
            code: 'client.malformed-answer',
            detail: `${String(answer.body.length)} bytes that are not JSON`,
          },
          secrets(),
        );
      }
      const parsed = ImageTaggingAnswer.safeParse(json);
      if (!parsed.success) {
        const errorBody = HuaweiErrorBody.safeParse(json);
        if (errorBody.success) throw failure({ ...answer, status: 400 });
        throw huaweiEngineError(
          { code: 'client.unexpected-answer', detail: parsed.error.message.slice(0, 500) },
          secrets(),
        );
      }
      return parsed.data;
    },
    get tokenFetches() {
      return iam?.fetches ?? 0;
    },
  };
}
