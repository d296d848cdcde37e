// Emulator of Tencent Cloud image tagging (tiia, API 2019-05-29: DetectLabelPro and
// DetectLabel) on the shared emulator kit. It checks what the API 3.0 gateway checks, in the
// gateway's order — the Authorization header's form, the 5-minute timestamp window
// (AuthFailure.SignatureExpire), the SecretId (AuthFailure.SecretIdNotFound), the TC3-HMAC-
// SHA256 signature rebuilt from the headers the caller says it signed (AuthFailure.
// SignatureFailure), version, action and region — then what the service checks (the image:
// present, at most 4 MB of base64, decodable, PNG/JPG/BMP) and tags what it received with the
// on-device engine, answering `{Response: {Labels, RequestId}}`. Errors are HTTP 200 with
// `Response.Error`, as API 3.0 answers them. Faults come from the kit (RequestLimitExceeded,
// 5xx, hangs, resets…).
//
// What is not published and is the emulator's own: the label taxonomy. The on-device engine's
// tags are answered with their Chinese names, and FirstCategory/SecondCategory say 场景 for a
// scene, 物品 for an object and 概念 for a concept.
import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { z } from 'zod';
import { isScored, type EngineAnswer } from '../../engines/tag-model.ts';
import { sha256Hex, tc3Signature } from '../../engines/tencent/tencent-signer.ts';
import { knownTencentRegions } from '../../engines/tencent/tencent-settings.ts';
import {
  startEmulatorKit,
  type EmulatorKit,
  type EmulatorReply,
  type EmulatorRequest,
} from '../emulator-kit.ts';
import { tagPixelRegions } from '../huawei/pixel-region-tagger.ts';
import {
  downloadImage,
  type EmulatorTagger,
  localEngineTagger,
} from '../volcengine/emulator-image-source.ts';

export interface TencentEmulatorCredentials {
  readonly secretId: string;
  readonly secretKey: string;
  readonly region: string;
}

export interface TencentEmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly credentials?: Partial<TencentEmulatorCredentials>;
  /** `local` (default): the on-device engine; `pixels`: the fast pixel tagger; or a function. */
  readonly tagger?: EmulatorTagger | 'local' | 'pixels';
  /**
   * The answer DetectLabelPro gets when this account or region does not have it
   * ([Note: Tencent's Pro fallback]); absent: Pro is available.
   */
  readonly proUnavailableCode?: string;
  /** The gateway's clock window, in seconds (5 minutes). */
  readonly maxSkewSeconds?: number;
  readonly now?: () => number;
}

export interface TencentEmulator extends Pick<
  EmulatorKit,
  'setFaults' | 'addFault' | 'clearFaults' | 'calls' | 'clearCalls' | 'close'
> {
  readonly baseUrl: string;
  readonly credentials: TencentEmulatorCredentials;
  /** Moves the emulator clock (for SignatureExpire). */
  advanceClock(ms: number): void;
  /** Makes DetectLabelPro unavailable (with this code) or available again (undefined). */
  setProUnavailable(code: string | undefined): void;
}

/** "经Base64编码后不超过4M". */
export const tencentEmulatorMaxBase64 = 4 * 1024 * 1024;

const apiVersion = '2019-05-29';
const actions = ['DetectLabelPro', 'DetectLabel'] as const;
const scenes = ['WEB', 'CAMERA', 'ALBUM', 'NEWS'] as const;

const DetectBody = z.object({
  ImageBase64: z.string().optional(),
  ImageUrl: z.string().optional(),
  Scenes: z.array(z.enum(scenes)).optional(),
});

const authorizationPattern =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

function sniffFormat(bytes: Buffer): 'jpeg' | 'png' | 'bmp' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes.subarray(0, 2).toString('latin1') === 'BM') return 'bmp';
  return undefined;
}

function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function randomKey(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join(
    '',
  );
}

/** The label list the emulator answers for one tagger answer. */
export function tencentLabelsFor(answer: EngineAnswer) {
  return answer.tags.filter(isScored).map((tag) => {
    const category = tag.type === 'scene' ? '场景' : tag.type === 'concept' ? '概念' : '物品';
    return {
      Name: tag.i18n.zh,
      Confidence: Math.round(tag.confidence),
      FirstCategory: category,
      SecondCategory: category,
    };
  });
}

export async function startTencentEmulator(
  options: TencentEmulatorOptions = {},
): Promise<TencentEmulator> {
  const credentials: TencentEmulatorCredentials = {
    secretId: `AKID${randomKey(32)}`,
    secretKey: randomKey(32),
    region: 'ap-guangzhou',
    ...options.credentials,
  };
  const maxSkewSeconds = options.maxSkewSeconds ?? 300;
  let clockOffset = 0;
  const now = () => (options.now ?? Date.now)() + clockOffset;
  let proUnavailableCode = options.proUnavailableCode;
  const local = localEngineTagger();
  const choice = options.tagger ?? 'local';
  const tagger: EmulatorTagger =
    choice === 'local' ? local.tag : choice === 'pixels' ? tagPixelRegions : choice;

  const answer = (response: Record<string, unknown>, extra: Partial<EmulatorReply> = {}) =>
    ({
      status: 200,
      body: { Response: { ...response, RequestId: randomUUID() } },
      ...extra,
    }) satisfies EmulatorReply;
  const failure = (code: string, message: string, extra: Partial<EmulatorReply> = {}) =>
    answer({ Error: { Code: code, Message: message } }, { outcome: code, ...extra });

  /** The gateway's checks; null when the caller is who it says and signed what it sent. */
  function checkGateway(request: EmulatorRequest): EmulatorReply | null {
    const authorization = header(request, 'authorization');
    const match = authorization ? authorizationPattern.exec(authorization) : null;
    if (!match) {
      return failure(
        'AuthFailure.InvalidAuthorization',
        'Requests Authorization header is not in the Tencent Cloud standard form.',
      );
    }
    const [, secretId = '', date = '', service = '', signedHeaders = '', signature = ''] = match;
    const timestampText = header(request, 'x-tc-timestamp');
    const timestamp = Number(timestampText);
    if (!timestampText || !Number.isInteger(timestamp)) {
      return failure(
        'MissingParameter',
        'The request is missing a required parameter `Timestamp`.',
      );
    }
    if (Math.abs(now() / 1000 - timestamp) > maxSkewSeconds) {
      return failure(
        'AuthFailure.SignatureExpire',
        `Signature expire. Timestamp ${String(timestamp)} differs from the server time by more than ${String(maxSkewSeconds)} seconds.`,
      );
    }
    if (secretId !== credentials.secretId) {
      return failure(
        'AuthFailure.SecretIdNotFound',
        'The SecretId is not found, please ensure that your SecretId is correct.',
      );
    }
    const names = signedHeaders.split(';');
    const hostHeader = header(request, 'host') ?? '';
    // The gateway listens on 443, so the Host it sees has no port; the SDK signs `hostname`.
    const hostname = hostHeader.replace(/:\d+$/, '');
    // The service is named after the host's first label (tiia.tencentcloudapi.com → tiia), as
    // the official SDK derives it; an emulator reached by IP cannot be called tiia.*, so the
    // host's first label (what the SDK signs then) and `tiia` are both accepted.
    const hostService = hostname.split('.')[0] ?? '';
    const sameDay = new Date(timestamp * 1000).toISOString().slice(0, 10) === date;
    if (
      !names.includes('host') ||
      !names.includes('content-type') ||
      !sameDay ||
      (service !== 'tiia' && service !== hostService)
    ) {
      return signatureFailure();
    }
    // Values as sent, trimmed (the SDK signs the Content-Type it sends and the hostname).
    const canonicalHeaders = names
      .map(
        (name) =>
          `${name}:${(name === 'host' ? hostname : (header(request, name) ?? '')).trim()}\n`,
      )
      .join('');
    const canonicalRequest = [
      request.method,
      request.path,
      request.rawQuery,
      canonicalHeaders,
      signedHeaders,
      sha256Hex(request.body),
    ].join('\n');
    const expected = tc3Signature({
      canonicalRequest,
      timestamp,
      service,
      secretKey: credentials.secretKey,
    }).signature;
    if (expected !== signature) return signatureFailure();
    return null;
  }

  function signatureFailure(): EmulatorReply {
    return failure(
      'AuthFailure.SignatureFailure',
      'The provided credentials could not be validated. Please check your signature is correct.',
    );
  }

  async function imageBytes(
    body: z.infer<typeof DetectBody>,
  ): Promise<{ ok: true; bytes: Buffer } | { ok: false; reply: EmulatorReply }> {
    // "与ImageUrl同时存在时优先使用ImageUrl字段".
    if (body.ImageUrl) {
      const download = await downloadImage(body.ImageUrl, {
        timeoutMs: 3000,
        maxBytes: tencentEmulatorMaxBase64,
      });
      if (!download.ok) {
        return {
          ok: false,
          reply: failure(
            'FailedOperation.ImageDownloadError',
            `image download failed: ${download.detail}`,
          ),
        };
      }
      return { ok: true, bytes: download.bytes };
    }
    const base64 = body.ImageBase64 ?? '';
    if (base64 === '') {
      return { ok: false, reply: failure('InvalidParameterValue.ImageEmpty', 'image is empty') };
    }
    if (base64.length > tencentEmulatorMaxBase64) {
      return {
        ok: false,
        reply: failure('FailedOperation.ImageSizeExceed', 'base64 image data is larger than 4M'),
      };
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
      return {
        ok: false,
        reply: failure(
          'FailedOperation.ImageDecodeFailed',
          'image decode failed (not base64; remove any data: header)',
        ),
      };
    }
    return { ok: true, bytes: Buffer.from(base64, 'base64') };
  }

  async function detect(request: EmulatorRequest): Promise<EmulatorReply> {
    const refused = checkGateway(request);
    if (refused) return refused;
    const version = header(request, 'x-tc-version');
    if (version !== apiVersion) {
      return failure(
        'NoSuchVersion',
        `The requested version \`${String(version)}\` of API \`tiia\` does not exist.`,
      );
    }
    const action = actions.find((a) => a === header(request, 'x-tc-action'));
    if (!action) {
      return failure(
        'InvalidAction',
        `The action \`${String(header(request, 'x-tc-action'))}\` does not exist.`,
      );
    }
    const region = header(request, 'x-tc-region');
    if (!region) {
      return failure('MissingParameter', 'The request is missing a required parameter `Region`.');
    }
    if (!knownTencentRegions.some((r) => r === region)) {
      return failure('UnsupportedRegion', `The action does not support the region \`${region}\`.`);
    }
    if (action === 'DetectLabelPro' && proUnavailableCode) {
      return failure(
        proUnavailableCode,
        'DetectLabelPro is not available to this account in this region.',
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString('utf8'));
    } catch {
      return failure('InvalidParameter', 'The request body is not valid JSON.');
    }
    const parsed = DetectBody.safeParse(json);
    if (!parsed.success) {
      return failure('InvalidParameterValue', z.prettifyError(parsed.error).slice(0, 300));
    }
    const image = await imageBytes(parsed.data);
    if (!image.ok) return image.reply;
    if (!sniffFormat(image.bytes)) {
      return failure(
        'InvalidParameter.ImageFormatNotSupport',
        'image format is not supported (PNG, JPG, JPEG, BMP)',
      );
    }
    try {
      await sharp(image.bytes, { failOn: 'error' }).stats();
    } catch {
      return failure('FailedOperation.ImageDecodeFailed', 'image decode failed');
    }
    const tagged = await tagger(image.bytes);
    const labels = tencentLabelsFor(tagged);
    const subject = createHash('sha256').update(image.bytes).digest('hex');
    if (action === 'DetectLabelPro') return answer({ Labels: labels }, { paid: true, subject });
    // DetectLabel: one answer per scene asked for (each billed), the others null.
    const wanted = new Set(parsed.data.Scenes ?? ['WEB']);
    return answer(
      {
        Labels: wanted.has('WEB') ? labels : null,
        CameraLabels: wanted.has('CAMERA') ? labels : null,
        AlbumLabels: wanted.has('ALBUM') ? labels : null,
        NewsLabels: wanted.has('NEWS')
          ? labels.map((l) => ({ ...l, FirstCategory: '', SecondCategory: '' }))
          : null,
      },
      { paid: true, subject },
    );
  }

  const kit = await startEmulatorKit({
    name: 'tencent',
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    routes: [{ name: 'tiia', method: 'POST', path: '/', handler: detect }],
    keyOf: (request) => {
      const authorization = request.headers.authorization;
      return typeof authorization === 'string'
        ? (authorizationPattern.exec(authorization)?.[1] ?? null)
        : null;
    },
    throttleReply: () =>
      failure(
        'RequestLimitExceeded',
        'Your current request times equals to `20` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls.',
      ),
    serverErrorReply: (_request, status) => ({
      ...failure('InternalError', 'An internal error has occurred. Retry your request.'),
      status,
    }),
    notFoundReply: () => failure('InvalidAction', 'The requested action does not exist.'),
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
    setProUnavailable(code) {
      proUnavailableCode = code;
    },
    async close() {
      await kit.close();
      await local.close();
    },
  };
}

/** The first line `tujian emulate tencent` prints. */
export function tencentEmulatorBanner(emulator: TencentEmulator) {
  return {
    emulator: 'tencent',
    baseUrl: emulator.baseUrl,
    control: `${emulator.baseUrl}/__emulator`,
    credentials: emulator.credentials,
    settings: {
      endpoint: emulator.baseUrl,
      region: emulator.credentials.region,
      secretId: emulator.credentials.secretId,
      secretKey: emulator.credentials.secretKey,
    },
  };
}
