// `sockpit`: the headless face. It drives the same engine as the desktop app and the browser bridge and
// builds the same commands; main() is all a launcher (bin/sockpit.cjs) or a test needs.
import { Engine } from '../engine/engine';
import { helpText, versionText } from './help';
import { formatFailure } from './output';
import { parseArgs } from './parse';
import { Runner, type EngineLike, type RunIo } from './run';
import { WorkspaceRunner } from './workspace-run';

/** Everything the CLI touches outside itself; tests hand in their own engine and collect the lines. */
export interface CliIo extends RunIo {
  createEngine(): EngineLike;
}

export function processIo(): CliIo {
  return {
    out: (line) => {
      process.stdout.write(`${line}\n`);
    },
    err: (line) => {
      process.stderr.write(`${line}\n`);
    },
    ...(process.stderr.isTTY
      ? {
          progress: (line: string) => {
            process.stderr.write(`\r\u001b[K${line}`);
          },
        }
      : {}),
    // The CLI prints no counters, so the engine need not compute them.
    createEngine: () => new Engine({ statsIntervalMs: 0 }),
    onStopSignal(stop) {
      let stopping = false;
      const handler = (signal: NodeJS.Signals) => {
        // A second Ctrl-C means "now": the engine did not close in time.
        if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
        stopping = true;
        stop();
      };
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}

/** The whole CLI: returns the exit status. Never throws for anything a user can cause. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.err(formatFailure(parsed.error));
    return 2;
  }
  const options = parsed.value;
  if (options.action === 'help') {
    io.out(helpText(options.mode));
    return 0;
  }
  if (options.action === 'version') {
    io.out(versionText());
    return 0;
  }
  try {
    if (options.action === 'workspace') return await new WorkspaceRunner(options, io.createEngine(), io).run();
    return await new Runner(options, io.createEngine(), io).run();
  } catch (err) {
    io.err(`sockpit: internal error: ${(err as Error)?.message ?? String(err)}`);
    io.err('This is a bug in Sockpit; please report it with the command you ran.');
    return 1;
  }
}
