import { create } from 'zustand';
import type {
  CommandInput,
  CommandType,
  CommandValues,
  SendFieldsInput,
  SendJobInfo,
  SendPayloadInput,
  SendPreview,
  SequenceStepInput,
} from '../../../shared/contract';
import type { Result, SockpitError } from '../../../shared/result';
import type { EngineLink } from '../link';
import { failWith } from '../../../shared/errors/word';

// The send area's timing and field settings: Repeat, the counter, the sequence being built, and the jobs
// the engine runs for each session (from its send.job events). The engine keeps the clock; this only
// asks it to start and stop, and shows what it reports.

export type NumberFormatChoice = 'be' | 'le' | 'text';

export interface SequenceStepDraft {
  payload: SendPayloadInput;
  delayMs: number;
  waitReplyMs?: number;
}

export interface ScheduleDraft {
  repeat: boolean;
  intervalMs: string;
  /** Empty: until stopped. */
  times: string;
  counterStart: string;
  counterStep: string;
  counterWidth: '1' | '2' | '4';
  counterFormat: NumberFormatChoice;
  steps: SequenceStepDraft[];
  stepDelayMs: string;
  /** Empty: the next step does not wait for a reply. */
  stepWaitMs: string;
  /** Empty: once. */
  rounds: string;
  loop: boolean;
}

export function defaultScheduleDraft(): ScheduleDraft {
  return {
    repeat: false,
    intervalMs: '1000',
    times: '',
    counterStart: '0',
    counterStep: '1',
    counterWidth: '1',
    counterFormat: 'be',
    steps: [],
    stepDelayMs: '1000',
    stepWaitMs: '',
    rounds: '',
    loop: false,
  };
}

interface ScheduleState {
  drafts: Record<string, ScheduleDraft>;
  /** Running jobs per session, by job id, and the last one that finished (for its reason). */
  jobs: Record<string, Record<string, SendJobInfo>>;
  lastFinished: Record<string, SendJobInfo | undefined>;
  /** Bumped whenever the next send's bytes may have changed without the draft changing (the counter moved). */
  sendsMade: Record<string, number>;
}

export const useSchedule = create<ScheduleState>(() => ({ drafts: {}, jobs: {}, lastFinished: {}, sendsMade: {} }));

let link: EngineLink | undefined;

/** Set with the app's own link (actions.attachLink), so these commands take the same road as every other. */
export function attachScheduleLink(connected: EngineLink): void {
  link = connected;
}

async function run<T extends CommandType>(
  command: Extract<CommandInput, { type: T }>,
): Promise<Result<CommandValues[T]>> {
  if (!link) return failWith('E_LINK', 'link-missing');
  try {
    return await link.execute<T>(command);
  } catch (err) {
    return failWith('E_LINK', 'link-no-answer', { detail: String((err as Error)?.message ?? err) });
  }
}

export function scheduleDraft(sessionId: string): ScheduleDraft {
  return useSchedule.getState().drafts[sessionId] ?? defaultScheduleDraft();
}

export function updateSchedule(sessionId: string, change: Partial<ScheduleDraft>): void {
  useSchedule.setState((state) => ({
    drafts: { ...state.drafts, [sessionId]: { ...scheduleDraft(sessionId), ...change } },
  }));
}

export function noteSendMade(sessionId: string): void {
  useSchedule.setState((state) => ({
    sendsMade: { ...state.sendsMade, [sessionId]: (state.sendsMade[sessionId] ?? 0) + 1 },
  }));
}

/** A send.job event: keep running jobs, drop finished ones (remembering the last). */
export function applyJob(job: SendJobInfo): void {
  useSchedule.setState((state) => {
    const running = { ...(state.jobs[job.sessionId] ?? {}) };
    if (job.state === 'running') running[job.jobId] = job;
    else delete running[job.jobId];
    return {
      jobs: { ...state.jobs, [job.sessionId]: running },
      lastFinished: job.state === 'finished' ? { ...state.lastFinished, [job.sessionId]: job } : state.lastFinished,
      sendsMade: { ...state.sendsMade, [job.sessionId]: (state.sendsMade[job.sessionId] ?? 0) + 1 },
    };
  });
}

export function forgetSchedule(sessionId: string): void {
  useSchedule.setState((state) => {
    const { [sessionId]: _draft, ...drafts } = state.drafts;
    const { [sessionId]: _jobs, ...jobs } = state.jobs;
    const { [sessionId]: _last, ...lastFinished } = state.lastFinished;
    return { drafts, jobs, lastFinished };
  });
}

function whole(text: string): number | string {
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : text;
}

/** The counter settings as the contract takes them; the engine's schema judges the values. */
export function fieldsFromDraft(draft: ScheduleDraft): SendFieldsInput {
  return {
    counter: {
      // An emptied box means its default, so clearing it never blocks sends that have no {counter}.
      start: (draft.counterStart.trim() === '' ? 0 : whole(draft.counterStart)) as number,
      step: (draft.counterStep.trim() === '' ? 1 : whole(draft.counterStep)) as number,
      width: Number(draft.counterWidth) as 1 | 2 | 4,
      format: draft.counterFormat,
    },
  };
}

type Target = Extract<CommandInput, { type: 'send' }>['target'];

/** Repeat is ticked: the engine sends now and every interval, Times times or until Stop repeating. */
export async function startRepeat(
  sessionId: string,
  payload: SendPayloadInput,
  target: Target,
): Promise<Result<SendJobInfo>> {
  const draft = scheduleDraft(sessionId);
  const times = draft.times.trim() === '' ? 'forever' : whole(draft.times);
  const result = await run({
    type: 'send.repeat',
    sessionId,
    payload,
    target,
    intervalMs: whole(draft.intervalMs) as number,
    times: times as number | 'forever',
  });
  if (result.ok) applyJob(result.value);
  return result;
}

export async function stopJobs(sessionId: string, kind: SendJobInfo['kind']): Promise<SockpitError | undefined> {
  const running = Object.values(useSchedule.getState().jobs[sessionId] ?? {}).filter((job) => job.kind === kind);
  for (const job of running) {
    const result = await run({ type: 'send.stop', sessionId, jobId: job.jobId });
    // Already over by the time Stop arrived: nothing left to stop.
    if (!result.ok && result.error.code !== 'E_NOT_FOUND') return result.error;
  }
  return undefined;
}

export function addStep(sessionId: string, payload: SendPayloadInput): SockpitError | undefined {
  const draft = scheduleDraft(sessionId);
  const delay = draft.stepDelayMs.trim() === '' ? 0 : Number(draft.stepDelayMs);
  const wait = draft.stepWaitMs.trim() === '' ? undefined : Number(draft.stepWaitMs);
  if (!Number.isInteger(delay) || delay < 0)
    return {
      code: 'E_VALIDATION',
      message: `"${draft.stepDelayMs}" is not a delay: use whole milliseconds, 0 or more.`,
    };
  if (wait !== undefined && (!Number.isInteger(wait) || wait < 1))
    return {
      code: 'E_VALIDATION',
      message: `"${draft.stepWaitMs}" is not a reply wait: use whole milliseconds, 1 or more.`,
    };
  updateSchedule(sessionId, { steps: [...draft.steps, { payload, delayMs: delay, waitReplyMs: wait }] });
  return undefined;
}

export function removeStep(sessionId: string, index: number): void {
  const draft = scheduleDraft(sessionId);
  updateSchedule(sessionId, { steps: draft.steps.filter((_, i) => i !== index) });
}

export async function runSequence(sessionId: string, target: Target): Promise<Result<SendJobInfo>> {
  const draft = scheduleDraft(sessionId);
  const steps: SequenceStepInput[] = draft.steps.map((step) => ({
    payload: step.payload,
    delayMs: step.delayMs,
    ...(step.waitReplyMs !== undefined ? { waitReplyMs: step.waitReplyMs } : {}),
  }));
  const times = draft.loop ? 'forever' : draft.rounds.trim() === '' ? 1 : whole(draft.rounds);
  const result = await run({ type: 'send.sequence', sessionId, steps, target, times: times as number | 'forever' });
  if (result.ok) applyJob(result.value);
  return result;
}

export function previewNext(sessionId: string, payload: SendPayloadInput): Promise<Result<SendPreview>> {
  return run({ type: 'send.preview', sessionId, payload });
}
