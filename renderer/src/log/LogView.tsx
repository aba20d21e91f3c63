import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ENCODING_LABELS } from '../../../shared/codec/text';
import { translate, translateNote, useT } from '../i18n';
import { logStore, type LogRow } from '../state/log';
import { useApp, type SessionView } from '../state/store';
import { formatBytes, formatTime, rowContent, type Piece } from './format';

/** Rows a pane draws at once; older ones stay in memory (and in the engine's capture) until scrolled to. */
const RENDERED_ROWS = 1000;

function useLogRows(sessionId: string): readonly LogRow[] {
  const version = useSyncExternalStore(
    (listener) => logStore.subscribe(sessionId, listener),
    () => logStore.log(sessionId).version,
  );
  // The array is mutated in place by appends; the version is what changes.
  void version;
  return logStore.log(sessionId).rows;
}

function PieceView({ piece, badTitle }: { piece: Piece; badTitle: string }) {
  if (piece.kind === 'text') return <>{piece.text}</>;
  return (
    <span className={piece.kind === 'bad' ? 'bad-bytes' : 'control-char'} title={piece.kind === 'bad' ? badTitle : undefined}>
      {piece.text}
    </span>
  );
}

export function LogView({ sessionId, view }: { sessionId: string; view: SessionView }) {
  const t = useT();
  const language = useApp((state) => state.language);
  const liveRows = useLogRows(sessionId);
  const [frozen, setFrozen] = useState<{ rows: LogRow[] } | undefined>();
  const scroller = useRef<HTMLDivElement>(null);
  const [showAll, setShowAll] = useState(false);

  // Pausing freezes what is on screen; capture goes on underneath and comes back on resume.
  useEffect(() => {
    setFrozen(view.paused ? { rows: logStore.log(sessionId).rows.slice() } : undefined);
  }, [view.paused, sessionId]);

  const rows = frozen?.rows ?? liveRows;
  const total = rows.length;
  const start = showAll ? Math.max(0, total - RENDERED_ROWS * 5) : Math.max(0, total - RENDERED_ROWS);
  const version = logStore.log(sessionId).version;

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && view.autoScroll && !view.paused) element.scrollTop = element.scrollHeight;
  }, [version, view.autoScroll, view.paused, view.viewMode, view.receiveEncoding, total]);

  const waiting = frozen ? liveRows.length - frozen.rows.length : 0;
  const badTitle = t('invalidBytesTitle', { encoding: ENCODING_LABELS[view.receiveEncoding] });
  const items = [];
  for (let index = start; index < total; index++) {
    const row = rows[index];
    if (row.kind === 'note') {
      const say = row.say;
      const text = 'text' in say ? say.text : 'note' in say ? translateNote(language, say.note, say.values) : translate(language, say.key, say.values) + (say.detail ? ` — ${say.detail}` : '');
      items.push(
        <div key={`n${row.id}`} className={`log-row note ${row.tone}`}>
          {view.timestamps && <span className="log-time">{formatTime(row.wallMs)}</span>}
          <span className="log-dir">•</span>
          <span className="log-peer">{row.peer ?? ''}</span>
          <span className="log-len" />
          <div className="log-content">{text}</div>
        </div>,
      );
      continue;
    }
    const { record } = row;
    const content = rowContent(rows, index, view.viewMode, view.receiveEncoding);
    items.push(
      <div key={`r${record.seq}`} className={`log-row ${record.dir}`} data-seq={record.seq}>
        {view.timestamps && <span className="log-time">{formatTime(record.wallUs / 1000)}</span>}
        <span className={`log-dir ${record.dir}`}>{record.dir === 'rx' ? t('rx') : t('tx')}</span>
        <span className="log-peer">{record.peer}</span>
        <span className="log-len">{formatBytes(record.bytes.length)}</span>
        <div className={`log-content ${view.viewMode}`}>
          {content.pieces.map((piece, k) => (
            <PieceView key={k} piece={piece} badTitle={badTitle} />
          ))}
          {content.omittedBytes > 0 && <span className="omitted">{t('moreBytes', { n: content.omittedBytes })}</span>}
        </div>
      </div>,
    );
  }

  return (
    <section className="log" aria-label={t('log')}>
      {(start > 0 || waiting > 0) && (
        <div className="log-banner" role="note">
          {start > 0 && (
            <button type="button" className="link" onClick={() => setShowAll((v) => !v)}>
              {t('viewShows', { shown: total - start, total })}
            </button>
          )}
          {waiting > 0 && <span>{t('pausedNote', { n: waiting })}</span>}
        </div>
      )}
      <div className={`log-rows${view.timestamps ? '' : ' no-time'}`} ref={scroller} tabIndex={0}>
        {items}
      </div>
    </section>
  );
}
