import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { portOf, ROOT, runCli, startCli, startPeer, stopAll } from '../helpers/processes';

// `sockpit <mode> --rules FILE`: the rules file the app exports, answering real python peers.

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'sockpit-rules-'));
});
afterEach(async () => {
  await stopAll();
  rmSync(folder, { recursive: true, force: true });
});

function rulesFile(content: unknown): string {
  const file = path.join(folder, 'rules.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** The example in the README, so the documented format is the one that works. */
function readmeRules() {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Auto-reply rules'));
  const json = /```json\n([\s\S]*?)```/.exec(section);
  return JSON.parse(json![1]) as { rules: unknown[] };
}
const README_RULES = readmeRules();

describe('sockpit --rules', () => {
  it('tcp-server answers a python client and a Modbus master from the README example', async () => {
    const cli = startCli([
      'tcp-server',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--json',
      '--rules',
      rulesFile(README_RULES),
    ]);
    const listening = await cli.waitForLine(/"event":"listening".*"local":"([^"]+)"/);
    const port = portOf(listening[1]);
    const client = startPeer('ask_tcp_client.py', ['127.0.0.1', port, 1, 1, 'GET temp', 'GET rpm']);
    await client.exited();
    expect(client.stdout().trim().split('\n')).toEqual([
      "conn 1 asked 'GET temp' got 'VALUE temp'",
      "conn 1 asked 'GET rpm' got 'VALUE rpm'",
    ]);
    const master = startPeer('modbus_rtu_master.py', ['127.0.0.1', port, 1, 107]);
    await master.exited();
    expect(master.stdout()).toContain('unit 1 function 3 count 2 value 42 crc ok');
    // The answers show as sent, like any send.
    await cli.waitForLine(/"event":"sent".*"hex":"010302002a399b"/);
    expect(
      cli
        .lines()
        .filter((line) => line.event === 'sent')
        .map((line) => line.text),
    ).toContain('VALUE temp\n');
  });

  it('udp answers each datagram to its sender', async () => {
    const cli = startCli(['udp', '--bind', '127.0.0.1:0', '--json', '--rules', rulesFile(README_RULES)]);
    const listening = await cli.waitForLine(/"event":"listening".*"local":"([^"]+)"/);
    const client = startPeer('ask_udp_client.py', ['127.0.0.1', portOf(listening[1]), 'GET a']);
    await client.exited();
    expect(client.stdout()).toContain("got 'VALUE a\\n'");
  });

  it('refuses a bad file with the JSON path of the problem and opens nothing', async () => {
    const bad = rulesFile({
      version: 1,
      rules: [
        README_RULES.rules[1],
        { name: 'oops', when: { kind: 'regex', pattern: '([a-z]' }, reply: { data: 'x' } },
      ],
    });
    const result = await runCli(['tcp-server', '--port', '0', '--rules', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `The rules file ${bad} has a problem: rules[1].when.pattern: Rule "oops": The regex /([a-z]/ is not valid`,
    );
    expect(result.stdout).not.toContain('listening');
  });

  it('says where JSON is broken, and that a missing file does not exist', async () => {
    const broken = rulesFile('{\n  "version": 1,\n  "rules": [],\n}');
    const result = await runCli(['udp', '--rules', broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /is not valid JSON at position 33 \(line 4, column 1\): Expected double-quoted property name/,
    );
    const missing = await runCli(['udp', '--rules', path.join(folder, 'nope.json')]);
    expect(missing.stderr).toContain('nope.json: it does not exist.');
    const twice = await runCli(['udp', '--rules', broken, '--echo']);
    expect(twice.stderr).toContain('Choose one of --rules and --echo');
  });
});
