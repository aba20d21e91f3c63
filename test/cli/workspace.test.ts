import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { portOf, runCli, startCli, startPythonProgram, stopAll } from '../helpers/processes';

// `sockpit --workspace FILE`: the sessions of a saved workspace run headless, with the workspace's framing, rules
// and receive encoding in force; real files, the real CLI, a tutorial python client.

const temp: string[] = [];
afterEach(async () => {
  await stopAll();
  for (const dir of temp.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspaceFile(document: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sockpit-cli-workspace-'));
  temp.push(dir);
  const file = path.join(dir, 'bench.sockpit.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}

const SAVED = {
  format: 'sockpit-workspace',
  version: 1,
  savedAt: '2026-11-30T08:00:00.000Z',
  sessions: [
    {
      id: 's3',
      name: 'scale listener',
      config: {
        kind: 'tcp-server',
        host: '127.0.0.1',
        port: 0,
        framing: { mode: 'line', maxBytes: 4096 },
        greeting: { mode: 'text', data: 'ready\n' },
      },
      rules: {
        version: 1,
        match: 'first',
        rules: [{ name: 'weigh', when: { kind: 'exact', text: 'W?' }, reply: { data: '12.5 kg\n' } }],
      },
      wasRunning: true,
    },
    { id: 's4', name: 'spare udp', config: { kind: 'udp', host: '127.0.0.1', port: 0 }, wasRunning: false },
  ],
  ui: { views: { s3: { receiveEncoding: 'gbk' } } },
};

// A tutorial TCP client: reads the greeting, asks for the weight, reads the answer, says hello in GBK, closes.
const CLIENT = `
import socket, sys
client = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
reader = client.makefile("rb")
print("greeting", reader.readline().decode().strip(), flush=True)
client.sendall(b"W?\\n")
print("answer", reader.readline().decode().strip(), flush=True)
client.sendall("你好 scale\\n".encode("gbk"))
client.close()
`;

describe('sockpit --workspace', () => {
  it('runs the saved sessions with their framing, rules and encoding, prints what they receive, and stops on Ctrl+C', async () => {
    const file = workspaceFile(SAVED);
    const before = readFileSync(file, 'utf8');
    const cli = startCli(['--workspace', file, '--json']);
    const listening = await cli.waitForLine(/"session":"scale listener".*"event":"listening".*"local":"([^"]+)"/);
    await cli.waitForLine(/"session":"spare udp".*"event":"listening"/);
    const port = portOf(listening[1]);

    const client = startPythonProgram(CLIENT.replace('int(sys.argv[1])', String(port)));
    const talked = await client.exited();
    expect(talked.stdout).toBe('greeting ready\nanswer 12.5 kg\n');
    await cli.waitForLine(/"text":"你好 scale"/);

    cli.process.kill('SIGINT');
    const ended = await cli.exited();
    expect(ended.code, ended.stderr).toBe(0);
    const data = cli
      .lines()
      .filter((line) => line.session === 'scale listener' && (line.event === 'data' || line.event === 'sent'));
    // One line per framed message, decoded as GBK as the workspace's view says; the greeting and the rule's answer
    // went out.
    expect(data.map((line) => [line.event, line.text])).toEqual([
      ['sent', 'ready\n'],
      ['data', 'W?'],
      ['sent', '12.5 kg\n'],
      ['data', '你好 scale'],
    ]);
    expect(data.every((line) => line.sessionId === 's3')).toBe(true);
    // Read only: the file is exactly as it was.
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('runs only the sessions --session names, readable lines marked with the session', async () => {
    const missingFolder = path.join(tmpdir(), 'sockpit-no-such-folder', 'scale.log');
    const [listener, spare] = SAVED.sessions;
    const file = workspaceFile({
      ...SAVED,
      sessions: [listener, { ...spare, captureFile: { path: missingFolder, format: 'raw' } }],
    });
    const cli = startCli(['--workspace', file, '--session', 'scale listener', '--timeout', '2']);
    await cli.waitForLine(/^scale listener: \[[\d:.]+\] Listening on 127\.0\.0\.1:\d+$/);
    const ended = await cli.exited();
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout + ended.stderr).not.toContain('spare udp');

    // The capture file a session saved to is opened again; one that cannot be is said, and the session runs.
    const spareOnly = await runCli(['--workspace', file, '--session', 's4', '--timeout', '1']);
    expect(spareOnly.code, spareOnly.stderr).toBe(0);
    expect(spareOnly.stdout).toMatch(/^spare udp: \[[\d:.]+\] Listening on 127\.0\.0\.1:\d+$/m);
    expect(spareOnly.stderr).toContain(`spare udp: `);
    expect(spareOnly.stderr).toContain(`Error: Saving to ${missingFolder} could not go on:`);
  });

  it('a bad file or an unknown session is a clear error with exit code 2', async () => {
    const missing = await runCli(['--workspace', path.join(tmpdir(), 'sockpit-no-such-workspace.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^sockpit: There is no workspace file .*sockpit-no-such-workspace\.json\./);

    const broken = await runCli(['--workspace', workspaceFile({ format: 'sockpit-workspace', version: 1 })]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/is not a valid workspace file \(savedAt: /);

    const newer = await runCli(['--workspace', workspaceFile({ ...SAVED, version: 7 })]);
    expect(newer.code).toBe(2);
    expect(newer.stderr).toMatch(/was saved by a newer Sockpit \(workspace version 7; this one reads up to 1\)/);

    const unknown = await runCli(['--workspace', workspaceFile(SAVED), '--session', 'weighbridge']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('sockpit: The workspace has no session "weighbridge".');
    expect(unknown.stderr).toContain('Hint: Its sessions: "scale listener" (s3), "spare udp" (s4).');

    const mixed = await runCli(['--workspace', workspaceFile(SAVED), '--port', '7']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("--port does not go with --workspace; the sessions' settings come from the file.");
  });
});
