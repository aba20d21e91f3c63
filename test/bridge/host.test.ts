import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasAcao, rawRequest, startTestBridge, UI_MARKER, upgradeRequest, type TestBridge } from './helpers';

// R-BRIDGE-HOST: a DNS-rebinding page reaches the bridge under its own name, so the Host header is the
// one thing that tells a rebound request from a real one. Raw sockets, because HTTP clients will not
// send a missing, duplicated or junk Host.

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge();
});
afterAll(async () => {
  await t.close();
});

function printableJunk(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]_~';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Every Host a rebinding page or a confused client could send: each header block, ready to paste. */
function badHostHeaders(port: number): Array<[string, string[]]> {
  return [
    ['evil.com', [`Host: evil.com:${port}`]],
    ['127.1 (short IPv4)', [`Host: 127.1:${port}`]],
    ['0x7f.0.0.1 (hex IPv4)', [`Host: 0x7f.0.0.1:${port}`]],
    ['2130706433 (integer IPv4)', [`Host: 2130706433:${port}`]],
    ['localhost6', [`Host: localhost6:${port}`]],
    ['localhost. (trailing dot)', [`Host: localhost.:${port}`]],
    ['0177.0.0.1 (octal IPv4)', [`Host: 0177.0.0.1:${port}`]],
    ['the right name, another port', [`Host: 127.0.0.1:${port === 65535 ? 1 : port + 1}`]],
    ['no port', ['Host: 127.0.0.1']],
    ['a suffix after the port', [`Host: 127.0.0.1:${port}.evil.com`]],
    ['credentials before the name', [`Host: user@127.0.0.1:${port}`]],
    ['empty value', ['Host: ']],
    ['missing', []],
    ['duplicated, both good', [`Host: 127.0.0.1:${port}`, `Host: 127.0.0.1:${port}`]],
    ['duplicated, good then evil', [`Host: 127.0.0.1:${port}`, `Host: evil.com:${port}`]],
    ['duplicated, evil then good', [`Host: evil.com:${port}`, `Host: localhost:${port}`]],
    ['8 KiB of printable junk', [`Host: ${printableJunk(8192)}`]],
    [
      '8 KiB of junk bytes',
      [
        `Host: ${randomBytes(8192)
          .toString('latin1')
          .replace(/[\r\n]/g, 'x')}`,
      ],
    ],
  ];
}

function getRequest(hostLines: string[], version = '1.1'): Buffer {
  return Buffer.from(
    `GET / HTTP/${version}\r\n${hostLines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`,
    'latin1',
  );
}

describe('R-BRIDGE-HOST: only the bridge’s own names are served', () => {
  it.each(['127.0.0.1', 'localhost', '[::1]', 'LocalHost'])('Host %s:<port> gets the UI', async (name) => {
    const res = await rawRequest(t.port, getRequest([`Host: ${name}:${t.port}`]));
    expect(res.status).toBe(200);
    expect(res.body).toContain(UI_MARKER);
  });

  it('each bad Host gets 400 or 403 with no UI, on plain requests and on WebSocket upgrades with a valid token', async () => {
    const outcomes: string[] = [];
    for (const [label, lines] of badHostHeaders(t.port)) {
      for (const version of ['1.1', '1.0']) {
        const res = await rawRequest(t.port, getRequest(lines, version));
        outcomes.push(
          `GET ${version} ${label}: ${res.status}${res.body.includes(UI_MARKER) ? ' WITH UI' : ''}${hasAcao(res.head) ? ' WITH CORS' : ''}`,
        );
      }
      const hostValue = lines.map((l) => l.slice('Host: '.length));
      const upgrade = Buffer.from(
        upgradeRequest({
          host: null,
          path: `/ws?token=${t.token}`,
          origin: t.origin,
          extra: hostValue.map((v) => `Host: ${v}`),
        }),
        'latin1',
      );
      const res = await rawRequest(t.port, upgrade);
      outcomes.push(`upgrade ${label}: ${res.status}${res.body.includes(UI_MARKER) ? ' WITH UI' : ''}`);
    }
    const wrong = outcomes.filter((line) => !/: (400|403)$/.test(line));
    expect(wrong).toEqual([]);
  });

  it('survives 10,000 bad requests and then still serves the right Host', async () => {
    const cases = badHostHeaders(t.port).map(([, lines]) => getRequest(lines));
    const total = 10_000;
    const parallel = 100;
    const statuses = new Map<number, number>();
    const started = performance.now();
    for (let sent = 0; sent < total; sent += parallel) {
      const batch = Array.from({ length: Math.min(parallel, total - sent) }, (_, i) =>
        rawRequest(t.port, cases[(sent + i) % cases.length]!),
      );
      for (const res of await Promise.all(batch)) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.body.includes(UI_MARKER)) throw new Error('a bad Host was served the UI');
      }
    }
    const ms = performance.now() - started;
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 403]));
    expect([...statuses.keys()].every((s) => s === 400 || s === 403)).toBe(true);
    const good = await rawRequest(t.port, getRequest([`Host: 127.0.0.1:${t.port}`]));
    expect(good.status).toBe(200);
    expect(good.body).toContain(UI_MARKER);
    console.log(`10,000 bad requests answered in ${Math.round(ms)} ms`);
  });
});
