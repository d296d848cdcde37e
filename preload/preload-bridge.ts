// The desktop preload (the only preload file that may import electron): exposes named
// functions only, one per API channel, each bound to its own fixed IPC channel, plus the
// event subscription and image URLs. No generic invoke, no raw ipcRenderer (STYLE.md rule 3).
// Bundled to CommonJS by scripts/build-desktop.js, as sandboxed preloads cannot load modules.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  channels,
  ipcChannelName,
  ipcEventChannel,
  type ApiEvent,
  type Channel,
} from './api-contract.ts';
import { mediaProtocol, type TujianBridge } from './api-client.ts';

function bridgeCall(channel: Channel) {
  const ipc = ipcChannelName(channel);
  return (input: unknown): Promise<unknown> => ipcRenderer.invoke(ipc, input);
}

const bridge: TujianBridge = {
  calls: Object.fromEntries(
    channels.map((channel) => [channel, bridgeCall(channel)]),
  ) as unknown as TujianBridge['calls'],
  onEvent(listener) {
    const wrapped = (_event: IpcRendererEvent, payload: ApiEvent) => {
      listener(payload);
    };
    ipcRenderer.on(ipcEventChannel, wrapped);
    return () => {
      ipcRenderer.removeListener(ipcEventChannel, wrapped);
    };
  },
  mediaUrl: (kind, hash) => `${mediaProtocol}://${kind}/${hash}`,
};

contextBridge.exposeInMainWorld('tujianBridge', bridge);
