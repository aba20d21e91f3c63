// What `sockpit --help` and `sockpit <mode> --help` print, laid out from the option table.
import { version } from '../package.json';
import { MODES, OPTIONS, type Mode } from './options';
import { WORKSPACE_OPTIONS } from './workspace-args';

const SYNOPSIS: Record<Mode, string> = {
  'tcp-server':
    'sockpit tcp-server --port P [--host H] [--reply TEXT | --reply-hex HEX | --rules FILE | --echo] [--greeting TEXT] [--max-clients N] [--idle-timeout S] [--capture-file FILE] [options]',
  'tcp-client':
    'sockpit tcp-client HOST:PORT [--send TEXT]… [--send-hex HEX]… [--interval MS] [--repeat N|forever] [--greeting TEXT] [--wait MS] [--rules FILE | --echo] [--capture-file FILE] [options]',
  udp: 'sockpit udp [--bind [HOST:]PORT] [--to HOST:PORT] [--send TEXT]… [--send-hex HEX]… [--interval MS] [--repeat N|forever] [--reply TEXT | --reply-hex HEX | --rules FILE | --echo] [--broadcast] [options]',
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

/** The send-time placeholders, written the same in the app's message box and in every TEXT or HEX here. */
const PLACEHOLDERS = [
  'Placeholders in --send, --send-hex, --reply and --greeting, filled in at each send ({{ is a literal "{"):',
  '  {counter}  the send counter (--counter)         {len}       the message length, 1 byte',
  '  {checksum} where the --checksum goes            {time}      local time, YYYY-MM-DD HH:MM:SS.mmm',
  '  {unix}     seconds since 1970 (text)            {unixms}    milliseconds since 1970 (text)',
];

export function helpText(mode?: Mode): string {
  const output = [
    ...PLACEHOLDERS,
    '',
    'Output: readable lines such as "[12:03:04.123456] RX 127.0.0.1:5555 (5 B) hello", or with --json one object',
    'per line: event (listening, connected, accepted, data, sent, closed, refused, error), time (ISO, µs),',
    'dir (rx/tx), peer (host:port), conn, hex, text, bytes, reason (closed), code/message/hint (error),',
    'bad (with --frame: why a received message is not a good one). With --frame each data line is one message.',
    '',
    'Exit status: 0 done; 1 the network said no (port busy, nothing listening, …); 2 a bad option or value.',
    'Values are checked before any socket is opened. Ctrl-C stops cleanly.',
  ];
  if (mode) {
    return [`Usage: ${SYNOPSIS[mode]}`, '', ABOUT[mode], '', 'Options:', ...optionLines(mode), '', ...output, ''].join(
      '\n',
    );
  }
  return [
    `Sockpit ${version}: a network debugging assistant for TCP and UDP, in any text encoding or hex.`,
    '',
    'Usage:',
    ...MODES.map((m) => `  ${SYNOPSIS[m]}`),
    '  sockpit --workspace FILE [--session NAME|ID]… [--encoding E] [--hex] [--json] [--timeout S]',
    '  sockpit <mode> --help      options of one mode',
    '  sockpit --version',
    '',
    'Options:',
    ...optionLines(undefined),
    '',
    ...workspaceLines(),
    '',
    ...output,
    '',
    'Examples:',
    '  sockpit tcp-server --port 7890 --encoding gbk',
    '  sockpit tcp-client 127.0.0.1:7890 --send "hello" --send-hex "0D 0A" --wait 2000',
    '  sockpit udp --to [::1]:9000 --send ping --json',
    '  sockpit udp --bind 127.0.0.1:9000 --reply pong',
    '  sockpit tcp-client 127.0.0.1:7890 --send-hex "AA {counter}" --counter 1:1:2:be --repeat 5 --interval 1000',
    '  sockpit tcp-server --port 502 --rules modbus-rules.json',
    '  sockpit tcp-server --port 7890 --echo --capture-file capture.spcap --capture-format records',
    '  sockpit tcp-client 127.0.0.1:502 --frame modbus-rtu --json',
    '  sockpit tcp-server --port 7890 --frame delimiter:0D0A --count 10',
    '  sockpit --workspace ~/.config/sockpit/workspace.json --session "PLC listener"',
    '',
  ].join('\n');
}

/** A saved workspace run headless: its own few options, since every session setting comes from the file. */
function workspaceLines(): string[] {
  const width = 24;
  return [
    'A saved workspace, headless: each line is marked with its session ("name: …"; with --json a "session" field).',
    ...WORKSPACE_OPTIONS.map((spec) => {
      const head = `  --${spec.name}${spec.value ? ` ${spec.value}` : ''}`;
      return `${head.padEnd(width)}${wrap(spec.help, HELP_WIDTH - width).join(`\n${' '.repeat(width)}`)}`;
    }),
  ];
}

export function versionText(): string {
  return `sockpit ${version}`;
}
