import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../bridge/server';
import { Engine } from '../../engine/engine';
import {
  httpGet,
  makeRendererDir,
  rawRequest,
  SECRET_MARKER,
  startTestBridge,
  UI_MARKER,
  type TestBridge,
} from './helpers';

const EXPECTED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge();
});
afterAll(async () => {
  await t.close();
});

function get(rawPath: string, method = 'GET') {
  return rawRequest(t.port, `${method} ${rawPath} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nConnection: close\r\n\r\n`);
}

describe('the UI and its headers', () => {
  it('serves index.html at / with the CSP header, nosniff, no referrer and no caching', async () => {
    const res = await httpGet(t.port, '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain(UI_MARKER);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toBe(EXPECTED_CSP);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await httpGet(t.port, '/index.html')).body).toContain(UI_MARKER);
  });

  it.each([
    ['/assets/app.js', 'text/javascript; charset=utf-8'],
    ['/assets/style.css', 'text/css; charset=utf-8'],
    ['/assets/icon.svg', 'image/svg+xml'],
    ['/assets/logo.png', 'image/png'],
    ['/assets/font.woff2', 'font/woff2'],
    ['/assets/data.json', 'application/json; charset=utf-8'],
    ['/favicon.ico', 'image/x-icon'],
  ])('%s is served as %s, with the same security headers', async (file, type) => {
    const res = await httpGet(t.port, file);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['content-security-policy']).toBe(EXPECTED_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('HEAD answers headers only; unknown files are 404; directories are not listed; other methods are 405', async () => {
    const head = await get('/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await httpGet(t.port, '/nothing-here.js')).status).toBe(404);
    expect((await httpGet(t.port, '/assets')).status).toBe(404);
    expect((await httpGet(t.port, '/assets/')).status).toBe(404);
    const post = await httpGet(t.port, '/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.body).not.toContain(UI_MARKER);
  });

  it('refuses every way out of the UI folder', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      `/${encodeURIComponent(path.join(t.fixture.root, 'secret.txt'))}`,
      '//secret.txt',
      '/../package.json',
      '/%2e%2e/package.json',
    ];
    const served: string[] = [];
    for (const attempt of attempts) {
      const res = await get(attempt);
      if (res.status === 200 || res.body.includes(SECRET_MARKER)) served.push(`${attempt} → ${res.status}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    expect(served).toEqual([]);
    // The file is really there, one level up: the refusals above are the guard, not a missing file.
    expect(readFileSync(path.join(t.fixture.root, 'secret.txt'), 'utf8')).toContain(SECRET_MARKER);
  });

  it('answers malformed paths with 400 instead of failing', async () => {
    for (const bad of ['/%E0%A4%A', '/%', '/a%00b', `http://127.0.0.1:${t.port}/index.html`, '*']) {
      const res = await get(bad);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    expect((await httpGet(t.port, '/')).status).toBe(200);
  });
});

describe('before the UI is built', () => {
  it('answers 503 with a sentence saying to run npm run build, then serves the UI once it exists', async () => {
    const fixture = makeRendererDir({ withIndex: false });
    const engine = new Engine({ statsIntervalMs: 0 });
    const bridge = await startBridge({ engine, rendererDir: fixture.rendererDir, log: () => {} });
    try {
      const before = await httpGet(bridge.port, '/');
      expect(before.status).toBe(503);
      expect(before.body).toMatch(/run "npm run build"/);
      expect(before.headers['content-security-policy']).toBe(EXPECTED_CSP);
      writeFileSync(path.join(fixture.rendererDir, 'index.html'), `<p>${UI_MARKER}</p>`);
      const after = await httpGet(bridge.port, '/');
      expect(after.status).toBe(200);
      expect(after.body).toContain(UI_MARKER);
    } finally {
      await bridge.close();
      await engine.shutdown();
      fixture.cleanup();
    }
  });
});
