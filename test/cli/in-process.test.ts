import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/main';
import { Engine } from '../../engine/engine';
import { Harness } from '../helpers/harness';
import type { EngineEvent } from '../../shared/contract';

// main() with an engine the test can watch: the CLI is a face like any other, on the same engine API.

function captureIo(engine: Engine): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    createEngine: () => engine,
    onStopSignal: () => () => {},
  };
}

describe('main() in process', () => {
  it('answers a UDP datagram with --reply and reports both as NDJSON', async () => {
    const harness = new Harness();
    const engine = harness.engine;
    const io = captureIo(engine);
    const listening = harness.waitFor(
      (e): e is Extract<EngineEvent, { type: 'session.state' }> =>
        e.type === 'session.state' && e.session.state === 'listening',
    );
    const exit = main(['udp', '--bind', '127.0.0.1:0', '--reply-hex', '06', '--json', '--count', '1'], io);
    const port = Number(/:(\d+)$/.exec((await listening).session.local ?? '')?.[1]);

    const peer = createSocket('udp4');
    try {
      peer.bind(0, '127.0.0.1');
      await once(peer, 'listening');
      const answer = once(peer, 'message');
      peer.send(Buffer.from([0x02, 0x41, 0x03]), port, '127.0.0.1');
      const [message] = (await answer) as [Buffer];
      expect([...message]).toEqual([0x06]);
    } finally {
      peer.close();
    }

    expect(await exit).toBe(0);
    expect(io.errors).toEqual([]);
    const events = io.lines.map((line) => JSON.parse(line));
    expect(events.map((event) => event.event)).toEqual(['listening', 'data', 'sent']);
    expect(events[1]).toMatchObject({
      dir: 'rx',
      hex: '024103',
      bytes: 3,
      peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    expect(events[2]).toMatchObject({ dir: 'tx', hex: '06', peer: events[1].peer });
  });

  it('reports a failed start as exit 1 and one error, said once', async () => {
    const engine = new Engine({ statsIntervalMs: 0 });
    const blocker = new Engine({ statsIntervalMs: 0 });
    try {
      const created = await blocker.run({
        type: 'session.create',
        config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
      });
      if (!created.ok) throw new Error(created.error.message);
      const started = await blocker.run({ type: 'session.start', sessionId: created.value.sessionId });
      if (!started.ok) throw new Error(started.error.message);
      const port = /:(\d+)$/.exec(started.value.local ?? '')![1];

      const io = captureIo(engine);
      expect(await main(['tcp-server', '--host', '127.0.0.1', '--port', port, '--json'], io)).toBe(1);
      const errors = io.lines.map((line) => JSON.parse(line)).filter((event) => event.event === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'EADDRINUSE', message: expect.stringContaining('already in use') });
      expect(io.errors.join('\n')).toContain('already in use');
    } finally {
      await blocker.shutdown();
    }
  });
});
