// Engine scenarios that need a different place to run: a network namespace of our own (multicast,
// unreachable networks) or an unprivileged user (privileged ports). isolated.test.ts bundles this into one
// script and runs it with node; it prints one JSON line.
import { Harness, sleep } from '../helpers/harness';

async function multicast() {
  const h = new Harness();
  const group = '239.1.2.3';
  const receiver = await h.start({
    kind: 'udp',
    host: '0.0.0.0',
    port: 0,
    multicastGroups: [{ group, iface: '127.0.0.1' }],
  });
  const sender = await h.start({ kind: 'udp', host: '127.0.0.1', port: 0, multicastTtl: 1, multicastLoopback: true });
  const [info] = (await h.run({ type: 'session.list' })).filter((s) => s.sessionId === receiver.id);
  await h.run({
    type: 'send',
    sessionId: sender.id,
    payload: { data: 'to the group' },
    target: { to: 'peer', host: group, port: receiver.port },
  });
  await h.waitForBytes(receiver.id, 'rx', 12, 3000);
  const first = h.bytes(receiver.id, 'rx').toString();
  const left = await h.engine.run({
    type: 'udp.multicast',
    sessionId: receiver.id,
    action: 'leave',
    group,
    iface: '127.0.0.1',
  });
  await h.run({
    type: 'send',
    sessionId: sender.id,
    payload: { data: 'after leave' },
    target: { to: 'peer', host: group, port: receiver.port },
  });
  await sleep(300);
  const afterLeave = h.bytes(receiver.id, 'rx').toString();
  const badJoin = await h.engine.run({
    type: 'udp.multicast',
    sessionId: receiver.id,
    action: 'join',
    group: '10.1.1.1',
  });
  await h.close();
  return { groupsAtStart: info.multicastGroups, first, left, afterLeave, badJoin };
}

async function unreachable() {
  const h = new Harness();
  const results: Record<string, unknown> = {};
  for (const host of ['10.9.9.9', '10.8.1.1']) {
    const created = await h.run({
      type: 'session.create',
      config: { kind: 'tcp-client', host, port: 80, connectTimeoutMs: 2000 },
    });
    const started = await h.engine.run({ type: 'session.start', sessionId: created.sessionId });
    results[host] = started.ok ? 'connected?!' : started.error;
  }
  await h.close();
  return results;
}

async function privileged() {
  const h = new Harness();
  const tcp = await h.run({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 80 } });
  const tcpStart = await h.engine.run({ type: 'session.start', sessionId: tcp.sessionId });
  const udp = await h.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: 53 } });
  const udpStart = await h.engine.run({ type: 'session.start', sessionId: udp.sessionId });
  await h.close();
  return {
    uid: process.getuid?.(),
    tcp: tcpStart.ok ? 'listening?!' : tcpStart.error,
    udp: udpStart.ok ? 'bound?!' : udpStart.error,
  };
}

/** A capture file in a folder this user may not write to (argv[3]: the folder). */
async function captureFileDenied() {
  const h = new Harness();
  const created = await h.run({ type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 } });
  const started = await h.engine.run({
    type: 'capture.file.start',
    sessionId: created.sessionId,
    path: `${process.argv[3]}/capture.bin`,
    format: 'raw',
  });
  await h.close();
  return { uid: process.getuid?.(), result: started };
}

const scenarios: Record<string, () => Promise<unknown>> = { multicast, unreachable, privileged, captureFileDenied };
const name = process.argv[2];
scenarios[name]()
  .then((result) => {
    process.stdout.write(JSON.stringify(result) + '\n');
    process.exit(0);
  })
  .catch((err) => {
    process.stdout.write(JSON.stringify({ crashed: String(err?.stack ?? err) }) + '\n');
    process.exit(1);
  });
