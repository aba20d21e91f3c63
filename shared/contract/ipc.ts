// The Electron IPC names, in a module with no schemas: the sandboxed preload bundles whatever it
// imports, and it needs these two constants, not zod.

/** The renderer invokes `execute`; main pushes event batches on `events`. */
export const IPC_CHANNELS = { execute: 'sockpit:execute', events: 'sockpit:events' } as const;

/** The names the Electron preload exposes on `window.sockpit`, and nothing else. */
export const PRELOAD_API_KEYS = ['execute', 'onEvents', 'platform'] as const;
