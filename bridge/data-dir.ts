import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { removeLeftoverTemps, writeFileAtomically } from '../engine/workspace-file';

// Where the bridge keeps what it remembers between launches (the workspace, the port it had), and how it opens
// the page in the person's browser.

/** The OS's folder for a program's settings: XDG on Linux and the BSDs, Application Support on macOS, %APPDATA% on Windows. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'Sockpit');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Sockpit');
  const config =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(config, 'sockpit');
}

export const BRIDGE_FILE_NAME = 'bridge.json';

/** The port the bridge had last time, if the file says one; anything odd in it counts as nothing remembered. */
export async function rememberedPort(dataDir: string): Promise<number | undefined> {
  try {
    const saved = JSON.parse(await readFile(path.join(dataDir, BRIDGE_FILE_NAME), 'utf8')) as { port?: unknown };
    const port = saved.port;
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers the port for the next launch; the token is never written down, it is new each launch. */
export async function rememberPort(dataDir: string, port: number): Promise<string | undefined> {
  const file = path.join(dataDir, BRIDGE_FILE_NAME);
  try {
    await removeLeftoverTemps(file);
    await writeFileAtomically(file, `${JSON.stringify({ port }, null, 2)}\n`);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The platform's "open this address in the default browser" command. */
export function browserOpener(platform: NodeJS.Platform = process.platform): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [] };
  // `start` is a cmd built-in; its first quoted argument is a window title, hence the empty one.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  return { command: 'xdg-open', args: [] };
}

/**
 * Asks the desktop to open `url`. Never fails the bridge: with no browser or no desktop (a server, a container),
 * the address line printed before is how a person gets there.
 */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const { command, args } = browserOpener(platform);
  try {
    const child = spawn(command, [...args, url], {
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
      // cmd reads its own command line: the empty title must reach it as "" and not as an escaped quote.
      windowsVerbatimArguments: platform === 'win32',
    });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Same as above: the printed address is enough.
  }
}
