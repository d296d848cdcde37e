// The desktop app's native folder picker and "Open original" / "Show in folder", through the
// real IPC handlers and a real catalog. Electron's dialog, shell and ipcMain are stand-ins
// that record what they were asked (the Electron binary cannot be downloaded here); the
// renderer learns the ability from app.info (canPickFolder) and asks folders.pick for it.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../main/app/app-context.ts';
import { createDesktopPort, type DesktopShellLike } from '../../main/electron/desktop-port.ts';
import { appUrl } from '../../main/electron/desktop-security.ts';
import { registerIpcHandlers, type IpcMainLike } from '../../main/electron/ipc-handlers.ts';
import { createE2eLibrary, type E2eLibrary } from '../e2e/e2e-library.ts';

type Listener = Parameters<IpcMainLike['handle']>[1];

describe(createDesktopPort.name, () => {
  let library: E2eLibrary;
  let context: AppContext;
  const handlers = new Map<string, Listener>();
  const asked: unknown[][] = [];
  let nextAnswer: { canceled: boolean; filePaths: string[] } = { canceled: true, filePaths: [] };
  let openPathError = '';

  const standIn: DesktopShellLike = {
    dialog: {
      showOpenDialog: (...args: unknown[]) => {
        asked.push(['showOpenDialog', ...args]);
        return Promise.resolve(nextAnswer);
      },
    },
    shell: {
      openPath: (path: string) => {
        asked.push(['openPath', path]);
        return Promise.resolve(openPathError);
      },
      showItemInFolder: (path: string) => {
        asked.push(['showItemInFolder', path]);
      },
    },
  };

  beforeAll(async () => {
    library = await createE2eLibrary();
    context = await openAppContext({
      dataRoot: library.dataRoot,
      host: 'desktop',
      desktop: createDesktopPort(standIn, () => null),
    });
    registerIpcHandlers(
      {
        handle: (channel, listener) => handlers.set(channel, listener),
        removeHandler: (channel) => handlers.delete(channel),
      },
      context.service.handlers,
      () => undefined,
    );
  });
  afterAll(async () => {
    await context.close();
    rmSync(library.root, { recursive: true, force: true });
  });

  const call = (channel: string, input: unknown) => {
    const listener = handlers.get(`tujian:${channel}`);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return Promise.resolve(listener({ senderFrame: { url: appUrl } }, input));
  };

  it('tells the renderer it can pick folders and open files', async () => {
    expect(await call('app.info', {})).toMatchObject({
      ok: true,
      value: { host: 'desktop', canPickFolder: true, canOpenFiles: true },
    });
  });

  it('opens the native folder picker for folders only, and answers the folder or null', async () => {
    nextAnswer = { canceled: false, filePaths: ['/Volumes/Card/DCIM'] };
    expect(await call('folders.pick', {})).toEqual({
      ok: true,
      value: { path: '/Volumes/Card/DCIM' },
    });
    expect(asked.at(-1)).toEqual([
      'showOpenDialog',
      { properties: ['openDirectory', 'createDirectory'] },
    ]);
    nextAnswer = { canceled: true, filePaths: [] };
    expect(await call('folders.pick', {})).toEqual({ ok: true, value: { path: null } });
  });

  it('opens the original and shows it in its folder through the shell', async () => {
    const found = (await call('photos.search', { query: 'giraffe' })) as {
      value: { photos: { id: number }[] };
    };
    const id = found.value.photos[0]?.id;
    expect(id).toBeDefined();
    const original = join(library.photosDir, 'giraffe.jpg');
    expect(await call('photos.openOriginal', { id })).toEqual({ ok: true, value: { ok: true } });
    expect(asked.at(-1)).toEqual(['openPath', original]);
    expect(await call('photos.showInFolder', { id })).toEqual({ ok: true, value: { ok: true } });
    expect(asked.at(-1)).toEqual(['showItemInFolder', original]);
    // The shell's failure message reaches the UI as an error, not as success.
    openPathError = 'No application is associated with the file.';
    expect(await call('photos.openOriginal', { id })).toMatchObject({
      ok: false,
      error: { message: 'No application is associated with the file.' },
    });
  });
});

describe('createDesktopPort trashItem', () => {
  it('moves a file to the OS trash through shell.trashItem, and only when the shell has one', async () => {
    const trashed: string[] = [];
    // Electron's shell cannot run here (no binary): a stand-in records the call.
    const shell = {
      openPath: () => Promise.resolve(''),
      showItemInFolder: () => undefined,
      trashItem: (path: string) => {
        trashed.push(path);
        return Promise.resolve();
      },
    };
    const dialog = {
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
    } as unknown as DesktopShellLike['dialog'];
    const port = createDesktopPort({ dialog, shell }, () => null);
    const trash = port.trashItem?.bind(port);
    await trash?.('/photos/copy.jpg');
    expect(trashed).toEqual(['/photos/copy.jpg']);
    const { trashItem: _omitted, ...withoutTrash } = shell;
    expect('trashItem' in createDesktopPort({ dialog, shell: withoutTrash }, () => null)).toBe(
      false,
    );
  });
});
