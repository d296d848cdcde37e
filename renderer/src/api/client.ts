// Picks the client for the host the page runs in: the desktop preload's `window.tujian`
// (IPC), or HTTP + SSE against the web host.
import type { TujianClient } from '../../../preload/api-client.ts';
import { createWebClient } from './web-client.ts';

declare global {
  interface Window {
    readonly tujian?: TujianClient;
  }
}

export function createClient(): TujianClient {
  return window.tujian ?? createWebClient();
}
