// Huawei Image Tagging V2 as the registry sees it (main/engines/engine-definition.ts).
import type { CloudEngineDefinition } from '../engine-definition.ts';
import { huaweiSettingsSchema } from './huawei-settings.ts';

export const huaweiEngineDefinition = {
  id: 'huawei',
  settingsSchema: huaweiSettingsSchema,
  secretPaths: ['auth.sk', 'auth.securityToken', 'auth.password'],
  create: async (settings) => (await import('./huawei-engine.ts')).createHuaweiEngine(settings),
  // No connection check: the first tagging call is the check (the job runner probes once
  // before sending more), and a probe here would be a paid call.
  card: {
    credentials: [
      { key: 'auth.ak', label: 'Access Key ID (AK)', secret: false },
      { key: 'auth.sk', label: 'Secret Access Key (SK)', secret: true },
      { key: 'projectId', label: 'Project ID', secret: false },
    ],
    defaultRegion: 'cn-north-4',
    takes: ['threshold', 'language', 'limit'],
    // The card asks for AK/SK; token and password sign-in are for settings files.
    fixed: { 'auth.kind': 'aksk' },
  },
} as const satisfies CloudEngineDefinition<'huawei', typeof huaweiSettingsSchema>;
