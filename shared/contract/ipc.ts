// The Electron IPC names, in a module with no schemas: the sandboxed preload bundles whatever it
// imports, and it needs these two constants, not zod.

/** The renderer invokes `execute`; main pushes packed batches on `batch`; the renderer answers each on `ack`. */
export const IPC_CHANNELS = { execute: 'sockpit:execute', batch: 'sockpit:batch', ack: 'sockpit:ack' } as const;

/** The names the Electron preload exposes on `window.sockpit`, and nothing else. */
export const PRELOAD_API_KEYS = ['execute', 'onBatch', 'ack', 'platform'] as const;
