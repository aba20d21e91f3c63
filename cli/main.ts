// `sockpit`: the headless face. It drives the same engine as the desktop app and the browser bridge,
// builds the same commands, and lets the contract's schemas judge every value, so a flag and a form
// field can never disagree about what is valid.
import { resolve as resolvePath } from 'node:path';
import packageJson from '../package.json';
import { buildPayload, createTextDecoder, normalizeEncoding, type TextDecoderState } from '../shared/codec';
import { CHECKSUMS, ENCODINGS, LINE_ENDINGS, type Encoding } from '../shared/codec/options';
import {
  CaptureFileFormat,
  parseCommand,
  type CaptureRecord,
  type Command,
  type EngineEvent,
  type SendPayload,
  type SendPayloadInput,
  type SendTarget,
  type SessionConfigInput,
} from '../shared/contract';
import { fail, ok, type Result, type SockpitError } from '../shared/result';
import { Engine } from '../engine/engine';
import { followRecords } from '../engine/follow-records';

export type Mode = 'tcp-server' | 'tcp-client' | 'udp';
const MODES: readonly Mode[] = ['tcp-server', 'tcp-client', 'udp'];

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
}

export type CliOptions = { action: 'help'; mode?: Mode } | { action: 'version' } | CliRun;

// ---------------------------------------------------------------------------------------------
// Options

interface OptionSpec {
  name: string;
  /** Placeholder of the value in help; absent for a flag. */
  value?: string;
  modes: readonly Mode[];
  help: string;
}

const ALL = MODES;
const SENDERS: readonly Mode[] = ['tcp-client', 'udp'];
const ANSWERERS: readonly Mode[] = ['tcp-server', 'udp'];

const OPTIONS: readonly OptionSpec[] = [
  { name: 'port', value: 'P', modes: ['tcp-server'], help: 'Port to listen on (0: the system picks a free one and the listening line shows it).' },
  { name: 'host', value: 'H', modes: ['tcp-server'], help: 'Address to listen on: 0.0.0.0 (default, every IPv4 address), ::, 127.0.0.1, ::1 or one interface.' },
  { name: 'max-clients', value: 'N', modes: ['tcp-server'], help: 'Accept at most N clients at once; more are closed at once and reported as refused.' },
  { name: 'idle-timeout', value: 'S', modes: ['tcp-server'], help: 'Close a client that sent or received nothing for S seconds.' },
  { name: 'bind', value: '[HOST:]PORT', modes: ['udp'], help: 'Local address to bind (default: a free port on every address).' },
  { name: 'to', value: 'HOST:PORT', modes: ['udp'], help: 'Where --send goes. IPv6 in brackets: [::1]:7890.' },
  { name: 'broadcast', modes: ['udp'], help: 'Allow sending to broadcast addresses.' },
  { name: 'send', value: 'TEXT', modes: SENDERS, help: 'Send TEXT (encoded with --encoding). Repeat for several sends, done in order.' },
  { name: 'send-hex', value: 'HEX', modes: SENDERS, help: 'Send these bytes, e.g. "48 65 6C 6C 6F". Mixes with --send in the order given.' },
  { name: 'wait', value: 'MS', modes: SENDERS, help: 'After the last send, keep listening MS milliseconds for replies, then exit (default 1000). Without any send (udp: or with --reply), run until the peer closes, --count, --timeout or Ctrl-C.' },
  { name: 'reply', value: 'TEXT', modes: ANSWERERS, help: 'Answer every received chunk (datagram) with TEXT, to the client (sender) it came from.' },
  { name: 'reply-hex', value: 'HEX', modes: ANSWERERS, help: 'Answer every received chunk with these bytes.' },
  { name: 'echo', modes: ALL, help: 'Send every received chunk (datagram) straight back, byte for byte, to where it came from; each echo shows as sent. Two ends that both echo bounce the data forever.' },
  { name: 'encoding', value: 'E', modes: ALL, help: `Text encoding for sends and for showing received bytes: ${ENCODINGS.join(', ')} (default utf-8).` },
  { name: 'escapes', modes: ALL, help: 'In text to send, \\r \\n \\t \\\\ \\0 and \\xNN stand for those bytes.' },
  { name: 'line-ending', value: LINE_ENDINGS.join('|'), modes: ALL, help: 'Append a line ending to every send (default none).' },
  { name: 'checksum', value: 'KIND', modes: ALL, help: `Append a checksum to every send: ${CHECKSUMS.join(', ')} (default none).` },
  { name: 'json', modes: ALL, help: 'Print one JSON object per line (NDJSON) per event instead of readable lines.' },
  { name: 'hex', modes: ALL, help: 'Readable output shows received and sent bytes as hex instead of text.' },
  { name: 'count', value: 'N', modes: ALL, help: 'Exit after N received data chunks (datagrams).' },
  { name: 'timeout', value: 'S', modes: ALL, help: 'Exit after S seconds.' },
  { name: 'capture-file', value: 'FILE', modes: ALL, help: 'Save to FILE as data arrives, every byte, whatever is printed (replaced if it exists). If the disk cannot keep up, reading TCP waits for it; UDP datagrams beyond a 256 MiB backlog are left out of the file and reported.' },
  { name: 'capture-format', value: 'raw|records', modes: ALL, help: 'raw (default): the received bytes only, in arrival order, as another tool wants them. records: every record both ways with its time, direction, connection and peer (layout in shared/contract/capture-file.ts).' },
  { name: 'capture-append', modes: ALL, help: 'Add to the end of the --capture-file instead of replacing it.' },
  { name: 'save', value: 'FILE', modes: ALL, help: 'Same as --capture-file FILE --capture-format raw: every received byte, in arrival order.' },
  { name: 'help', modes: ALL, help: 'Show this help.' },
  { name: 'version', modes: ALL, help: 'Show the version.' },
];

const OPTION_BY_NAME = new Map(OPTIONS.map((spec) => [spec.name, spec]));

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
  return message.replace(/\b((?:config|payload)\.\w+): /g, (whole, path: string) => (labels[path] ? `${labels[path]}: ` : whole));
}

const PAYLOAD_LABELS: Record<string, string> = {
  'payload.encoding': '--encoding',
  'payload.lineEnding': '--line-ending',
  'payload.checksum': '--checksum',
  'payload.escapes': '--escapes',
};

const CONFIG_LABELS: Record<Mode, Record<string, string>> = {
  'tcp-server': { 'config.port': '--port', 'config.host': '--host', 'config.maxClients': '--max-clients', 'config.idleTimeoutMs': '--idle-timeout' },
  'tcp-client': { 'config.host': 'HOST', 'config.port': 'PORT' },
  udp: { 'config.host': '--bind (host)', 'config.port': '--bind (port)', 'config.remoteHost': '--to (host)', 'config.remotePort': '--to (port)', 'config.broadcast': '--broadcast' },
};

/** Validate one payload with the contract's schema, then make its bytes with the codec, as the engine will. */
function checkPayload(raw: SendPayloadInput, option: string): Result<SendPayload> {
  const command = parseCommand({ type: 'send', sessionId: 'cli', payload: raw });
  if (!command.ok) return { ok: false, error: { ...command.error, message: relabel(command.error.message, PAYLOAD_LABELS) } };
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
    if (!arg.startsWith('--')) return usage(`Unknown option "${arg}".`, `Run "sockpit ${mode} --help" to see every option.`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = OPTION_BY_NAME.get(name);
    if (!spec) return usage(`Unknown option "--${name}".`, `Run "sockpit ${mode} --help" to see every option.`);
    if (name === 'help') return ok({ action: 'help', mode });
    if (name === 'version') return ok({ action: 'version' });
    if (!spec.modes.includes(mode)) {
      return usage(`--${name} does not apply to ${mode}; it works with ${spec.modes.join(' and ')}.`, `Run "sockpit ${mode} --help" to see its options.`);
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

  const replyOptions = ['reply', 'reply-hex', 'echo'].filter((name) => single.has(name) || flags.has(name));
  if (replyOptions.length > 1) return usage(`Choose one of ${replyOptions.map((name) => `--${name}`).join(' and ')}: each answers every received chunk.`);

  // Everything a send shares; the contract fills in defaults and judges the values.
  const encodingText = single.get('encoding');
  const encodingValue = encodingText === undefined ? 'utf-8' : (normalizeEncoding(encodingText) ?? encodingText);
  const common = {
    encoding: encodingValue,
    escapes: flags.has('escapes'),
    lineEnding: single.get('line-ending') ?? 'none',
    checksum: single.get('checksum') ?? 'none',
  } as SendPayloadInput;
  // Judge the shared values even when nothing will be sent, so "--encoding klingon" fails up front.
  const probe = checkPayload({ ...common, mode: 'text', data: '' }, '--encoding');
  if (!probe.ok) return probe;
  const encoding = probe.value.encoding;

  let config: Record<string, unknown>;
  if (mode === 'tcp-server') {
    if (positionals.length > 0) return usage(`tcp-server takes no HOST:PORT ("${positionals[0]}"); use --port and --host.`);
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
    if (positionals.length === 0) return usage('tcp-client needs HOST:PORT to connect to, e.g. sockpit tcp-client 127.0.0.1:7890.');
    if (positionals.length > 1) return usage(`tcp-client connects to one HOST:PORT; "${positionals[1]}" is one too many.`);
    const endpoint = splitEndpoint(positionals[0], 'HOST:PORT', false);
    if (!endpoint.ok) return endpoint;
    config = { kind: 'tcp-client', host: endpoint.value.host, port: endpoint.value.port };
  } else {
    if (positionals.length > 0) return usage(`udp takes no HOST:PORT ("${positionals[0]}"); use --to HOST:PORT and --bind [HOST:]PORT.`);
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
    if (sendOptions.length > 0 && to === undefined) return usage('udp --send needs --to HOST:PORT: a datagram needs somewhere to go.');
  }

  // Echo runs inside the engine: the reply leaves before this face even hears of the chunk.
  const echo = flags.has('echo');
  if (echo) config.echo = true;
  const create = parseCommand({ type: 'session.create', config: config as SessionConfigInput });
  if (!create.ok) return { ok: false, error: { ...create.error, message: relabel(create.error.message, CONFIG_LABELS[mode]) } };
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
  } else if (sends.length > 0 && !reply && !echo) {
    waitMs = 1000;
  }

  const save = single.get('save');
  const captureText = single.get('capture-file');
  if (save !== undefined && captureText !== undefined) return usage('--save FILE is short for --capture-file FILE --capture-format raw: give one of them.');
  const formatText = single.get('capture-format');
  if (save !== undefined && formatText !== undefined) return usage('--save always saves raw bytes; use --capture-file FILE --capture-format records for records.');
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

  return ok({
    action: 'run',
    mode,
    create: create.value,
    sends,
    reply,
    encoding,
    json: flags.has('json'),
    hex: flags.has('hex'),
    count,
    timeoutMs,
    waitMs,
    captureFile,
  });
}

// ---------------------------------------------------------------------------------------------
// Help

const SYNOPSIS: Record<Mode, string> = {
  'tcp-server': 'sockpit tcp-server --port P [--host H] [--reply TEXT | --reply-hex HEX | --echo] [--max-clients N] [--idle-timeout S] [--capture-file FILE] [options]',
  'tcp-client': 'sockpit tcp-client HOST:PORT [--send TEXT]… [--send-hex HEX]… [--wait MS] [--echo] [--capture-file FILE] [options]',
  udp: 'sockpit udp [--bind [HOST:]PORT] [--to HOST:PORT] [--send TEXT]… [--send-hex HEX]… [--reply TEXT | --reply-hex HEX | --echo] [--broadcast] [options]',
};

const ABOUT: Record<Mode, string> = {
  'tcp-server': 'Listen for TCP clients and show what they send.',
  'tcp-client': 'Connect to a TCP server, send, and show what comes back.',
  udp: 'Send and receive UDP datagrams.',
};

function optionLines(mode: Mode | undefined): string[] {
  const specs = OPTIONS.filter((spec) => !mode || spec.modes.includes(mode));
  const heads = specs.map((spec) => `  --${spec.name}${spec.value ? ` ${spec.value}` : ''}`);
  const width = Math.min(Math.max(...heads.map((head) => head.length)) + 2, 30);
  return specs.map((spec, i) => {
    const modes = !mode && spec.modes.length < MODES.length ? ` [${spec.modes.join(', ')}]` : '';
    const head = heads[i];
    const body = wrap(`${spec.help}${modes}`, HELP_WIDTH - width).join(`\n${' '.repeat(width)}`);
    return head.length + 2 > width ? `${head}\n${' '.repeat(width)}${body}` : `${head.padEnd(width)}${body}`;
  });
}

const HELP_WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function helpText(mode?: Mode): string {
  const output = [
    'Output: readable lines such as "[12:03:04.123456] RX 127.0.0.1:5555 (5 B) hello", or with --json one object',
    'per line: event (listening, connected, accepted, data, sent, closed, refused, error), time (ISO, µs),',
    'dir (rx/tx), peer (host:port), conn, hex, text, bytes, reason (closed), code/message/hint (error).',
    '',
    'Exit status: 0 done; 1 the network said no (port busy, nothing listening, …); 2 a bad option or value.',
    'Values are checked before any socket is opened. Ctrl-C stops cleanly.',
  ];
  if (mode) {
    return [`Usage: ${SYNOPSIS[mode]}`, '', ABOUT[mode], '', 'Options:', ...optionLines(mode), '', ...output, ''].join('\n');
  }
  return [
    `Sockpit ${packageJson.version}: a network debugging assistant for TCP and UDP, in any text encoding or hex.`,
    '',
    'Usage:',
    ...MODES.map((m) => `  ${SYNOPSIS[m]}`),
    '  sockpit <mode> --help      options of one mode',
    '  sockpit --version',
    '',
    'Options:',
    ...optionLines(undefined),
    '',
    ...output,
    '',
    'Examples:',
    '  sockpit tcp-server --port 7890 --encoding gbk',
    '  sockpit tcp-client 127.0.0.1:7890 --send "hello" --send-hex "0D 0A" --wait 2000',
    '  sockpit udp --to [::1]:9000 --send ping --json',
    '  sockpit udp --bind 127.0.0.1:9000 --reply pong',
    '  sockpit tcp-server --port 7890 --echo --capture-file capture.spcap --capture-format records',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Output

export type CliEventName = 'listening' | 'connected' | 'accepted' | 'data' | 'sent' | 'closed' | 'refused' | 'error';

/** One line of output. Field names are the NDJSON format people script against: keep them stable. */
export interface CliEvent {
  event: CliEventName;
  /** ISO 8601 in UTC with microseconds. */
  time: string;
  dir?: 'rx' | 'tx';
  conn?: string;
  peer?: string;
  local?: string;
  bytes?: number;
  hex?: string;
  text?: string;
  reason?: string;
  limit?: string;
  code?: string;
  message?: string;
  hint?: string;
  position?: number;
}

export function isoMicros(wallUs: number): string {
  const micros = ((wallUs % 1_000_000) + 1_000_000) % 1_000_000;
  const iso = new Date(Math.floor(wallUs / 1000)).toISOString();
  return `${iso.slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function localClock(time: string): string {
  const date = new Date(time);
  const micros = /\.(\d{6})Z$/.exec(time)?.[1] ?? String(date.getMilliseconds()).padStart(3, '0') + '000';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${micros}`;
}

/** Keep one record on one line: control characters become visible escapes. */
export function visibleText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => {
    switch (char) {
      case '\r':
        return '\\r';
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      default:
        return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

function spacedHex(hex: string): string {
  return (hex.match(/../g) ?? []).join(' ');
}

/** Pure: one event, one line (no trailing newline). */
export function formatEvent(event: CliEvent, style: { json: boolean; hex?: boolean }): string {
  if (style.json) return JSON.stringify(event);
  const stamp = `[${localClock(event.time)}]`;
  switch (event.event) {
    case 'listening':
      return `${stamp} Listening on ${event.local}`;
    case 'connected':
      return `${stamp} Connected to ${event.peer}${event.local ? ` from ${event.local}` : ''}`;
    case 'accepted':
      return `${stamp} Accepted ${event.peer}${event.conn ? ` (${event.conn})` : ''}`;
    case 'data':
    case 'sent': {
      const body = style.hex ? spacedHex(event.hex ?? '') : visibleText(event.text ?? '');
      return `${stamp} ${event.dir === 'tx' ? 'TX' : 'RX'} ${event.peer} (${event.bytes} B) ${body}`.trimEnd();
    }
    case 'closed':
      return `${stamp} Closed ${event.peer}${event.reason ? ` (${event.reason})` : ''}${event.message ? `: ${event.message}` : ''}`;
    case 'refused':
      return `${stamp} Refused ${event.peer}${event.limit ? ` (over ${event.limit})` : ''}`;
    case 'error':
      return `${stamp} Error: ${event.message}${event.hint ? `\n  Hint: ${event.hint}` : ''}`;
  }
}

/** For stderr: the plain words and what to try, never a stack. */
export function formatFailure(error: SockpitError): string {
  return `sockpit: ${error.message}${error.hint ? `\nHint: ${error.hint}` : ''}`;
}

function errorEvent(error: SockpitError, time = isoMicros(nowUs())): CliEvent {
  return {
    event: 'error',
    time,
    code: error.code,
    message: error.message,
    ...(error.hint ? { hint: error.hint } : {}),
    ...(error.position !== undefined ? { position: error.position } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Running

export type EngineLike = Pick<Engine, 'run' | 'subscribe' | 'onRecords' | 'capture' | 'shutdown'>;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  createEngine(): EngineLike;
  /** Calls `stop` on SIGINT/SIGTERM; returns a function that stops listening. */
  onStopSignal(stop: () => void): () => void;
}

export function processIo(): CliIo {
  return {
    out: (line) => {
      process.stdout.write(`${line}\n`);
    },
    err: (line) => {
      process.stderr.write(`${line}\n`);
    },
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

class Runner {
  private sessionId?: string;
  private readonly decoders = new Map<string, TextDecoderState>();
  private readonly printedErrors = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private received = 0;
  private finishing = false;
  private connectionId?: string;
  private resolveConnected?: (connected: boolean) => void;
  private resolveDone!: (code: number) => void;
  private readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));
  private unsubscribe?: () => void;
  private stopFollowing?: () => void;

  constructor(
    private readonly options: CliRun,
    private readonly engine: EngineLike,
    private readonly io: CliIo,
  ) {}

  async run(): Promise<number> {
    const { options, engine } = this;
    this.unsubscribe = engine.subscribe((event) => {
      try {
        this.onEvent(event);
      } catch (err) {
        // Throwing into the engine's emitter would hurt the sessions, not just this face.
        this.io.err(`sockpit: internal error: ${(err as Error)?.message ?? String(err)}`);
        void this.finish(1);
      }
    });
    this.stopFollowing = followRecords(engine, {
      onRecord: (record) => {
        if (this.sessionId !== undefined && record.sessionId !== this.sessionId) return;
        // Past the end only our own replies still going out are worth showing.
        if (!this.finishing || record.dir === 'tx') this.onRecord(record);
      },
    });
    const stopSignals = this.io.onStopSignal(() => void this.finish(0));
    try {
      const created = await engine.run(options.create);
      if (!created.ok) return this.abort(created.error);
      this.sessionId = created.value.sessionId;
      if (options.captureFile) {
        // Armed before the start, so the file has the very first byte.
        const saving = await engine.run({ type: 'capture.file.start', sessionId: this.sessionId, ...options.captureFile });
        if (!saving.ok) return this.abort(saving.error);
      }
      if (options.timeoutMs !== undefined) this.timers.push(setTimeout(() => void this.finish(0), options.timeoutMs));
      const connected = options.mode === 'tcp-client' ? new Promise<boolean>((resolve) => (this.resolveConnected = resolve)) : undefined;
      const started = await engine.run({ type: 'session.start', sessionId: this.sessionId });
      if (!started.ok) return this.abort(started.error);
      if (options.mode === 'tcp-client') {
        if (started.value.state === 'connected') this.onConnected(started.value.remote, started.value.local);
        else if (started.value.state === 'failed') this.fatal(started.value.error);
        if (!(await Promise.race([connected, this.done.then(() => false)]))) return await this.done;
      }
      void this.sendAll();
      return await this.done;
    } finally {
      stopSignals();
    }
  }

  private async abort(error: SockpitError): Promise<number> {
    this.fatal(error, error.code === 'E_VALIDATION' ? 2 : 1);
    return this.done;
  }

  private async sendAll(): Promise<void> {
    const { options } = this;
    for (const payload of options.sends) {
      if (this.finishing) return;
      const sent = await this.engine.run({ type: 'send', sessionId: this.sessionId!, payload });
      if (!sent.ok) return this.fatal(sent.error);
    }
    if (options.waitMs !== undefined) this.timers.push(setTimeout(() => void this.finish(0), options.waitMs));
  }

  private emit(event: CliEvent): void {
    const line = formatEvent(event, this.options);
    if (event.event === 'error' && !this.options.json) this.io.err(line);
    else this.io.out(line);
  }

  /** The engine can report one failure twice (a failed state and an error event): say it once. */
  private reportError(error: SockpitError, time?: string): boolean {
    const key = `${error.code}\u0000${error.message}`;
    if (this.printedErrors.has(key)) return false;
    this.printedErrors.add(key);
    this.emit(errorEvent(error, time));
    return true;
  }

  private fatal(error: SockpitError | undefined, code = 1): void {
    if (this.finishing) return;
    const problem = error ?? { code: 'E_INTERNAL', message: 'The session failed without saying why.' };
    this.reportError(problem);
    // In readable mode the error line already went to stderr; NDJSON consumers read stdout, people read stderr.
    if (this.options.json) this.io.err(formatFailure(problem));
    void this.finish(code);
  }

  private async finish(code: number): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.resolveConnected?.(false);
    // Replies already on their way must reach the wire before the sockets close.
    await Promise.allSettled([...this.pending]);
    try {
      await this.engine.shutdown();
    } catch (err) {
      this.io.err(`sockpit: stopping the engine failed: ${(err as Error).message}`);
      code = code || 1;
    }
    this.unsubscribe?.();
    this.stopFollowing?.();
    this.resolveDone(code);
  }

  private onConnected(remote: string | undefined, local: string | undefined): void {
    if (!this.resolveConnected) return;
    this.emit({ event: 'connected', time: isoMicros(nowUs()), peer: remote, ...(local ? { local } : {}), ...(this.connectionId ? { conn: this.connectionId } : {}) });
    this.resolveConnected(true);
    this.resolveConnected = undefined;
  }

  private onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'session.state': {
        const { session } = event;
        if (this.sessionId !== undefined && session.sessionId !== this.sessionId) return;
        // A capture file that cannot be written is fatal: whoever asked for it relies on it.
        if (session.captureFile?.state === 'error') this.fatal(session.captureFile.error);
        if (session.state === 'listening') this.emit({ event: 'listening', time: isoMicros(nowUs()), local: session.local });
        else if (session.state === 'connected') this.onConnected(session.remote, session.local);
        else if (session.state === 'failed') this.fatal(session.error);
        return;
      }
      case 'connection.opened': {
        const { connection } = event;
        if (this.options.mode === 'tcp-client') {
          this.connectionId = connection.connectionId;
          return;
        }
        if (this.finishing) return;
        this.emit({ event: 'accepted', time: isoMicros(nowUs()), conn: connection.connectionId, peer: connection.peer, local: connection.local });
        return;
      }
      case 'connection.closed': {
        const { connection, reason, error } = event;
        this.emit({
          event: 'closed',
          time: isoMicros(nowUs()),
          conn: connection.connectionId,
          peer: connection.peer,
          reason,
          ...(error ? { code: error.code, message: error.message } : {}),
        });
        for (const dir of ['rx', 'tx']) this.decoders.delete(`${connection.connectionId}/${dir}`);
        // A client has nothing left to wait for once its only connection is gone.
        if (this.options.mode === 'tcp-client' && !this.finishing) {
          if (reason === 'error' && error) this.fatal(error);
          else void this.finish(0);
        }
        return;
      }
      case 'connection.refused':
        if (!this.finishing) this.emit({ event: 'refused', time: isoMicros(nowUs()), peer: event.peer, limit: event.limit });
        return;
      case 'error':
        if (!this.finishing) this.reportError(event.error);
        return;
      default:
        return;
    }
  }

  private onRecord(record: CaptureRecord): void {
    const { options } = this;
    // One decoder per connection (UDP: per peer) and direction, so a character split across reads still decodes.
    const key = `${record.connectionId ?? record.peer}/${record.dir}`;
    let decoder = this.decoders.get(key);
    if (!decoder) this.decoders.set(key, (decoder = createTextDecoder(options.encoding)));
    const bytes = record.bytes;
    const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
    this.emit({
      event: record.dir === 'rx' ? 'data' : 'sent',
      time: isoMicros(record.wallUs),
      dir: record.dir,
      ...(record.connectionId ? { conn: record.connectionId } : {}),
      peer: record.peer,
      bytes: bytes.byteLength,
      hex,
      text: decoder.write(bytes),
    });
    if (record.dir !== 'rx' || this.finishing) return;
    if (options.reply) this.answer(record);
    this.received++;
    if (options.count !== undefined && this.received >= options.count) void this.finish(0);
  }

  private answer(record: CaptureRecord): void {
    const { reply } = this.options;
    if (!reply || this.sessionId === undefined) return;
    const payload: SendPayloadInput = reply.payload;
    let target: SendTarget;
    if (record.connectionId !== null) target = { to: 'connections', connectionIds: [record.connectionId] };
    else target = { to: 'reply', seq: record.seq };
    const sending = this.engine.run({ type: 'send', sessionId: this.sessionId, payload, target }).then((result) => {
      if (!result.ok && !this.finishing) this.reportError(result.error);
    });
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }
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
    io.out(`sockpit ${packageJson.version}`);
    return 0;
  }
  try {
    return await new Runner(options, io.createEngine(), io).run();
  } catch (err) {
    io.err(`sockpit: internal error: ${(err as Error)?.message ?? String(err)}`);
    io.err('This is a bug in Sockpit; please report it with the command you ran.');
    return 1;
  }
}
