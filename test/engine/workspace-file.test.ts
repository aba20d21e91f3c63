import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine';
import { openWorkspace, type OpenedWorkspace } from '../../engine/workspace-open';
import type { EngineEvent, WorkspaceDocument } from '../../shared/contract';

// The workspace file as a face opens and keeps it: real files in a temp folder, a real engine.

type Saved = Extract<EngineEvent, { type: 'workspace.saved' }>;

let folder: string;
let engine: Engine | undefined;
let opened: OpenedWorkspace | undefined;

afterEach(async () => {
  await opened?.close();
  await engine?.shutdown();
  opened = undefined;
  engine = undefined;
  rmSync(folder, { recursive: true, force: true });
});

function makeFolder(): string {
  folder = mkdtempSync(path.join(tmpdir(), 'sockpit-workspace-'));
  return folder;
}

async function open(file: string): Promise<{ engine: Engine; opened: OpenedWorkspace; saved: Saved[] }> {
  engine = new Engine({ statsIntervalMs: 0 });
  const saved: Saved[] = [];
  engine.subscribe((event) => {
    if (event.type === 'workspace.saved') saved.push(event);
  });
  opened = await openWorkspace(engine, file, { saveDelayMs: 20 });
  return { engine, opened, saved };
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function readDocument(file: string): WorkspaceDocument {
  return JSON.parse(readFileSync(file, 'utf8')) as WorkspaceDocument;
}

describe('the workspace file', () => {
  it('starts empty where there is no file, and writes each change there, debounced', async () => {
    const file = path.join(makeFolder(), 'deeper', 'workspace.json');
    const { engine, opened, saved } = await open(file);
    expect(opened.state).toMatchObject({ path: file, toStart: [], document: { sessions: [] } });
    expect(opened.state.problem).toBeUndefined();
    const created = await engine.run({
      type: 'session.create',
      config: { kind: 'udp', host: '127.0.0.1', port: 0 },
      name: 'sensor feed',
    });
    if (!created.ok) throw new Error(created.error.message);
    await engine.run({ type: 'session.rename', sessionId: created.value.sessionId, name: 'sensor feed 2' });
    await until(() => saved.length > 0, 'a save');
    await opened.keeper.flush();
    expect(saved.every((event) => event.error === undefined && event.path === file)).toBe(true);
    // Two changes in a row are one write.
    expect(saved).toHaveLength(1);
    expect(readDocument(file).sessions.map((session) => session.name)).toEqual(['sensor feed 2']);
  });

  it('keeps a file that is not JSON aside, says so, and never writes over it', async () => {
    const file = path.join(makeFolder(), 'workspace.json');
    writeFileSync(file, '{"format": "sockpit-workspace", "version": 1, "sessions": [');
    const { engine, opened } = await open(file);
    const problem = opened.state.problem;
    expect(problem?.message).toMatch(/is not a workspace file: it is not valid JSON/);
    expect(problem?.keptAs).toMatch(/workspace\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(readFileSync(problem!.keptAs!, 'utf8')).toBe('{"format": "sockpit-workspace", "version": 1, "sessions": [');
    // The page hears the same through workspace.get.
    const state = await engine.run({ type: 'workspace.get' });
    expect(state.ok && state.value.problem).toEqual(problem);

    await engine.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: 0 }, name: 'new' });
    await opened.keeper.flush();
    expect(readDocument(file).sessions.map((session) => session.name)).toEqual(['new']);
    expect(readFileSync(problem!.keptAs!, 'utf8')).toBe('{"format": "sockpit-workspace", "version": 1, "sessions": [');
  });

  it('keeps a file from a newer Sockpit aside, and one that fails the schema', async () => {
    const dir = makeFolder();
    const newer = path.join(dir, 'newer', 'workspace.json');
    mkdirSync(path.dirname(newer));
    const newerText = JSON.stringify({ format: 'sockpit-workspace', version: 99, savedAt: 'x', sessions: [], ui: {} });
    writeFileSync(newer, newerText);
    const first = await open(newer);
    expect(first.opened.state.problem?.message).toMatch(
      /saved by a newer Sockpit \(workspace version 99; this one reads up to 1\)/,
    );
    expect(first.opened.state.problem?.keptAs).toMatch(/workspace\.json\.newer-/);
    expect(readFileSync(first.opened.state.problem!.keptAs!, 'utf8')).toBe(newerText);
    expect(existsSync(newer)).toBe(false);
    await first.opened.close();
    await first.engine.shutdown();

    const invalid = path.join(dir, 'invalid', 'workspace.json');
    mkdirSync(path.dirname(invalid));
    writeFileSync(
      invalid,
      JSON.stringify({
        format: 'sockpit-workspace',
        version: 1,
        savedAt: 'x',
        sessions: [{ id: 's1', name: 'bad', config: { kind: 'tcp-server', port: 99999 }, wasRunning: false }],
        ui: {},
      }),
    );
    const second = await open(invalid);
    expect(second.opened.state.problem?.message).toMatch(/is not a valid workspace file \(sessions\.0\.config\.port: /);
    expect(second.opened.state.problem?.keptAs).toMatch(/workspace\.json\.corrupt-/);
    expect((await second.engine.run({ type: 'session.list' })).ok).toBe(true);
  });

  it('a failed write says why in workspace.saved, keeps the old file, and the next good write says so', async () => {
    const dir = makeFolder();
    // A name so long that the temp file beside it cannot be made: the write fails even for root, whom no
    // permission stops, and the old file stays as it was.
    const longFile = path.join(dir, `${'w'.repeat(230)}.json`);
    const first = await open(longFile);
    await first.engine.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: 0 }, name: 'a' });
    await first.opened.keeper.flush();
    expect(first.saved.at(-1)?.error).toMatchObject({ code: 'ENAMETOOLONG' });
    expect(first.saved.at(-1)?.error?.message).toMatch(
      /The workspace could not be saved to .*The last saved workspace is unchanged\./,
    );
    await first.opened.close();
    await first.engine.shutdown();

    // A folder that is a file: nothing can be written under it; once it is a folder, the next change is saved.
    const blocker = path.join(dir, 'blocked');
    writeFileSync(blocker, 'not a folder');
    const blockedFile = path.join(blocker, 'workspace.json');
    const second = await open(blockedFile);
    await second.engine.run({ type: 'session.create', config: { kind: 'udp', host: '127.0.0.1', port: 0 }, name: 'b' });
    await second.opened.keeper.flush();
    expect(second.saved.at(-1)).toMatchObject({ path: blockedFile, error: { code: 'ENOTDIR' } });
    expect(second.saved.at(-1)?.error?.message).toMatch(/its folder does not exist or is not a folder/);
    rmSync(blocker);
    mkdirSync(blocker);
    await second.engine.run({ type: 'session.rename', sessionId: 's1', name: 'b2' });
    await second.opened.keeper.flush();
    expect(second.saved.at(-1)).toEqual({ type: 'workspace.saved', path: blockedFile, savedAt: expect.any(String) });
    expect(readDocument(blockedFile).sessions[0]?.name).toBe('b2');

    if (process.getuid?.() !== 0) {
      // Where permissions apply, a read-only folder: the old file is kept as it was.
      const readOnly = path.join(dir, 'read-only');
      mkdirSync(readOnly);
      const file = path.join(readOnly, 'workspace.json');
      const third = await open(file);
      await third.engine.run({
        type: 'session.create',
        config: { kind: 'udp', host: '127.0.0.1', port: 0 },
        name: 'c',
      });
      await third.opened.keeper.flush();
      const before = readFileSync(file, 'utf8');
      const { chmodSync } = await import('node:fs');
      chmodSync(readOnly, 0o500);
      try {
        await third.engine.run({ type: 'session.rename', sessionId: 's1', name: 'c2' });
        await third.opened.keeper.flush();
        expect(third.saved.at(-1)?.error?.message).toMatch(/Sockpit may not write in that folder/);
        expect(readFileSync(file, 'utf8')).toBe(before);
      } finally {
        chmodSync(readOnly, 0o700);
      }
    }
  });

  it('removes temp files a crash left, and never takes one for the workspace', async () => {
    const dir = makeFolder();
    const file = path.join(dir, 'workspace.json');
    writeFileSync(`${file}.tmp-4242-1700000000000`, '{"half": ');
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const { opened } = await open(file);
    expect(opened.state.problem).toBeUndefined();
    expect(opened.state.document.sessions).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['notes.txt']);
  });

  it('on close, writes what is pending, and later changes (sessions stopping on quit) no longer reach the file', async () => {
    const file = path.join(makeFolder(), 'workspace.json');
    const { engine, opened } = await open(file);
    const server = await engine.run({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
      name: 'listener',
    });
    if (!server.ok) throw new Error(server.error.message);
    expect((await engine.run({ type: 'session.start', sessionId: server.value.sessionId })).ok).toBe(true);
    await opened.close();
    await engine.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readDocument(file).sessions).toMatchObject([{ name: 'listener', wasRunning: true }]);

    // Opened again: stopped, and "Start all" would start it.
    const again = await open(file);
    expect(again.opened.state.toStart).toEqual([server.value.sessionId]);
    const listed = await again.engine.run({ type: 'session.list' });
    expect(listed.ok && listed.value.map((s) => [s.sessionId, s.name, s.state])).toEqual([
      [server.value.sessionId, 'listener', 'idle'],
    ]);
    // A save before "Start all" still says it was running.
    await again.engine.run({ type: 'workspace.ui', ui: { theme: 'dark' } });
    await again.opened.keeper.flush();
    expect(readDocument(file)).toMatchObject({ sessions: [{ wasRunning: true }], ui: { theme: 'dark' } });
  });

  it('starts what was running on open when the workspace asks for it', async () => {
    const file = path.join(makeFolder(), 'workspace.json');
    const { engine, opened } = await open(file);
    const server = await engine.run({
      type: 'session.create',
      config: { kind: 'tcp-server', host: '127.0.0.1', port: 0 },
    });
    if (!server.ok) throw new Error(server.error.message);
    await engine.run({ type: 'session.start', sessionId: server.value.sessionId });
    await engine.run({ type: 'workspace.ui', ui: { startRunningOnOpen: true } });
    await opened.close();
    await engine.shutdown();

    const again = await open(file);
    expect(again.opened.startedOnOpen).toEqual({ started: [server.value.sessionId], failed: [] });
    const listed = await again.engine.run({ type: 'session.list' });
    expect(listed.ok && listed.value[0]?.state).toBe('listening');
    expect(again.opened.state.toStart).toEqual([]);
  });
});
