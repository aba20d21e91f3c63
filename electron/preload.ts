import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EngineEvent } from '../shared/contract';
import { IPC_CHANNELS, PRELOAD_API_KEYS } from '../shared/contract/ipc';
import type { SockpitHost } from '../shared/contract/wire';

// Runs sandboxed, bundled into one file: it may import only 'electron' and shared/ (never the engine).
// The page gets named functions, never ipcRenderer and never a channel name to choose (checklist #20).

type PreloadApi = SockpitHost & { platform: NodeJS.Platform };

const api: PreloadApi = {
  execute: (command) => ipcRenderer.invoke(IPC_CHANNELS.execute, command),
  onEvents: (listener) => {
    // The IpcRendererEvent stays here: its `sender` is ipcRenderer itself.
    const forward = (_event: IpcRendererEvent, batch: EngineEvent[]) => listener(batch);
    ipcRenderer.on(IPC_CHANNELS.events, forward);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.events, forward);
    };
  },
  // A sandboxed preload has a reduced `process`; platform is one of the fields it keeps.
  platform: process.platform,
};

// Exactly the documented keys; the compiler checks the object, this checks the list did not drift from it.
const exposed = Object.fromEntries(PRELOAD_API_KEYS.map((key) => [key, api[key]]));
contextBridge.exposeInMainWorld('sockpit', exposed);
