// `sockpit --workspace FILE [--session NAME|ID]… [--encoding E] [--hex] [--json] [--timeout S]`: the command line
// of a headless run of a saved workspace. Pure like parse.ts: nothing here opens the file or a socket.
import { resolve as resolvePath } from 'node:path';
import { normalizeEncoding } from '../shared/codec';
import type { Encoding } from '../shared/codec/options';
import { Encoding as EncodingSchema } from '../shared/contract/fields';
import { fail, ok, type Result } from '../shared/result';

export interface WorkspaceRunOptions {
  action: 'workspace';
  /** Absolute: a relative one was resolved against the folder the CLI runs in. */
  file: string;
  /** Names or ids of the sessions to run; empty runs every session of the workspace. */
  sessions: string[];
  /** Decodes received text; absent: each session's own receive encoding from the workspace, else UTF-8. */
  encoding?: Encoding;
  json: boolean;
  hex: boolean;
  timeoutMs?: number;
}

export const WORKSPACE_OPTIONS: ReadonlyArray<{ name: string; value?: string; help: string }> = [
  {
    name: 'workspace',
    value: 'FILE',
    help: 'Run the sessions of a saved workspace file; the file is only read, never changed.',
  },
  {
    name: 'session',
    value: 'NAME|ID',
    help: 'Run only this session of the workspace (its name or id); repeat for several. Default: all of them.',
  },
  { name: 'encoding', value: 'E', help: 'Decode received text as E (default: each session\u2019s own, else utf-8).' },
  { name: 'hex', help: 'Show received bytes as hex.' },
  { name: 'json', help: 'One JSON object per line, with a "session" field.' },
  { name: 'timeout', value: 'S', help: 'Stop after S seconds (default: run until Ctrl-C).' },
];

function usage(message: string): Result<never> {
  return fail('E_USAGE', message, { hint: 'Run "sockpit --help" to see how --workspace is used.' });
}

/** True when the command line asks for a workspace run (so the mode-based parser is not used). */
export function isWorkspaceRun(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--workspace' || arg.startsWith('--workspace='));
}

export function parseWorkspaceArgs(argv: readonly string[]): Result<WorkspaceRunOptions> {
  let file: string | undefined;
  const sessions: string[] = [];
  let encodingText: string | undefined;
  let timeoutText: string | undefined;
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--'))
      return usage(`--workspace runs the sessions saved in the file; "${arg}" does not belong with it.`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = WORKSPACE_OPTIONS.find((option) => option.name === name);
    if (!spec) return usage(`--${name} does not go with --workspace; the sessions' settings come from the file.`);
    if (spec.value === undefined) {
      if (eq >= 0) return usage(`--${name} takes no value.`);
      flags.add(name);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i]!;
    else return usage(`--${name} needs a value (${spec.value}).`);
    if (name === 'session') {
      if (value === '') return usage('--session needs the name or id of a session.');
      sessions.push(value);
    } else if (name === 'workspace') {
      if (file !== undefined) return usage('--workspace was given twice: run one workspace at a time.');
      if (value === '') return usage('--workspace needs a file name.');
      file = resolvePath(value);
    } else if (name === 'encoding') encodingText = value;
    else timeoutText = value;
  }
  if (file === undefined) return usage('--workspace needs a file name.');

  let encoding: Encoding | undefined;
  if (encodingText !== undefined) {
    const parsed = EncodingSchema.safeParse(normalizeEncoding(encodingText) ?? encodingText);
    if (!parsed.success) return usage(`--encoding: "${encodingText}" is not an encoding Sockpit knows.`);
    encoding = parsed.data;
  }
  let timeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    const seconds = Number(timeoutText);
    if (timeoutText.trim() === '' || !Number.isFinite(seconds) || seconds <= 0)
      return usage(`--timeout needs a number of seconds greater than 0, not "${timeoutText}".`);
    timeoutMs = Math.round(seconds * 1000);
  }
  return ok({
    action: 'workspace',
    file,
    sessions,
    ...(encoding ? { encoding } : {}),
    json: flags.has('json'),
    hex: flags.has('hex'),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
}
