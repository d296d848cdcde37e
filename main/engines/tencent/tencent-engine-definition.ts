// Tencent Cloud image tagging as the registry sees it (main/engines/engine-definition.ts).
import type { CloudEngineDefinition } from '../engine-definition.ts';
import { tencentActions, tencentLabelScenes, tencentSettingsSchema } from './tencent-settings.ts';

export const tencentEngineDefinition = {
  id: 'tencent',
  settingsSchema: tencentSettingsSchema,
  secretPaths: ['secretKey', 'sessionToken'],
  create: async (settings) => (await import('./tencent-engine.ts')).createTencentEngine(settings),
  checkConnection: async (settings) =>
    (await import('./tencent-engine.ts')).checkTencentCredentials(settings),
  card: {
    credentials: [
      { key: 'secretId', label: 'SecretId', secret: false },
      { key: 'secretKey', label: 'SecretKey', secret: true },
      // The same lists the schema's enums are built from, so the card offers what it accepts.
      { key: 'action', label: 'Action', secret: false, choices: tencentActions, option: true },
      {
        key: 'labelScene',
        label: 'Scene (DetectLabel)',
        secret: false,
        choices: tencentLabelScenes,
        option: true,
      },
    ],
    defaultRegion: 'ap-guangzhou',
    takes: ['threshold'],
  },
} as const satisfies CloudEngineDefinition<'tencent', typeof tencentSettingsSchema>;
