import { inputPending } from '../link/inbound-queue';

type Listener = () => void;

/** Frames in a row a redraw may give way to waiting input before it goes ahead anyway. */
const MAX_YIELDS = 2;

/** The page's frame clock, typed here rather than from the DOM library, so stores also load in plain Node. */
const frames = globalThis as unknown as { requestAnimationFrame(callback: (now: number) => void): number };

/**
 * Tells the views of a session that its data changed: once per animation frame at most, however many
 * changes a flood brings, and no more often than `minIntervalMs` for a session that changes every frame.
 */
export class FrameNotifier {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly dirty = new Set<string>();
  private readonly notifiedAt = new Map<string, number>();
  private frame: number | undefined;
  private yields = 0;

  constructor(private readonly minIntervalMs = 0) {}

  subscribe(sessionId: string, listener: Listener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) this.listeners.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  changed(sessionId: string): void {
    this.dirty.add(sessionId);
    this.frame ??= frames.requestAnimationFrame((now) => this.notify(now));
  }

  private notify(now: number): void {
    this.frame = undefined;
    // A click or key waiting behind this frame goes first: redrawing a flooding log can wait a frame.
    if (this.yields < MAX_YIELDS && inputPending()) {
      this.yields++;
      this.frame = frames.requestAnimationFrame((next) => this.notify(next));
      return;
    }
    this.yields = 0;
    const sessions = [...this.dirty];
    this.dirty.clear();
    for (const id of sessions) {
      if (now - (this.notifiedAt.get(id) ?? Number.NEGATIVE_INFINITY) < this.minIntervalMs) {
        this.dirty.add(id);
        continue;
      }
      this.notifiedAt.set(id, now);
      for (const listener of this.listeners.get(id) ?? []) listener();
    }
    if (this.dirty.size > 0) this.frame = frames.requestAnimationFrame((next) => this.notify(next));
  }
}
