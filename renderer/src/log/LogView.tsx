import { memo, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { ENCODING_LABELS } from '../../../shared/codec/text';
import { translate, translateNote, useT, type Translate } from '../i18n';
import { loadFullRecord } from '../state/actions';
import { fullRecords, type FullRecord } from '../state/full-records';
import { logStore, ROW_NOT_KEPT, ROW_NOTE, ROW_RX, ROW_SKIPPED, type SessionLog } from '../state/log';
import { useApp, type Language, type SessionView } from '../state/store';
import { FIRST_SLICE, formatBytes, formatTime, MORE_SLICE, RowFormatter, type Piece, type RowContent } from './format';
import { FRAMED_PENDING, FRAMED_ROW, framedViews } from '../framing/framed-log';
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
 */
function LogBanner({ sessionId, t }: { sessionId: string; t: Translate }) {
  useLogVersion(sessionId);
  const evictedBytes = useApp((state) => state.stats[sessionId]?.capture.evictedBytes ?? 0);
  const log = logStore.log(sessionId);
  const waiting = log.frozenEnd !== undefined ? log.end - log.frozenEnd : 0;
  const skipped = log.viewSkipped + log.notKept;
  const dropped = log.evictedRecords;
  if (waiting <= 0 && skipped === 0 && dropped === 0 && evictedBytes === 0) return null;
  return (
    <div className="log-banner" role="group" aria-label={t('notShown')}>
      {waiting > 0 && (
        <span role="note" aria-label={t('waitingLabel')} data-count={waiting}>
          {t('pausedNote', { n: waiting })}
        </span>
      )}
      {skipped > 0 && (
        <span
          role="note"
          className="loss"
          aria-label={t('viewSkippedLabel')}
          data-count={skipped}
          title={t('viewSkippedTitle')}
        >
          {t('viewSkipped', { n: skipped })}
        </span>
      )}
      {dropped > 0 && (
        <span role="note" aria-label={t('viewDroppedLabel')} data-count={dropped} title={t('viewDroppedTitle')}>
          {t('viewDropped', { n: dropped })}
        </span>
      )}
      {evictedBytes > 0 && (
        <span
          role="note"
          className="loss"
          aria-label={t('captureEvictedLabel')}
          data-bytes={evictedBytes}
          title={t('captureEvictedTitle')}
        >
          {t('captureEvicted', { size: formatBytes(evictedBytes) })}
        </span>
      )}
    </div>
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
  const log = logStore.log(sessionId);
  const scroller = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [, setTick] = useState(0);
  const [expanded, setExpanded] = useState<ReadonlyMap<string, number>>(new Map());
  const formatter = useRef(new RowFormatter());
  const heights = useRef(new Map<number, number>());
  const averageHeight = useRef(DEFAULT_ROW_PX);
  const following = useRef(view.autoScroll);
  const anchor = useRef({ serial: log.first, frac: 0 });
  const programmatic = useRef(-1);
  const passes = useRef(0);
  // A framing other than per read shows messages: rows are then positions in the framed view, not log serials.
  const session = useApp((state) => state.sessions[sessionId]);
  const framed = framedViews.of(sessionId, appliedFraming(sessionId, view.framing, session).framing);
  const framingKey = framed?.key ?? 'per-read';
  const layoutKey = `${view.viewMode}|${view.receiveEncoding}|${view.timestamps}|${size.width}|${language}|${framingKey}`;
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
  const count = hi - lo;
  const viewportHeight = size.height || 400;
  const pxPerRow = count * SCROLL_PX_PER_ROW > MAX_SCROLL_PX ? MAX_SCROLL_PX / count : SCROLL_PX_PER_ROW;
  const heightOf = (serial: number) => heights.current.get(serial) ?? averageHeight.current;
  const placed = placeWindow(lo, hi, viewportHeight, following.current, anchor.current, heightOf);

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
      const again = placeWindow(lo, hi, viewportHeight, following.current, anchor.current, heightOf);
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
    if (log.frozenEnd !== undefined) log.pin = Math.min(log.pin ?? Number.POSITIVE_INFINITY, firstShownSerial);
    const maxTop = Math.max(0, element.scrollHeight - element.clientHeight);
    // Rows evicted from under the anchor leave it at the oldest row still held.
    const wanted =
      following.current || (placed.bottom && placed.to >= hi)
        ? maxTop
        : Math.min(maxTop, Math.max(0, anchor.current.serial - lo + anchor.current.frac) * pxPerRow);
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
      anchor.current = { serial: lo + row, frac: Math.min(1, position - row) };
    }
    setTick((n) => n + 1);
  };

  // An idle-gap message ends by silence: look again when the silence will have lasted.
  const dueUs = framed?.nextDueUs() ?? Number.POSITIVE_INFINITY;
  useEffect(() => {
    if (!Number.isFinite(dueUs)) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.max(0, dueUs / 1000 - Date.now()) + 5);
    return () => clearTimeout(timer);
  }, [dueUs]);

  const badTitle = t('invalidBytesTitle', { encoding: ENCODING_LABELS[view.receiveEncoding] });
  const items: ReactNode[] = [];
  let firstShownSerial = framed ? serialEnd : placed.from;
  for (let row = placed.from; row < placed.to; row++) {
    const expandKey = `${framingKey}|${row}`;
    const rowKind = framed ? framed.kind(row) : FRAMED_ROW;
    const serial = framed ? framed.serial(row) : row;
    if (serial < firstShownSerial || row === placed.from) firstShownSerial = serial;
    if (framed && rowKind !== FRAMED_ROW) {
      const total = framed.length(row);
      const shown = expanded.get(expandKey) ?? FIRST_SLICE;
      const pending = rowKind === FRAMED_PENDING;
      const bytes = framed.bytes(log, row, shown);
      items.push(
        <MessageRow
          key={row}
          log={log}
          row={row}
          serial={serial}
          length={total}
          pending={pending}
          bad={framed.bad(row, log)}
          detail={framed.detail(row, log)}
          content={formatter.current.message(
            `${framingKey}|${row}|${total}`,
            bytes,
            total,
            view.viewMode,
            view.receiveEncoding,
          )}
          mode={view.viewMode}
          timestamps={view.timestamps}
          badTitle={badTitle}
          t={t}
          more={bytes.byteLength < total ? Math.min(MORE_SLICE, total - bytes.byteLength) : 0}
          onMore={() => setExpanded((before) => new Map(before).set(expandKey, shown + MORE_SLICE))}
        />,
      );
      continue;
    }
    const kind = log.kind(serial);
    if (kind === ROW_NOTE) {
      items.push(
        <NoteRow key={row} log={log} row={row} serial={serial} timestamps={view.timestamps} language={language} />,
      );
      continue;
    }
    if (kind === ROW_SKIPPED || kind === ROW_NOT_KEPT) {
      items.push(<GapRow key={row} log={log} row={row} serial={serial} timestamps={view.timestamps} t={t} />);
      continue;
    }
    const seq = log.seq(serial);
    const full = log.fullLength(serial) > log.length(serial) ? fullRecords.get(sessionId, seq) : undefined;
    const shown = expanded.get(expandKey) ?? FIRST_SLICE;
    const content = formatter.current.content({
      log,
      serial,
      lo: log.first,
      hi: serialEnd,
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
        timestamps={view.timestamps}
        badTitle={badTitle}
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
  return (
    <div
      className={`log-rows${view.timestamps ? '' : ' no-time'}`}
      ref={scroller}
      tabIndex={0}
      onScroll={onScroll}
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
    </div>
  );
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

function PieceView({ piece, badTitle }: { piece: Piece; badTitle: string }) {
  if (piece.kind === 'text') return <>{piece.text}</>;
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
    timestamps: boolean;
    badTitle: string;
    t: Translate;
    more: More;
    onMore: () => void;
  }) {
    const { log, row, serial, seq, content, mode, timestamps, badTitle, t, more, onMore } = props;
    const dir = log.kind(serial) === ROW_RX ? 'rx' : 'tx';
    return (
      <div
        className={`log-row ${dir}${row % 2 ? ' alt' : ''}`}
        data-seq={seq}
        data-row={row}
        data-serial={serial}
        data-bytes={log.fullLength(serial)}
      >
        {timestamps && <span className="log-time">{formatTime(log.wallUs(serial) / 1000)}</span>}
        <span className={`log-dir ${dir}`}>{dir === 'rx' ? t('rx') : t('tx')}</span>
        <span className="log-peer">{log.peer(serial)}</span>
        <span className="log-len">{formatBytes(log.fullLength(serial))}</span>
        <div className={`log-content ${mode}`}>
          {content.pieces.map((piece, k) => (
            <PieceView key={k} piece={piece} badTitle={badTitle} />
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
    a.timestamps === b.timestamps &&
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
  timestamps,
  language,
}: {
  log: SessionLog;
  row: number;
  serial: number;
  timestamps: boolean;
  language: Language;
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
    <div className={`log-row note ${note.tone}${row % 2 ? ' alt' : ''}`} data-row={row} data-serial={serial}>
      {timestamps && <span className="log-time">{formatTime(log.wallUs(serial) / 1000)}</span>}
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
  timestamps,
  t,
}: {
  log: SessionLog;
  row: number;
  serial: number;
  timestamps: boolean;
  t: Translate;
}) {
  const n = log.gapCount(serial);
  const skipped = log.kind(serial) === ROW_SKIPPED;
  return (
    <div className={`log-row note gap warn${row % 2 ? ' alt' : ''}`} data-row={row} data-serial={serial} data-gap={n}>
      {timestamps && <span className="log-time">{formatTime(log.wallUs(serial) / 1000)}</span>}
      <span className="log-dir">⋯</span>
      <span className="log-peer" />
      <span className="log-len" />
      <div className="log-content">{skipped ? t('gapSkipped', { n }) : t('gapNotKept', { n })}</div>
    </div>
  );
}

/**
 * A received message of a framed view: its bytes may come from several reads, and its time is its first
 * byte's. A pending (still incomplete) or bad one says so in words and colour, with a longer description.
 */
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
    timestamps: boolean;
    badTitle: string;
    t: Translate;
    /** Bytes a "show more" adds; 0 when all are shown. */
    more: number;
    onMore: () => void;
  }) {
    const { log, row, serial, length, pending, bad, detail, content, mode, timestamps, badTitle, t, more, onMore } =
      props;
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
        className={`log-row rx${row % 2 ? ' alt' : ''}${state === 'message' ? '' : ` frame-${state}`}`}
        data-seq={log.seq(serial)}
        data-row={row}
        data-serial={serial}
        data-bytes={length}
        data-frame={state}
      >
        {timestamps && <span className="log-time">{formatTime(log.wallUs(serial) / 1000)}</span>}
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
            <PieceView key={k} piece={piece} badTitle={badTitle} />
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
    a.timestamps === b.timestamps &&
    a.badTitle === b.badTitle &&
    a.t === b.t &&
    a.more === b.more,
);
