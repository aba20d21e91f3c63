import { useEffect, useRef, useState } from 'react';
import { CHECKSUMS, ENCODINGS, LINE_ENDINGS, type Encoding } from '../../../shared/codec/options';
import { ENCODING_LABELS } from '../../../shared/codec/text';
import {
  EMPTY_RULE_SET,
  RULE_MATCHER_KINDS,
  type AutoReplyRule,
  type AutoReplyRuleInput,
  type RuleMatcherKind,
  type SessionInfo,
  type TryAnswer,
} from '../../../shared/contract';
import type { ChecksumKind, LineEnding, SendMode } from '../../../shared/codec/options';
import type { Translate } from '../i18n';
import { formatTime } from '../log/format';
import { loadRules, parseRulesFile, resetRuleCounters, saveRules, tryRulesOn, useRules } from '../state/rules';
import { CheckField, SelectField, TextField, Toolbar } from './controls';
import { errorWords } from '../error-words';
import { saveFile } from './save-file';

// Auto-reply rules of one session: folded away under the log's tools until wanted, so the log keeps its room.

const ENCODING_OPTIONS = ENCODINGS.map((value) => ({ value, label: ENCODING_LABELS[value] }));

/** The rule editor as typed: strings, so a half-typed delay is not an error until Save. */
interface RuleDraft {
  name: string;
  enabled: boolean;
  kind: RuleMatcherKind;
  pattern: string;
  matchEncoding: Encoding;
  matchEscapes: boolean;
  flags: string;
  whole: boolean;
  replyMode: SendMode;
  reply: string;
  replyEncoding: Encoding;
  replyEscapes: boolean;
  lineEnding: LineEnding;
  checksum: ChecksumKind;
  delayMs: string;
}

function blankDraft(existing: AutoReplyRule[]): RuleDraft {
  let n = existing.length + 1;
  while (existing.some((rule) => rule.name === `Rule ${n}`)) n++;
  return {
    name: `Rule ${n}`,
    enabled: true,
    kind: 'contains',
    pattern: '',
    matchEncoding: 'utf-8',
    matchEscapes: false,
    flags: '',
    whole: false,
    replyMode: 'text',
    reply: '',
    replyEncoding: 'utf-8',
    replyEscapes: false,
    lineEnding: 'none',
    checksum: 'none',
    delayMs: '0',
  };
}

function patternOf(rule: AutoReplyRule): string {
  return rule.when.kind === 'regex' || rule.when.kind === 'hex' ? rule.when.pattern : rule.when.text;
}

function draftOf(rule: AutoReplyRule): RuleDraft {
  const when = rule.when;
  return {
    name: rule.name,
    enabled: rule.enabled,
    kind: when.kind,
    pattern: patternOf(rule),
    matchEncoding: when.kind === 'hex' ? 'utf-8' : when.encoding,
    matchEscapes: when.kind !== 'hex' && when.kind !== 'regex' ? when.escapes : false,
    flags: when.kind === 'regex' ? when.flags : '',
    whole: when.kind === 'hex' ? when.whole : false,
    replyMode: rule.reply.mode,
    reply: rule.reply.data,
    replyEncoding: rule.reply.encoding,
    replyEscapes: rule.reply.escapes,
    lineEnding: rule.reply.lineEnding,
    checksum: rule.reply.checksum,
    delayMs: String(rule.delayMs),
  };
}

function ruleOf(draft: RuleDraft): AutoReplyRuleInput {
  const when =
    draft.kind === 'regex'
      ? { kind: draft.kind, pattern: draft.pattern, flags: draft.flags, encoding: draft.matchEncoding }
      : draft.kind === 'hex'
        ? { kind: draft.kind, pattern: draft.pattern, whole: draft.whole }
        : { kind: draft.kind, text: draft.pattern, encoding: draft.matchEncoding, escapes: draft.matchEscapes };
  const delay = draft.delayMs.trim() === '' ? 0 : Number(draft.delayMs);
  return {
    name: draft.name,
    enabled: draft.enabled,
    when,
    reply: {
      mode: draft.replyMode,
      data: draft.reply,
      encoding: draft.replyEncoding,
      escapes: draft.replyEscapes,
      lineEnding: draft.lineEnding,
      checksum: draft.checksum,
    },
    // Not a number: the contract says why ("Must be a whole number of milliseconds.").
    delayMs: Number.isFinite(delay) ? delay : (draft.delayMs as unknown as number),
  };
}

export function RulesPanel({ session, t }: { session: SessionInfo; t: Translate }) {
  const sessionId = session.sessionId;
  const [open, setOpen] = useState(false);
  const rules = useRules((state) => state.bySession[sessionId]);
  const set = rules?.set ?? EMPTY_RULE_SET;
  // The index being edited; -1 a new rule; undefined no editor.
  const [editing, setEditing] = useState<{ index: number; draft: RuleDraft }>();
  const [importError, setImportError] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);

  // Loaded at once, so the folded panel's title already counts the rules; again on opening, in case another window changed them.
  useEffect(() => {
    void loadRules(sessionId);
  }, [open, sessionId]);

  const [toggled, setToggled] = useState<ReadonlyMap<string, boolean>>(new Map());
  const apply = async (nextRules: AutoReplyRuleInput[], match = set.match) => {
    setImportError(undefined);
    return saveRules(sessionId, { version: 1, match, rules: nextRules });
  };
  const save = async () => {
    if (!editing) return;
    const next: AutoReplyRuleInput[] = [...set.rules];
    const rule = ruleOf(editing.draft);
    if (editing.index < 0) next.push(rule);
    else next[editing.index] = rule;
    if (await apply(next)) setEditing(undefined);
  };
  const exportRules = () => {
    const blob = new Blob([`${JSON.stringify(set, null, 2)}\n`], { type: 'application/json' });
    saveFile(blob, `${session.name.replace(/[^\w.-]+/g, '-') || 'sockpit'}-rules.json`);
  };
  const importRules = async (file: File | undefined) => {
    if (!file) return;
    const parsed = parseRulesFile(await file.text());
    if (!parsed.ok) {
      setImportError(`${file.name}: ${parsed.error}`);
      return;
    }
    if (await saveRules(sessionId, parsed.rules)) setImportError(undefined);
  };
  const counters = rules?.counters ?? [];
  const error = importError ?? rules?.error;

  return (
    <details className="rules-panel" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{set.rules.length > 0 ? t('rules.panelCount', { n: set.rules.length }) : t('rules.panel')}</summary>
      <Toolbar label={t('rules.toolbar')}>
        <button type="button" onClick={() => setEditing({ index: -1, draft: blankDraft(set.rules) })}>
          {t('rules.add')}
        </button>
        <SelectField
          label={t('rules.matchSetting')}
          value={set.match}
          options={(['first', 'all'] as const).map((value) => ({ value, label: t(`rules.match.${value}`) }))}
          onChange={(value) => void apply(set.rules, value)}
        />
        <button type="button" onClick={() => fileInput.current?.click()}>
          {t('rules.import')}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(event) => {
            void importRules(event.target.files?.[0]);
            event.target.value = '';
          }}
        />
        <button type="button" onClick={exportRules} disabled={set.rules.length === 0}>
          {t('rules.export')}
        </button>
        <button type="button" onClick={() => void resetRuleCounters(sessionId)} disabled={set.rules.length === 0}>
          {t('rules.resetCounts')}
        </button>
      </Toolbar>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {rules && rules.skipped > 0 && <p className="muted">{t('rules.skipped', { n: rules.skipped })}</p>}
      {set.rules.length === 0 ? (
        <p className="muted">{t('rules.empty')}</p>
      ) : (
        <table className="rules-table" aria-label={t('rules.table')}>
          <thead>
            <tr>
              <th scope="col">{t('rules.col.name')}</th>
              <th scope="col">{t('rules.col.kind')}</th>
              <th scope="col">{t('rules.col.pattern')}</th>
              <th scope="col">{t('rules.col.reply')}</th>
              <th scope="col">{t('rules.col.delay')}</th>
              <th scope="col">{t('rules.col.enabled')}</th>
              <th scope="col">{t('rules.col.fired')}</th>
              <th scope="col">{t('rules.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {set.rules.map((rule, index) => {
              const counter = counters[index]?.name === rule.name ? counters[index] : undefined;
              return (
                <tr key={rule.name}>
                  <th scope="row">{rule.name}</th>
                  <td>{t(`rules.kind.${rule.when.kind}`)}</td>
                  <td className="mono">{patternOf(rule)}</td>
                  <td className="mono">{rule.reply.data}</td>
                  <td>{rule.delayMs}</td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('rules.enableRule', { name: rule.name })}
                      checked={toggled.get(rule.name) ?? rule.enabled}
                      onChange={(event) => {
                        const enabled = event.target.checked;
                        // Shown at once; the engine's answer (or its refusal) then replaces it.
                        setToggled((before) => new Map(before).set(rule.name, enabled));
                        void apply(set.rules.map((r, i) => (i === index ? { ...r, enabled } : r))).finally(() =>
                          setToggled((before) => {
                            const after = new Map(before);
                            after.delete(rule.name);
                            return after;
                          }),
                        );
                      }}
                    />
                  </td>
                  <td
                    data-fired={counter?.fired ?? 0}
                    title={
                      counter?.lastFiredAt ? t('rules.lastFired', { time: formatTime(counter.lastFiredAt) }) : undefined
                    }
                  >
                    {counter?.fired ?? 0}
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={t('rules.editRule', { name: rule.name })}
                      onClick={() => setEditing({ index, draft: draftOf(rule) })}
                    >
                      {t('rules.edit')}
                    </button>
                    <button
                      type="button"
                      aria-label={t('rules.deleteRule', { name: rule.name })}
                      onClick={() => void apply(set.rules.filter((_, i) => i !== index))}
                    >
                      {t('rules.delete')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {editing && (
        <RuleEditor
          draft={editing.draft}
          t={t}
          onChange={(change) => setEditing({ ...editing, draft: { ...editing.draft, ...change } })}
          onSave={() => void save()}
          onCancel={() => {
            setEditing(undefined);
            void loadRules(sessionId);
          }}
        />
      )}
      <TryBox sessionId={sessionId} t={t} />
    </details>
  );
}

function RuleEditor(props: {
  draft: RuleDraft;
  t: Translate;
  onChange: (change: Partial<RuleDraft>) => void;
  onSave: () => void;
  onCancel: () => void;
}) {
  const { draft, t, onChange } = props;
  const textKind = draft.kind === 'exact' || draft.kind === 'contains' || draft.kind === 'startsWith';
  return (
    <fieldset className="rule-editor">
      <legend>{t('rules.editor')}</legend>
      <div className="settings-row">
        <TextField label={t('rules.name')} value={draft.name} onChange={(name) => onChange({ name })} />
        <SelectField
          label={t('rules.col.kind')}
          value={draft.kind}
          options={RULE_MATCHER_KINDS.map((value) => ({ value, label: t(`rules.kind.${value}`) }))}
          onChange={(kind) => onChange({ kind })}
        />
        <TextField
          label={t('rules.pattern')}
          value={draft.pattern}
          width="wide"
          placeholder={draft.kind === 'hex' ? '01 03 ?? ?? 00 01' : draft.kind === 'regex' ? '^GET (\\w+)' : ''}
          onChange={(pattern) => onChange({ pattern })}
        />
        {draft.kind !== 'hex' && (
          <SelectField
            label={t('rules.matchEncoding')}
            value={draft.matchEncoding}
            options={ENCODING_OPTIONS}
            onChange={(matchEncoding: Encoding) => onChange({ matchEncoding })}
          />
        )}
        {textKind && (
          <CheckField
            label={t('rules.matchEscapes')}
            checked={draft.matchEscapes}
            onChange={(matchEscapes) => onChange({ matchEscapes })}
          />
        )}
        {draft.kind === 'regex' && (
          <TextField
            label={t('rules.flags')}
            value={draft.flags}
            width="narrow"
            placeholder="i"
            onChange={(flags) => onChange({ flags })}
          />
        )}
        {draft.kind === 'hex' && (
          <CheckField label={t('rules.whole')} checked={draft.whole} onChange={(whole) => onChange({ whole })} />
        )}
      </div>
      <div className="settings-row">
        <SelectField
          label={t('rules.replyMode')}
          value={draft.replyMode}
          options={(['text', 'hex'] as const).map((value) => ({ value, label: t(`mode.${value}`) }))}
          onChange={(replyMode) => onChange({ replyMode })}
        />
        <TextField
          label={t('rules.reply')}
          value={draft.reply}
          width="wide"
          placeholder={draft.replyMode === 'hex' ? '01 03 02 00 2A' : 'VALUE {1}'}
          onChange={(reply) => onChange({ reply })}
        />
        <SelectField
          label={t('rules.replyEncoding')}
          value={draft.replyEncoding}
          disabled={draft.replyMode === 'hex'}
          options={ENCODING_OPTIONS}
          onChange={(replyEncoding: Encoding) => onChange({ replyEncoding })}
        />
        <CheckField
          label={t('rules.replyEscapes')}
          checked={draft.replyEscapes}
          disabled={draft.replyMode === 'hex'}
          onChange={(replyEscapes) => onChange({ replyEscapes })}
        />
        <SelectField
          label={t('rules.replyLineEnding')}
          value={draft.lineEnding}
          options={LINE_ENDINGS.map((value) => ({ value, label: t(`lineEnding.${value}`) }))}
          onChange={(lineEnding) => onChange({ lineEnding })}
        />
        <SelectField
          label={t('rules.replyChecksum')}
          value={draft.checksum}
          options={CHECKSUMS.map((value) => ({ value, label: t(`checksum.${value}`) }))}
          onChange={(checksum) => onChange({ checksum })}
        />
        <TextField
          label={t('rules.delay')}
          value={draft.delayMs}
          width="narrow"
          inputMode="numeric"
          onChange={(delayMs) => onChange({ delayMs })}
        />
        <CheckField label={t('rules.enabled')} checked={draft.enabled} onChange={(enabled) => onChange({ enabled })} />
      </div>
      <p className="muted">{t('rules.replyHelp')}</p>
      <div className="settings-row">
        <button type="button" className="primary" onClick={props.onSave}>
          {t('rules.save')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('rules.cancel')}
        </button>
      </div>
    </fieldset>
  );
}

function TryBox({ sessionId, t }: { sessionId: string; t: Translate }) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<SendMode>('text');
  const [outcome, setOutcome] = useState<{ answers: TryAnswer[] } | { error: string }>();
  const tryIt = async () => {
    const result = await tryRulesOn(sessionId, { mode, data: text, encoding: 'utf-8', escapes: false });
    setOutcome(result.ok ? { answers: result.answers } : { error: result.error });
  };
  return (
    <div className="rules-try">
      <div className="settings-row">
        <SelectField
          label={t('rules.tryMode')}
          value={mode}
          options={(['text', 'hex'] as const).map((value) => ({ value, label: t(`mode.${value}`) }))}
          onChange={setMode}
        />
        <TextField label={t('rules.tryMessage')} value={text} width="wide" onChange={setText} />
        <button type="button" onClick={() => void tryIt()}>
          {t('rules.try')}
        </button>
      </div>
      <div role="status" aria-label={t('rules.tryResult')} className="rules-try-result">
        {outcome && 'error' in outcome && <p className="field-error">{outcome.error}</p>}
        {outcome && 'answers' in outcome && outcome.answers.length === 0 && <p>{t('rules.noMatch')}</p>}
        {outcome &&
          'answers' in outcome &&
          outcome.answers.map((answer) => (
            <div key={answer.index} className="rules-answer">
              <p>
                {t('rules.answer', { name: answer.name, bytes: answer.bytes })}
                {answer.delayMs > 0 ? ` ${t('rules.answerDelay', { ms: answer.delayMs })}` : ''}
              </p>
              {answer.error ? (
                <p className="field-error">{errorWords(answer.error).message}</p>
              ) : (
                <dl>
                  <dt>{t('rules.answerHex')}</dt>
                  <dd className="mono">{answer.hex}</dd>
                  <dt>{t('rules.answerText')}</dt>
                  <dd className="mono">{JSON.stringify(answer.text)}</dd>
                </dl>
              )}
            </div>
          ))}
      </div>
    </div>
  );
}
