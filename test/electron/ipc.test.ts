import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isTrustedSenderFrame,
  registerIpc,
  type FrameLike,
  type IpcMainLike,
  type SenderEventLike,
} from '../../electron/ipc';
import { Engine } from '../../engine/engine';
import { Command, type EngineEvent, type SessionInfo } from '../../shared/contract';
import { IPC_CHANNELS } from '../../shared/contract/wire';
import type { Result } from '../../shared/result';

type Listener<E> = (event: E, ...args: unknown[]) => unknown;

/**
 * ipcMain as the registrar sees it, plus `invoke` and `send` to play the renderer; refuses double registration like
 * Electron.
 */
class FakeIpcMain<E> implements IpcMainLike<E> {
  readonly handlers = new Map<string, Listener<E>>();
  readonly listeners = new Map<string, Set<Listener<E>>>();
  handle(channel: string, listener: Listener<E>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener<E>): this {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return this;
  }
  removeListener(channel: string, listener: Listener<E>): this {
    this.listeners.get(channel)?.delete(listener);
    if (this.listeners.get(channel)?.size === 0) this.listeners.delete(channel);
    return this;
  }
  /** ipcRenderer.send: every listener runs; nothing is answered. */
  send(channel: string, event: E, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(event, ...args);
  }
  async invoke(channel: string, event: E, ...args: unknown[]): Promise<Result<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return (await handler(event, ...args)) as Result<unknown>;
  }
}

const MAIN_FRAME: FrameLike = { url: 'app://bundle/index.html' };
const trusted: SenderEventLike = { senderFrame: MAIN_FRAME };

/** Sockets, servers and timers the process holds; a refused command must not add any. */
function handles(): string[] {
  return process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout' && kind !== 'Immediate');
}

let engine: Engine;
let ipc: FakeIpcMain<SenderEventLike>;
let events: EngineEvent[];
let acks: number[];
const ack = (batchId: number) => acks.push(batchId);
let dispose: () => void;

beforeEach(() => {
  engine = new Engine({ statsIntervalMs: 0 });
  events = [];
  acks = [];
  engine.subscribe((event) => events.push(event));
  ipc = new FakeIpcMain();
  dispose = registerIpc({
    ipcMain: ipc,
    engine,
    isTrustedSender: (event) => isTrustedSenderFrame(event, MAIN_FRAME),
    ack,
  });
});
afterEach(async () => {
  dispose();
  await engine.shutdown();
});

async function sessionsInEngine(): Promise<SessionInfo[]> {
  const listed = await engine.execute({ type: 'session.list' });
  if (!listed.ok) throw new Error(listed.error.message);
  return listed.value as SessionInfo[];
}

describe('isTrustedSenderFrame', () => {
  it('trusts only our window main frame showing app://bundle', () => {
    expect(isTrustedSenderFrame(trusted, MAIN_FRAME)).toBe(true);
  });

  it.each<[string, SenderEventLike, FrameLike | null | undefined]>([
    ['senderFrame null (navigated away or destroyed)', { senderFrame: null }, MAIN_FRAME],
    ['another frame with the same URL (an iframe, a popup)', { senderFrame: { url: MAIN_FRAME.url } }, MAIN_FRAME],
    ['no main frame to compare with', trusted, null],
    ['no main frame to compare with (undefined)', trusted, undefined],
  ])('refuses: %s', (_label, event, mainFrame) => {
    expect(isTrustedSenderFrame(event, mainFrame)).toBe(false);
  });

  it.each([
    'https://example.org/',
    'app://bundle.evil.com/index.html',
    'app://bundle@evil/index.html',
    'app://evil/index.html',
    'app://bundle:81/index.html',
    'file:///work/main/out/renderer/index.html',
    'about:blank',
    'data:text/html,x',
    'devtools://devtools/bundled/inspector.html',
    '',
    'not a url',
  ])('refuses our main frame once it shows %s', (url) => {
    const frame = { url };
    expect(isTrustedSenderFrame({ senderFrame: frame }, frame)).toBe(false);
  });

  it('refuses, not throws, when Electron getters throw on a destroyed frame', () => {
    const dead = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(isTrustedSenderFrame({ senderFrame: dead }, dead)).toBe(false);
    const event = {
      get senderFrame(): FrameLike | null {
        throw new Error('Object has been destroyed');
      },
    };
    expect(isTrustedSenderFrame(event, MAIN_FRAME)).toBe(false);
  });
});

describe('registerIpc', () => {
  it('registers exactly the execute handler and the ack listener, and the dispose function removes both', () => {
    expect([...ipc.handlers.keys()]).toEqual([IPC_CHANNELS.execute]);
    expect([...ipc.listeners.keys()]).toEqual([IPC_CHANNELS.ack]);
    // The batch channel is main → renderer only: nothing answers or listens to a renderer that uses it.
    expect(ipc.handlers.has(IPC_CHANNELS.batch) || ipc.listeners.has(IPC_CHANNELS.batch)).toBe(false);
    dispose();
    expect(ipc.handlers.size + ipc.listeners.size).toBe(0);
    dispose = registerIpc({ ipcMain: ipc, engine, isTrustedSender: () => true, ack });
    expect([...ipc.handlers.keys()]).toEqual([IPC_CHANNELS.execute]);
    expect([...ipc.listeners.keys()]).toEqual([IPC_CHANNELS.ack]);
  });

  it('passes a trusted acknowledgement with a batch id to the stream, and nothing else', () => {
    ipc.send(IPC_CHANNELS.ack, trusted, 1);
    ipc.send(IPC_CHANNELS.ack, trusted, 7);
    for (const junk of [
      0,
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 60,
      '3',
      null,
      undefined,
      { batchId: 3 },
      [3],
      3n,
    ])
      ipc.send(IPC_CHANNELS.ack, trusted, junk);
    expect(acks).toEqual([1, 7]);
  });

  it('passes on exactly the acknowledgements whose id is a safe integer ≥ 1 (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.integer(), fc.double()), (raw) => {
        acks = [];
        ipc.send(IPC_CHANNELS.ack, trusted, raw);
        const valid = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 1;
        expect(acks).toEqual(valid ? [raw] : []);
      }),
      { numRuns: 500 },
    );
  });

  it('forwards a trusted command to the engine and answers with its envelope', async () => {
    const created = await ipc.invoke(IPC_CHANNELS.execute, trusted, {
      type: 'session.create',
      config: { kind: 'udp', host: '127.0.0.1', port: 0 },
    });
    expect(created).toMatchObject({ ok: true, value: { sessionId: 's1', state: 'idle' } });
    expect(await sessionsInEngine()).toHaveLength(1);
  });

  it('answers E_INTERNAL, never a rejection, when the router throws or rejects', async () => {
    dispose();
    const router = {
      execute: (raw: unknown): Promise<Result<unknown>> => {
        if (raw === 'sync') throw new Error('thrown before any promise');
        return Promise.reject(new Error('boom'));
      },
    };
    dispose = registerIpc({ ipcMain: ipc, engine: router, isTrustedSender: () => true, ack });
    await expect(ipc.invoke(IPC_CHANNELS.execute, trusted, 'sync')).resolves.toMatchObject({
      ok: false,
      error: { code: 'E_INTERNAL' },
    });
    await expect(ipc.invoke(IPC_CHANNELS.execute, trusted, 'async')).resolves.toMatchObject({
      ok: false,
      error: { code: 'E_INTERNAL', message: expect.stringContaining('boom') },
    });
  });

  it('answers E_SENDER when the sender check itself throws', async () => {
    dispose();
    dispose = registerIpc<SenderEventLike>({
      ipcMain: ipc,
      engine,
      isTrustedSender: () => {
        throw new Error('Object has been destroyed');
      },
      ack,
    });
    await expect(ipc.invoke(IPC_CHANNELS.execute, trusted, { type: 'session.list' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'E_SENDER' },
    });
    ipc.send(IPC_CHANNELS.ack, trusted, 1);
    expect(acks).toEqual([]);
  });
});

describe('R-IPC-SENDER: commands from anything but our main frame are refused with no side effects', () => {
  const iframe: FrameLike = { url: 'app://bundle/index.html' };
  // Our own main frame, after something navigated it elsewhere: the frame matches, the origin does not.
  const navigatedTo = (url: string): [string, SenderEventLike, FrameLike] => {
    const frame = { url };
    return [`our main frame showing ${url}`, { senderFrame: frame }, frame];
  };
  const untrusted: Array<[string, SenderEventLike, FrameLike]> = [
    ['senderFrame null', { senderFrame: null }, MAIN_FRAME],
    ['another frame (iframe or popup) with our URL', { senderFrame: iframe }, MAIN_FRAME],
    navigatedTo('https://evil.example/'),
    navigatedTo('app://bundle.evil.com/'),
    navigatedTo('app://bundle@evil/'),
    navigatedTo('file:///tmp/x.html'),
  ];

  it.each(untrusted)('%s → E_SENDER; no session, no socket, no event', async (_label, event, mainFrame) => {
    dispose();
    dispose = registerIpc({ ipcMain: ipc, engine, isTrustedSender: (e) => isTrustedSenderFrame(e, mainFrame), ack });
    const before = handles();
    const create = await ipc.invoke(IPC_CHANNELS.execute, event, {
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    const start = await ipc.invoke(IPC_CHANNELS.execute, event, { type: 'session.start', sessionId: 's1' });
    const list = await ipc.invoke(IPC_CHANNELS.execute, event, { type: 'session.list' });
    for (const result of [create, start, list]) {
      expect(result).toEqual({ ok: false, error: { code: 'E_SENDER', message: expect.any(String) } });
    }
    // An acknowledgement from such a frame would open the window for a renderer that is not reading.
    ipc.send(IPC_CHANNELS.ack, event, 1);
    expect(acks).toEqual([]);
    expect(await sessionsInEngine()).toEqual([]);
    expect(events).toEqual([]);
    expect(handles()).toEqual(before);
  });

  it('never calls the router for an untrusted sender', async () => {
    dispose();
    let calls = 0;
    const router = {
      execute: async (): Promise<Result<unknown>> => {
        calls++;
        return { ok: true, value: null };
      },
    };
    dispose = registerIpc({
      ipcMain: ipc,
      engine: router,
      isTrustedSender: (e) => isTrustedSenderFrame(e, MAIN_FRAME),
      ack,
    });
    await ipc.invoke(IPC_CHANNELS.execute, { senderFrame: null }, { type: 'session.list' });
    await ipc.invoke(IPC_CHANNELS.execute, { senderFrame: { url: MAIN_FRAME.url } }, { type: 'session.list' });
    expect(calls).toBe(0);
    await ipc.invoke(IPC_CHANNELS.execute, trusted, { type: 'session.list' });
    expect(calls).toBe(1);
  });
});

describe('R-IPC-SCHEMA: any payload through the registrar', () => {
  const COMMAND_TYPES = Command.options.map((option) => option.shape.type.value);
  const crafted = fc.constantFrom<unknown>(
    { type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 70000 } },
    { type: 'session.create', config: { kind: 'tcp-client', host: '', port: 80 } },
    { type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: Number.NaN } },
    { type: 'session.create', config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 }, extra: 1 },
    { type: 'session.create', config: [[[{ kind: 'udp' }]]] },
    { type: 'send', sessionId: 's1', payload: { data: 'x'.repeat(2 * 1024 * 1024) } },
    { type: 'send', sessionId: 'x'.repeat(2 * 1024 * 1024), payload: { data: 'hi' } },
    { type: 'session.start', sessionId: Number.NaN },
    { type: [[['session.list']]] },
    { type: 'session.list', sessionId: 's1' },
    [[[[[[[[[[[]]]]]]]]]]],
    'session.list',
    Number.NaN,
    null,
    undefined,
    new Uint8Array(16),
  );
  const payload = fc.oneof(
    fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
    }),
    crafted,
    fc.record({ type: fc.constantFrom(...COMMAND_TYPES) }, { requiredKeys: [] }),
    fc.dictionary(fc.string(), fc.anything()).map((rest) => ({ ...rest, type: 'session.create' })),
  );

  it('resolves with an envelope, rejects every invalid payload with E_VALIDATION and opens nothing (1000+ runs)', async () => {
    const before = handles();
    await fc.assert(
      fc.asyncProperty(payload, async (raw) => {
        const result = await ipc.invoke(IPC_CHANNELS.execute, trusted, raw);
        expect(typeof result.ok).toBe('boolean');
        if (!Command.safeParse(raw).success) {
          expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.any(String) } });
        }
      }),
      { numRuns: 1500 },
    );
    expect(await sessionsInEngine()).toEqual([]);
    expect(events.filter((event) => event.type === 'session.added')).toEqual([]);
    expect(handles()).toEqual(before);
  });
});

describe('R-PROTO: prototype-polluting payloads', () => {
  it('leave Object.prototype alone and create nothing', async () => {
    const hostile: unknown[] = [
      JSON.parse('{"__proto__":{"polluted":true}}'),
      JSON.parse('{"type":"session.list","__proto__":{"polluted":true}}'),
      JSON.parse('{"type":"session.create","config":{"kind":"udp","port":0,"__proto__":{"polluted":true}}}'),
      JSON.parse('{"type":"send","sessionId":"s1","payload":{"data":"x","__proto__":{"polluted":true}}}'),
      { constructor: { prototype: { polluted: true } } },
      { type: 'session.create', config: { kind: 'udp', port: 0, constructor: { prototype: { polluted: true } } } },
      { type: 'session.list', constructor: { prototype: { polluted: true } } },
    ];
    for (const raw of hostile) {
      const result = await ipc.invoke(IPC_CHANNELS.execute, trusted, raw);
      expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await sessionsInEngine()).toEqual([]);
  });
});
