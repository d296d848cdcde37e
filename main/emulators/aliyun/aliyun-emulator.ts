// A protocol-faithful emulator of Aliyun Content Security (Green 2018-05-09) image async scan
// (seed 002, PROTOCOLS.md §C) on 127.0.0.1, built on the shared emulator kit. It verifies the
// ROA HMAC-SHA1 signature as the POP gateway does (string to sign recomputed from what arrived,
// query values decoded, Content-MD5 against the body, Date window, nonce reuse, x-acs-version)
// and answers failures in the POP envelope; it downloads each `tasks[].url` within the
// documented 3 s (592), refuses >20 MB (589) and other formats (590), tags the bytes with the
// local engine in the seed's `label/rate/scene/suggestion` format, answers 280 while a task is
// processing and 594 once its results (kept 1 h) expired, and pushes results to `callback` with
// checksum = sha256(uid + seed + content).
import { randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { aliyunCallbackChecksum } from '../../engines/aliyun/aliyun-callback.ts';
import {
  aliyunApiVersion,
  aliyunSignature,
  aliyunStringToSign,
  contentMd5Base64,
  parseAliyunAuthorization,
} from '../../engines/aliyun/aliyun-signer.ts';
import { sha256Hex } from '../../engines/volcengine/volcengine-signer.ts';
import { isScored } from '../../engines/tag-model.ts';
import {
  startEmulatorKit,
  type EmulatorKit,
  type EmulatorReply,
  type EmulatorRequest,
} from '../emulator-kit.ts';
import {
  downloadImage,
  localEngineTagger,
  type ClosableTagger,
  type EmulatorTagger,
} from '../volcengine/emulator-image-source.ts';

export interface AliyunCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** The account ID (uid) callbacks are signed with. */
  readonly uid: string;
}

export const aliyunTestCredentials: AliyunCredentials = {
  accessKeyId: 'LTAI5tEmulatorTestKey01',
  accessKeySecret: 'EmulatorTestSecret0123456789abcd',
  uid: '1234567890123456',
};

/** Risk scenes the docs list, plus the seed's `tag` (an app-defined extension here). */
export const aliyunScenes = ['porn', 'terrorism', 'ad', 'qrcode', 'live', 'logo', 'tag'] as const;

export interface AliyunEmulatorOptions {
  readonly port?: number;
  readonly credentials?: readonly AliyunCredentials[];
  /** Tags downloaded images; the local engine when absent. */
  readonly tagger?: EmulatorTagger;
  /** A task answers 280 at least this long (and until it is tagged). */
  readonly processingMs?: number;
  /** Results are kept this long (1 h real), then 594. */
  readonly resultTtlMs?: number;
  /** The documented download limit (3 s). */
  readonly downloadTimeoutMs?: number;
  /** The documented async size limit (20 MB). */
  readonly maxImageBytes?: number;
  /** Allowed |Date − now|; POP gateways allow 15 min. */
  readonly clockSkewMs?: number;
  /** Callback pushes after the first that fails: 16 by default (seed 002: "最多重复推送16次"). */
  readonly callbackRetries?: number;
  readonly callbackRetryDelayMs?: number;
  readonly now?: () => number;
}

interface SceneResult {
  scene: string;
  label: string;
  suggestion: 'pass' | 'review' | 'block';
  rate: number;
}

interface Task {
  readonly taskId: string;
  readonly dataId: string | undefined;
  readonly url: string;
  readonly key: string;
  readonly scenes: readonly string[];
  readonly submittedAt: number;
  readonly callback?: { url: string; seed: string } | undefined;
  outcome?:
    | { ok: true; results: SceneResult[]; subject: string }
    | { ok: false; code: number; msg: string };
  charged: boolean;
}

export interface CallbackDelivery {
  readonly taskId: string;
  readonly attempt: number;
  readonly status: number | 'error';
}

export interface AliyunEmulator {
  readonly baseUrl: string;
  readonly credentials: AliyunCredentials;
  readonly kit: EmulatorKit;
  /** Callback pushes made so far. */
  callbacks(): readonly CallbackDelivery[];
  /** Waits until every task is tagged and its callbacks are delivered or given up. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const formats = new Set(['jpeg', 'png', 'webp', 'gif']);

function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function requestId(): string {
  return randomUUID().toUpperCase();
}

function popError(status: number, code: string, message: string): EmulatorReply {
  return {
    status,
    outcome: code,
    body: {
      RequestId: requestId(),
      HostId: 'green.cn-shanghai.aliyuncs.com',
      Code: code,
      Message: message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${code}`,
    },
  };
}

/** The business envelope; the top-level code is also the HTTP status (seed 002). */
function envelope(code: number, msg: string, data?: unknown, extra: Partial<EmulatorReply> = {}) {
  return {
    status: code,
    outcome: code === 200 ? 'ok' : String(code),
    ...extra,
    body: { code, msg, requestId: requestId(), ...(data === undefined ? {} : { data }) },
  } satisfies EmulatorReply;
}

export async function startAliyunEmulator(
  options: AliyunEmulatorOptions = {},
): Promise<AliyunEmulator> {
  const now = options.now ?? Date.now;
  const credentials = options.credentials ?? [aliyunTestCredentials];
  const byKey = new Map(credentials.map((c) => [c.accessKeyId, c]));
  const processingMs = options.processingMs ?? 200;
  const resultTtlMs = options.resultTtlMs ?? 3600_000;
  const clockSkewMs = options.clockSkewMs ?? 15 * 60_000;
  const maxImageBytes = options.maxImageBytes ?? 20 * 1024 * 1024;
  let local: ClosableTagger | undefined;
  const tagger: EmulatorTagger =
    options.tagger ?? ((bytes) => (local ??= localEngineTagger()).tag(bytes));
  const tasks = new Map<string, Task>();
  const nonces = new Map<string, number>();
  const work = new Set<Promise<void>>();
  const deliveries: CallbackDelivery[] = [];

  function track(promise: Promise<void>): void {
    const job = promise.finally(() => work.delete(job));
    work.add(job);
  }

  /** The POP gateway's checks, in the order a request meets them. */
  function authenticate(request: EmulatorRequest): EmulatorReply | undefined {
    const version = header(request, 'x-acs-version');
    if (version !== aliyunApiVersion) {
      return popError(
        400,
        'InvalidAction.NotFound',
        `Specified api is not found, please check your url and method. (x-acs-version ${version ?? 'missing'})`,
      );
    }
    const authorization = header(request, 'authorization');
    const auth = authorization ? parseAliyunAuthorization(authorization) : undefined;
    if (!auth)
      return popError(
        400,
        'IncompleteSignature',
        'The request signature does not conform to Aliyun standards.',
      );
    const account = byKey.get(auth.accessKeyId);
    if (!account)
      return popError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    const method = header(request, 'x-acs-signature-method');
    if (method !== 'HMAC-SHA1') {
      return popError(
        400,
        'InvalidParameter',
        `Specified signature method ${method ?? '(none)'} is not supported here.`,
      );
    }
    const date = Date.parse(header(request, 'date') ?? '');
    if (Number.isNaN(date) || Math.abs(now() - date) > clockSkewMs) {
      return popError(
        400,
        'InvalidTimeStamp.Expired',
        'Specified time stamp or date value is expired.',
      );
    }
    const nonce = header(request, 'x-acs-signature-nonce');
    if (!nonce)
      return popError(
        400,
        'MissingParameter',
        'x-acs-signature-nonce is mandatory for this action.',
      );
    for (const [n, at] of nonces) if (now() - at > clockSkewMs) nonces.delete(n);
    if (nonces.has(nonce))
      return popError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    const md5 = header(request, 'content-md5');
    if (md5 !== undefined && md5 !== contentMd5Base64(request.body)) {
      return popError(
        400,
        'SignatureDoesNotMatch',
        'Content-MD5 does not match the body received.',
      );
    }
    const headers = new Map<string, string>();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(',') : value);
    }
    const path = decodeURIComponent(request.path);
    const query = [...request.query];
    const candidates = [aliyunStringToSign(request.method, path, query, headers)];
    if (query.some(([, v]) => v === '')) {
      candidates.push(aliyunStringToSign(request.method, path, query, headers, true));
    }
    const match = candidates.find(
      (s) => aliyunSignature(account.accessKeySecret, s) === auth.signature,
    );
    if (!match) {
      return popError(
        400,
        'SignatureDoesNotMatch',
        `Specified signature is not matched with our calculation. server string to sign is:${candidates[0] ?? ''}`,
      );
    }
    nonces.set(nonce, now());
    return undefined;
  }

  function parseJson(request: EmulatorRequest): unknown {
    try {
      return JSON.parse(request.body.toString('utf8'));
    } catch {
      return undefined;
    }
  }

  async function process(task: Task): Promise<void> {
    const download = await downloadImage(task.url, {
      timeoutMs: options.downloadTimeoutMs ?? 3000,
      maxBytes: maxImageBytes,
    });
    if (!download.ok) {
      const [code, msg] =
        download.reason === 'timeout'
          ? [592, 'DOWNLOAD_TIMEOUT']
          : download.reason === 'too-large'
            ? [589, 'TOO_LARGE']
            : [480, 'DOWNLOAD_FAILED'];
      task.outcome = { ok: false, code, msg: `${msg}: ${download.detail}` };
      return;
    }
    const meta = await sharp(download.bytes)
      .metadata()
      .catch(() => undefined);
    // sharp has no BMP decoder; BMP is recognised by its magic bytes.
    const isBmp = download.bytes.subarray(0, 2).toString('latin1') === 'BM';
    if (!isBmp && (!meta || !formats.has(meta.format))) {
      task.outcome = { ok: false, code: 590, msg: `BAD_FORMAT: ${meta?.format ?? 'unreadable'}` };
      return;
    }
    const results: SceneResult[] = [];
    try {
      const tagged =
        task.scenes.includes('tag') && !isBmp ? await tagger(download.bytes) : undefined;
      for (const scene of task.scenes) {
        if (scene === 'tag') {
          // The service scores every label; a tagger's unscored tag has no label to report.
          for (const tag of (tagged?.tags ?? []).filter(isScored)) {
            results.push({
              scene: 'tag',
              label: tag.name,
              suggestion: 'pass',
              rate: Math.round(tag.confidence * 100) / 100,
            });
          }
        } else {
          // The emulator has no risk models: every risk scene answers "normal", as the
          // service does for an ordinary photo.
          results.push({ scene, label: 'normal', suggestion: 'pass', rate: 99.9 });
        }
      }
    } catch (error) {
      task.outcome = { ok: false, code: 586, msg: `ALGO_FAILED: ${(error as Error).message}` };
      return;
    }
    task.outcome = { ok: true, results, subject: sha256Hex(download.bytes) };
  }

  function taskContent(task: Task): Record<string, unknown> {
    const base = {
      taskId: task.taskId,
      ...(task.dataId === undefined ? {} : { dataId: task.dataId }),
      url: task.url,
    };
    if (now() - task.submittedAt >= resultTtlMs) return { code: 594, msg: 'EXPIRED', ...base };
    if (!task.outcome || now() - task.submittedAt < processingMs) {
      return { code: 280, msg: 'PROCESSING', ...base };
    }
    if (!task.outcome.ok) return { code: task.outcome.code, msg: task.outcome.msg, ...base };
    return { code: 200, msg: 'OK', ...base, results: task.outcome.results };
  }

  async function pushCallback(task: Task): Promise<void> {
    const callback = task.callback;
    const account = byKey.get(task.key);
    if (!callback || !account) return;
    const content = JSON.stringify(taskContent(task));
    const form = new URLSearchParams({
      checksum: aliyunCallbackChecksum(account.uid, callback.seed, content),
      content,
    });
    const attempts = 1 + (options.callbackRetries ?? 16);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let status: number | 'error';
      try {
        const res = await fetch(callback.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: form.toString(),
          signal: AbortSignal.timeout(3000),
        });
        await res.body?.cancel();
        status = res.status;
      } catch {
        status = 'error';
      }
      deliveries.push({ taskId: task.taskId, attempt, status });
      if (status === 200) return;
      await new Promise((r) => setTimeout(r, options.callbackRetryDelayMs ?? 200));
    }
  }

  function asyncScan(request: EmulatorRequest): EmulatorReply {
    const denied = authenticate(request);
    if (denied) return denied;
    const body = parseJson(request) as
      | { scenes?: unknown; tasks?: unknown; callback?: unknown; seed?: unknown; bizType?: unknown }
      | undefined;
    if (!body || typeof body !== 'object')
      return envelope(400, 'BAD_REQUEST: body is not a JSON object');
    const scenes = body.scenes;
    if (
      !Array.isArray(scenes) ||
      scenes.length === 0 ||
      !scenes.every((s) => typeof s === 'string')
    ) {
      return envelope(400, 'BAD_REQUEST: scenes must be a non-empty array of strings');
    }
    const unknown = scenes.filter((s) => !(aliyunScenes as readonly string[]).includes(s));
    if (unknown.length > 0)
      return envelope(400, `BAD_REQUEST: unsupported scenes ${unknown.join(',')}`);
    if (!Array.isArray(body.tasks) || body.tasks.length === 0 || body.tasks.length > 100) {
      return envelope(400, 'BAD_REQUEST: tasks must hold 1 to 100 items');
    }
    // Seed 002: "需要保证在一次请求中所有的Id不重复" (the dataIds of one request are distinct).
    const dataIds = (body.tasks as unknown[]).flatMap((item) => {
      const id = (item as { dataId?: unknown } | null)?.dataId;
      return typeof id === 'string' ? [id] : [];
    });
    if (new Set(dataIds).size !== dataIds.length) {
      return envelope(400, 'BAD_REQUEST: dataId must be unique within one request');
    }
    let callback: { url: string; seed: string } | undefined;
    if (body.callback !== undefined) {
      if (typeof body.callback !== 'string' || !/^https?:\/\//.test(body.callback)) {
        return envelope(400, 'BAD_REQUEST: callback must be an http(s) URL');
      }
      if (typeof body.seed !== 'string' || body.seed === '') {
        return envelope(400, 'BAD_REQUEST: seed is required with callback');
      }
      callback = { url: body.callback, seed: body.seed };
    }
    const data = (body.tasks as unknown[]).map((item) => {
      const t = (item ?? {}) as { dataId?: unknown; url?: unknown };
      const dataId = typeof t.dataId === 'string' ? t.dataId : undefined;
      const url = typeof t.url === 'string' ? t.url : '';
      const base = { ...(dataId === undefined ? {} : { dataId }), url };
      if (!/^https?:\/\//.test(url) || url.length > 2048) {
        return {
          code: 400,
          msg: 'BAD_REQUEST: url must be http(s) and at most 2048 characters',
          ...base,
        };
      }
      const taskId = `img${randomBytes(12).toString('base64url')}-${String(now())}`;
      const task: Task = {
        taskId,
        dataId,
        url,
        key: request.key ?? '',
        scenes: scenes,
        submittedAt: now(),
        callback,
        charged: false,
      };
      tasks.set(taskId, task);
      track(
        process(task).then(async () => {
          if (!task.callback) return;
          // Push once the task would answer 200 to a poll.
          const wait = task.submittedAt + processingMs - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          task.charged = true;
          await pushCallback(task);
        }),
      );
      return { code: 200, msg: 'OK', ...base, taskId };
    });
    return envelope(200, 'OK', data);
  }

  function results(request: EmulatorRequest): EmulatorReply {
    const denied = authenticate(request);
    if (denied) return denied;
    const body = parseJson(request);
    if (
      !Array.isArray(body) ||
      body.length === 0 ||
      body.length > 100 ||
      !body.every((x) => typeof x === 'string')
    ) {
      return envelope(400, 'BAD_REQUEST: the body must be a JSON array of 1 to 100 taskIds');
    }
    let paid = false;
    let subject: string | undefined;
    const data = body.map((taskId) => {
      const task = tasks.get(taskId);
      // The service cannot tell a forgotten task from one that never was: both are 594.
      if (!task || task.key !== (request.key ?? '')) return { code: 594, msg: 'EXPIRED', taskId };
      const content = taskContent(task);
      if (content.code === 200 && task.outcome?.ok) {
        // Charged once per task, when its result is first delivered (poll or callback).
        if (!task.charged) paid = true;
        task.charged = true;
        subject = task.outcome.subject;
      }
      return content;
    });
    return envelope(200, 'OK', data, { paid, ...(subject === undefined ? {} : { subject }) });
  }

  const kit = await startEmulatorKit({
    name: 'aliyun',
    port: options.port ?? 0,
    routes: [
      { name: 'asyncscan', method: 'POST', path: '/green/image/asyncscan', handler: asyncScan },
      { name: 'results', method: 'POST', path: '/green/image/results', handler: results },
    ],
    keyOf: (request) => {
      const value = request.headers.authorization;
      return typeof value === 'string'
        ? (parseAliyunAuthorization(value)?.accessKeyId ?? null)
        : null;
    },
    throttleReply: (_request, _reason, retryAfterSeconds) =>
      envelope(588, 'EXCEED_QUOTA', undefined, {
        ...(retryAfterSeconds === undefined
          ? {}
          : { headers: { 'retry-after': String(retryAfterSeconds) } }),
      }),
    serverErrorReply: (_request, status) =>
      status === 503 ? envelope(503, 'ServiceUnavailable') : envelope(status, 'GENERAL_ERROR'),
    notFoundReply: () =>
      popError(
        404,
        'InvalidAction.NotFound',
        'Specified api is not found, please check your url and method.',
      ),
    info: () => ({ credentials, scenes: aliyunScenes, apiVersion: aliyunApiVersion }),
    now,
  });

  return {
    baseUrl: kit.baseUrl,
    credentials: credentials[0] ?? aliyunTestCredentials,
    kit,
    callbacks: () => [...deliveries],
    async settled() {
      while (work.size > 0) await Promise.allSettled([...work]);
    },
    async close() {
      await kit.close();
      await Promise.allSettled([...work]);
      await local?.close();
    },
  };
}
