// The vision-language model server as the registry sees it (main/engines/engine-definition.ts).
import type { CloudEngineDefinition } from '../engine-definition.ts';
import {
  isLoopbackUrl,
  resolveVlmEndpoint,
  vlmProtocols,
  type VlmProtocol,
  vlmSettingsSchema,
} from './vlm-settings.ts';

export const vlmEngineDefinition = {
  id: 'vlm',
  settingsSchema: vlmSettingsSchema,
  secretPaths: ['apiKey'],
  create: async (settings) => (await import('./vlm-engine.ts')).createVlmEngine(settings),
  checkConnection: async (settings) =>
    (await import('./vlm-engine.ts')).checkVlmConnection(settings),
  card: {
    credentials: [
      { key: 'protocol', label: 'Protocol', secret: false, choices: vlmProtocols },
      { key: 'model', label: 'Model (e.g. qwen2.5vl:7b)', secret: false },
      { key: 'apiKey', label: 'API key (if the server wants one)', secret: true },
    ],
    // A server, not a cloud region.
    defaultRegion: null,
    takes: ['threshold', 'language', 'limit'],
    // [Note: A model server off this machine]: the card warns when photos would leave it.
    endpointOffMachine: ({ plain, endpoint }) => {
      const protocol = (vlmProtocols as readonly string[]).includes(plain.protocol ?? '')
        ? (plain.protocol as VlmProtocol)
        : 'ollama';
      return !isLoopbackUrl(resolveVlmEndpoint({ protocol, endpoint: endpoint ?? undefined }));
    },
  },
} as const satisfies CloudEngineDefinition<'vlm', typeof vlmSettingsSchema>;
