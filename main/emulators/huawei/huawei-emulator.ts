// Emulator of Huawei Cloud / G42 Image Tagging V2 and the IAM token endpoint (seed 001,
// PROTOCOLS.md B), on the shared emulator kit. It checks what the API gateway checks — AK/SK
// signatures rebuilt from the client's SignedHeaders (APIG.0301 echoing the canonical
// request with `|` for newlines), the 15-minute clock window (APIG.0303), unknown AKs, the
// 5-failure AK lock, IAM tokens (decrypt token fail / expired) — then what the service checks
// (AIS.0014 JSON, AIS.0011/0501 parameters, AIS.0015 base64, AIS.0502 format, AIS.0503
// damaged, AIS.0504 size incl. 10 MB base64 and the side limits), and tags what it receives
// with a real tagger, answering in the seed's format. Faults come from the kit (APIG.0308
// throttling, 5xx, hangs, slow bodies, malformed JSON, resets, per-key QPS).
// Statuses, messages and codes marked [UNVERIFIED] are plausible guesses where no source says.
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { z } from 'zod';
import {
  buildCanonicalRequest,
  buildStringToSign,
  parseAuthorization,
  parseSdkDate,
  signStringToSign,
  signaturesEqual,
} from '../../engines/huawei/huawei-signer.ts';
import { createLocalEngine, type LocalEngine } from '../../engines/local/local-engine.ts';
import { isScored, type EngineAnswer } from '../../engines/tag-model.ts';
import {
  startEmulatorKit,
  type EmulatorKit,
  type EmulatorReply,
  type EmulatorRequest,
} from '../emulator-kit.ts';
import { tagPixelRegions, type EmulatorTagger } from './pixel-region-tagger.ts';

export interface HuaweiEmulatorCredentials {
  readonly region: string;
  readonly projectId: string;
  readonly ak: string;
  readonly sk: string;
  readonly user: string;
  readonly password: string;
  readonly domain: string;
  /** Project name a token is scoped to (the region, as on Huawei Cloud). */
  readonly project: string;
}

export interface HuaweiEmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly credentials?: Partial<HuaweiEmulatorCredentials>;
  /**
   * Tags the received image: `local` (default) is the on-device engine, so answers are real;
   * `pixels` is the fast pixel-region tagger; or any function.
   */
  readonly tagger?: EmulatorTagger | 'local' | 'pixels';
  readonly tokenTtlMs?: number;
  /** 15 (seed, ae-ad-1) or 1 (newer V2 docs). */
  readonly minSide?: number;
  readonly maxSide?: number;
  /** Base64 length limit: 10 MiB. */
  readonly maxBase64Length?: number;
  readonly maxSkewMs?: number;
  readonly lockAfterFailures?: number;
  readonly lockMs?: number;
  /** Time budget for downloading `url` images. */
  readonly downloadTimeoutMs?: number;
  /** The emulator's clock (real time plus `advanceClock`). */
  readonly now?: () => number;
}

export interface HuaweiEmulator extends Pick<
  EmulatorKit,
  'setFaults' | 'addFault' | 'clearFaults' | 'calls' | 'clearCalls' | 'close'
> {
  readonly baseUrl: string;
  readonly credentials: HuaweiEmulatorCredentials;
  /** Moves the emulator clock (token expiry, AK locks, skew checks). */
  advanceClock(ms: number): void;
  /** Unsubscribed accounts get ModelArts.4204. */
  setSubscribed(subscribed: boolean): void;
  /** Invalidates every token issued so far (as a password change does). */
  revokeTokens(): void;
  /** Tokens issued so far. */
  readonly tokensIssued: number;
}

const defaultLimits = {
  tokenTtlMs: 24 * 60 * 60 * 1000,
  minSide: 15,
  maxSide: 4096,
  maxBase64Length: 10 * 1024 * 1024,
  maxSkewMs: 15 * 60 * 1000,
  lockAfterFailures: 5,
  lockMs: 5 * 60 * 1000,
  downloadTimeoutMs: 10_000,
};

const TokenRequest = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()),
      password: z.object({
        user: z.object({
          name: z.string(),
          password: z.string(),
          domain: z.object({ name: z.string() }),
        }),
      }),
    }),
    scope: z
      .object({
        project: z.object({ name: z.string().optional(), id: z.string().optional() }).optional(),
      })
      .optional(),
  }),
});

const TokenPayload = z.object({ u: z.string(), p: z.string(), exp: z.number(), gen: z.number() });

const TaggingBody = z.object({
  image: z.string().optional(),
  url: z.string().optional(),
  language: z.unknown().optional(),
  threshold: z.unknown().optional(),
  limit: z.unknown().optional(),
});

function randomAlnum(length: number, alphabet: string): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const mixed = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function formatConfidence(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

/** Image format from the magic bytes; only the formats the service accepts. */
function sniffFormat(bytes: Buffer): 'jpeg' | 'png' | 'bmp' | 'webp' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes.subarray(0, 2).toString('latin1') === 'BM') return 'bmp';
  if (
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'webp';
  return undefined;
}

export async function startHuaweiEmulator(
  options: HuaweiEmulatorOptions = {},
): Promise<HuaweiEmulator> {
  const limits = { ...defaultLimits, ...options };
  const region = options.credentials?.region ?? 'cn-north-4';
  const credentials: HuaweiEmulatorCredentials = {
    region,
    projectId: randomBytes(16).toString('hex'),
    ak: randomAlnum(20, upper),
    sk: randomAlnum(40, mixed),
    user: 'tujian-test',
    password: randomAlnum(16, mixed),
    domain: 'tujian-account',
    project: region,
    ...options.credentials,
  };
  // The local engine starts its workers on first use and is closed with the emulator.
  let localEngine: LocalEngine | undefined;
  const choice = options.tagger ?? 'local';
  const tagger: EmulatorTagger =
    choice === 'pixels'
      ? tagPixelRegions
      : choice === 'local'
        ? (bytes) => {
            localEngine ??= createLocalEngine();
            return localEngine.tagImageBytes(bytes);
          }
        : choice;
  let clockOffset = 0;
  const now = () => (options.now ?? Date.now)() + clockOffset;
  const tokenSecret = randomBytes(32);
  let tokenGeneration = 0;
  let tokensIssued = 0;
  let subscribed = true;
  const failures = new Map<string, { count: number; lockedUntil: number }>();

  const withRequestId = (reply: EmulatorReply): EmulatorReply => {
    const requestId = randomUUID().replace(/-/g, '');
    const body =
      reply.body && typeof reply.body === 'object' && 'error_code' in reply.body
        ? { ...reply.body, request_id: requestId }
        : reply.body;
    return { ...reply, body, headers: { ...reply.headers, 'x-request-id': requestId } };
  };

  /** An API gateway error: {error_code, error_msg, request_id}. */
  const gatewayError = (status: number, code: string, message: string): EmulatorReply =>
    withRequestId({ status, body: { error_code: code, error_msg: message }, outcome: code });

  /** A service error: HTTP 400 {error_code, error_msg}. */
  const serviceError = (code: string, message: string): EmulatorReply => {
    const requestId = randomUUID().replace(/-/g, '');
    return {
      status: 400,
      headers: { 'x-request-id': requestId },
      body: { error_code: code, error_msg: message },
      outcome: code,
    };
  };

  function issueToken(user: string, project: string): { token: string; expiresAt: number } {
    const expiresAt = now() + limits.tokenTtlMs;
    const payload = Buffer.from(
      JSON.stringify({ u: user, p: project, exp: expiresAt, gen: tokenGeneration }),
    ).toString('base64url');
    const mac = createHmac('sha256', tokenSecret).update(payload).digest('base64url');
    tokensIssued++;
    // Real tokens are long opaque PKI strings starting "MII"; the length is no concern here.
    return { token: `MIIemu.${payload}.${mac}`, expiresAt };
  }

  function readToken(token: string): z.infer<typeof TokenPayload> | undefined {
    const [prefix, payload, mac] = token.split('.');
    if (prefix !== 'MIIemu' || !payload || !mac) return undefined;
    const expected = createHmac('sha256', tokenSecret).update(payload).digest('base64url');
    if (!signaturesEqual(expected, mac)) return undefined;
    try {
      const parsed = TokenPayload.safeParse(
        JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
      );
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  function headerValue(request: EmulatorRequest, name: string): string | undefined {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  }

  /** The gateway's checks; undefined when the caller is authenticated. */
  function authenticate(request: EmulatorRequest): EmulatorReply | undefined {
    const token = headerValue(request, 'x-auth-token');
    if (token !== undefined) {
      const payload = readToken(token);
      if (!payload || payload.gen !== tokenGeneration) {
        return gatewayError(
          401,
          'APIG.0301',
          'Incorrect IAM authentication information: decrypt token fail',
        );
      }
      if (now() >= payload.exp) {
        return gatewayError(
          401,
          'APIG.0301',
          'Incorrect IAM authentication information: token expires',
        );
      }
      return undefined;
    }
    const authorization = headerValue(request, 'authorization');
    if (authorization === undefined) {
      return gatewayError(
        401,
        'APIG.0301',
        'Incorrect IAM authentication information: x-auth-token not found',
      );
    }
    const parsed = parseAuthorization(authorization);
    if (!parsed) {
      return gatewayError(
        401,
        'APIG.0301',
        'Incorrect IAM authentication information: Authorization header is malformed',
      );
    }
    if (parsed.ak !== credentials.ak) {
      return gatewayError(
        401,
        'APIG.0301',
        'Incorrect IAM authentication information: Get secretKey failed, ak not exist',
      );
    }
    const state = failures.get(parsed.ak) ?? { count: 0, lockedUntil: 0 };
    if (now() < state.lockedUntil) {
      // [UNVERIFIED] message: the lock is documented, its answer is not.
      return gatewayError(
        401,
        'APIG.0301',
        `Incorrect IAM authentication information: the access key is locked for ${String(Math.ceil((state.lockedUntil - now()) / 1000))} s after ${String(limits.lockAfterFailures)} consecutive signature failures`,
      );
    }
    const sdkDate = headerValue(request, 'x-sdk-date');
    const date = sdkDate === undefined ? undefined : parseSdkDate(sdkDate);
    if (
      sdkDate === undefined ||
      date === undefined ||
      !parsed.signedHeaders.includes('x-sdk-date')
    ) {
      return gatewayError(
        401,
        'APIG.0301',
        'Incorrect IAM authentication information: x-sdk-date is missing, malformed or not signed',
      );
    }
    if (Math.abs(now() - date.getTime()) > limits.maxSkewMs) {
      // [UNVERIFIED] message; APIG.0303 is what users report for clock skew.
      return gatewayError(
        401,
        'APIG.0303',
        'Incorrect app authentication information: the request time differs from the server time by more than 15 minutes',
      );
    }
    const headers: Record<string, string> = {};
    for (const name of parsed.signedHeaders) headers[name] = headerValue(request, name) ?? '';
    const payloadHash =
      headerValue(request, 'x-sdk-content-sha256') ??
      createHash('sha256').update(request.body).digest('hex');
    const canonicalRequest = buildCanonicalRequest({
      method: request.method,
      path: request.path
        .split('/')
        .map((segment) => decodeURIComponent(segment))
        .join('/'),
      query: [...new URLSearchParams(request.rawQuery)],
      headers,
      signedHeaders: parsed.signedHeaders,
      payloadHash,
    });
    const expected = signStringToSign(credentials.sk, buildStringToSign(sdkDate, canonicalRequest));
    if (!signaturesEqual(expected, parsed.signature)) {
      state.count++;
      if (state.count >= limits.lockAfterFailures) {
        state.lockedUntil = now() + limits.lockMs;
        state.count = 0;
      }
      failures.set(parsed.ak, state);
      return gatewayError(
        401,
        'APIG.0301',
        `Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest:${canonicalRequest.replace(/\n/g, '|')}`,
      );
    }
    failures.delete(parsed.ak);
    return undefined;
  }

  async function download(url: string): Promise<Buffer | EmulatorReply> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return serviceError('ModelArts.4601', 'The external URL is invalid.');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return serviceError('ModelArts.4601', 'The external URL is invalid.');
    }
    try {
      const res = await fetch(parsed, { signal: AbortSignal.timeout(limits.downloadTimeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${String(res.status)}`);
      return Buffer.from(await res.arrayBuffer());
    } catch {
      return serviceError(
        'ModelArts.4603',
        'The file failed to be downloaded from the external URL.',
      );
    }
  }

  async function tagRoute(request: EmulatorRequest): Promise<EmulatorReply> {
    const denied = authenticate(request);
    if (denied) return denied;
    if (request.params.projectId !== credentials.projectId) {
      // [UNVERIFIED] answer for a project the credentials do not own.
      return serviceError('ModelArts.4203', 'No access permission.');
    }
    if (!subscribed) return serviceError('ModelArts.4204', 'The API is not subscribed to.');
    // The seed's request header table: Content-Type application/json is required. [UNVERIFIED]
    // which code the gateway answers without it; AIS.0014 is the service's "not JSON" answer.
    const contentType = request.headers['content-type'];
    if (typeof contentType !== 'string' || !/^application\/json\b/i.test(contentType)) {
      return serviceError('AIS.0014', 'The JSON format of the input data is incorrect.');
    }
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString('utf8'));
    } catch {
      return serviceError('AIS.0014', 'The JSON format of the input data is incorrect.');
    }
    // Fields the API does not define are refused (AIS.0012), as the service does.
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
      const unknown = Object.keys(json).filter((key) => !(key in TaggingBody.shape));
      if (unknown.length > 0) {
        return serviceError(
          'AIS.0012',
          `The request parameter is not supported. (${unknown.join(', ')})`,
        );
      }
    }
    const body = TaggingBody.safeParse(json);
    if (!body.success) {
      return serviceError('AIS.0014', 'The JSON format of the input data is incorrect.');
    }
    const { language = 'zh', threshold = 60, limit = 150 } = body.data;
    if (language !== 'zh' && language !== 'en') {
      return serviceError('AIS.0501', 'The input parameter is invalid. (language)');
    }
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 100)) {
      return serviceError('AIS.0501', 'The input parameter is invalid. (threshold)');
    }
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 150) {
      return serviceError('AIS.0501', 'The input parameter is invalid. (limit)');
    }
    const image = body.data.image ?? '';
    const url = body.data.url ?? '';
    if (image === '' && url === '') {
      return serviceError('AIS.0011', 'The parameter is missing: image or url.');
    }
    // Seed §4: image is "与url二选一" (one of the two), never both.
    if (image !== '' && url !== '') {
      return serviceError('AIS.0501', 'The input parameter is invalid. (image and url together)');
    }
    let bytes: Buffer;
    if (image !== '') {
      // The PHP sample sends chunk_split() base64, so line breaks are tolerated.
      const compact = image.replace(/[\r\n]/g, '');
      if (compact.length > limits.maxBase64Length) {
        return serviceError('AIS.0504', 'The image size does not meet requirements.');
      }
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
        return serviceError('AIS.0015', 'Failed to decode the base64 image.');
      }
      bytes = Buffer.from(compact, 'base64');
    } else {
      const downloaded = await download(url);
      if (!Buffer.isBuffer(downloaded)) return downloaded;
      bytes = downloaded;
      if (Math.ceil(bytes.length / 3) * 4 > limits.maxBase64Length) {
        return serviceError('AIS.0504', 'The image size does not meet requirements.');
      }
    }
    if (sniffFormat(bytes) === undefined) {
      return serviceError('AIS.0502', 'The image format is not supported.');
    }
    let width: number;
    let height: number;
    try {
      // A full decode: a truncated or corrupt file is "damaged", as the service says.
      const { info } = await sharp(bytes, { failOn: 'error' })
        .rotate()
        .raw()
        .toBuffer({ resolveWithObject: true });
      width = info.width;
      height = info.height;
    } catch {
      return serviceError('AIS.0503', 'The image is damaged.');
    }
    if (Math.min(width, height) < limits.minSide || Math.max(width, height) > limits.maxSide) {
      return serviceError('AIS.0504', 'The image size does not meet requirements.');
    }
    let answer: EngineAnswer;
    try {
      answer = await tagger(bytes);
    } catch {
      return serviceError('AIS.0505', 'Failed to run the algorithm.');
    }
    const tags = answer.tags
      .filter(isScored) // the service scores every label
      .filter((tag) => tag.confidence >= threshold)
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, limit)
      .map((tag) => {
        // The seed's own example labels a person with the type 人类/Human, not object.
        const i18nType =
          tag.name === 'person'
            ? { zh: '人类', en: 'Human' }
            : tag.type === 'object'
              ? { zh: '实体标签', en: 'Object' }
              : tag.type === 'scene'
                ? { zh: '场景标签', en: 'Scene' }
                : { zh: '概念标签', en: 'Concept' };
        return {
          confidence: formatConfidence(tag.confidence),
          type: tag.name === 'person' ? '人类' : tag.type,
          tag: language === 'zh' ? tag.i18n.zh : tag.i18n.en,
          i18n_tag: { zh: tag.i18n.zh, en: tag.i18n.en },
          i18n_type: i18nType,
          instances: tag.instances.map((box) => ({
            confidence: formatConfidence(box.confidence),
            bounding_box: {
              width: box.w * width,
              height: box.h * height,
              top_left_x: box.x * width,
              top_left_y: box.y * height,
            },
          })),
        };
      });
    return {
      status: 200,
      headers: { 'x-request-id': randomUUID().replace(/-/g, '') },
      body: { result: { tags } },
      paid: true,
      subject: createHash('sha256').update(bytes).digest('hex'),
    };
  }

  function tokenRoute(request: EmulatorRequest): EmulatorReply {
    const unauthorized: EmulatorReply = {
      status: 401,
      body: {
        error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' },
      },
      outcome: 'IAM.401',
    };
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString('utf8'));
    } catch {
      return {
        status: 400,
        body: { error: { code: 400, message: 'Request body is invalid.', title: 'Bad Request' } },
        outcome: 'IAM.400',
      };
    }
    const parsed = TokenRequest.safeParse(json);
    if (!parsed.success || !parsed.data.auth.identity.methods.includes('password')) {
      return {
        status: 400,
        body: { error: { code: 400, message: 'Request body is invalid.', title: 'Bad Request' } },
        outcome: 'IAM.400',
      };
    }
    const user = parsed.data.auth.identity.password.user;
    if (
      user.name !== credentials.user ||
      user.password !== credentials.password ||
      user.domain.name !== credentials.domain
    ) {
      return unauthorized;
    }
    const scope = parsed.data.auth.scope?.project;
    if (
      scope &&
      (scope.name ?? credentials.project) !== credentials.project &&
      scope.id !== credentials.projectId
    ) {
      return {
        status: 400,
        body: {
          error: { code: 400, message: 'The project does not exist.', title: 'Bad Request' },
        },
        outcome: 'IAM.400',
      };
    }
    const { token, expiresAt } = issueToken(user.name, credentials.projectId);
    return {
      status: 201,
      headers: { 'x-subject-token': token },
      body: {
        token: {
          expires_at: new Date(expiresAt).toISOString(),
          issued_at: new Date(now()).toISOString(),
          methods: ['password'],
          project: {
            id: credentials.projectId,
            name: credentials.project,
            domain: { name: credentials.domain },
          },
          user: { name: user.name, domain: { name: credentials.domain } },
        },
      },
      key: user.name,
    };
  }

  const kit = await startEmulatorKit({
    name: 'huawei',
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    // AK/SK and token auth both have a 12 MB body limit (seed §3.3).
    maxBodyBytes: 12 * 1024 * 1024,
    routes: [
      { name: 'iam-token', method: 'POST', path: '/v3/auth/tokens', handler: tokenRoute },
      {
        name: 'image-tagging',
        method: 'POST',
        path: '/v2/:projectId/image/tagging',
        handler: tagRoute,
      },
    ],
    keyOf: (request) => {
      const authorization = request.headers.authorization;
      const ak =
        typeof authorization === 'string' ? /Access=([^,\s]+)/.exec(authorization)?.[1] : undefined;
      if (ak) return ak;
      const token = request.headers['x-auth-token'];
      if (typeof token === 'string') {
        const payload = token.split('.')[1];
        try {
          const parsed = TokenPayload.safeParse(
            JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')),
          );
          if (parsed.success) return parsed.data.u;
        } catch {
          return null;
        }
      }
      return null;
    },
    throttleReply: (_request, reason, retryAfterSeconds) => ({
      ...gatewayError(
        429,
        'APIG.0308',
        reason === 'qps'
          ? 'The throttling threshold has been reached: policy user over ratelimit, limit:1, time:1 second'
          : 'The throttling threshold has been reached: policy api over ratelimit, limit:100, time:1 minute',
      ),
      ...(retryAfterSeconds === undefined
        ? {}
        : { headers: { 'retry-after': String(retryAfterSeconds) } }),
    }),
    // [UNVERIFIED] gateway codes for a failing backend; 500 uses the service's internal error.
    serverErrorReply: (_request, status) =>
      status === 502 || status === 503
        ? gatewayError(status, 'APIG.0202', 'Backend unavailable')
        : status === 504
          ? gatewayError(status, 'APIG.0203', 'Backend timeout')
          : gatewayError(status, 'AIS.0003', 'An internal error occurred.'),
    notFoundReply: () =>
      gatewayError(
        404,
        'APIG.0101',
        'The API does not exist or has not been published in the environment',
      ),
    tooLargeReply: () => gatewayError(413, 'APIG.0201', 'Request entity too large'),
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
    async close() {
      await kit.close();
      await localEngine?.close();
    },
    advanceClock(ms) {
      clockOffset += ms;
    },
    setSubscribed(value) {
      subscribed = value;
    },
    revokeTokens() {
      tokenGeneration++;
    },
    get tokensIssued() {
      return tokensIssued;
    },
  };
}

/**
 * What `tujian emulate huawei` prints as JSON on its first line: where the emulator listens,
 * the test credentials it accepts, and engine settings for AK/SK and token mode that point at
 * it (paste into the Huawei engine settings to try the app against the emulator).
 */
export function huaweiEmulatorBanner(emulator: HuaweiEmulator) {
  const c = emulator.credentials;
  const common = {
    endpoint: emulator.baseUrl,
    iamEndpoint: emulator.baseUrl,
    region: c.region,
    projectId: c.projectId,
  };
  return {
    emulator: 'huawei',
    baseUrl: emulator.baseUrl,
    control: `${emulator.baseUrl}/__emulator`,
    credentials: c,
    settings: {
      aksk: { ...common, auth: { kind: 'aksk', ak: c.ak, sk: c.sk } },
      token: {
        ...common,
        auth: {
          kind: 'token',
          user: c.user,
          password: c.password,
          domain: c.domain,
          project: c.project,
        },
      },
    },
  } as const;
}
