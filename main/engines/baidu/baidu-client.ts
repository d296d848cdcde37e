// A small typed client for Baidu AI Cloud 通用物体和场景识别:
// `POST {endpoint}/rest/2.0/image-classify/v2/advanced_general?access_token=…` with a form body
// `image=<base64, URL-encoded>` (baike_num is left out: no encyclopedia entries are wanted or
// paid for). A refused token (110/111) is dropped and fetched again once; a second refusal is
// final. Every failure is a classified EngineError (baidu-errors.ts). The official SDK
// (baidu-aip-sdk) is used only in tests, for the reasons of [Note: No vendor SDK in the
// product] (huawei-client.ts); it also pulls in the deprecated `request` package.
import { postForJson } from '../error-classes.ts';
import { BaiduAnswer, BaiduErrorBody } from './baidu-answer.ts';
import { baiduEngineError, baiduTokenCodes } from './baidu-errors.ts';
import type { BaiduSettings } from './baidu-settings.ts';
import { createBaiduTokenProvider, type BaiduTokenProvider } from './baidu-token.ts';

export const advancedGeneralPath = '/rest/2.0/image-classify/v2/advanced_general';

export interface BaiduClientDeps {
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export interface BaiduClient {
  advancedGeneral(imageBase64: string): Promise<BaiduAnswer>;
  readonly tokens: BaiduTokenProvider;
}

export function createBaiduClient(
  settings: BaiduSettings,
  deps: BaiduClientDeps = {},
): BaiduClient {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const tokens = createBaiduTokenProvider(settings, deps);

  async function once(image: string): Promise<BaiduAnswer> {
    const url = new URL(`${settings.endpoint}${advancedGeneralPath}`);
    url.searchParams.set('access_token', await tokens.token());
    // URLSearchParams percent-encodes the base64's + / = as the docs require ("再进行urlencode").
    const body = new URLSearchParams({ image }).toString();
    const { response, json, retryAfterMs } = await postForJson(
      'baidu',
      'Baidu AI advanced_general',
      doFetch,
      url,
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        timeoutMs: settings.requestTimeoutMs,
      },
    );
    const failed = BaiduErrorBody.safeParse(json);
    if (failed.success) {
      throw baiduEngineError({
        code: failed.data.error_code,
        message: failed.data.error_msg,
        httpStatus: response.status,
        now: now(),
        ...(failed.data.log_id === undefined ? {} : { logId: String(failed.data.log_id) }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    const parsed = BaiduAnswer.safeParse(json);
    if (!parsed.success) {
      throw baiduEngineError({
        code: 'client.unexpected-answer',
        message: `HTTP ${String(response.status)}: the answer does not have the documented shape (${parsed.error.message.slice(0, 200)})`,
        httpStatus: response.ok ? 502 : response.status,
      });
    }
    return parsed.data;
  }

  return {
    tokens,
    async advancedGeneral(image) {
      try {
        return await once(image);
      } catch (error) {
        if (
          !(error instanceof Error) ||
          !('code' in error) ||
          !baiduTokenCodes.has(String(error.code))
        )
          throw error;
        tokens.invalidate();
        return once(image);
      }
    },
  };
}
