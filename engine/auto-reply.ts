import type { EngineEvent } from '../shared/contract';
import type { RxMessage } from '../shared/contract/framing';
import {
  EMPTY_RULE_SET,
  type AutoReplyRule,
  type RuleCounter,
  type RuleSet,
  type RulesState,
} from '../shared/contract/rules';
import { answerMessage, compileRules, type CompiledRules, type ReplyBuilder } from '../shared/rules/answer';
import { sendOptionsFor } from '../shared/contract/record-encoding';
import { ok, type Result, type SockpitError } from '../shared/result';
import type { Session } from './session';
import { keyedError, wrappedError } from '../shared/errors/word';

/**
 * Replies waiting for a timer or for the kernel to take them, per session. Past this a message goes
 * unanswered (and is counted): a flood, or a peer that stops reading, must not grow memory without end.
 */
export const MAX_PENDING_REPLIES = 10_000;
export const MAX_PENDING_REPLY_BYTES = 8 * 1024 * 1024;
/** Counter events are coalesced to this interval, so a flood of answers is not a flood of events. */
const COUNTERS_INTERVAL_MS = 250;
/** One error per rule per interval at most; the rule's `failed` count has them all. */
const ERROR_INTERVAL_MS = 1000;

/**
 * A session's auto-reply rules: hears every received message (never our own sends), answers from the
 * rule set and sends the reply to the connection or UDP peer the message came from, recorded as tx like
 * any send. Replies go out after the message is recorded, so the log shows the question before the answer.
 */
export class AutoReply {
  private compiled: CompiledRules = { set: EMPTY_RULE_SET, enabled: [] };
  private counters: RuleCounter[] = [];
  private skipped = 0;
  private revision = 0;
  private pending = 0;
  private pendingBytes = 0;
  private countersTimer?: NodeJS.Timeout;
  private readonly lastErrorAt = new Map<string, number>();
  /** Set while some rule is enabled: without one, received data costs nothing here. */
  private stopListening?: () => void;

  constructor(
    private readonly session: Session,
    private readonly emit: (event: EngineEvent) => void,
    private readonly build: ReplyBuilder,
  ) {}

  state(): RulesState {
    return {
      sessionId: this.session.id,
      set: this.compiled.set,
      // Copies: an answer must not change after it was given, as the live counters do.
      counters: this.copyCounters(),
      skipped: this.skipped,
      revision: this.revision,
    };
  }

  /** Takes effect for the next message; counts of rules that keep their name carry over. */
  set(set: RuleSet): Result<RulesState> {
    const compiled = compileRules(set);
    if (!compiled.ok) return compiled;
    const previous = new Map(this.counters.map((counter) => [counter.name, counter]));
    this.compiled = compiled.value;
    this.revision++;
    if (compiled.value.enabled.length > 0) {
      this.stopListening ??= this.session.onMessage((message) => this.onMessage(message));
    } else {
      this.stopListening?.();
      this.stopListening = undefined;
    }
    this.counters = set.rules.map(
      (rule) => previous.get(rule.name) ?? { name: rule.name, fired: 0, failed: 0, lastFiredAt: null },
    );
    this.emitCounters();
    return ok(this.state());
  }

  resetCounters(): RulesState {
    this.counters = this.counters.map((counter) => ({ name: counter.name, fired: 0, failed: 0, lastFiredAt: null }));
    this.skipped = 0;
    this.emitCounters();
    return this.state();
  }

  dispose(): void {
    this.stopListening?.();
    this.stopListening = undefined;
    clearTimeout(this.countersTimer);
  }

  private onMessage(message: RxMessage): void {
    // A frame framing marked bad (a wrong CRC) is not answered, as a real device would not answer it.
    if (message.bad || this.compiled.enabled.length === 0) return;
    if (this.session.sentToItself(message.peer)) return;
    const answers = answerMessage(this.compiled, message.bytes, this.build);
    if (answers.length === 0) return;
    const now = Date.now();
    for (const { index, rule, bytes } of answers) {
      const counter = this.counters[index];
      counter.fired++;
      counter.lastFiredAt = now;
      if (!bytes.ok) {
        counter.failed++;
        this.reportFailure(rule.name, message, bytes.error);
        continue;
      }
      if (this.pending >= MAX_PENDING_REPLIES || this.pendingBytes + bytes.value.length > MAX_PENDING_REPLY_BYTES) {
        counter.fired--;
        this.skipped++;
        this.reportOnce(
          'skipping',
          message.connectionId,
          keyedError('E_REPLY_SKIPPED', 'auto-reply-skipping', { pending: this.pending }),
        );
        continue;
      }
      this.pending++;
      this.pendingBytes += bytes.value.length;
      const send = () => void this.send(index, rule, message, bytes.value);
      if (rule.delayMs > 0) setTimeout(send, rule.delayMs).unref();
      else send();
    }
    this.scheduleCounters();
  }

  private async send(index: number, rule: AutoReplyRule, message: RxMessage, bytes: Uint8Array): Promise<void> {
    const name = rule.name;
    try {
      // A reply whose session stopped in the meantime has nowhere to go; that is not an error.
      if (!this.session.running) return;
      const sent = await this.session.reply(message.connectionId, message.peer, bytes, sendOptionsFor(rule.reply));
      if (!sent.ok) {
        const counter = this.counters[index];
        // The set may have been replaced while this reply waited.
        if (counter?.name === name) counter.failed++;
        this.reportFailure(name, message, sent.error);
        this.scheduleCounters();
      }
    } finally {
      this.pending--;
      this.pendingBytes -= bytes.length;
    }
  }

  private reportFailure(name: string, message: RxMessage, error: SockpitError): void {
    this.reportOnce(
      `rule:${name}`,
      message.connectionId,
      wrappedError('rule-reply-failed', { rule: name, peer: message.peer }, error),
    );
  }

  private reportOnce(key: string, connectionId: string | null, error: SockpitError): void {
    const now = Date.now();
    if (now - (this.lastErrorAt.get(key) ?? -Infinity) < ERROR_INTERVAL_MS) return;
    this.lastErrorAt.set(key, now);
    this.session.reportError(error, connectionId ?? undefined);
  }

  private copyCounters(): RuleCounter[] {
    return this.counters.map((counter) => ({ ...counter }));
  }

  private scheduleCounters(): void {
    if (this.countersTimer) return;
    this.countersTimer = setTimeout(() => this.emitCounters(), COUNTERS_INTERVAL_MS);
    this.countersTimer.unref();
  }

  private emitCounters(): void {
    clearTimeout(this.countersTimer);
    this.countersTimer = undefined;
    this.emit({
      type: 'rules.counters',
      sessionId: this.session.id,
      counters: this.copyCounters(),
      skipped: this.skipped,
      revision: this.revision,
    });
  }
}
