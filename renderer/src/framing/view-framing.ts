import type { SessionInfo } from '../../../shared/contract';
import {
  DEFAULT_FRAMING_DRAFT,
  draftFromSpec,
  parseFramingDraft,
  type DraftProblem,
  type FramingDraft,
  type FramingSpec,
} from './choice';

/** What the view applies: the framing as typed when it is valid, else the last valid one, and what is wrong. */
export interface AppliedFraming {
  draft: FramingDraft;
  framing: FramingSpec;
  problem?: DraftProblem;
}

const PER_READ: FramingSpec = { mode: 'per-read' };
/** Drafts and specs are replaced, never changed, so work on them is remembered per object. */
const parsed = new WeakMap<FramingDraft, ReturnType<typeof parseFramingDraft>>();
const sessionDrafts = new WeakMap<FramingSpec, FramingDraft>();
/** The last valid framing per session: a half-typed delimiter must not undo the split on screen. */
const lastValid = new Map<string, FramingSpec>();

/**
 * The framing as the view's controls show it: the view's own (`viewDraft`, the view's `framing`), or the
 * session's until the view changes it.
 */
export function framingDraftOf(viewDraft: FramingDraft | undefined, session: SessionInfo | undefined): FramingDraft {
  if (viewDraft) return viewDraft;
  const spec = session?.config.framing;
  if (!spec) return DEFAULT_FRAMING_DRAFT;
  let draft = sessionDrafts.get(spec);
  if (!draft) sessionDrafts.set(spec, (draft = draftFromSpec(spec)));
  return draft;
}

export function appliedFraming(
  sessionId: string,
  viewDraft: FramingDraft | undefined,
  session: SessionInfo | undefined,
): AppliedFraming {
  const draft = framingDraftOf(viewDraft, session);
  let result = parsed.get(draft);
  if (!result) parsed.set(draft, (result = parseFramingDraft(draft)));
  if (result.ok) {
    lastValid.set(sessionId, result.framing);
    return { draft, framing: result.framing };
  }
  return { draft, framing: lastValid.get(sessionId) ?? PER_READ, problem: result.problem };
}
