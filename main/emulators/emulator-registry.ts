// The emulator `tujian emulate <engine>` starts for each cloud engine ("try without an account").
// This is the one part of an engine's definition (main/engines/engine-definition.ts) that is not
// in its engine folder: emulators sit in the hosts' layer (they serve HTTP and tag with the
// real on-device engine), and main/engines/ may not import them. The mapped type makes the
// typecheck fail when a registered cloud engine has no emulator here.
import type { CloudEngineId } from '../engines/engine-definitions.ts';

export interface RunningEmulator {
  /** What `tujian emulate` prints as its first line: where it listens and test credentials. */
  readonly banner: Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}

export type EmulatorStarter = (options: { port?: number }) => Promise<RunningEmulator>;

/** One line per cloud engine; each emulator's code is loaded only when it is started. */
export const emulatorStarters: { readonly [Id in CloudEngineId]: EmulatorStarter } = {
  huawei: async (options) => {
    const { startHuaweiEmulator, huaweiEmulatorBanner } =
      await import('./huawei/huawei-emulator.ts');
    const emulator = await startHuaweiEmulator(options);
    return { banner: huaweiEmulatorBanner(emulator), close: () => emulator.close() };
  },
  volcengine: async (options) => {
    const { startVolcengineEmulator } = await import('./volcengine/volcengine-emulator.ts');
    const emulator = await startVolcengineEmulator(options);
    return {
      banner: {
        emulator: 'volcengine',
        baseUrl: emulator.baseUrl,
        control: `${emulator.baseUrl}/__emulator`,
        credentials: emulator.credentials,
      },
      close: () => emulator.close(),
    };
  },
  aliyun: async (options) => {
    const { startAliyunEmulator } = await import('./aliyun/aliyun-emulator.ts');
    const emulator = await startAliyunEmulator(options);
    return {
      banner: {
        emulator: 'aliyun',
        baseUrl: emulator.baseUrl,
        control: `${emulator.baseUrl}/__emulator`,
        credentials: emulator.credentials,
      },
      close: () => emulator.close(),
    };
  },
  vlm: async (options) => {
    const { startVlmEmulator, vlmEmulatorModels } = await import('./vlm/vlm-emulator.ts');
    const emulator = await startVlmEmulator(options);
    return {
      banner: {
        emulator: 'vlm',
        ollamaUrl: emulator.ollamaUrl,
        openAiUrl: emulator.openAiUrl,
        control: `${emulator.baseUrl}/__emulator`,
        models: vlmEmulatorModels,
      },
      close: () => emulator.close(),
    };
  },
  tencent: async (options) => {
    const { startTencentEmulator, tencentEmulatorBanner } =
      await import('./tencent/tencent-emulator.ts');
    const emulator = await startTencentEmulator(options);
    return { banner: tencentEmulatorBanner(emulator), close: () => emulator.close() };
  },
  baidu: async (options) => {
    const { startBaiduEmulator, baiduEmulatorBanner } = await import('./baidu/baidu-emulator.ts');
    const emulator = await startBaiduEmulator(options);
    return { banner: baiduEmulatorBanner(emulator), close: () => emulator.close() };
  },
};
