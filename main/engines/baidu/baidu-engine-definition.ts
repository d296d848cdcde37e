// Baidu image recognition as the registry sees it (main/engines/engine-definition.ts).
import type { CloudEngineDefinition } from '../engine-definition.ts';
import { baiduSettingsSchema } from './baidu-settings.ts';

export const baiduEngineDefinition = {
  id: 'baidu',
  settingsSchema: baiduSettingsSchema,
  secretPaths: ['secretKey'],
  create: async (settings) => (await import('./baidu-engine.ts')).createBaiduEngine(settings),
  checkConnection: async (settings) =>
    (await import('./baidu-engine.ts')).checkBaiduCredentials(settings),
  card: {
    credentials: [
      { key: 'apiKey', label: 'API Key', secret: false },
      { key: 'secretKey', label: 'Secret Key', secret: true },
    ],
    // One endpoint, no regions.
    defaultRegion: null,
    takes: ['threshold'],
  },
} as const satisfies CloudEngineDefinition<'baidu', typeof baiduSettingsSchema>;
