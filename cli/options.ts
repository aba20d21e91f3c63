// The option table: every flag, the modes it applies to and its help line. The parser and the help
// both read it, so an option cannot be accepted without being documented, or the other way round.
import { CHECKSUMS, ENCODINGS, LINE_ENDINGS } from '../shared/codec/options';

export type Mode = 'tcp-server' | 'tcp-client' | 'udp';
export const MODES: readonly Mode[] = ['tcp-server', 'tcp-client', 'udp'];

export interface OptionSpec {
  name: string;
  /** Placeholder of the value in help; absent for a flag. */
  value?: string;
  modes: readonly Mode[];
  help: string;
}

const ALL = MODES;
const SENDERS: readonly Mode[] = ['tcp-client', 'udp'];
const ANSWERERS: readonly Mode[] = ['tcp-server', 'udp'];

export const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'port',
    value: 'P',
    modes: ['tcp-server'],
    help: 'Port to listen on (0: the system picks a free one and the listening line shows it).',
  },
  {
    name: 'host',
    value: 'H',
    modes: ['tcp-server'],
    help: 'Address to listen on: 0.0.0.0 (default, every IPv4 address), ::, 127.0.0.1, ::1 or one interface.',
  },
  {
    name: 'max-clients',
    value: 'N',
    modes: ['tcp-server'],
    help: 'Accept at most N clients at once; more are closed at once and reported as refused.',
  },
  {
    name: 'idle-timeout',
    value: 'S',
    modes: ['tcp-server'],
    help: 'Close a client that sent or received nothing for S seconds.',
  },
  {
    name: 'bind',
    value: '[HOST:]PORT',
    modes: ['udp'],
    help: 'Local address to bind (default: a free port on every address).',
  },
  { name: 'to', value: 'HOST:PORT', modes: ['udp'], help: 'Where --send goes. IPv6 in brackets: [::1]:7890.' },
  { name: 'broadcast', modes: ['udp'], help: 'Allow sending to broadcast addresses.' },
  {
    name: 'send',
    value: 'TEXT',
    modes: SENDERS,
    help: 'Send TEXT (encoded with --encoding). Repeat for several sends, done in order.',
  },
  {
    name: 'send-hex',
    value: 'HEX',
    modes: SENDERS,
    help: 'Send these bytes, e.g. "48 65 6C 6C 6F". Mixes with --send in the order given.',
  },
  {
    name: 'wait',
    value: 'MS',
    modes: SENDERS,
    help: 'After the last send, keep listening MS milliseconds for replies, then exit (default 1000). Without any send (udp: or with --reply), run until the peer closes, --count, --timeout or Ctrl-C.',
  },
  {
    name: 'reply',
    value: 'TEXT',
    modes: ANSWERERS,
    help: 'Answer every received chunk (datagram) with TEXT, to the client (sender) it came from.',
  },
  { name: 'reply-hex', value: 'HEX', modes: ANSWERERS, help: 'Answer every received chunk with these bytes.' },
  {
    name: 'echo',
    modes: ALL,
    help: 'Send every received chunk (datagram) straight back, byte for byte, to where it came from; each echo shows as sent. Two ends that both echo bounce the data forever.',
  },
  {
    name: 'encoding',
    value: 'E',
    modes: ALL,
    help: `Text encoding for sends and for showing received bytes: ${ENCODINGS.join(', ')} (default utf-8).`,
  },
  { name: 'escapes', modes: ALL, help: 'In text to send, \\r \\n \\t \\\\ \\0 and \\xNN stand for those bytes.' },
  {
    name: 'line-ending',
    value: LINE_ENDINGS.join('|'),
    modes: ALL,
    help: 'Append a line ending to every send (default none).',
  },
  {
    name: 'checksum',
    value: 'KIND',
    modes: ALL,
    help: `Append a checksum to every send: ${CHECKSUMS.join(', ')} (default none).`,
  },
  { name: 'json', modes: ALL, help: 'Print one JSON object per line (NDJSON) per event instead of readable lines.' },
  { name: 'hex', modes: ALL, help: 'Readable output shows received and sent bytes as hex instead of text.' },
  {
    name: 'frame',
    value: 'SPEC',
    modes: ALL,
    help: 'Cut received bytes into messages and show (and --reply to, and --count) each message instead of each read: per-read (default), line, json-lines, delimiter:HEX[:keep], fixed:LEN, length:OFFSET:SIZE[:be|le][:incl][:ADJUST], idle:MS, modbus-rtu, modbus-tcp. A message that is not good (wrong CRC, impossible length, cut off) is still shown, with "bad" saying why.',
  },
  {
    name: 'count',
    value: 'N',
    modes: ALL,
    help: 'Exit after N received data chunks (datagrams); with --frame, after N messages.',
  },
  { name: 'timeout', value: 'S', modes: ALL, help: 'Exit after S seconds.' },
  {
    name: 'capture-file',
    value: 'FILE',
    modes: ALL,
    help: 'Save to FILE as data arrives, every byte, whatever is printed (replaced if it exists). If the disk cannot keep up, reading TCP waits for it; UDP datagrams beyond a 256 MiB backlog are left out of the file and reported.',
  },
  {
    name: 'capture-format',
    value: 'raw|records',
    modes: ALL,
    help: 'raw (default): the received bytes only, in arrival order, as another tool wants them. records: every record both ways with its time, direction, connection and peer (layout in shared/contract/capture-file.ts).',
  },
  { name: 'capture-append', modes: ALL, help: 'Add to the end of the --capture-file instead of replacing it.' },
  {
    name: 'save',
    value: 'FILE',
    modes: ALL,
    help: 'Same as --capture-file FILE --capture-format raw: every received byte, in arrival order.',
  },
  { name: 'help', modes: ALL, help: 'Show this help.' },
  { name: 'version', modes: ALL, help: 'Show the version.' },
];

export const OPTION_BY_NAME = new Map(OPTIONS.map((spec) => [spec.name, spec]));
