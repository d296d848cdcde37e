// What the renderer talks to: the typed API (one async function per channel), the event
// stream, and image URLs. Electron's preload exposes this as `window.tujian` over IPC; the
// web host's page builds the same shape over HTTP and SSE (renderer/src/api). Both unwrap
// the same envelope, so the UI cannot tell which host it runs in.
import type { Api, ApiEnvelope, ApiErrorCode, ApiEvent, MediaKind } from './api-contract.ts';

export interface TujianClient {
  readonly api: Api;
  /** Subscribe to progress and catalog changes; returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** The URL of a content's thumbnail or preview in this host. */
  mediaUrl(kind: MediaKind, hash: string): string;
}

/** A failed API call as the UI sees it: a code to branch on and a message to show. */
export class ApiCallError extends Error {
  constructor(
    readonly code: ApiErrorCode | 'unauthorized' | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export function unwrapEnvelope<T>(envelope: ApiEnvelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new ApiCallError(envelope.error.code, envelope.error.message);
}

export const mediaProtocol = 'tujian-media';
