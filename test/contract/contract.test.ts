import { describe, expect, it } from 'vitest';
import { CaptureRecord, EngineEvent, hostProblem, parseCommand, SessionConfig } from '../../shared/contract';

describe('host field', () => {
  it.each([
    '127.0.0.1',
    '0.0.0.0',
    '::',
    '::1',
    'fe80::1%eth0',
    '2001:db8::8a2e:370:7334',
    '::ffff:192.0.2.1',
    'localhost',
    'plc-01.factory.local',
    'device_7',
  ])('accepts %s', (host) => expect(hostProblem(host)).toBeUndefined());
  it.each([
    ['', 'empty'],
    ['256.1.1.1', 'not a valid IPv4'],
    ['1.2.3', 'not a valid IPv4'],
    ['1:2:3', 'not a valid IPv6'],
    ['fe80::1%', 'not a valid IPv6'],
    ['a b', 'space'],
    ['-bad-.com', 'not a valid host name'],
    ['x'.repeat(254), '253'],
  ])('refuses %j (%s)', (host, why) => expect(hostProblem(host)).toContain(why));
});

describe('commands', () => {
  it('fills defaults a person would expect', () => {
    const parsed = SessionConfig.parse({ kind: 'tcp-client', host: '127.0.0.1', port: 7890 });
    expect(parsed).toMatchObject({
      connectTimeoutMs: 10_000,
      mode: 'long',
      noDelay: true,
      captureCapBytes: 64 * 1024 * 1024,
    });
    const server = SessionConfig.parse({ kind: 'tcp-server', port: 0 });
    expect(server).toMatchObject({ host: '0.0.0.0', allowHalfOpen: false });
  });

  it('names the field and the problem, in words', () => {
    const result = parseCommand({ type: 'send', sessionId: 's1', payload: { data: 'x', encoding: 'klingon' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    if (!result.ok) expect(result.error.message).toMatch(/^payload\.encoding: The encoding must be one of: utf-8, gbk/);
    const unknown = parseCommand({ type: 'session.explode' });
    expect(unknown.ok).toBe(false);
  });
});

describe('events', () => {
  const record = {
    seq: 1,
    sessionId: 's1',
    connectionId: null,
    dir: 'rx',
    wallUs: 1,
    monoUs: 1,
    peer: '127.0.0.1:1',
    bytes: Uint8Array.of(1),
  };
  it('accepts a well-formed record and rejects one whose bytes are not bytes', () => {
    expect(CaptureRecord.safeParse(record).success).toBe(true);
    expect(CaptureRecord.safeParse({ ...record, bytes: '01' }).success).toBe(false);
    expect(CaptureRecord.safeParse({ ...record, dir: 'sideways' }).success).toBe(false);
  });

  it('has no record event: records leave the engine through the capture only, and travel packed in batches', () => {
    expect(EngineEvent.safeParse({ type: 'record', record }).success).toBe(false);
    expect(EngineEvent.safeParse({ type: 'no-such-event' }).success).toBe(false);
  });
});
