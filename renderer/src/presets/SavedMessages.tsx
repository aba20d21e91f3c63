import { useEffect, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { ENCODING_LABELS } from '../../../shared/codec/text';
import type { SockpitError } from '../../../shared/result';
import type { Translate } from '../i18n';
import { useApp } from '../state/store';
import { messageKey, presetsFor, searchHistory, SHORTCUT_PRESETS, type SavedMessage } from './saved';
import { presetShortcut } from './keys';
import {
  dismissProblem,
  forgetRemoved,
  importPresetsText,
  movePresetBy,
  presetsFileText,
  putInBox,
  removePreset,
  renamePresetTo,
  saveAsPreset,
  savePreset,
  sendPreset,
  undoRemove,
  useSaved,
} from './store';
import { CheckField, TextField } from '../ui/controls';
import { errorWords } from '../error-words';
import { saveFile } from '../ui/save-file';

/** The options of a saved message in a few words: "HEX", or the encoding with escapes, line ending and checksum. */
function optionsSummary(message: SavedMessage, t: Translate): string {
  const parts = [message.mode === 'hex' ? t('mode.hex') : ENCODING_LABELS[message.encoding]];
  if (message.mode === 'text' && message.escapes) parts.push('\\');
  if (message.lineEnding !== 'none') parts.push(t(`lineEnding.${message.lineEnding}`));
  if (message.checksum !== 'none') parts.push(t(`checksum.${message.checksum}`));
  return parts.join(' · ');
}

/** Presets and history under the send box of one session. */
export function SavedMessages({ sessionId, paneIndex, t }: { sessionId: string; paneIndex: number; t: Translate }) {
  const active = useApp((state) => state.activePane === paneIndex);
  useEffect(() => {
    if (!active) return;
    const onKeyDown = (event: globalThis.KeyboardEvent) => void presetShortcut(event, sessionId);
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [active, sessionId]);
  const problem = useSaved((state) => state.problem);
  return (
    <div className="saved-messages">
      {problem && (
        <div role="alert" className="saved-problem">
          {problem}{' '}
          <button type="button" className="link" onClick={dismissProblem}>
            {t('dismiss')}
          </button>
        </div>
      )}
      <PresetsPanel sessionId={sessionId} t={t} />
      <HistoryPanel sessionId={sessionId} t={t} />
    </div>
  );
}

function PresetsPanel({ sessionId, t }: { sessionId: string; t: Translate }) {
  const all = useSaved((state) => state.presets);
  const deleted = useSaved((state) => state.deleted);
  const [name, setName] = useState('');
  const [onlyHere, setOnlyHere] = useState(false);
  const [renaming, setRenaming] = useState<string>();
  const [outcome, setOutcome] = useState<{ tone: 'info' | 'error'; text: string; hint?: string }>();
  const fileInput = useRef<HTMLInputElement>(null);
  const shown = presetsFor(all, sessionId);

  const save = () => {
    saveAsPreset(sessionId, name, onlyHere);
    setName('');
  };
  const exportFile = () => {
    saveFile(new Blob([presetsFileText(sessionId)], { type: 'application/json' }), 'sockpit-presets.json');
  };
  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const result = importPresetsText(sessionId, await file.text());
    const error: SockpitError | undefined = result.ok ? undefined : result.error;
    setOutcome(
      result.ok
        ? { tone: 'info', text: t('presetsImported', { n: result.value }) }
        : { tone: 'error', text: errorWords(error!).message, hint: errorWords(error!).hint },
    );
  };

  return (
    <div className="presets">
      <div className="preset-actions">
        <TextField label={t('presetName')} value={name} onChange={setName} placeholder={t('presetNamePlaceholder')} />
        <CheckField label={t('presetOnlyThisSession')} checked={onlyHere} onChange={setOnlyHere} />
        <button type="button" onClick={save}>
          {t('saveAsPreset')}
        </button>
        <button type="button" onClick={exportFile} disabled={shown.length === 0}>
          {t('exportPresets')}
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          {t('importPresets')}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(event) => void importFile(event)}
        />
      </div>
      {outcome && (
        <div role={outcome.tone === 'error' ? 'alert' : 'status'} className={`preset-outcome ${outcome.tone}`}>
          {outcome.text}
          {outcome.hint && <span className="hint"> {outcome.hint}</span>}{' '}
          <button type="button" className="link" onClick={() => setOutcome(undefined)}>
            {t('dismiss')}
          </button>
        </div>
      )}
      {deleted && (
        <div role="status" className="preset-outcome">
          {t('presetDeleted', { name: deleted.preset.name })}{' '}
          <button type="button" className="link" onClick={undoRemove}>
            {t('undo')}
          </button>
          <button type="button" className="link" onClick={forgetRemoved}>
            {t('dismiss')}
          </button>
        </div>
      )}
      {shown.length === 0 && <p className="empty-note">{t('noPresets')}</p>}
      <ul className="preset-list" aria-label={t('presets')}>
        {shown.map((preset, index) => (
          <li key={preset.id} className="preset-item">
            {renaming === preset.id ? (
              <RenameBox
                name={preset.name}
                label={t('newPresetName')}
                onDone={(next) => {
                  if (next !== undefined) renamePresetTo(preset.id, next);
                  setRenaming(undefined);
                }}
              />
            ) : (
              <button
                type="button"
                className="preset"
                title={[
                  optionsSummary(preset.message, t),
                  index < SHORTCUT_PRESETS ? t('presetShortcut', { n: index + 1 }) : '',
                  preset.sessionId !== null ? t('presetThisSession') : '',
                ]
                  .filter(Boolean)
                  .join(' · ')}
                onClick={() => void sendPreset(sessionId, preset.id)}
              >
                {preset.name}
              </button>
            )}
            {index < SHORTCUT_PRESETS && (
              <kbd className="preset-key" aria-hidden="true">
                {index + 1}
              </kbd>
            )}
            <button
              type="button"
              className="icon"
              aria-label={t('renamePreset', { name: preset.name })}
              title={t('renamePreset', { name: preset.name })}
              onClick={() => setRenaming(preset.id)}
            >
              ✎
            </button>
            <button
              type="button"
              className="icon"
              aria-label={t('movePresetUp', { name: preset.name })}
              title={t('movePresetUp', { name: preset.name })}
              disabled={index === 0}
              onClick={() => movePresetBy(sessionId, preset.id, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="icon"
              aria-label={t('movePresetDown', { name: preset.name })}
              title={t('movePresetDown', { name: preset.name })}
              disabled={index === shown.length - 1}
              onClick={() => movePresetBy(sessionId, preset.id, 1)}
            >
              ↓
            </button>
            <button
              type="button"
              className="icon"
              aria-label={t('deletePreset', { name: preset.name })}
              title={t('deletePreset', { name: preset.name })}
              onClick={() => removePreset(preset.id)}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Enter keeps the new name, Escape keeps the old one; leaving the box keeps what was typed. */
function RenameBox({
  name,
  label,
  onDone,
}: {
  name: string;
  label: string;
  onDone: (name: string | undefined) => void;
}) {
  const [value, setValue] = useState(name);
  const done = useRef(false);
  const finish = (next: string | undefined) => {
    if (done.current) return;
    done.current = true;
    onDone(next);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      finish(value);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      finish(undefined);
    }
  };
  return (
    <input
      className="preset-rename"
      aria-label={label}
      value={value}
      autoFocus
      spellCheck={false}
      onChange={(event) => setValue(event.target.value)}
      onKeyDown={onKeyDown}
      onBlur={() => finish(value)}
    />
  );
}

function HistoryPanel({ sessionId, t }: { sessionId: string; t: Translate }) {
  const history = useSaved((state) => state.history);
  const [query, setQuery] = useState('');
  const found = searchHistory(history, query);
  return (
    <details className="history">
      <summary>{t('historyCount', { n: history.length })}</summary>
      <input
        type="search"
        className="history-search"
        aria-label={t('searchHistory')}
        placeholder={t('searchHistory')}
        value={query}
        spellCheck={false}
        onChange={(event) => setQuery(event.target.value)}
      />
      {history.length === 0 && <p className="empty-note">{t('noHistory')}</p>}
      {history.length > 0 && found.length === 0 && <p className="empty-note">{t('historyNoMatch', { query })}</p>}
      <ul className="history-list" aria-label={t('history')}>
        {found.map((entry) => (
          <li key={messageKey(entry.message)} className="history-item">
            <button
              type="button"
              className="history-text"
              title={t('putInBox')}
              onClick={() => putInBox(sessionId, entry.message)}
            >
              {entry.message.text}
            </button>
            <span className="history-options">{optionsSummary(entry.message, t)}</span>
            <button type="button" className="link" onClick={() => savePreset(sessionId, entry.message, '', false)}>
              {t('keepAsPreset')}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
