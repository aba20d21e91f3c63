import {
  memo,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { flushSync } from 'react-dom';
import { ENCODING_LABELS } from '../../../shared/codec/text';
import { translate, translateNote, useT, type Translate } from '../i18n';
import { loadFullRecord } from '../state/actions';
import { fullRecords, type FullRecord } from '../state/full-records';
import { logStore, ROW_NOT_KEPT, ROW_NOTE, ROW_RX, ROW_SKIPPED, type SessionLog } from '../state/log';
import { useLogTools } from '../state/log-tools';
import type { Scan } from './log-scan';
import { useApp, type Language, type SessionView } from '../state/store';
import { FIRST_SLICE, formatBytes, MORE_SLICE, RowFormatter, rowEncoding, type Piece, type RowContent } from './format';
import { Marked, RowMenu, rowsBetween, type Highlight, type RowList } from './row-tools';
import { timeText } from './time-text';
import { columnLayout, compactTime, gridColumns, showsPeer, tightTime } from './columns';
import { connectionStore } from '../state/connections';
import { FRAMED_PENDING, FRAMED_ROW, framedViews, type FramedLog } from '../framing/framed-log';
import { BAD_NONE, type BadReason } from '../framing/splitters';
import { appliedFraming } from '../framing/view-framing';

// A virtualized log: the scroll bar maps to row numbers (not pixels), and only the rows that fill the
// viewport are in the page, formatted when they appear. A million rows cost what forty do.

/** Scroll distance per row. The real rows vary in height; only their order is mapped to the scroll bar. */
const SCROLL_PX_PER_ROW = 20;
/** Browsers cap an element's height (~33.5M px in Chromium); a longer history scrolls more per pixel. */
const MAX_SCROLL_PX = 15_000_000;
/** A first guess at a row's height until rows of this view have been measured. */
const DEFAULT_ROW_PX = 19;
/** Measured heights kept per view; a few screenfuls. */
const MAX_HEIGHTS = 4000;
/** Re-layouts allowed per paint when measured heights disagree with the guesses; they converge in one or two. */
const MAX_PASSES = 4;

/** The log's store version, or a constant while paused: a frozen view does not re-render for new rows. */
function useLogSnapshot(sessionId: string): string {
  return useSyncExternalStore(
    (listener) => logStore.subscribe(sessionId, listener),
    () => {
      const log = logStore.log(sessionId);
      return log.frozenEnd !== undefined ? `frozen:${log.frozenEnd}` : `live:${log.version}`;
    },
  );
}

/** The store version, always: the banner counts what waits behind a paused view. */
function useLogVersion(sessionId: string): number {
  return useSyncExternalStore(
    (listener) => logStore.subscribe(sessionId, listener),
    () => logStore.log(sessionId).version,
  );
}

function useFullRecordsVersion(): number {
  return useSyncExternalStore(
    (listener) => fullRecords.subscribe(listener),
    () => fullRecords.version,
  );
}

export function LogView({ sessionId, view }: { sessionId: string; view: SessionView }) {
  const t = useT();
  return (
    <section className="log" aria-label={t('log')}>
      <LogBanner sessionId={sessionId} t={t} />
      <LogRows sessionId={sessionId} view={view} />
    </section>
  );
}

/**
 * What the view does not show, in words: rows waiting behind a paused view, records the engine never
 * sent (the view fell behind), records this window let go to stay within its memory, and what the
 * capture store itself evicted at its cap. Each part has an accessible name and its exact count.
 *
 * The banner's height comes off the log's, so it must not change under a paused view: a note that
 * appeared during a flood used to wrap it onto a second line and push the top rows out of the frozen
 * view (`npm run bench -- window`, 4 of 16 runs). It shows from the moment the view is paused, and
 * it is one line (styles.css), each note cut short with an ellipsis where the pane is narrow; its title
 * holds the whole of it.
 */
function LogBanner({ sessionId, t }: { sessionId: string; t: Translate }) {
  useLogVersion(sessionId);
  const evictedBytes = useApp((state) => state.stats[sessionId]?.capture.evictedBytes ?? 0);
  const log = logStore.log(sessionId);
  const frozenEnd = log.frozenEnd;
  const paused = frozenEnd !== undefined;
  const waiting = paused ? Math.max(0, log.end - frozenEnd) : 0;
  const skipped = log.viewSkipped + log.notKept;
  const dropped = log.evictedRecords;
  if (!paused && skipped === 0 && dropped === 0 && evictedBytes === 0) return null;
  return (
    <div className="log-banner" role="group" aria-label={t('notShown')}>
      {paused && <BannerNote label={t('waitingLabel')} count={waiting} text={t('pausedNote', { n: waiting })} />}
      {skipped > 0 && (
        <BannerNote
          loss
          label={t('viewSkippedLabel')}
          count={skipped}
          text={t('viewSkipped', { n: skipped })}
          why={t('viewSkippedTitle')}
        />
      )}
      {dropped > 0 && (
        <BannerNote
          label={t('viewDroppedLabel')}
          count={dropped}
          text={t('viewDropped', { n: dropped })}
          why={t('viewDroppedTitle')}
        />
      )}
      {evictedBytes > 0 && (
        <BannerNote
          loss
          label={t('captureEvictedLabel')}
          bytes={evictedBytes}
          text={t('captureEvicted', { size: formatBytes(evictedBytes) })}
          why={t('captureEvictedTitle')}
        />
      )}
    </div>
  );
}

/** One part of the banner; its title repeats its words (and says why), for when the line cuts them short. */
function BannerNote(props: {
  label: string;
  text: string;
  why?: string;
  loss?: boolean;
  count?: number;
  bytes?: number;
}) {
  const { label, text, why, loss, count, bytes } = props;
  return (
    <span
      role="note"
      className={loss ? 'loss' : undefined}
      aria-label={label}
      data-count={count}
      data-bytes={bytes}
      title={why ? `${text}\n${why}` : text}
    >
      {text}
    </span>
  );
}

interface Placement {
  from: number;
  to: number;
  /** The rows are aligned to the viewport's bottom (following, or the end of the history is reached). */
  bottom: boolean;
  /** Top alignment: how far into the first row the viewport starts, as a fraction of its height. */
  frac: number;
}

function LogRows({ sessionId, view }: { sessionId: string; view: SessionView }) {
  const t = useT();
  const language = useApp((state) => state.language);
  useLogSnapshot(sessionId);
  useFullRecordsVersion();
  const tools = useLogTools(sessionId);
  const log = logStore.log(sessionId);
  const scroller = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [, setTick] = useState(0);
  const [expanded, setExpanded] = useState<ReadonlyMap<string, number>>(new Map());
  const [menu, setMenu] = useState<{ x: number; y: number } | undefined>();
  const formatter = useRef(new RowFormatter());
  const heights = useRef(new Map<number, number>());
  const averageHeight = useRef(DEFAULT_ROW_PX);
  const following = useRef(view.autoScroll);
  const anchor = useRef({ serial: log.first, frac: 0 });
  const programmatic = useRef(-1);
  const passes = useRef(0);
  /** The most clients this view has seen at once: their rows stay after they go, and so does the peer column. */
  const clientsSeen = useRef(0);
  // A framing other than per read shows messages: rows are then positions in the framed view, not log serials.
  const session = useApp((state) => state.sessions[sessionId]);
  const framed = framedViews.of(sessionId, appliedFraming(sessionId, view.framing, session).framing);
  const framingKey = framed?.key ?? 'per-read';
  const layoutKey = `${view.viewMode}|${view.receiveEncoding}|${view.timestamps}|${size.width}|${language}|${tools.timeMode}|${framingKey}`;
  const lastLayoutKey = useRef(layoutKey);
  const lastFramingKey = useRef(framingKey);
  if (lastLayoutKey.current !== layoutKey) {
    // Heights depend on all of these; re-measure rather than trust old ones.
    lastLayoutKey.current = layoutKey;
    heights.current.clear();
  }
  const lastAutoScroll = useRef(view.autoScroll);
  if (lastAutoScroll.current !== view.autoScroll) {
    lastAutoScroll.current = view.autoScroll;
    following.current = view.autoScroll;
  }

  const serialEnd = Math.max(log.first, log.frozenEnd ?? log.end);
  // Only rows not framed before are read: following a live log costs what arrived, not the history.
  framed?.sync(log, serialEnd, Date.now() * 1000);
  const lo = framed ? framed.first : log.first;
  const hi = framed ? Math.max(lo, framed.endWithPending) : serialEnd;
  if (lastFramingKey.current !== framingKey) {
    // Another framing numbers the rows anew: keep following, or start at the top of the new rows.
    lastFramingKey.current = framingKey;
    anchor.current = { serial: lo, frac: 0 };
  }
  // The tools number rows as this view does only once told of its framing (an effect, after this render).
  const toolsFit = tools.framed === framed;
  useEffect(() => tools.setFramed(framed), [tools, framed]);
  // The rows shown, by position. A row is a log serial, or a framed message's index when framed. Filter mode
  // shows only the search's matches: rows per read, messages when framed.
  const rowsShown = rowList(lo, hi, tools.filterOnly && toolsFit ? tools.scan : undefined);
  const count = rowsShown.count;
  /** The log row a view row stands for: itself, or the row a framed message's first byte is in. */
  const logSerial = (row: number) => (framed ? framed.serial(row) : row);
  const viewportHeight = size.height || 400;
  const pxPerRow = count * SCROLL_PX_PER_ROW > MAX_SCROLL_PX ? MAX_SCROLL_PX / count : SCROLL_PX_PER_ROW;
  const heightOf = (position: number) => heights.current.get(rowsShown.serialAt(position)) ?? averageHeight.current;
  const lastFocus = useRef(0);
  if (tools.focus && tools.focus.nonce !== lastFocus.current && toolsFit) {
    // A search moved to a match: show it a few rows below the top, and stop following.
    lastFocus.current = tools.focus.nonce;
    following.current = false;
    anchor.current = { serial: rowsShown.serialAt(Math.max(0, rowsShown.positionOf(tools.focus.row) - 3)), frac: 0 };
  }
  const anchorAt = () => ({ serial: rowsShown.positionOf(anchor.current.serial), frac: anchor.current.frac });
  const placed = placeWindow(0, count, viewportHeight, following.current, anchorAt(), heightOf);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setSize({ width: element.clientWidth, height: element.clientHeight }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // No dependency list on purpose: it measures what every render drew, and MAX_PASSES bounds the re-layouts.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  useLayoutEffect(() => {
    const element = scroller.current;
    const rows = inner.current;
    if (!element || !rows) return;
    // Measure what was drawn; if the guesses were wrong, lay out again before the browser paints.
    let total = 0;
    let changed = false;
    let measuredSum = 0;
    let measuredCount = 0;
    for (const child of rows.children) {
      const serial = Number((child as HTMLElement).dataset.row);
      const height = (child as HTMLElement).getBoundingClientRect().height;
      total += height;
      measuredSum += height;
      measuredCount++;
      if (heights.current.get(serial) !== height) {
        heights.current.set(serial, height);
        changed = true;
      }
    }
    if (heights.current.size > MAX_HEIGHTS) heights.current.clear();
    if (measuredCount > 0) averageHeight.current = measuredSum / measuredCount;
    if (changed && passes.current < MAX_PASSES) {
      const again = placeWindow(0, count, viewportHeight, following.current, anchorAt(), heightOf);
      if (again.from !== placed.from || again.to !== placed.to || again.bottom !== placed.bottom) {
        passes.current++;
        setTick((n) => n + 1);
        return;
      }
    }
    passes.current = 0;
    const offset = placed.bottom ? Math.min(0, viewportHeight - total) : -placed.frac * heightOf(placed.from);
    rows.style.transform = `translateY(${offset}px)`;
    log.shownEnd = serialEnd;
    // A paused view keeps what it shows: the rows from its first visible one on stay, whatever arrives.
    if (log.frozenEnd !== undefined && placed.from < count)
      log.pin = Math.min(log.pin ?? Number.POSITIVE_INFINITY, logSerial(rowsShown.serialAt(placed.from)));
    const maxTop = Math.max(0, element.scrollHeight - element.clientHeight);
    // Rows evicted from under the anchor leave it at the oldest row still held.
    const wanted =
      following.current || (placed.bottom && placed.to >= count)
        ? maxTop
        : Math.min(maxTop, Math.max(0, rowsShown.positionOf(anchor.current.serial) + anchor.current.frac) * pxPerRow);
    if (Math.abs(element.scrollTop - wanted) >= 1) {
      element.scrollTop = wanted;
      programmatic.current = element.scrollTop;
    }
  });

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const top = element.scrollTop;
    if (Math.abs(top - programmatic.current) < 1) return;
    programmatic.current = top;
    const maxTop = element.scrollHeight - element.clientHeight;
    if (top >= maxTop - 2 && view.autoScroll) {
      following.current = true;
    } else {
      following.current = false;
      const position = top / pxPerRow;
      const row = Math.min(Math.floor(position), Math.max(0, count - 1));
      anchor.current = { serial: count > 0 ? rowsShown.serialAt(row) : lo, frac: Math.min(1, position - row) };
    }
    // The rows for the new position are drawn in this frame: left to the scheduler, they waited behind the
    // batches of a flood and the scrolled-to part of the log stayed blank for a few frames.
    flushSync(() => setTick((n) => n + 1));
  };

  // An idle-gap message ends by silence: look again when the silence will have lasted.
  const dueUs = framed?.nextDueUs() ?? Number.POSITIVE_INFINITY;
  useEffect(() => {
    if (!Number.isFinite(dueUs)) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.max(0, dueUs / 1000 - Date.now()) + 5);
    return () => clearTimeout(timer);
  }, [dueUs]);

  const highlight: Highlight | undefined = tools.matcher?.hasPattern ? tools.matcher.highlight : undefined;
  const startUs = hi > lo ? log.wallUs(logSerial(lo)) : 0;
  clientsSeen.current = Math.max(clientsSeen.current, connectionStore.of(sessionId).list().length);
  const peerShown = showsPeer(session?.config.kind, clientsSeen.current);
  const layout = columnLayout(size.width, view.timestamps, peerShown);
  const fullTime = (position: number, serial: number): string | undefined =>
    view.timestamps
      ? timeText(
          tools.timeMode,
          log.wallUs(serial),
          startUs,
          position > 0 ? log.wallUs(logSerial(rowsShown.serialAt(position - 1))) : undefined,
        )
      : undefined;
  const timeOf = (position: number, serial: number): string | undefined => {
    const text = fullTime(position, serial);
    if (text === undefined) return undefined;
    return layout === 'compact' ? compactTime(text) : layout === 'tight' ? tightTime(text) : text;
  };
  const items: ReactNode[] = [];
  for (let position = placed.from; position < placed.to; position++) {
    const row = rowsShown.serialAt(position);
    const serial = logSerial(row);
    const rowKind = framed ? framed.kind(row) : FRAMED_ROW;
    if (framed && rowKind !== FRAMED_ROW) {
      items.push(
        messageRow({
          framed,
          framingKey,
          log,
          row,
          serial,
          view,
          expanded,
          setExpanded,
          formatter: formatter.current,
          t,
          time: timeOf(position, serial),
          highlight,
          selected: toolsFit && tools.selection.has(row),
          current: toolsFit && tools.currentRow === row,
        }),
      );
      continue;
    }
    const kind = log.kind(serial);
    const time = timeOf(position, serial);
    const selected = toolsFit && tools.selection.has(row);
    if (kind === ROW_NOTE) {
      items.push(
        <NoteRow key={row} log={log} row={row} serial={serial} time={time} language={language} selected={selected} />,
      );
      continue;
    }
    if (kind === ROW_SKIPPED || kind === ROW_NOT_KEPT) {
      items.push(<GapRow key={row} log={log} row={row} serial={serial} time={time} t={t} selected={selected} />);
      continue;
    }
    const seq = log.seq(serial);
    const full = log.fullLength(serial) > log.length(serial) ? fullRecords.get(sessionId, seq) : undefined;
    const expandKey = `${framingKey}|${row}`;
    const shown = expanded.get(expandKey) ?? FIRST_SLICE;
    const content = formatter.current.content({
      log,
      serial,
      lo,
      hi,
      mode: view.viewMode,
      encoding: view.receiveEncoding,
      shown,
      full: full instanceof Uint8Array ? full : undefined,
    });
    items.push(
      <RecordRow
        key={row}
        log={log}
        row={row}
        serial={serial}
        seq={seq}
        content={content}
        mode={view.viewMode}
        time={time}
        highlight={highlight}
        selected={selected}
        current={toolsFit && tools.currentRow === row}
        badTitle={t('invalidBytesTitle', {
          encoding: ENCODING_LABELS[rowEncoding(log, serial, view.receiveEncoding)],
        })}
        t={t}
        more={moreOf(log, serial, shown, full)}
        onMore={() => {
          if (full === undefined && log.fullLength(serial) > log.length(serial) && shown >= log.length(serial))
            void loadFullRecord(sessionId, seq);
          setExpanded((before) => new Map(before).set(expandKey, shown + MORE_SLICE));
        }}
      />,
    );
  }

  const spacer = Math.max(0, count * pxPerRow - viewportHeight);
  /** The row clicked: a log serial per read, a framed position when framed (the rows' `data-row`). */
  const rowOfEvent = (event: MouseEvent): number | undefined => {
    const element = (event.target as HTMLElement).closest<HTMLElement>('[data-row]');
    return element && toolsFit ? Number(element.dataset.row) : undefined;
  };
  const onRowClick = (event: MouseEvent) => {
    const row = rowOfEvent(event);
    if (row === undefined || (event.target as HTMLElement).closest('button')) return;
    const how = event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'only';
    tools.select(row, how, (from, to) => rowsBetween(rowsShown, from, to));
  };
  const onContextMenu = (event: MouseEvent) => {
    const row = rowOfEvent(event);
    if (row === undefined) return;
    event.preventDefault();
    if (!tools.selection.has(row)) tools.select(row, 'only', (from, to) => rowsBetween(rowsShown, from, to));
    setMenu({ x: event.clientX, y: event.clientY });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'F3') {
      event.preventDefault();
      tools.move(event.shiftKey ? -1 : 1);
      return;
    }
    if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      event.preventDefault();
      const box = scroller.current?.getBoundingClientRect();
      setMenu({ x: (box?.left ?? 0) + 24, y: (box?.top ?? 0) + 24 });
      return;
    }
    // With a row selected, the arrows move the selection (Shift extends it) and keep it in view.
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && tools.anchor !== undefined && count > 0 && toolsFit) {
      event.preventDefault();
      const from = tools.selection.size > 0 ? lastSelected(tools.selection, event.key === 'ArrowUp') : tools.anchor;
      const at = rowsShown.positionOf(from);
      const position = Math.min(count - 1, Math.max(0, event.key === 'ArrowDown' ? at + 1 : at - 1));
      const row = rowsShown.serialAt(position);
      if (event.shiftKey) tools.select(row, 'range', (a, b) => rowsBetween(rowsShown, a, b));
      else tools.select(row, 'only', (a, b) => rowsBetween(rowsShown, a, b));
      if (position < placed.from + 1 || position >= placed.to - 1) {
        following.current = false;
        anchor.current = { serial: rowsShown.serialAt(Math.max(0, position - 3)), frac: 0 };
        setTick((n) => n + 1);
      }
    }
  };
  return (
    <div
      className={`log-rows ${layout}${view.timestamps ? '' : ' no-time'}${peerShown ? '' : ' no-peer'}`}
      style={{ '--log-columns': gridColumns(layout, view.timestamps, peerShown) } as CSSProperties}
      ref={scroller}
      tabIndex={0}
      onScroll={onScroll}
      onClick={onRowClick}
      onContextMenu={onContextMenu}
      onKeyDown={onKeyDown}
      data-rendered-rows={placed.to - placed.from}
      data-total-rows={count}
      data-following={following.current ? 'true' : 'false'}
    >
      <div className="log-window" style={{ height: viewportHeight }}>
        <div className="log-window-rows" ref={inner}>
          {items}
        </div>
      </div>
      <div className="log-spacer" style={{ height: spacer }} />
      {menu && (
        <RowMenu
          x={menu.x}
          y={menu.y}
          sessionId={sessionId}
          encoding={view.receiveEncoding}
          language={language}
          t={t}
          onClose={() => {
            setMenu(undefined);
            scroller.current?.focus();
          }}
        />
      )}
    </div>
  );
}

/** The selected row furthest down (or up), where arrow keys continue from. */
function lastSelected(selection: ReadonlySet<number>, up: boolean): number {
  let found = up ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const serial of selection) found = up ? Math.min(found, serial) : Math.max(found, serial);
  return found;
}

function rowList(lo: number, hi: number, matches: Scan | undefined): RowList {
  if (!matches) {
    return { count: hi - lo, serialAt: (position) => lo + position, positionOf: (serial) => Math.max(0, serial - lo) };
  }
  const count = matches.indexAtOrAfter(hi);
  return {
    count,
    serialAt: (position) => matches.at(position),
    positionOf: (serial) => Math.min(Math.max(0, count - 1), matches.indexAtOrAfter(serial)),
  };
}

/**
 * Which rows fill the viewport. Following (or at the end of the history), the newest rows stand on the
 * viewport's bottom; otherwise the anchor row starts at its top, partly scrolled by `frac`.
 */
function placeWindow(
  lo: number,
  hi: number,
  viewportHeight: number,
  follow: boolean,
  anchor: { serial: number; frac: number },
  heightOf: (serial: number) => number,
): Placement {
  if (hi <= lo) return { from: lo, to: lo, bottom: true, frac: 0 };
  if (!follow) {
    const first = Math.min(Math.max(anchor.serial, lo), hi - 1);
    let filled = -anchor.frac * heightOf(first);
    let to = first;
    while (to < hi && filled < viewportHeight) filled += heightOf(to++);
    if (filled >= viewportHeight) return { from: first, to, bottom: false, frac: anchor.frac };
  }
  let from = hi;
  let filled = 0;
  while (from > lo && filled < viewportHeight) filled += heightOf(--from);
  return { from, to: hi, bottom: true, frac: 0 };
}

/** What the row's "more" control offers, if anything. */
type More =
  | { kind: 'show'; bytes: number }
  | { kind: 'load'; bytes: number }
  | { kind: 'loading' }
  | { kind: 'gone' }
  | undefined;

function moreOf(log: SessionLog, serial: number, shown: number, full: FullRecord | undefined): More {
  const total = log.fullLength(serial);
  const available = full instanceof Uint8Array ? full.byteLength : log.length(serial);
  if (shown < available) return { kind: 'show', bytes: Math.min(MORE_SLICE, available - shown) };
  if (total <= available) return undefined;
  if (full === 'loading') return { kind: 'loading' };
  if (full === 'gone') return { kind: 'gone' };
  return { kind: 'load', bytes: total - available };
}

function PieceView({
  piece,
  badTitle,
  highlight,
  mode,
}: {
  piece: Piece;
  badTitle: string;
  highlight: Highlight | undefined;
  mode: SessionView['viewMode'];
}) {
  if (piece.kind === 'text')
    return highlight ? <Marked text={piece.text} ranges={highlight(piece.text, mode)} /> : <>{piece.text}</>;
  return (
    <span
      className={piece.kind === 'bad' ? 'bad-bytes' : 'control-char'}
      title={piece.kind === 'bad' ? badTitle : undefined}
    >
      {piece.text}
    </span>
  );
}

const RecordRow = memo(
  function RecordRow(props: {
    log: SessionLog;
    /** The row's place in the view: its serial, or its position when the view is framed. */
    row: number;
    serial: number;
    seq: number;
    content: RowContent;
    mode: SessionView['viewMode'];
    time: string | undefined;
    highlight: Highlight | undefined;
    selected: boolean;
    current: boolean;
    badTitle: string;
    t: Translate;
    more: More;
    onMore: () => void;
  }) {
    const { log, row, serial, seq, content, mode, time, highlight, selected, current, badTitle, t, more, onMore } =
      props;
    const dir = log.kind(serial) === ROW_RX ? 'rx' : 'tx';
    return (
      <div
        className={`log-row ${dir}${row % 2 ? ' alt' : ''}${selected ? ' selected' : ''}${current ? ' current-match' : ''}`}
        data-seq={seq}
        data-row={row}
        data-serial={serial}
        data-bytes={log.fullLength(serial)}
        data-selected={selected || undefined}
        aria-current={current || undefined}
      >
        {time !== undefined && <span className="log-time">{time}</span>}
        <span className={`log-dir ${dir}`}>{dir === 'rx' ? t('rx') : t('tx')}</span>
        <span className="log-peer">{log.peer(serial)}</span>
        <span className="log-len">{formatBytes(log.fullLength(serial))}</span>
        <div className={`log-content ${mode}`}>
          {content.pieces.map((piece, k) => (
            <PieceView key={k} piece={piece} badTitle={badTitle} highlight={highlight} mode={mode} />
          ))}
          {content.omittedBytes > 0 && (
            <span className="omitted">
              {t('moreBytes', { n: content.omittedBytes })}
              {more?.kind === 'show' && (
                <button type="button" className="link" onClick={onMore}>
                  {t('showMore', { size: formatBytes(more.bytes) })}
                </button>
              )}
              {more?.kind === 'load' && (
                <button type="button" className="link" onClick={onMore}>
                  {t('loadRest', { size: formatBytes(more.bytes) })}
                </button>
              )}
              {more?.kind === 'loading' && <span> {t('loadingRest')}</span>}
              {more?.kind === 'gone' && <span> {t('restGone')}</span>}
            </span>
          )}
        </div>
      </div>
    );
  },
  // `onMore` is a new function every render; what it does depends only on the fields compared here.
  (a, b) =>
    a.log === b.log &&
    a.row === b.row &&
    a.serial === b.serial &&
    a.content === b.content &&
    a.mode === b.mode &&
    a.time === b.time &&
    a.highlight === b.highlight &&
    a.selected === b.selected &&
    a.current === b.current &&
    a.badTitle === b.badTitle &&
    a.t === b.t &&
    sameMore(a.more, b.more),
);

function sameMore(a: More, b: More): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.kind === b.kind && ('bytes' in a ? a.bytes : 0) === ('bytes' in b ? b.bytes : 0);
}

const NoteRow = memo(function NoteRow({
  log,
  row,
  serial,
  time,
  language,
  selected,
}: {
  log: SessionLog;
  row: number;
  serial: number;
  time: string | undefined;
  language: Language;
  selected: boolean;
}) {
  const note = log.note(serial);
  if (!note) return <div className="log-row note" data-row={row} data-serial={serial} />;
  const say = note.say;
  const text =
    'text' in say
      ? say.text
      : 'note' in say
        ? translateNote(language, say.note, say.values)
        : translate(language, say.key, say.values) + (say.detail ? ` — ${say.detail}` : '');
  return (
    <div
      className={`log-row note ${note.tone}${row % 2 ? ' alt' : ''}${selected ? ' selected' : ''}`}
      data-row={row}
      data-serial={serial}
      data-selected={selected || undefined}
    >
      {time !== undefined && <span className="log-time">{time}</span>}
      <span className="log-dir">•</span>
      <span className="log-peer">{log.peer(serial) ?? ''}</span>
      <span className="log-len" />
      <div className="log-content">{text}</div>
    </div>
  );
});

function GapRow({
  log,
  row,
  serial,
  time,
  t,
  selected,
}: {
  log: SessionLog;
  row: number;
  serial: number;
  time: string | undefined;
  t: Translate;
  selected: boolean;
}) {
  const n = log.gapCount(serial);
  const skipped = log.kind(serial) === ROW_SKIPPED;
  return (
    <div
      className={`log-row note gap warn${row % 2 ? ' alt' : ''}${selected ? ' selected' : ''}`}
      data-row={row}
      data-serial={serial}
      data-gap={n}
    >
      {time !== undefined && <span className="log-time">{time}</span>}
      <span className="log-dir">⋯</span>
      <span className="log-peer" />
      <span className="log-len" />
      <div className="log-content">{skipped ? t('gapSkipped', { n }) : t('gapNotKept', { n })}</div>
    </div>
  );
}

const MessageRow = memo(
  function MessageRow(props: {
    log: SessionLog;
    row: number;
    /** The log row its first byte is in. */
    serial: number;
    length: number;
    pending: boolean;
    bad: BadReason;
    /** The framer's own words about a bad frame. */
    detail: string | undefined;
    content: RowContent;
    mode: SessionView['viewMode'];
    time: string | undefined;
    badTitle: string;
    t: Translate;
    /** Bytes a "show more" adds; 0 when all are shown. */
    more: number;
    onMore: () => void;
    highlight: Highlight | undefined;
    selected: boolean;
    current: boolean;
  }) {
    const { log, row, serial, length, pending, bad, detail, content, mode, time, badTitle, t, more, onMore } = props;
    const { highlight, selected, current } = props;
    const state = pending ? 'pending' : bad !== BAD_NONE ? 'bad' : 'message';
    const mark = pending
      ? { text: t('frame.pending'), description: t('frame.pendingTitle', { n: length }) }
      : bad !== BAD_NONE
        ? {
            text: t(`frame.bad.${bad}` as 'frame.bad.1'),
            description: t(`frame.bad.${bad}.title` as 'frame.bad.1.title') + (detail ? ` (${detail})` : ''),
          }
        : undefined;
    return (
      <div
        className={`log-row rx${row % 2 ? ' alt' : ''}${state === 'message' ? '' : ` frame-${state}`}${selected ? ' selected' : ''}${current ? ' current-match' : ''}`}
        data-seq={log.seq(serial)}
        data-row={row}
        data-serial={serial}
        data-bytes={length}
        data-frame={state}
        data-selected={selected || undefined}
        aria-current={current || undefined}
      >
        {time !== undefined && <span className="log-time">{time}</span>}
        <span className="log-dir rx">{t('rx')}</span>
        <span className="log-peer">{log.peer(serial)}</span>
        <span className="log-len">{formatBytes(length)}</span>
        <div className={`log-content ${mode}`}>
          {mark && (
            <span className={`frame-mark ${state}`} title={mark.description} aria-description={mark.description}>
              {mark.text}
            </span>
          )}
          {content.pieces.map((piece, k) => (
            <PieceView key={k} piece={piece} badTitle={badTitle} highlight={highlight} mode={mode} />
          ))}
          {content.omittedBytes > 0 && (
            <span className="omitted">
              {t('moreBytes', { n: content.omittedBytes })}
              {more > 0 && (
                <button type="button" className="link" onClick={onMore}>
                  {t('showMore', { size: formatBytes(more) })}
                </button>
              )}
            </span>
          )}
        </div>
      </div>
    );
  },
  (a, b) =>
    a.log === b.log &&
    a.row === b.row &&
    a.serial === b.serial &&
    a.length === b.length &&
    a.pending === b.pending &&
    a.bad === b.bad &&
    a.detail === b.detail &&
    a.content === b.content &&
    a.mode === b.mode &&
    a.time === b.time &&
    a.badTitle === b.badTitle &&
    a.t === b.t &&
    a.more === b.more &&
    a.highlight === b.highlight &&
    a.selected === b.selected &&
    a.current === b.current,
);

/** A framed message's row: its bytes gathered from the reads it spans, marked pending or bad. */
function messageRow(args: {
  framed: FramedLog;
  framingKey: string;
  log: SessionLog;
  row: number;
  serial: number;
  view: SessionView;
  expanded: ReadonlyMap<string, number>;
  setExpanded: (change: (before: ReadonlyMap<string, number>) => ReadonlyMap<string, number>) => void;
  formatter: RowFormatter;
  t: Translate;
  time: string | undefined;
  highlight: Highlight | undefined;
  selected: boolean;
  current: boolean;
}): ReactNode {
  const { framed, framingKey, log, row, serial, view, expanded, setExpanded, formatter, t, time } = args;
  const expandKey = `${framingKey}|${row}`;
  const total = framed.length(row);
  const shown = expanded.get(expandKey) ?? FIRST_SLICE;
  const bytes = framed.bytes(log, row, shown);
  return (
    <MessageRow
      key={row}
      log={log}
      row={row}
      serial={serial}
      length={total}
      pending={framed.kind(row) === FRAMED_PENDING}
      bad={framed.bad(row, log)}
      detail={framed.detail(row, log)}
      content={formatter.message(`${framingKey}|${row}|${total}`, bytes, total, view.viewMode, view.receiveEncoding)}
      mode={view.viewMode}
      time={time}
      badTitle={t('invalidBytesTitle', { encoding: ENCODING_LABELS[view.receiveEncoding] })}
      t={t}
      more={bytes.byteLength < total ? Math.min(MORE_SLICE, total - bytes.byteLength) : 0}
      onMore={() => setExpanded((before) => new Map(before).set(expandKey, shown + MORE_SLICE))}
      highlight={args.highlight}
      selected={args.selected}
      current={args.current}
    />
  );
}
