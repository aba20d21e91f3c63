import type {
  EngineEvent,
  JobEnd,
  JobTimes,
  SendJobInfo,
  SendPayload,
  SendResult,
  SendTarget,
  SequenceStep,
} from '../shared/contract';
import { buildPayload } from '../shared/codec';
import { sendOptionsFor } from '../shared/contract/record-encoding';
import { ok, type Result, type SockpitError } from '../shared/result';
import type { Session } from './session';
import { failWith, wrappedError } from '../shared/errors/word';

/**
 * At most this many overdue sends go out back to back before the job yields to the event loop: a 1 ms
 * repeat that fell behind catches up in bursts instead of starving sockets and timers.
 */
const MAX_BURST = 50;
/** Behind by more than this, a repeat gives up the missed sends and starts counting from now again. */
const MAX_BACKLOG_MS = 1000;
/** Progress events per job at most this often (plus one when it starts and one when it ends). */
const PROGRESS_EVERY_MS = 200;

/** What the jobs need from the engine that runs them. */
export interface JobHost {
  session(sessionId: string): Session | undefined;
  /** Bytes of one send, counter included (advancing it). */
  compose(sessionId: string, payload: SendPayload): Result<{ bytes: Uint8Array }>;
  emit(event: EngineEvent): void;
}

export interface RepeatSpec {
  payload: SendPayload;
  target?: SendTarget;
  intervalMs: number;
  times: JobTimes;
  maxFailures: number;
}

export interface SequenceSpec {
  steps: SequenceStep[];
  target?: SendTarget;
  times: JobTimes;
  maxFailures: number;
}

interface ReplyWait {
  /** The first seq that may be the reply. */
  fromSeq: number;
  resolve(): void;
}

class Job {
  readonly info: SendJobInfo;
  ended = false;
  consecutiveFailures = 0;
  lastProgress = 0;
  /** Connections the job sends to: when all of them are gone, so is the job's reason to run. */
  readonly connectionIds: Set<string>;
  replyWait?: ReplyWait;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private wake?: () => void;

  constructor(info: SendJobInfo, connectionIds: string[]) {
    this.info = info;
    this.connectionIds = new Set(connectionIds);
  }

  /** Resolves after `ms`, or at once when the job ends; ms ≤ 0 yields to the event loop once. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.ended) return resolve();
      this.wake = resolve;
      if (ms <= 0) this.immediate = setImmediate(resolve);
      else this.timer = setTimeout(resolve, ms);
    });
  }

  halt(): void {
    this.ended = true;
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.wake?.();
    this.replyWait?.resolve();
  }
}

/**
 * Repeats and sequences, on the engine's clock. A repeat is scheduled on absolute times (start + n·interval),
 * so timer lateness never adds up to drift; it ends on send.stop, its count, when its session stops, when
 * the connection it sends to closes, or after maxFailures failed sends in a row.
 */
export class SendJobs {
  private readonly jobs = new Map<string, Job>();
  private jobCount = 0;

  constructor(private readonly host: JobHost) {}

  list(sessionId: string): SendJobInfo[] {
    return [...this.jobs.values()].filter((job) => job.info.sessionId === sessionId).map((job) => ({ ...job.info }));
  }

  async startRepeat(session: Session, spec: RepeatSpec): Promise<Result<SendJobInfo>> {
    const job = this.create(session, 'repeat', spec.target, spec.times, { intervalMs: spec.intervalMs });
    // The first send goes out now, and a refusal (not connected, bad target) answers the command itself.
    const first = await this.sendOnce(session, spec.payload, spec.target);
    if (!first.ok) return first;
    job.info.sent = 1;
    if (spec.times !== 'forever' && spec.times <= 1) {
      job.info.state = 'finished';
      job.info.end = 'done';
      this.host.emit({ type: 'send.job', job: { ...job.info } });
      return ok({ ...job.info });
    }
    this.jobs.set(job.info.jobId, job);
    const startedMono = performance.now();
    job.info.nextDueAt = Date.now() + spec.intervalMs;
    this.progress(job, true);
    void this.runRepeat(session, job, spec, startedMono);
    return ok({ ...job.info });
  }

  async startSequence(session: Session, spec: SequenceSpec): Promise<Result<SendJobInfo>> {
    const job = this.create(session, 'sequence', spec.target, spec.times, {
      steps: spec.steps.length,
      step: 0,
      round: 0,
    });
    // A step that can never be sent is refused now, not halfway through the sequence.
    for (const [index, step] of spec.steps.entries()) {
      const built = buildPayload(step.payload);
      if (!built.ok) return { ok: false, error: { ...wrappedError('step-failed', { step: index + 1 }, built.error) } };
    }
    const since = session.capture.nextSeq;
    const first = await this.sendOnce(session, spec.steps[0].payload, spec.target);
    if (!first.ok) return first;
    job.info.sent = 1;
    this.jobs.set(job.info.jobId, job);
    this.progress(job, true);
    void this.runSequence(session, job, spec, since);
    return ok({ ...job.info });
  }

  /** Stop one job or every job of a session; answers how many were running. */
  stop(sessionId: string, jobId: string | undefined, why: JobEnd = 'stopped'): Result<{ stopped: number }> {
    if (jobId !== undefined) {
      const job = this.jobs.get(jobId);
      if (!job || job.info.sessionId !== sessionId) return failWith('E_NOT_FOUND', 'no-such-job', { id: jobId });
      this.end(job, why);
      return ok({ stopped: 1 });
    }
    let stopped = 0;
    for (const job of [...this.jobs.values()]) {
      if (job.info.sessionId !== sessionId) continue;
      this.end(job, why);
      stopped++;
    }
    return ok({ stopped });
  }

  shutdown(): void {
    for (const job of [...this.jobs.values()]) this.end(job, 'engine-shutdown');
  }

  /** Every engine event passes here first: a closed connection or a stopped session ends its jobs. */
  observe(event: EngineEvent): void {
    if (this.jobs.size === 0) return;
    if (event.type === 'connection.closed') {
      const { connectionId, sessionId } = event.connection;
      for (const job of [...this.jobs.values()]) {
        if (job.info.sessionId !== sessionId || !job.connectionIds.delete(connectionId)) continue;
        if (job.connectionIds.size === 0) this.end(job, 'connection-closed', event.error);
      }
    } else if (event.type === 'session.state') {
      const { sessionId, state } = event.session;
      if (state === 'idle' || state === 'failed') {
        for (const job of [...this.jobs.values()])
          if (job.info.sessionId === sessionId) this.end(job, 'session-stopped');
      }
    } else if (event.type === 'session.removed') {
      for (const job of [...this.jobs.values()])
        if (job.info.sessionId === event.sessionId) this.end(job, 'session-stopped');
    }
  }

  /** Records up to `nextSeq - 1` were captured: a sequence step waiting for its reply looks for one. */
  recordsAdded(sessionId: string, nextSeq: number): void {
    if (this.jobs.size === 0) return;
    for (const job of this.jobs.values()) {
      if (job.info.sessionId !== sessionId || !job.replyWait) continue;
      const session = this.host.session(sessionId);
      if (!session) continue;
      this.checkReply(session, job, nextSeq);
    }
  }

  private checkReply(session: Session, job: Job, nextSeq: number): void {
    const wait = job.replyWait;
    if (!wait) return;
    const capture = session.capture;
    const oldest = capture.nextSeq - capture.size;
    for (let seq = Math.max(wait.fromSeq, oldest); seq < nextSeq; seq++) {
      const record = capture.get(seq);
      if (!record || record.dir !== 'rx') continue;
      if (job.connectionIds.size > 0 && record.connectionId !== null && !job.connectionIds.has(record.connectionId))
        continue;
      job.replyWait = undefined;
      wait.resolve();
      return;
    }
    wait.fromSeq = nextSeq;
  }

  private create(
    session: Session,
    kind: SendJobInfo['kind'],
    target: SendTarget | undefined,
    times: JobTimes,
    extra: Partial<SendJobInfo>,
  ): Job {
    const connectionIds =
      target?.to === 'connections'
        ? target.connectionIds
        : session.config.kind === 'tcp-client'
          ? session.connections().map((c) => c.connectionId)
          : [];
    const info: SendJobInfo = {
      jobId: `j${++this.jobCount}`,
      sessionId: session.id,
      kind,
      state: 'running',
      times,
      sent: 0,
      failures: 0,
      startedAt: Date.now(),
      ...extra,
    };
    return new Job(info, connectionIds);
  }

  private async sendOnce(
    session: Session,
    payload: SendPayload,
    target: SendTarget | undefined,
  ): Promise<Result<SendResult>> {
    const built = this.host.compose(session.id, payload);
    if (!built.ok) return built;
    return session.send(built.value.bytes, target, sendOptionsFor(payload));
  }

  /** Counts a send's outcome; false once failures in a row ended the job. */
  private account(job: Job, result: Result<SendResult>, maxFailures: number): boolean {
    if (result.ok) {
      job.info.sent++;
      job.consecutiveFailures = 0;
      return true;
    }
    job.info.failures++;
    job.info.lastError = result.error;
    if (++job.consecutiveFailures >= maxFailures) {
      this.end(job, 'send-failed', result.error);
      return false;
    }
    return true;
  }

  private async runRepeat(session: Session, job: Job, spec: RepeatSpec, startedMono: number): Promise<void> {
    const { intervalMs, times, maxFailures } = spec;
    let due = startedMono + intervalMs;
    let burst = 0;
    while (!job.ended) {
      const wait = due - performance.now();
      if (wait > 0) {
        burst = 0;
        await job.sleep(wait);
      } else if (++burst > MAX_BURST) {
        burst = 0;
        await job.sleep(0);
      }
      if (job.ended) return;
      const behind = performance.now() - due;
      if (behind > Math.max(MAX_BACKLOG_MS, intervalMs)) due += Math.floor(behind / intervalMs) * intervalMs;
      const result = await this.sendOnce(session, spec.payload, spec.target);
      if (job.ended || !this.account(job, result, maxFailures)) return;
      due += intervalMs;
      if (times !== 'forever' && job.info.sent + job.info.failures >= times) {
        this.end(job, 'done');
        return;
      }
      job.info.nextDueAt = Date.now() + Math.max(0, due - performance.now());
      this.progress(job);
    }
  }

  private async runSequence(session: Session, job: Job, spec: SequenceSpec, firstSince: number): Promise<void> {
    const { steps, times, maxFailures } = spec;
    let since = firstSince;
    let sendsWithoutPause = 0;
    for (let round = 0; times === 'forever' || round < times; round++) {
      for (let index = 0; index < steps.length; index++) {
        if (job.ended) return;
        const step = steps[index];
        job.info.round = round;
        job.info.step = index;
        if (round > 0 || index > 0) {
          since = session.capture.nextSeq;
          const result = await this.sendOnce(session, step.payload, spec.target);
          if (job.ended || !this.account(job, result, maxFailures)) return;
        }
        if (step.waitReplyMs !== undefined) {
          job.info.nextDueAt = undefined;
          this.progress(job);
          await this.waitReply(session, job, since, step.waitReplyMs);
          sendsWithoutPause = 0;
        }
        if (job.ended) return;
        if (step.delayMs > 0) {
          job.info.nextDueAt = Date.now() + step.delayMs;
          this.progress(job);
          await job.sleep(step.delayMs);
          sendsWithoutPause = 0;
        } else if (++sendsWithoutPause >= MAX_BURST) {
          // A loop of steps without delays must still let sockets and timers run.
          sendsWithoutPause = 0;
          await job.sleep(0);
        }
      }
    }
    this.end(job, 'done');
  }

  private waitReply(session: Session, job: Job, since: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        job.replyWait = undefined;
        resolve();
      }, timeoutMs);
      job.replyWait = {
        fromSeq: since,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      // The reply may already be in: a fast peer answers before the write's callback runs.
      this.checkReply(session, job, session.capture.nextSeq);
    });
  }

  private progress(job: Job, force = false): void {
    const now = Date.now();
    if (!force && now - job.lastProgress < PROGRESS_EVERY_MS) return;
    job.lastProgress = now;
    this.host.emit({ type: 'send.job', job: { ...job.info } });
  }

  private end(job: Job, why: JobEnd, error?: SockpitError): void {
    if (job.ended) return;
    job.halt();
    this.jobs.delete(job.info.jobId);
    job.info.state = 'finished';
    job.info.end = why;
    job.info.nextDueAt = undefined;
    if (error) job.info.endError = error;
    this.host.emit({ type: 'send.job', job: { ...job.info } });
  }
}
