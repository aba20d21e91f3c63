import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLIENT_MESSAGE_BYTES, toWireText } from '../../shared/contract/wire';
import { startBridge } from '../../bridge/server';
import { Engine } from '../../engine/engine';
import {
  hasAcao,
  httpGet,
  makeRendererDir,
  rawRequest,
  startTestBridge,
  TabClient,
  upgradeRequest,
  type TestBridge,
} from './helpers';

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge();
});
afterAll(async () => {
  await t.close();
});

const tabs: TabClient[] = [];
afterEach(async () => {
  await Promise.all(tabs.splice(0).map((tab) => tab.close().catch(() => undefined)));
});

async function openTab(token: string | undefined, origin?: string): Promise<TabClient> {
  const tab = await TabClient.open(t.port, token, { origin });
  tabs.push(tab);
  return tab;
}

function upgrade(path: string, origin?: string | string[]) {
  return rawRequest(t.port, upgradeRequest({ host: `127.0.0.1:${t.port}`, path, origin }));
}

describe('R-BRIDGE-ORIGIN: pages from other sites cannot open the WebSocket', () => {
  it('a foreign Origin with a valid token is refused with 403 before any 101', async () => {
    const foreign = [
      'http://evil.example',
      `http://127.0.0.1:${t.port}.evil.example`,
      `https://127.0.0.1:${t.port}`,
      `http://127.0.0.1:${t.port + 1}`,
      `http://localhost.:${t.port}`,
      `http://127.1:${t.port}`,
      'null',
      '',
    ];
    for (const origin of foreign) {
      const res = await upgrade(`/ws?token=${t.token}`, origin);
      expect({ origin, status: res.status }).toEqual({ origin, status: 403 });
      expect(res.head).not.toMatch(/101 Switching/);
      expect(res.head).not.toMatch(/sec-websocket-accept/i);
    }
    const twoOrigins = await upgrade(`/ws?token=${t.token}`, [t.origin, 'http://evil.example']);
    expect(twoOrigins.status).toBe(403);
  });

  it('without a token the upgrade is refused with 401, whatever the Origin', async () => {
    for (const origin of [undefined, t.origin, 'http://evil.example']) {
      for (const path of [
        '/ws',
        '/ws?token=',
        `/ws?token=${t.token.slice(0, -1)}`,
        `/ws?token=${t.token}x`,
        `/ws?other=${t.token}`,
      ]) {
        const res = await upgrade(path, origin);
        expect({ origin, path: path.replace(t.token, 'TOKEN'), status: res.status }).toEqual({
          origin,
          path: path.replace(t.token, 'TOKEN'),
          status: 401,
        });
      }
    }
    await expect(openTab(undefined, t.origin)).rejects.toThrow('HTTP 401');
  });

  it('the bridge’s own origins open it, and so does a client with the token and no Origin at all', async () => {
    for (const origin of [t.origin, `http://localhost:${t.port}`, `http://[::1]:${t.port}`, undefined]) {
      const tab = await openTab(t.token, origin);
      expect(await tab.ok({ type: 'session.list' })).toEqual([]);
    }
  });

  it('no response carries Access-Control-Allow-Origin, OPTIONS preflights included', async () => {
    const heads: string[] = [];
    const preflight = await rawRequest(
      t.port,
      `OPTIONS /ws HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nOrigin: http://evil.example\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n`,
    );
    expect(preflight.status).toBe(204);
    heads.push(preflight.head);
    for (const path of ['/', '/assets/app.js', '/missing', `/ws?token=${t.token}`, '/ws']) {
      heads.push(
        (
          await rawRequest(
            t.port,
            `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n`,
          )
        ).head,
      );
    }
    heads.push((await upgrade(`/ws?token=${t.token}`, 'http://evil.example')).head);
    heads.push((await upgrade('/ws', t.origin)).head);
    const accepted = await upgrade(`/ws?token=${t.token}`, t.origin);
    expect(accepted.status).toBe(101);
    heads.push(accepted.head);
    expect(heads.filter(hasAcao)).toEqual([]);
  });
});

describe('R-BRIDGE-TOKEN: the per-launch token', () => {
  it('plain requests to the WebSocket route answer 401 without the token', async () => {
    expect((await httpGet(t.port, '/ws')).status).toBe(401);
    expect((await httpGet(t.port, '/ws?token=wrong')).status).toBe(401);
    expect((await httpGet(t.port, `/ws?token=${t.token}`)).status).toBe(426);
  });

  it('every launch makes a new token of at least 128 bits in base64url', async () => {
    const other = await startTestBridge();
    try {
      for (const token of [t.token, other.token]) expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect(other.token).not.toBe(t.token);
      expect(t.bridge.url).toBe(`http://127.0.0.1:${t.port}/#token=${t.token}`);
    } finally {
      await other.close();
    }
  });

  it('never writes the token to its log, even for requests that carry it', async () => {
    await upgrade(`/ws?token=${t.token}`, 'http://evil.example');
    await upgrade(`/ws?token=${t.token}&token=${t.token}`, t.origin);
    await httpGet(t.port, `/ws?token=${t.token}`);
    const tab = await openTab(t.token, t.origin);
    await tab.close();
    expect(t.logs.join('\n')).toMatch(/Refused a WebSocket connection/);
    expect(t.logs.join('\n')).toMatch(/browser tab connected/);
    expect(t.logs.join('\n')).not.toContain(t.token);
  });

  it('a message over 1 MiB closes the WebSocket with 1009; one just under is answered', async () => {
    const tab = await openTab(t.token, t.origin);
    const envelope = (fill: number) =>
      toWireText({ type: 'command', id: 1, command: { type: 'session.list', pad: 'x'.repeat(fill) } });
    const overhead = envelope(0).length;
    tab.sendRaw(envelope(MAX_CLIENT_MESSAGE_BYTES - overhead - 16));
    expect((await tab.reply(1)).result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    tab.sendRaw(envelope(MAX_CLIENT_MESSAGE_BYTES - overhead + 1));
    expect(await tab.closed()).toBe(1009);
  });
});

describe('R-BRIDGE-BIND: loopback only unless asked', () => {
  it('listens on 127.0.0.1, and the machine’s other IPv4 address is refused on that port', async (ctx) => {
    expect(t.bridge.address).toBe('127.0.0.1');
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
    if (!outside) {
      ctx.skip('this machine has no non-loopback IPv4 address');
      return;
    }
    const code = await new Promise<string | undefined>((resolve) => {
      const socket = connect({ host: outside.address, port: t.port });
      socket.setTimeout(3000, () => (socket.destroy(), resolve('timeout')));
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    expect(code).toBe('ECONNREFUSED');
  });

  it('refuses a non-loopback address without allowRemote, and names the flag', async () => {
    const fixture = makeRendererDir();
    const engine = new Engine({ statsIntervalMs: 0 });
    try {
      for (const host of ['0.0.0.0', '::']) {
        await expect(startBridge({ engine, rendererDir: fixture.rendererDir, host, log: () => {} })).rejects.toThrow(
          /--allow-remote/,
        );
      }
      await expect(
        startBridge({ engine, rendererDir: fixture.rendererDir, host: 'evil.example', log: () => {} }),
      ).rejects.toThrow(/IP address/);
    } finally {
      fixture.cleanup();
    }
  });

  it('with allowRemote it warns, and still demands the token', async () => {
    const remote = await startTestBridge({ host: '0.0.0.0', allowRemote: true });
    try {
      expect(remote.bridge.address).toBe('0.0.0.0');
      expect(remote.logs.join('\n')).toMatch(/Warning: .*other computers/);
      expect(remote.bridge.url).toBe(`http://127.0.0.1:${remote.port}/#token=${remote.token}`);
      const res = await rawRequest(
        remote.port,
        upgradeRequest({ host: `127.0.0.1:${remote.port}`, path: '/ws', origin: remote.origin }),
      );
      expect(res.status).toBe(401);
      const outside = Object.values(networkInterfaces())
        .flat()
        .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
      if (outside) {
        const byAddress = await rawRequest(
          remote.port,
          `GET / HTTP/1.1\r\nHost: ${outside.address}:${remote.port}\r\nConnection: close\r\n\r\n`,
        );
        expect(byAddress.status).toBe(200);
        expect(
          (
            await rawRequest(
              remote.port,
              `GET / HTTP/1.1\r\nHost: evil.com:${remote.port}\r\nConnection: close\r\n\r\n`,
            )
          ).status,
        ).toBe(403);
      }
    } finally {
      await remote.close();
    }
  });
});
