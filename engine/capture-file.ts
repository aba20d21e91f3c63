import type { Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import {
  CAPTURE_FILE_HEADER_BYTES,
  CAPTURE_MAX_TEXT_BYTES,
  CAPTURE_RECORD_HEAD_BYTES,
  CAPTURE_RECORD_TRAILER_BYTES,
  CAPTURE_FILE_VERSION,
  captureFileHeader,
  hasCaptureFileMagic,
  readRecordHead,
  writeRecordHead,
  writeRecordTrailer,
} from '../shared/contract/capture-file';
import type { CaptureFileFormat, CaptureFileInfo, CaptureRecord } from '../shared/contract/events';
import { ok, type ErrorParams, type Result, type SockpitError } from '../shared/result';
import { failWith, keyedError } from '../shared/errors/word';
import type { ErrorKey } from '../shared/errors/catalog';

// The capture file: every record of a session reaches it from the session's record path, whatever a
// user interface shows or skips. It is the one part of Sockpit allowed to slow a peer down, and only
// when the disk cannot keep up.

const MIB = 1024 * 1024;
/** Past this much waiting for the disk, a TCP session stops reading its connections… */
export const FILE_HIGH_WATER_BYTES = 64 * MIB;
/** …and reads again once the backlog is down to this, so it does not flap at the mark. */
export const FILE_LOW_WATER_BYTES = 16 * MIB;
/**
 * UDP cannot be paused: pausing would only move the loss into the kernel's receive buffer, where
 * nobody counts it. So a UDP session keeps handing datagrams to the file until this much waits, and
 * beyond it datagrams are left out of the file and counted.
 */
export const FILE_UDP_HARD_CAP_BYTES = 256 * MIB;

/** Small records are copied into blocks of this size, so the disk sees large writes. */
const BLOCK_BYTES = 1 * MIB;
/** Larger payloads go to the disk from the buffer the socket handed over, without a copy. */
const COPY_MAX_BYTES = 16 * 1024;
/** One write call takes at most this much, so a close or an error is noticed between writes. */
const MAX_WRITE_BYTES = 8 * MIB;
/** Well under every system's IOV_MAX (1024 on Linux and macOS). */
const MAX_WRITE_PIECES = 256;
/** Peers and connection ids repeat; their UTF-8 is kept, up to this many. */
const TEXT_CACHE_ENTRIES = 4096;

export interface CaptureFileOptions {
  path: string;
  format: CaptureFileFormat;
  append: boolean;
  /** TCP sessions can stop reading while the disk catches up; UDP ones drop beyond the hard cap instead. */
  canPauseReading: boolean;
  /** Pause (true) or resume (false) reading the session's sockets. */
  onPressure(paused: boolean): void;
  /** The state, the note or the drop count changed in a way the user should see now. */
  onChange(): void;
  /** Writing failed; the capture stopped. */
  onError(error: SockpitError): void;
}

interface Piece {
  bytes: Uint8Array;
  /** Records whose last byte is in this piece. */
  records: number;
}

type State = CaptureFileInfo['state'];

export class CaptureFileSink {
  private state: State = 'writing';
  private accepting = true;
  private paused = false;
  private bytesWritten = 0;
  private recordsWritten = 0;
  private pendingBytes = 0;
  private droppedRecords = 0;
  private droppedBytes = 0;
  private error?: SockpitError;
  private readonly startedAt = Date.now();

  private readonly pieces: Piece[] = [];
  private block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  private view = new DataView(this.block.buffer, this.block.byteOffset, this.block.byteLength);
  private blockStart = 0;
  private used = 0;
  private recordsSinceSeal = 0;
  private scheduled = false;
  private draining?: Promise<void>;
  private closing?: Promise<CaptureFileInfo>;
  private readonly textCache = new Map<string, Buffer>();

  private constructor(
    private readonly handle: FileHandle,
    private readonly options: CaptureFileOptions,
  ) {}

  /** Checks the path and opens the file; every refusal says in words what is wrong and what to do. */
  static async open(options: CaptureFileOptions): Promise<Result<CaptureFileSink>> {
    const { path, format, append } = options;
    if (!isAbsolute(path)) {
      return failWith('E_VALIDATION', 'capture-relative-path', {
        path,
        example: process.platform === 'win32' ? 'C:\\Users\\you\\capture.bin' : '/home/you/capture.bin',
      });
    }
    const folder = dirname(path);
    try {
      const folderStats = await stat(folder);
      if (!folderStats.isDirectory()) {
        return failWith('ENOTDIR', 'capture-folder-is-file', { folder, path });
      }
    } catch (err) {
      return { ok: false, error: explainFileError(err, folder, 'folder') };
    }
    let existing: Stats | undefined;
    try {
      existing = await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        return { ok: false, error: explainFileError(err, path, 'open') };
    }
    if (existing?.isDirectory()) {
      return failWith('EISDIR', 'capture-path-is-folder', { path, example: join(path, 'capture.bin') });
    }
    const appendingToRecords =
      format === 'records' && append && existing !== undefined && existing.isFile() && existing.size > 0;
    if (appendingToRecords) {
      const appendable = await checkAppendable(path, existing!.size);
      if (!appendable.ok) return appendable;
    }
    let handle: FileHandle;
    try {
      handle = await open(path, append ? 'a' : 'w');
    } catch (err) {
      return { ok: false, error: explainFileError(err, path, 'open') };
    }
    const sink = new CaptureFileSink(handle, options);
    if (format === 'records' && !appendingToRecords) sink.put(captureFileHeader());
    sink.schedule();
    return ok(sink);
  }

  get active(): boolean {
    return this.accepting;
  }

  info(): CaptureFileInfo {
    const { path, format, append } = this.options;
    return {
      path,
      format,
      append,
      state: this.state,
      bytesWritten: this.bytesWritten,
      records: this.recordsWritten,
      pendingBytes: this.pendingBytes,
      droppedRecords: this.droppedRecords,
      droppedBytes: this.droppedBytes,
      note: this.note(),
      ...(this.error ? { error: this.error } : {}),
      startedAt: this.startedAt,
    };
  }

  private note(): string {
    const { path, format, canPauseReading } = this.options;
    const dropped =
      this.droppedRecords > 0
        ? ` ${this.droppedRecords} ${this.droppedRecords === 1 ? 'datagram' : 'datagrams'} (${sizeText(this.droppedBytes)}) could not be saved because the disk was too far behind; they are still in the capture and the counters.`
        : '';
    switch (this.state) {
      case 'writing':
        return `Saving ${format === 'raw' ? 'the received bytes' : 'every record'} to ${path}.${dropped}`;
      case 'disk-behind':
        return canPauseReading
          ? `The disk cannot keep up: ${sizeText(this.pendingBytes)} are waiting to be written to ${path}, so Sockpit has paused reading this session's TCP connections until the disk catches up. Nothing is lost; TCP makes the peers wait meanwhile.`
          : `The disk cannot keep up: ${sizeText(this.pendingBytes)} are waiting to be written to ${path}. UDP senders cannot be made to wait, so once ${sizeText(FILE_UDP_HARD_CAP_BYTES)} are waiting, further datagrams are left out of the file.${dropped}`;
      case 'closed':
        return `Saved ${sizeText(this.bytesWritten)} (${this.recordsWritten} ${this.recordsWritten === 1 ? 'record' : 'records'}) to ${path}.${dropped}`;
      case 'error':
        return `Saving to ${path} stopped: ${this.error?.message ?? 'writing failed.'} ${sizeText(this.bytesWritten)} had been written.`;
    }
  }

  /**
   * Hot path: called for every record of the session. Queues the record's bytes (copying only small
   * ones) and returns; the disk is written from a loop that runs between socket events.
   */
  append(record: CaptureRecord): void {
    if (!this.accepting) return;
    const { format, canPauseReading } = this.options;
    if (format === 'raw' && record.dir !== 'rx') return;
    const payload = record.bytes;
    const size = payload.byteLength;
    if (!canPauseReading && this.pendingBytes + size > FILE_UDP_HARD_CAP_BYTES) {
      this.droppedRecords++;
      this.droppedBytes += size;
      if (this.droppedRecords === 1) this.options.onChange();
      return;
    }
    if (format === 'raw') {
      if (size > COPY_MAX_BYTES) {
        this.seal();
        this.pieces.push({ bytes: payload, records: 1 });
        this.pendingBytes += size;
      } else {
        this.put(payload);
        this.recordsSinceSeal++;
      }
    } else {
      this.putRecord(record);
    }
    if (this.state === 'writing' && this.pendingBytes > FILE_HIGH_WATER_BYTES) this.behind();
    this.schedule();
  }

  private putRecord(record: CaptureRecord): void {
    const connection = record.connectionId === null ? undefined : this.text(record.connectionId);
    const peer = this.text(record.peer);
    const connectionBytes = connection?.byteLength ?? 0;
    const payload = record.bytes;
    const size = payload.byteLength;
    const inline = size <= COPY_MAX_BYTES;
    const headBytes = CAPTURE_RECORD_HEAD_BYTES + connectionBytes + peer.byteLength;
    let at = this.reserve(headBytes + (inline ? size + CAPTURE_RECORD_TRAILER_BYTES : 0));
    const length = writeRecordHead(this.view, at, record, connectionBytes, peer.byteLength, size);
    at += CAPTURE_RECORD_HEAD_BYTES;
    if (connection) {
      this.block.set(connection, at);
      at += connectionBytes;
    }
    this.block.set(peer, at);
    at += peer.byteLength;
    if (inline) {
      this.block.set(payload, at);
      at += size;
      writeRecordTrailer(this.view, at, length);
      this.used = at + CAPTURE_RECORD_TRAILER_BYTES;
    } else {
      this.used = at;
      this.seal();
      this.pieces.push({ bytes: payload, records: 0 });
      at = this.reserve(CAPTURE_RECORD_TRAILER_BYTES);
      writeRecordTrailer(this.view, at, length);
      this.used = at + CAPTURE_RECORD_TRAILER_BYTES;
    }
    this.pendingBytes += length;
    this.recordsSinceSeal++;
  }

  private text(value: string): Buffer {
    let bytes = this.textCache.get(value);
    if (!bytes) {
      bytes = Buffer.from(value, 'utf8');
      if (bytes.byteLength > CAPTURE_MAX_TEXT_BYTES) bytes = bytes.subarray(0, CAPTURE_MAX_TEXT_BYTES);
      if (this.textCache.size >= TEXT_CACHE_ENTRIES) this.textCache.clear();
      this.textCache.set(value, bytes);
    }
    return bytes;
  }

  /** Copies bytes that are not a record (the file header, a small raw chunk) into the current block. */
  private put(bytes: Uint8Array): void {
    const at = this.reserve(bytes.byteLength);
    this.block.set(bytes, at);
    this.used = at + bytes.byteLength;
    this.pendingBytes += bytes.byteLength;
  }

  /** Room for `size` more bytes in the current block; returns where they go. */
  private reserve(size: number): number {
    if (this.used + size > this.block.byteLength) {
      this.seal();
      this.block = Buffer.allocUnsafeSlow(Math.max(BLOCK_BYTES, size));
      this.view = new DataView(this.block.buffer, this.block.byteOffset, this.block.byteLength);
      this.blockStart = 0;
      this.used = 0;
    }
    return this.used;
  }

  /** Hands the filled part of the block to the write queue; the rest of the block keeps filling. */
  private seal(): void {
    if (this.used > this.blockStart) {
      this.pieces.push({ bytes: this.block.subarray(this.blockStart, this.used), records: this.recordsSinceSeal });
      this.recordsSinceSeal = 0;
      this.blockStart = this.used;
    }
  }

  /** Waiting one turn of the event loop lets a burst of records become one write. */
  private schedule(): void {
    if (this.scheduled || this.draining) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.draining) this.startDrain();
    });
  }

  private get hasPending(): boolean {
    return this.pieces.length > 0 || this.used > this.blockStart;
  }

  /** The one writer: records that arrive while it runs are picked up by its loop or by the next one. */
  private startDrain(): Promise<void> {
    const run = this.drain().then(() => {
      this.draining = undefined;
      if (this.hasPending && this.state !== 'error') this.schedule();
    });
    this.draining = run;
    return run;
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.seal();
      if (this.pieces.length === 0 || this.state === 'error') return;
      let count = 0;
      let bytes = 0;
      let records = 0;
      while (
        count < this.pieces.length &&
        count < MAX_WRITE_PIECES &&
        (count === 0 || bytes + this.pieces[count].bytes.byteLength <= MAX_WRITE_BYTES)
      ) {
        bytes += this.pieces[count].bytes.byteLength;
        records += this.pieces[count].records;
        count++;
      }
      const batch = this.pieces.splice(0, count).map((piece) => piece.bytes);
      try {
        await writeFully(this.handle, batch, bytes);
      } catch (err) {
        this.failWith(explainFileError(err, this.options.path, 'write'));
        return;
      }
      this.bytesWritten += bytes;
      this.recordsWritten += records;
      this.pendingBytes -= bytes;
      if (this.state === 'disk-behind' && this.pendingBytes <= FILE_LOW_WATER_BYTES) this.caughtUp();
    }
  }

  private behind(): void {
    this.state = 'disk-behind';
    if (this.options.canPauseReading) {
      this.paused = true;
      this.options.onPressure(true);
    }
    this.options.onChange();
  }

  private caughtUp(): void {
    this.state = 'writing';
    this.release();
    this.options.onChange();
  }

  private release(): void {
    if (!this.paused) return;
    this.paused = false;
    this.options.onPressure(false);
  }

  private failWith(error: SockpitError): void {
    if (this.state === 'error') return;
    this.state = 'error';
    this.error = error;
    this.accepting = false;
    this.pieces.length = 0;
    this.pendingBytes = 0;
    this.release();
    void this.handle.close().catch(() => {});
    this.options.onError(error);
    this.options.onChange();
  }

  /** Stops taking records, writes everything already taken, closes the file. Safe to call twice. */
  close(): Promise<CaptureFileInfo> {
    this.closing ??= (async () => {
      this.accepting = false;
      while (this.state !== 'error' && (this.draining || this.hasPending)) await (this.draining ?? this.startDrain());
      if (this.state !== 'error') {
        try {
          await this.handle.close();
          this.state = 'closed';
        } catch (err) {
          this.failWith(explainFileError(err, this.options.path, 'write'));
        }
      }
      this.release();
      return this.info();
    })();
    return this.closing;
  }
}

/** Writes every byte of `buffers` or throws; a short write (rare, but allowed) continues where it stopped. */
async function writeFully(handle: FileHandle, buffers: Uint8Array[], total: number): Promise<void> {
  let left = buffers;
  let remaining = total;
  while (remaining > 0) {
    const { bytesWritten } = await handle.writev(left);
    if (bytesWritten <= 0) throw Object.assign(new Error('the system accepted no bytes'), { code: 'EIO' });
    remaining -= bytesWritten;
    if (remaining <= 0) return;
    let skip = bytesWritten;
    const rest: Uint8Array[] = [];
    for (const buffer of left) {
      if (skip >= buffer.byteLength) {
        skip -= buffer.byteLength;
        continue;
      }
      rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
      skip = 0;
    }
    left = rest;
  }
}

/**
 * Appending records after a record cut in half would leave them unreadable, so the file must be a
 * records file of this version whose last record is whole. The trailer makes that one small read
 * at each end, however big the file is.
 */
async function checkAppendable(path: string, size: number): Promise<Result<void>> {
  const notRecords = () => failWith('E_FORMAT', 'append-not-records', { path });
  const damaged = () => failWith('E_FORMAT', 'append-damaged', { path });
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const header = Buffer.alloc(CAPTURE_FILE_HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, header.byteLength, 0);
    if (bytesRead < CAPTURE_FILE_HEADER_BYTES || !hasCaptureFileMagic(header)) return notRecords();
    const version = header.readUInt32LE(8);
    if (version !== CAPTURE_FILE_VERSION) {
      return failWith('E_FORMAT', 'append-other-version', { path, version, ours: CAPTURE_FILE_VERSION });
    }
    const headerBytes = header.readUInt32LE(12);
    if (size === headerBytes) return ok(undefined);
    if (size < headerBytes + CAPTURE_RECORD_HEAD_BYTES + CAPTURE_RECORD_TRAILER_BYTES) return damaged();
    const trailer = Buffer.alloc(CAPTURE_RECORD_TRAILER_BYTES);
    await handle.read(trailer, 0, trailer.byteLength, size - CAPTURE_RECORD_TRAILER_BYTES);
    const length = trailer.readUInt32LE(0);
    if (length < CAPTURE_RECORD_HEAD_BYTES + CAPTURE_RECORD_TRAILER_BYTES || length > size - headerBytes)
      return damaged();
    const head = Buffer.alloc(CAPTURE_RECORD_HEAD_BYTES);
    await handle.read(head, 0, head.byteLength, size - length);
    const parsed = readRecordHead(new DataView(head.buffer, head.byteOffset, head.byteLength), 0);
    return parsed && parsed.length === length ? ok(undefined) : damaged();
  } catch (err) {
    return { ok: false, error: explainFileError(err, path, 'open') };
  } finally {
    await handle?.close().catch(() => {});
  }
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`;
}

/**
 * A file system error in plain words. `folder`: the error came from looking at the folder that should hold the file.
 */
export function explainFileError(err: unknown, path: string, op: 'folder' | 'open' | 'write'): SockpitError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodeJS.ErrnoException;
  const code = e.code ?? 'E_FILE';
  // `written`: the hint adds that everything saved so far is in the file.
  const params: ErrorParams = { path, ...(op === 'write' ? { written: 1 } : {}) };
  const said = (key: ErrorKey, more: ErrorParams = {}): SockpitError =>
    keyedError(code, key, { ...params, ...more }, e.syscall ? { syscall: e.syscall } : {});
  switch (code) {
    case 'ENOENT':
      return op === 'folder' || op === 'open'
        ? said('file-folder-missing', { folder: op === 'folder' ? path : dirname(path) })
        : said('file-vanished');
    case 'ENOTDIR':
      return said('file-path-not-folder');
    case 'EACCES':
    case 'EPERM':
      return said(op === 'folder' ? 'file-folder-denied' : 'file-write-denied');
    case 'EROFS':
      return said('file-read-only-disk');
    case 'ENOSPC':
      return said('file-disk-full');
    case 'EDQUOT':
      return said('file-quota');
    case 'EFBIG':
      return said('file-too-big');
    case 'EISDIR':
      return said('capture-path-is-folder', { example: join(path, 'capture.bin') });
    case 'ENAMETOOLONG':
      return said('file-path-too-long');
    case 'ELOOP':
      return said('file-path-loop');
    case 'EMFILE':
    case 'ENFILE':
      return said('file-too-many-open');
    case 'EBUSY':
    case 'ETXTBSY':
      return said('file-busy');
    case 'EIO':
      return said(op === 'write' ? 'file-disk-error-write' : 'file-disk-error-open');
    default:
      return said(op === 'write' ? 'file-write-failed' : 'file-open-failed', { detail: e.message ?? String(err) });
  }
}
