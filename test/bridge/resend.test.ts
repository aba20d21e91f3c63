import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/contract';
import { toWireText } from '../../shared/contract/wire';
import { startTestBridge, TabClient, type TestBridge } from './helpers';
import { until } from '../helpers/harness';

// A tab that lost its connection before an answer came asks again, with the same command id, once it is back.
// The bridge must answer from the first run: a send a person made once goes out once.

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(t: TestBridge, clientId?: string): Promise<TabClient> {
  const client = await TabClient.open(t.port, t.token, { origin: t.origin });
  cleanups.push(() => client.close().catch(() => undefined));
  if (clientId) client.sendRaw(toWireText({ type: 'hello', clientId }));
  return client;
}

function command(client: TabClient, id: number, body: object): void {
  client.sendRaw(toWireText({ type: 'command', id, command: body }));
}

describe('a command asked again after a reconnect', () => {
  it('is answered from its first run and not carried out twice', async () => {
    const t = await startTestBridge();
    cleanups.push(() => t.close());
    const clientId = 'tab-0123456789abcdef';
    const first = await open(t, clientId);
    const server = await first.ok<SessionInfo>({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    const started = await first.ok<SessionInfo>({ type: 'session.start', sessionId: server.sessionId });
    const device = connect({ host: '127.0.0.1', port: Number(/:(\d+)$/.exec(started.local ?? '')?.[1]) });
    cleanups.push(() => device.destroy());
    let received = '';
    device.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    await until(() => first.events.some((e) => e.type === 'connection.opened'), 5000, 'the peer to connect');

    // Sent, carried out, and the connection cut before the tab could read the answer.
    command(first, 100, { type: 'send', sessionId: server.sessionId, payload: { data: 'once;' } });
    await until(() => received === 'once;', 5000, 'the first send');
    first.ws.terminate();

    const second = await open(t, clientId);
    command(second, 100, { type: 'send', sessionId: server.sessionId, payload: { data: 'once;' } });
    const again = await second.reply(100);
    expect(again.result).toMatchObject({ ok: true, value: { bytes: 5 } });
    // A new id is a new command; TCP keeps order, so a second "once;" would come before it.
    command(second, 101, { type: 'send', sessionId: server.sessionId, payload: { data: 'next;' } });
    expect((await second.reply(101)).result.ok).toBe(true);
    await until(() => received.endsWith('next;'), 5000, 'the second send');
    expect(received).toBe('once;next;');
  });

  it('refuses a hello with a malformed client id, in words', async () => {
    const t = await startTestBridge();
    cleanups.push(() => t.close());
    const client = await open(t);
    client.sendRaw(toWireText({ type: 'hello', clientId: 'short' }));
    const reply = await client.reply(-1);
    expect(reply.result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(JSON.stringify(reply.result)).toContain('A client id is 16 to 64 letters, digits, _ or -.');
  });
});
