import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../shared/contract';
import { Harness } from '../helpers/harness';
import { startPeer, startPeerOnFreePort, stopAll, type Child } from '../helpers/processes';

// Fault 4 of issue 12: Reset right after Disconnect or Half-close used to leave the socket open forever
// (Node's reset fails with EINVAL once a FIN is pending), so Stop and shutdown waited forever and a
// descriptor leaked each time.

type Closed = Extract<EngineEvent, { type: 'connection.closed' }>;
type Opened = Extract<EngineEvent, { type: 'connection.opened' }>;
const isOpened = (e: EngineEvent): e is Opened => e.type === 'connection.opened';
const isClosed = (e: EngineEvent): e is Closed => e.type === 'connection.closed';

/** Open descriptors of this process; only Linux shows them this way. */
const openDescriptors = (): number | undefined =>
  process.platform === 'linux' ? readdirSync('/proc/self/fd').length : undefined;

/** What a person sees after pressing Stop: the session stops, or after this long it clearly did not. */
const STOP_PATIENCE_MS = 6000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await stopAll();
});

async function stopWithin(sessionId: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('still stopping'), STOP_PATIENCE_MS);
  });
  const stopped = h!.engine
    .execute({ type: 'session.stop', sessionId })
    .then((result) => (result.ok ? 'stopped' : `failed: ${result.error.message}`));
  try {
    return await Promise.race([stopped, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

type FirstClose = 'Disconnect' | 'Half-close';

async function closeThenReset(sessionId: string, connectionId: string, first: FirstClose): Promise<void> {
  const engine = h!.engine;
  // Back to back, the way two quick clicks arrive: nothing in between lets the FIN go out first.
  const firstResult =
    first === 'Disconnect'
      ? await engine.execute({ type: 'connection.close', sessionId, connectionIds: [connectionId] })
      : await engine.execute({ type: 'connection.halfClose', sessionId, connectionId });
  const reset = await engine.execute({
    type: 'connection.close',
    sessionId,
    connectionIds: [connectionId],
    reset: true,
  });
  expect(firstResult.ok).toBe(true);
  expect(reset.ok).toBe(true);
}

async function expectClosedOnceAndStopped(
  sessionId: string,
  connectionId: string,
  peer: Child,
  reason: Closed['reason'],
): Promise<void> {
  const closed = await h!.waitFor((e): e is Closed => isClosed(e) && e.connection.connectionId === connectionId);
  expect(closed.connection.state).toBe('closed');
  // Closed by the user, not by an error: the failed reset used to surface as EINVAL.
  expect(closed.reason).toBe(reason);
  expect(closed.error).toBeUndefined();
  expect(await stopWithin(sessionId)).toBe('stopped');
  // The python peer sees the connection end and exits on its own.
  await peer.exited(10_000);
  const closedEvents = h!.events.filter((e) => isClosed(e) && e.connection.connectionId === connectionId);
  expect(closedEvents).toHaveLength(1);
  const listed = await h!.run({ type: 'connection.list', sessionId });
  expect(listed.filter((c) => c.state !== 'closed')).toEqual([]);
}

describe.each<FirstClose>(['Disconnect', 'Half-close'])('%s then Reset, back to back', (first) => {
  it('on a TCP client session against a python echo server: closed once, Stop ends, no descriptor leaks', async () => {
    const before = openDescriptors();
    h = new Harness();
    const { peer, port } = await startPeerOnFreePort('tcp_echo_server.py');
    const client = await h.start({ kind: 'tcp-client', host: '127.0.0.1', port });
    const opened = await h.waitFor(isOpened);
    await peer.waitForLine(/client connected/);

    await closeThenReset(client.id, opened.connection.connectionId, first);
    await expectClosedOnceAndStopped(client.id, opened.connection.connectionId, peer, 'local-closed');

    await h.close();
    h = undefined;
    if (before !== undefined) expect(openDescriptors()).toBeLessThanOrEqual(before);
  });

  it("on a TCP server's connection from a python client: closed once, Stop ends, no descriptor leaks", async () => {
    const before = openDescriptors();
    h = new Harness();
    const server = await h.start({ kind: 'tcp-server', host: '127.0.0.1', port: 0 });
    const peer = startPeer('listen_tcp_client.py', ['127.0.0.1', server.port, 10]);
    const opened = await h.waitFor(isOpened, 10_000);
    await peer.waitForLine(/connected/);

    await closeThenReset(server.id, opened.connection.connectionId, first);
    await expectClosedOnceAndStopped(server.id, opened.connection.connectionId, peer, 'kicked');

    await h.close();
    h = undefined;
    if (before !== undefined) expect(openDescriptors()).toBeLessThanOrEqual(before);
  });
});
