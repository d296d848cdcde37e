// The desktop-only abilities (DesktopPort) over Electron's dialog and shell: the native
// folder picker for Add folder, and opening an original or showing it in its folder. Kept
// apart from desktop-main.ts so the IPC round trip can be tested in plain Node with
// stand-ins for the two Electron modules (the binary cannot be downloaded here).
import type * as Electron from 'electron';
import type { DesktopPort } from '../app/app-service.ts';

/** The parts of Electron's `dialog` and `shell` used here. */
export interface DesktopShellLike {
  readonly dialog: {
    showOpenDialog(
      window: Electron.BrowserWindow,
      options: Electron.OpenDialogOptions,
    ): Promise<{ canceled: boolean; filePaths: string[] }>;
    showOpenDialog(
      options: Electron.OpenDialogOptions,
    ): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  readonly shell: {
    openPath(path: string): Promise<string>;
    showItemInFolder(path: string): void;
    /** Optional so stand-ins without a trash still type-check; Electron always has it. */
    trashItem?(path: string): Promise<void>;
  };
}

export function createDesktopPort(
  electron: DesktopShellLike,
  currentWindow: () => Electron.BrowserWindow | null,
): DesktopPort {
  const { dialog, shell } = electron;
  return {
    async pickFolder() {
      // Folders only, one at a time; a new folder can be made from the dialog.
      const options: Electron.OpenDialogOptions = {
        properties: ['openDirectory', 'createDirectory'],
      };
      const window = currentWindow();
      const result = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async openPath(path) {
      // Electron reports a failure as a message, not a rejection.
      const error = await shell.openPath(path);
      if (error) throw new Error(error);
    },
    showInFolder(path) {
      shell.showItemInFolder(path);
    },
    // [Note: Keep this one never deletes]: the OS trash, where the user can take a file back.
    ...(shell.trashItem
      ? { trashItem: (path: string) => shell.trashItem?.(path) ?? Promise.resolve() }
      : {}),
  };
}
