import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RxMessage } from '../../shared/contract';
import { readCaptureFile } from '../../shared/contract/capture-file';
import { Harness, until } from '../helpers/harness';
import { startPythonProgram, stopAll } from '../helpers/processes';

// Received datagrams are recorded through one reused set of fields (Session.recordDatagram): each record, the
// capture file and every message listener must still get that datagram's own bytes, sender and time, however
// many datagrams follow it.

let h: Harness;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sockpit-udp-record-'));
});
afterEach(async () => {
  await h?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('UDP datagrams as records', () => {
  it('the store, the capture file and a message listener each get every datagram with its own bytes and sender', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const file = path.join(dir, 'datagrams.spcap');
    const started = await h.engine.run({
      type: 'capture.file.start',
      sessionId: udp.id,
      path: file,
      format: 'records',
    });
    expect(started.ok).toBe(true);
    const heard: Array<{ peer: string; hex: string }> = [];
    h.engine.onMessage(udp.id, (message: RxMessage) => {
      heard.push({ peer: message.peer, hex: Buffer.from(message.bytes).toString('hex') });
    });

    const sender = startPythonProgram(
      [
        'import socket',
        'a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
        'b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
        'a.bind(("127.0.0.1", 0))',
        'b.bind(("127.0.0.1", 0))',
        'print("ports", a.getsockname()[1], b.getsockname()[1], flush=True)',
        `a.sendto(b"first", ("127.0.0.1", ${udp.port}))`,
        `b.sendto(bytes(range(256)) * 5 + b"\\x00" * 120, ("127.0.0.1", ${udp.port}))`,
        `a.sendto(b"\\xff" * 1400, ("127.0.0.1", ${udp.port}))`,
        `b.sendto(b"last", ("127.0.0.1", ${udp.port}))`,
      ].join('\n'),
    );
    const [, portA, portB] = await sender.waitForLine(/^ports (\d+) (\d+)/);
    await sender.exited();
    await until(() => heard.length >= 4, 5000, 'four datagrams heard');

    const expected = [
      { peer: `127.0.0.1:${portA}`, hex: Buffer.from('first').toString('hex') },
      {
        peer: `127.0.0.1:${portB}`,
        hex:
          Buffer.concat([...Array(5)].map(() => Buffer.from([...Array(256).keys()]))).toString('hex') +
          '00'.repeat(120),
      },
      { peer: `127.0.0.1:${portA}`, hex: 'ff'.repeat(1400) },
      { peer: `127.0.0.1:${portB}`, hex: Buffer.from('last').toString('hex') },
    ];
    expect(heard).toEqual(expected);

    const records = h.records(udp.id).filter((r) => r.dir === 'rx');
    expect(records.map((r) => ({ peer: r.peer, hex: Buffer.from(r.bytes).toString('hex') }))).toEqual(expected);
    expect(records.every((r) => r.connectionId === null)).toBe(true);
    // Each datagram has its own stamp, in arrival order.
    for (let i = 1; i < records.length; i++) expect(records[i].monoUs).toBeGreaterThanOrEqual(records[i - 1].monoUs);

    const stopped = await h.run({ type: 'capture.file.stop', sessionId: udp.id });
    expect(stopped).toMatchObject({ state: 'closed', records: 4, droppedRecords: 0 });
    const read = readCaptureFile(readFileSync(file));
    if (!read.ok) throw new Error(read.error.message);
    expect(
      read.value.records.map((r) => ({ peer: r.peer, hex: Buffer.from(r.bytes).toString('hex'), dir: r.dir })),
    ).toEqual(expected.map((e) => ({ ...e, dir: 'rx' })));
    expect(read.value.records.map((r) => r.monoUs)).toEqual(records.map((r) => r.monoUs));

    const stats = await h.run({ type: 'stats.get', sessionId: udp.id });
    expect(stats.counters).toMatchObject({ packetsIn: 4, bytesIn: 5 + 1400 + 1400 + 4 });
  });
});
