// The web host (`tujian serve`): the same React renderer and the same API as the desktop
// app, over HTTP on 127.0.0.1, for headless machines and for testing the real UI in
// Chromium. Framework-free node:http.
//
// [Note: Web host access control]
// - Bound to 127.0.0.1 only.
// - A random token per run, handed out as a URL (`/?token=…`). The first visit trades it
//   for an HttpOnly, SameSite=Strict cookie and redirects to a clean URL; every other
//   request needs the cookie or `Authorization: Bearer <token>`, or gets 401.
// - The Host header must name this loopback address and port, so a page on another origin
//   that rebinds its DNS name to 127.0.0.1 (DNS rebinding) is refused with 421.
// - No CORS headers at all, and API calls must be JSON POSTs (the media type exactly
//   `application/json`), so other origins can neither read answers nor send "simple"
//   cross-site requests that act.
// - API calls whose `Origin` or `Sec-Fetch-Site` names another site get 403, a second wall
//   behind the cookie's SameSite=Strict (`requestOriginAllowed`).
// - Images are served only by content hash from the data folder ([Note: Media requests
//   cannot leave the data folder]); static files only from the built renderer. Originals
//   ("Open original") only by photo id (`/media/original/<id>`): a request can reach only
//   files the catalog lists, never a path it names (main/app/media-files.ts).
// - The folder browser lists directory names under home only, unless a path is typed
//   ([Note: The folder browser stays under home unless a path is typed]).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  isChannel,
  type ApiEnvelope,
  type ApiErrorCode,
  type ApiEvent,
} from '../../preload/api-contract.ts';
import { dispatchApiCall } from '../app/api-dispatch.ts';
import { openAppContext, type AppContext, type AppContextOptions } from '../app/app-context.ts';
import type { Logger } from '../util/logger.ts';
import { readMediaFile, resolveMediaPath, resolveOriginalFile } from '../app/media-files.ts';
import { openInBrowser } from './open-browser.ts';

export const defaultRendererDir = fileURLToPath(new URL('../../renderer/dist/', import.meta.url));

export interface AliyunCallbackMount {
  /** Verifies and applies one callback body; returns the HTTP status to answer with. */
  readonly handle: (body: string) => Promise<{ status: number; message: string }>;
}

export interface WebHostOptions {
  readonly dataRoot: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Open the URL in the system browser (`openUrl` replaces the opener in tests). */
  readonly open?: boolean;
  readonly openUrl?: (url: string) => void;
  readonly rendererDir?: string;
  /** For tests only; normally a fresh random token per run. */
  readonly token?: string;
  /** An already open context (tests); otherwise one is opened on `dataRoot`. */
  readonly context?: AppContext;
  /** Tagging engines (or how to build them): the library then runs live while serving. */
  readonly engines?: AppContextOptions['engines'];
  readonly logger?: Logger;
  readonly aliyunCallback?: AliyunCallbackMount;
  readonly log?: (message: string) => void;
}

export interface WebHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly context: AppContext;
  close(): Promise<void>;
}

const maxBodyBytes = 1 << 20;
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
};

/** The page's CSP: everything from this origin only; no inline script, no eval. */
export const webHostCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function cookieName(port: number): string {
  // Cookies ignore ports; the port in the name keeps two serve runs apart.
  return `tujian_token_${port}`;
}

function tokenMatches(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Thrown by `readBody` when the body passes `maxBodyBytes`; answered with 413. */
class BodyTooLargeError extends Error {
  constructor() {
    super(`The body is larger than ${String(maxBodyBytes)} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The request body as text, at most `maxBodyBytes`. Past the limit it stops keeping chunks
 * and rejects, but does NOT destroy the request: destroying it reset the connection (TCP RST)
 * before any answer, so clients saw "connection reset" instead of 413. The caller answers 413
 * with `Connection: close`; see [Note: Answering a body over the limit].
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolveBody(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/**
 * [Note: Answering a body over the limit]
 * The 413 goes out with `Connection: close`, then the rest of the upload is read and thrown
 * away (up to `maxDrainBytes`, for at most `drainTimeoutMs`) before the socket closes. Closing
 * a socket that still has unread bytes makes the kernel send a reset, and a client that gets
 * the reset while still uploading drops the 413 it had not yet read. Past the drain limits the
 * socket is destroyed: a client that keeps sending forever is not owed an answer.
 */
const maxDrainBytes = 64 << 20;
const drainTimeoutMs = 5_000;

function answerTooLarge(req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify(
    apiError('invalid-input', `The body is larger than ${String(maxBodyBytes)} bytes.`),
  );
  res.writeHead(413, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
  let drained = 0;
  const giveUp = setTimeout(() => req.socket.destroy(), drainTimeoutMs);
  giveUp.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > maxDrainBytes) req.socket.destroy();
  });
  req.on('end', () => {
    clearTimeout(giveUp);
  });
  req.on('close', () => {
    clearTimeout(giveUp);
  });
  req.resume();
}

/** An error in the API's envelope (`{ ok: false, error }`), for refusals before dispatch. */
function apiError(code: ApiErrorCode, message: string): ApiEnvelope<never> {
  return { ok: false, error: { code, message } };
}

function sendApiError(
  res: ServerResponse,
  status: number,
  code: ApiErrorCode,
  message: string,
): void {
  send(res, status, JSON.stringify(apiError(code, message)), 'application/json; charset=utf-8');
}

/**
 * Whether a state-changing API call may come from where the browser says it comes from.
 * Browsers send `Origin` on every POST and `Sec-Fetch-Site` on every request; a page on
 * another origin cannot forge either. A request with neither comes from a non-browser
 * client (curl, a script, the tests), which must still hold the token to get this far.
 * `Origin: null` (sandboxed frames, file: pages) is foreign. [Note: Web host access control]
 */
export function requestOriginAllowed(headers: IncomingMessage['headers'], port: number): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  return allowedOrigins(port).has(origin);
}

/** The origins of this server's own pages. */
function allowedOrigins(port: number): Set<string> {
  return new Set([...allowedHosts(port)].map((host) => `http://${host}`));
}

/**
 * `Content-Type: application/json`, with parameters (`; charset=utf-8`) allowed but nothing
 * glued on: `application/jsonp` or `application/json-seq` is not JSON.
 */
export function isJsonContentType(header: string | undefined): boolean {
  const mediaType = (header ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/** The Host header values this server answers to (anything else may be DNS rebinding). */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = options.log ?? (() => undefined);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir ?? defaultRendererDir);
  const context =
    options.context ??
    (await openAppContext({
      dataRoot: options.dataRoot,
      host: 'web',
      ...(options.engines ? { engines: options.engines } : {}),
      ...(options.logger ? { log: options.logger } : {}),
    }));
  const ownsContext = options.context === undefined;
  const sseClients = new Set<ServerResponse>();
  let port = 0;

  const unsubscribe = context.onEvent((event: ApiEvent) => {
    const data = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of sseClients) client.write(data);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const common = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    for (const [k, v] of Object.entries(common)) res.setHeader(k, v);

    // The Aliyun callback is verified by its own checksum (main/engines/aliyun), not the
    // token: Aliyun's servers reach it through the user's tunnel, with their own Host.
    if (options.aliyunCallback && url.pathname === '/callbacks/aliyun') {
      if (req.method !== 'POST') {
        send(res, 405, 'POST only');
        return;
      }
      let body: string;
      try {
        body = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          answerTooLarge(req, res);
          return;
        }
        throw error;
      }
      const outcome = await options.aliyunCallback.handle(body);
      send(res, outcome.status, outcome.message);
      return;
    }

    if (!allowedHosts(port).has(req.headers.host ?? '')) {
      send(res, 421, 'Refused: unexpected Host header.');
      return;
    }

    const queryToken = url.searchParams.get('token') ?? undefined;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const cookie = readCookie(req, cookieName(port));
    if (req.method === 'GET' && url.pathname === '/' && queryToken !== undefined) {
      if (!tokenMatches(queryToken, token)) {
        send(res, 401, 'Wrong access token.');
        return;
      }
      res.writeHead(303, {
        'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: '/',
      });
      res.end();
      return;
    }
    if (!tokenMatches(bearer, token) && !tokenMatches(cookie, token)) {
      send(
        res,
        401,
        'Tujian: open the address printed by `tujian serve` (it carries the access token).',
      );
      return;
    }

    if (url.pathname.startsWith('/api/')) {
      const name = url.pathname.slice('/api/'.length);
      if (name === 'events' && req.method === 'GET') {
        res.writeHead(200, {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-store',
          Connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        sseClients.add(res);
        req.on('close', () => sseClients.delete(res));
        return;
      }
      if (!isChannel(name)) {
        send(res, 404, 'No such API channel.');
        return;
      }
      if (req.method !== 'POST') {
        send(res, 405, 'POST only');
        return;
      }
      if (!requestOriginAllowed(req.headers, port)) {
        sendApiError(res, 403, 'invalid-input', 'Refused: the call comes from another origin.');
        return;
      }
      if (!isJsonContentType(req.headers['content-type'])) {
        sendApiError(
          res,
          415,
          'invalid-input',
          'API calls are JSON (Content-Type: application/json).',
        );
        return;
      }
      let text: string;
      try {
        text = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          answerTooLarge(req, res);
          return;
        }
        throw error;
      }
      let input: unknown;
      try {
        input = text === '' ? {} : JSON.parse(text);
      } catch {
        sendApiError(res, 400, 'invalid-input', 'The body is not JSON.');
        return;
      }
      const envelope = await dispatchApiCall(context.service.handlers, name, input, {
        logError: (channel, error) => {
          log(
            `API ${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
        },
      });
      res.setHeader('Cache-Control', 'no-store');
      send(res, 200, JSON.stringify(envelope), 'application/json; charset=utf-8');
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'GET only');
      return;
    }

    // A photo's original, by photo id (the viewer's "Open original" in a new tab).
    if (url.pathname.startsWith('/media/original/')) {
      const original = await resolveOriginalFile(
        context.db,
        url.pathname.slice('/media/original/'.length),
      );
      if (!original.ok) {
        send(res, original.status, original.reason);
        return;
      }
      res.writeHead(200, {
        'Content-Type': original.type,
        'Content-Length': original.size,
        'Cache-Control': 'private, no-cache',
        'X-Content-Type-Options': 'nosniff',
        // Shown as an image only; nothing in it may run or load anything.
        'Content-Security-Policy': "default-src 'none'; img-src 'self'; sandbox",
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = createReadStream(original.file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
      return;
    }

    if (url.pathname.startsWith('/media/')) {
      const media = resolveMediaPath(context.dataRoot, url.pathname.slice('/media/'.length));
      if (!media.ok) {
        send(res, 400, `Refused: ${media.reason}.`);
        return;
      }
      const body = await readMediaFile(media.file);
      if (!body) {
        send(res, 404, 'Not generated yet.');
        return;
      }
      res.writeHead(200, {
        'Content-Type': contentTypes[extname(media.file)] ?? 'application/octet-stream',
        // Keyed by content hash, so a URL's bytes never change.
        'Cache-Control': 'private, max-age=31536000, immutable',
      });
      res.end(body);
      return;
    }

    // The built renderer. Paths are decoded and checked to stay inside its folder.
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    } catch {
      send(res, 400, 'Bad path.');
      return;
    }
    const file = resolve(rendererDir, `.${rel}`);
    const inside = relative(rendererDir, file);
    if (inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) {
      send(res, 400, 'Refused: outside the app.');
      return;
    }
    // The app has no client-side routes: only files that exist are served.
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (rel === '/index.html') {
        send(res, 503, 'The UI is not built: run `npm run build:renderer`.');
        return;
      }
      send(res, 404, 'Not found.');
      return;
    }
    const target = file;
    const headers: Record<string, string> = {
      'Content-Type': contentTypes[extname(target)] ?? 'application/octet-stream',
      'Cache-Control': extname(target) === '.html' ? 'no-store' : 'private, max-age=3600',
    };
    if (extname(target) === '.html') headers['Content-Security-Policy'] = webHostCsp;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(target).pipe(res);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`web host: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) send(res, 500, 'Internal error.');
      else res.end();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/?token=${token}`;
  // Keep-alive SSE streams would hold the server open; comments keep proxies from timing out.
  const heartbeat = setInterval(() => {
    for (const client of sseClients) client.write(': ping\n\n');
  }, 25_000);
  heartbeat.unref();
  if (options.open) (options.openUrl ?? openInBrowser)(url);

  return {
    url,
    origin,
    port,
    token,
    context,
    async close() {
      clearInterval(heartbeat);
      unsubscribe();
      for (const client of sseClients) client.end();
      sseClients.clear();
      await new Promise<void>((resolveClose) => {
        server.close(() => {
          resolveClose();
        });
        server.closeAllConnections();
      });
      if (ownsContext) await context.close();
    },
  };
}
