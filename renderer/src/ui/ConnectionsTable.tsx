import {
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import type { ConnectionInfo, SessionInfo } from '../../../shared/contract';
import type { Translate } from '../i18n';
import { formatBytes, formatTime } from '../log/format';
import { clearClosed, disconnect, halfClose } from '../state/actions';
import { connectionStore } from '../state/connections';
import { updateView, type SessionView } from '../state/store';
import { Toolbar } from './controls';
import { exactNumber } from './exact-counts';

/** Every row has this height, so the visible ones follow from the scroll position alone. */
const ROW_PX = 24;
/** The client list's height: five rows at first, two at least (the log needs the room), twenty at most. */
const LIST_DEFAULT_PX = ROW_PX * 5;
const LIST_MIN_PX = ROW_PX * 2;
const LIST_MAX_PX = ROW_PX * 20;
/** Heights chosen per session, kept while the page lives so switching panes does not undo them. */
const listHeights = new Map<string, number>();

function useConnections(sessionId: string): { list: ConnectionInfo[]; open: string[]; closed: number } {
  useSyncExternalStore(
    (listener) => connectionStore.subscribe(sessionId, listener),
    () => connectionStore.of(sessionId).version,
  );
  const connections = connectionStore.of(sessionId);
  return { list: connections.list(), open: connections.open(), closed: connections.closedCount };
}

/**
 * A TCP server's clients: ten thousand of them scroll like ten, because only the rows in view are in
 * the page. It is an ARIA table (with row counts and indexes), so people and tests find rows and
 * checkboxes by name as in a plain table.
 */
export function ConnectionsTable({ session, view, t }: { session: SessionInfo; view: SessionView; t: Translate }) {
  const sessionId = session.sessionId;
  const { list, open, closed } = useConnections(sessionId);
  const selected = useMemo(() => new Set(view.selected), [view.selected]);
  const allSelected = open.length > 0 && open.every((id) => selected.has(id));
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(0);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const select = (ids: string[]) =>
    updateView(sessionId, (current) => ({
      selected: ids,
      send: { ...current.send, target: ids.length > 0 ? 'selected' : 'all' },
    }));
  const toggle = (id: string) =>
    select(selected.has(id) ? view.selected.filter((x) => x !== id) : [...view.selected, id]);

  const [listPx, setListPxState] = useState(() => listHeights.get(sessionId) ?? LIST_DEFAULT_PX);
  const setListPx = (px: number) => {
    const bounded = Math.round(Math.min(LIST_MAX_PX, Math.max(LIST_MIN_PX, px)));
    listHeights.set(sessionId, bounded);
    setListPxState(bounded);
  };
  const startDrag = (event: ReactPointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    const startY = event.clientY;
    const initial = listPx;
    const move = (moveEvent: PointerEvent) => setListPx(initial + moveEvent.clientY - startY);
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const onResizeKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const next =
      event.key === 'ArrowDown'
        ? listPx + ROW_PX
        : event.key === 'ArrowUp'
          ? listPx - ROW_PX
          : event.key === 'Home'
            ? LIST_MIN_PX
            : event.key === 'End'
              ? LIST_MAX_PX
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    setListPx(next);
  };

  const visible = Math.ceil((height || listPx) / ROW_PX) + 1;
  const first = Math.max(0, Math.min(Math.floor(scrollTop / ROW_PX), list.length - visible));
  const shown = list.slice(first, first + visible);

  return (
    <div className="connections" style={{ '--client-list-px': `${listPx}px` } as CSSProperties}>
      <Toolbar label={t('connections')}>
        <span className="muted" data-open-clients={open.length}>
          {t('clients', { n: open.length })}
        </span>
        <button
          type="button"
          disabled={view.selected.length === 0}
          onClick={() => void disconnect(sessionId, view.selected)}
        >
          {t('disconnect')}
        </button>
        <button
          type="button"
          disabled={view.selected.length === 0}
          title={t('halfCloseTitle')}
          onClick={() => void halfClose(sessionId, view.selected)}
        >
          {t('halfClose')}
        </button>
        <button type="button" disabled={closed === 0} onClick={() => clearClosed(sessionId)}>
          {t('clearClosed')}
        </button>
      </Toolbar>
      <div className="conn-table" role="table" aria-label={t('connections')} aria-rowcount={list.length + 1}>
        <div role="rowgroup">
          <div role="row" aria-rowindex={1} className="conn-row conn-head">
            <span role="columnheader">
              <input
                type="checkbox"
                aria-label={t('selectAll')}
                checked={allSelected}
                disabled={open.length === 0}
                onChange={() => select(allSelected ? [] : open.slice())}
              />
            </span>
            <span role="columnheader">{t('peer')}</span>
            <span role="columnheader">{t('since')}</span>
            <span role="columnheader">{t('bytesIn')}</span>
            <span role="columnheader">{t('bytesOut')}</span>
            <span role="columnheader">{t('state')}</span>
          </div>
        </div>
        <div
          role="rowgroup"
          className="conn-body"
          ref={scroller}
          onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
          data-rendered-rows={shown.length}
        >
          {list.length === 0 && <p className="muted conn-empty">{t('noClients')}</p>}
          <div className="conn-spacer" style={{ height: list.length * ROW_PX }}>
            {shown.map((c, k) => (
              <ConnectionRow
                key={c.connectionId}
                connection={c}
                index={first + k}
                checked={selected.has(c.connectionId)}
                toggle={toggle}
                t={t}
              />
            ))}
          </div>
        </div>
      </div>
      <div
        className="client-list-resizer"
        role="separator"
        aria-orientation="horizontal"
        aria-label={t('resizeClientList')}
        aria-valuemin={LIST_MIN_PX}
        aria-valuemax={LIST_MAX_PX}
        aria-valuenow={listPx}
        tabIndex={0}
        onPointerDown={startDrag}
        onKeyDown={onResizeKey}
      />
    </div>
  );
}

function ConnectionRow({
  connection: c,
  index,
  checked,
  toggle,
  t,
}: {
  connection: ConnectionInfo;
  index: number;
  checked: boolean;
  toggle: (id: string) => void;
  t: Translate;
}) {
  const closed = c.state === 'closed';
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`conn-row${closed ? ' closed' : ''}${checked ? ' selected' : ''}${index % 2 ? ' alt' : ''}`}
      style={{ top: index * ROW_PX }}
      onClick={(event) => {
        if ((event.target as HTMLElement).tagName !== 'INPUT' && !closed) toggle(c.connectionId);
      }}
    >
      <span role="cell">
        <input
          type="checkbox"
          aria-label={t('selectClient', { peer: c.peer })}
          checked={checked}
          disabled={closed}
          onChange={() => toggle(c.connectionId)}
        />
      </span>
      <span role="cell" className="mono">
        {c.peer}
      </span>
      <span role="cell">{formatTime(c.connectedAt)}</span>
      <span role="cell" title={t('exactBytes', { n: exactNumber(c.counters.bytesIn) })} data-bytes={c.counters.bytesIn}>
        {formatBytes(c.counters.bytesIn)}
      </span>
      <span
        role="cell"
        title={t('exactBytes', { n: exactNumber(c.counters.bytesOut) })}
        data-bytes={c.counters.bytesOut}
      >
        {formatBytes(c.counters.bytesOut)}
      </span>
      <span role="cell">
        {closed ? `${t('conn.closed')}: ${t(`close.${c.closeReason ?? 'local-closed'}`)}` : t(`conn.${c.state}`)}
      </span>
    </div>
  );
}
