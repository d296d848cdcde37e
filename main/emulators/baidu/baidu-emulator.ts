// Emulator of Baidu AI Cloud 通用物体和场景识别 (advanced_general) and the AI platform's OAuth
// token endpoint, on the shared emulator kit. The token endpoint issues client-credentials
// tokens (`expires_in` 30 days, scope with brain_all_scope as the platform grants AI apps) and
// refuses a wrong API Key or Secret Key with `invalid_client`; the API checks the token
// (110 unknown or revoked, 111 expired; 14 for a request signed the BCE way without a token,
// which is what the official SDK falls back to when no token was issued), then the form body
// (`image` base64, URL-encoded: 216200 empty, 216201 not an image of jpg/png/bmp, 216202 more
// than 4 MB of base64 or sides outside 15–4096 px) and tags the image with the on-device engine,
// answering `{log_id, result_num, result: [{keyword, score, root}]}`. Errors are HTTP 200 with
// `{error_code, error_msg, log_id}`. Faults come from the kit (18 QPS limit, 5xx, hangs…).
//
// The emulator's own (not published): the label taxonomy. Tags are answered with their
// Chinese names; `root` says 自然风景-场景 for a scene, 非自然图像-概念 for a concept and
// 物体-物品 for an object.
import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { isScored, type EngineAnswer } from '../../engines/tag-model.ts';
import {
  startEmulatorKit,
  type EmulatorKit,
  type EmulatorReply,
  type EmulatorRequest,
} from '../emulator-kit.ts';
import { tagPixelRegions } from '../huawei/pixel-region-tagger.ts';
import { type EmulatorTagger, localEngineTagger } from '../volcengine/emulator-image-source.ts';

export interface BaiduEmulatorCredentials {
  readonly apiKey: string;
  readonly secretKey: string;
}

export interface BaiduEmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly credentials?: Partial<BaiduEmulatorCredentials>;
  /** `local` (default): the on-device engine; `pixels`: the fast pixel tagger; or a function. */
  readonly tagger?: EmulatorTagger | 'local' | 'pixels';
  /** Token lifetime in seconds (30 days). */
  readonly tokenTtlSeconds?: number;
  readonly now?: () => number;
}

export interface BaiduEmulator extends Pick<
  EmulatorKit,
  'setFaults' | 'addFault' | 'clearFaults' | 'calls' | 'clearCalls' | 'close'
> {
  readonly baseUrl: string;
  readonly credentials: BaiduEmulatorCredentials;
  advanceClock(ms: number): void;
  /** Invalidates every token issued so far (the next use answers 110). */
  revokeTokens(): void;
  readonly tokensIssued: number;
}

/** "base64编码后大小不超过4M". */
export const baiduEmulatorMaxBase64 = 4 * 1024 * 1024;

function sniffFormat(bytes: Buffer): 'jpeg' | 'png' | 'bmp' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes.subarray(0, 2).toString('latin1') === 'BM') return 'bmp';
  return undefined;
}

/** The result list the emulator answers for one tagger answer. */
export function baiduResultsFor(answer: EngineAnswer) {
  return answer.tags.filter(isScored).map((tag) => ({
    keyword: tag.i18n.zh,
    score: Math.round(tag.confidence * 10_000) / 1_000_000,
    root:
      tag.type === 'scene'
        ? '自然风景-场景'
        : tag.type === 'concept'
          ? '非自然图像-概念'
          : '物体-物品',
  }));
}

/** The fields of a form body, or of the query string (the token endpoint takes both). */
function formOf(request: EmulatorRequest): URLSearchParams {
  const form = new URLSearchParams(request.body.toString('utf8'));
  for (const [key, value] of request.query) if (!form.has(key)) form.set(key, value);
  return form;
}

export async function startBaiduEmulator(
  options: BaiduEmulatorOptions = {},
): Promise<BaiduEmulator> {
  const credentials: BaiduEmulatorCredentials = {
    apiKey: randomBytes(12).toString('base64url'),
    secretKey: randomBytes(16).toString('base64url'),
    ...options.credentials,
  };
  const ttlSeconds = options.tokenTtlSeconds ?? 30 * 24 * 3600;
  let clockOffset = 0;
  const now = () => (options.now ?? Date.now)() + clockOffset;
  const tokens = new Map<string, { expiresAt: number; apiKey: string }>();
  let tokensIssued = 0;
  const local = localEngineTagger();
  const choice = options.tagger ?? 'local';
  const tagger: EmulatorTagger =
    choice === 'local' ? local.tag : choice === 'pixels' ? tagPixelRegions : choice;

  const logId = () => Number(BigInt.asUintN(52, randomBytes(8).readBigUInt64BE()));
  const apiError = (code: number, message: string): EmulatorReply => ({
    status: 200,
    body: { error_code: code, error_msg: message, log_id: logId() },
    outcome: String(code),
  });

  function issueToken(request: EmulatorRequest): EmulatorReply {
    const form = formOf(request);
    if (form.get('grant_type') !== 'client_credentials') {
      return {
        status: 400,
        body: {
          error: 'unsupported_grant_type',
          error_description: 'The authorization grant type is not supported',
        },
        outcome: 'unsupported_grant_type',
      };
    }
    const apiKey = form.get('client_id');
    if (apiKey !== credentials.apiKey) {
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'unknown client id' },
        outcome: 'invalid_client',
      };
    }
    if (form.get('client_secret') !== credentials.secretKey) {
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'Client authentication failed' },
        outcome: 'invalid_client',
        key: apiKey,
      };
    }
    const token = `24.${randomBytes(16).toString('hex')}.${String(ttlSeconds)}.${String(Math.floor(now() / 1000))}-0`;
    tokens.set(token, { expiresAt: now() + ttlSeconds * 1000, apiKey });
    tokensIssued++;
    return {
      status: 200,
      body: {
        refresh_token: `25.${randomBytes(16).toString('hex')}`,
        expires_in: ttlSeconds,
        session_key: randomBytes(12).toString('hex'),
        access_token: token,
        scope:
          'public brain_all_scope vis-classify_dishes vis-classify_car brain_advanced_general_classify',
        session_secret: randomBytes(16).toString('hex'),
      },
      key: apiKey,
    };
  }

  /**
   * The access_token parameter. The official SDK builds `?aipSdk=node&access_token=T` and then
   * appends `?aipSdk=node` again, so the value arrives as `T?aipSdk=node`; the platform serves
   * that SDK, so it reads the token up to a second `?`, and so does the emulator.
   */
  function accessToken(query: URLSearchParams): string | null {
    const value = query.get('access_token');
    return value === null ? null : (value.split('?')[0] ?? '');
  }

  async function advancedGeneral(request: EmulatorRequest): Promise<EmulatorReply> {
    const token = accessToken(request.query);
    if (token === null) {
      // The SDK signs with bce-auth-v1 when no token was issued; AI-app keys are not IAM keys.
      return (request.headers.authorization ?? '').startsWith('bce-auth-v1/')
        ? apiError(14, 'IAM Certification failed')
        : apiError(100, 'Invalid parameter');
    }
    const issued = tokens.get(token);
    if (!issued) return apiError(110, 'Access token invalid or no longer valid');
    if (now() >= issued.expiresAt) return apiError(111, 'Access token expired');
    const form = new URLSearchParams(request.body.toString('utf8'));
    const image = form.get('image') ?? '';
    if (image === '') return apiError(216200, 'empty image');
    if (image.length > baiduEmulatorMaxBase64) return apiError(216202, 'image size error');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(image)) return apiError(216201, 'image format error');
    const bytes = Buffer.from(image, 'base64');
    if (!sniffFormat(bytes)) return apiError(216201, 'image format error');
    let width: number;
    let height: number;
    try {
      const stats = await sharp(bytes, { failOn: 'error' }).metadata();
      await sharp(bytes, { failOn: 'error' }).stats();
      width = stats.width;
      height = stats.height;
    } catch {
      return apiError(216201, 'image format error');
    }
    if (Math.min(width, height) < 15 || Math.max(width, height) > 4096)
      return apiError(216202, 'image size error');
    const results = baiduResultsFor(await tagger(bytes));
    const baikeNum = Number(form.get('baike_num') ?? 0);
    const result = results.map((r, i) => (i < baikeNum ? { ...r, baike_info: {} } : r));
    return {
      status: 200,
      body: { log_id: logId(), result_num: result.length, result },
      paid: true,
      subject: createHash('sha256').update(bytes).digest('hex'),
      key: issued.apiKey,
    };
  }

  const kit = await startEmulatorKit({
    name: 'baidu',
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    routes: [
      { name: 'token', method: 'POST', path: '/oauth/2.0/token', handler: issueToken },
      { name: 'token', method: 'GET', path: '/oauth/2.0/token', handler: issueToken },
      {
        name: 'advanced_general',
        method: 'POST',
        path: '/rest/2.0/image-classify/v2/advanced_general',
        handler: advancedGeneral,
      },
    ],
    // The QPS limit is per application: the token names it.
    keyOf: (request) => {
      const token = accessToken(request.query);
      return token === null ? null : (tokens.get(token)?.apiKey ?? token);
    },
    throttleReply: () => apiError(18, 'Open api qps request limit reached'),
    serverErrorReply: (_request, status) => ({
      ...apiError(282000, 'logic internal error'),
      status,
    }),
    notFoundReply: () => apiError(3, 'Unsupported openapi method'),
    info: () => ({ credentials }),
  });

  return {
    baseUrl: kit.baseUrl,
    credentials,
    setFaults: kit.setFaults,
    addFault: kit.addFault,
    clearFaults: kit.clearFaults,
    calls: kit.calls,
    clearCalls: kit.clearCalls,
    advanceClock(ms) {
      clockOffset += ms;
    },
    revokeTokens() {
      tokens.clear();
    },
    get tokensIssued() {
      return tokensIssued;
    },
    async close() {
      await kit.close();
      await local.close();
    },
  };
}

/** The first line `tujian emulate baidu` prints. */
export function baiduEmulatorBanner(emulator: BaiduEmulator) {
  return {
    emulator: 'baidu',
    baseUrl: emulator.baseUrl,
    control: `${emulator.baseUrl}/__emulator`,
    credentials: emulator.credentials,
    settings: {
      endpoint: emulator.baseUrl,
      apiKey: emulator.credentials.apiKey,
      secretKey: emulator.credentials.secretKey,
    },
  };
}
