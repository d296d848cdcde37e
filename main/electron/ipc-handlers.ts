// The desktop host's IPC: one `ipcMain.handle` per API channel, registered from the
// contract, so a channel without a handler does not compile (ApiHandlers is total). Each
// call checks its sender frame first, then validates and dispatches like the web host.
import { channels, ipcChannelName, type ApiHandlers } from '../../preload/api-contract.ts';
import { dispatchApiCall } from '../app/api-dispatch.ts';
import { isTrustedSender } from './desktop-security.ts';

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown,
  ): void;
  removeHandler(channel: string): void;
}

export function registerIpcHandlers(
  ipc: IpcMainLike,
  handlers: ApiHandlers,
  logError: (message: string) => void,
): () => void {
  for (const channel of channels) {
    ipc.handle(ipcChannelName(channel), async (event, input) => {
      if (!isTrustedSender(event.senderFrame?.url)) {
        logError(`IPC ${channel} refused: sender ${event.senderFrame?.url ?? 'unknown'}`);
        return { ok: false, error: { code: 'unavailable', message: 'Refused: unknown sender.' } };
      }
      return dispatchApiCall(handlers, channel, input, {
        logError: (c, error) => {
          logError(
            `IPC ${c} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
        },
      });
    });
  }
  return () => {
    for (const channel of channels) ipc.removeHandler(ipcChannelName(channel));
  };
}
