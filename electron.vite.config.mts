import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CSP } from './shared/csp';

/**
 * The policy Electron and the bridge send as a header, also as a <meta> tag in the built page, from
 * the one constant. frame-ancestors is left out: browsers ignore it in a meta tag and warn about it.
 */
function contentSecurityPolicyMeta(): Plugin {
  const policy = CSP.split(';')
    .map((part) => part.trim())
    .filter((part) => part && !part.startsWith('frame-ancestors'))
    .join('; ');
  return {
    name: 'sockpit-csp-meta',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' },
    ],
  };
}

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
    plugins: [react(), contentSecurityPolicyMeta()],
    // iconv-lite (the same decoder the engine uses) reaches for Node's Buffer; the browser gets the npm port.
    resolve: { alias: { buffer: 'buffer/' } },
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
