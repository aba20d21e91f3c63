import { Socket, type OnReadOpts, type Server } from 'node:net';
import type { CaptureStore } from './capture';
import { ReadArea } from './capture';

/**
 * How TCP bytes get from the kernel into the capture without Node allocating a Buffer per read. Node's
 * default read path allocates 64 KiB for every read; a flood recorded that way keeps ~1000 such Buffers in
 * a 64 MiB capture until the cap evicts them, old enough to be promoted, so the collector traces and
 * compacts them again and again (27–30 full collections per GiB received, against 0 for a server that
 * only counts). With `onread` the socket reads into memory we choose instead:
 * - while a connection sends in bulk, straight into a read area lent by the session's capture store: the
 *   read is the record, with no copy and no allocation;
 * - otherwise (a connection's first read, small reads, more connections flooding at once than the store
 *   lends areas to) into one buffer shared by every socket, copied into the capture at once. Sharing is
 *   safe because a read is handed to JavaScript synchronously and recorded before the next one happens.
 */

const SHARED_READ_BYTES = 64 * 1024;
/** A read at least this big means the peer is sending in bulk: the next read goes into the capture. */
const BULK_READ_BYTES = 16 * 1024;

let shared: Uint8Array | undefined;
function sharedReadBuffer(): Uint8Array {
  shared ??= new Uint8Array(SHARED_READ_BYTES);
  return shared;
}

/** Where a socket's reads go once its connection exists. */
export interface ReadSink {
  /** The store whose read areas this connection may read into. */
  readonly capture: CaptureStore;
  /**
   * One read. `bytes` is valid only during the call (the next read reuses its memory); `area` is set when the
   * read went straight into the capture's read area, which the sink must commit.
   */
  received(bytes: Uint8Array, area: ReadArea | undefined): void;
}

/**
 * Options for `new net.Socket`: Node reads `onread` there too (lib/net.js), though @types/node declares it
 * for `net.connect` only.
 */
export function socketOptions(reader: SocketReader, allowHalfOpen: boolean): ConstructorParameters<typeof Socket>[0] {
  return { allowHalfOpen, onread: reader.onread } as ConstructorParameters<typeof Socket>[0];
}

/** The reading side of one TCP socket; give its `onread` to the socket when creating it. */
export class SocketReader {
  private sink?: ReadSink;
  private readonly area = new ReadArea();
  private bulk = false;
  /** Reads that came before a sink was attached, copied (rare: the socket is attached as it connects). */
  private early: Uint8Array[] = [];
  readonly onread: OnReadOpts = {
    buffer: () => this.nextBuffer(),
    // true: keep reading (false would stop the socket, as pause() does).
    callback: (n: number, buffer: Uint8Array) => {
      this.read(n, buffer);
      return true;
    },
  };

  attach(sink: ReadSink): void {
    this.sink = sink;
    const early = this.early;
    this.early = [];
    for (const bytes of early) sink.received(bytes, undefined);
  }

  /** The socket is closed: its read area goes back to the store. */
  detach(): void {
    this.area.store?.releaseRead(this.area);
    this.sink = undefined;
  }

  private nextBuffer(): Uint8Array {
    const store = this.bulk ? this.sink?.capture : undefined;
    if (store && this.area.store !== undefined && this.area.store !== store) this.area.store.releaseRead(this.area);
    if (store?.reserveRead(this.area)) return this.area.bytes;
    return sharedReadBuffer();
  }

  private read(n: number, buffer: Uint8Array): void {
    this.bulk = n >= BULK_READ_BYTES;
    const inArea = this.area.store !== undefined && buffer === this.area.bytes;
    const bytes = buffer.subarray(0, n);
    const sink = this.sink;
    if (!sink) {
      this.early.push(bytes.slice());
      if (inArea) this.area.store!.releaseRead(this.area);
      return;
    }
    sink.received(bytes, inArea ? this.area : undefined);
  }
}

/** Node's net.Socket fields that adopting an accepted connection's handle needs; none is public API. */
interface AcceptedInternals {
  _handle: object | null;
  _server: Server | null;
  server: Server | null;
}

/**
 * A socket for an accepted connection that reads through `reader`. Node's server has no `onread` option
 * for the sockets it accepts, so the accepted socket (from a server created with `pauseOnConnect`, so it
 * never started reading) hands its handle to a new socket created with `onread`; the server's connection
 * count passes with it. Where Node's internals are not as expected, the accepted socket is kept and its
 * 'data' Buffers go through the reader's copying path instead.
 */
export function adoptAccepted(
  accepted: Socket,
  reader: SocketReader,
  options: { allowHalfOpen: boolean; noDelay: boolean },
): Socket {
  const internals = accepted as unknown as AcceptedInternals;
  const handle = internals._handle;
  if (handle === null || typeof handle !== 'object' || accepted.destroyed) {
    accepted.on('data', (chunk: Buffer) => reader.onread.callback(chunk.byteLength, chunk));
    accepted.resume();
    return accepted;
  }
  internals._handle = null;
  const socket = new Socket({
    handle,
    allowHalfOpen: options.allowHalfOpen,
    readable: true,
    writable: true,
    onread: reader.onread,
  } as ConstructorParameters<typeof Socket>[0]);
  const adopted = socket as unknown as AcceptedInternals;
  adopted._server = internals._server;
  adopted.server = internals.server;
  // The old socket no longer counts as the server's connection, whatever becomes of it.
  internals._server = null;
  if (options.noDelay) socket.setNoDelay(true);
  return socket;
}
