// argv in, what to do out. The contract's schemas judge every value, so a flag and a form field can
// never disagree about what is valid; nothing here touches a socket or a file.
import { resolve as resolvePath } from 'node:path';
import { buildPayload, normalizeEncoding } from '../shared/codec';
import type { Encoding } from '../shared/codec/options';
import {
  CaptureFileFormat,
  parseCommand,
  type Command,
  type SendPayload,
  type SendPayloadInput,
  type SessionConfigInput,
} from '../shared/contract';
import { parseFramingText } from '../shared/framing';
import { fail, ok, type Result } from '../shared/result';
import { MODES, OPTION_BY_NAME, type Mode } from './options';
import { parseCounter, parseSchedule, type SendSchedule } from './send-schedule';
import { isWorkspaceRun, parseWorkspaceArgs, type WorkspaceRunOptions } from './workspace-args';

export type CreateCommand = Extract<Command, { type: 'session.create' }>;
export type Reply = { kind: 'payload'; payload: SendPayload; option: string };

export interface CaptureFileChoice {
  /** Absolute: a relative one was resolved against the folder the CLI runs in. */
  path: string;
  format: CaptureFileFormat;
  append: boolean;
}

export interface CliRun {
  action: 'run';
  mode: Mode;
  /** Already validated by the contract: nothing invalid ever reaches a socket. */
  create: CreateCommand;
  /** In the order they were given, each validated and encodable. */
  sends: SendPayload[];
  reply?: Reply;
  /** Auto-reply rules to load (absolute path); the runner reads and judges the file. */
  rulesFile?: string;
  /** How received bytes are decoded for `text`. */
  encoding: Encoding;
  json: boolean;
  /** Readable output shows hex instead of text. */
  hex: boolean;
  count?: number;
  timeoutMs?: number;
  /** End this long after the last send; undefined: run until --count, --timeout, the peer or a signal ends it. */
  waitMs?: number;
  captureFile?: CaptureFileChoice;
  /** --interval / --repeat: the engine paces the sends (send.repeat or send.sequence). */
  schedule?: SendSchedule;
  sendFile?: SendFileChoice;
}

/** --send-file: judged by the contract's `file.send.start` schema; the file itself is opened by the engine. */
export interface SendFileChoice {
  /** Absolute: a relative one was resolved against the folder the CLI runs in. */
  path: string;
  chunkBytes?: number;
  pauseMs: number;
}

export type CliOptions = { action: 'help'; mode?: Mode } | { action: 'version' } | CliRun | WorkspaceRunOptions;

function usage(message: string, hint?: string): Result<never> {
  return fail('E_USAGE', message, { hint: hint ?? 'Run "sockpit --help" to see every option.' });
}

/** A number for the contract to judge; text that is not one goes through as is, and the schema says why. */
function numberish(text: string): number | string {
  return /^[+-]?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
}

function positiveNumber(option: string, text: string, what: string, integer: boolean): Result<number> {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    return usage(`--${option} needs ${what}, not "${text}".`);
  }
  return ok(value);
}

interface Endpoint {
  host?: string;
  port?: number | string;
}

/**
 * Split "host:port", "[v6]:port" and, where the host may be left out, "port". The parts are
 * judged by the contract, not here.
 */
export function splitEndpoint(text: string, what: string, hostOptional: boolean): Result<Endpoint> {
  const example = hostOptional ? '7890, 127.0.0.1:7890 or [::1]:7890' : '127.0.0.1:7890 or [::1]:7890';
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  let host: string | undefined;
  let port: string | undefined;
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2];
  } else if (hostOptional && /^\d+$/.test(text)) {
    port = text;
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1) return usage(`${what} "${text}": write an IPv6 address in brackets, e.g. [::1]:7890.`);
    if (colons === 0) return usage(`${what} needs HOST:PORT, e.g. ${example}; "${text}" has no port.`);
    [host, port] = text.split(':');
  }
  if (port === undefined || port === '') return usage(`${what} "${text}" has no port: write it as ${example}.`);
  return ok({ host, port: numberish(port) });
}

/** The contract names fields as the engine knows them; a person typed flags. */
function relabel(message: string, labels: Record<string, string>): string {
  return message.replace(/\b((?:config|payload)\.\w+): /g, (whole, path: string) =>
    labels[path] ? `${labels[path]}: ` : whole,
  );
}

const PAYLOAD_LABELS: Record<string, string> = {
  'payload.encoding': '--encoding',
  'payload.lineEnding': '--line-ending',
  'payload.checksum': '--checksum',
  'payload.escapes': '--escapes',
};

const CONFIG_LABELS: Record<Mode, Record<string, string>> = {
  'tcp-server': {
    'config.port': '--port',
    'config.host': '--host',
    'config.maxClients': '--max-clients',
    'config.idleTimeoutMs': '--idle-timeout',
  },
  'tcp-client': { 'config.host': 'HOST', 'config.port': 'PORT' },
  udp: {
    'config.host': '--bind (host)',
    'config.port': '--bind (port)',
    'config.remoteHost': '--to (host)',
    'config.remotePort': '--to (port)',
    'config.broadcast': '--broadcast',
  },
};

/** Validate one payload with the contract's schema, then make its bytes with the codec, as the engine will. */
function checkPayload(raw: SendPayloadInput, option: string): Result<SendPayload> {
  const command = parseCommand({ type: 'send', sessionId: 'cli', payload: raw });
  if (!command.ok)
    return { ok: false, error: { ...command.error, message: relabel(command.error.message, PAYLOAD_LABELS) } };
  if (command.value.type !== 'send') return fail('E_INTERNAL', 'A send command did not come back as one.');
  const payload = command.value.payload;
  const built = buildPayload(payload);
  if (!built.ok) {
    const { position, message } = built.error;
    // A caret under the spot helps only while the input fits on one line.
    const pointable = position !== undefined && payload.data.length <= 100 && !/[\r\n]/.test(payload.data);
    const where = pointable ? `\n    ${payload.data}\n    ${' '.repeat(position)}^` : '';
    return { ok: false, error: { ...built.error, message: `${option} "${payload.data}": ${message}${where}` } };
  }
  return ok(payload);
}

/** Pure: argv (without node and the script) in, what to do out. Touches no socket and no file. */
export function parseArgs(argv: readonly string[]): Result<CliOptions> {
  const args = [...argv];
  if (args.length === 0) return usage('Choose a mode: tcp-server, tcp-client or udp.');
  const first = args[0];
  if (first === '--help' || first === '-h' || first === 'help') {
    const mode = args[1] as Mode | undefined;
    return ok({ action: 'help', mode: mode && MODES.includes(mode) ? mode : undefined });
  }
  if (first === '--version' || first === '-V') return ok({ action: 'version' });
  if (isWorkspaceRun(args))
    return args.includes('--help') || args.includes('-h') ? ok({ action: 'help' }) : parseWorkspaceArgs(args);
  if (!MODES.includes(first as Mode)) {
    return first.startsWith('-')
      ? usage(`Choose a mode before options: tcp-server, tcp-client or udp (got "${first}" first).`)
      : usage(`Unknown mode "${first}": choose tcp-server, tcp-client or udp.`);
  }
  const mode = first as Mode;
  // Asking for help must work even in a command line that is wrong in other ways.
  const beforeDashDash = args.indexOf('--') < 0 ? args : args.slice(0, args.indexOf('--'));
  if (beforeDashDash.includes('--help') || beforeDashDash.includes('-h')) return ok({ action: 'help', mode });

  const single = new Map<string, string>();
  const flags = new Set<string>();
  const sendOptions: Array<{ option: 'send' | 'send-hex'; value: string }> = [];
  const positionals: string[] = [];
  let onlyPositionals = false;

  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg === '-h') return ok({ action: 'help', mode });
    if (!arg.startsWith('--'))
      return usage(`Unknown option "${arg}".`, `Run "sockpit ${mode} --help" to see every option.`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = OPTION_BY_NAME.get(name);
    if (!spec) return usage(`Unknown option "--${name}".`, `Run "sockpit ${mode} --help" to see every option.`);
    if (name === 'help') return ok({ action: 'help', mode });
    if (name === 'version') return ok({ action: 'version' });
    if (!spec.modes.includes(mode)) {
      return usage(
        `--${name} does not apply to ${mode}; it works with ${spec.modes.join(' and ')}.`,
        `Run "sockpit ${mode} --help" to see its options.`,
      );
    }
    if (spec.value === undefined) {
      if (eq >= 0) return usage(`--${name} takes no value.`);
      flags.add(name);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    else return usage(`--${name} needs a value (${spec.value}).`);
    if (name === 'send' || name === 'send-hex') sendOptions.push({ option: name, value });
    else if (single.has(name)) return usage(`--${name} was given twice.`);
    else single.set(name, value);
  }

  const replyOptions = ['reply', 'reply-hex', 'rules', 'echo'].filter((name) => single.has(name) || flags.has(name));
  if (replyOptions.length > 1)
    return usage(
      `Choose one of ${replyOptions.map((name) => `--${name}`).join(' and ')}: each answers every received chunk.`,
    );

  // Everything a send shares; the contract fills in defaults and judges the values.
  const encodingText = single.get('encoding');
  const encodingValue = encodingText === undefined ? 'utf-8' : (normalizeEncoding(encodingText) ?? encodingText);
  const common = {
    encoding: encodingValue,
    escapes: flags.has('escapes'),
    lineEnding: single.get('line-ending') ?? 'none',
    checksum: single.get('checksum') ?? 'none',
  } as SendPayloadInput;
  const counterText = single.get('counter');
  if (counterText !== undefined) {
    const counter = parseCounter(counterText);
    if (!counter.ok) return counter;
    common.fields = { counter: counter.value };
  }
  const schedule = parseSchedule(single.get('interval'), single.get('repeat'));
  if (!schedule.ok) return schedule;
  if (schedule.value && sendOptions.length === 0)
    return usage(
      `--${single.has('interval') ? 'interval' : 'repeat'} paces --send and --send-hex items; give at least one.`,
    );
  // Judge the shared values even when nothing will be sent, so "--encoding klingon" fails up front.
  const probe = checkPayload({ ...common, mode: 'text', data: '' }, '--encoding');
  if (!probe.ok) return probe;
  const encoding = probe.value.encoding;

  let config: Record<string, unknown>;
  if (mode === 'tcp-server') {
    if (positionals.length > 0)
      return usage(`tcp-server takes no HOST:PORT ("${positionals[0]}"); use --port and --host.`);
    const port = single.get('port');
    if (port === undefined) return usage('tcp-server needs --port P (0 lets the system choose a free port).');
    config = { kind: 'tcp-server', port: numberish(port) };
    if (single.has('host')) config.host = single.get('host');
    const maxClients = single.get('max-clients');
    if (maxClients !== undefined) config.maxClients = numberish(maxClients);
    const idle = single.get('idle-timeout');
    if (idle !== undefined) {
      const seconds = positiveNumber('idle-timeout', idle, 'a number of seconds', false);
      if (!seconds.ok) return seconds;
      config.idleTimeoutMs = Math.round(seconds.value * 1000);
    }
  } else if (mode === 'tcp-client') {
    if (positionals.length === 0)
      return usage('tcp-client needs HOST:PORT to connect to, e.g. sockpit tcp-client 127.0.0.1:7890.');
    if (positionals.length > 1)
      return usage(`tcp-client connects to one HOST:PORT; "${positionals[1]}" is one too many.`);
    const endpoint = splitEndpoint(positionals[0], 'HOST:PORT', false);
    if (!endpoint.ok) return endpoint;
    config = { kind: 'tcp-client', host: endpoint.value.host, port: endpoint.value.port };
  } else {
    if (positionals.length > 0)
      return usage(`udp takes no HOST:PORT ("${positionals[0]}"); use --to HOST:PORT and --bind [HOST:]PORT.`);
    config = { kind: 'udp' };
    const to = single.get('to');
    let toHost: string | undefined;
    if (to !== undefined) {
      const endpoint = splitEndpoint(to, '--to', false);
      if (!endpoint.ok) return endpoint;
      toHost = endpoint.value.host;
      config.remoteHost = endpoint.value.host;
      config.remotePort = endpoint.value.port;
    }
    const bind = single.get('bind');
    if (bind !== undefined) {
      const endpoint = splitEndpoint(bind, '--bind', true);
      if (!endpoint.ok) return endpoint;
      if (endpoint.value.host !== undefined) config.host = endpoint.value.host;
      config.port = endpoint.value.port;
    }
    // An IPv6 destination needs an IPv6 socket.
    if (config.host === undefined && toHost?.includes(':')) config.host = '::';
    if (flags.has('broadcast')) config.broadcast = true;
    if (sendOptions.length > 0 && to === undefined)
      return usage('udp --send needs --to HOST:PORT: a datagram needs somewhere to go.');
    if (single.has('send-file') && to === undefined)
      return usage('udp --send-file needs --to HOST:PORT: its datagrams need somewhere to go.');
  }

  const frameText = single.get('frame');
  if (frameText !== undefined) {
    const framing = parseFramingText(frameText);
    if (!framing.ok)
      return { ok: false, error: { ...framing.error, message: `--frame "${frameText}": ${framing.error.message}` } };
    config.framing = framing.value;
  }

  const greetingOptions = ['greeting', 'greeting-hex'].filter((name) => single.has(name));
  if (greetingOptions.length > 1) return usage('Choose one of --greeting and --greeting-hex.');
  for (const option of ['greeting', 'greeting-hex'] as const) {
    const value = single.get(option);
    if (value === undefined) continue;
    const payload = checkPayload(
      { ...common, mode: option === 'greeting' ? 'text' : 'hex', data: value },
      `--${option}`,
    );
    if (!payload.ok) return payload;
    config.greeting = payload.value;
  }

  // Echo runs inside the engine: the reply leaves before this face even hears of the chunk.
  const echo = flags.has('echo');
  if (echo) config.echo = true;
  const create = parseCommand({ type: 'session.create', config: config as SessionConfigInput });
  if (!create.ok)
    return { ok: false, error: { ...create.error, message: relabel(create.error.message, CONFIG_LABELS[mode]) } };
  if (create.value.type !== 'session.create') return fail('E_INTERNAL', 'A create command did not come back as one.');

  const sends: SendPayload[] = [];
  for (const { option, value } of sendOptions) {
    const payload = checkPayload({ ...common, mode: option === 'send' ? 'text' : 'hex', data: value }, `--${option}`);
    if (!payload.ok) return payload;
    sends.push(payload.value);
  }

  let reply: Reply | undefined;
  for (const option of ['reply', 'reply-hex'] as const) {
    const value = single.get(option);
    if (value === undefined) continue;
    const payload = checkPayload({ ...common, mode: option === 'reply' ? 'text' : 'hex', data: value }, `--${option}`);
    if (!payload.ok) return payload;
    reply = { kind: 'payload', payload: payload.value, option: `--${option}` };
  }

  let count: number | undefined;
  const countText = single.get('count');
  if (countText !== undefined) {
    const parsed = positiveNumber('count', countText, 'a whole number of received chunks, at least 1', true);
    if (!parsed.ok) return parsed;
    count = parsed.value;
  }
  let timeoutMs: number | undefined;
  const timeoutText = single.get('timeout');
  if (timeoutText !== undefined) {
    const parsed = positiveNumber('timeout', timeoutText, 'a number of seconds greater than 0', false);
    if (!parsed.ok) return parsed;
    timeoutMs = Math.round(parsed.value * 1000);
  }
  let waitMs: number | undefined;
  const waitText = single.get('wait');
  if (waitText !== undefined) {
    if (!/^\d+$/.test(waitText.trim())) return usage(`--wait needs a whole number of milliseconds, not "${waitText}".`);
    waitMs = Number(waitText);
  } else if ((sends.length > 0 || single.has('send-file')) && !reply && !echo && !single.has('rules')) {
    waitMs = 1000;
  }
  const sendFile = parseSendFile(single);
  if (!sendFile.ok) return sendFile;

  const save = single.get('save');
  const captureText = single.get('capture-file');
  if (save !== undefined && captureText !== undefined)
    return usage('--save FILE is short for --capture-file FILE --capture-format raw: give one of them.');
  const formatText = single.get('capture-format');
  if (save !== undefined && formatText !== undefined)
    return usage('--save always saves raw bytes; use --capture-file FILE --capture-format records for records.');
  const capturePath = save ?? captureText;
  if (capturePath === '') return usage(`--${save !== undefined ? 'save' : 'capture-file'} needs a file name.`);
  if (capturePath === undefined && (formatText !== undefined || flags.has('capture-append'))) {
    return usage(`--${formatText !== undefined ? 'capture-format' : 'capture-append'} needs --capture-file FILE.`);
  }
  let captureFile: CaptureFileChoice | undefined;
  if (capturePath !== undefined) {
    const format = CaptureFileFormat.safeParse(formatText ?? 'raw');
    if (!format.success) return usage(`--capture-format: ${format.error.issues[0].message}`);
    captureFile = { path: resolvePath(capturePath), format: format.data, append: flags.has('capture-append') };
  }

  const rulesText = single.get('rules');
  if (rulesText === '') return usage('--rules needs a file name.');

  return ok({
    action: 'run',
    mode,
    create: create.value,
    sends,
    reply,
    rulesFile: rulesText === undefined ? undefined : resolvePath(rulesText),
    encoding,
    json: flags.has('json'),
    hex: flags.has('hex'),
    count,
    timeoutMs,
    waitMs,
    captureFile,
    ...(schedule.value ? { schedule: schedule.value } : {}),
    ...(sendFile.value ? { sendFile: sendFile.value } : {}),
  });
}

const FILE_LABELS: Record<string, string> = { chunkBytes: '--chunk', pauseMs: '--pause', 'source.path': '--send-file' };

function parseSendFile(single: Map<string, string>): Result<SendFileChoice | undefined> {
  const pathText = single.get('send-file');
  const chunkText = single.get('chunk');
  const pauseText = single.get('pause');
  if (pathText === undefined) {
    if (chunkText !== undefined || pauseText !== undefined)
      return usage(`--${chunkText !== undefined ? 'chunk' : 'pause'} goes with --send-file PATH.`);
    return ok(undefined);
  }
  if (pathText === '') return usage('--send-file needs a file name.');
  const path = resolvePath(pathText);
  const probe = parseCommand({
    type: 'file.send.start',
    sessionId: 'cli',
    source: { kind: 'path', path },
    ...(chunkText !== undefined ? { chunkBytes: numberish(chunkText) } : {}),
    ...(pauseText !== undefined ? { pauseMs: numberish(pauseText) } : {}),
  });
  if (!probe.ok) {
    const message = probe.error.message.replace(/\b(chunkBytes|pauseMs|source\.path): /g, (whole, field: string) =>
      FILE_LABELS[field] ? `${FILE_LABELS[field]}: ` : whole,
    );
    return { ok: false, error: { ...probe.error, message } };
  }
  if (probe.value.type !== 'file.send.start') return fail('E_INTERNAL', 'A file command did not come back as one.');
  return ok({ path, chunkBytes: probe.value.chunkBytes, pauseMs: probe.value.pauseMs });
}
