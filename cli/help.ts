// What `sockpit --help` and `sockpit <mode> --help` print, laid out from the option table.
import { version } from '../package.json';
import { MODES, OPTIONS, type Mode } from './options';

const SYNOPSIS: Record<Mode, string> = {
  'tcp-server':
    'sockpit tcp-server --port P [--host H] [--reply TEXT | --reply-hex HEX | --echo] [--max-clients N] [--idle-timeout S] [--capture-file FILE] [options]',
  'tcp-client':
    'sockpit tcp-client HOST:PORT [--send TEXT]… [--send-hex HEX]… [--wait MS] [--echo] [--capture-file FILE] [options]',
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
    '  sockpit tcp-client 127.0.0.1:502 --frame modbus-rtu --json',
    '  sockpit tcp-server --port 7890 --frame delimiter:0D0A --count 10',
    '',
  ].join('\n');
}

export function versionText(): string {
  return `sockpit ${version}`;
}
