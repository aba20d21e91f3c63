import type { Encoding } from '../../../shared/codec/options';
import { translate, translateNote } from '../i18n';
import { loadFullRecord } from '../state/actions';
import { fullRecords } from '../state/full-records';
import {
  logStore,
  ROW_NOTE,
  ROW_NOT_KEPT,
  ROW_RX,
  ROW_SKIPPED,
  ROW_TX,
  type Note,
  type SessionLog,
} from '../state/log';
import { logTools } from '../state/log-tools';
import { FRAMED_ROW } from '../framing/framed-log';
import { decodedText, messageBytes, pendingMessages, savedMessage } from './framed-rows';
import type { Language } from '../state/store';
import { copyText, type CopyFormat } from './copy-formats';
import {
  csvHeader,
  csvLine,
  jsonLine,
  SAVE_EXTENSIONS,
  SAVE_MIME,
  textLine,
  type SaveFormat,
  type SavedRow,
} from './save-formats';
import { timeText } from './time-text';
import { saveFile } from '../ui/save-file';

/** Rows written between two yields to the page while saving. */
const SAVE_SLICE_ROWS = 4096;
const SAVE_SLICE_MS = 12;

/** The words of a note in the interface's language. */
export function noteWords(note: Note, language: Language): string {
  const say = note.say;
  if ('text' in say) return say.text;
  if ('note' in say) return translateNote(language, say.note, say.values);
  return translate(language, say.key, say.values) + (say.detail ? ` — ${say.detail}` : '');
}

/**
 * A record's bytes, whole: the log holds only the start of a long record, so the rest is read from the
 * engine's capture. `partial` when the capture no longer has it either.
 */
async function wholeBytes(
  sessionId: string,
  log: SessionLog,
  serial: number,
): Promise<{ bytes: Uint8Array; partial: boolean }> {
  const held = log.bytes(serial);
  if (log.fullLength(serial) <= log.length(serial)) return { bytes: held, partial: false };
  const seq = log.seq(serial);
  await loadFullRecord(sessionId, seq);
  const full = fullRecords.get(sessionId, seq);
  return full instanceof Uint8Array ? { bytes: full, partial: false } : { bytes: held.slice(), partial: true };
}

/** Copies the selected rows (or the current match) to the clipboard; says what happened in the tools' status. */
export async function copyRows(
  sessionId: string,
  format: CopyFormat,
  encoding: Encoding,
  language: Language,
): Promise<void> {
  const tools = logTools(sessionId);
  const log = logStore.log(sessionId);
  const t = (key: Parameters<typeof translate>[1], values?: Record<string, string | number>) =>
    translate(language, key, values);
  const framed = tools.framed;
  const rows: Array<{ bytes: Uint8Array; text: string }> = [];
  let partial = 0;
  for (const row of tools.rowsToCopy(log)) {
    if (framed && framed.kind(row) !== FRAMED_ROW) {
      const message = messageBytes(framed, log, row);
      if (message.partial) partial++;
      rows.push({ bytes: message.bytes, text: format === 'text' ? decodedText(message.bytes, encoding) : '' });
      continue;
    }
    const serial = framed ? framed.serial(row) : row;
    if (serial < log.first) continue;
    const kind = log.kind(serial);
    if (kind === ROW_RX || kind === ROW_TX) {
      const whole = await wholeBytes(sessionId, log, serial);
      if (whole.partial) partial++;
      rows.push({ bytes: whole.bytes, text: format === 'text' ? decodedText(whole.bytes, encoding) : '' });
    } else if (kind === ROW_NOTE && format === 'text') {
      const note = log.note(serial);
      if (note) rows.push({ bytes: new Uint8Array(0), text: noteWords(note, language) });
    }
  }
  if (rows.length === 0) {
    tools.setStatus({ tone: 'error', text: t('copyNothing') });
    return;
  }
  try {
    await writeClipboard(copyText(format, rows));
    const said = t('copied', { n: rows.length });
    tools.setStatus({ tone: 'info', text: partial > 0 ? `${said} ${t('copiedPartly', { n: partial })}` : said });
  } catch (error) {
    tools.setStatus({
      tone: 'error',
      text: t('copyFailed', { reason: error instanceof Error ? error.message : String(error) }),
    });
  }
}

/**
 * The Clipboard API first. The desktop app denies every permission request (R-PERM in docs/security.md),
 * which includes the clipboard's; there the page's own copy command, which needs none, writes it instead.
 */
async function writeClipboard(text: string): Promise<void> {
  let refused: unknown;
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch (error) {
    refused = error;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  const focused = document.activeElement as HTMLElement | null;
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  focused?.focus();
  if (!copied) throw refused instanceof Error ? refused : new Error(String(refused));
}

export interface SaveRequest {
  sessionId: string;
  /** For the file's name. */
  sessionName: string;
  format: SaveFormat;
  /** Every row kept, or only those the search and filters match. */
  rows: 'all' | 'matching';
  encoding: Encoding;
  language: Language;
}

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Writes the kept history (not just the rows on screen) to a file the browser downloads. The file is built
 * a slice of rows at a time, each slice one string part of a Blob, with the page free between slices.
 */
export async function saveLog(request: SaveRequest): Promise<void> {
  const { sessionId, format, encoding, language } = request;
  const tools = logTools(sessionId);
  const t = (key: Parameters<typeof translate>[1], values?: Record<string, string | number>) =>
    translate(language, key, values);
  const mode = tools.timeMode;
  // A matching-rows save waits for the search to reach the end of the history.
  while (request.rows === 'matching' && tools.searching) await yieldToPage();
  const scan = request.rows === 'matching' ? tools.scan : undefined;
  // A framed view saves its messages: one line per message, pending and bad ones flagged with why.
  const framed = tools.framed;
  let log = logStore.log(sessionId);
  const first = framed ? framed.first : log.first;
  const end = framed ? framed.end : log.end;
  // Pending messages are not at fixed positions (one that ends moves among the ended), so they are taken now.
  const pending =
    framed && !scan ? pendingMessages(framed, log, encoding, (key, values) => translate(language, key, values)) : [];
  const total = (scan ? scan.matchCount : end - first) + pending.length;
  let position = 0;
  /** The next row to write: the next match, or the next row; a log serial, or a framed position. */
  let nextRow = first;
  const next = (): number | undefined => {
    if (scan) {
      while (position < scan.matchCount) {
        const row = scan.at(position++);
        if (row < end) return row;
      }
      return undefined;
    }
    position++;
    return nextRow < end + pending.length ? nextRow++ : undefined;
  };

  const parts: string[] = [];
  if (format === 'csv') parts.push(csvHeader(mode, framed !== undefined));
  const startUs = end > first ? log.wallUs(framed ? framed.serial(first) : first) : 0;
  let previousUs: number | undefined;
  let written = 0;
  let partial = 0;
  let evicted = 0;
  tools.setStatus({ tone: 'info', text: t('saving', { done: 0, total }) });
  for (let shown = next(); shown !== undefined;) {
    const sliceStart = performance.now();
    let slice = '';
    for (let n = 0; shown !== undefined && n < SAVE_SLICE_ROWS; n++, shown = next()) {
      const serial = framed && shown < end ? framed.serial(shown) : shown;
      if (
        logStore.log(sessionId) !== log ||
        (framed ? shown < framed.first || (shown < end && serial < log.first) : serial < log.first)
      ) {
        // The log moved on under the save (evicted or replaced): the rows that left are counted, not invented.
        log = logStore.log(sessionId);
        evicted++;
        continue;
      }
      const row = !framed
        ? await savedRow(sessionId, log, serial, encoding, language)
        : shown >= end
          ? pending[shown - end]
          : framed.kind(shown) === FRAMED_ROW
            ? await savedRow(sessionId, log, serial, encoding, language)
            : savedMessage(framed, log, shown, encoding, (key, values) => translate(language, key, values));
      if (!row) continue;
      if (row.partial) partial++;
      const wallUs = row.wallUs;
      row.elapsedUs = mode === 'relative' ? wallUs - startUs : previousUs === undefined ? 0 : wallUs - previousUs;
      if (format === 'csv') slice += csvLine(row, mode, framed !== undefined);
      else if (format === 'jsonl') slice += jsonLine(row, mode);
      else slice += textLine(row, mode, timeText(mode, wallUs, startUs, previousUs));
      previousUs = wallUs;
      written++;
      if (performance.now() - sliceStart > SAVE_SLICE_MS) {
        shown = next();
        break;
      }
    }
    parts.push(slice);
    tools.setStatus({ tone: 'info', text: t('saving', { done: Math.min(position, total), total }) });
    await yieldToPage();
  }

  const file = `${safeName(request.sessionName)}-${fileStamp(new Date())}.${SAVE_EXTENSIONS[format]}`;
  saveFile(new Blob(parts, { type: SAVE_MIME[format] }), file);
  let said = t('saved', { n: written, file });
  if (partial > 0) said += ` ${t('savedPartly', { n: partial })}`;
  if (evicted > 0) said += ` ${t('savedEvicted', { n: evicted })}`;
  tools.setStatus({ tone: partial > 0 || evicted > 0 ? 'error' : 'info', text: said });
}

async function savedRow(
  sessionId: string,
  log: SessionLog,
  serial: number,
  encoding: Encoding,
  language: Language,
): Promise<SavedRow | undefined> {
  const kind = log.kind(serial);
  const base = {
    wallUs: log.wallUs(serial),
    elapsedUs: 0,
    peer: log.peer(serial) ?? '',
    connection: log.connection(serial) ?? '',
  };
  if (kind === ROW_RX || kind === ROW_TX) {
    const whole = await wholeBytes(sessionId, log, serial);
    return {
      ...base,
      direction: kind === ROW_RX ? 'rx' : 'tx',
      length: log.fullLength(serial),
      bytes: whole.bytes,
      text: decodedText(whole.bytes, encoding),
      partial: whole.partial,
    };
  }
  if (kind === ROW_NOTE) {
    const note = log.note(serial);
    if (!note) return undefined;
    return {
      ...base,
      direction: 'event',
      length: 0,
      bytes: new Uint8Array(0),
      text: noteWords(note, language),
      partial: false,
    };
  }
  if (kind === ROW_SKIPPED || kind === ROW_NOT_KEPT) {
    const n = log.gapCount(serial);
    const text = translate(language, kind === ROW_SKIPPED ? 'gapSkipped' : 'gapNotKept', { n });
    return { ...base, direction: 'gap', length: 0, bytes: new Uint8Array(0), text, partial: false };
  }
  return undefined;
}

function safeName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'sockpit-log';
}

/** 20261130-051334: sorts by time and is a valid file name everywhere. */
function fileStamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}
