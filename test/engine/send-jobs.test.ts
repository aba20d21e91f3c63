import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, SendJobInfo } from '../../shared/contract';
import { Harness } from '../helpers/harness';
import { startPeer, stopAll, type Child } from '../helpers/processes';

let h: Harness;
afterEach(async () => {
  await h?.close();
  await stopAll();
});

type JobEvent = Extract<EngineEvent, { type: 'send.job' }>;
const finished =
  (jobId: string) =>
  (e: EngineEvent): e is JobEvent =>
    e.type === 'send.job' && e.job.jobId === jobId && e.job.state === 'finished';

/** Every recv the tutorial server printed, as hex. */
function recvs(peer: Child): string[] {
  return peer
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('recv '))
    .map((line) => line.slice(5));
}

async function peerOnFreePort(script: string, args: Array<string | number> = []) {
  const peer = startPeer(script, [0, ...args]);
  const port = Number((await peer.waitForLine(/listening on port (\d+)/))[1]);
  return { peer, port };
}

async function clientTo(port: number, extra: Record<string, unknown> = {}) {
  const client = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port, ...extra });
  return client.id;
}

describe('repeat', () => {
  it('sends N times with the counter counting, then finishes as done', async () => {
    h = new Harness();
    const { peer, port } = await peerOnFreePort('recv_print_server.py');
    const id = await clientTo(port);
    const job = await h.run({
      type: 'send.repeat',
      sessionId: id,
      payload: { mode: 'hex', data: '{counter}', fields: { counter: { start: 1, width: 1 } } },
      intervalMs: 30,
      times: 5,
    });
    const end = await h.waitFor(finished(job.jobId));
    expect(end.job).toMatchObject({ end: 'done', sent: 5, failures: 0 });
    await h.run({ type: 'session.stop', sessionId: id });
    await peer.waitForLine(/^done/);
    expect(recvs(peer).join('')).toBe('0102030405');
  });

  it('runs until stopped and sends nothing after send.stop', async () => {
    h = new Harness();
    const { peer, port } = await peerOnFreePort('recv_print_server.py');
    const id = await clientTo(port);
    const job = await h.run({ type: 'send.repeat', sessionId: id, payload: { data: 'x' }, intervalMs: 10 });
    expect(job).toMatchObject({ state: 'running', times: 'forever' });
    await h.waitForBytes(id, 'tx', 5);
    // Progress comes as send.job events while it runs: how many went out and when the next is due.
    const progress = (await h.waitFor(
      (e) => e.type === 'send.job' && e.job.jobId === job.jobId && e.job.sent >= 2 && e.job.state === 'running',
    )) as JobEvent;
    expect(progress.job.nextDueAt).toBeGreaterThan(progress.job.startedAt);
    // A second job on the same session runs beside it, and both are listed.
    const other = await h.run({ type: 'send.repeat', sessionId: id, payload: { data: 'y' }, intervalMs: 1000 });
    expect((await h.run({ type: 'send.jobs', sessionId: id })).map((j) => j.jobId)).toEqual([job.jobId, other.jobId]);
    await h.run({ type: 'send.stop', sessionId: id, jobId: other.jobId });
    expect(await h.run({ type: 'send.stop', sessionId: id, jobId: job.jobId })).toEqual({ stopped: 1 });
    const end = await h.waitFor(finished(job.jobId));
    expect(end.job.end).toBe('stopped');
    const sentAtStop = h.byteCount(id, 'tx');
    expect(sentAtStop).toBe(end.job.sent + 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.byteCount(id, 'tx')).toBe(sentAtStop);
    expect(await h.run({ type: 'send.jobs', sessionId: id })).toEqual([]);
    await h.run({ type: 'session.stop', sessionId: id });
    await peer.waitForLine(/^done/);
    expect(recvs(peer).join('').length / 2).toBe(sentAtStop);
  });

  it('ends every job when the engine shuts down', async () => {
    h = new Harness();
    const { port } = await peerOnFreePort('recv_print_server.py');
    const id = await clientTo(port);
    const job = await h.run({ type: 'send.repeat', sessionId: id, payload: { data: 'z' }, intervalMs: 5 });
    await h.engine.shutdown();
    expect((await h.waitFor(finished(job.jobId))).job.end).toBe('engine-shutdown');
  });

  it('ends with a reason when the server hangs up, and when the session stops', async () => {
    h = new Harness();
    const { port } = await peerOnFreePort('recv_print_server.py', ['--close-after', 1]);
    const first = await h.run({
      type: 'send.repeat',
      sessionId: await clientTo(port),
      payload: { data: 'ping\n' },
      intervalMs: 50,
    });
    // The tutorial server leaves after its first recv: the connection goes, so does the job.
    const gone = await h.waitFor(finished(first.jobId));
    expect(gone.job.end).toBe('connection-closed');

    const { port: port2 } = await peerOnFreePort('recv_print_server.py');
    const id = await clientTo(port2);
    const second = await h.run({ type: 'send.repeat', sessionId: id, payload: { data: 'p' }, intervalMs: 20 });
    await h.run({ type: 'session.stop', sessionId: id });
    expect((await h.waitFor(finished(second.jobId))).job.end).toBe('session-stopped');
  }, 20_000);

  it('stops after failed sends in a row, with the error a person reads', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const refused = await h.engine.run({
      type: 'send.repeat',
      sessionId: server.id,
      payload: { data: 'hi' },
      intervalMs: 10,
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toBe('No client is connected, so there is no one to send to.');

    const reader = startPeer('greeting_reader_client.py', ['127.0.0.1', server.port]);
    await h.waitFor((e) => e.type === 'connection.opened');
    const job = await h.run({
      type: 'send.repeat',
      sessionId: server.id,
      payload: { data: 'hi' },
      intervalMs: 20,
      maxFailures: 2,
    });
    await reader.exited();
    const end = await h.waitFor(finished(job.jobId));
    expect(end.job.end).toBe('send-failed');
    expect(end.job.endError?.message).toBe('No client is connected, so there is no one to send to.');
  });

  it('refuses 0 ms and 25 hours in plain words', async () => {
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    for (const [intervalMs, words] of [
      [0, 'intervalMs: The interval must be at least 1 ms.'],
      [25 * 3600 * 1000, 'intervalMs: The interval must be at most 24 hours (86400000 ms).'],
    ] as const) {
      const result = await h.engine.execute({
        type: 'send.repeat',
        sessionId: server.id,
        payload: { data: 'x' },
        intervalMs,
      });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toBe(words);
    }
  });
});

describe('sequence', () => {
  it('waits for each reply from a python echo server before the next step', async () => {
    h = new Harness();
    const { port } = await peerOnFreePort('slow_echo_server.py');
    const id = await clientTo(port);
    const job = await h.run({
      type: 'send.sequence',
      sessionId: id,
      steps: [
        { payload: { data: 'A' }, waitReplyMs: 3000 },
        { payload: { data: 'B' }, waitReplyMs: 3000, delayMs: 20 },
      ],
      times: 2,
    });
    const end = await h.waitFor(finished(job.jobId), 10_000);
    expect(end.job).toMatchObject({ end: 'done', sent: 4 });
    const order = h
      .records(id)
      .map((r) => `${r.dir}:${Buffer.from(r.bytes).toString()}`)
      .join(' ');
    // Without the wait, all four sends would leave before the first echo comes back after 100 ms.
    expect(order).toBe('tx:A rx:A tx:B rx:B tx:A rx:A tx:B rx:B');
  });

  it('refuses a step it could never send, naming the step', async () => {
    h = new Harness();
    const { port } = await peerOnFreePort('recv_print_server.py');
    const id = await clientTo(port);
    const result = await h.engine.run({
      type: 'send.sequence',
      sessionId: id,
      steps: [{ payload: { data: 'ok' } }, { payload: { mode: 'hex', data: '0G' } }],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^Step 2: /);
    expect(h.byteCount(id, 'tx')).toBe(0);
  });
});

describe('greeting', () => {
  it('greets the server on every connect, reconnects included', async () => {
    h = new Harness();
    // It hangs up on each client after reading its first words: the client reconnects and greets again.
    const { peer: two, port } = await peerOnFreePort('greeted_server.py', [2]);
    await clientTo(port, {
      greeting: { data: 'HELLO {counter}', fields: { counter: { format: 'text', start: 1 } } },
      reconnect: { intervalMs: 100, maxAttempts: 5 },
    });
    await two.waitForLine(/^first words 2 HELLO 2$/);
    expect(two.stdout()).toContain('first words 1 HELLO 1');
  });

  it('greets every client a server accepts, and reports a greeting that cannot be made', async () => {
    h = new Harness();
    const server = await h.start({
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      greeting: { mode: 'hex', data: 'AA 55 {len}', fields: { length: { counts: 'message' } } },
    });
    for (let n = 0; n < 2; n++) {
      const reader = startPeer('greeting_reader_client.py', ['127.0.0.1', server.port]);
      await reader.waitForLine(/^greeted with aa5503$/);
      await reader.exited();
    }
    const bad = await h.engine.run({
      type: 'session.create',
      config: { kind: 'tcp-server', port: 0, greeting: { data: 'hi {nope}' } },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toBe('The greeting: Unknown placeholder {nope} at character 4.');
  });
});

describe('send-time fields in the engine', () => {
  it('advances the counter once per send, previews without advancing, and restarts with the session', async () => {
    h = new Harness();
    const { peer, port } = await peerOnFreePort('recv_print_server.py');
    const id = await clientTo(port);
    const payload = {
      mode: 'hex' as const,
      data: '{counter}',
      fields: { counter: { start: 0xfffe, width: 2 as const, format: 'le' as const } },
    };
    expect(await h.run({ type: 'send.preview', sessionId: id, payload })).toEqual({
      hex: 'FE FF',
      bytes: 2,
      counter: 0xfffe,
    });
    await h.run({ type: 'send', sessionId: id, payload });
    expect((await h.run({ type: 'send.preview', sessionId: id, payload })).hex).toBe('FF FF');
    await h.run({ type: 'send', sessionId: id, payload });
    await h.run({ type: 'send', sessionId: id, payload });
    expect((await h.run({ type: 'send.preview', sessionId: id, payload })).hex).toBe('01 00');
    // New settings start the counter again.
    await h.run({ type: 'send', sessionId: id, payload: { ...payload, fields: { counter: { start: 7 } } } });
    await h.run({ type: 'send', sessionId: id, payload });
    await h.run({ type: 'send', sessionId: id, payload });
    expect((await h.run({ type: 'send.preview', sessionId: id, payload })).hex).toBe('00 00');
    await h.waitForBytes(id, 'tx', 11);
    expect(h.bytes(id, 'tx').toString('hex')).toBe('feffffff000007feffffff');
    await h.run({ type: 'session.stop', sessionId: id });
    await peer.waitForLine(/^done/);
    expect(recvs(peer).join('')).toBe('feffffff000007feffffff');
    // A new start (it fails: the tutorial server has gone) begins the counter again.
    await h.engine.run({ type: 'session.start', sessionId: id });
    expect((await h.run({ type: 'send.preview', sessionId: id, payload })).hex).toBe('FE FF');
  });

  it('a bad placeholder sends nothing and says where it is', async () => {
    h = new Harness();
    const { port } = await peerOnFreePort('recv_print_server.py');
    const id = await clientTo(port);
    const result = await h.engine.run({ type: 'send', sessionId: id, payload: { data: 'T={tmie}' } });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatchObject({
        code: 'E_PLACEHOLDER',
        position: 2,
        message: 'Unknown placeholder {tmie} at character 3.',
      });
    expect(h.byteCount(id, 'tx')).toBe(0);
  });
});

// Keeps the type import used when the file is read alone.
export type { SendJobInfo };
