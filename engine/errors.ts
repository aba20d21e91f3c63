import { isIPv6 } from 'node:net';
import type { SockpitError } from '../shared/result';
import { findPortOwner, type PortOwner } from './port-owner';

// What a socket error means, in words a person can act on. The one thing it asks the system is who holds
// a busy port (port-owner.ts); everything else is worded from the error and what the user asked for.

export type ErrorOp = 'listen' | 'bind' | 'connect' | 'send' | 'read' | 'write' | 'resolve' | 'multicast';

export interface ErrorContext {
  op: ErrorOp;
  /** What the user asked for (a name like "localhost" reads better than the address it became). */
  host?: string;
  port?: number;
  protocol?: 'TCP' | 'UDP';
  /** The connect timeout that ran out, for ETIMEDOUT. */
  timeoutMs?: number;
  /** Datagram size in bytes, for EMSGSIZE: the OS error does not carry it. */
  size?: number;
  /** Multicast interface address. */
  iface?: string;
}

/** Largest UDP payload: 65535 minus the 8-byte UDP header, minus the 20-byte IPv4 header on IPv4. */
export const MAX_UDP_PAYLOAD_IPV4 = 65507;
export const MAX_UDP_PAYLOAD_IPV6 = 65527;

/** Longer commands are named by their program alone in the message; the hint has the full line. */
const COMMAND_IN_MESSAGE_MAX_CHARS = 40;

export function formatEndpoint(host: string, port?: number): string {
  if (port === undefined) return host;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bracketed}:${port}`;
}

interface OsError {
  code?: string;
  message: string;
  syscall?: string;
  address?: string;
  port?: number;
  hostname?: string;
  errors?: unknown[];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function readOsError(err: unknown): OsError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as Record<string, unknown>;
  const out: OsError = { message: str(e.message) ?? '' };
  const code = str(e.code);
  if (code) out.code = code;
  const syscall = str(e.syscall);
  if (syscall) out.syscall = syscall;
  const address = str(e.address);
  if (address) out.address = address;
  if (typeof e.port === 'number' && Number.isFinite(e.port)) out.port = e.port;
  const hostname = str(e.hostname);
  if (hostname) out.hostname = hostname;
  if (Array.isArray(e.errors) && e.errors.length > 0) out.errors = e.errors;
  if (!out.message && !(err instanceof Error)) {
    // A plain object with no message: show its own text if it has one that is not "[object Object]".
    const text = safeString(err);
    if (text && text !== '[object Object]') out.message = text;
  }
  return out;
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return '';
  }
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}` : `${Math.round(s * 10) / 10}`;
}

function lcFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function portOwnerCommand(port: number | string, protocol: 'TCP' | 'UDP'): string {
  switch (process.platform) {
    case 'win32':
      return `netstat -ano | findstr :${port}`;
    case 'linux':
      return protocol === 'UDP' ? `ss -lunp 'sport = :${port}'` : `ss -ltnp 'sport = :${port}'`;
    default:
      return protocol === 'UDP' ? `lsof -nP -iUDP:${port}` : `lsof -nP -iTCP:${port} -sTCP:LISTEN`;
  }
}

/** What the operation was, for sentences like "Connecting to 127.0.0.1:7890 failed: …". */
function opPhrase(ctx: ErrorContext, ep: string, hostText: string): string {
  const at = (prep: string) => (ep ? ` ${prep} ${ep}` : '');
  switch (ctx.op) {
    case 'listen':
      return `Listening${at('on')}`;
    case 'bind':
      return `Binding${at('to')}`;
    case 'connect':
      return `Connecting${at('to')}`;
    case 'send':
      return `Sending${at('to')}`;
    case 'read':
      return `Receiving${at('from')}`;
    case 'write':
      return `Writing${at('to')}`;
    case 'resolve':
      return hostText ? `Looking up "${hostText}"` : 'Looking up the host name';
    case 'multicast':
      return hostText ? `Joining the multicast group ${hostText}` : 'Joining the multicast group';
  }
}

/**
 * One sentence for what happened and one for what to do, from an OS or Node error. Never throws:
 * it runs inside error handlers, where a second failure would hide the first.
 */
export function explainError(err: unknown, context: ErrorContext): SockpitError {
  try {
    return explain(err, context);
  } catch {
    return { code: 'E_INTERNAL', message: 'Something went wrong, and the error could not be described.' };
  }
}

function explain(err: unknown, ctx: ErrorContext): SockpitError {
  const os = readOsError(err);
  if (os?.errors) return explainAggregate(os, ctx);

  const host = ctx.host ?? os?.address ?? os?.hostname;
  const port = ctx.port ?? os?.port;
  const ep = host !== undefined ? formatEndpoint(host, port) : port !== undefined ? `port ${port}` : '';
  const hostText = host ?? '';
  const base: SockpitError = { code: os?.code ?? 'E_INTERNAL', message: '' };
  if (os?.syscall) base.syscall = os.syscall;
  if (os?.address) base.address = os.address;
  if (os?.port !== undefined) base.port = os.port;

  const osText = os ? os.message : safeString(err);
  const generic = () => {
    const what = opPhrase(ctx, ep, hostText);
    return osText ? sentence(`${what} failed: ${osText}`) : `${what} failed.`;
  };

  const known = os?.code ? describe(os.code, ctx, { host, port, ep, hostText, osText, generic }) : undefined;
  const text = known ?? { message: generic() };
  const out: SockpitError = { ...base, message: text.message };
  if (text.hint) out.hint = text.hint;
  return out;
}

interface Described {
  message: string;
  hint?: string;
}

interface DescribeArgs {
  host: string | undefined;
  port: number | undefined;
  ep: string;
  hostText: string;
  osText: string;
  generic: () => string;
}

function describe(code: string, ctx: ErrorContext, a: DescribeArgs): Described | undefined {
  const { host, port, ep, hostText } = a;
  const udp = ctx.protocol === 'UDP';
  const local = ctx.op === 'listen' || ctx.op === 'bind';
  const where = ep || 'the peer';

  switch (code) {
    case 'EADDRINUSE': {
      if (!local) {
        return {
          message: `The local address for ${lcFirst(opPhrase(ctx, ep, hostText))} is already in use.`,
          hint: 'If a local port is set, choose another one or leave it empty; otherwise this computer has run out of free ports for outgoing connections.',
        };
      }
      const portText = port !== undefined ? `${udp ? 'UDP port' : 'Port'} ${port}` : `The ${udp ? 'UDP ' : ''}port`;
      const on = host ? ` on ${host}` : '';
      const find = port !== undefined ? ` (${portOwnerCommand(port, udp ? 'UDP' : 'TCP')} shows which)` : '';
      return {
        message: `${portText}${on} is already in use.`,
        hint: udp
          ? `Another program is bound to it${find}. Choose another port, or 0 to let the system pick one; to share it, every program using it must turn on address reuse.`
          : `Another program is listening on it${find}, or another session of this one. Choose another port, or 0 to let the system pick one.`,
      };
    }

    case 'EACCES':
    case 'EPERM': {
      if (local && port !== undefined && port > 0 && port < 1024) {
        return {
          message: `Ports below 1024 are privileged on this system; ${udp ? 'binding to' : 'listening on'} port ${port} needs administrator rights.`,
          hint: 'Use a port of 1024 or above, or run with the needed privileges (on Linux, for example, give the program the cap_net_bind_service capability).',
        };
      }
      if (local) {
        return {
          message: `The system does not allow this program to use ${ep || 'that port'}.`,
          hint:
            process.platform === 'win32'
              ? 'Windows may reserve this port for Hyper-V, WSL or Docker (see "netsh interface ipv4 show excludedportrange protocol=tcp"), or a security policy blocks it. Choose another port.'
              : 'A security policy or firewall blocks it. Choose another port, or check the security settings.',
        };
      }
      if (ctx.op === 'send' && udp && code === 'EACCES') {
        return {
          message: 'Sending to a broadcast address needs the Broadcast option.',
          hint: `Turn on Broadcast for this session to send to ${where}. If it is not a broadcast address, a firewall on this computer is refusing it.`,
        };
      }
      return {
        message: `${opPhrase(ctx, ep, hostText)} was not permitted by the system.`,
        hint: 'A firewall or security software on this computer is probably blocking it.',
      };
    }

    case 'EADDRNOTAVAIL': {
      if (local) {
        return {
          message: `${host ?? 'That address'} is not an address of this computer.`,
          hint: 'Choose one of its network interfaces\u2019 addresses, or 0.0.0.0 (:: for IPv6) to use all of them.',
        };
      }
      if (ctx.op === 'multicast') {
        return {
          message: `The interface ${ctx.iface ?? 'address'} cannot be used to join ${hostText || 'the multicast group'}.`,
          hint: 'Give the address of one of this computer\u2019s interfaces, or leave the interface empty to let the system choose.',
        };
      }
      return {
        message: `No local address is available for ${lcFirst(opPhrase(ctx, ep, hostText))}.`,
        hint: 'Check the local address (it must belong to this computer) and that the port is not 0; this computer may also have run out of free ports.',
      };
    }

    case 'ECONNREFUSED': {
      if (ctx.op === 'resolve') {
        return {
          message: `The name server refused to look up "${hostText}".`,
          hint: 'Check the DNS settings of this computer.',
        };
      }
      if (udp) {
        return {
          message: `Nothing is listening on UDP ${where}: it answered a datagram with "port unreachable".`,
          hint: 'Start the receiving program first, or check the port number.',
        };
      }
      return {
        message: `Nothing is listening on ${where}.`,
        hint: 'Start the server first, check the port number, or check whether a firewall is rejecting the connection.',
      };
    }

    case 'ECONNRESET':
      if (ctx.op === 'connect') {
        return {
          message: `The connection to ${where} was reset (RST) before it was established.`,
          hint: 'The server or a firewall on the way refused it; check the port and that the server accepts connections from this computer.',
        };
      }
      return {
        message: ep ? `The peer ${ep} reset the connection (RST).` : 'The peer reset the connection (RST).',
        hint: 'The other program closed abruptly, crashed, or rejected what it received; a firewall or proxy can also reset connections.',
      };

    case 'EPIPE':
      return {
        message: ep
          ? `The connection to ${ep} is closed; the data could not be sent.`
          : 'The connection is closed; the data could not be sent.',
        hint: 'The peer closed or reset it. Connect again before sending.',
      };

    case 'ETIMEDOUT':
    case 'ERR_SOCKET_CONNECTION_TIMEOUT':
      if (ctx.op === 'resolve') return dnsTimeout(hostText);
      if (ctx.op === 'connect' || code === 'ERR_SOCKET_CONNECTION_TIMEOUT') {
        const within = ctx.timeoutMs !== undefined ? ` within ${seconds(ctx.timeoutMs)} s` : '';
        return {
          message: `No answer from ${where}${within}.`,
          hint: 'Check the address and that the host is up; a firewall may be dropping the packets silently.',
        };
      }
      return {
        message: `The connection to ${where} timed out: the peer stopped answering.`,
        hint: 'The peer or the network between went away; connect again.',
      };

    case 'ETIMEOUT':
      return dnsTimeout(hostText);

    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
      return {
        message: `No route to host ${hostText || 'the peer'}${code === 'EHOSTDOWN' ? ' (it is down)' : ''}.`,
        hint: 'Check the cable or Wi-Fi, the VPN, and that the address is right; the host may be off or behind a firewall.',
      };

    case 'ENETUNREACH':
      return {
        message: `The network of ${hostText || 'the peer'} is unreachable.`,
        hint:
          host !== undefined && isIPv6(host)
            ? 'This computer may have no IPv6 connectivity. Check the network connection, the VPN and the address, or use an IPv4 address.'
            : 'This computer has no route to that network: check the network connection, the VPN, the default gateway and the address.',
      };

    case 'ENETDOWN':
      return {
        message: 'The network interface is down.',
        hint: 'Check the cable or Wi-Fi connection and that the interface is enabled.',
      };

    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return {
        message: `The host name "${hostText}" could not be found.`,
        hint: 'Check the spelling and that DNS works on this computer, or use an IP address.',
      };

    case 'ENODATA':
    case 'EAI_NODATA':
      return {
        message: `The host name "${hostText}" has no address of the kind asked for.`,
        hint: 'It may have only IPv6 or only IPv4 addresses; try the other family or an IP address.',
      };

    case 'EAI_AGAIN':
      return {
        message: `The host name "${hostText}" could not be looked up right now (temporary DNS failure).`,
        hint: 'Try again in a moment; check the network connection and the DNS settings.',
      };

    case 'EAI_FAIL':
    case 'ESERVFAIL':
      return {
        message: `The name server failed to look up "${hostText}".`,
        hint: 'Try again later, or check the DNS settings of this computer.',
      };

    case 'EMSGSIZE': {
      const v6 = host !== undefined && isIPv6(host);
      const sizeText = ctx.size !== undefined ? `${ctx.size} ${plural(ctx.size, 'byte', 'bytes')}, ` : '';
      const limit = v6
        ? `at most ${MAX_UDP_PAYLOAD_IPV6} on IPv6`
        : `at most ${MAX_UDP_PAYLOAD_IPV4} on IPv4 (${MAX_UDP_PAYLOAD_IPV6} on IPv6)`;
      return {
        message: `The datagram is too large: ${sizeText}${limit}.`,
        hint:
          'Split the data into smaller datagrams; below about 1472 bytes they also avoid IP fragmentation on Ethernet.' +
          (process.platform === 'darwin'
            ? ' On macOS the default limit is 9216 bytes (sysctl net.inet.udp.maxdgram).'
            : ''),
      };
    }

    case 'ENOBUFS':
      return {
        message: `The system ran out of buffer space while ${ctx.op === 'send' || ctx.op === 'write' ? `sending${ep ? ` to ${ep}` : ''}` : 'working on the socket'}.`,
        hint: 'Send more slowly or in smaller pieces; the network interface\u2019s queue is full.',
      };

    case 'EMFILE':
      return {
        message: 'Too many open files: this program has reached its limit of open files and sockets.',
        hint: 'Close connections you no longer need, or raise the limit (ulimit -n on Linux and macOS).',
      };

    case 'ENFILE':
      return {
        message: 'Too many open files on this computer: the system-wide limit is reached.',
        hint: 'Close programs or connections you no longer need.',
      };

    case 'EINVAL':
      if (ctx.op === 'multicast') {
        return {
          message: `${hostText || 'That address'} cannot be joined as a multicast group${ctx.iface ? ` on ${ctx.iface}` : ''}.`,
          hint: 'IPv4 groups are 224.0.0.0 to 239.255.255.255 and IPv6 groups start with ff; the interface must match the group\u2019s family.',
        };
      }
      return {
        message: sentence(
          `${opPhrase(ctx, ep, hostText)} failed: the system refused the arguments${a.osText ? ` (${a.osText})` : ''}`,
        ),
        hint: 'Check that the address family matches: an IPv6 address needs an IPv6 socket, and an IPv4 address an IPv4 one.',
      };

    case 'ENODEV':
      return {
        message: `No network interface has the address ${ctx.iface ?? hostText}.`,
        hint: 'Choose the address of one of this computer\u2019s interfaces.',
      };

    case 'EAFNOSUPPORT':
      return {
        message: `This computer does not support the address family of ${hostText || 'that address'}.`,
        hint: 'IPv6 may be turned off; use an IPv4 address.',
      };

    case 'ECONNABORTED':
      return {
        message: ep
          ? `The connection to ${ep} was aborted by this computer.`
          : 'The connection was aborted by this computer.',
        hint: 'A local firewall, antivirus or network change may have ended it; connect again.',
      };

    case 'ENOTCONN':
    case 'ESHUTDOWN':
    case 'EBADF':
    case 'ERR_STREAM_DESTROYED':
    case 'ERR_SOCKET_CLOSED':
    case 'ERR_SOCKET_CLOSED_BEFORE_CONNECTION':
      return { message: 'The connection is already closed.', hint: 'Connect again before sending.' };

    case 'ERR_STREAM_WRITE_AFTER_END':
      return {
        message: 'This side of the connection is already closed for sending (FIN was sent).',
        hint: 'Open a new connection to send more.',
      };

    case 'ERR_SOCKET_DGRAM_NOT_RUNNING':
      return {
        message: 'The UDP socket is not running: it was closed or never bound.',
        hint: 'Start the session again.',
      };

    case 'ERR_SOCKET_DGRAM_NOT_CONNECTED':
      return {
        message: 'This UDP socket has no remote address to send to.',
        hint: 'Give a destination host and port.',
      };

    case 'ERR_SOCKET_BAD_PORT':
      return { message: `${port ?? 'That'} is not a valid port: ports go from 0 to 65535.` };

    case 'ERR_INVALID_IP_ADDRESS':
    case 'ERR_INVALID_ADDRESS_FAMILY':
      return {
        message: `${hostText ? `"${hostText}"` : 'That'} is not a valid address here.`,
        hint: 'Check the address and its family (IPv4 or IPv6).',
      };

    default:
      return undefined;
  }
}

function dnsTimeout(hostText: string): Described {
  return {
    message: `The name server did not answer in time for "${hostText}".`,
    hint: 'Try again in a moment; check the network connection and the DNS settings.',
  };
}

/** Codes that mostly say "this computer has no path of that family" (no IPv6, say): the least telling. */
const WEAK_CODES = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT']);

function explainAggregate(os: OsError, ctx: ErrorContext): SockpitError {
  const subs = (os.errors ?? []).map((e) => ({ raw: e, os: readOsError(e) }));
  const attempts = subs.map(({ raw, os: sub }) => {
    const one = explainError(raw, { ...ctx, host: sub?.address ?? ctx.host, port: sub?.port ?? ctx.port });
    const entry: NonNullable<SockpitError['attempts']>[number] = { code: sub?.code ?? one.code, message: one.message };
    if (sub?.address) entry.address = sub.address;
    if (sub?.port !== undefined) entry.port = sub.port;
    return entry;
  });
  const codes = new Set(attempts.map((a) => a.code));
  const tried = attempts.map((a) => a.address).filter((a): a is string => a !== undefined);
  const triedText = tried.length > 0 ? ` (tried ${tried.join(', ')})` : '';

  if (codes.size === 1) {
    const first = subs[0]!;
    const one = explainError(first.raw, ctx);
    // The OS address of the first attempt would wrongly stand for all of them.
    const out: SockpitError = {
      ...one,
      code: attempts[0]!.code,
      message: `${one.message.replace(/\.$/, '')}${triedText}.`,
      attempts,
    };
    delete out.address;
    delete out.port;
    return out;
  }

  // Mixed failures: lead with the most telling one, e.g. "refused" on IPv4 over "no IPv6 route".
  const primaryIdx = Math.max(
    0,
    attempts.findIndex((a) => !WEAK_CODES.has(a.code)),
  );
  const primary = explainError(subs[primaryIdx]!.raw, ctx);
  const host = ctx.host ?? os.address;
  const port = ctx.port ?? os.port;
  const ep = host !== undefined ? formatEndpoint(host, port) : 'the host';
  const details = attempts.map((a) => a.message).join(' ');
  const out: SockpitError = {
    code: attempts[primaryIdx]?.code ?? os.code ?? 'E_INTERNAL',
    message: `Could not connect to ${ep} on any of its ${attempts.length} addresses: ${details}`,
    attempts,
  };
  if (primary.hint) out.hint = primary.hint;
  if (os.syscall ?? primary.syscall) out.syscall = os.syscall ?? primary.syscall!;
  return out;
}

/** Like explainError; for a port already in use it also names the program holding it, when the OS lets us see it. */
export async function explainWithOwner(err: unknown, context: ErrorContext): Promise<SockpitError> {
  const e = explainError(err, context);
  if (e.code !== 'EADDRINUSE' || (context.op !== 'listen' && context.op !== 'bind')) return e;
  const port = context.port ?? e.port;
  if (port === undefined || port === 0) return e;
  const udp = context.protocol === 'UDP';
  let owner: PortOwner | undefined;
  try {
    owner = await findPortOwner(port, udp ? 'udp' : 'tcp');
  } catch {
    owner = undefined;
  }
  if (!owner) return e;

  const self = owner.pid === process.pid;
  const program = programName(owner.command);
  const short = owner.command.length <= COMMAND_IN_MESSAGE_MAX_CHARS ? owner.command : program;
  const who = self ? `this program (pid ${owner.pid})` : `${short} (pid ${owner.pid})`;
  const host = context.host ?? e.address;
  const on = host ? ` on ${host}` : '';
  const out: SockpitError = { ...e, message: `${udp ? 'UDP port' : 'Port'} ${port}${on} is already in use by ${who}.` };
  if (self) {
    out.hint =
      'Another session here already uses it: stop that session, choose another port, or 0 to let the system pick one.';
  } else {
    const full = short !== owner.command ? ` ("${owner.command}")` : '';
    out.hint = `Stop ${program}${full}, choose another port, or 0 to let the system pick one.`;
  }
  return out;
}

function programName(command: string): string {
  const first = command.split(' ')[0] ?? command;
  return first || command;
}
