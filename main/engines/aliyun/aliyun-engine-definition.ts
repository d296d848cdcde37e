// Aliyun content moderation as the registry sees it (main/engines/engine-definition.ts).
import type { CloudEngineDefinition } from '../engine-definition.ts';
import { aliyunSettingsSchema } from './aliyun-settings.ts';

export const aliyunEngineDefinition = {
  id: 'aliyun',
  settingsSchema: aliyunSettingsSchema,
  secretPaths: ['accessKeySecret', 'securityToken', 'callback.seed', 'hosting.secretAccessKey'],
  create: async (settings) => (await import('./aliyun-engine.ts')).createAliyunEngine({ settings }),
  checkConnection: async (settings) =>
    (await import('./aliyun-engine.ts')).checkAliyunCredentials(settings),
  card: {
    credentials: [
      { key: 'accessKeyId', label: 'AccessKey ID', secret: false },
      { key: 'accessKeySecret', label: 'AccessKey Secret', secret: true },
      { key: 'hosting.endpoint', label: 'Hosting S3 endpoint (OSS)', secret: false, url: true },
      { key: 'hosting.accessKeyId', label: 'Hosting access key', secret: false },
      { key: 'hosting.secretAccessKey', label: 'Hosting secret key', secret: true },
    ],
    defaultRegion: 'cn-shanghai',
    takes: ['threshold', 'scenes'],
  },
} as const satisfies CloudEngineDefinition<'aliyun', typeof aliyunSettingsSchema>;
