// The one HTTP exchange the Huawei client makes, over node:http/https rather than fetch:
// the signed `host` header and the exact body bytes must be what goes on the wire, and fetch
// does not let a caller set Host. Transport failures become EngineErrors (client.timeout,
// client.network, client.unresolved, client.refused) so the caller only ever sees classified
// errors; a host that does not resolve or refuses connections is told apart from a reset
// because, after the service's end, it is how the retired service shows: [Note: A retired
// engine stops once] (engine-retirement.ts).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpExchange {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export class HttpTransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network' | 'aborted',
    message: string,
    /** The system error code of a network failure (ENOTFOUND, ECONNREFUSED…), if any. */
    readonly systemCode?: string,
  ) {
    super(message);
    this.name = 'HttpTransportError';
  }
}

export type HttpSend = (exchange: HttpExchange) => Promise<HttpAnswer>;

/** Sends one request; the timeout covers the whole exchange, body included. */
export const sendHttp: HttpSend = (exchange) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    const url = new URL(exchange.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const fail = (error: HttpTransportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      exchange.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(error);
    };
    const onAbort = () => {
      fail(new HttpTransportError('aborted', 'The request was cancelled.'));
    };
    const req = send(url, { method: exchange.method, headers: exchange.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => {
        fail(new HttpTransportError('network', error.message));
      });
      res.on('aborted', () => {
        fail(new HttpTransportError('network', 'The connection closed mid-answer.'));
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        exchange.signal?.removeEventListener('abort', onAbort);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
    });
    const timer = setTimeout(() => {
      fail(
        new HttpTransportError(
          'timeout',
          `No complete answer within ${String(exchange.timeoutMs)} ms.`,
        ),
      );
    }, exchange.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      fail(new HttpTransportError('network', error.message, error.code));
    });
    if (exchange.signal?.aborted) {
      onAbort();
      return;
    }
    exchange.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(exchange.body);
  });
