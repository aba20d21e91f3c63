import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../engine/engine';
import type { CommandInput, WorkspaceState } from '../../shared/contract';
import type { Result } from '../../shared/result';

// The page's save loop against a real engine in this process (no socket needed: these are commands): a burst
// of changes is one `workspace.ui`, a change to something not remembered is none, and what is saved is what
// a reloaded page gets back.

const engine = new Engine({ statsIntervalMs: 0 });
const sent: string[] = [];
const link = {
  kind: 'bridge',
  link: 'open',
  execute: (command: CommandInput) => {
    sent.push(command.type);
    return engine.execute(command);
  },
  onBatch: () => () => undefined,
  onLink: () => () => undefined,
};

// The page's modules use the browser's globals, which the Node typecheck of the tests does not know; they are
// loaded by a path the checker does not follow, and used through the little of them this test needs.
interface Modules {
  actions: { attachLink(link: unknown): void; resync(): Promise<void> };
  store: {
    updateSend(sessionId: string, change: { text: string }): void;
    updateView(sessionId: string, change: () => { receiveEncoding: 'gbk' }): void;
    setStatus(sessionId: string, tone: 'info', error: undefined): void;
    useApp: { setState(change: (state: { stats: object }) => { stats: object }): void };
  };
  page: {
    openWorkspace(): Promise<void>;
    useWorkspacePage: { getState(): { opened: boolean } };
    SAVE_DELAY_MS: number;
  };
}
let m: Modules;
const load = (file: string) => import(/* @vite-ignore */ `../../renderer/src/${file}`) as Promise<never>;

beforeAll(async () => {
  // What a browser page has and Node has not: its language, its storage, its window.
  vi.stubGlobal('navigator', { language: 'en-GB' });
  const kept = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => kept.get(key) ?? null,
    setItem: (key: string, value: string) => void kept.set(key, value),
    removeItem: (key: string) => void kept.delete(key),
  });
  vi.stubGlobal('window', { addEventListener: () => undefined });
  vi.stubGlobal('requestAnimationFrame', (callback: (now: number) => void) =>
    setTimeout(() => callback(performance.now()), 0),
  );
  m = {
    actions: await load('state/actions'),
    store: await load('state/store'),
    page: await load('workspace/page-workspace'),
  };
  m.actions.attachLink(link);
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await engine.shutdown();
});

describe('saving the page part of the workspace', () => {
  it('saves a burst of changes once, after the burst, and nothing for changes it does not remember', async () => {
    const created = await engine.run({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.sessionId;
    await m.actions.resync();
    await m.page.openWorkspace();
    expect(m.page.useWorkspacePage.getState().opened).toBe(true);

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      sent.length = 0;
      // Typing "hello" and picking an encoding: six changes.
      for (const text of ['h', 'he', 'hel', 'hell', 'hello']) m.store.updateSend(id, { text });
      m.store.updateView(id, () => ({ receiveEncoding: 'gbk' }));
      expect(sent).toEqual([]);
      vi.advanceTimersByTime(m.page.SAVE_DELAY_MS);
      expect(sent).toEqual(['workspace.ui']);

      // The status line and the counters are not remembered: no save.
      m.store.setStatus(id, 'info', undefined);
      m.store.useApp.setState((state) => ({ stats: { ...state.stats } }));
      vi.advanceTimersByTime(m.page.SAVE_DELAY_MS * 2);
      expect(sent).toEqual(['workspace.ui']);
      // A change that comes back to what was saved saves nothing either.
      m.store.updateSend(id, { text: 'hello!' });
      m.store.updateSend(id, { text: 'hello' });
      vi.advanceTimersByTime(m.page.SAVE_DELAY_MS);
      expect(sent).toEqual(['workspace.ui']);
    } finally {
      vi.useRealTimers();
    }
    await vi.waitFor(async () => {
      const got = (await engine.run({ type: 'workspace.get' })) as Result<WorkspaceState>;
      if (!got.ok) throw new Error(got.error.message);
      expect(got.value.document.ui.views?.[id]).toMatchObject({ receiveEncoding: 'gbk', send: { text: 'hello' } });
    });
  });
});
