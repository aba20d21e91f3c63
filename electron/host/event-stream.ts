import type { EngineEvent } from '../../shared/contract';
import type { Engine } from '../engine/engine';

export interface EventStreamOptions {
  /** How long events may wait to be sent together; one flush per frame keeps the window smooth. */
  flushMs?: number;
  /** A batch is sent at once when it holds this many events, so one message never grows without end. */
  maxBatchEvents?: number;
}

/**
 * Carries the engine's events to one user interface (an Electron window, a browser tab), batched:
 * the engine emits one event per received chunk, and a flood must not become one IPC or WebSocket
 * message per chunk. Counters are coalesced — only the newest stats per session matter.
 */
export class EventStream {
  private pending: EngineEvent[] = [];
  private readonly latestStats = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly flushMs: number;
  private readonly maxBatchEvents: number;

  constructor(
    engine: Engine,
    private readonly deliver: (events: EngineEvent[]) => void,
    options: EventStreamOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 16;
    this.maxBatchEvents = options.maxBatchEvents ?? 2000;
    this.unsubscribe = engine.subscribe((event) => this.push(event));
  }

  private push(event: EngineEvent): void {
    if (event.type === 'stats') {
      const earlier = this.latestStats.get(event.stats.sessionId);
      if (earlier !== undefined) {
        this.pending[earlier] = event;
        return;
      }
      this.latestStats.set(event.stats.sessionId, this.pending.length);
    }
    this.pending.push(event);
    if (this.pending.length >= this.maxBatchEvents) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.latestStats.clear();
    this.deliver(batch);
  }

  close(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
