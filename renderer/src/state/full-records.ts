/** 'loading' while the capture is asked; 'gone' when the capture no longer holds the record. */
export type FullRecord = Uint8Array | 'loading' | 'gone';

/** Whole long records someone asked to see; the oldest asked go first beyond this many bytes. */
const MAX_BYTES = 32 * 1024 * 1024;

type Listener = () => void;

/**
 * Long records a person opened in full. A batch carries only the start of a long record (the log holds
 * that); the rest is read from the capture store on request and kept here, bounded, beside the log.
 */
class FullRecords {
  private readonly entries = new Map<string, FullRecord>();
  private bytes = 0;
  private readonly listeners = new Set<Listener>();
  version = 0;

  private static key(sessionId: string, seq: number): string {
    return `${sessionId}\u0000${seq}`;
  }

  get(sessionId: string, seq: number): FullRecord | undefined {
    return this.entries.get(FullRecords.key(sessionId, seq));
  }

  set(sessionId: string, seq: number, value: FullRecord): void {
    const key = FullRecords.key(sessionId, seq);
    const before = this.entries.get(key);
    if (before instanceof Uint8Array) this.bytes -= before.byteLength;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (value instanceof Uint8Array) this.bytes += value.byteLength;
    // A Map iterates in insertion order: the first entries are the oldest asked for.
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= MAX_BYTES || oldKey === key) break;
      if (old instanceof Uint8Array) this.bytes -= old.byteLength;
      this.entries.delete(oldKey);
    }
    this.version++;
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const fullRecords = new FullRecords();
