import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { SessionInfo } from '../../../shared/contract';
import { useT } from '../i18n';
import { useLogTools } from '../state/log-tools';
import { useApp, type SessionView } from '../state/store';
import { CheckField, SelectField, TextField } from '../ui/controls';
import type { CopyFormat } from './copy-formats';
import { copyRows, saveLog } from './log-actions';
import { COPY_ACTIONS } from './row-tools';
import { SAVE_FORMATS, type SaveFormat } from './save-formats';
import type { DirectionFilter, SearchMode } from './search';
import { TIME_MODES, type TimeMode } from './time-text';

/**
 * Search, filter, time column, copy and save for one session's log. Enter and Shift+Enter in the search box
 * (and F3, Shift+F3 anywhere in the pane) move between matches.
 */
export function LogToolsBar({ session, view }: { session: SessionInfo; view: SessionView }) {
  const t = useT();
  const language = useApp((state) => state.language);
  const sessionId = session.sessionId;
  const tools = useLogTools(sessionId);
  const [saving, setSaving] = useState(false);
  const [saveOpen, setSaveOpen] = useState(false);
  const [saveFormat, setSaveFormat] = useState<SaveFormat>('csv');
  const [saveRows, setSaveRows] = useState<'all' | 'matching'>('all');
  const errorId = useId();
  const searchId = useId();

  useEffect(() => tools.setEncoding(view.receiveEncoding), [tools, view.receiveEncoding]);

  const scan = tools.scan;
  const count = scan?.matchCount ?? 0;
  const hasSearch = tools.matcher !== undefined && !tools.matcher.everything;
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      tools.move(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape' && tools.query.text !== '') {
      event.preventDefault();
      tools.setQuery({ text: '' });
    }
  };
  const copy = (format: CopyFormat) => void copyRows(sessionId, format, view.receiveEncoding, language);
  const save = async () => {
    setSaving(true);
    try {
      await saveLog({
        sessionId,
        sessionName: session.name,
        format: saveFormat,
        rows: saveRows,
        encoding: view.receiveEncoding,
        language,
      });
    } finally {
      setSaving(false);
    }
  };

  return (
    <div
      className="log-tools"
      role="toolbar"
      aria-label={t('logTools')}
      onKeyDown={(event) => {
        if (event.key === 'F3') {
          event.preventDefault();
          tools.move(event.shiftKey ? -1 : 1);
        }
      }}
    >
      <div className="log-tools-row">
        <span className="field search">
          <label htmlFor={searchId}>{t('searchLog')}</label>
          <input
            id={searchId}
            type="search"
            value={tools.query.text}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={tools.error ? true : undefined}
            aria-describedby={tools.error ? errorId : undefined}
            onChange={(event) => tools.setQuery({ text: event.target.value })}
            onKeyDown={onSearchKey}
          />
        </span>
        <SelectField<SearchMode>
          label={t('searchMode')}
          value={tools.query.mode}
          options={(['text', 'hex', 'regex'] as const).map((value) => ({ value, label: t(`searchMode.${value}`) }))}
          onChange={(mode) => tools.setQuery({ mode })}
        />
        <CheckField
          label={t('matchCase')}
          checked={tools.query.matchCase}
          onChange={(matchCase) => tools.setQuery({ matchCase })}
        />
        <SelectField<DirectionFilter>
          label={t('directionFilter')}
          value={tools.query.direction}
          options={[
            { value: 'both', label: t('directionFilter.both') },
            { value: 'rx', label: t('rx') },
            { value: 'tx', label: t('tx') },
          ]}
          onChange={(direction) => tools.setQuery({ direction })}
        />
        <TextField label={t('peerFilter')} value={tools.query.peer} onChange={(peer) => tools.setQuery({ peer })} />
        <button
          type="button"
          onClick={() => tools.move(-1)}
          disabled={count === 0}
          aria-label={t('previousMatch')}
          title={t('previousMatch')}
        >
          ↑
        </button>
        <button
          type="button"
          onClick={() => tools.move(1)}
          disabled={count === 0}
          aria-label={t('nextMatch')}
          title={t('nextMatch')}
        >
          ↓
        </button>
        {hasSearch && (
          <span className="match-count" role="status" aria-live="polite" data-count={count}>
            {t('matchCount', { index: tools.currentIndex, count })}
            {tools.searching && <> {t('searching')}</>}
          </span>
        )}
        <CheckField label={t('onlyMatches')} checked={tools.filterOnly} onChange={(on) => tools.setFilterOnly(on)} />
      </div>
      {tools.error && (
        <div className="log-tools-error" id={errorId} role="alert">
          {tools.error}
        </div>
      )}
      {scan && scan.partialRows > 0 && (
        <div className="log-tools-note">{t('partlySearched', { n: scan.partialRows })}</div>
      )}
      <div className="log-tools-row">
        <SelectField<TimeMode>
          label={t('time')}
          value={tools.timeMode}
          options={TIME_MODES.map((value) => ({ value, label: t(`time.${value}`) }))}
          onChange={(mode) => tools.setTimeMode(mode)}
        />
        {tools.selection.size > 0 && (
          <span className="selected-count">{t('selectedRows', { n: tools.selection.size })}</span>
        )}
        {COPY_ACTIONS.map(({ format, key }) => (
          <button key={format} type="button" onClick={() => copy(format)}>
            {t(key)}
          </button>
        ))}
        <button type="button" aria-expanded={saveOpen} onClick={() => setSaveOpen(!saveOpen)}>
          {t('saveLog')}
        </button>
        {saveOpen && (
          <span className="save-options" role="group" aria-label={t('saveLog')}>
            <SelectField<SaveFormat>
              label={t('saveFormat')}
              value={saveFormat}
              options={SAVE_FORMATS.map((value) => ({ value, label: t(`saveFormat.${value}`) }))}
              onChange={setSaveFormat}
            />
            <SelectField<'all' | 'matching'>
              label={t('saveRows')}
              value={saveRows}
              options={[
                { value: 'all', label: t('saveRows.all') },
                { value: 'matching', label: t('saveRows.matching') },
              ]}
              onChange={setSaveRows}
            />
            <button type="button" disabled={saving} onClick={() => void save()}>
              {t('saveNow')}
            </button>
          </span>
        )}
      </div>
      {tools.status && (
        <div
          className={`log-tools-status ${tools.status.tone}`}
          role={tools.status.tone === 'error' ? 'alert' : 'status'}
        >
          {tools.status.text}
        </div>
      )}
    </div>
  );
}
