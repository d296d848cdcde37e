// Long-running CLI hosts: `tujian serve` (the UI over HTTP on 127.0.0.1) and
// `tujian emulate` (a cloud engine's emulator for trying engines without an account).
import type { Catalog } from '../../catalog/catalog-connection.ts';
import { receiveAliyunCallback } from '../../engines/aliyun/aliyun-callback.ts';
import { catalogSettingsBackend } from '../../catalog/settings.ts';
import { loadEngineSettings, type SecretStore } from '../../engines/engine-settings.ts';
import { markRemoteTaskReady } from '../../catalog/job-queue.ts';
import { ensureRendererBuilt } from '../../server/renderer-build.ts';
import { type AliyunCallbackMount, startWebHost } from '../../server/web-host.ts';
import { type CliCommand, stringOption } from '../cli-command.ts';
import { openCliContext } from '../cli-context.ts';
import { cliSecretStore, createCliEngineSet } from '../cli-engines.ts';
import { ExitCode, UsageError } from '../cli-errors.ts';
import { escapeTerminalLines } from '../../util/terminal-text.ts';

/** Resolves on Ctrl-C or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError('--port must be 0–65535');
  return port;
}

/**
 * The Aliyun callback receiver, when the Aliyun settings ask for callbacks: a verified push
 * (checksum = sha256(uid + seed + content)) makes its task's job poll at once; forgeries get
 * 403. The web host listens on 127.0.0.1 only, so the callback URL in the settings must be a
 * proxy or tunnel that forwards to `/callbacks/aliyun` here.
 */
export async function aliyunCallbackMount(
  db: Catalog,
  secrets: SecretStore,
  catalog: () => Catalog | undefined,
): Promise<AliyunCallbackMount | undefined> {
  const loaded = await loadEngineSettings('aliyun', catalogSettingsBackend(db), secrets);
  if (!loaded.ok || !loaded.settings.callback) return undefined;
  const { uid, seed } = loaded.settings.callback;
  return {
    handle: (body) => {
      const outcome = receiveAliyunCallback(body, uid, seed);
      if (!outcome.ok) return Promise.resolve({ status: outcome.status, message: outcome.reason });
      const live = catalog();
      const taskId = outcome.result.taskId;
      if (live && taskId) markRemoteTaskReady(live, 'aliyun', taskId);
      return Promise.resolve({ status: 200, message: 'ok' });
    },
  };
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the UI and API on 127.0.0.1 with a random access token (printed as a URL)',
  usage: 'tujian serve [--port N] [--open]',
  options: { port: { type: 'string' }, open: { type: 'boolean', default: false } },
  async run(inv) {
    const port = parsePort(stringOption(inv, 'port'));
    ensureRendererBuilt(() => {
      inv.io.print('Building the UI (renderer/dist)…');
    });
    const ctx = openCliContext(inv, { create: true });
    const dataRoot = ctx.paths.root;
    const engineSet = await createCliEngineSet(ctx);
    // The host opens its own catalog connection; the callback uses it once it exists.
    const live: { db?: Catalog } = {};
    const aliyunCallback = await aliyunCallbackMount(ctx.db, cliSecretStore(ctx), () => live.db);
    ctx.close();
    const host = await startWebHost({
      ...(aliyunCallback ? { aliyunCallback } : {}),
      dataRoot,
      ...(port === undefined ? {} : { port }),
      open: inv.values.open === true,
      engines: engineSet,
      log: (line) => {
        inv.io.stderr.write(`${escapeTerminalLines(line)}\n`);
      },
    });
    live.db = host.context.db;
    if (aliyunCallback) inv.io.print(`Aliyun callbacks: POST ${host.origin}/callbacks/aliyun`);
    if (inv.global.json) inv.io.printJson({ url: host.url, port: host.port });
    else inv.io.print(`Tujian is serving ${dataRoot}\nOpen: ${host.url}\nCtrl-C stops.`);
    await untilStopped();
    await host.close();
    await engineSet.close();
    return ExitCode.ok;
  },
};

const emulatorNames = ['huawei', 'volcengine', 'aliyun', 'vlm', 'tencent', 'baidu'] as const;

export const emulateCommand: CliCommand = {
  name: 'emulate',
  summary:
    "Run a cloud engine's emulator on 127.0.0.1 (first line: base URL and test credentials as JSON)",
  usage: 'tujian emulate huawei|volcengine|aliyun|vlm|tencent|baidu [--port N]',
  options: { port: { type: 'string' } },
  async run(inv) {
    const [name] = inv.positionals;
    if (!emulatorNames.some((n) => n === name))
      throw new UsageError('name an emulator: huawei, volcengine, aliyun, vlm, tencent or baidu');
    const port = parsePort(stringOption(inv, 'port'));
    const options = port === undefined ? {} : { port };
    // The emulators ship with the app in main/emulators/ ("try without an account"; the tests
    // use the same ones) and tag with the real on-device engine, so their answers are real.
    let banner: unknown;
    let close: () => Promise<void>;
    if (name === 'huawei') {
      const { startHuaweiEmulator, huaweiEmulatorBanner } =
        await import('../../emulators/huawei/huawei-emulator.ts');
      const emulator = await startHuaweiEmulator(options);
      banner = huaweiEmulatorBanner(emulator);
      close = () => emulator.close();
    } else if (name === 'volcengine') {
      const { startVolcengineEmulator } =
        await import('../../emulators/volcengine/volcengine-emulator.ts');
      const emulator = await startVolcengineEmulator(options);
      banner = {
        emulator: 'volcengine',
        baseUrl: emulator.baseUrl,
        control: `${emulator.baseUrl}/__emulator`,
        credentials: emulator.credentials,
      };
      close = () => emulator.close();
    } else if (name === 'vlm') {
      const { startVlmEmulator, vlmEmulatorModels } =
        await import('../../emulators/vlm/vlm-emulator.ts');
      const emulator = await startVlmEmulator(options);
      banner = {
        emulator: 'vlm',
        ollamaUrl: emulator.ollamaUrl,
        openAiUrl: emulator.openAiUrl,
        control: `${emulator.baseUrl}/__emulator`,
        models: vlmEmulatorModels,
      };
      close = () => emulator.close();
    } else if (name === 'tencent') {
      const { startTencentEmulator, tencentEmulatorBanner } =
        await import('../../emulators/tencent/tencent-emulator.ts');
      const emulator = await startTencentEmulator(options);
      banner = tencentEmulatorBanner(emulator);
      close = () => emulator.close();
    } else if (name === 'baidu') {
      const { startBaiduEmulator, baiduEmulatorBanner } =
        await import('../../emulators/baidu/baidu-emulator.ts');
      const emulator = await startBaiduEmulator(options);
      banner = baiduEmulatorBanner(emulator);
      close = () => emulator.close();
    } else {
      const { startAliyunEmulator } = await import('../../emulators/aliyun/aliyun-emulator.ts');
      const emulator = await startAliyunEmulator(options);
      banner = {
        emulator: 'aliyun',
        baseUrl: emulator.baseUrl,
        control: `${emulator.baseUrl}/__emulator`,
        credentials: emulator.credentials,
      };
      close = () => emulator.close();
    }
    inv.io.stdout.write(`${JSON.stringify(banner)}\n`);
    await untilStopped();
    await close();
    return ExitCode.ok;
  },
};
