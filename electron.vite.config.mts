import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Main and preload are CommonJS (no "type": "module" in package.json): a sandboxed preload cannot be ESM.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require() anything but a few Electron modules: bundle everything into one file.
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'electron/preload.ts') } },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    // iconv-lite (the same decoder the engine uses) reaches for Node's Buffer; the browser gets the npm port.
    resolve: { alias: { buffer: 'buffer/' } },
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
