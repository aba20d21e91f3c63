import { afterEach, describe, expect, it } from 'vitest';
import type { RxMessage } from '../../shared/contract';
import { Harness, until } from '../helpers/harness';
import { needs } from '../helpers/peers';
import { startPeerOnFreePort, startProgram, startPythonProgram, stopAll } from '../helpers/processes';

// Framing in the engine: a session's received bytes cut into messages for whoever listens
// (`Session.onMessage`, reached through `Engine.onMessage`), against python3 devices and socat.

let h: Harness;
afterEach(async () => {
  await h?.close();
  await stopAll();
});

interface Heard {
  hex: string;
  text: string;
  bad?: string;
  firstSeq: number;
  lastSeq: number;
  peer: string;
}

function listen(sessionId: string): Heard[] {
  const heard: Heard[] = [];
  const stop = h.engine.onMessage(sessionId, (message: RxMessage) => {
    heard.push({
      hex: Buffer.from(message.bytes).toString('hex').toUpperCase(),
      text: Buffer.from(message.bytes).toString('latin1'),
      firstSeq: message.firstSeq,
      lastSeq: message.lastSeq,
      peer: message.peer,
      ...(message.bad !== undefined ? { bad: message.bad } : {}),
    });
  });
  expect(stop).toBeTypeOf('function');
  return heard;
}

describe('framing in the engine', () => {
  it('a Modbus RTU device: three frames in one send and one in three sends are exactly four messages, CRC checked', async () => {
    h = new Harness();
    const { peer: device, port } = await startPeerOnFreePort('modbus_rtu_device.py');
    const created = await h.run({
      type: 'session.create',
      config: { kind: 'tcp-client', host: '127.0.0.1', port, framing: { mode: 'modbus-rtu' } },
    });
    const heard = listen(created.sessionId);
    await h.run({ type: 'session.start', sessionId: created.sessionId });
    const sent = (await device.waitForLine(/^sent ([0-9a-f]+)/))[1].toUpperCase();
    await until(() => heard.length >= 4, 5000, 'four messages');
    // Give a fifth (wrongly cut) message the chance to show up before counting.
    await h.waitForBytes(created.sessionId, 'rx', sent.length / 2);
    expect(heard.map((m) => m.hex)).toEqual([
      sent.slice(0, 18),
      sent.slice(18, 34),
      sent.slice(34, 52),
      sent.slice(52),
    ]);
    expect(heard.map((m) => m.bad)).toEqual([undefined, undefined, 'CRC does not match (CRC-16/MODBUS)', undefined]);
    // The fourth frame came in three reads and is still one message, timed by its first byte.
    const reads = h.records(created.sessionId).filter((r) => r.dir === 'rx');
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(heard[3].lastSeq).toBeGreaterThan(heard[3].firstSeq);
    expect(reads.find((r) => r.seq === heard[3].firstSeq)!.wallUs).toBeLessThan(
      reads.find((r) => r.seq === heard[3].lastSeq)!.wallUs,
    );
    expect(heard).toHaveLength(4);
  });

  it('line framing of what socat sends: lines without their endings, and the unfinished last one on close', async (ctx) => {
    needs(ctx, 'socat');
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, framing: { mode: 'line' } });
    const heard = listen(server.id);
    const socat = startProgram('socat', ['-t', '1', '-', `TCP:127.0.0.1:${server.port}`], 'alpha\nbeta\r\n\ngam');
    await socat.exited();
    await h.waitFor((e) => e.type === 'connection.closed');
    expect(heard.map((m) => [m.text, m.bad])).toEqual([
      ['alpha', undefined],
      ['beta', undefined],
      ['', undefined],
      ['gam', 'incomplete: the stream ended 3 bytes into a message'],
    ]);
  });

  it('a hex delimiter, kept, across a python client’s separate sends', async () => {
    h = new Harness();
    const server = await h.start({
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      framing: { mode: 'delimiter', delimiter: 'FF 00', keep: true },
    });
    const heard = listen(server.id);
    const client = startPythonProgram(
      [
        'import socket, time',
        `s = socket.create_connection(("127.0.0.1", ${server.port}))`,
        's.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)',
        'for part in (b"one\\xff", b"\\x00two\\xff\\x00thr", b"ee\\xff\\x00"):',
        '    s.sendall(part)',
        '    time.sleep(0.05)',
        's.close()',
      ].join('\n'),
    );
    await client.exited();
    await until(() => heard.length >= 3, 5000, 'three messages');
    expect(heard.map((m) => m.hex)).toEqual(['6F6E65FF00', '74776FFF00', '7468726565FF00']);
  });

  it('UDP: each datagram is a message, and with a framing chosen each peer is framed on its own', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const heard = listen(udp.id);
    const send = (lines: string[]) =>
      startPythonProgram(
        [
          'import socket, time',
          'a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
          'b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
          ...lines,
        ].join('\n'),
      ).exited();
    await send([`a.sendto(b"x\\ny", ("127.0.0.1", ${udp.port}))`, `a.sendto(b"z\\n", ("127.0.0.1", ${udp.port}))`]);
    await until(() => heard.length >= 2, 5000, 'two datagrams');
    expect(heard.map((m) => m.text)).toEqual(['x\ny', 'z\n']);

    await h.run({ type: 'session.framing', sessionId: udp.id, framing: { mode: 'line' } });
    heard.length = 0;
    await send([
      `a.sendto(b"one\\ntw", ("127.0.0.1", ${udp.port}))`,
      'time.sleep(0.05)',
      `b.sendto(b"other\\n", ("127.0.0.1", ${udp.port}))`,
      'time.sleep(0.05)',
      `a.sendto(b"o\\n", ("127.0.0.1", ${udp.port}))`,
    ]);
    await until(() => heard.length >= 3, 5000, 'three lines');
    expect(heard.map((m) => m.text)).toEqual(['one', 'other', 'two']);
    expect(heard[0].peer).toBe(heard[2].peer);
    expect(heard[1].peer).not.toBe(heard[0].peer);
  });

  it('idle gap: a message ends when the line has been quiet that long, even while the connection stays open', async () => {
    h = new Harness();
    const server = await h.start({
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      framing: { mode: 'idle-gap', gapMs: 300 },
    });
    const heard = listen(server.id);
    const client = startPythonProgram(
      [
        'import socket, time',
        `s = socket.create_connection(("127.0.0.1", ${server.port}))`,
        's.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)',
        's.sendall(b"ab")',
        'time.sleep(0.01)',
        's.sendall(b"c")',
        'time.sleep(1.2)',
        's.sendall(b"def")',
        'print("sent", flush=True)',
        'time.sleep(1.5)',
        's.close()',
      ].join('\n'),
    );
    await client.waitForLine(/^sent/);
    await until(() => heard.length >= 2, 5000, 'two messages');
    expect(heard.map((m) => [m.text, m.bad])).toEqual([
      ['abc', undefined],
      ['def', undefined],
    ]);
    await client.exited();
  });

  it('changing the framing while running: the partial message comes out marked incomplete, then the new framing cuts', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0, framing: { mode: 'line' } });
    const heard = listen(server.id);
    const client = startPythonProgram(
      [
        'import socket',
        `s = socket.create_connection(("127.0.0.1", ${server.port}))`,
        's.settimeout(10)',
        's.sendall(b"first\\npart")',
        '# Wait for the go-ahead before sending the rest.',
        's.recv(1)',
        's.sendall(b"xyzw")',
        's.recv(1)',
        's.close()',
      ].join('\n'),
    );
    await until(() => heard.length >= 1 && h.byteCount(server.id, 'rx') >= 10, 5000, 'a line and a partial one');
    const changed = await h.run({
      type: 'session.framing',
      sessionId: server.id,
      framing: { mode: 'fixed', length: 2 },
    });
    expect(changed.config.framing).toEqual({ mode: 'fixed', length: 2 });
    expect(heard.map((m) => [m.text, m.bad])).toEqual([
      ['first', undefined],
      ['part', 'incomplete: the stream ended 4 bytes into a message'],
    ]);
    await h.run({ type: 'send', sessionId: server.id, payload: { data: 'g' } });
    await until(() => heard.length >= 4, 5000, 'two fixed-size messages');
    expect(heard.slice(2).map((m) => m.text)).toEqual(['xy', 'zw']);
    await h.run({ type: 'send', sessionId: server.id, payload: { data: 'g' } });
    await client.exited();
  });

  it('a bad framing is refused in plain words and changes nothing', async () => {
    h = new Harness();
    const created = await h.run({ type: 'session.create', config: { kind: 'tcp-server', port: 0 } });
    const result = await h.engine.execute({
      type: 'session.framing',
      sessionId: created.sessionId,
      framing: { mode: 'delimiter', delimiter: '0D0' },
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'E_VALIDATION',
        message: expect.stringMatching(/^framing\.delimiter: The delimiter is not valid hex: Odd number/),
      },
    });
    const [info] = await h.run({ type: 'session.list' });
    expect(info.config.framing).toEqual({ mode: 'per-read' });
  });
});
