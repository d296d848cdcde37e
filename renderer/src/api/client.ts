// Picks the client for the host the page runs in: the desktop preload's bridge (IPC), or
// HTTP + SSE against the web host.
import {
  clientFromBridge,
  type TujianBridge,
  type TujianClient,
} from '../../../preload/api-client.ts';
import { createWebClient } from './web-client.ts';

declare global {
  interface Window {
    readonly tujianBridge?: TujianBridge;
  }
}

export function createClient(): TujianClient {
  return window.tujianBridge ? clientFromBridge(window.tujianBridge) : createWebClient();
}
