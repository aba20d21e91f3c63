import { useId } from 'react';
import type { SessionInfo } from '../../../shared/contract';
import type { Translate } from '../i18n';
import { CheckField, SelectField } from '../ui/controls';
import { updateView, type SessionView } from '../state/store';
import { FRAMING_MODES, type DraftField, type FramingDraft } from './choice';
import { appliedFraming } from './view-framing';

/**
 * How this view cuts received bytes into messages. Changing it re-splits the whole kept history at once;
 * the session (and what the engine frames for rules and the CLI) is left as it is.
 */
export function FramingControls({ session, view, t }: { session: SessionInfo; view: SessionView; t: Translate }) {
  const { draft, problem } = appliedFraming(session.sessionId, view.framing, session);
  const set = (change: Partial<FramingDraft>) =>
    updateView(session.sessionId, (current) => ({
      framing: { ...(current.framing ?? draft), ...change },
    }));
  const errorId = useId();
  const errorFor = (field: DraftField) => (problem?.field === field ? errorId : undefined);
  const number = (field: DraftField & keyof FramingDraft, label: string) => (
    <DraftInput
      label={label}
      value={draft[field] as string}
      errorId={errorFor(field)}
      narrow
      onChange={(value) => set({ [field]: value })}
    />
  );
  return (
    <span className="framing">
      <SelectField
        label={t('framing')}
        value={draft.mode}
        options={FRAMING_MODES.map((value) => ({ value, label: t(`framing.${value}`) }))}
        onChange={(mode) => set({ mode })}
      />
      {draft.mode === 'delimiter' && (
        <>
          <DraftInput
            label={t('delimiter')}
            value={draft.delimiter}
            errorId={errorFor('delimiter')}
            onChange={(value) => set({ delimiter: value })}
          />
          <CheckField
            label={t('keepDelimiter')}
            checked={draft.keepDelimiter}
            onChange={(value) => set({ keepDelimiter: value })}
          />
        </>
      )}
      {draft.mode === 'fixed' && number('fixedLength', t('fixedLength'))}
      {draft.mode === 'length-field' && (
        <>
          {number('lengthOffset', t('lengthOffset'))}
          <SelectField
            label={t('lengthSize')}
            value={draft.lengthSize}
            options={(['1', '2', '4'] as const).map((value) => ({ value, label: value }))}
            onChange={(lengthSize) => set({ lengthSize })}
          />
          <SelectField
            label={t('lengthEndian')}
            value={draft.lengthEndian}
            options={(['be', 'le'] as const).map((value) => ({ value, label: t(`endian.${value}`) }))}
            onChange={(lengthEndian) => set({ lengthEndian })}
          />
          <CheckField
            label={t('lengthIncludesHeader')}
            checked={draft.lengthIncludesHeader}
            onChange={(value) => set({ lengthIncludesHeader: value })}
          />
          {number('lengthAdjustment', t('lengthAdjustment'))}
        </>
      )}
      {draft.mode === 'idle-gap' && number('idleGapMs', t('idleGapMs'))}
      {problem && (
        <span id={errorId} className="field-error framing-error" role="alert">
          {t(problem.key, {
            ...problem.values,
            message: problem.values.message === '' ? t('framing.delimiterEmpty') : (problem.values.message ?? ''),
          })}{' '}
          {t('framing.stillApplied')}
        </span>
      )}
    </span>
  );
}

function DraftInput(props: {
  label: string;
  value: string;
  errorId: string | undefined;
  narrow?: boolean;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <span className={`field${props.narrow ? ' narrow' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        value={props.value}
        aria-invalid={props.errorId ? true : undefined}
        aria-describedby={props.errorId}
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => props.onChange(event.target.value)}
      />
    </span>
  );
}
