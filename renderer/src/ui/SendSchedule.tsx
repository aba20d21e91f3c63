import { useEffect, useId, useState } from 'react';
import type { SendJobInfo, SessionInfo } from '../../../shared/contract';
import type { SockpitError } from '../../../shared/result';
import type { Translate } from '../i18n';
import { currentPayload, currentSend } from '../state/actions';
import {
  addStep,
  defaultScheduleDraft,
  previewNext,
  removeStep,
  runSequence,
  stopJobs,
  updateSchedule,
  useSchedule,
  type NumberFormatChoice,
} from '../state/send-schedule';
import { setStatus, type SessionView } from '../state/store';
import { presetsFor } from '../presets/saved';
import { useSaved } from '../presets/store';
import { CheckField, SelectField } from './controls';
import { errorWords } from '../error-words';

// The timed side of the send area: Repeat (the engine sends every interval), the counter behind {counter},
// a sequence of steps, and the bytes the next send will be. Mounted by SessionPane's send box.

const PREVIEW_DELAY_MS = 150;

/** "Next send preview": the exact bytes of the next send (fields, checksum, line ending), as the engine makes them. */
export function SendPreviewRegion({ session, view, t }: { session: SessionInfo; view: SessionView; t: Translate }) {
  const sessionId = session.sessionId;
  const draft = useSchedule((state) => state.drafts[sessionId]);
  const sendsMade = useSchedule((state) => state.sendsMade[sessionId] ?? 0);
  const [shown, setShown] = useState<{ hex?: string; error?: SockpitError }>({});
  useEffect(() => {
    let current = true;
    // Asked of the engine, which holds the counter: the preview is the next send's bytes, not a guess.
    const timer = setTimeout(() => {
      const payload = currentPayload(sessionId);
      if (!payload) return;
      void previewNext(sessionId, payload).then((result) => {
        if (!current) return;
        setShown(result.ok ? { hex: result.value.hex } : { error: result.error });
      });
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [sessionId, view.send, draft, sendsMade]);
  return (
    <div className="send-preview" role="region" aria-label={t('nextSendPreview')}>
      <span className="muted">{t('nextSendPreview')}:</span>{' '}
      {shown.error ? (
        <span className="field-error">{errorWords(shown.error).message}</span>
      ) : (
        <code>{shown.hex === undefined ? '' : shown.hex === '' ? t('previewEmpty') : shown.hex}</code>
      )}
    </div>
  );
}

/** A number box (role spinbutton) with its label; the text stays as typed and the engine's schema judges it. */
function NumberField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  min: number;
  max?: number;
  placeholder?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <span className="field narrow">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        min={props.min}
        max={props.max}
        step={1}
        value={props.value}
        placeholder={props.placeholder}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </span>
  );
}

function secondsUntil(at: number | undefined, now: number): string {
  if (at === undefined) return '—';
  return `${Math.max(0, (at - now) / 1000).toFixed(1)} s`;
}

function JobProgress({ job, t }: { job: SendJobInfo; t: Translate }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return (
    <span>
      {t(job.kind === 'repeat' ? 'repeatProgress' : 'sequenceProgress', {
        sent: job.sent,
        times: job.times === 'forever' ? '∞' : job.times,
        next: secondsUntil(job.nextDueAt, now),
        step: (job.step ?? 0) + 1,
        round: (job.round ?? 0) + 1,
      })}
      {job.lastError && ` · ${t('lastError', { message: errorWords(job.lastError).message })}`}
    </span>
  );
}

function FinishedNote({ job, t }: { job: SendJobInfo; t: Translate }) {
  return (
    <span className="muted">
      {t('jobFinished', { sent: job.sent, why: t(`jobEnd.${job.end ?? 'done'}`) })}
      {job.endError && ` · ${errorWords(job.endError).message}`}
    </span>
  );
}

export function SendSchedulePanel({ session, t }: { session: SessionInfo; t: Translate }) {
  const sessionId = session.sessionId;
  const draft = useSchedule((state) => state.drafts[sessionId]) ?? defaultScheduleDraft();
  const jobs = useSchedule((state) => state.jobs[sessionId]);
  const last = useSchedule((state) => state.lastFinished[sessionId]);
  const set = (change: Partial<typeof draft>) => updateSchedule(sessionId, change);
  const running = Object.values(jobs ?? {});
  const repeats = running.filter((job) => job.kind === 'repeat');
  const sequences = running.filter((job) => job.kind === 'sequence');
  const report = (error: SockpitError | undefined) => setStatus(sessionId, error ? 'error' : 'info', error);

  const onAddStep = () => {
    const next = currentSend(sessionId);
    if (!next) return;
    if ('error' in next) return report(next.error);
    report(addStep(sessionId, next.payload));
  };
  const onRunSequence = async () => {
    const next = currentSend(sessionId);
    if (!next) return;
    if ('error' in next) return report(next.error);
    const result = await runSequence(sessionId, next.target);
    report(result.ok ? undefined : result.error);
  };

  return (
    <div className="send-schedule">
      <div className="send-options">
        <CheckField label={t('repeat')} checked={draft.repeat} onChange={(v) => set({ repeat: v })} />
        <NumberField
          label={t('intervalMs')}
          min={1}
          max={86_400_000}
          value={draft.intervalMs}
          onChange={(v) => set({ intervalMs: v })}
        />
        <NumberField
          label={t('times')}
          min={1}
          value={draft.times}
          placeholder={t('untilStopped')}
          onChange={(v) => set({ times: v })}
        />
        <button
          type="button"
          disabled={repeats.length === 0}
          onClick={() => void stopJobs(sessionId, 'repeat').then(report)}
        >
          {t('stopRepeating')}
        </button>
        <span className="job-progress" role="note" aria-live="polite" aria-label={t('repeatStatus')}>
          {repeats.map((job) => (
            <JobProgress key={job.jobId} job={job} t={t} />
          ))}
          {repeats.length === 0 && last?.kind === 'repeat' && <FinishedNote job={last} t={t} />}
        </span>
      </div>
      <div className="send-options">
        <NumberField
          label={t('counterStart')}
          min={0}
          value={draft.counterStart}
          onChange={(v) => set({ counterStart: v })}
        />
        <NumberField
          label={t('counterStep')}
          min={-4294967295}
          value={draft.counterStep}
          onChange={(v) => set({ counterStep: v })}
        />
        <SelectField
          label={t('counterWidth')}
          value={draft.counterWidth}
          options={(['1', '2', '4'] as const).map((value) => ({ value, label: t('bytesN', { n: value }) }))}
          onChange={(value) => set({ counterWidth: value })}
        />
        <SelectField
          label={t('counterFormat')}
          value={draft.counterFormat}
          options={(['be', 'le', 'text'] as NumberFormatChoice[]).map((value) => ({
            value,
            label: t(`numberFormat.${value}`),
          }))}
          onChange={(value) => set({ counterFormat: value })}
        />
      </div>
      <details className="sequence-editor">
        <summary>{t('sequence')}</summary>
        <div className="send-options">
          <NumberField
            label={t('stepDelayMs')}
            min={0}
            value={draft.stepDelayMs}
            onChange={(v) => set({ stepDelayMs: v })}
          />
          <NumberField
            label={t('waitReplyMs')}
            min={1}
            value={draft.stepWaitMs}
            placeholder={t('noWait')}
            onChange={(v) => set({ stepWaitMs: v })}
          />
          <button type="button" onClick={onAddStep}>
            {t('addStep')}
          </button>
          <PresetStepPicker sessionId={sessionId} t={t} onPick={(payload) => report(addStep(sessionId, payload))} />
        </div>
        <ol aria-label={t('sequenceSteps')}>
          {draft.steps.map((step, index) => (
            <li key={index}>
              <code>{step.payload.data}</code>{' '}
              <span className="muted">
                {t('stepSummary', {
                  delay: step.delayMs,
                  wait: step.waitReplyMs === undefined ? '—' : step.waitReplyMs,
                })}
              </span>{' '}
              <button
                type="button"
                className="link"
                aria-label={t('removeStep', { n: index + 1 })}
                onClick={() => removeStep(sessionId, index)}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
        <div className="send-options">
          <NumberField
            label={t('rounds')}
            min={1}
            value={draft.rounds}
            disabled={draft.loop}
            placeholder="1"
            onChange={(v) => set({ rounds: v })}
          />
          <CheckField label={t('loop')} checked={draft.loop} onChange={(v) => set({ loop: v })} />
          <button type="button" disabled={draft.steps.length === 0} onClick={() => void onRunSequence()}>
            {t('runSequence')}
          </button>
          <button
            type="button"
            disabled={sequences.length === 0}
            onClick={() => void stopJobs(sessionId, 'sequence').then(report)}
          >
            {t('stopSequence')}
          </button>
          <span className="job-progress" role="note" aria-live="polite" aria-label={t('sequenceStatus')}>
            {sequences.map((job) => (
              <JobProgress key={job.jobId} job={job} t={t} />
            ))}
            {sequences.length === 0 && last?.kind === 'sequence' && <FinishedNote job={last} t={t} />}
          </span>
        </div>
      </details>
    </div>
  );
}

/** A sequence step can be a saved preset: choosing one adds it, with its own options, after the last step. */
function PresetStepPicker({
  sessionId,
  t,
  onPick,
}: {
  sessionId: string;
  t: Translate;
  onPick: (payload: NonNullable<ReturnType<typeof currentPayload>>) => void;
}) {
  const all = useSaved((state) => state.presets);
  const presets = presetsFor(all, sessionId);
  if (presets.length === 0) return null;
  return (
    <SelectField
      label={t('addPresetStep')}
      value=""
      options={[{ value: '', label: '—' }, ...presets.map((preset) => ({ value: preset.id, label: preset.name }))]}
      onChange={(id) => {
        const preset = presets.find((p) => p.id === id);
        if (!preset) return;
        const { text, mode, encoding, escapes, lineEnding, checksum, fields } = preset.message;
        onPick({ mode, data: text, encoding, escapes, lineEnding, checksum, ...(fields ? { fields } : {}) });
      }}
    />
  );
}
