import type { SessionStats } from '../../../shared/contract';
import { ThroughputTracker } from './throughput';

type Listener = () => void;

/**
 * A throughput tracker per session, fed by the stats reports the app store already receives (about one a
 * second), from the moment the page loads: opening the chart shows the minutes before it was opened.
 */
export class ThroughputStore {
  private readonly trackers = new Map<string, ThroughputTracker>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private seen: Record<string, SessionStats> = {};

  of(sessionId: string): ThroughputTracker {
    let tracker = this.trackers.get(sessionId);
    if (!tracker) this.trackers.set(sessionId, (tracker = new ThroughputTracker()));
    return tracker;
  }

  subscribe(sessionId: string, listener: Listener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) this.listeners.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** The app's newest stats per session; called whenever they change. */
  take(stats: Record<string, SessionStats>): void {
    if (stats === this.seen) return;
    const before = this.seen;
    this.seen = stats;
    for (const sessionId in before) if (!(sessionId in stats)) this.trackers.delete(sessionId);
    for (const [sessionId, report] of Object.entries(stats)) {
      if (before[sessionId] === report) continue;
      const added = this.of(sessionId).add({ counters: report.counters, atMs: report.takenAt ?? Date.now() });
      if (added) for (const listener of this.listeners.get(sessionId) ?? []) listener();
    }
  }
}
