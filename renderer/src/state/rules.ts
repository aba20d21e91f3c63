import { create } from 'zustand';
import {
  EMPTY_RULE_SET,
  formatIssues,
  RuleSet,
  type EngineEvent,
  type RuleCounter,
  type RuleSetInput,
  type RulesState,
  type TryAnswer,
  type TryMessage,
} from '../../../shared/contract';
import { runCommand } from './actions';
import { errorWords } from '../error-words';
import { translate } from '../i18n';
import { useApp } from './store';

// Each session's auto-reply rules as the engine holds them, and their counters as the engine reports them.

export interface SessionRules {
  set: RuleSet;
  counters: RuleCounter[];
  skipped: number;
  /** The engine's revision of the set shown; -1 before it is loaded. */
  revision: number;
  /** The engine's answer to the last change; undefined once one succeeds. */
  error?: string;
}

export const useRules = create<{ bySession: Record<string, SessionRules> }>(() => ({ bySession: {} }));

function put(sessionId: string, change: (current: SessionRules) => Partial<SessionRules>): void {
  useRules.setState((state) => {
    const current = state.bySession[sessionId] ?? { set: EMPTY_RULE_SET, counters: [], skipped: 0, revision: -1 };
    return { bySession: { ...state.bySession, [sessionId]: { ...current, ...change(current) } } };
  });
}

function adopt(state: RulesState): void {
  put(state.sessionId, () => ({
    set: state.set,
    counters: state.counters,
    skipped: state.skipped,
    revision: state.revision,
    error: undefined,
  }));
}

export function applyRulesCounters(event: Extract<EngineEvent, { type: 'rules.counters' }>): void {
  const shown = useRules.getState().bySession[event.sessionId];
  // Another window (or the bridge's API) changed the rules: the counters belong to a set we do not show.
  if (!shown || shown.revision !== event.revision) {
    void loadRules(event.sessionId);
    return;
  }
  put(event.sessionId, () => ({ counters: event.counters, skipped: event.skipped }));
}

export async function loadRules(sessionId: string): Promise<void> {
  const result = await runCommand({ type: 'rules.get', sessionId });
  if (result.ok) adopt(result.value);
}

/** Replace the session's rules; the engine judges them, and what it says wrong stays shown until the next change. */
export async function saveRules(sessionId: string, rules: RuleSetInput): Promise<boolean> {
  const result = await runCommand({ type: 'rules.set', sessionId, rules });
  if (result.ok) {
    adopt(result.value);
    return true;
  }
  put(sessionId, () => ({ error: errorWords(result.error).message }));
  return false;
}

export async function resetRuleCounters(sessionId: string): Promise<void> {
  const result = await runCommand({ type: 'rules.counters.reset', sessionId });
  if (result.ok) adopt(result.value);
}

/** A file's text to a rule set: bad JSON or a bad rule is said with where it is. */
export function parseRulesFile(text: string): { ok: true; rules: RuleSetInput } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return {
      ok: false,
      error: translate(useApp.getState().language, 'rules.notJson', { reason: (err as Error).message }),
    };
  }
  const parsed = RuleSet.safeParse(json);
  if (!parsed.success) return { ok: false, error: formatIssues(parsed.error) };
  return { ok: true, rules: json as RuleSetInput };
}

export async function tryRulesOn(
  sessionId: string,
  message: TryMessage,
): Promise<{ ok: true; answers: TryAnswer[] } | { ok: false; error: string }> {
  const result = await runCommand({ type: 'rules.try', sessionId, message });
  return result.ok
    ? { ok: true, answers: result.value.answers }
    : { ok: false, error: errorWords(result.error).message };
}
