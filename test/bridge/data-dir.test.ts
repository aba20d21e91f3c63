import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browserOpener, defaultDataDir, rememberedPort, rememberPort } from '../../bridge/data-dir';

const temp: string[] = [];
afterEach(() => {
  for (const dir of temp.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('where the bridge keeps what it remembers', () => {
  it('uses each OS\u2019s folder for settings', () => {
    expect(defaultDataDir({}, 'linux', '/home/ada')).toBe('/home/ada/.config/sockpit');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/srv/conf' }, 'linux', '/home/ada')).toBe('/srv/conf/sockpit');
    // The XDG rule: a relative XDG_CONFIG_HOME is ignored.
    expect(defaultDataDir({ XDG_CONFIG_HOME: 'conf' }, 'linux', '/home/ada')).toBe('/home/ada/.config/sockpit');
    expect(defaultDataDir({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Sockpit');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toBe(
      path.join('C:\\Users\\ada\\AppData\\Roaming', 'Sockpit'),
    );
  });

  it('opens the page with the platform\u2019s own command', () => {
    expect(browserOpener('linux')).toEqual({ command: 'xdg-open', args: [] });
    expect(browserOpener('darwin')).toEqual({ command: 'open', args: [] });
    expect(browserOpener('win32')).toEqual({ command: 'cmd', args: ['/c', 'start', '""'] });
  });

  it('remembers the port, and takes anything odd in its file for nothing remembered', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sockpit-data-dir-'));
    temp.push(dir);
    expect(await rememberedPort(dir)).toBeUndefined();
    expect(await rememberPort(dir, 51234)).toBeUndefined();
    expect(await rememberedPort(dir)).toBe(51234);
    for (const text of ['{"port": 70000}', '{"port": "5173"}', 'not json', '{"port": 0}']) {
      writeFileSync(path.join(dir, 'bridge.json'), text);
      expect(await rememberedPort(dir)).toBeUndefined();
    }
    // A folder that cannot be written to: the reason comes back instead of a crash.
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, '');
    expect(await rememberPort(blocker, 51234)).toMatch(/ENOTDIR/);
  });
});
