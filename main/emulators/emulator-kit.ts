// The shared kit of the cloud-service emulators (DESIGN.md §3 "Emulators"): a real node:http
// server on 127.0.0.1 with routes an emulator registers, runtime fault injection (vendor
// throttling answers, 5xx, hangs, delays, slow bodies, malformed JSON, connection resets, a
// per-key QPS limit), a call log, and a small control API so another process can drive it.
//
// [Note: Emulator call log]
// Every request that reaches a route is logged once, when its outcome is known: time, route,
// caller key (the AK or user the emulator recognised), outcome (`ok`, a vendor error code, or
// `fault:<kind>`), whether the vendor would have charged for it (`paid`) and the `subject` it
// was about (e.g. the sha256 of the image). A paid call whose answer a fault destroyed is
// still `paid` (the vendor charges for work done), so a crash-safety test can count
// `paid && delivered` per subject to find duplicate successful paid calls.
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';

/** A request as the route handlers see it: the whole body already read. */
export interface EmulatorRequest {
  readonly method: string;
  /** The raw path as sent (still percent-encoded), without the query. */
  readonly path: string;
  /** The raw query string without `?` ('' when none). */
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Path parameters of the matched route pattern (`/v2/:projectId/x` → projectId). */
  readonly params: Readonly<Record<string, string>>;
  /** Caller key from the emulator's `keyOf`, or null. */
  readonly key: string | null;
  readonly receivedAt: number;
}

export interface EmulatorReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string or Buffer is sent as is; anything else is sent as JSON. */
  readonly body?: unknown;
  /** Call-log outcome; default `ok` below 400, else `http-<status>`. */
  readonly outcome?: string;
  /** The vendor would charge for this call (see [Note: Emulator call log]). */
  readonly paid?: boolean;
  /** What the call was about, e.g. the sha256 of the image tagged. */
  readonly subject?: string;
  /** Overrides the request key in the log (e.g. once a token was resolved to a user). */
  readonly key?: string;
}

export type RouteHandler = (request: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>;

export interface EmulatorRoute {
  /** Name used in the call log and in fault rules. */
  readonly name: string;
  readonly method: string;
  /** Path pattern with `:param` segments, e.g. `/v2/:projectId/image/tagging`. */
  readonly path: string;
  /** Extra condition on the query, for APIs that dispatch on it (Volcengine `?Action=`). */
  readonly when?: (query: URLSearchParams) => boolean;
  readonly handler: RouteHandler;
}

/** Why the kit throttled: an injected fault, or the per-key QPS limit. */
export type ThrottleReason = 'injected' | 'qps';

export interface EmulatorOptions {
  /** Shown in the control API. */
  readonly name: string;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly routes: readonly EmulatorRoute[];
  /** The caller identity used for the per-key QPS limit and the log (e.g. the AK). */
  readonly keyOf?: (request: Omit<EmulatorRequest, 'params' | 'key'>) => string | null;
  /** The vendor's throttling answer (APIG.0308, 50429, 588…). */
  readonly throttleReply: (
    request: EmulatorRequest,
    reason: ThrottleReason,
    retryAfterSeconds: number | undefined,
  ) => EmulatorReply;
  /** The vendor's envelope for an injected server error; default a plain JSON body. */
  readonly serverErrorReply?: (request: EmulatorRequest, status: number) => EmulatorReply;
  /** Answer for a path no route matches (e.g. APIG.0101). */
  readonly notFoundReply?: (request: EmulatorRequest) => EmulatorReply;
  /** Bodies above this are refused with `tooLargeReply` (default 64 MiB). */
  readonly maxBodyBytes?: number;
  readonly tooLargeReply?: (request: EmulatorRequest) => EmulatorReply;
  /** Extra facts returned by `GET /__emulator` (credentials, etc.). */
  readonly info?: () => unknown;
  readonly now?: () => number;
}

/** One fault rule. Rules are checked in order; the first that matches a request applies. */
export const FaultRule = z.object({
  kind: z.enum([
    /** The vendor's throttling answer (429-style), with Retry-After when given. */
    'throttle',
    /** A server error in the vendor's envelope with `status` (default 500). */
    'server-error',
    /** Never answer (the socket stays open until the client gives up or the kit closes). */
    'hang',
    /** Answer normally after `delayMs`. */
    'delay',
    /** Run the route, send headers at once, then dribble the body over `delayMs`. */
    'slow-body',
    /** Run the route, then send a truncated, unparsable body with status 200. */
    'malformed-json',
    /** Destroy the connection without an answer, before the route runs. */
    'reset',
    /** Run the route (the vendor did the work), then destroy the connection. */
    'reset-after',
  ]),
  /** Route name to match; all routes when absent. */
  route: z.string().optional(),
  /** Caller key to match; all keys when absent. */
  key: z.string().optional(),
  /** Let this many matching requests through first. */
  skip: z.number().int().min(0).optional(),
  /** Apply to each matching request with this probability (0–1), e.g. 0.1 for 10 % faults. */
  probability: z.number().min(0).max(1).optional(),
  /** Apply to this many requests, then the rule is spent; unlimited when absent. */
  times: z.number().int().min(1).optional(),
  status: z.number().int().min(400).max(599).optional(),
  retryAfterSeconds: z.number().min(0).optional(),
  delayMs: z.number().int().min(0).optional(),
});
export type FaultRule = z.infer<typeof FaultRule>;

export const FaultConfig = z.object({
  faults: z.array(FaultRule).default([]),
  /** Requests per second allowed per caller key; null/absent for no limit. */
  qpsPerKey: z.number().int().min(1).nullable().optional(),
});
export type FaultConfig = z.input<typeof FaultConfig>;

export interface CallRecord {
  readonly seq: number;
  readonly time: number;
  readonly method: string;
  readonly path: string;
  /** Route name, or null when no route matched. */
  readonly route: string | null;
  readonly key: string | null;
  readonly status: number;
  readonly outcome: string;
  readonly paid: boolean;
  /** The client received the whole answer (false after a reset or hang). */
  readonly delivered: boolean;
  readonly subject?: string;
  readonly durationMs: number;
}

export interface EmulatorKit {
  readonly baseUrl: string;
  readonly port: number;
  /** Replace the fault rules and the QPS limit. */
  readonly setFaults: (config: FaultConfig) => void;
  /** Append one rule (kept after the existing ones). */
  readonly addFault: (rule: FaultRule) => void;
  readonly clearFaults: () => void;
  readonly calls: () => readonly CallRecord[];
  readonly clearCalls: () => void;
  readonly close: () => Promise<void>;
}

export const controlPrefix = '/__emulator';

interface ActiveRule {
  rule: FaultRule;
  skipped: number;
  applied: number;
}

interface CompiledRoute {
  route: EmulatorRoute;
  regex: RegExp;
  names: string[];
}

function compileRoute(route: EmulatorRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, regex: new RegExp(`^${source}/?$`), names };
}

function encodeBody(body: unknown): { bytes: Buffer; json: boolean } {
  if (body === undefined) return { bytes: Buffer.alloc(0), json: false };
  if (Buffer.isBuffer(body)) return { bytes: body, json: false };
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8'), json: false };
  return { bytes: Buffer.from(JSON.stringify(body), 'utf8'), json: true };
}

/** The client went away while the route was working (a function so TS does not narrow it). */
function isGone(res: ServerResponse): boolean {
  return res.destroyed;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts an emulator server on 127.0.0.1; resolves once it listens. */
export async function startEmulatorKit(options: EmulatorOptions): Promise<EmulatorKit> {
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const routes = options.routes.map(compileRoute);
  let rules: ActiveRule[] = [];
  let qpsPerKey: number | null = null;
  const recentByKey = new Map<string, number[]>();
  const log: CallRecord[] = [];
  let seq = 0;
  const sockets = new Set<Socket>();
  let closing = false;

  function setFaults(config: FaultConfig): void {
    const parsed = FaultConfig.parse(config);
    rules = parsed.faults.map((rule) => ({ rule, skipped: 0, applied: 0 }));
    qpsPerKey = parsed.qpsPerKey ?? null;
    recentByKey.clear();
  }

  function pickFault(route: string | null, key: string | null): FaultRule | undefined {
    for (const active of rules) {
      const { rule } = active;
      if (rule.route !== undefined && rule.route !== route) continue;
      if (rule.key !== undefined && rule.key !== key) continue;
      if (rule.times !== undefined && active.applied >= rule.times) continue;
      if (active.skipped < (rule.skip ?? 0)) {
        active.skipped++;
        continue;
      }
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      active.applied++;
      return rule;
    }
    return undefined;
  }

  /** Sliding one-second window per key; only admitted requests count. */
  function overQps(key: string | null, at: number): boolean {
    if (qpsPerKey === null || key === null) return false;
    const recent = (recentByKey.get(key) ?? []).filter((t) => at - t < 1000);
    if (recent.length >= qpsPerKey) {
      recentByKey.set(key, recent);
      return true;
    }
    recent.push(at);
    recentByKey.set(key, recent);
    return false;
  }

  function record(entry: Omit<CallRecord, 'seq'>): void {
    log.push({ seq: ++seq, ...entry });
  }

  function writeReply(res: ServerResponse, reply: EmulatorReply): Buffer {
    const { bytes, json } = encodeBody(reply.body);
    const headers: Record<string, string> = {
      ...(json ? { 'content-type': 'application/json;charset=UTF-8' } : {}),
      ...reply.headers,
      'content-length': String(bytes.length),
    };
    res.writeHead(reply.status, headers);
    res.end(bytes);
    return bytes;
  }

  async function handleControl(
    method: string,
    path: string,
    body: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const sub = path.slice(controlPrefix.length);
    const send = (status: number, value: unknown) => writeReply(res, { status, body: value });
    if ((sub === '' || sub === '/') && method === 'GET') {
      send(200, { name: options.name, info: options.info?.() ?? null });
    } else if (sub === '/faults' && method === 'POST') {
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        send(400, { error: 'body is not JSON' });
        return;
      }
      const parsed = FaultConfig.safeParse(input);
      if (!parsed.success) {
        send(400, { error: z.prettifyError(parsed.error) });
        return;
      }
      setFaults(parsed.data);
      send(200, { ok: true });
    } else if (sub === '/faults' && method === 'DELETE') {
      setFaults({ faults: [] });
      send(200, { ok: true });
    } else if (sub === '/faults' && method === 'GET') {
      send(200, { faults: rules.map((r) => r.rule), qpsPerKey });
    } else if (sub === '/calls' && method === 'GET') {
      send(200, { calls: log });
    } else if (sub === '/calls' && method === 'DELETE') {
      log.length = 0;
      send(200, { ok: true });
    } else {
      send(404, { error: `no control route ${method} ${path}` });
    }
    await Promise.resolve();
  }

  const server: Server = createServer((req, res) => {
    const receivedAt = now();
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => {
      /* the client went away; nothing to answer */
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (path === controlPrefix || path.startsWith(`${controlPrefix}/`)) {
        void handleControl(method, path, body, res);
        return;
      }
      void serveRoute(
        { method, path, rawQuery, body, headers: req.headers, receivedAt, tooLarge },
        res,
      );
    });
  });

  async function serveRoute(
    input: {
      method: string;
      path: string;
      rawQuery: string;
      body: Buffer;
      headers: IncomingHttpHeaders;
      receivedAt: number;
      tooLarge: boolean;
    },
    res: ServerResponse,
  ): Promise<void> {
    const base = {
      method: input.method,
      path: input.path,
      rawQuery: input.rawQuery,
      query: new URLSearchParams(input.rawQuery),
      headers: input.headers,
      body: input.body,
      receivedAt: input.receivedAt,
    };
    const key = options.keyOf?.(base) ?? null;
    let matched: CompiledRoute | undefined;
    let params: Record<string, string> = {};
    for (const compiled of routes) {
      if (compiled.route.method !== input.method) continue;
      if (compiled.route.when && !compiled.route.when(base.query)) continue;
      const m = compiled.regex.exec(input.path);
      if (!m) continue;
      matched = compiled;
      params = Object.fromEntries(
        compiled.names.map((name, i) => [name, decodeURIComponent(m[i + 1] ?? '')]),
      );
      break;
    }
    const request: EmulatorRequest = { ...base, params, key };
    const routeName = matched?.route.name ?? null;
    const finish = (
      reply: EmulatorReply,
      extra: { outcome?: string; delivered?: boolean; paid?: boolean } = {},
    ): void => {
      record({
        time: input.receivedAt,
        method: input.method,
        path: input.path,
        route: routeName,
        key: reply.key ?? key,
        status: reply.status,
        outcome:
          extra.outcome ?? reply.outcome ?? (reply.status < 400 ? 'ok' : `http-${reply.status}`),
        paid: extra.paid ?? reply.paid ?? false,
        delivered: extra.delivered ?? true,
        ...(reply.subject !== undefined ? { subject: reply.subject } : {}),
        durationMs: now() - input.receivedAt,
      });
    };

    if (!matched) {
      const reply = options.notFoundReply?.(request) ?? {
        status: 404,
        body: { error: `no route for ${input.method} ${input.path}` },
      };
      writeReply(res, reply);
      finish(reply);
      return;
    }
    if (input.tooLarge) {
      const reply = options.tooLargeReply?.(request) ?? {
        status: 413,
        body: { error: 'request body too large' },
      };
      writeReply(res, reply);
      finish(reply);
      return;
    }

    const fault = pickFault(routeName, key);
    const run = async (): Promise<EmulatorReply> => {
      try {
        return await matched.route.handler(request);
      } catch (error) {
        // An emulator bug must surface loudly in tests, not as a silent hang.
        return {
          status: 500,
          body: { error: `emulator route ${routeName ?? ''} threw: ${String(error)}` },
          outcome: 'emulator-bug',
        };
      }
    };

    if (fault === undefined) {
      if (overQps(key, input.receivedAt)) {
        const reply = options.throttleReply(request, 'qps', 1);
        writeReply(res, reply);
        finish(reply, { outcome: 'fault:qps' });
        return;
      }
      const reply = await run();
      const gone = isGone(res);
      if (!gone) writeReply(res, reply);
      finish(reply, { delivered: !gone });
      return;
    }

    const outcome = `fault:${fault.kind}`;
    switch (fault.kind) {
      case 'throttle': {
        const reply = options.throttleReply(request, 'injected', fault.retryAfterSeconds);
        writeReply(res, reply);
        finish(reply, { outcome });
        return;
      }
      case 'server-error': {
        const status = fault.status ?? 500;
        const reply = options.serverErrorReply?.(request, status) ?? {
          status,
          body: { error: 'injected server error' },
        };
        writeReply(res, reply);
        finish(reply, { outcome });
        return;
      }
      case 'hang': {
        // Logged at once: the request never gets an answer.
        finish({ status: 0 }, { outcome, delivered: false });
        return;
      }
      case 'reset': {
        res.socket?.destroy();
        finish({ status: 0 }, { outcome, delivered: false });
        return;
      }
      case 'delay': {
        await sleep(fault.delayMs ?? 1000);
        if (closing || res.destroyed) {
          finish({ status: 0 }, { outcome, delivered: false });
          return;
        }
        const reply = await run();
        const gone = isGone(res);
        if (!gone) writeReply(res, reply);
        finish(reply, { delivered: !gone });
        return;
      }
      case 'reset-after': {
        const reply = await run();
        res.socket?.destroy();
        finish(reply, { outcome, delivered: false });
        return;
      }
      case 'malformed-json': {
        const reply = await run();
        const { bytes } = encodeBody(reply.body ?? {});
        const cut = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
        writeReply(res, {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: cut,
        });
        finish(reply, { outcome, delivered: false });
        return;
      }
      case 'slow-body': {
        const reply = await run();
        const { bytes, json } = encodeBody(reply.body);
        res.writeHead(reply.status, {
          ...(json ? { 'content-type': 'application/json;charset=UTF-8' } : {}),
          ...reply.headers,
          'content-length': String(bytes.length),
        });
        const pieces = 10;
        const step = Math.max(1, Math.ceil(bytes.length / pieces));
        const pause = (fault.delayMs ?? 2000) / pieces;
        for (let offset = 0; offset < bytes.length; offset += step) {
          if (res.destroyed || closing) break;
          res.write(bytes.subarray(offset, offset + step));
          await sleep(pause);
        }
        const delivered = !res.destroyed && !closing;
        if (delivered) res.end();
        finish(reply, { outcome, delivered });
        return;
      }
    }
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  return {
    baseUrl: `http://${host}:${String(address.port)}`,
    port: address.port,
    setFaults,
    addFault(rule) {
      rules.push({ rule: FaultRule.parse(rule), skipped: 0, applied: 0 });
    },
    clearFaults() {
      setFaults({ faults: [] });
    },
    calls: () => [...log],
    clearCalls() {
      log.length = 0;
    },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      // Hanging requests would keep close() waiting forever.
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** A client for the control API, for tests that drive an emulator in another process. */
export function emulatorControl(baseUrl: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${baseUrl}${controlPrefix}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const value: unknown = await res.json();
    if (!res.ok) throw new Error(`emulator control ${method} ${path}: ${JSON.stringify(value)}`);
    return value;
  };
  return {
    info: () => call('GET', ''),
    setFaults: async (config: FaultConfig) => {
      await call('POST', '/faults', config);
    },
    clearFaults: async () => {
      await call('DELETE', '/faults');
    },
    calls: async () => (await call('GET', '/calls')) as { calls: CallRecord[] },
    clearCalls: async () => {
      await call('DELETE', '/calls');
    },
  };
}

/** Successful paid calls per subject that reached the client more than once. */
export function duplicatePaidCalls(calls: readonly CallRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) {
    if (!call.paid || !call.delivered || call.subject === undefined) continue;
    counts.set(call.subject, (counts.get(call.subject) ?? 0) + 1);
  }
  return new Map([...counts].filter(([, n]) => n > 1));
}
