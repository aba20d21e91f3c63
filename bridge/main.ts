// `npm run web` (and `npm start` where no Electron binary exists): the engine plus the browser bridge in
// one plain Node process. Built into out/bridge/index.js, which bin/web.cjs runs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../engine/engine';
import { explainWithOwner } from '../engine/errors';
import { openWorkspace, WORKSPACE_FILE_NAME, type OpenedWorkspace } from '../engine/workspace-open';
import { defaultDataDir, openInBrowser, rememberedPort, rememberPort } from './data-dir';
import { startBridge, type Bridge } from './server';

/**
 * Sockpit's own folder, the nearest one above this module with a package.json: the same folder whether
 * this runs as bridge/main.ts, as the built out/bridge/index.js, or from an installed package.
 */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..');
  }
}

export const DEFAULT_RENDERER_DIR = path.join(packageRoot(), 'out', 'renderer');

export interface BridgeArgs {
  port: number;
  host: string;
  allowRemote: boolean;
  rendererDir: string;
  /** Where the workspace and the remembered port are kept. */
  dataDir: string;
  /** The port was chosen (--port or SOCKPIT_BRIDGE_PORT), so the remembered one is not asked for. */
  portChosen: boolean;
  /** Open the page in the default browser once listening (a person at a terminal, not CI, not --no-open). */
  open: boolean;
}

export type ParsedBridgeArgs =
  { action: 'run'; args: BridgeArgs } | { action: 'help' } | { action: 'error'; message: string };

export const USAGE = `Usage: npm run web -- [--port N] [--host ADDRESS] [--allow-remote] [--data-dir DIR] [--no-open]

Serves the Sockpit user interface to your browser from this computer.
  --port N          Port to listen on (default: SOCKPIT_BRIDGE_PORT, else the port it had last time, else any free one;
                    0 always takes any free port).
  --host ADDRESS    Address to listen on (default 127.0.0.1, this computer only).
  --allow-remote    Allow an address other computers can reach, such as 0.0.0.0. The link's token is still required.
  --data-dir DIR    Keep the workspace (sessions, settings, layout) and the remembered port in DIR
                    (default: SOCKPIT_DATA_DIR, else ~/.config/sockpit, ~/Library/Application Support/Sockpit
                    or %APPDATA%\\Sockpit).
  --no-open         Do not open the page in the default browser (it is not opened under CI or without a terminal either).
  --help            Show this text.`;

function parsePort(text: string, from: string): number | string {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
    return `${from} must be a port number from 0 to 65535, not "${text}".`;
  return Number(text);
}

/** Flags first, then the environment; every problem comes back as one sentence. */
export function parseBridgeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedBridgeArgs {
  const args: BridgeArgs = {
    port: 0,
    host: '127.0.0.1',
    allowRemote: false,
    rendererDir: env.SOCKPIT_RENDERER_DIR ? path.resolve(env.SOCKPIT_RENDERER_DIR) : DEFAULT_RENDERER_DIR,
    dataDir: env.SOCKPIT_DATA_DIR ? path.resolve(env.SOCKPIT_DATA_DIR) : defaultDataDir(env),
    portChosen: false,
    open: !env.CI,
  };
  if (env.SOCKPIT_BRIDGE_PORT) {
    const port = parsePort(env.SOCKPIT_BRIDGE_PORT, 'SOCKPIT_BRIDGE_PORT');
    if (typeof port === 'string') return { action: 'error', message: port };
    args.port = port;
    args.portChosen = true;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--help':
      case '-h':
        return { action: 'help' };
      case '--allow-remote':
        args.allowRemote = true;
        break;
      case '--port': {
        const text = value();
        if (text === undefined) return { action: 'error', message: '--port needs a number, e.g. --port 5174.' };
        const port = parsePort(text, '--port');
        if (typeof port === 'string') return { action: 'error', message: port };
        args.port = port;
        args.portChosen = true;
        break;
      }
      case '--data-dir': {
        const text = value();
        if (!text) return { action: 'error', message: '--data-dir needs a folder, e.g. --data-dir ~/sockpit-data.' };
        args.dataDir = path.resolve(text);
        break;
      }
      case '--no-open':
        args.open = false;
        break;
      case '--host': {
        const text = value();
        if (!text) return { action: 'error', message: '--host needs an address, e.g. --host 127.0.0.1.' };
        args.host = text;
        break;
      }
      default:
        return { action: 'error', message: `Unknown option "${arg}". Try --help.` };
    }
  }
  return { action: 'run', args };
}

export interface BridgeIo {
  out(line: string): void;
  err(line: string): void;
}

const STD_IO: BridgeIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs until SIGINT or SIGTERM; resolves with the exit code. */
export async function main(argv: readonly string[], io: BridgeIo = STD_IO): Promise<number> {
  const parsed = parseBridgeArgs(argv);
  if (parsed.action === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (parsed.action === 'error') {
    io.err(`Sockpit: ${parsed.message}`);
    return 1;
  }
  const { args } = parsed;
  const engine = new Engine();
  const workspace = await openWorkspace(engine, path.join(args.dataDir, WORKSPACE_FILE_NAME));
  if (workspace.state.problem) io.err(`Sockpit: ${workspace.state.problem.message}`);
  const remembered = args.portChosen ? undefined : await rememberedPort(args.dataDir);
  let bridge: Bridge;
  try {
    bridge = await listenWhereRemembered(engine, args, remembered, io);
  } catch (err) {
    await workspace.close();
    await engine.shutdown();
    io.err(`Sockpit could not start the browser bridge: ${await describeStartError(err, args)}`);
    return 1;
  }
  const notRemembered = await rememberPort(args.dataDir, bridge.port);
  if (notRemembered) io.err(`Sockpit: the port could not be remembered for next time (${notRemembered}).`);

  if (!existsSync(path.join(args.rendererDir, 'index.html'))) {
    io.err(
      `Sockpit: the user interface is not built yet (${args.rendererDir} has no index.html); run "npm run build", then reload the page.`,
    );
  }
  io.out(`Sockpit is running in your browser at ${bridge.url}`);
  io.out('Press Ctrl+C to stop it; the sessions you started stop with it.');
  reportStartedOnOpen(workspace, io);
  // Only for a person at a terminal: a test, a service or a pipe has nobody to show a browser to.
  if (args.open && process.stdout.isTTY) openInBrowser(bridge.url);

  const running = bridge;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl+C means "now": do not make anyone wait on a socket that will not close.
        io.err('Sockpit: stopping right away.');
        resolve(1);
        return;
      }
      stopping = true;
      io.err(`Sockpit: stopping (${signal}).`);
      // The workspace first, while it still says which sessions run; then the sockets, so a quick restart can
      // listen on the same ports again.
      workspace
        .close()
        .then(() => engine.shutdown())
        .then(() => running.close())
        .then(
          () => resolve(0),
          (err: unknown) => {
            io.err(`Sockpit: stopping did not finish cleanly: ${err instanceof Error ? err.message : String(err)}`);
            resolve(1);
          },
        )
        .finally(() => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Listens on the chosen port, or on the one it had last time; when that one is taken now, on any free port,
 * said in one line. A chosen port that is taken is an error: the person asked for that one.
 */
async function listenWhereRemembered(
  engine: Engine,
  args: BridgeArgs,
  remembered: number | undefined,
  io: BridgeIo,
): Promise<Bridge> {
  const start = (port: number) =>
    startBridge({
      engine,
      rendererDir: args.rendererDir,
      host: args.host,
      port,
      allowRemote: args.allowRemote,
      log: (line) => io.err(`Sockpit: ${line}`),
    });
  if (remembered === undefined) return start(args.port);
  try {
    return await start(remembered);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
    const bridge = await start(0);
    io.err(
      `Sockpit: port ${remembered}, used last time, is taken now; this time the address uses port ${bridge.port}.`,
    );
    return bridge;
  }
}

function reportStartedOnOpen(workspace: OpenedWorkspace, io: BridgeIo): void {
  const started = workspace.startedOnOpen;
  if (!started) return;
  if (started.started.length > 0)
    io.err(`Sockpit: started ${started.started.length} session(s) that were running, as the workspace asks.`);
  for (const failure of started.failed)
    io.err(`Sockpit: session ${failure.sessionId} did not start: ${failure.error.message}`);
}

async function describeStartError(err: unknown, args: BridgeArgs): Promise<string> {
  const isOsError = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
  if (!isOsError) return err instanceof Error ? err.message : String(err);
  const explained = await explainWithOwner(err, { op: 'listen', host: args.host, port: args.port, protocol: 'TCP' });
  return explained.hint ? `${explained.message} ${explained.hint}` : explained.message;
}
