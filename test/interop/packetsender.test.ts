import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followRecords } from '../../engine/follow-records';
import { Harness } from '../helpers/harness';
import { needs } from '../helpers/peers';
import { startProgram, stopAll } from '../helpers/processes';

// Packet Sender is the cross-platform tool most of our users come from; its CLI is a peer nobody here wrote.

let h: Harness;
afterEach(async () => {
  await h?.close();
  await stopAll();
});

/** Packet Sender's CLI is a Qt program: offscreen, so it needs no display. */
function packetsender(args: string[]) {
  const child = startProgram('env', ['QT_QPA_PLATFORM=offscreen', 'packetsender', ...args]);
  return child.exited(15_000);
}

/** Auto-reply the way a person would wire it: answer every received chunk to whoever sent it. */
function answerEveryChunk(
  sessionId: string,
  reply: { data: string; mode?: 'text' | 'hex'; encoding?: 'gbk' | 'utf-8' },
) {
  followRecords(
    h.engine,
    {
      onRecord: (record) => {
        if (record.dir !== 'rx') return;
        const target = record.connectionId
          ? { to: 'connections' as const, connectionIds: [record.connectionId] }
          : { to: 'reply' as const, seq: record.seq };
        void h.engine.run({ type: 'send', sessionId, payload: reply, target });
      },
    },
    sessionId,
  );
}

describe('Packet Sender CLI as the peer', () => {
  beforeEach((ctx) => needs(ctx, 'packetsender'));

  it('TCP: its mixed-ASCII message arrives byte-exact and it prints our GBK answer as hex', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    answerEveryChunk(server.id, { data: '收到', encoding: 'gbk' });
    const run = await packetsender(['-taw', '1500', '127.0.0.1', String(server.port), 'AT+GMR\\r\\n']);
    expect(h.bytes(server.id, 'rx').toString('hex')).toBe(Buffer.from('AT+GMR\r\n').toString('hex'));
    expect(run.stdout).toMatch(/Response HEX:CA D5 B5 BD/);
    const closed = await h.waitFor((e) => e.type === 'connection.closed');
    expect(closed.type === 'connection.closed' && closed.reason).toBe('peer-closed');
  });

  it('UDP: a hex datagram from Packet Sender is recorded with its sender, and the reply reaches it', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    answerEveryChunk(udp.id, { data: '06', mode: 'hex' });
    const run = await packetsender(['-uxw', '1500', '127.0.0.1', String(udp.port), '02 41 42 03']);
    expect(h.bytes(udp.id, 'rx').toString('hex')).toBe('02414203');
    const record = h.records(udp.id).find((r) => r.dir === 'rx');
    expect(record?.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(run.stdout).toMatch(/Response HEX:06/);
  });

  it('IPv6: Packet Sender reaches a Sockpit server on [::1] and reads its answer', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '::1', port: 0 });
    answerEveryChunk(server.id, { data: 'OK' });
    const run = await packetsender(['-6', '-taw', '1500', '::1', String(server.port), 'hi']);
    expect(h.bytes(server.id, 'rx').toString()).toBe('hi');
    expect(run.stdout).toMatch(/Response ASCII:OK/);
  });
});
