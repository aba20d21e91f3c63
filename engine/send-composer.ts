import { buildSend, formatHex, nextCounterValue, usesCounter } from '../shared/codec';
import { DEFAULT_SEND_FIELDS, type SendPayload, type SendPreview } from '../shared/contract';
import { ok, type Result } from '../shared/result';

/** One send's bytes, and the value {counter} took in them. */
export interface ComposedSend {
  bytes: Uint8Array;
  counter?: number;
}

interface CounterState {
  /** The settings the value belongs to: changing them starts the counter again. */
  key: string;
  value: number;
}

/**
 * Turns payloads into bytes for every kind of send (box, repeat, sequence, greeting), holding each
 * session's {counter}: it advances once per send that uses it — taken when the bytes are made, so a repeat
 * and a send from the box running side by side never send the same value — and starts again at its start
 * value when the session starts or its settings change.
 */
export class SendComposer {
  private readonly counters = new Map<string, CounterState>();

  /** `advance: false` makes the bytes without taking the value (a preview). */
  compose(sessionId: string, payload: SendPayload, advance = true): Result<ComposedSend> {
    if (!usesCounter(payload.data)) {
      const built = buildSend(payload);
      return built.ok ? ok({ bytes: built.value.bytes }) : built;
    }
    const counter = (payload.fields ?? DEFAULT_SEND_FIELDS).counter;
    const key = `${counter.start}/${counter.step}/${counter.width}/${counter.format}`;
    const current = this.counters.get(sessionId);
    const state = current && current.key === key ? current : { key, value: counter.start };
    const value = state.value;
    const built = buildSend(payload, { counter: value });
    if (!built.ok) return built;
    if (advance) this.counters.set(sessionId, { key, value: nextCounterValue(counter, value) });
    return ok({ bytes: built.value.bytes, counter: value });
  }

  preview(sessionId: string, payload: SendPayload): Result<SendPreview> {
    const composed = this.compose(sessionId, payload, false);
    if (!composed.ok) return composed;
    const { bytes, counter } = composed.value;
    return ok({ hex: formatHex(bytes), bytes: bytes.byteLength, ...(counter !== undefined ? { counter } : {}) });
  }

  /** The session (re)started or went away: its counter starts again. */
  reset(sessionId: string): void {
    this.counters.delete(sessionId);
  }
}
