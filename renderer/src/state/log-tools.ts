import { useSyncExternalStore } from 'react';
import type { Encoding } from '../../../shared/codec/options';
import type { FramedLog } from '../framing/framed-log';
import { FramedScan, LogScan, type Scan } from '../log/log-scan';
import { compileSearch, EMPTY_QUERY, type RowMatcher, type SearchQuery } from '../log/search';
import type { TimeMode } from '../log/time-text';
import { logStore, type SessionLog } from './log';

/** A scan slice: long enough to get through tens of thousands of rows, short enough to keep a frame free. */
const SLICE_MS = 8;
/** While a long scan runs, the count on screen moves at most this often. */
const PROGRESS_EVERY_MS = 100;

type Listener = () => void;

/** A message for the person about the last copy or save, in words. */
export interface ToolStatus {
  tone: 'info' | 'error';
  text: string;
}

/**
 * One session's log tools: the search and its matches, whether the view shows only them, the time column,
 * the rows selected for copying. Kept outside React state and outside the log itself, so the log's rows and
 * these tools change independently; views subscribe to `version`.
 *
 * A row here is what the view shows as one row: a log serial per read, or a position in the framed view
 * (`framed`) when the view shows messages. Matches, the current match and the selection are all rows.
 */
export class LogTools {
  query: SearchQuery = EMPTY_QUERY;
  /** Why the query cannot be used, in words; the matches stay those of the last good query. */
  error: string | undefined;
  filterOnly = false;
  timeMode: TimeMode = 'absolute';
  /** The matches, while a query or a filter is set. */
  scan: Scan | undefined;
  /** The framed view the rows are positions in; undefined per read, where rows are log serials. */
  framed: FramedLog | undefined;
  matcher: RowMatcher | undefined;
  /** The row of the match the person moved to (indexes shift when old rows are evicted). */
  currentRow: number | undefined;
  /** Asks the view to bring a row into sight; the nonce makes asking twice for one row work twice. */
  focus: { row: number; nonce: number } | undefined;
  selection = new Set<number>();
  /** Where a Shift+click range starts. */
  anchor: number | undefined;
  status: ToolStatus | undefined;
  version = 0;

  private encoding: Encoding = 'utf-8';
  private readonly listeners = new Set<Listener>();
  private scheduled = false;
  private lastProgress = 0;
  private unfollow: (() => void) | undefined;
  private nonce = 0;

  constructor(readonly sessionId: string) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }

  setQuery(change: Partial<SearchQuery>): void {
    this.query = { ...this.query, ...change };
    this.restart();
  }

  setEncoding(encoding: Encoding): void {
    if (encoding === this.encoding) return;
    this.encoding = encoding;
    if (this.scan) this.restart();
  }

  /**
   * The view now shows these messages (or, undefined, the reads): rows are numbered anew, so the selection
   * and the current match go and the search starts over on the new rows.
   */
  setFramed(framed: FramedLog | undefined): void {
    if (framed === this.framed) return;
    this.framed = framed;
    this.selection = new Set();
    this.anchor = undefined;
    this.currentRow = undefined;
    this.focus = undefined;
    if (this.scan) this.restart();
    else this.changed();
  }

  setFilterOnly(on: boolean): void {
    this.filterOnly = on;
    this.changed();
  }

  setTimeMode(mode: TimeMode): void {
    this.timeMode = mode;
    this.changed();
  }

  setStatus(status: ToolStatus | undefined): void {
    this.status = status;
    this.changed();
  }

  /** The scan is still going through the history or new rows. */
  get searching(): boolean {
    return this.scan !== undefined && !this.scan.done;
  }

  /** 1-based position of the current match, 0 when there is none. */
  get currentIndex(): number {
    const scan = this.scan;
    if (!scan || this.currentRow === undefined) return 0;
    const index = scan.indexAtOrAfter(this.currentRow);
    return index < scan.matchCount && scan.at(index) === this.currentRow ? index + 1 : 0;
  }

  /** Next (1) or previous (-1) match, wrapping around; brings it into view. */
  move(step: 1 | -1): void {
    const scan = this.scan;
    if (!scan) return;
    const count = scan.matchCount;
    if (count === 0) return;
    const at = this.currentIndex - 1;
    const next = at < 0 ? (step > 0 ? 0 : count - 1) : (at + step + count) % count;
    this.goTo(scan.at(next));
  }

  private goTo(row: number): void {
    this.currentRow = row;
    this.focus = { row, nonce: ++this.nonce };
    this.changed();
  }

  /** Plain click: this row only; toggle (Ctrl/⌘): add or remove it; range (Shift): every shown row from the anchor. */
  select(row: number, how: 'only' | 'toggle' | 'range', shownBetween: (from: number, to: number) => number[]): void {
    if (how === 'range' && this.anchor !== undefined) {
      const [from, to] = this.anchor <= row ? [this.anchor, row] : [row, this.anchor];
      this.selection = new Set(shownBetween(from, to));
    } else if (how === 'toggle') {
      this.selection = new Set(this.selection);
      if (!this.selection.delete(row)) this.selection.add(row);
      this.anchor = row;
    } else {
      this.selection = new Set([row]);
      this.anchor = row;
    }
    this.changed();
  }

  /** The rows a copy takes: the selection, or else the current match; only those still shown. */
  rowsToCopy(log: SessionLog): number[] {
    const first = this.framed ? this.framed.first : log.first;
    const end = this.framed ? this.framed.endWithPending : log.end;
    const rows = [...this.selection].filter((row) => row >= first && row < end);
    if (rows.length === 0 && this.currentRow !== undefined && this.currentRow >= first) rows.push(this.currentRow);
    return rows.sort((a, b) => a - b);
  }

  /** Stops following the log; the session is gone. */
  dispose(): void {
    this.unfollow?.();
    this.unfollow = undefined;
    this.scan = undefined;
  }

  private restart(): void {
    const compiled = compileSearch(this.query, this.encoding);
    if (!compiled.ok) {
      this.error = compiled.error;
      this.changed();
      return;
    }
    this.error = undefined;
    this.currentRow = undefined;
    this.matcher = compiled.matcher;
    if (compiled.matcher.everything) {
      this.scan = undefined;
      this.unfollow?.();
      this.unfollow = undefined;
    } else {
      this.scan = this.scanOf(logStore.log(this.sessionId), compiled.matcher);
      // New rows (and a log replaced by a reconnecting tab's snapshot) are searched as they come.
      this.unfollow ??= logStore.subscribe(this.sessionId, () => this.schedule());
      this.lastProgress = 0;
      this.schedule();
    }
    this.changed();
  }

  private scanOf(log: SessionLog, matcher: RowMatcher): Scan {
    return this.framed ? new FramedScan(log, this.framed, matcher) : new LogScan(log, matcher);
  }

  private schedule(): void {
    if (this.scheduled || !this.scan) return;
    this.scheduled = true;
    nextTask(() => {
      this.scheduled = false;
      this.work();
    });
  }

  private work(): void {
    let scan = this.scan;
    if (!scan || !this.matcher) return;
    const log = logStore.log(this.sessionId);
    if (scan.log !== log) {
      this.scan = scan = this.scanOf(log, this.matcher);
      this.currentRow = undefined;
    }
    const before = scan.matchCount;
    const done = scan.step(SLICE_MS);
    const found = scan.matchCount;
    // The first match is shown at once, as a browser's find does; after that the person moves.
    if (this.currentRow === undefined && found > 0 && this.matcher.hasPattern) {
      this.goTo(scan.at(0));
    } else {
      const now = performance.now();
      if (done || (found !== before && now - this.lastProgress >= PROGRESS_EVERY_MS)) {
        this.lastProgress = now;
        this.changed();
      }
    }
    if (!done) this.schedule();
  }
}

/**
 * A task after the browser has had its turn (input, painting): a message to ourselves, which unlike
 * setTimeout(0) is not clamped to 4 ms when tasks nest.
 */
function nextTask(run: () => void): void {
  if (typeof MessageChannel === 'undefined') {
    setTimeout(run, 0);
    return;
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    run();
  };
  channel.port2.postMessage(null);
}

const tools = new Map<string, LogTools>();

export function logTools(sessionId: string): LogTools {
  let found = tools.get(sessionId);
  if (!found) tools.set(sessionId, (found = new LogTools(sessionId)));
  return found;
}

export function dropLogTools(sessionId: string): void {
  tools.get(sessionId)?.dispose();
  tools.delete(sessionId);
}

/** The session's tools, re-rendering the caller when they change. */
export function useLogTools(sessionId: string): LogTools {
  const found = logTools(sessionId);
  useSyncExternalStore(
    (listener) => found.subscribe(listener),
    () => found.version,
  );
  return found;
}
