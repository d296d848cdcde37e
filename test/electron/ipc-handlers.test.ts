// ipcMain is Electron's (the binary cannot be downloaded here): a stand-in records the
// handlers, and the test calls them as Electron would, against a real catalog.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../main/app/app-context.ts';
import { appUrl } from '../../main/electron/desktop-security.ts';
import { registerIpcHandlers, type IpcMainLike } from '../../main/electron/ipc-handlers.ts';
import { channels, ipcChannelName } from '../../preload/api-contract.ts';

type Listener = Parameters<IpcMainLike['handle']>[1];

describe(registerIpcHandlers.name, () => {
  let root: string;
  let context: AppContext;
  const handlers = new Map<string, Listener>();
  const errors: string[] = [];
  let unregister: () => void;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tujian-ipc-'));
    context = await openAppContext({ dataRoot: root, host: 'desktop' });
    unregister = registerIpcHandlers(
      {
        handle: (channel, listener) => handlers.set(channel, listener),
        removeHandler: (channel) => handlers.delete(channel),
      },
      context.service.handlers,
      (m) => errors.push(m),
    );
  });
  afterAll(async () => {
    await context.close();
    rmSync(root, { recursive: true, force: true });
  });

  const call = (channel: string, input: unknown, frameUrl: string | null = appUrl) => {
    const listener = handlers.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return Promise.resolve(
      listener({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, input),
    );
  };

  it('registers one fixed IPC channel per API channel', () => {
    expect([...handlers.keys()].sort()).toEqual(channels.map(ipcChannelName).sort());
  });

  it('answers the app page and validates its input', async () => {
    expect(await call('tujian:albums.create', { name: 'Dogs', query: 'dog' })).toMatchObject({
      ok: true,
      value: { name: 'Dogs', query: 'dog' },
    });
    expect(await call('tujian:albums.create', { name: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });

  it('refuses other senders before doing anything', async () => {
    const answer = await call(
      'tujian:albums.create',
      { name: 'Evil', query: 'x' },
      'https://evil.example/',
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await call('tujian:albums.list', {}, null)).toMatchObject({ ok: false });
    const albums = (await call('tujian:albums.list', {})) as { value: { name: string }[] };
    expect(albums.value.map((a) => a.name)).toEqual(['Dogs']);
    expect(errors.some((e) => e.includes('evil.example'))).toBe(true);
  });

  it('removes its handlers', () => {
    unregister();
    expect(handlers.size).toBe(0);
  });
});
