// The desktop app's main process: single instance, one sandboxed window on the
// `tujian-app://` protocol, images on `tujian-media://`, the typed API over IPC, the live
// library (watching, ingesting, tagging with the on-device engine and configured cloud
// engines), credentials in safeStorage, and a quit that drains the jobs in flight.
// See [Note: Desktop window security]. The electron module is passed in (`electron`), so this
// file typechecks against Electron's real types while the binary itself is absent here.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Electron from 'electron';
import { openAppContext, type AppContext } from '../app/app-context.ts';
import { catalogSettingsBackend } from '../catalog/settings.ts';
import { createEngineSet } from '../engines/engine-registry.ts';
import { resolveDataDir } from '../util/data-dir.ts';
import { createStderrLogger } from '../util/logger.ts';
import { ipcEventChannel } from '../../preload/api-contract.ts';
import {
  appScheme,
  appUrl,
  createAppProtocolHandler,
  createMediaProtocolHandler,
  hardenWebContents,
  mediaScheme,
  secureWebPreferences,
} from './desktop-security.ts';
import { createDesktopPort } from './desktop-port.ts';
import { registerIpcHandlers } from './ipc-handlers.ts';
import { createSafeStorageSecretStore } from './safe-storage-secrets.ts';

type ElectronModule = typeof Electron;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const rendererDir = join(repoRoot, 'renderer', 'dist');
export const preloadPath = join(repoRoot, 'dist', 'preload', 'preload-bridge.cjs');

export function runDesktopApp(electron: ElectronModule): void {
  const { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell } = electron;
  const log = createStderrLogger();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  // Must happen before `ready`: both schemes behave like https (secure, standard URLs).
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: mediaScheme, privileges: { standard: true, secure: true } },
  ]);

  let window: Electron.BrowserWindow | null = null;
  let context: AppContext | null = null;
  let quitting = false;

  const createWindow = () => {
    const win = new BrowserWindow({
      width: 1400,
      height: 900,
      minWidth: 900,
      minHeight: 600,
      title: '图鉴 Tujian',
      backgroundColor: '#f6f7f9',
      show: false,
      webPreferences: secureWebPreferences(preloadPath),
    });
    hardenWebContents(win.webContents, (url) => {
      void shell.openExternal(url);
    });
    win.once('ready-to-show', () => {
      win.show();
    });
    win.on('closed', () => {
      window = null;
    });
    void win.loadURL(appUrl);
    window = win;
  };

  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, (url) => {
      void shell.openExternal(url);
    });
  });

  void app.whenReady().then(async () => {
    const dataRoot = resolveDataDir();
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => {
      callback(false);
    });
    protocol.handle(appScheme, createAppProtocolHandler(rendererDir));
    protocol.handle(mediaScheme, createMediaProtocolHandler(dataRoot));

    const opened = await openAppContext({
      dataRoot,
      host: 'desktop',
      version: app.getVersion(),
      log,
      // Local plus every cloud engine configured in settings, with secrets from safeStorage.
      engines: (db, secrets) => createEngineSet({ settings: catalogSettingsBackend(db), secrets }),
      credentials: createSafeStorageSecretStore(safeStorage, join(dataRoot, 'secrets.safe.json')),
      desktop: createDesktopPort({ dialog, shell }, () => window),
    });
    context = opened;
    registerIpcHandlers(ipcMain, opened.service.handlers, (message) => {
      log.error(message);
    });
    opened.onEvent((event) => {
      window?.webContents.send(ipcEventChannel, event);
    });
    createWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) createWindow();
  });

  // Graceful shutdown: stop taking jobs, let those in flight commit, close the catalog.
  app.on('before-quit', (event) => {
    if (quitting || !context) return;
    event.preventDefault();
    quitting = true;
    const closing = context;
    context = null;
    closing
      .close()
      .catch((error: unknown) => {
        log.error(`shutdown: ${String(error)}`);
      })
      .finally(() => {
        app.quit();
      });
  });
}
