// What the system knows about a UDP socket and Node does not tell: datagrams the kernel dropped because the
// receive buffer was full (Linux: the `drops` column of /proc/net/udp), and ICMP port-unreachable answers,
// which the system only reports to a socket *connected* to the remote.
import { createSocket, type RemoteInfo, type Socket as DgramSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import type { SockpitError } from '../shared/result';
import { formatEndpoint } from './errors';
import { keyedError } from '../shared/errors/word';

/** How often the drop counter is read. */
export const DROP_POLL_MS = 1000;
/** A burst of drops that goes on longer than this is reported anyway, and counting starts again. */
export const DROP_BURST_REPORT_POLLS = 5;
/** After a "nothing is listening" report, the next one waits at least this long (a repeat send would flood). */
export const REFUSED_QUIET_MS = 5000;

/**
 * The summed `drops` of this process user's UDP sockets bound to `port` in /proc/net/udp (udp4) or
 * /proc/net/udp6; undefined where the file cannot be read (not Linux) or no socket matches.
 */
export async function readSystemDrops(family: 'udp4' | 'udp6', port: number): Promise<number | undefined> {
  if (process.platform !== 'linux') return undefined;
  let text: string;
  try {
    text = await readFile(family === 'udp4' ? '/proc/net/udp' : '/proc/net/udp6', 'latin1');
  } catch {
    return undefined;
  }
  return dropsInTable(text, port, process.getuid?.());
}

/** The table's parsing, apart from the file: `sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref ptr drops`. */
export function dropsInTable(text: string, port: number, uid: number | undefined): number | undefined {
  let total: number | undefined;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const columns = lines[i]!.trim().split(/\s+/);
    if (columns.length < 13) continue;
    const local = columns[1]!;
    if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) !== port) continue;
    if (uid !== undefined && Number(columns[7]) !== uid) continue;
    const drops = Number(columns[12]);
    if (Number.isFinite(drops)) total = (total ?? 0) + drops;
  }
  return total;
}

/**
 * Reads the drop counter every DROP_POLL_MS and reports a burst once: when the counter stops growing (or after
 * DROP_BURST_REPORT_POLLS polls of growth), with how many datagrams went in it.
 */
export class DropWatch {
  private timer: NodeJS.Timeout | undefined;
  private last: number | undefined;
  private burst = 0;
  private burstPolls = 0;
  private reading = false;
  /** Datagrams the system dropped since the watch began. */
  dropped = 0;

  constructor(
    private readonly read: () => Promise<number | undefined>,
    private readonly report: (dropped: number) => void,
  ) {}

  /** Resolves once the baseline is read, so drops from the very first datagrams on are counted. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.poll(), DROP_POLL_MS);
    this.timer.unref?.();
    await this.poll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One reading; public so a final reading can be forced before the session reports. */
  async poll(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const now = await this.read();
      if (now === undefined || !this.timer) return;
      // The first reading is the baseline: drops of an earlier socket on the same port are not ours.
      const grew = this.last === undefined ? 0 : Math.max(0, now - this.last);
      this.last = now;
      this.dropped += grew;
      if (grew > 0) {
        this.burst += grew;
        this.burstPolls++;
        if (this.burstPolls < DROP_BURST_REPORT_POLLS) return;
      }
      if (this.burst > 0) {
        this.report(this.burst);
        this.burst = 0;
        this.burstPolls = 0;
      }
    } finally {
      this.reading = false;
    }
  }
}

export function droppedError(dropped: number, recvBufferBytes: number | undefined): SockpitError {
  return keyedError('E_UDP_DROPPED', dropped === 1 ? 'udp-dropped-one' : 'udp-dropped', {
    count: dropped.toLocaleString('en-US'),
    ...(recvBufferBytes !== undefined ? { granted: recvBufferBytes } : {}),
  });
}

export function refusedError(host: string, port: number): SockpitError {
  return keyedError('ECONNREFUSED', 'udp-port-closed', { ep: formatEndpoint(host, port) }, { address: host, port });
}

/**
 * A second socket on the session's own address and port, connected to the default remote: the system then
 * delivers that remote's ICMP port-unreachable to it as ECONNREFUSED (an unconnected socket never hears of it),
 * and datagrams from that remote arrive on it, so they go to `onMessage` like any other. Both sockets need
 * SO_REUSEADDR to share the port. Returns undefined when it cannot be set up; the session works without it.
 */
export async function openRefusalWatch(options: {
  family: 'udp4' | 'udp6';
  host: string;
  port: number;
  remoteHost: string;
  remotePort: number;
  /** Datagrams from the remote arrive on this socket, so it gets the session's receive buffer too. */
  recvBufferBytes: number;
  onMessage: (message: Buffer, rinfo: RemoteInfo) => void;
  onRefused: () => void;
}): Promise<DgramSocket | undefined> {
  const socket = createSocket({ type: options.family, reuseAddr: true, recvBufferSize: options.recvBufferBytes });
  socket.on('message', options.onMessage);
  const ready = await new Promise<boolean>((resolve) => {
    const failed = () => resolve(false);
    socket.once('error', failed);
    try {
      socket.bind({ address: options.host, port: options.port }, () => {
        socket.connect(options.remotePort, options.remoteHost, () => {
          socket.off('error', failed);
          resolve(true);
        });
      });
    } catch {
      resolve(false);
    }
  });
  if (!ready) {
    socket.close();
    return undefined;
  }
  socket.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ECONNREFUSED') options.onRefused();
  });
  return socket;
}
