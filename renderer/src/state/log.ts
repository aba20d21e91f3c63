import type { CaptureRecord } from '../../../shared/contract';
import type { MessageKey, NoteKey } from '../i18n';

/** What a note says, translated when shown so switching the language changes old notes too. */
export type NoteSay =
  | { key: MessageKey; values?: Record<string, string | number>; detail?: string }
  | { note: NoteKey; values?: Record<string, string | number> }
  | { text: string };

/** A line in a session's log: captured bytes, or something that happened (connected, reset, error). */
export type LogRow =
  | { kind: 'record'; record: CaptureRecord }
  | { kind: 'note'; id: number; wallMs: number; tone: 'info' | 'warn' | 'error'; say: NoteSay; peer?: string };

/** Rows a pane keeps for display; the engine's capture store holds more, up to its byte cap. */
export const MAX_VIEW_ROWS = 20_000;

/**
 * Received data lives here, outside React state: a flood appends thousands of rows a second, and only
 * the panes showing them should notice, once per animation frame, not once per chunk.
 */
class SessionLog {
  rows: LogRow[] = [];
  /** Bumped on every change; a view compares it to know when to repaint. */
  version = 0;
  droppedRows = 0;
  lastSeq = 0;

  append(row: LogRow): void {
    if (row.kind === 'record') {
      // A record can arrive twice: once live, once in the snapshot a reconnecting tab reads.
      if (row.record.seq <= this.lastSeq) return;
      this.lastSeq = row.record.seq;
    }
    this.rows.push(row);
    if (this.rows.length > MAX_VIEW_ROWS * 1.25) {
      const excess = this.rows.length - MAX_VIEW_ROWS;
      this.rows.splice(0, excess);
      this.droppedRows += excess;
    }
    this.version++;
  }

  clear(): void {
    this.rows = [];
    this.droppedRows = 0;
    this.version++;
  }
}

type Listener = () => void;

class LogStore {
  private readonly logs = new Map<string, SessionLog>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly dirty = new Set<string>();
  private frame: number | undefined;
  private noteIds = 0;

  log(sessionId: string): SessionLog {
    let log = this.logs.get(sessionId);
    if (!log) this.logs.set(sessionId, (log = new SessionLog()));
    return log;
  }

  appendRecord(record: CaptureRecord): void {
    this.log(record.sessionId).append({ kind: 'record', record });
    this.changed(record.sessionId);
  }

  note(sessionId: string, tone: 'info' | 'warn' | 'error', say: NoteSay, peer?: string): void {
    this.log(sessionId).append({ kind: 'note', id: ++this.noteIds, wallMs: Date.now(), tone, say, peer });
    this.changed(sessionId);
  }

  /** Records read from the engine's capture (a tab that reconnected), merged in sequence order. */
  replaceWithSnapshot(sessionId: string, records: CaptureRecord[]): void {
    const log = this.log(sessionId);
    const notes = log.rows.filter((row) => row.kind === 'note');
    const live = log.rows.filter((row): row is Extract<LogRow, { kind: 'record' }> => row.kind === 'record');
    const bySeq = new Map<number, CaptureRecord>();
    for (const record of records) bySeq.set(record.seq, record);
    for (const row of live) bySeq.set(row.record.seq, row.record);
    const merged: LogRow[] = [...bySeq.values()].sort((a, b) => a.seq - b.seq).map((record) => ({ kind: 'record', record }));
    log.rows = notes.length ? mergeByTime(merged, notes) : merged;
    log.lastSeq = Math.max(log.lastSeq, ...[...bySeq.keys(), 0]);
    log.version++;
    this.changed(sessionId);
  }

  clear(sessionId: string): void {
    this.log(sessionId).clear();
    this.changed(sessionId);
  }

  drop(sessionId: string): void {
    this.logs.delete(sessionId);
    this.changed(sessionId);
  }

  subscribe(sessionId: string, listener: Listener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) this.listeners.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private changed(sessionId: string): void {
    this.dirty.add(sessionId);
    this.frame ??= requestAnimationFrame(() => this.notify());
  }

  private notify(): void {
    this.frame = undefined;
    const sessions = [...this.dirty];
    this.dirty.clear();
    for (const id of sessions) for (const listener of this.listeners.get(id) ?? []) listener();
  }
}

function rowTime(row: LogRow): number {
  return row.kind === 'record' ? row.record.wallUs / 1000 : row.wallMs;
}

function mergeByTime(a: LogRow[], b: LogRow[]): LogRow[] {
  const out: LogRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && rowTime(a[i]) <= rowTime(b[j]))) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

export const logStore = new LogStore();
export type { SessionLog };
