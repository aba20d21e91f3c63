// `npm run web` (and `npm start` where no Electron binary exists): the engine plus the browser bridge in
// one plain Node process. Built into out/bridge/index.js, which bin/web.cjs runs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../engine/engine';
import { explainWithOwner } from '../engine/errors';
import { startBridge } from './server';

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
}

export type ParsedBridgeArgs =
  { action: 'run'; args: BridgeArgs } | { action: 'help' } | { action: 'error'; message: string };

export const USAGE = `Usage: npm run web -- [--port N] [--host ADDRESS] [--allow-remote]

Serves the Sockpit user interface to your browser from this computer.
  --port N          Port to listen on (default: SOCKPIT_BRIDGE_PORT, or 0 for any free port).
  --host ADDRESS    Address to listen on (default 127.0.0.1, this computer only).
  --allow-remote    Allow an address other computers can reach, such as 0.0.0.0. The link's token is still required.
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
  };
  if (env.SOCKPIT_BRIDGE_PORT) {
    const port = parsePort(env.SOCKPIT_BRIDGE_PORT, 'SOCKPIT_BRIDGE_PORT');
    if (typeof port === 'string') return { action: 'error', message: port };
    args.port = port;
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
        break;
      }
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
  let bridge;
  try {
    bridge = await startBridge({
      engine,
      rendererDir: args.rendererDir,
      host: args.host,
      port: args.port,
      allowRemote: args.allowRemote,
      log: (line) => io.err(`Sockpit: ${line}`),
    });
  } catch (err) {
    await engine.shutdown();
    io.err(`Sockpit could not start the browser bridge: ${await describeStartError(err, args)}`);
    return 1;
  }

  if (!existsSync(path.join(args.rendererDir, 'index.html'))) {
    io.err(
      `Sockpit: the user interface is not built yet (${args.rendererDir} has no index.html); run "npm run build", then reload the page.`,
    );
  }
  io.out(`Sockpit is running in your browser at ${bridge.url}`);
  io.out('Press Ctrl+C to stop it; the sessions you started stop with it.');

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
      // Sockets first, so a quick restart can listen on the same ports again.
      engine
        .shutdown()
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

async function describeStartError(err: unknown, args: BridgeArgs): Promise<string> {
  const isOsError = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
  if (!isOsError) return err instanceof Error ? err.message : String(err);
  const explained = await explainWithOwner(err, { op: 'listen', host: args.host, port: args.port, protocol: 'TCP' });
  return explained.hint ? `${explained.message} ${explained.hint}` : explained.message;
}
