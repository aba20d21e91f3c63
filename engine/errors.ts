import { isIPv6 } from 'node:net';
import type { ErrorKey } from '../shared/errors/catalog';
import { keyedError, wrappedError } from '../shared/errors/word';
import type { ErrorParams, SockpitError } from '../shared/result';
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

function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}` : `${Math.round(s * 10) / 10}`;
}

/** The OS's own words inside ours: "Listening failed: <text>." without a doubled full stop. */
function osWords(text: string): string {
  return text.trim().replace(/\.$/, '');
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

/** The catalog phrase for what the operation was ("Connecting to 127.0.0.1:7890"), named by {@op}. */
function opPhraseKey(ctx: ErrorContext, ep: string, hostText: string): ErrorKey {
  const named = ctx.op === 'resolve' || ctx.op === 'multicast' ? hostText : ep;
  return `op.${ctx.op}${named ? '.at' : ''}` as ErrorKey;
}

/** Parameters with a value: an unset one is left out rather than sent as "undefined". */
function paramsOf(values: Record<string, string | number | undefined>): ErrorParams {
  const out: ErrorParams = {};
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== '') out[name] = value;
  return out;
}

/**
 * One sentence for what happened and one for what to do, from an OS or Node error. Never throws:
 * it runs inside error handlers, where a second failure would hide the first.
 */
export function explainError(err: unknown, context: ErrorContext): SockpitError {
  try {
    return explain(err, context);
  } catch {
    return keyedError('E_INTERNAL', 'internal-undescribed');
  }
}

function explain(err: unknown, ctx: ErrorContext): SockpitError {
  const os = readOsError(err);
  if (os?.errors) return explainAggregate(os, ctx);

  const host = ctx.host ?? os?.address ?? os?.hostname;
  const port = ctx.port ?? os?.port;
  const ep = host !== undefined ? formatEndpoint(host, port) : port !== undefined ? `port ${port}` : '';
  const hostText = host ?? '';
  const extra: Partial<SockpitError> = {};
  if (os?.syscall) extra.syscall = os.syscall;
  if (os?.address) extra.address = os.address;
  if (os?.port !== undefined) extra.port = os.port;

  const osText = os ? os.message : safeString(err);
  const op = opPhraseKey(ctx, ep, hostText);
  const known = os?.code ? describe(os.code, ctx, { host, port, ep, hostText, osText, op }) : undefined;
  const keyed: Keyed = known ?? {
    key: osText ? 'os-failed' : 'os-failed-bare',
    params: { op, ep, host: hostText, osText: osWords(osText) },
  };
  return keyedError(os?.code ?? 'E_INTERNAL', keyed.key, paramsOf(keyed.params), extra);
}

interface Keyed {
  key: ErrorKey;
  params: Record<string, string | number | undefined>;
}

interface DescribeArgs {
  host: string | undefined;
  port: number | undefined;
  ep: string;
  hostText: string;
  osText: string;
  op: ErrorKey;
}

function describe(code: string, ctx: ErrorContext, a: DescribeArgs): Keyed | undefined {
  const { host, port, ep, hostText, op } = a;
  const udp = ctx.protocol === 'UDP';
  const local = ctx.op === 'listen' || ctx.op === 'bind';
  const at = { op, ep, host: hostText };

  switch (code) {
    case 'EADDRINUSE': {
      if (!local) return { key: 'local-address-in-use', params: at };
      const command = port !== undefined ? portOwnerCommand(port, udp ? 'UDP' : 'TCP') : undefined;
      if (port === undefined) return { key: udp ? 'udp-port-in-use-any' : 'port-in-use-any', params: { host } };
      return { key: udp ? 'udp-port-in-use' : 'port-in-use', params: { port, host, command } };
    }

    case 'EACCES':
    case 'EPERM': {
      if (local && port !== undefined && port > 0 && port < 1024) {
        return { key: udp ? 'udp-privileged-port' : 'privileged-port', params: { port } };
      }
      if (local) {
        return {
          key: process.platform === 'win32' ? 'local-not-allowed-windows' : 'local-not-allowed',
          params: { ep },
        };
      }
      if (ctx.op === 'send' && udp && code === 'EACCES') return { key: 'broadcast-needs-option', params: { ep } };
      return { key: 'not-permitted', params: at };
    }

    case 'EADDRNOTAVAIL': {
      if (local) return { key: 'not-local-address', params: { host } };
      if (ctx.op === 'multicast') return { key: 'multicast-interface-unusable', params: { iface: ctx.iface, host } };
      return { key: 'no-local-address', params: at };
    }

    case 'ECONNREFUSED': {
      if (ctx.op === 'resolve') return { key: 'dns-refused', params: { host: hostText } };
      return { key: udp ? 'udp-port-unreachable' : 'connection-refused', params: { ep } };
    }

    case 'ECONNRESET':
      return { key: ctx.op === 'connect' ? 'reset-while-connecting' : 'peer-reset', params: { ep } };

    case 'EPIPE':
      return { key: 'connection-closed-unsent', params: { ep } };

    case 'ETIMEDOUT':
    case 'ERR_SOCKET_CONNECTION_TIMEOUT':
      if (ctx.op === 'resolve') return { key: 'dns-timeout', params: { host: hostText } };
      if (ctx.op === 'connect' || code === 'ERR_SOCKET_CONNECTION_TIMEOUT') {
        const within = ctx.timeoutMs !== undefined ? seconds(ctx.timeoutMs) : undefined;
        return { key: 'connect-timeout', params: { ep, seconds: within } };
      }
      return { key: 'connection-timed-out', params: { ep } };

    case 'ETIMEOUT':
      return { key: 'dns-timeout', params: { host: hostText } };

    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
      return { key: code === 'EHOSTDOWN' ? 'host-down' : 'host-unreachable', params: { host } };

    case 'ENETUNREACH':
      return {
        key: host !== undefined && isIPv6(host) ? 'network-unreachable-ipv6' : 'network-unreachable',
        params: { host },
      };

    case 'ENETDOWN':
      return { key: 'network-down', params: {} };

    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return { key: 'host-not-found', params: { host: hostText } };

    case 'ENODATA':
    case 'EAI_NODATA':
      return { key: 'host-no-data', params: { host: hostText } };

    case 'EAI_AGAIN':
      return { key: 'dns-again', params: { host: hostText } };

    case 'EAI_FAIL':
    case 'ESERVFAIL':
      return { key: 'dns-failed', params: { host: hostText } };

    case 'EMSGSIZE': {
      const v6 = host !== undefined && isIPv6(host);
      const mac = process.platform === 'darwin';
      const key = v6
        ? mac
          ? 'datagram-too-large-ipv6-mac'
          : 'datagram-too-large-ipv6'
        : mac
          ? 'datagram-too-large-mac'
          : 'datagram-too-large';
      return { key, params: { size: ctx.size, maxIpv4: MAX_UDP_PAYLOAD_IPV4, maxIpv6: MAX_UDP_PAYLOAD_IPV6 } };
    }

    case 'ENOBUFS':
      return ctx.op === 'send' || ctx.op === 'write'
        ? { key: 'no-buffer-space-sending', params: { ep } }
        : { key: 'no-buffer-space', params: {} };

    case 'EMFILE':
      return { key: 'too-many-files', params: {} };

    case 'ENFILE':
      return { key: 'too-many-files-system', params: {} };

    case 'EINVAL':
      if (ctx.op === 'multicast')
        return { key: 'multicast-group-invalid', params: { host: hostText, iface: ctx.iface } };
      return { key: 'invalid-arguments', params: { ...at, osText: a.osText } };

    case 'ENODEV':
      return { key: 'no-such-interface', params: { iface: ctx.iface ?? hostText } };

    case 'EAFNOSUPPORT':
      return { key: 'family-not-supported', params: { host: hostText } };

    case 'ECONNABORTED':
      return { key: 'connection-aborted', params: { ep } };

    case 'ENOTCONN':
    case 'ESHUTDOWN':
    case 'EBADF':
    case 'ERR_STREAM_DESTROYED':
    case 'ERR_SOCKET_CLOSED':
    case 'ERR_SOCKET_CLOSED_BEFORE_CONNECTION':
      return { key: 'connection-already-closed', params: {} };

    case 'ERR_STREAM_WRITE_AFTER_END':
      return { key: 'write-after-fin', params: {} };

    case 'ERR_SOCKET_DGRAM_NOT_RUNNING':
      return { key: 'udp-not-running', params: {} };

    case 'ERR_SOCKET_DGRAM_NOT_CONNECTED':
      return { key: 'udp-no-remote', params: {} };

    case 'ERR_SOCKET_BAD_PORT':
      return { key: 'bad-port', params: { port } };

    case 'ERR_INVALID_IP_ADDRESS':
    case 'ERR_INVALID_ADDRESS_FAMILY':
      return hostText ? { key: 'bad-address', params: { host: hostText } } : { key: 'bad-address-unnamed', params: {} };

    default:
      return undefined;
  }
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

  if (codes.size === 1) {
    const first = subs[0]!;
    const one = explainError(first.raw, ctx);
    // The OS address of the first attempt would wrongly stand for all of them.
    const out: SockpitError =
      tried.length > 0
        ? { ...wrappedError('tried-each', { tried: tried.join(', ') }, one), code: attempts[0]!.code, attempts }
        : { ...one, code: attempts[0]!.code, attempts };
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
  const ep = host !== undefined ? formatEndpoint(host, port) : undefined;
  const details = attempts.map((a) => a.message).join(' ');
  const out = keyedError(
    attempts[primaryIdx]?.code ?? os.code ?? 'E_INTERNAL',
    'connect-all-failed',
    paramsOf({ ep, count: attempts.length, details }),
    { attempts },
  );
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
  const host = context.host ?? e.address;
  const { code: _code, message: _message, hint: _hint, key: _key, params: _params, ...rest } = e;
  const key: ErrorKey = self
    ? udp
      ? 'udp-port-in-use-by-self'
      : 'port-in-use-by-self'
    : udp
      ? 'udp-port-in-use-by'
      : 'port-in-use-by';
  const params = paramsOf({
    port,
    host,
    pid: owner.pid,
    program,
    owner: short,
    // The full command line goes in the hint only when the message had to shorten it to the program.
    command: short !== owner.command ? owner.command : undefined,
  });
  return keyedError(e.code, key, params, rest);
}

function programName(command: string): string {
  const first = command.split(' ')[0] ?? command;
  return first || command;
}
