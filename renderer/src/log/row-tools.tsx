import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { Encoding } from '../../../shared/codec/options';
import type { Translate } from '../i18n';
import type { Language } from '../state/store';
import { copyRows } from './log-actions';
import type { CopyFormat } from './copy-formats';
import type { RowMatcher } from './search';

export type Highlight = RowMatcher['highlight'];

/** The copy actions, in the order the toolbar and the row menu offer them. */
export const COPY_ACTIONS: ReadonlyArray<{
  format: CopyFormat;
  key: 'copyAsText' | 'copyAsHex' | 'copyAsC' | 'copyAsPython';
}> = [
  { format: 'text', key: 'copyAsText' },
  { format: 'hex', key: 'copyAsHex' },
  { format: 'c', key: 'copyAsC' },
  { format: 'python', key: 'copyAsPython' },
];

/** The rows a view shows, by position: every row of the log, or only a search's matches. */
export interface RowList {
  count: number;
  serialAt(position: number): number;
  /** The position of a row, or of the next shown row after it. */
  positionOf(serial: number): number;
}

/** The serials shown from `from` to `to`, both included: what a Shift+click selects. */
export function rowsBetween(rows: RowList, from: number, to: number): number[] {
  const out: number[] = [];
  for (let position = rows.positionOf(from); position < rows.count; position++) {
    const serial = rows.serialAt(position);
    if (serial > to) break;
    if (serial >= from) out.push(serial);
  }
  return out;
}

/** Text with the search's matches marked. */
export function Marked({ text, ranges }: { text: string; ranges: Array<[number, number]> }) {
  if (ranges.length === 0) return <>{text}</>;
  const parts = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(
      <mark key={start} className="search-match">
        {text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

/**
 * What can be done with the selected rows, at the pointer (right click) or at the log's corner (the menu
 * key, Shift+F10). Arrow keys move through it; Escape or leaving it closes it.
 */
export function RowMenu(props: {
  x: number;
  y: number;
  sessionId: string;
  encoding: Encoding;
  language: Language;
  t: Translate;
  onClose: () => void;
}) {
  const { x, y, sessionId, encoding, language, t, onClose } = props;
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, []);
  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  const onKeyDown = (event: KeyboardEvent) => {
    event.stopPropagation();
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    all[(at + (event.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length]?.focus();
  };
  return (
    <div
      ref={menu}
      className="row-menu"
      role="menu"
      aria-label={t('rowActions')}
      style={{ left: x, top: y }}
      onKeyDown={onKeyDown}
      onClick={(event) => event.stopPropagation()}
      onBlur={(event) => {
        if (!menu.current?.contains(event.relatedTarget as Node | null)) onClose();
      }}
    >
      {COPY_ACTIONS.map(({ format, key }) => (
        <button
          key={format}
          type="button"
          role="menuitem"
          tabIndex={-1}
          onClick={() => {
            void copyRows(sessionId, format, encoding, language);
            onClose();
          }}
        >
          {t(key)}
        </button>
      ))}
    </div>
  );
}
