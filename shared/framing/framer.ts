import { parseHex } from '../codec/hex';
import { DEFAULT_MAX_MESSAGE_BYTES, type FramingSpec } from '../contract/framing';
import {
  MODBUS_RTU_MAX_FRAME,
  MODBUS_TCP_MAX_FRAME,
  modbusCrcOk,
  modbusRtuCandidates,
  newModbusCandidates,
  type ModbusRole,
} from './modbus';

// The framer: cuts one connection's received bytes into messages, whatever way the reads cut them. Pure (no
// Node, no DOM): the engine runs it at ingest, the renderer over captured history.
//
// Speed: a push whose messages all lie inside it is cut without copying (each message is a view into the
// pushed bytes). Only the trailing partial message is copied, into one growing buffer, and the next push is
// appended to it until that message completes; then cutting goes on in the push itself. Delimiters are found
// with the typed array's own `indexOf`, and a scan never goes over the same bytes twice.

export interface FramedMessage {
  /** A view into the pushed bytes when the message lies in one push, else a copy: copy what you keep. */
  bytes: Uint8Array;
  /** When its first byte arrived (the time of the push that held it). */
  wallUs: number;
  monoUs: number;
  /** The `seq` of the pushes that held its first and its last byte (0 when pushes carry none). */
  firstSeq: number;
  lastSeq: number;
  /** Why it is not a good message: a wrong CRC, an impossible length, no delimiter in time, cut off at the end. */
  bad?: string;
}

/** Where pushes begin inside the pending buffer, with their times: a message takes its first byte's. */
interface Segments {
  start: number[];
  wallUs: number[];
  monoUs: number[];
  seq: number[];
}

const enum Kind {
  PerRead,
  Delimiter,
  Line,
  JsonLines,
  Fixed,
  LengthField,
  IdleGap,
  ModbusRtu,
  ModbusTcp,
}

const KINDS: Record<FramingSpec['mode'], Kind> = {
  'per-read': Kind.PerRead,
  delimiter: Kind.Delimiter,
  line: Kind.Line,
  'json-lines': Kind.JsonLines,
  fixed: Kind.Fixed,
  'length-field': Kind.LengthField,
  'idle-gap': Kind.IdleGap,
  'modbus-rtu': Kind.ModbusRtu,
  'modbus-tcp': Kind.ModbusTcp,
};

const LF = 0x0a;
const CR = 0x0d;

/** The spec's own size limit: a partial message past it is emitted, marked bad. */
function maxBytesOf(spec: FramingSpec): number {
  switch (spec.mode) {
    case 'delimiter':
    case 'line':
    case 'json-lines':
    case 'length-field':
    case 'idle-gap':
      return spec.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    case 'fixed':
      return spec.length;
    case 'modbus-rtu':
      return MODBUS_RTU_MAX_FRAME;
    case 'modbus-tcp':
      return MODBUS_TCP_MAX_FRAME;
    case 'per-read':
      return Infinity;
  }
}

/**
 * An incremental splitter for one connection (UDP: one peer). `push` hands it each read as it comes and
 * returns the messages now complete; a message may span many pushes and a push may hold many messages.
 * Any way of cutting the same bytes into pushes gives the same messages (idle-gap aside, which is about time).
 */
export class Framer {
  readonly spec: FramingSpec;
  private readonly kind: Kind;
  private readonly maxBytes: number;
  private readonly delimiter: Uint8Array;
  private readonly gapUs: number;
  /** The trailing partial message: `buf[0, len)`. */
  private buf = new Uint8Array(0);
  private len = 0;
  private readonly segments: Segments = { start: [], wallUs: [], monoUs: [], seq: [] };
  /** When the last push came, for idle-gap. */
  private lastPushMonoUs = 0;
  /** How far past the start of the current message a scan already looked, so no byte is scanned twice. */
  private resume = 0;
  /** What the first impossible header of a run of garbage said, for the bad message that run becomes. */
  private garbageNote = '';
  /** Modbus RTU: whether this connection carries requests or responses, learnt from the first good frame. */
  private role: ModbusRole | undefined;
  private readonly candidates = newModbusCandidates();
  private jsonDecoder?: { decode(bytes: Uint8Array): string };
  /** Set by `cut`: where the message ends, where its kept bytes end (a stripped delimiter), and why it is bad. */
  private cutEnd = 0;
  private keepEnd = 0;
  private cutBad: string | undefined;

  constructor(spec: FramingSpec) {
    this.spec = spec;
    this.kind = KINDS[spec.mode];
    this.maxBytes = maxBytesOf(spec);
    this.gapUs = spec.mode === 'idle-gap' ? spec.gapMs * 1000 : 0;
    if (spec.mode === 'delimiter') {
      const parsed = parseHex(spec.delimiter);
      if (!parsed.ok || parsed.value.length === 0) throw new Error(`Invalid delimiter "${spec.delimiter}".`);
      this.delimiter = parsed.value;
    } else {
      this.delimiter = Uint8Array.of(LF);
    }
  }

  /** Bytes of the trailing partial message. */
  get pendingBytes(): number {
    return this.len;
  }

  /** The trailing partial message as it stands (a copy), or undefined when there is none. */
  pending(): FramedMessage | undefined {
    if (this.len === 0) return undefined;
    const segments = this.segments;
    return {
      bytes: this.buf.slice(0, this.len),
      wallUs: segments.wallUs[0],
      monoUs: segments.monoUs[0],
      firstSeq: segments.seq[0],
      lastSeq: segments.seq[segments.seq.length - 1],
    };
  }

  /** Forget everything pending, as for a new stream. */
  reset(): void {
    this.len = 0;
    this.clearSegments();
    this.resume = 0;
    this.garbageNote = '';
    this.role = undefined;
  }

  /**
   * Idle-gap: the pending message is complete once the line has been quiet for the gap; call this from a
   * timer. Other modes never complete a message by time and return nothing.
   */
  flushIfIdle(nowMonoUs: number): FramedMessage[] {
    if (this.kind !== Kind.IdleGap || this.len === 0 || nowMonoUs - this.lastPushMonoUs < this.gapUs) return [];
    return [this.takePending(undefined)];
  }

  /**
   * The stream ended (the connection closed): what is pending comes out as it is. Idle-gap: the end is
   * silence, so the message is complete; otherwise it was cut off and is marked bad.
   */
  flush(): FramedMessage[] {
    if (this.len === 0) return [];
    const bytes = this.len === 1 ? '1 byte' : `${this.len} bytes`;
    const bad = this.kind === Kind.IdleGap ? undefined : `incomplete: the stream ended ${bytes} into a message`;
    return [this.takePending(bad)];
  }

  /**
   * One read: `bytes` as they arrived at `wallUs`/`monoUs`, from the record `seq`. Returns the messages this
   * completes, oldest first; their bytes may be views into `bytes`.
   */
  push(bytes: Uint8Array, wallUs: number, monoUs: number, seq = 0): FramedMessage[] {
    const out: FramedMessage[] = [];
    if (this.kind === Kind.PerRead) {
      if (bytes.length > 0) out.push({ bytes, wallUs, monoUs, firstSeq: seq, lastSeq: seq });
      return out;
    }
    if (this.kind === Kind.IdleGap) {
      if (this.len > 0 && monoUs - this.lastPushMonoUs >= this.gapUs) out.push(this.takePending(undefined));
      this.lastPushMonoUs = monoUs;
    }
    if (bytes.length === 0) return out;

    let pos = 0;
    if (this.len > 0) {
      // Finish the partial message in the buffer, then go on in the push itself.
      const oldLen = this.len;
      this.append(bytes, wallUs, monoUs, seq);
      const window = this.buf.subarray(0, this.len);
      let at = 0;
      let segment = 0;
      while (at < window.length && this.cut(window, at)) {
        segment = this.emit(out, window, at, segment, true);
        at = this.cutEnd;
        if (at >= oldLen) break;
      }
      if (at < oldLen) {
        this.dropFront(at);
        return out;
      }
      pos = at - oldLen;
      this.len = 0;
      this.clearSegments();
    }
    // Cutting inside the push: a message is a view, no copy.
    const end = bytes.length;
    while (pos < end && this.cut(bytes, pos)) {
      this.emitFromPush(out, bytes, pos, wallUs, monoUs, seq);
      pos = this.cutEnd;
    }
    if (pos < end) this.append(bytes.subarray(pos), wallUs, monoUs, seq);
    return out;
  }

  // ---- cutting -------------------------------------------------------------------------------------

  /**
   * Whether a message starting at `start` of `w` is complete (or must be given up on): sets cutEnd, keepEnd
   * and cutBad. False: wait for more bytes.
   */
  private cut(w: Uint8Array, start: number): boolean {
    this.cutBad = undefined;
    switch (this.kind) {
      case Kind.Delimiter:
        return this.cutDelimited(w, start, !(this.spec.mode === 'delimiter' && this.spec.keep), false);
      case Kind.Line:
        return this.cutDelimited(w, start, true, true);
      case Kind.JsonLines:
        if (!this.cutDelimited(w, start, true, true)) return false;
        this.cutBad ??= this.jsonProblem(w.subarray(start, this.keepEnd));
        return true;
      case Kind.Fixed:
        return this.cutAt(start, w.length, this.maxBytes);
      case Kind.IdleGap:
        // Only time ends a message; a partial message past the limit is given up on.
        if (w.length - start < this.maxBytes) return false;
        this.cutBad = `no gap of ${this.gapUs / 1000} ms within ${this.maxBytes} bytes`;
        return this.cutAt(start, w.length, this.maxBytes);
      case Kind.LengthField:
        return this.cutLengthField(w, start);
      case Kind.ModbusTcp:
        return this.cutModbusTcp(w, start);
      case Kind.ModbusRtu:
        return this.cutModbusRtu(w, start);
      case Kind.PerRead:
        return this.cutAt(start, w.length, w.length - start);
    }
  }

  private cutAt(start: number, end: number, length: number): boolean {
    if (end - start < length) return false;
    this.cutEnd = this.keepEnd = start + length;
    this.resume = 0;
    return true;
  }

  /**
   * Delimiter, line and JSON lines. The delimiter is looked for from where the last look stopped (less its
   * length, in case it was arriving in pieces). A message longer than the limit is cut at the limit and marked
   * bad; the bytes after it start the next message, so a delimiter that never comes costs a bounded buffer.
   */
  private cutDelimited(w: Uint8Array, start: number, strip: boolean, stripCr: boolean): boolean {
    const delimiter = this.delimiter;
    const dl = delimiter.length;
    const end = w.length;
    const max = this.maxBytes;
    let at = start + this.resume;
    let found = -1;
    const first = delimiter[0];
    // On a Node Buffer this is Buffer's own indexOf (memchr): about three times faster than the typed array's.
    while (at <= end - dl) {
      const i = w.indexOf(first, at);
      if (i < 0 || i > end - dl) break;
      let k = 1;
      while (k < dl && w[i + k] === delimiter[k]) k++;
      if (k === dl) {
        found = i;
        break;
      }
      at = i + 1;
    }
    if (found >= 0 && found - start <= max) {
      this.cutEnd = found + dl;
      let keep = strip ? found : found + dl;
      if (stripCr && keep > start && w[keep - 1] === CR) keep--;
      this.keepEnd = keep;
      this.resume = 0;
      return true;
    }
    if (found >= 0 || end - start >= max + dl) {
      this.cutBad = `no delimiter within ${max} bytes`;
      this.cutEnd = this.keepEnd = start + max;
      this.resume = 0;
      return true;
    }
    this.resume = Math.max(0, end - dl + 1 - start);
    return false;
  }

  private jsonProblem(line: Uint8Array): string | undefined {
    let text: string;
    try {
      text = (this.jsonDecoder ??= new TextDecoder('utf-8', { fatal: true })).decode(line);
    } catch {
      return 'not JSON: the line is not valid UTF-8';
    }
    if (text.trim() === '') return 'not JSON: the line is empty';
    try {
      JSON.parse(text);
      return undefined;
    } catch (err) {
      return `not JSON: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /**
   * Length-prefixed frames. An impossible length (shorter than the header, or over the limit) means we are
   * not at a frame's start: the framer then moves on one byte at a time until a header reads as a possible
   * length, and emits the bytes it passed over as one bad message. A frame that reads as possible is trusted.
   */
  private cutLengthField(w: Uint8Array, start: number): boolean {
    const spec = this.spec;
    if (spec.mode !== 'length-field') return false;
    const header = spec.offset + spec.size;
    const max = this.maxBytes;
    return this.cutLengthPrefixed(w, start, header, (p) => {
      const at = p + spec.offset;
      let value: number;
      if (spec.size === 1) value = w[at];
      else if (spec.size === 2) value = spec.endian === 'be' ? (w[at] << 8) | w[at + 1] : w[at] | (w[at + 1] << 8);
      else
        value =
          spec.endian === 'be'
            ? w[at] * 0x1000000 + ((w[at + 1] << 16) | (w[at + 2] << 8) | w[at + 3])
            : w[at + 3] * 0x1000000 + ((w[at + 2] << 16) | (w[at + 1] << 8) | w[at]);
      const total = (spec.includesHeader ? 0 : header) + value + spec.adjust;
      if (total >= header && total <= max) return total;
      this.garbageNote ||= `impossible length: the length field says ${value}, which makes a message of ${total} bytes (it must be ${header}–${max})`;
      return -1;
    });
  }

  /** Modbus TCP: the MBAP header's protocol id must be 0 and its length 2–254 (unit id + a PDU of 1–253 bytes). */
  private cutModbusTcp(w: Uint8Array, start: number): boolean {
    return this.cutLengthPrefixed(w, start, 6, (p) => {
      const protocol = (w[p + 2] << 8) | w[p + 3];
      const length = (w[p + 4] << 8) | w[p + 5];
      if (protocol === 0 && length >= 2 && length <= 254) return 6 + length;
      this.garbageNote ||=
        protocol !== 0
          ? `not a Modbus TCP header: protocol id ${protocol} (must be 0)`
          : `impossible Modbus TCP length ${length} (must be 2–254)`;
      return -1;
    });
  }

  /** `frameLength(p)`: the whole frame's length when a frame can start at p (its header is there), else -1. */
  private cutLengthPrefixed(w: Uint8Array, start: number, header: number, frameLength: (p: number) => number): boolean {
    const end = w.length;
    let p = start + this.resume;
    for (;;) {
      if (p > start && p - start >= this.maxBytes) return this.cutGarbage(start + this.maxBytes);
      if (end - p < header) {
        this.resume = p - start;
        return false;
      }
      const total = frameLength(p);
      if (total >= 0) {
        if (p > start) return this.cutGarbage(p);
        if (end - p < total) return false;
        this.garbageNote = '';
        return this.cutAt(start, end, total);
      }
      p++;
    }
  }

  /** The bytes from the message start up to `end` cannot be a frame: one bad message. */
  private cutGarbage(end: number): boolean {
    this.cutBad = this.garbageNote || 'not a frame';
    this.garbageNote = '';
    this.cutEnd = this.keepEnd = end;
    this.resume = 0;
    return true;
  }

  /**
   * Modbus RTU. The function code gives each possible length (as a request, as a response); the first one,
   * shortest first, whose CRC matches is the frame, and it tells the connection's role, after which only
   * lengths of that role count. If none matches the frame is emitted at the length its role gives (a response
   * until a good frame says otherwise), marked bad, and framing goes on after it. Bytes that cannot start a
   * frame (reserved address, unknown function code, impossible byte count) are passed over one by one up to
   * the next byte that can, and come out as one bad message.
   */
  private cutModbusRtu(w: Uint8Array, start: number): boolean {
    const end = w.length;
    const candidates = this.candidates;
    let p = start + this.resume;
    for (;;) {
      if (p > start && p - start >= MODBUS_RTU_MAX_FRAME) return this.cutGarbage(start + MODBUS_RTU_MAX_FRAME);
      if (end - p < 2) {
        this.resume = p - start;
        return false;
      }
      modbusRtuCandidates(w, p, end, candidates);
      let usable = 0;
      for (let k = 0; k < candidates.count; k++) {
        if (!this.fitsRole(candidates.roles[k])) continue;
        // A length hangs on a byte count still to come: wait for it, so how the reads fell changes nothing.
        if (candidates.unknown[k]) {
          this.resume = p - start;
          return false;
        }
        usable++;
      }
      if (usable === 0) {
        if (p === start)
          this.garbageNote ||=
            w[p] > 247
              ? `not Modbus RTU: address ${w[p]} is reserved`
              : `not Modbus RTU: function code ${w[p + 1]} with no frame length this framer knows`;
        p++;
        continue;
      }
      if (p > start) return this.cutGarbage(p);
      this.garbageNote = '';
      let fallback = -1;
      for (let k = 0; k < candidates.count; k++) {
        const role = candidates.roles[k];
        if (!this.fitsRole(role)) continue;
        const length = candidates.lengths[k];
        if (end - start < length) return false;
        if (modbusCrcOk(w, start, length)) {
          if (role !== 'either') this.role = role;
          return this.cutAt(start, end, length);
        }
        if (fallback < 0 || role === (this.role ?? 'response')) fallback = length;
      }
      this.cutAt(start, end, fallback);
      this.cutBad = 'CRC does not match (CRC-16/MODBUS)';
      return true;
    }
  }

  private fitsRole(role: ModbusRole): boolean {
    return this.role === undefined || role === 'either' || role === this.role;
  }

  // ---- the pending buffer ----------------------------------------------------------------------------

  private emit(out: FramedMessage[], window: Uint8Array, at: number, segment: number, copy: boolean): number {
    const s = this.segments;
    let first = segment;
    while (first + 1 < s.start.length && s.start[first + 1] <= at) first++;
    let last = first;
    while (last + 1 < s.start.length && s.start[last + 1] < this.cutEnd) last++;
    const bytes = copy ? window.slice(at, this.keepEnd) : window.subarray(at, this.keepEnd);
    const message: FramedMessage = {
      bytes,
      wallUs: s.wallUs[first],
      monoUs: s.monoUs[first],
      firstSeq: s.seq[first],
      lastSeq: s.seq[last],
    };
    if (this.cutBad !== undefined) message.bad = this.cutBad;
    out.push(message);
    return first;
  }

  private emitFromPush(
    out: FramedMessage[],
    bytes: Uint8Array,
    at: number,
    wallUs: number,
    monoUs: number,
    seq: number,
  ): void {
    const message: FramedMessage = {
      bytes: bytes.subarray(at, this.keepEnd),
      wallUs,
      monoUs,
      firstSeq: seq,
      lastSeq: seq,
    };
    if (this.cutBad !== undefined) message.bad = this.cutBad;
    out.push(message);
  }

  private takePending(bad: string | undefined): FramedMessage {
    const message = this.pending()!;
    if (bad !== undefined) message.bad = bad;
    this.len = 0;
    this.clearSegments();
    this.resume = 0;
    this.garbageNote = '';
    return message;
  }

  private append(bytes: Uint8Array, wallUs: number, monoUs: number, seq: number): void {
    const needed = this.len + bytes.length;
    if (needed > this.buf.length) {
      const grown = new Uint8Array(Math.max(needed, this.buf.length * 2, 256));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(bytes, this.len);
    const s = this.segments;
    s.start.push(this.len);
    s.wallUs.push(wallUs);
    s.monoUs.push(monoUs);
    s.seq.push(seq);
    this.len = needed;
  }

  /** The first `count` bytes are cut: the rest moves to the front, with the segments that still hold it. */
  private dropFront(count: number): void {
    if (count === 0) return;
    this.buf.copyWithin(0, count, this.len);
    this.len -= count;
    const s = this.segments;
    let keepFrom = 0;
    while (keepFrom + 1 < s.start.length && s.start[keepFrom + 1] <= count) keepFrom++;
    s.start.splice(0, keepFrom);
    s.wallUs.splice(0, keepFrom);
    s.monoUs.splice(0, keepFrom);
    s.seq.splice(0, keepFrom);
    for (let i = 0; i < s.start.length; i++) s.start[i] = Math.max(0, s.start[i] - count);
    // A buffer grown for one huge message does not stay huge.
    if (this.buf.length > 4 * Math.max(this.len, 64 * 1024)) this.buf = this.buf.slice(0, Math.max(this.len, 256));
  }

  private clearSegments(): void {
    const s = this.segments;
    s.start.length = 0;
    s.wallUs.length = 0;
    s.monoUs.length = 0;
    s.seq.length = 0;
    if (this.buf.length > 4 * 64 * 1024) this.buf = new Uint8Array(256);
  }
}

/** Cut a whole history at once: `reads` in arrival order, each with its time and record seq. */
export function frameAll(
  spec: FramingSpec,
  reads: Iterable<{ bytes: Uint8Array; wallUs: number; monoUs: number; seq?: number }>,
  options: { flush?: boolean } = {},
): FramedMessage[] {
  const framer = new Framer(spec);
  const messages: FramedMessage[] = [];
  for (const read of reads) {
    for (const message of framer.push(read.bytes, read.wallUs, read.monoUs, read.seq ?? 0)) messages.push(message);
  }
  if (options.flush) for (const message of framer.flush()) messages.push(message);
  return messages;
}
