// Volcengine human detection as the registry sees it (main/engines/engine-definition.ts).
import type { CloudEngineDefinition } from '../engine-definition.ts';
import { volcengineSettingsSchema } from './volcengine-settings.ts';

export const volcengineEngineDefinition = {
  id: 'volcengine',
  settingsSchema: volcengineSettingsSchema,
  secretPaths: ['secretAccessKey', 'sessionToken', 'hosting.secretAccessKey'],
  create: async (settings) =>
    (await import('./volcengine-engine.ts')).createVolcengineEngine({ settings }),
  checkConnection: async (settings) =>
    (await import('./volcengine-engine.ts')).checkVolcengineCredentials(settings),
  card: {
    credentials: [
      { key: 'accessKeyId', label: 'Access Key ID', secret: false },
      { key: 'secretAccessKey', label: 'Secret Access Key', secret: true },
      { key: 'hosting.endpoint', label: 'Hosting S3 endpoint', secret: false, url: true },
      { key: 'hosting.accessKeyId', label: 'Hosting access key', secret: false },
      { key: 'hosting.secretAccessKey', label: 'Hosting secret key', secret: true },
    ],
    defaultRegion: 'cn-north-1',
    // A yes/no answer ([Note: Tags without a confidence]): no threshold to set.
    takes: [],
  },
} as const satisfies CloudEngineDefinition<'volcengine', typeof volcengineSettingsSchema>;
