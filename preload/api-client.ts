// What the renderer talks to: the typed API (one async function per channel), the event
// stream, and image URLs. In Electron it is built over the preload's `window.tujianBridge`
// (IPC); in the web host over HTTP and SSE (renderer/src/api). Both unwrap the same
// envelope, so the UI cannot tell which host it runs in.
import {
  channels,
  type Api,
  type ApiEnvelope,
  type ApiErrorCode,
  type ApiErrorSpan,
  type ApiEvent,
  type ApiInput,
  type ApiOutput,
  type Channel,
  type MediaKind,
} from './api-contract.ts';

export interface TujianClient {
  readonly api: Api;
  /** Subscribe to progress and catalog changes; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** The URL of a content's thumbnail or preview in this host. */
  mediaUrl(kind: MediaKind, hash: string): string;
  /**
   * The web host's URL of a photo's original file (opened in a new tab, through the same
   * token-protected media route); absent in the desktop app, which opens it with the shell.
   */
  readonly originalUrl?: (photoId: number) => string;
}

/** A failed API call as the UI sees it: a code to branch on and a message to show. */
export class ApiCallError extends Error {
  constructor(
    readonly code: ApiErrorCode | 'unauthorized' | 'network',
    message: string,
    /** For `query-syntax`: the part of the query that cannot be read. */
    readonly span?: ApiErrorSpan,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export function unwrapEnvelope<T>(envelope: ApiEnvelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new ApiCallError(envelope.error.code, envelope.error.message, envelope.error.span);
}

export const mediaProtocol = 'tujian-media';

/**
 * What the desktop preload exposes as `window.tujianBridge`: one named function per channel
 * returning the envelope (errors cross the context bridge as plain data, since class identity
 * does not survive it), the event subscription, and image URLs.
 */
export interface TujianBridge {
  readonly calls: {
    readonly [C in Channel]: (input: ApiInput<C>) => Promise<ApiEnvelope<ApiOutput<C>>>;
  };
  onEvent(listener: (event: ApiEvent) => void): () => void;
  mediaUrl(kind: MediaKind, hash: string): string;
}

/** The renderer's client over the desktop bridge: unwraps envelopes into values or ApiCallError. */
export function clientFromBridge(bridge: TujianBridge): TujianClient {
  const api = Object.fromEntries(
    channels.map((channel) => [
      channel,
      async (input: unknown) => {
        const call = bridge.calls[channel] as (input: unknown) => Promise<ApiEnvelope<unknown>>;
        return unwrapEnvelope(await call(input ?? {}));
      },
    ]),
  ) as unknown as Api;
  return { api, onEvent: (l) => bridge.onEvent(l), mediaUrl: (k, h) => bridge.mediaUrl(k, h) };
}
