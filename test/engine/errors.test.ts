import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { promises as dns } from 'node:dns';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { explainError, explainWithOwner, formatEndpoint } from '../../engine/errors';
import { findPortOwner } from '../../engine/port-owner';

// Real sockets on loopback only. Everything opened is closed in afterEach, and every wait is bounded.

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) {
    try {
      c();
    } catch {
      // already closed
    }
  }
});

function within<T>(p: Promise<T>, ms = 5000, what = 'operation'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

function serverOn(port: number, host = '127.0.0.1', onConn?: (s: net.Socket) => void): Promise<net.Server> {
  return within(
    new Promise((resolve, reject) => {
      const server = net.createServer(onConn);
      cleanups.push(() => server.close());
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    }),
    5000,
    'listen',
  );
}

/** The error a listen fails with. */
async function listenError(port: number, host = '127.0.0.1'): Promise<unknown> {
  try {
    await serverOn(port, host);
  } catch (e) {
    return e;
  }
  throw new Error(`listening on ${host}:${port} unexpectedly worked`);
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

/** A port nobody listens on: the system hands it out, and we close it again. */
async function closedPort(): Promise<number> {
  const server = await serverOn(0);
  const port = portOf(server);
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function connectError(options: net.NetConnectOpts): Promise<unknown> {
  return within(
    new Promise((resolve, reject) => {
      const socket = net.connect(options);
      cleanups.push(() => socket.destroy());
      socket.once('error', resolve);
      socket.once('connect', () => reject(new Error('connected unexpectedly')));
    }),
    5000,
    'connect',
  );
}

function udpSocket(type: 'udp4' | 'udp6' = 'udp4'): dgram.Socket {
  const s = dgram.createSocket(type);
  cleanups.push(() => s.close());
  return s;
}

function bindUdp(s: dgram.Socket, port: number, host: string): Promise<unknown> {
  return within(
    new Promise((resolve) => {
      s.once('error', resolve);
      s.bind(port, host, () => resolve(undefined));
    }),
    5000,
    'bind',
  );
}

describe('formatEndpoint', () => {
  it('brackets IPv6 and leaves names and IPv4 alone', () => {
    expect(formatEndpoint('127.0.0.1', 7890)).toBe('127.0.0.1:7890');
    expect(formatEndpoint('::1', 7890)).toBe('[::1]:7890');
    expect(formatEndpoint('fe80::1%eth0', 80)).toBe('[fe80::1%eth0]:80');
    expect(formatEndpoint('[::1]', 80)).toBe('[::1]:80');
    expect(formatEndpoint('localhost', 0)).toBe('localhost:0');
    expect(formatEndpoint('::1')).toBe('::1');
  });
});

describe('explainError with real sockets', () => {
  it('EADDRINUSE: listening twice on one port, and the owner is this process', async () => {
    const first = await serverOn(0);
    const port = portOf(first);
    const err = await listenError(port);
    const e = explainError(err, { op: 'listen', host: '127.0.0.1', port, protocol: 'TCP' });
    expect(e.code).toBe('EADDRINUSE');
    expect(e.message).toBe(`Port ${port} on 127.0.0.1 is already in use.`);
    expect(e.hint).toMatch(/Choose another port, or 0 to let the system pick one\./);
    expect(e).toMatchObject({ syscall: 'listen', address: '127.0.0.1', port });

    const owner = await within(findPortOwner(port, 'tcp'), 3000, 'findPortOwner');
    if (process.platform === 'linux' || process.platform === 'darwin') {
      expect(owner?.pid).toBe(process.pid);
      expect(owner?.command.length).toBeGreaterThan(0);
      expect(owner!.command.length).toBeLessThanOrEqual(80);
    }
    const withOwner = await within(
      explainWithOwner(err, { op: 'listen', host: '127.0.0.1', port, protocol: 'TCP' }),
      3000,
    );
    if (owner)
      expect(withOwner.message).toBe(
        `Port ${port} on 127.0.0.1 is already in use by this program (pid ${process.pid}).`,
      );
  });

  it('EADDRINUSE: names a python3 process holding the port', async () => {
    const child: ChildProcess = spawn(
      'python3',
      [
        '-c',
        'import os,socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], os.getpid(), flush=True); time.sleep(30)',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let pyPid = 0;
    // A launcher (pyenv's shim, say) may run python as a child of its own: kill both.
    cleanups.push(() => {
      if (pyPid) process.kill(pyPid);
    });
    cleanups.push(() => child.kill());
    const line = await within(
      new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.once('exit', (code) => reject(new Error(`python3 exited with ${code}`)));
      }),
      10_000,
      'python3 start',
    );
    const [port, pid] = line.split(' ').map(Number) as [number, number];
    pyPid = pid;

    const err = await listenError(port);
    const e = await within(explainWithOwner(err, { op: 'listen', host: '127.0.0.1', port, protocol: 'TCP' }), 3000);
    expect(e.code).toBe('EADDRINUSE');
    if (process.platform === 'linux' || process.platform === 'darwin') {
      expect(e.message).toContain('python3');
      expect(e.message).toContain(`(pid ${pid})`);
      expect(e.message).toBe(`Port ${port} on 127.0.0.1 is already in use by python3 (pid ${pid}).`);
      expect(e.hint).toContain('Stop python3');
    }
  });

  it('EADDRINUSE on a UDP bind, owner is this process', async () => {
    const a = udpSocket();
    expect(await bindUdp(a, 0, '127.0.0.1')).toBeUndefined();
    const port = a.address().port;
    const err = await bindUdp(udpSocket(), port, '127.0.0.1');
    const ctx = { op: 'bind', host: '127.0.0.1', port, protocol: 'UDP' } as const;
    const e = explainError(err, ctx);
    expect(e.code).toBe('EADDRINUSE');
    expect(e.message).toBe(`UDP port ${port} on 127.0.0.1 is already in use.`);
    expect(e.hint).toMatch(/address reuse/);
    if (process.platform === 'linux') {
      expect((await within(findPortOwner(port, 'udp'), 3000))?.pid).toBe(process.pid);
      expect((await within(explainWithOwner(err, ctx), 3000)).message).toContain(`pid ${process.pid}`);
    }
  });

  it('findPortOwner: nothing for a free port or an invalid one', async () => {
    const port = await closedPort();
    expect(await within(findPortOwner(port, 'tcp'), 3000)).toBeUndefined();
    expect(await findPortOwner(0, 'tcp')).toBeUndefined();
    expect(await findPortOwner(70_000, 'udp')).toBeUndefined();
    expect(await findPortOwner(1.5, 'tcp')).toBeUndefined();
  });

  it('ECONNREFUSED: connecting to a closed port', async () => {
    const port = await closedPort();
    const err = await connectError({ host: '127.0.0.1', port });
    const e = explainError(err, { op: 'connect', host: '127.0.0.1', port, protocol: 'TCP' });
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.message).toBe(`Nothing is listening on 127.0.0.1:${port}.`);
    expect(e.hint).toMatch(/Start the server first/);
    expect(e).toMatchObject({ syscall: 'connect', address: '127.0.0.1', port });
  });

  it('connecting to localhost:closedPort (default autoSelectFamily)', async () => {
    const port = await closedPort();
    const err = await connectError({ host: 'localhost', port });
    const e = explainError(err, { op: 'connect', host: 'localhost', port, protocol: 'TCP' });
    expect(e.message).toContain(`localhost:${port}`);
    if (err instanceof AggregateError) {
      expect(e.attempts).toHaveLength(err.errors.length);
      for (const [i, sub] of err.errors.entries())
        expect(e.attempts![i]!.address).toBe((sub as { address: string }).address);
    } else {
      expect(e.code).toBe('ECONNREFUSED');
      expect(e.attempts).toBeUndefined();
    }
  });

  it('AggregateError: one attempt per address (::1 and 127.0.0.1, forced)', async () => {
    const port = await closedPort();
    // Make "localhost" resolve to both loopback addresses, whatever /etc/hosts says.
    const lookup = ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      if (opts.all)
        cb(null, [
          { address: '::1', family: 6 },
          { address: '127.0.0.1', family: 4 },
        ]);
      else cb(null, '127.0.0.1', 4);
    }) as unknown as net.LookupFunction;
    const err = await connectError({ host: 'localhost', port, lookup, autoSelectFamily: true });
    const e = explainError(err, { op: 'connect', host: 'localhost', port, protocol: 'TCP' });
    expect(err).toBeInstanceOf(AggregateError);
    expect(e.attempts?.map((a) => a.address)).toEqual(['::1', '127.0.0.1']);
    expect(e.attempts?.map((a) => a.port)).toEqual([port, port]);
    expect(e.attempts![1]).toMatchObject({
      code: 'ECONNREFUSED',
      message: `Nothing is listening on 127.0.0.1:${port}.`,
    });
    if (e.attempts![0]!.code === 'ECONNREFUSED') {
      expect(e.code).toBe('ECONNREFUSED');
      expect(e.message).toBe(`Nothing is listening on localhost:${port} (tried ::1, 127.0.0.1).`);
      expect(e.attempts![0]!.message).toBe(`Nothing is listening on [::1]:${port}.`);
    } else {
      // No IPv6 loopback here: the refusal on IPv4 is what matters.
      expect(e.code).toBe('ECONNREFUSED');
      expect(e.message).toContain(`localhost:${port}`);
    }
  });

  it('ECONNRESET: a server that resets the connection', async () => {
    const server = await serverOn(0, '127.0.0.1', (s) => s.resetAndDestroy());
    const port = portOf(server);
    const err = await within(
      new Promise<unknown>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port });
        cleanups.push(() => socket.destroy());
        socket.on('error', resolve);
        socket.on('connect', () => socket.write('hello'));
      }),
      5000,
      'reset',
    );
    const e = explainError(err, { op: 'read', host: '127.0.0.1', port, protocol: 'TCP' });
    expect(e.code).toBe('ECONNRESET');
    expect(e.message).toBe(`The peer 127.0.0.1:${port} reset the connection (RST).`);
  });

  it('EADDRNOTAVAIL: binding UDP to an address that is not ours (TEST-NET-3 203.0.113.77)', async () => {
    const err = await bindUdp(udpSocket(), 0, '203.0.113.77');
    const e = explainError(err, { op: 'bind', host: '203.0.113.77', port: 0, protocol: 'UDP' });
    expect(e.code).toBe('EADDRNOTAVAIL');
    expect(e.message).toBe('203.0.113.77 is not an address of this computer.');
    expect(e.hint).toMatch(/0\.0\.0\.0/);
  });

  it('EADDRNOTAVAIL: listening on TCP at an address that is not ours', async () => {
    const err = await listenError(0, '203.0.113.77');
    const e = explainError(err, { op: 'listen', host: '203.0.113.77', port: 0, protocol: 'TCP' });
    expect(e.code).toBe('EADDRNOTAVAIL');
    expect(e.message).toBe('203.0.113.77 is not an address of this computer.');
  });

  it('EMSGSIZE: a UDP datagram of 65508 bytes to 127.0.0.1', async () => {
    const s = udpSocket();
    await bindUdp(s, 0, '127.0.0.1');
    const port = s.address().port;
    const size = 65_508;
    const err = await within(
      new Promise<unknown>((resolve) => s.send(new Uint8Array(size), port, '127.0.0.1', (e) => resolve(e))),
      5000,
      'send',
    );
    expect(err).toBeTruthy();
    const e = explainError(err, { op: 'send', host: '127.0.0.1', port, protocol: 'UDP', size });
    expect(e.code).toBe('EMSGSIZE');
    expect(e.message).toBe('The datagram is too large: 65508 bytes, at most 65507 on IPv4 (65527 on IPv6).');
    expect(e.syscall).toBe('send');
  });

  it('ENOTFOUND: resolving no-such-host.invalid', async () => {
    let err: unknown;
    try {
      await within(dns.lookup('no-such-host.invalid'), 10_000, 'lookup');
    } catch (e) {
      err = e;
    }
    const e = explainError(err, { op: 'resolve', host: 'no-such-host.invalid' });
    // Without any name server a machine answers "try again" instead; both must read well.
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(e.code);
    if (e.code === 'ENOTFOUND') {
      expect(e.message).toBe('The host name "no-such-host.invalid" could not be found.');
      expect(e.hint).toMatch(/spelling/);
    } else {
      expect(e.message).toContain('"no-such-host.invalid"');
    }
    // The name comes from the error itself when the context lacks it.
    expect(explainError(err, { op: 'connect', port: 80 }).message).toContain('"no-such-host.invalid"');
  });

  it('ERR_SOCKET_DGRAM_NOT_RUNNING: sending on a closed UDP socket', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => s.close(() => r()));
    let err: unknown;
    try {
      s.send(new Uint8Array(1), 9, '127.0.0.1');
    } catch (e) {
      err = e;
    }
    const e = explainError(err, { op: 'send', host: '127.0.0.1', port: 9, protocol: 'UDP' });
    expect(e.code).toBe('ERR_SOCKET_DGRAM_NOT_RUNNING');
    expect(e.message).toMatch(/UDP socket is not running/);
  });

  it('writing to a destroyed socket: the connection is already closed', async () => {
    const server = await serverOn(0);
    const socket = net.connect({ host: '127.0.0.1', port: portOf(server) });
    cleanups.push(() => socket.destroy());
    await within(new Promise((r) => socket.once('connect', r)), 5000);
    socket.destroy();
    const err = await within(new Promise<unknown>((r) => socket.write('x', (e) => r(e))), 5000);
    const e = explainError(err, { op: 'write', protocol: 'TCP' });
    expect(['ERR_STREAM_DESTROYED', 'ERR_SOCKET_CLOSED']).toContain(e.code);
    expect(e.message).toBe('The connection is already closed.');
  });
});

function osError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${String(extra.syscall ?? 'x')} ${code}`), { code, errno: -1, ...extra });
}

describe('explainError with synthetic errors', () => {
  it('EHOSTUNREACH and ENETUNREACH', () => {
    const h = explainError(osError('EHOSTUNREACH', { syscall: 'connect', address: '10.1.2.3', port: 80 }), {
      op: 'connect',
      host: '10.1.2.3',
      port: 80,
    });
    expect(h).toMatchObject({
      code: 'EHOSTUNREACH',
      message: 'No route to host 10.1.2.3.',
      syscall: 'connect',
      address: '10.1.2.3',
      port: 80,
    });
    expect(h.hint).toMatch(/cable.*VPN.*address/);
    const n = explainError(osError('ENETUNREACH'), { op: 'connect', host: '2001:db8::1', port: 80 });
    expect(n.message).toBe('The network of 2001:db8::1 is unreachable.');
    expect(n.hint).toMatch(/IPv6/);
    expect(explainError(osError('ENETUNREACH'), { op: 'send', host: '10.0.0.1', port: 9 }).hint).toMatch(/VPN/);
  });

  it('EACCES: privileged ports, reserved ports, broadcast, firewall', () => {
    const low = explainError(osError('EACCES', { syscall: 'listen' }), {
      op: 'listen',
      host: '0.0.0.0',
      port: 80,
      protocol: 'TCP',
    });
    expect(low.message).toMatch(/^Ports below 1024 are privileged on this system/);
    expect(low.message).toContain('port 80');
    expect(low.hint).toMatch(/1024 or above/);
    const high = explainError(osError('EACCES'), { op: 'listen', host: '0.0.0.0', port: 50_000 });
    expect(high.message).toBe('The system does not allow this program to use 0.0.0.0:50000.');
    const bcast = explainError(osError('EACCES', { syscall: 'send' }), {
      op: 'send',
      host: '255.255.255.255',
      port: 9,
      protocol: 'UDP',
    });
    expect(bcast.message).toBe('Sending to a broadcast address needs the Broadcast option.');
    expect(bcast.hint).toContain('255.255.255.255:9');
    const fw = explainError(osError('EPERM'), { op: 'send', host: '10.0.0.1', port: 9, protocol: 'UDP' });
    expect(fw.message).toBe('Sending to 10.0.0.1:9 was not permitted by the system.');
    expect(fw.hint).toMatch(/firewall/);
  });

  it('EMFILE, ENFILE, ENOBUFS, EPIPE, EINVAL', () => {
    expect(explainError(osError('EMFILE'), { op: 'listen' }).message).toMatch(/^Too many open files/);
    expect(explainError(osError('EMFILE'), { op: 'listen' }).hint).toMatch(/ulimit -n/);
    expect(explainError(osError('ENFILE'), { op: 'connect' }).message).toMatch(/^Too many open files/);
    expect(explainError(osError('ENOBUFS'), { op: 'send', host: '::1', port: 9 }).message).toBe(
      'The system ran out of buffer space while sending to [::1]:9.',
    );
    expect(explainError(osError('EPIPE', { syscall: 'write' }), { op: 'write', host: '::1', port: 7 }).message).toBe(
      'The connection to [::1]:7 is closed; the data could not be sent.',
    );
    const inval = explainError(osError('EINVAL', { syscall: 'bind' }), { op: 'bind', host: '::1', port: 5 });
    expect(inval.message).toBe('Binding to [::1]:5 failed: the system refused the arguments (bind EINVAL).');
    expect(inval.hint).toMatch(/IPv6/);
    expect(explainError(osError('EINVAL'), { op: 'multicast', host: '10.0.0.1' }).message).toBe(
      '10.0.0.1 cannot be joined as a multicast group.',
    );
  });

  it('ETIMEDOUT with and without the timeout', () => {
    expect(
      explainError(osError('ETIMEDOUT'), { op: 'connect', host: 'example.test', port: 7890, timeoutMs: 10_000 })
        .message,
    ).toBe('No answer from example.test:7890 within 10 s.');
    expect(explainError(osError('ETIMEDOUT'), { op: 'connect', host: '::1', port: 1, timeoutMs: 1500 }).message).toBe(
      'No answer from [::1]:1 within 1.5 s.',
    );
    expect(explainError(osError('ETIMEDOUT'), { op: 'connect', host: 'h', port: 1 }).message).toBe(
      'No answer from h:1.',
    );
    expect(explainError(osError('ETIMEDOUT'), { op: 'read', host: 'h', port: 1 }).message).toMatch(/stopped answering/);
  });

  it('DNS failures', () => {
    const again = explainError(osError('EAI_AGAIN', { syscall: 'getaddrinfo', hostname: 'example.test' }), {
      op: 'resolve',
    });
    expect(again.message).toBe(
      'The host name "example.test" could not be looked up right now (temporary DNS failure).',
    );
    expect(again.hint).toMatch(/Try again/);
    expect(explainError(osError('ENOTFOUND'), { op: 'resolve', host: 'x.test' }).message).toBe(
      'The host name "x.test" could not be found.',
    );
  });

  it('EMSGSIZE on IPv6, and without a known size', () => {
    expect(
      explainError(osError('EMSGSIZE'), { op: 'send', host: '::1', port: 9, protocol: 'UDP', size: 70_000 }).message,
    ).toBe('The datagram is too large: 70000 bytes, at most 65527 on IPv6.');
    expect(explainError(osError('EMSGSIZE'), { op: 'send', protocol: 'UDP' }).message).toBe(
      'The datagram is too large: at most 65507 on IPv4 (65527 on IPv6).',
    );
  });

  it('closed-connection codes', () => {
    for (const code of ['ERR_STREAM_DESTROYED', 'ERR_SOCKET_CLOSED']) {
      expect(explainError(osError(code), { op: 'write' })).toMatchObject({
        code,
        message: 'The connection is already closed.',
      });
    }
    expect(explainError(osError('ERR_STREAM_WRITE_AFTER_END'), { op: 'write' }).message).toMatch(/FIN/);
  });

  it('ECONNREFUSED on UDP, ECONNRESET during connect', () => {
    expect(
      explainError(osError('ECONNREFUSED'), { op: 'read', host: '127.0.0.1', port: 9, protocol: 'UDP' }).message,
    ).toMatch(/^Nothing is listening on UDP 127\.0\.0\.1:9/);
    expect(explainError(osError('ECONNRESET'), { op: 'connect', host: 'h', port: 1 }).message).toBe(
      'The connection to h:1 was reset (RST) before it was established.',
    );
    expect(explainError(osError('ECONNRESET'), { op: 'read' }).message).toBe('The peer reset the connection (RST).');
  });

  it('EADDRINUSE without host or port still reads well', () => {
    expect(explainError(osError('EADDRINUSE'), { op: 'listen' }).message).toBe('The port is already in use.');
    expect(explainError(osError('EADDRINUSE'), { op: 'connect', host: 'h', port: 1 }).message).toBe(
      'The local address for connecting to h:1 is already in use.',
    );
  });

  it('unknown codes keep the OS message; errors without a code; non-Error values', () => {
    const unknown = explainError(osError('EWEIRD', { syscall: 'connect' }), {
      op: 'connect',
      host: '127.0.0.1',
      port: 5,
    });
    expect(unknown).toMatchObject({
      code: 'EWEIRD',
      message: 'Connecting to 127.0.0.1:5 failed: connect EWEIRD.',
      syscall: 'connect',
    });
    expect(explainError(new Error('socket hang up'), { op: 'read', host: 'h', port: 1 })).toEqual({
      code: 'E_INTERNAL',
      message: 'Receiving from h:1 failed: socket hang up.',
      key: 'os-failed',
      params: { op: 'op.read.at', ep: 'h:1', host: 'h', osText: 'socket hang up' },
    });
    expect(explainError('boom', { op: 'send' })).toEqual({
      code: 'E_INTERNAL',
      message: 'Sending failed: boom.',
      key: 'os-failed',
      params: { op: 'op.send', osText: 'boom' },
    });
    expect(explainError(42, { op: 'listen', port: 1 }).message).toBe('Listening on port 1 failed: 42.');
    expect(explainError(null, { op: 'bind' }).message).toBe('Binding failed: null.');
    expect(explainError(undefined, { op: 'resolve', host: 'a' }).message).toBe('Looking up "a" failed: undefined.');
    expect(explainError({}, { op: 'connect' }).message).toBe('Connecting failed.');
    expect(explainError({ code: 'ECONNREFUSED' }, { op: 'connect', host: 'h', port: 2 }).message).toBe(
      'Nothing is listening on h:2.',
    );
    expect(explainError(Symbol('s'), { op: 'write' }).message).toBe('Writing failed: Symbol(s).');
    expect(explainError(Object.create(null), { op: 'write' }).message).toBe('Writing failed.');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(explainError(hostile, { op: 'connect' }).code).toBe('E_INTERNAL');
  });

  it('AggregateError with mixed codes leads with the most telling one', () => {
    const err = new AggregateError([
      osError('ENETUNREACH', { syscall: 'connect', address: '2001:db8::5', port: 80 }),
      osError('ECONNREFUSED', { syscall: 'connect', address: '192.0.2.5', port: 80 }),
    ]);
    const e = explainError(err, { op: 'connect', host: 'example.test', port: 80 });
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.message).toBe(
      'Could not connect to example.test:80 on any of its 2 addresses: The network of 2001:db8::5 is unreachable. Nothing is listening on 192.0.2.5:80.',
    );
    expect(e.attempts).toEqual([
      { code: 'ENETUNREACH', address: '2001:db8::5', port: 80, message: 'The network of 2001:db8::5 is unreachable.' },
      { code: 'ECONNREFUSED', address: '192.0.2.5', port: 80, message: 'Nothing is listening on 192.0.2.5:80.' },
    ]);
    expect(e.hint).toMatch(/Start the server first/);
  });

  it('AggregateError where every attempt timed out', () => {
    const err = Object.assign(
      new AggregateError([
        osError('ETIMEDOUT', { address: '::1', port: 81 }),
        osError('ETIMEDOUT', { address: '127.0.0.1', port: 81 }),
      ]),
      { code: 'ETIMEDOUT' },
    );
    const e = explainError(err, { op: 'connect', host: 'localhost', port: 81, timeoutMs: 2000 });
    expect(e.code).toBe('ETIMEDOUT');
    expect(e.message).toBe('No answer from localhost:81 within 2 s (tried ::1, 127.0.0.1).');
    expect(e.address).toBeUndefined();
  });
});
