// A small typed client for Tencent Cloud image tagging (tiia, API 2019-05-29): one signed
// `POST /` per call with the action in X-TC-Action, the JSON body signed byte for byte
// (TC3-HMAC-SHA256, tencent-signer.ts). Every failure becomes a classified EngineError
// (tencent-errors.ts). The official SDK is used only in tests, to prove the emulator accepts
// it; the product keeps to this client for the reasons of [Note: No vendor SDK in the
// product] (huawei-client.ts): typed and validated answers, the exact bytes signed, and no
// SDK logging of requests.
import { EngineError } from '../engine.ts';
import { postForJson } from '../error-classes.ts';
import {
  TencentEnvelope,
  TencentErrorResponse,
  TencentLabelResponse,
  type TencentLabelResponse as LabelResponse,
} from './tencent-answer.ts';
import { tencentEngineError } from './tencent-errors.ts';
import { tencentHost, type TencentSettings } from './tencent-settings.ts';
import { signTc3 } from './tencent-signer.ts';

export const tencentApiVersion = '2019-05-29';

export type TencentAction = 'DetectLabelPro' | 'DetectLabel';

export interface TencentClientDeps {
  readonly fetch?: typeof fetch;
  /** Unix milliseconds (the signature's timestamp). */
  readonly now?: () => number;
}

export interface TencentClient {
  /** Sends one action with this body; resolves with the validated `Response`. */
  call(action: TencentAction, body: Record<string, unknown>): Promise<LabelResponse>;
}

export function createTencentClient(
  settings: TencentSettings,
  deps: TencentClientDeps = {},
): TencentClient {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const { host, service } = tencentHost(settings);
  const url = new URL(`${settings.endpoint}/`);
  const contentType = 'application/json; charset=utf-8';

  return {
    async call(action, params) {
      const body = Buffer.from(JSON.stringify(params), 'utf8');
      const timestamp = Math.floor(now() / 1000);
      const signed = signTc3({
        method: 'POST',
        host,
        contentType,
        body,
        service,
        timestamp,
        secretId: settings.secretId,
        secretKey: settings.secretKey,
      });
      const { response, json, retryAfterMs } = await postForJson(
        'tencent',
        `Tencent Cloud ${action}`,
        doFetch,
        url,
        {
          headers: {
            authorization: signed.authorization,
            'content-type': contentType,
            'x-tc-action': action,
            'x-tc-version': tencentApiVersion,
            'x-tc-timestamp': String(timestamp),
            'x-tc-region': settings.region,
            ...(settings.sessionToken ? { 'x-tc-token': settings.sessionToken } : {}),
          },
          body,
          timeoutMs: settings.requestTimeoutMs,
        },
      );
      const envelope = TencentEnvelope.safeParse(json);
      if (!envelope.success) {
        throw tencentEngineError({
          code: response.ok ? 'client.unexpected-answer' : `http-${String(response.status)}`,
          message: `HTTP ${String(response.status)} without a Response envelope`,
          httpStatus: response.ok ? 502 : response.status,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
      }
      const failed = TencentErrorResponse.safeParse(envelope.data.Response);
      if (failed.success) {
        throw tencentEngineError({
          code: failed.data.Error.Code,
          message: failed.data.Error.Message,
          httpStatus: response.status,
          ...(failed.data.RequestId ? { requestId: failed.data.RequestId } : {}),
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
      }
      const answer = TencentLabelResponse.safeParse(envelope.data.Response);
      if (!answer.success) {
        // An answer we cannot read is retried: the vendor charged for it, but a tag set we
        // cannot trust is worse than a second call (the runner bounds the attempts).
        throw new EngineError(
          'tencent',
          'client.unexpected-answer',
          `Tencent Cloud ${action}: the answer does not have the documented shape (${answer.error.message.slice(0, 300)})`,
          'retry',
        );
      }
      return answer.data;
    },
  };
}
