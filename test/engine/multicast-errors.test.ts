import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../helpers/harness';
import { startPythonProgram, stopAll } from '../helpers/processes';

// Issue 12: a failed multicast join named the group as the missing interface ("No network interface
// has the address 239.1.2.3"). Each message now names the interface address and the group in their
// own roles, and the hint says what to do.

let h: Harness;
afterEach(async () => {
  await h?.close();
  await stopAll();
});

const GROUP = '239.77.1.2';

/** A TEST-NET-3 address (RFC 5737): documentation only, never configured on a real interface. */
function addressThisMachineLacks(): string {
  const mine = new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((entry) => entry?.address),
  );
  const candidate = ['203.0.113.77', '203.0.113.78', '198.51.100.77'].find((address) => !mine.has(address));
  if (!candidate) throw new Error('every documentation address is configured here');
  return candidate;
}

async function joinError(group: string, iface: string | undefined, host = '127.0.0.1') {
  const udp = await h.start({ kind: 'udp', host, port: 0 });
  const result = await h.engine.run({ type: 'udp.multicast', sessionId: udp.id, action: 'join', group, iface });
  if (result.ok) throw new Error(`joining ${group} on ${iface} unexpectedly worked`);
  return result.error;
}

describe('multicast errors name the right address', () => {
  it('an interface address this machine lacks is named as the interface, with the group it was for', async () => {
    h = new Harness();
    const missing = addressThisMachineLacks();
    const error = await joinError(GROUP, missing, '0.0.0.0');
    expect(error.message).toBe(
      `Could not join the multicast group ${GROUP} on the interface ${missing}: no network interface of this computer has the address ${missing}.`,
    );
    expect(error.message).not.toContain(`has the address ${GROUP}`);
    expect(error.hint).toMatch(/one of this computer’s network interfaces.*leave the interface empty/);
  });

  it('a group that is not multicast is named as such', async () => {
    h = new Harness();
    const error = await joinError('10.0.0.1', undefined);
    expect(error.message).toBe('Could not join the multicast group 10.0.0.1: 10.0.0.1 is not a multicast address.');
    expect(error.hint).toMatch(/224\.0\.0\.0 to 239\.255\.255\.255/);
  });

  it('an IPv6 interface address for an IPv4 group names both versions', async () => {
    h = new Harness();
    const error = await joinError(GROUP, '::1');
    expect(error.message).toBe(
      `Could not join the multicast group ${GROUP} on the interface ::1: the interface address ::1 is IPv6 and the group ${GROUP} is IPv4.`,
    );
    expect(error.hint).toMatch(/IPv4 interface address/);
  });

  it('an IPv6 group on an IPv4 session says to bind an IPv6 address', async () => {
    h = new Harness();
    const error = await joinError('ff02::1:3', undefined);
    expect(error.message).toContain('ff02::1:3 is an IPv6 group and this session’s socket is IPv4');
    expect(error.hint).toMatch(/Bind the session to an IPv6 address/);
  });

  it('joining twice, and leaving a group never joined, say so; a join on 127.0.0.1 receives a python sender', async () => {
    h = new Harness();
    const udp = await h.start({ kind: 'udp', host: '0.0.0.0', port: 0 });
    const join = {
      type: 'udp.multicast',
      sessionId: udp.id,
      action: 'join',
      group: GROUP,
      iface: '127.0.0.1',
    } as const;
    expect(await h.run(join)).toEqual({ groups: [`${GROUP}@127.0.0.1`] });

    const again = await h.engine.run(join);
    expect(!again.ok && again.error.message).toBe(
      `Could not join the multicast group ${GROUP} on the interface 127.0.0.1: this session has already joined it on that interface.`,
    );
    const leaveOther = await h.engine.run({ ...join, action: 'leave', group: '239.77.1.3' });
    expect(!leaveOther.ok && leaveOther.error.message).toBe(
      'Could not leave the multicast group 239.77.1.3 on the interface 127.0.0.1: this session has not joined it on that interface.',
    );

    // The join really works: a tutorial sender multicasting through the loopback interface is heard.
    const sender = startPythonProgram(
      [
        'import socket',
        's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
        "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('127.0.0.1'))",
        's.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)',
        `s.sendto(b'to the group', ('${GROUP}', ${udp.port}))`,
        "print('sent', flush=True)",
      ].join('\n'),
    );
    await sender.exited(10_000);
    expect((await h.waitForBytes(udp.id, 'rx', 12)).toString()).toBe('to the group');
  });
});
