import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CHANNELS, PRELOAD_API_KEYS } from '../shared/contract/ipc';
import type { PreloadApi } from '../shared/contract/wire';

// Runs sandboxed, bundled into one file: it may import only 'electron' and shared/ (never the engine).
// The page gets named functions, never ipcRenderer and never a channel name to choose (checklist #20).
// Batches cross as bytes; the renderer checks and decodes them (decodeBatch), then acknowledges.

// Listening starts with the preload, before any page script: a batch that arrives before the page
// subscribes (or while it resubscribes) waits here instead of being lost unacknowledged, which would
// stop the stream for good. Nothing acknowledges it meanwhile, so at most MAX_UNACKED_BATCHES ever wait.
const waiting: Uint8Array[] = [];
const listeners = new Set<(bytes: Uint8Array) => void>();
ipcRenderer.on(IPC_CHANNELS.batch, (_event: IpcRendererEvent, bytes: unknown) => {
  if (!(bytes instanceof Uint8Array)) return;
  if (listeners.size === 0) waiting.push(bytes);
  for (const listener of listeners) listener(bytes);
});

const api: PreloadApi = {
  execute: (command) => ipcRenderer.invoke(IPC_CHANNELS.execute, command),
  onBatch: (listener) => {
    listeners.add(listener);
    for (const bytes of waiting.splice(0)) listener(bytes);
    return () => {
      listeners.delete(listener);
    };
  },
  ack: (batchId) => ipcRenderer.send(IPC_CHANNELS.ack, batchId),
  // A sandboxed preload has a reduced `process`; platform is one of the fields it keeps.
  platform: process.platform,
};

// Exactly the documented keys; the compiler checks the object, this checks the list did not drift from it.
const exposed = Object.fromEntries(PRELOAD_API_KEYS.map((key) => [key, api[key]]));
contextBridge.exposeInMainWorld('sockpit', exposed);
