import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeText } from '../../shared/codec/text';
import type { CaptureRecord, EngineEvent, SessionInfo } from '../../shared/contract';
import { BatchRecordCursor, BatchWriter, decodeBatch } from '../../shared/contract/batch';
import {
  captureFileHeader,
  readCaptureFile,
  writeRecordHead,
  writeRecordTrailer,
  CAPTURE_RECORD_HEAD_BYTES,
} from '../../shared/contract/capture-file';
import { encodingCode, encodingFromCode } from '../../shared/contract/record-encoding';
import { ENCODINGS } from '../../shared/codec/options';
import { startTestBridge, TabClient } from '../bridge/helpers';
import { Harness } from '../helpers/harness';
import { startPeerOnFreePort, stopAll } from '../helpers/processes';

// A text send's tx records remember the encoding the text was encoded in, so a view can show our own GBK
// message as 您好 while it decodes what arrives as UTF-8. Peers are tutorial-style python servers.

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopAll();
});

const GBK_HELLO = Buffer.from('c4fabac3', 'hex'); // 您好 in GBK

function harness(): Harness {
  const h = new Harness();
  cleanups.push(() => h.close());
  return h;
}

/** A TCP client session connected to the python server that expects GBK and answers "收到: …" in UTF-8. */
async function clientToGbkServer(h: Harness): Promise<string> {
  const { port } = await startPeerOnFreePort('gbk_tcp_server.py');
  const client = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port });
  await h.waitFor((e) => e.type === 'connection.opened');
  return client.id;
}

describe('tx records keep the encoding of a text send', () => {
  it('a GBK text send is recorded with encoding gbk, the reply without one; capture.read returns both', async () => {
    const h = harness();
    const id = await clientToGbkServer(h);
    const sent = await h.run({ type: 'send', sessionId: id, payload: { data: '您好', encoding: 'gbk' } });
    expect(sent.bytes).toBe(4);
    // The server decodes GBK and answers in UTF-8: its reply proves the bytes on the wire were GBK.
    const reply = await h.waitForBytes(id, 'rx', Buffer.byteLength('收到: 您好'));
    expect(reply.toString('utf8')).toBe('收到: 您好');

    const tx = h.records(id).filter((r) => r.dir === 'tx');
    expect(tx).toHaveLength(1);
    expect(Buffer.from(tx[0].bytes).equals(GBK_HELLO)).toBe(true);
    expect(tx[0].encoding).toBe('gbk');
    expect(
      h
        .records(id)
        .filter((r) => r.dir === 'rx')
        .every((r) => r.encoding === undefined),
    ).toBe(true);

    const read = await h.run({ type: 'capture.read', sessionId: id, fromSeq: 0 });
    const byDir = (dir: 'rx' | 'tx') => read.records.filter((r) => r.dir === dir);
    expect(byDir('tx').map((r) => r.encoding)).toEqual(['gbk']);
    expect(decodeText(byDir('tx')[0].bytes, 'gbk')).toBe('您好');
    expect(byDir('rx').every((r) => r.encoding === undefined)).toBe(true);
  });

  it('a hex send carries no encoding; a UDP text send carries its own', async () => {
    const h = harness();
    const { port } = await startPeerOnFreePort('udp_echo_server.py');
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const target = { to: 'peer' as const, host: '127.0.0.1', port };
    await h.run({ type: 'send', sessionId: udp.id, payload: { mode: 'hex', data: 'C4 FA BA C3' }, target });
    // The server answers "ACK " and what it got.
    await h.waitForBytes(udp.id, 'rx', 4 + 4);
    await h.run({ type: 'send', sessionId: udp.id, payload: { data: 'こんにちは', encoding: 'shift_jis' }, target });
    await h.waitForBytes(udp.id, 'rx', 8 + 4 + 10);
    const tx = h.records(udp.id).filter((r) => r.dir === 'tx');
    expect(tx.map((r) => r.encoding)).toEqual([undefined, 'shift_jis']);
    expect(decodeText(tx[1].bytes, 'shift_jis')).toBe('こんにちは');
  });

  it('the encoding survives a batch: the cursor reads it back for tx records, none for rx', () => {
    const writer = new BatchWriter(1);
    writer.beginSession('s1', 0);
    const base = { sessionId: 's1', connectionId: 'c1', wallUs: 1, monoUs: 1, peer: '127.0.0.1:9' };
    const records: CaptureRecord[] = [
      { ...base, seq: 1, dir: 'tx', bytes: GBK_HELLO, encoding: 'gbk' },
      { ...base, seq: 2, dir: 'rx', bytes: GBK_HELLO },
      { ...base, seq: 3, dir: 'tx', bytes: Uint8Array.of(1, 2) },
      ...ENCODINGS.map((encoding, i) => ({ ...base, seq: 4 + i, dir: 'tx' as const, bytes: GBK_HELLO, encoding })),
    ];
    for (const record of records) writer.addRecord(record);
    const decoded = decodeBatch(writer.finish());
    expect(decoded).toBeDefined();
    const cursor = new BatchRecordCursor(decoded!);
    const seen: Array<[string, string | undefined]> = [];
    while (cursor.next()) seen.push([cursor.dir, cursor.encoding]);
    expect(seen).toEqual(records.map((r) => [r.dir, r.encoding]));
  });

  it('a batch whose record claims an encoding this build does not know, or an rx record with one, is refused whole', () => {
    const writer = new BatchWriter(1);
    writer.beginSession('s1', 0);
    writer.addRecord({
      sessionId: 's1',
      connectionId: null,
      wallUs: 1,
      monoUs: 1,
      peer: 'p',
      seq: 1,
      dir: 'tx',
      bytes: GBK_HELLO,
    });
    const bytes = writer.finish();
    const dirAt = bytes.byteLength - GBK_HELLO.byteLength - 1;
    bytes[dirAt] = 1 | ((ENCODINGS.length + 1) << 1);
    expect(decodeBatch(bytes)).toBeUndefined();
    bytes[dirAt] = encodingCode('gbk') << 1; // an rx record naming an encoding
    expect(decodeBatch(bytes)).toBeUndefined();
    bytes[dirAt] = 1 | (encodingCode('gbk') << 1);
    expect(decodeBatch(bytes)).toBeDefined();
  });

  it('the encoding reaches a tab through the bridge in its binary batches', async () => {
    const t = await startTestBridge();
    cleanups.push(() => t.close());
    const tab = await TabClient.open(t.port, t.token, { origin: t.origin });
    cleanups.push(() => tab.close().catch(() => undefined));
    const { port } = await startPeerOnFreePort('gbk_tcp_server.py');
    const created = await tab.ok<SessionInfo>({
      type: 'session.create',
      config: { kind: 'tcp-client', host: '127.0.0.1', port },
    });
    await tab.ok({ type: 'session.start', sessionId: created.sessionId });
    await tab.until(() => tab.events.some((e: EngineEvent) => e.type === 'connection.opened') || undefined);
    await tab.ok({ type: 'send', sessionId: created.sessionId, payload: { data: '您好', encoding: 'gbk' } });
    const records = await tab.until(() => {
      const all = tab.batches.recordsOf(created.sessionId);
      return all.some((r) => r.dir === 'rx') ? all : undefined;
    });
    const tx = records.filter((r) => r.dir === 'tx');
    expect(tx).toHaveLength(1);
    expect(tx[0].encoding).toBe('gbk');
    expect(tx[0].bytes.equals(GBK_HELLO)).toBe(true);
    expect(records.filter((r) => r.dir === 'rx').every((r) => r.encoding === undefined)).toBe(true);
  });
});

describe('records capture files keep the encoding', () => {
  it('a text send round-trips through a records file; a hex send and the reply read back without one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sockpit-tx-encoding-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'records.spcap');
    const h = harness();
    const { port } = await startPeerOnFreePort('udp_echo_server.py');
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    const started = await h.run({ type: 'capture.file.start', sessionId: udp.id, path: file, format: 'records' });
    expect(started.state).toBe('writing');
    const target = { to: 'peer' as const, host: '127.0.0.1', port };
    await h.run({ type: 'send', sessionId: udp.id, payload: { data: '您好', encoding: 'gbk' }, target });
    // The server answers "ACK " and what it got.
    await h.waitForBytes(udp.id, 'rx', 4 + 4);
    await h.run({ type: 'send', sessionId: udp.id, payload: { mode: 'hex', data: '00 FF' }, target });
    await h.waitForBytes(udp.id, 'rx', 8 + 4 + 2);
    const stopped = await h.run({ type: 'capture.file.stop', sessionId: udp.id });
    expect(stopped.state).toBe('closed');
    const read = readCaptureFile(readFileSync(file));
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.records.map((r) => [r.dir, r.encoding])).toEqual([
      ['tx', 'gbk'],
      ['rx', undefined],
      ['tx', undefined],
      ['rx', undefined],
    ]);
    expect(Buffer.from(read.value.records[0].bytes).equals(GBK_HELLO)).toBe(true);
  });

  it('a file written before records kept an encoding (a zero byte there) still reads, every record without one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sockpit-tx-encoding-old-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const peer = Buffer.from('127.0.0.1:7');
    const record = new Uint8Array(CAPTURE_RECORD_HEAD_BYTES + peer.byteLength + GBK_HELLO.byteLength + 4);
    const view = new DataView(record.buffer);
    // The version-1 writer of before: no encoding in the fields, so byte 33 is 0.
    const length = writeRecordHead(view, 0, { seq: 1, wallUs: 5, monoUs: 6, dir: 'tx' }, 0, peer.byteLength, 4);
    expect(record[33]).toBe(0);
    record.set(peer, CAPTURE_RECORD_HEAD_BYTES);
    record.set(GBK_HELLO, CAPTURE_RECORD_HEAD_BYTES + peer.byteLength);
    writeRecordTrailer(view, length - 4, length);
    const file = path.join(dir, 'old.spcap');
    writeFileSync(file, Buffer.concat([captureFileHeader(), record]));
    const read = readCaptureFile(readFileSync(file));
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.records).toHaveLength(1);
    expect(read.value.records[0]).toMatchObject({ seq: 1, dir: 'tx', peer: '127.0.0.1:7' });
    expect(read.value.records[0].encoding).toBeUndefined();
  });

  it('encoding codes are stable: 0 is none and each encoding maps to itself and back', () => {
    expect(encodingCode(undefined)).toBe(0);
    expect(encodingFromCode(0)).toBeUndefined();
    for (const encoding of ENCODINGS) expect(encodingFromCode(encodingCode(encoding))).toBe(encoding);
    // Files written today hold these numbers: the first encodings must never move.
    expect(encodingCode('utf-8')).toBe(1);
    expect(encodingCode('gbk')).toBe(2);
    expect(encodingFromCode(ENCODINGS.length + 1)).toBeUndefined();
  });
});
