// A protocol-faithful emulator of the Volcengine visual (CV) async API (seed 000,
// PROTOCOLS.md §A) on 127.0.0.1, built on the shared emulator kit: it verifies signature V4 the
// way the gateway does (rebuilding the canonical request from the SignedHeaders the client
// sent, X-Date window, X-Content-Sha256 against the body) and answers with the gateway's
// ResponseMetadata.Error envelope; it downloads `image_url`, tags the bytes with the local engine
// (status 1 when it finds a person or a face) and runs the task state machine
// in_queue → generating → done, with expired / not_found after configurable times.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { volcengineSubjectReqKey } from '../../engines/volcengine/volcengine-settings.ts';
import {
  parseVolcengineAuthorization,
  sha256Hex,
  volcengineCanonicalQuery,
  volcengineCanonicalRequest,
  volcengineSignature,
} from '../../engines/volcengine/volcengine-signer.ts';
import {
  startEmulatorKit,
  type EmulatorKit,
  type EmulatorReply,
  type EmulatorRequest,
} from '../emulator-kit.ts';
import {
  downloadImage,
  localEngineTagger,
  personLabels,
  type ClosableTagger,
  type EmulatorTagger,
} from './emulator-image-source.ts';

export interface VolcengineCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export const volcengineTestCredentials: VolcengineCredentials = {
  accessKeyId: 'AKLTemulatortestkey0001',
  secretAccessKey: 'VmVyeVNlY3JldEVtdWxhdG9yS2V5MDAwMQ==',
};

export interface VolcengineEmulatorOptions {
  readonly port?: number;
  readonly credentials?: readonly VolcengineCredentials[];
  /** Tags downloaded images; the local engine when absent. */
  readonly tagger?: EmulatorTagger;
  /** How long a task stays in_queue, then generating (at least until it is tagged). */
  readonly queueMs?: number;
  readonly generateMs?: number;
  /** After this a task answers `expired`; after `forgetAfterMs`, `not_found` (12 h real). */
  readonly expireAfterMs?: number;
  readonly forgetAfterMs?: number;
  /** Allowed |X-Date − now| (900 s is the usual gateway window; unverified for Volcengine). */
  readonly clockSkewMs?: number;
  /** Tasks in_queue/generating per key beyond which CVSubmitTask answers 50430. */
  readonly concurrentTasksPerKey?: number;
  readonly downloadTimeoutMs?: number;
  readonly now?: () => number;
}

interface Task {
  readonly id: string;
  readonly key: string;
  readonly imageUrl: string;
  readonly submittedAt: number;
  /** Set when the download and tagging finished. */
  outcome?:
    { ok: true; status: 0 | 1; subject: string } | { ok: false; code: number; message: string };
  doneAt?: number;
  charged: boolean;
}

export interface VolcengineEmulator {
  readonly baseUrl: string;
  /** `127.0.0.1:port`, the `host` option of the official SDK's Service. */
  readonly host: string;
  readonly credentials: VolcengineCredentials;
  readonly kit: EmulatorKit;
  /** Task ids the emulator holds, oldest first. */
  taskIds(): string[];
  /**
   * The next `count` tasks submitted end with this business code at CVGetResult (the seed's
   * 50411/50412/50413/50511/50512 review refusals, 50500/50501 internal errors), as a real
   * task does when its review or model fails.
   */
  failNextTasks(code: TaskFailureCode, count?: number): void;
  /** Waits until every task finished downloading and tagging. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const apiVersion = '2022-08-31';

/** Task failures of the seed's error table (seed 000), with their HTTP status and message. */
const taskFailureCodes = {
  50411: [400, 'Pre Img Risk Not Pass'],
  50511: [400, 'Post Img Risk Not Pass'],
  50412: [400, 'Text Risk Not Pass'],
  50512: [400, 'Post Text Risk Not Pass'],
  50413: [400, 'Post Text Risk Not Pass'],
  50500: [500, 'Internal Error'],
  50501: [500, 'Internal RPC Error'],
  50215: [400, 'Input invalid for this service'],
} as const satisfies Record<number, readonly [number, string]>;

export type TaskFailureCode = keyof typeof taskFailureCodes;
const signatureMessage =
  'The request signature we calculated does not match the signature you provided. Check your Secret Access Key and signing method. Consult the service documentation for details.';

/** Gateway error codes with their CodeN and HTTP status (PROTOCOLS.md §A.5). */
const gatewayCodes = {
  MissingParameter: [100002, 400],
  MissingAuthenticationToken: [100003, 401],
  MissingRequestInfo: [100004, 400],
  MissingSignature: [100005, 401],
  InvalidTimestamp: [100006, 400],
  ServiceNotFound: [100007, 404],
  InvalidActionOrVersion: [100008, 404],
  InvalidAccessKey: [100009, 401],
  SignatureDoesNotMatch: [100010, 401],
  AccessDenied: [100013, 403],
  InternalError: [100014, 500],
  InternalServiceTimeout: [100016, 504],
  ServiceUnavailableTemp: [undefined, 503],
} as const satisfies Record<string, readonly [number | undefined, number]>;

type GatewayCode = keyof typeof gatewayCodes;

function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function requestId(): string {
  const d = new Date();
  const stamp = d.toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${randomBytes(9).toString('hex').toUpperCase()}`;
}

function gatewayError(
  request: EmulatorRequest,
  code: GatewayCode,
  message?: string,
): EmulatorReply {
  const [codeN, status] = gatewayCodes[code];
  return {
    status,
    outcome: code,
    body: {
      ResponseMetadata: {
        RequestId: requestId(),
        Action: request.query.get('Action') ?? '',
        Version: request.query.get('Version') ?? '',
        Service: 'cv',
        Region: 'cn-north-1',
        Error: {
          ...(codeN === undefined ? {} : { CodeN: codeN }),
          Code: code,
          Message: message ?? code,
        },
      },
    },
  };
}

function businessReply(
  httpStatus: number,
  code: number,
  message: string,
  data: unknown,
  extra: Partial<EmulatorReply> = {},
): EmulatorReply {
  return {
    status: httpStatus,
    outcome: code === 10000 ? 'ok' : String(code),
    ...extra,
    body: {
      code,
      data,
      message,
      request_id: requestId(),
      status: code,
      time_elapsed: `${(Math.random() * 100 + 5).toFixed(6)}ms`,
    },
  };
}

/** Parses the X-Date form `20240102T030405Z`. */
function parseXDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

export async function startVolcengineEmulator(
  options: VolcengineEmulatorOptions = {},
): Promise<VolcengineEmulator> {
  const now = options.now ?? Date.now;
  const credentials = options.credentials ?? [volcengineTestCredentials];
  const secrets = new Map(credentials.map((c) => [c.accessKeyId, c.secretAccessKey]));
  const queueMs = options.queueMs ?? 200;
  const generateMs = options.generateMs ?? 200;
  const expireAfterMs = options.expireAfterMs ?? 12 * 3600_000;
  const forgetAfterMs = options.forgetAfterMs ?? 12 * 3600_000 + 3600_000;
  const clockSkewMs = options.clockSkewMs ?? 900_000;
  let local: ClosableTagger | undefined;
  const tagger: EmulatorTagger =
    options.tagger ?? ((bytes) => (local ??= localEngineTagger()).tag(bytes));
  const tasks = new Map<string, Task>();
  const work = new Set<Promise<void>>();

  /** The gateway: authentication and signature, exactly as PROTOCOLS.md §A.2/§A.6 describe. */
  function authenticate(request: EmulatorRequest): EmulatorReply | undefined {
    const authorization = header(request, 'authorization');
    if (!authorization) return gatewayError(request, 'MissingAuthenticationToken');
    const auth = parseVolcengineAuthorization(authorization);
    if (!auth) return gatewayError(request, 'MissingSignature', 'Authorization is malformed');
    const xDate = header(request, 'x-date');
    if (!xDate) return gatewayError(request, 'MissingRequestInfo', 'X-Date is missing');
    const at = parseXDate(xDate);
    if (at === undefined || Math.abs(now() - at) > clockSkewMs) {
      return gatewayError(request, 'InvalidTimestamp', `X-Date ${xDate} is outside the window`);
    }
    const secret = secrets.get(auth.accessKeyId);
    if (secret === undefined) {
      return gatewayError(request, 'InvalidAccessKey', 'The AccessKey is invalid');
    }
    if (auth.service !== 'cv') return gatewayError(request, 'ServiceNotFound');
    if (auth.region !== 'cn-north-1' || auth.shortDate !== xDate.slice(0, 8)) {
      return gatewayError(request, 'SignatureDoesNotMatch', signatureMessage);
    }
    if (!auth.signedHeaders.includes('x-date')) {
      return gatewayError(request, 'SignatureDoesNotMatch', signatureMessage);
    }
    const actualHash = sha256Hex(request.body);
    const declaredHash = header(request, 'x-content-sha256');
    if (declaredHash !== undefined && declaredHash !== actualHash) {
      return gatewayError(request, 'SignatureDoesNotMatch', signatureMessage);
    }
    const headers = new Map<string, string>();
    for (const name of auth.signedHeaders) {
      const value = header(request, name);
      if (value === undefined) {
        return gatewayError(request, 'SignatureDoesNotMatch', signatureMessage);
      }
      headers.set(name, value);
    }
    const canonical = volcengineCanonicalRequest({
      method: request.method,
      path: decodeURIComponent(request.path),
      canonicalQuery: volcengineCanonicalQuery(request.query),
      headers,
      signedHeaders: auth.signedHeaders,
      bodyHash: declaredHash ?? actualHash,
    });
    const expected = volcengineSignature(secret, xDate, auth.region, auth.service, canonical);
    if (expected !== auth.signature) {
      return gatewayError(request, 'SignatureDoesNotMatch', signatureMessage);
    }
    return undefined;
  }

  function parseBody(request: EmulatorRequest): Record<string, unknown> | undefined {
    try {
      const value: unknown = JSON.parse(request.body.toString('utf8'));
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }

  const injectedFailures: TaskFailureCode[] = [];

  async function process(task: Task): Promise<void> {
    const injected = injectedFailures.shift();
    if (injected !== undefined) {
      task.outcome = { ok: false, code: injected, message: taskFailureCodes[injected][1] };
      return;
    }
    const download = await downloadImage(task.imageUrl, {
      timeoutMs: options.downloadTimeoutMs ?? 10_000,
      maxBytes: 4_700_000,
    });
    if (!download.ok) {
      task.outcome = {
        ok: false,
        code: 50215,
        message: `Input invalid for this service: image_url download failed (${download.reason}: ${download.detail})`,
      };
      return;
    }
    const meta = await sharp(download.bytes)
      .metadata()
      .catch(() => undefined);
    if (!meta || (meta.format !== 'jpeg' && meta.format !== 'png')) {
      task.outcome = {
        ok: false,
        code: 50215,
        message: `Input invalid for this service: the image is not JPEG or PNG (${meta?.format ?? 'unreadable'})`,
      };
      return;
    }
    const short = Math.min(meta.width, meta.height);
    const long = Math.max(meta.width, meta.height);
    // The side limits of PROTOCOLS.md §A.6 (documented for another req_key; the app keeps them
    // configurable). Its aspect-ratio limit of 3 is not applied: nothing ties it to this key.
    if (short < 320 || long > 4096) {
      task.outcome = {
        ok: false,
        code: 50215,
        message: `Input invalid for this service: ${String(meta.width)}×${String(meta.height)} px is outside 320–4096 px`,
      };
      return;
    }
    try {
      const answer = await tagger(download.bytes);
      const person = answer.tags.some((t) => personLabels.has(t.name));
      task.outcome = { ok: true, status: person ? 1 : 0, subject: sha256Hex(download.bytes) };
    } catch (error) {
      task.outcome = {
        ok: false,
        code: 50501,
        message: `Internal RPC Error: ${(error as Error).message}`,
      };
    }
  }

  function submit(request: EmulatorRequest): EmulatorReply {
    const denied = authenticate(request);
    if (denied) return denied;
    const body = parseBody(request);
    if (!body || typeof body.req_key !== 'string') {
      return gatewayError(request, 'MissingParameter', 'req_key is required (JSON body)');
    }
    if (body.req_key !== volcengineSubjectReqKey) {
      return businessReply(403, 50400, 'Access Denied: api forbidden', null);
    }
    if (typeof body.image_url !== 'string' || body.image_url === '') {
      return gatewayError(request, 'MissingParameter', 'image_url is required for this req_key');
    }
    const key = request.key ?? '';
    const limit = options.concurrentTasksPerKey;
    if (limit !== undefined) {
      // A task counts until a poll would see it `done`.
      const running = [...tasks.values()].filter(
        (t) => t.key === key && (!t.doneAt || now() - t.submittedAt < queueMs + generateMs),
      ).length;
      if (running >= limit) {
        return businessReply(
          429,
          50430,
          'Request Has Reached API Concurrent Limit, Please Try Later',
          null,
        );
      }
    }
    // Task ids are 19-digit decimal strings, as in the seed's example.
    const id = `7${String(BigInt(`0x${randomBytes(8).toString('hex')}`) % 10n ** 18n).padStart(18, '0')}`;
    const task: Task = { id, key, imageUrl: body.image_url, submittedAt: now(), charged: false };
    tasks.set(id, task);
    const job = process(task).finally(() => {
      task.doneAt = now();
      work.delete(job);
    });
    work.add(job);
    return businessReply(200, 10000, 'Success', { task_id: id });
  }

  function getResult(request: EmulatorRequest): EmulatorReply {
    const denied = authenticate(request);
    if (denied) return denied;
    const body = parseBody(request);
    if (!body || typeof body.req_key !== 'string' || typeof body.task_id !== 'string') {
      return gatewayError(request, 'MissingParameter', 'req_key and task_id are required');
    }
    // The req_key is checked here as at CVSubmitTask: it names the service being asked.
    if (body.req_key !== volcengineSubjectReqKey) {
      return businessReply(403, 50400, 'Access Denied: api forbidden', null);
    }
    const task = tasks.get(body.task_id);
    const age = task ? now() - task.submittedAt : 0;
    if (!task || task.key !== (request.key ?? '') || age >= forgetAfterMs) {
      return businessReply(
        200,
        10000,
        'Success',
        { status: 'not_found' },
        { outcome: 'not_found' },
      );
    }
    if (age >= expireAfterMs) {
      return businessReply(200, 10000, 'Success', { status: 'expired' }, { outcome: 'expired' });
    }
    if (age < queueMs) {
      return businessReply(200, 10000, 'Success', { status: 'in_queue' }, { outcome: 'in_queue' });
    }
    if (!task.outcome || age < queueMs + generateMs) {
      return businessReply(
        200,
        10000,
        'Success',
        { status: 'generating' },
        { outcome: 'generating' },
      );
    }
    if (!task.outcome.ok) {
      const failure = task.outcome;
      const status =
        failure.code in taskFailureCodes
          ? taskFailureCodes[failure.code as TaskFailureCode][0]
          : failure.code >= 50500
            ? 500
            : 400;
      return businessReply(status, failure.code, failure.message, null);
    }
    // The service charges a task once, when its answer is first delivered.
    const paid = !task.charged;
    task.charged = true;
    return businessReply(
      200,
      10000,
      'Success',
      { resp_data: JSON.stringify({ status: task.outcome.status }), status: 'done' },
      { paid, subject: task.outcome.subject },
    );
  }

  const isAction = (action: string) => (q: URLSearchParams) =>
    q.get('Action') === action && q.get('Version') === apiVersion;

  const kit = await startEmulatorKit({
    name: 'volcengine',
    port: options.port ?? 0,
    routes: [
      {
        name: 'CVSubmitTask',
        method: 'POST',
        path: '/',
        when: isAction('CVSubmitTask'),
        handler: submit,
      },
      {
        name: 'CVGetResult',
        method: 'POST',
        path: '/',
        when: isAction('CVGetResult'),
        handler: getResult,
      },
      {
        name: 'other-action',
        method: 'POST',
        path: '/',
        handler: (request) =>
          authenticate(request) ??
          gatewayError(
            request,
            'InvalidActionOrVersion',
            `Could not find operation ${request.query.get('Action') ?? ''} for version ${request.query.get('Version') ?? ''}`,
          ),
      },
    ],
    keyOf: (request) => {
      const value = request.headers.authorization;
      return typeof value === 'string'
        ? (parseVolcengineAuthorization(value)?.accessKeyId ?? null)
        : null;
    },
    throttleReply: (_request, _reason, retryAfterSeconds) =>
      businessReply(429, 50429, 'Request Has Reached API Limit, Please Try Later', null, {
        ...(retryAfterSeconds === undefined
          ? {}
          : { headers: { 'retry-after': String(retryAfterSeconds) } }),
      }),
    serverErrorReply: (request, status) =>
      status === 503
        ? gatewayError(request, 'ServiceUnavailableTemp', 'Service is temporarily unavailable')
        : status === 504
          ? gatewayError(request, 'InternalServiceTimeout', 'Internal service timeout')
          : {
              ...businessReply(status, 50500, 'Internal Error', null),
              outcome: 'fault:server-error',
            },
    notFoundReply: (request) => gatewayError(request, 'InvalidActionOrVersion'),
    info: () => ({ credentials, reqKeys: [volcengineSubjectReqKey] }),
    now,
  });

  const address = new URL(kit.baseUrl);
  return {
    baseUrl: kit.baseUrl,
    host: address.host,
    credentials: credentials[0] ?? volcengineTestCredentials,
    kit,
    taskIds: () => [...tasks.keys()],
    failNextTasks(code, count = 1) {
      for (let i = 0; i < count; i++) injectedFailures.push(code);
    },
    async settled() {
      await Promise.all([...work]);
    },
    async close() {
      await kit.close();
      await Promise.allSettled([...work]);
      await local?.close();
    },
  };
}
