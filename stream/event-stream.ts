import type { ConnectionInfo, EngineEvent, SessionStats } from '../shared/contract';
import {
  BATCH_INTERVAL_MS,
  MAX_UNACKED_BATCHES,
  BatchWriter,
  eventJsonBytes,
  MAX_BATCH_BYTES,
  MAX_RECORD_BYTES_IN_BATCH,
  RECORD_HEADER_BYTES,
  type RecordFields,
} from '../shared/contract/batch';
import type { CaptureReader } from '../engine/capture';
import type { Engine } from '../engine/engine';

/** What the stream reads: the engine's events, how far each session's records go, and its capture at flush time. */
export type EventSource = Pick<Engine, 'subscribe' | 'onRecords' | 'capture'>;

export interface EventStreamOptions {
  /** At most one batch per this many ms. */
  intervalMs?: number;
  /** Batches sent and not yet acknowledged; the stream goes quiet once this many are out. */
  maxUnacked?: number;
  /** No batch is bigger than this, header included. */
  maxBatchBytes?: number;
  /** The most payload bytes of one record a batch carries. */
  maxRecordBytes?: number;
  /**
   * Control events kept for a client that has `maxUnacked` batches out; past this they are dropped and the client told
   * to resync.
   */
  maxPendingEvents?: number;
  /** The same bound in bytes of JSON, so a few thousand huge events cannot hold hundreds of MiB either. */
  maxPendingEventBytes?: number;
  /**
   * Writing records into one batch stops after this many ms (at least one record of each session goes); the rest
   * waits for the next batch, unskipped. Building runs on the thread that reads the sockets: a long build is a socket
   * nobody reads, and at 100k datagrams/s a full receive buffer drops them.
   */
  buildSliceMs?: number;
  /** Monotonic milliseconds. */
  now?: () => number;
}

export const DEFAULT_MAX_PENDING_EVENTS = 50_000;
export const DEFAULT_MAX_PENDING_EVENT_BYTES = 32 * 1024 * 1024;
export const DEFAULT_BUILD_SLICE_MS = 3;
/**
 * A batch of at least this much of `maxBatchBytes` (64 KiB of the default 256 KiB) is written into a buffer the stream
 * keeps, and that buffer is used again once the client acknowledges the batch. Under a flood every batch is near the
 * maximum, and a new array of that size 50 times a second is external memory that V8 adds up until its next full
 * collection: in `npm run bench -- udp` (1400 B at 100k/s, one UI attached) it started old-generation marking after
 * nearly every young collection, about 110 mark-compacts in 10 s against about 10 with reused buffers. Smaller
 * batches are allocated as before: they are rare under load, and a client that clones a whole buffer (not just the
 * view) must not be sent a quarter of a megabyte for a few events.
 */
export const REUSED_BATCH_FRACTION = 1 / 4;
/** The clock is read once per this many records written, not per record. */
const RECORDS_PER_CLOCK_READ = 128;

/** Per session: how far this client's view got, and what it cost. */
export interface SessionStreamCounters {
  sessionId: string;
  /** The next seq this client has not been offered. */
  cursor: number;
  /** Records carried in batches. */
  sent: number;
  /** Records passed over: the client fell behind, or the capture store evicted them first. */
  skipped: number;
}

export interface EventStreamCounters {
  batchesSent: number;
  /** The newest batch the client acknowledged (0 for none). */
  lastAcked: number;
  inFlight: number;
  recordsSent: number;
  recordsSkipped: number;
  /** Control events dropped because the client stopped acknowledging for too long. */
  eventsDropped: number;
  /** Batches that carried `resync`. */
  resyncs: number;
  /** The biggest batch so far, in bytes. */
  largestBatchBytes: number;
  /** Batches the deliver callback refused (threw); they were not counted as sent. */
  deliverFailures: number;
  sessions: SessionStreamCounters[];
}

interface SessionCursor extends SessionStreamCounters {
  dirty: boolean;
}

interface QueuedEvent {
  event: EngineEvent;
  /** JSON size; -1 until measured (stats entries change size as they merge). */
  bytes: number;
}

/** Which records of one session go into the batch being built. */
interface RecordPlan {
  session: SessionCursor;
  store: CaptureReader;
  /** The oldest seq the client could still get (its cursor, or the store's first if that is newer). */
  oldest: number;
  /** Oldest seq sent; everything from the cursor up to it is skipped. */
  from: number;
  count: number;
  /** The newest record's carried bytes (it alone may be cut shorter to fit). */
  newestCarried: number;
  /** The most this section adds to the writer's size. */
  cost: number;
  /** Whether the whole available backlog is in the plan, uncut. */
  complete: boolean;
  /** How many of `count` went into the batch: fewer when the build ran out of time. */
  written: number;
}

const { sectionCost, stringCost } = BatchWriter;
/** The writer's fixed part: magic, length, and the header's JSON punctuation. */
const EMPTY_BATCH_BYTES = new BatchWriter(1, new Uint8Array(0)).size;

// Every client's stream receives the same event object: measure it once, not once per client.
const measured = new WeakMap<EngineEvent, number>();
function sharedJsonBytes(event: EngineEvent): number {
  let bytes = measured.get(event);
  if (bytes === undefined) {
    bytes = eventJsonBytes(event);
    measured.set(event, bytes);
  }
  return bytes;
}

/** Newer counters win; a connection the newer report left out (it did not change) keeps its last values. */
function mergeStats(older: SessionStats, newer: SessionStats): SessionStats {
  const byId = new Map<string, ConnectionInfo>();
  for (const connection of older.connections) byId.set(connection.connectionId, connection);
  for (const connection of newer.connections) byId.set(connection.connectionId, connection);
  return { ...newer, connections: [...byId.values()] };
}

// Every batch is built in one staging area and copied out by `finish`; streams never build at the same time.
let sharedStaging: Uint8Array | undefined;

/**
 * Carries the engine's events and records to one user interface (an Electron window, a browser tab) as
 * packed binary batches (shared/contract/batch.ts), with acknowledgement-based flow control.
 *
 * Records are never queued per client: the stream keeps a cursor per session (the next seq this client
 * has not been offered) and reads the capture store when it builds a batch, so a client that stops
 * acknowledging costs nothing but its cursor. When the backlog does not fit a batch, the newest records
 * go and the rest are reported as skipped — the view shows what happens now, and the capture store still
 * holds the rest for `capture.read`. Control events (sessions, connections, counters) are queued in
 * order, bounded; only the newest stats per session are kept.
 */
export class EventStream {
  private readonly sessions = new Map<string, SessionCursor>();
  private readonly dirty = new Set<SessionCursor>();
  private events: QueuedEvent[] = [];
  private eventsHead = 0;
  private pendingEventBytes = 0;
  private readonly statsAt = new Map<string, QueuedEvent>();
  private resync = false;
  private nextBatchId = 1;
  private lastAcked = 0;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly totals = {
    recordsSent: 0,
    recordsSkipped: 0,
    eventsDropped: 0,
    resyncs: 0,
    largestBatchBytes: 0,
    deliverFailures: 0,
  };
  private readonly unsubscribe: () => void;
  private readonly stopFollowingRecords: () => void;

  private readonly intervalMs: number;
  private readonly maxUnacked: number;
  private readonly maxBatchBytes: number;
  private readonly maxRecordBytes: number;
  private readonly maxPendingEvents: number;
  private readonly maxPendingEventBytes: number;
  private readonly buildSliceMs: number;
  private readonly now: () => number;
  /** Reused for every record described, so planning and writing a batch make no object per record. */
  private readonly fields: RecordFields = {
    seq: 0,
    wallUs: 0,
    monoUs: 0,
    connectionId: null,
    peer: '',
    dir: 'rx',
    encoding: undefined,
    length: 0,
  };
  private readonly seen = new Set<string>();
  /** Batch buffers free to build into (see REUSED_BATCH_FRACTION). */
  private spareOutputs: Uint8Array[] = [];
  /** Buffers of batches sent and not yet acknowledged, oldest first; each returns to `spareOutputs` on its ack. */
  private outputsOut: Array<{ batchId: number; buffer: Uint8Array }> = [];

  constructor(
    private readonly source: EventSource,
    /**
     * Sends one batch; throwing means it did not go, and it is built again later. A big batch is a view into a buffer
     * the stream writes again once the client acknowledges that batch (or on `restart`): a deliverer that copies it
     * (IPC) or writes it before the client can acknowledge it (a WebSocket) needs nothing more, one that keeps it longer
     * copies it.
     */
    private readonly deliver: (bytes: Uint8Array) => void,
    options: EventStreamOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? BATCH_INTERVAL_MS;
    this.maxUnacked = options.maxUnacked ?? MAX_UNACKED_BATCHES;
    this.maxBatchBytes = options.maxBatchBytes ?? MAX_BATCH_BYTES;
    this.maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES_IN_BATCH;
    this.maxPendingEvents = options.maxPendingEvents ?? DEFAULT_MAX_PENDING_EVENTS;
    this.maxPendingEventBytes = options.maxPendingEventBytes ?? DEFAULT_MAX_PENDING_EVENT_BYTES;
    this.buildSliceMs = options.buildSliceMs ?? DEFAULT_BUILD_SLICE_MS;
    this.now = options.now ?? (() => performance.now());
    if (this.maxBatchBytes - EMPTY_BATCH_BYTES < 4096)
      throw new Error('maxBatchBytes leaves no room for events and records.');
    this.unsubscribe = source.subscribe((event) => {
      try {
        this.push(event);
      } catch {
        // Whatever goes wrong here concerns this one client; the engine and its other listeners go on.
        this.resync = true;
      }
    });
    // A session that already exists needs no set-up: the first notice after this line carries the
    // capture's nextSeq as of now, so starting the cursor at its newest record begins where this client came in.
    this.stopFollowingRecords = source.onRecords((sessionId, nextSeq) => this.recordsAdded(sessionId, nextSeq));
  }

  /** Batch `batchId` and all before it are consumed. Unknown, stale and never-sent ids change nothing. */
  ack(batchId: number): void {
    if (this.closed || !Number.isSafeInteger(batchId) || batchId <= this.lastAcked || batchId >= this.nextBatchId)
      return;
    this.lastAcked = batchId;
    this.reclaimOutputs();
    this.schedule();
  }

  /** Buffers of acknowledged batches are free again. */
  private reclaimOutputs(): void {
    let taken = 0;
    while (taken < this.outputsOut.length && this.outputsOut[taken]!.batchId <= this.lastAcked) {
      this.spareOutputs.push(this.outputsOut[taken]!.buffer);
      taken++;
    }
    if (taken > 0) this.outputsOut.splice(0, taken);
  }

  get inFlight(): number {
    return this.nextBatchId - 1 - this.lastAcked;
  }

  counters(): EventStreamCounters {
    return {
      batchesSent: this.nextBatchId - 1,
      lastAcked: this.lastAcked,
      inFlight: this.inFlight,
      ...this.totals,
      sessions: [...this.sessions.values()].map(({ sessionId, cursor, sent, skipped }) => ({
        sessionId,
        cursor,
        sent,
        skipped,
      })),
    };
  }

  /**
   * A new client took over the link (an Electron window loaded its page again): the batches in flight
   * went to a page that is gone and will never be acknowledged, so the stream may send again at once. Queued events and
   * cursors stay — the new page reads the state and history itself, and what follows continues from
   * here. Batch ids go on counting, so a late acknowledgement from the old page changes nothing.
   */
  restart(): void {
    if (this.closed) return;
    this.lastAcked = this.nextBatchId - 1;
    this.reclaimOutputs();
    this.schedule();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.stopFollowingRecords();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.events = [];
    this.eventsHead = 0;
    this.statsAt.clear();
    this.sessions.clear();
    this.dirty.clear();
    this.spareOutputs = [];
    this.outputsOut = [];
  }

  /**
   * Builds and sends one batch now if fewer than `maxUnacked` are out and anything is waiting. The stream's own timer
   * calls it at most once per interval; calling it directly (tests) skips that wait. Returns whether a
   * batch went out.
   */
  flush(): boolean {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.inFlight >= this.maxUnacked || !this.hasWork()) return false;
    // Every attempt counts against the interval, so no failure here can turn into a busy loop.
    this.lastFlushAt = this.now();
    let sent = false;
    try {
      sent = this.buildAndSend();
    } catch {
      // A bug in building must not stop the stream for good: the client re-reads its state.
      this.resync = true;
    }
    this.schedule();
    return sent;
  }

  private hasWork(): boolean {
    return this.resync || this.dirty.size > 0 || this.events.length > this.eventsHead;
  }

  private schedule(): void {
    if (this.timer || this.closed || this.inFlight >= this.maxUnacked || !this.hasWork()) return;
    const wait = Math.max(0, Math.ceil(this.lastFlushAt + this.intervalMs - this.now()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Timers may fire a fraction of a millisecond early; the interval is a promise to the client.
      if (this.now() - this.lastFlushAt < this.intervalMs) this.schedule();
      else this.flush();
    }, wait);
    this.timer.unref?.();
  }

  private recordsAdded(sessionId: string, nextSeq: number): void {
    if (this.closed) return;
    const session = this.sessions.get(sessionId) ?? this.track(sessionId, nextSeq - 1);
    if (session.dirty) return;
    session.dirty = true;
    this.dirty.add(session);
    this.schedule();
  }

  private push(event: EngineEvent): void {
    if (this.closed) return;
    switch (event.type) {
      case 'capture.cleared': {
        // Cleared on purpose: whatever the client had not been offered is gone, and that is no skip.
        const session = this.sessions.get(event.sessionId) ?? this.track(event.sessionId, event.nextSeq);
        session.cursor = Math.max(session.cursor, event.nextSeq);
        break;
      }
      case 'session.removed': {
        const session = this.sessions.get(event.sessionId);
        if (session) this.dirty.delete(session);
        this.sessions.delete(event.sessionId);
        break;
      }
      case 'stats': {
        const earlier = this.statsAt.get(event.stats.sessionId);
        if (earlier && earlier.event.type === 'stats') {
          earlier.event = { type: 'stats', stats: mergeStats(earlier.event.stats, event.stats) };
          earlier.bytes = -1;
          return;
        }
        break;
      }
    }
    this.enqueue(event);
  }

  private track(sessionId: string, cursor: number): SessionCursor {
    const session: SessionCursor = { sessionId, cursor, sent: 0, skipped: 0, dirty: false };
    this.sessions.set(sessionId, session);
    return session;
  }

  private enqueue(event: EngineEvent): void {
    const pending = this.events.length - this.eventsHead;
    if (pending >= this.maxPendingEvents || this.pendingEventBytes > this.maxPendingEventBytes) {
      // The client stopped acknowledging long enough that replaying every event would cost more than
      // reading the state again: drop them all, and the next batch tells it to resync.
      this.totals.eventsDropped += pending;
      this.events = [];
      this.eventsHead = 0;
      this.pendingEventBytes = 0;
      this.statsAt.clear();
      this.resync = true;
    }
    const entry: QueuedEvent = { event, bytes: event.type === 'stats' ? -1 : sharedJsonBytes(event) };
    if (event.type === 'stats') this.statsAt.set(event.stats.sessionId, entry);
    else this.pendingEventBytes += entry.bytes;
    this.events.push(entry);
    this.schedule();
  }

  private buildAndSend(): boolean {
    sharedStaging ??= new Uint8Array(this.maxBatchBytes);
    const writer = new BatchWriter(this.nextBatchId, sharedStaging);
    const max = this.maxBatchBytes;
    let resync = this.resync;

    // Control events first, in order: they are state, while records can be skipped and read back later.
    let taken = 0;
    for (let i = this.eventsHead; i < this.events.length; i++) {
      const entry = this.events[i]!;
      if (entry.bytes < 0) entry.bytes = eventJsonBytes(entry.event);
      if (writer.size + entry.bytes + 1 <= max) {
        writer.addEvent(entry.event, entry.bytes);
        taken++;
        continue;
      }
      if (EMPTY_BATCH_BYTES + entry.bytes + 1 <= max) break;
      // Too big for any batch on its own. A counters report splits into several (each is a valid
      // report for some of the connections); anything else is dropped and the client re-reads state.
      const pieces =
        entry.event.type === 'stats' ? this.splitStats(entry.event.stats, max - EMPTY_BATCH_BYTES - 1) : [];
      this.events.splice(i, 1, ...pieces);
      if (entry.event.type !== 'stats') {
        this.pendingEventBytes -= entry.bytes;
      } else if (this.statsAt.get(entry.event.stats.sessionId) === entry) {
        // Newer reports merge into the last piece, which goes out after the others.
        const last = pieces[pieces.length - 1];
        if (last) this.statsAt.set(entry.event.stats.sessionId, last);
        else this.statsAt.delete(entry.event.stats.sessionId);
      }
      if (pieces.length === 0) {
        this.totals.eventsDropped++;
        this.resync = true;
        resync = true;
      }
      i--;
    }
    if (resync) writer.markResync();

    const plans = this.planRecords(max - writer.size);
    this.writeRecords(writer, plans);
    if (writer.isEmpty) return false;

    // `size` bounds the finished batch from above and stays within maxBatchBytes, so a reused buffer always fits.
    const output =
      writer.size >= this.maxBatchBytes * REUSED_BATCH_FRACTION
        ? (this.spareOutputs.pop() ?? new Uint8Array(this.maxBatchBytes))
        : undefined;
    const bytes = writer.finish(output);
    const reused = output !== undefined && bytes.buffer === output.buffer;
    if (output && !reused) this.spareOutputs.push(output);
    // Counted before delivery, so an acknowledgement that arrives during `deliver` is already valid.
    const batchId = this.nextBatchId++;
    try {
      this.deliver(bytes);
    } catch {
      this.nextBatchId = batchId;
      this.lastAcked = Math.min(this.lastAcked, batchId - 1);
      this.totals.deliverFailures++;
      if (reused) this.spareOutputs.push(output);
      return false;
    }
    // An acknowledgement during `deliver` already covers this batch: its buffer is free at once.
    if (reused) {
      if (batchId <= this.lastAcked) this.spareOutputs.push(output);
      else this.outputsOut.push({ batchId, buffer: output });
    }

    // Sent: only now does anything else move on, so a refused delivery loses nothing.
    this.totals.largestBatchBytes = Math.max(this.totals.largestBatchBytes, bytes.byteLength);
    if (resync) {
      this.resync = false;
      this.totals.resyncs++;
    }
    for (let i = this.eventsHead; i < this.eventsHead + taken; i++) {
      const entry = this.events[i]!;
      if (entry.event.type === 'stats') {
        if (this.statsAt.get(entry.event.stats.sessionId) === entry) this.statsAt.delete(entry.event.stats.sessionId);
      } else {
        this.pendingEventBytes -= entry.bytes;
      }
      this.events[i] = undefined as unknown as QueuedEvent;
    }
    this.eventsHead += taken;
    if (this.eventsHead === this.events.length) {
      this.events = [];
      this.eventsHead = 0;
    } else if (this.eventsHead >= 1024 && this.eventsHead * 2 >= this.events.length) {
      this.events = this.events.slice(this.eventsHead);
      this.eventsHead = 0;
    }
    for (const plan of plans) {
      // A plan the build had no time for moves nothing: its records are neither sent nor skipped.
      if (plan.written === 0) continue;
      const { session } = plan;
      const skipped = plan.from - session.cursor;
      session.cursor = plan.from + plan.written;
      session.sent += plan.written;
      session.skipped += skipped;
      this.totals.recordsSent += plan.written;
      this.totals.recordsSkipped += skipped;
      if (session.cursor >= plan.store.nextSeq) {
        session.dirty = false;
        this.dirty.delete(session);
      }
    }
    return true;
  }

  /**
   * Writes the planned records, oldest first, until they are all in or the build slice is spent; each plan's
   * `written` says how far it got. The slice is shared like the bytes are: each session may use its equal part plus
   * whatever the sessions before it left, so a flood cut for time cannot starve the sessions after it. Every
   * planned session gets at least one record, so every batch moves each stream on.
   */
  private writeRecords(writer: BatchWriter, plans: RecordPlan[]): void {
    const fields = this.fields;
    const start = this.now();
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i]!;
      const deadline = start + (this.buildSliceMs * (i + 1)) / plans.length;
      const newest = plan.from + plan.count - 1;
      for (let seq = plan.from; seq <= newest; seq++) {
        if (plan.written > 0 && plan.written % RECORDS_PER_CLOCK_READ === 0 && this.now() > deadline) break;
        if (plan.written === 0) writer.beginSession(plan.session.sessionId, plan.from - plan.session.cursor);
        if (!plan.store.describe(seq, fields)) throw new Error(`Record #${seq} vanished while a batch was built.`);
        writer.addRecordFrom(
          plan.session.sessionId,
          fields,
          plan.store,
          seq === newest ? plan.newestCarried : this.maxRecordBytes,
        );
        plan.written++;
      }
    }
  }

  /**
   * Shares `budget` bytes between the sessions with new records: each gets an equal share, and what a
   * session with a small backlog leaves over goes to the others (water-filling), so one flooding session
   * cannot starve a quiet one.
   */
  private planRecords(budget: number): RecordPlan[] {
    const candidates: RecordPlan[] = [];
    for (const session of [...this.dirty]) {
      const store = this.source.capture(session.sessionId);
      if (!store) {
        this.dirty.delete(session);
        this.sessions.delete(session.sessionId);
        continue;
      }
      const newest = store.nextSeq - 1;
      const oldest = store.size > 0 ? Math.max(session.cursor, store.stats().firstSeq) : newest + 1;
      if (oldest > newest) {
        // Nothing left to offer (cleared, or evicted to nothing): the cursor simply catches up.
        session.cursor = Math.max(session.cursor, store.nextSeq);
        session.dirty = false;
        this.dirty.delete(session);
        continue;
      }
      candidates.push(this.fit(session, store, oldest, budget));
    }
    const demand = (plan: RecordPlan) => (plan.complete ? plan.cost : Number.POSITIVE_INFINITY);
    candidates.sort((a, b) => demand(a) - demand(b));
    const plans: RecordPlan[] = [];
    let left = budget;
    for (let i = 0; i < candidates.length; i++) {
      let plan = candidates[i]!;
      const share = Math.floor(left / (candidates.length - i));
      if (plan.cost > share) plan = this.fit(plan.session, plan.store, plan.oldest, share);
      if (plan.count === 0) continue;
      left -= plan.cost;
      plans.push(plan);
    }
    // Sections in a stable order (by session), whatever order the shares were worked out in.
    plans.sort((a, b) =>
      a.session.sessionId < b.session.sessionId ? -1 : a.session.sessionId > b.session.sessionId ? 1 : 0,
    );
    return plans;
  }

  /** The newest records of `oldest..newest` that fit in `budget` bytes of batch. */
  private fit(session: SessionCursor, store: CaptureReader, oldest: number, budget: number): RecordPlan {
    const newest = store.nextSeq - 1;
    const plan: RecordPlan = {
      session,
      store,
      oldest,
      from: newest + 1,
      count: 0,
      newestCarried: 0,
      cost: sectionCost(session.sessionId),
      complete: false,
      written: 0,
    };
    let cut = false;
    const seen = this.seen;
    seen.clear();
    const record = this.fields;
    for (let seq = newest; seq >= oldest; seq--) {
      store.describe(seq, record);
      let strings = 0;
      if (record.connectionId !== null && !seen.has(record.connectionId)) strings += stringCost(record.connectionId);
      if (record.peer !== record.connectionId && !seen.has(record.peer)) strings += stringCost(record.peer);
      const carried = Math.min(record.length, this.maxRecordBytes);
      const cost = RECORD_HEADER_BYTES + carried + strings;
      if (plan.cost + cost > budget) {
        // The newest record goes even if only its start fits: the rest stays readable in the store.
        const room = budget - plan.cost - RECORD_HEADER_BYTES - strings;
        if (plan.count === 0 && room >= 0) {
          plan.newestCarried = room;
          plan.cost += RECORD_HEADER_BYTES + room + strings;
          plan.count = 1;
          plan.from = seq;
          cut = true;
        }
        break;
      }
      if (record.connectionId !== null) seen.add(record.connectionId);
      seen.add(record.peer);
      if (plan.count === 0) plan.newestCarried = carried;
      plan.cost += cost;
      plan.count++;
      plan.from = seq;
    }
    if (plan.count === 0) plan.cost = 0;
    plan.complete = plan.count > 0 && plan.from === oldest && !cut;
    return plan;
  }

  /** Splits a counters report whose connection list is too long for one batch into reports that fit. */
  private splitStats(stats: SessionStats, limit: number): QueuedEvent[] {
    const base: EngineEvent = { type: 'stats', stats: { ...stats, connections: [] } };
    const baseBytes = eventJsonBytes(base);
    if (baseBytes + 1 > limit) return [];
    const pieces: QueuedEvent[] = [];
    let current: ConnectionInfo[] = [];
    let currentBytes = baseBytes;
    const close = () => {
      const event: EngineEvent = { type: 'stats', stats: { ...stats, connections: current } };
      pieces.push({ event, bytes: eventJsonBytes(event) });
      current = [];
      currentBytes = baseBytes;
    };
    for (const connection of stats.connections) {
      const bytes = Buffer.byteLength(JSON.stringify(connection), 'utf8') + 1;
      // One connection that cannot fit even alone is left out; the next report carries it again if it changes.
      if (baseBytes + bytes > limit) continue;
      if (currentBytes + bytes > limit) close();
      current.push(connection);
      currentBytes += bytes;
    }
    if (current.length > 0 || pieces.length === 0) close();
    return pieces;
  }
}
