import type { SessionInfo } from '../../../shared/contract';
import type { SessionView } from '../state/store';
import {
  DEFAULT_FRAMING_DRAFT,
  parseFramingDraft,
  type DraftProblem,
  type FramingDraft,
  type ViewFraming,
} from './choice';
import { sessionFramingDraft } from './session-framing';

/** What the view applies: the framing as typed when it is valid, else the last valid one, and what is wrong. */
export interface AppliedFraming {
  draft: FramingDraft;
  framing: ViewFraming;
  problem?: DraftProblem;
}

const PER_READ: ViewFraming = { mode: 'per-read' };
/** Drafts are replaced, never changed, so a parse is remembered per draft object. */
const parsed = new WeakMap<FramingDraft, ReturnType<typeof parseFramingDraft>>();
/** The last valid framing per session: a half-typed delimiter must not undo the split on screen. */
const lastValid = new Map<string, ViewFraming>();

/** The framing as the view's controls show it: the view's own, or the session's until the view changes it. */
export function framingDraftOf(view: SessionView, session: SessionInfo | undefined): FramingDraft {
  return view.framing ?? (session ? sessionFramingDraft(session) : undefined) ?? DEFAULT_FRAMING_DRAFT;
}

export function appliedFraming(sessionId: string, view: SessionView, session: SessionInfo | undefined): AppliedFraming {
  const draft = framingDraftOf(view, session);
  let result = parsed.get(draft);
  if (!result) parsed.set(draft, (result = parseFramingDraft(draft)));
  if (result.ok) {
    lastValid.set(sessionId, result.framing);
    return { draft, framing: result.framing };
  }
  return { draft, framing: lastValid.get(sessionId) ?? PER_READ, problem: result.problem };
}
