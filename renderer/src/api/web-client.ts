// The API client for the web host: one POST per call to /api/<channel>, events over SSE,
// images from /media/<kind>/<hash>. The access cookie set by the host rides along.
import {
  ApiEvent,
  channels,
  type Api,
  type ApiEnvelope,
  type Channel,
} from '../../../preload/api-contract.ts';
import { ApiCallError, unwrapEnvelope, type TujianClient } from '../../../preload/api-client.ts';

export function createWebClient(base = ''): TujianClient {
  async function call(channel: Channel, input: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}api/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
    } catch (error) {
      throw new ApiCallError(
        'network',
        error instanceof Error ? error.message : 'The Tujian server cannot be reached.',
      );
    }
    if (response.status === 401) {
      throw new ApiCallError('unauthorized', await response.text());
    }
    if (!response.ok) throw new ApiCallError('internal', await response.text());
    return unwrapEnvelope((await response.json()) as ApiEnvelope<unknown>);
  }

  const api = Object.fromEntries(
    channels.map((channel) => [channel, (input: unknown) => call(channel, input)]),
  ) as unknown as Api;

  const listeners = new Set<(event: ApiEvent) => void>();
  let source: EventSource | null = null;
  const connect = () => {
    source = new EventSource(`${base}api/events`);
    source.onmessage = (message: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      const parsed = ApiEvent.safeParse(data);
      if (!parsed.success) return;
      for (const listener of listeners) listener(parsed.data);
    };
  };

  return {
    api,
    onEvent(listener) {
      listeners.add(listener);
      if (!source) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
    mediaUrl: (kind, hash) => `${base}media/${kind}/${hash}`,
    originalUrl: (photoId) => `${base}media/original/${String(photoId)}`,
  };
}
