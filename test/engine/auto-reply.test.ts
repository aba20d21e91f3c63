import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, RuleSetInput } from '../../shared/contract';
import { Harness, until } from '../helpers/harness';
import { startPeer, stopAll } from '../helpers/processes';

// Auto-reply rules on real sockets: python3 clients ask, the engine's rules answer to the connection or
// UDP sender each message came from, and every answer is a tx record like any send.

let h: Harness;
afterEach(async () => {
  await h?.close();
  await stopAll();
});

type RulesCounters = Extract<EngineEvent, { type: 'rules.counters' }>;
type ErrorEvent = Extract<EngineEvent, { type: 'error' }>;

const GET_RULE = {
  name: 'get',
  when: { kind: 'regex', pattern: '^GET (\\S+)' },
  reply: { data: 'VALUE {1}', lineEnding: 'lf' },
} as const;

async function serverWithRules(rules: RuleSetInput) {
  const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
  await h.run({ type: 'rules.set', sessionId: server.id, rules });
  return server;
}

function answers(stdout: string): string[] {
  return stdout.trim().split('\n');
}

describe('auto-reply rules on a TCP server', () => {
  it('answers all six messages of two connections with the capture filled in, and counts them', async () => {
    h = new Harness();
    const server = await serverWithRules({ version: 1, rules: [GET_RULE] });
    const client = startPeer('ask_tcp_client.py', ['127.0.0.1', server.port, 2, 1, 'GET temp', 'GET 湿度', 'GET rpm']);
    const done = await client.exited();
    expect(done.code, client.stderr()).toBe(0);
    expect(answers(client.stdout())).toEqual([
      "conn 1 asked 'GET temp' got 'VALUE temp'",
      "conn 2 asked 'GET temp' got 'VALUE temp'",
      "conn 1 asked 'GET 湿度' got 'VALUE 湿度'",
      "conn 2 asked 'GET 湿度' got 'VALUE 湿度'",
      "conn 1 asked 'GET rpm' got 'VALUE rpm'",
      "conn 2 asked 'GET rpm' got 'VALUE rpm'",
    ]);
    // Each answer is a tx record on the connection that asked, after the question.
    const records = h.records(server.id);
    const tx = records.filter((r) => r.dir === 'tx');
    expect(tx.map((r) => Buffer.from(r.bytes).toString())).toHaveLength(6);
    for (const answer of tx) {
      const question = records.find((r) => r.dir === 'rx' && r.connectionId === answer.connectionId);
      expect(question!.seq).toBeLessThan(answer.seq);
    }
    const state = await h.run({ type: 'rules.get', sessionId: server.id });
    expect(state.counters).toEqual([{ name: 'get', fired: 6, failed: 0, lastFiredAt: expect.any(Number) }]);
    await h.waitFor((e): e is RulesCounters => e.type === 'rules.counters' && e.counters[0]?.fired === 6);
    const reset = await h.run({ type: 'rules.counters.reset', sessionId: server.id });
    expect(reset.counters).toEqual([{ name: 'get', fired: 0, failed: 0, lastFiredAt: null }]);
  });

  it('answers a Modbus RTU read with a fixed response and its CRC, whatever register is asked', async () => {
    h = new Harness();
    const server = await serverWithRules({
      version: 1,
      rules: [
        {
          name: 'read holding register',
          when: { kind: 'hex', pattern: '01 03 ?? ?? 00 01' },
          reply: { mode: 'hex', data: '01 03 02 00 2A', checksum: 'crc16-modbus' },
        },
      ],
    });
    for (const register of [107, 4000]) {
      const master = startPeer('modbus_rtu_master.py', ['127.0.0.1', server.port, 1, register]);
      const done = await master.exited();
      expect(done.code, master.stdout()).toBe(0);
      expect(master.stdout()).toContain('response hex: 010302002a399b');
      expect(master.stdout()).toContain('unit 1 function 3 count 2 value 42 crc ok');
    }
    // Another unit's request is not ours to answer.
    const other = startPeer('modbus_rtu_master.py', ['127.0.0.1', server.port, 2, 107, 0.5]);
    await other.exited();
    expect(other.stdout()).toContain('response hex: \n');
  });

  it('with "first" only the first matching rule answers; with "all" every one does, in order', async () => {
    h = new Harness();
    const rules = [
      { name: 'greeting', when: { kind: 'startsWith', text: 'hello' }, reply: { data: 'hi', lineEnding: 'lf' } },
      { name: 'anything', when: { kind: 'contains', text: 'o' }, reply: { data: 'seen', lineEnding: 'lf' } },
    ] as const;
    const server = await serverWithRules({ version: 1, match: 'first', rules: [...rules] });
    const first = startPeer('ask_tcp_client.py', ['127.0.0.1', server.port, 1, 1, 'hello', 'world']);
    await first.exited();
    expect(answers(first.stdout())).toEqual(["conn 1 asked 'hello' got 'hi'", "conn 1 asked 'world' got 'seen'"]);

    await h.run({ type: 'rules.set', sessionId: server.id, rules: { version: 1, match: 'all', rules: [...rules] } });
    const all = startPeer('ask_tcp_client.py', ['127.0.0.1', server.port, 1, 2, 'hello']);
    await all.exited();
    expect(answers(all.stdout())).toEqual(["conn 1 asked 'hello' got 'hi'", "conn 1 asked 'hello' got 'seen'"]);
    // The counts of rules that kept their name carried over the change of set.
    const state = await h.run({ type: 'rules.get', sessionId: server.id });
    expect(state.counters.map((c) => [c.name, c.fired])).toEqual([
      ['greeting', 2],
      ['anything', 2],
    ]);
  });

  it('skips disabled rules and sends a delayed reply after an immediate one', async () => {
    h = new Harness();
    const server = await serverWithRules({
      version: 1,
      match: 'all',
      rules: [
        { name: 'off', enabled: false, when: { kind: 'exact', text: 'ping' }, reply: { data: 'disabled!\n' } },
        {
          name: 'late',
          when: { kind: 'exact', text: 'ping' },
          reply: { data: 'late\\n', escapes: true },
          delayMs: 300,
        },
        { name: 'early', when: { kind: 'exact', text: 'ping' }, reply: { data: 'early', lineEnding: 'lf' } },
      ],
    });
    const client = startPeer('ask_tcp_client.py', ['127.0.0.1', server.port, 1, 2, 'ping']);
    await client.exited();
    expect(answers(client.stdout())).toEqual(["conn 1 asked 'ping' got 'early'", "conn 1 asked 'ping' got 'late'"]);
    const state = await h.run({ type: 'rules.get', sessionId: server.id });
    expect(state.counters.map((c) => c.fired)).toEqual([0, 1, 1]);
  });

  it('never answers our own sends', async () => {
    h = new Harness();
    const server = await serverWithRules({
      version: 1,
      rules: [{ name: 'ping', when: { kind: 'contains', text: 'PING' }, reply: { data: 'PONG' } }],
    });
    const client = startPeer('listen_tcp_client.py', ['127.0.0.1', server.port, 1]);
    await client.waitForLine(/connected/);
    await h.waitFor((e) => e.type === 'connection.opened');
    await h.run({ type: 'send', sessionId: server.id, payload: { data: 'PING' } });
    await client.exited();
    expect(client.stdout()).toContain("received 'PING'");
    const state = await h.run({ type: 'rules.get', sessionId: server.id });
    expect(state.counters[0].fired).toBe(0);
    expect(h.records(server.id).map((r) => r.dir)).toEqual(['tx']);
  });

  it('reports, in words, a reply to a client that already left, and counts it as failed', async () => {
    h = new Harness();
    const server = await serverWithRules({
      version: 1,
      rules: [{ name: 'slow', when: { kind: 'exact', text: 'bye' }, reply: { data: 'too late' }, delayMs: 400 }],
    });
    const client = startPeer('ask_and_leave_client.py', ['127.0.0.1', server.port, 'bye']);
    await client.exited();
    const error = await h.waitFor((e): e is ErrorEvent => e.type === 'error', 5000);
    expect(error.error.message).toMatch(
      /^Rule "slow" could not reply to 127\.0\.0\.1:\d+: The connection .* is closed\./,
    );
    await until(() => h.records(server.id).some((r) => r.dir === 'rx'));
    const state = await h.run({ type: 'rules.get', sessionId: server.id });
    expect(state.counters[0]).toMatchObject({ fired: 1, failed: 1 });
    expect(h.records(server.id).filter((r) => r.dir === 'tx')).toHaveLength(0);
  });

  it('refuses a bad regex or a bad hex pattern, naming the rule, and keeps the rules it had', async () => {
    h = new Harness();
    const server = await serverWithRules({ version: 1, rules: [GET_RULE] });
    const badRegex = await h.engine.run({
      type: 'rules.set',
      sessionId: server.id,
      rules: {
        version: 1,
        rules: [{ name: 'broken', when: { kind: 'regex', pattern: 'GET (' }, reply: { data: 'x' } }],
      },
    });
    expect(badRegex.ok).toBe(false);
    if (!badRegex.ok) {
      expect(badRegex.error.message).toContain(
        'rules.rules[0].when.pattern: Rule "broken": The regex /GET (/ is not valid',
      );
    }
    const badHex = await h.engine.run({
      type: 'rules.set',
      sessionId: server.id,
      rules: {
        version: 1,
        rules: [{ name: 'modbus', when: { kind: 'hex', pattern: '01 0G ??' }, reply: { data: 'x' } }],
      },
    });
    expect(badHex.ok).toBe(false);
    if (!badHex.ok) expect(badHex.error.message).toContain('Rule "modbus": "0G" in "0G" is not a byte');
    const missingGroup = await h.engine.run({
      type: 'rules.set',
      sessionId: server.id,
      rules: { version: 1, rules: [{ ...GET_RULE, reply: { data: 'VALUE {2}' } }] },
    });
    expect(missingGroup.ok).toBe(false);
    if (!missingGroup.ok) expect(missingGroup.error.message).toContain('the reply uses {2}, but its regex has only 1');
    const state = await h.run({ type: 'rules.get', sessionId: server.id });
    expect(state.set.rules.map((r) => r.name)).toEqual(['get']);
  });
});

describe('rules.try', () => {
  it("answers from the session's rules without a peer and sends nothing", async () => {
    h = new Harness();
    const server = await serverWithRules({ version: 1, rules: [GET_RULE] });
    const tried = await h.run({ type: 'rules.try', sessionId: server.id, message: { data: 'GET 温度' } });
    expect(tried.answers).toEqual([
      {
        index: 0,
        name: 'get',
        delayMs: 0,
        hex: '56 41 4C 55 45 20 E6 B8 A9 E5 BA A6 0A',
        text: 'VALUE 温度\n',
        bytes: 13,
      },
    ]);
    const none = await h.run({ type: 'rules.try', sessionId: server.id, message: { mode: 'hex', data: '00 01' } });
    expect(none.answers).toEqual([]);
    const nothing = await h.engine.run({ type: 'rules.try', message: { data: 'GET x' } });
    expect(nothing.ok ? 'answered' : nothing.error.message).toBe(
      'Give the rules to try, or the session whose rules to try.',
    );
    expect(h.records(server.id)).toHaveLength(0);
  });
});

describe('auto-reply under a flood', () => {
  it('skips, in words and counted, once a peer that does not read has 8 MiB of replies waiting', async () => {
    h = new Harness({ keepRecords: false });
    const server = await serverWithRules({
      version: 1,
      rules: [{ name: 'big', when: { kind: 'contains', text: 'A' }, reply: { data: 'x'.repeat(60_000) } }],
    });
    const mib = 16;
    const peer = startPeer('never_reading_client.py', ['127.0.0.1', server.port, mib]);
    const done = await peer.exited(60_000);
    expect(done.code, done.stderr).toBe(0);
    const skipping = await h.waitFor((e): e is ErrorEvent => e.type === 'error' && e.error.code === 'E_REPLY_SKIPPED');
    expect(skipping.error.message).toMatch(/^Auto-reply is skipping messages: \d+ replies are still waiting/);
    const state = await h.run({ type: 'rules.get', sessionId: server.id });
    expect(state.skipped).toBeGreaterThan(0);
    const stats = await h.run({ type: 'stats.get', sessionId: server.id });
    // Everything sent was received; what went back is exactly the answers counted, 60,000 bytes each.
    expect(stats.counters.bytesIn).toBe(mib * 1024 * 1024);
    expect(stats.counters.bytesOut).toBe(state.counters[0].fired * 60_000);
    expect(done.stdout).toContain(`got back ${stats.counters.bytesOut} bytes`);
  });
});

describe('auto-reply rules on UDP', () => {
  it('answers each datagram to the host and port it came from', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    await h.run({ type: 'rules.set', sessionId: udp.id, rules: { version: 1, rules: [GET_RULE] } });
    const client = startPeer('ask_udp_client.py', ['127.0.0.1', udp.port, 'GET a', 'GET b']);
    await client.exited();
    const myPort = /my port (\d+)/.exec(client.stdout())![1];
    expect(client.stdout()).toContain(`from port ${udp.port} got 'VALUE a\\n'`);
    expect(client.stdout()).toContain(`from port ${udp.port} got 'VALUE b\\n'`);
    const tx = h.records(udp.id).filter((r) => r.dir === 'tx');
    expect(tx.map((r) => r.peer)).toEqual([`127.0.0.1:${myPort}`, `127.0.0.1:${myPort}`]);
  });

  it('does not answer a datagram the session sent to itself', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0 });
    await h.run({ type: 'rules.set', sessionId: udp.id, rules: { version: 1, rules: [GET_RULE] } });
    await h.run({
      type: 'send',
      sessionId: udp.id,
      payload: { data: 'GET self' },
      target: { to: 'peer', host: '127.0.0.1', port: udp.port },
    });
    await until(() => h.records(udp.id).some((r) => r.dir === 'rx'));
    const state = await h.run({ type: 'rules.get', sessionId: udp.id });
    expect(state.counters[0].fired).toBe(0);
    expect(h.records(udp.id).map((r) => r.dir)).toEqual(['tx', 'rx']);
  });
});
