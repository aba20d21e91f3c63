// The answers the bridge gave (or is working out) per browser tab, by the tab's own command id, kept across
// reconnects. A tab whose connection dropped before an answer arrived asks again with the same id after it
// reconnects, and gets the first run's answer: a command is carried out once, however often it is asked.
import type { Result } from '../shared/result';

/** How long a disconnected tab's answers are kept; the tab asks again well within this (RESEND_WITHIN_MS). */
export const LEDGER_KEEP_MS = 60_000;
/** Tabs whose answers are kept at once; past it the one that left longest ago is forgotten. */
export const LEDGER_MAX_CLIENTS = 64;
/** Finished answers kept per tab; the oldest go first. Commands still running are never forgotten. */
export const LEDGER_MAX_ANSWERS = 4096;

interface Entry {
  answer: Promise<Result<unknown>>;
  done: boolean;
}

export class ClientLedger {
  readonly entries = new Map<number, Entry>();
  tabs = 0;
  leftAt = 0;

  /** Command `id`'s answer: the one already given or under way, or a new run of `run`. */
  answer(id: number, run: () => Promise<Result<unknown>>): { answer: Promise<Result<unknown>>; repeated: boolean } {
    const known = this.entries.get(id);
    if (known) return { answer: known.answer, repeated: true };
    const entry: Entry = { answer: run(), done: false };
    this.entries.set(id, entry);
    void entry.answer.then(() => {
      entry.done = true;
      this.trim();
    });
    return { answer: entry.answer, repeated: false };
  }

  private trim(): void {
    if (this.entries.size <= LEDGER_MAX_ANSWERS) return;
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= LEDGER_MAX_ANSWERS) break;
      if (entry.done) this.entries.delete(id);
    }
  }
}

export class ReplyLedger {
  private readonly clients = new Map<string, ClientLedger>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A tab said who it is; its answers are kept while it is connected and LEDGER_KEEP_MS after. */
  attach(clientId: string): ClientLedger {
    this.sweep();
    let ledger = this.clients.get(clientId);
    if (!ledger) {
      ledger = new ClientLedger();
      this.clients.set(clientId, ledger);
      this.limit();
    }
    ledger.tabs++;
    return ledger;
  }

  detach(ledger: ClientLedger): void {
    ledger.tabs = Math.max(0, ledger.tabs - 1);
    if (ledger.tabs === 0) ledger.leftAt = this.now();
    this.sweep();
  }

  private sweep(): void {
    const now = this.now();
    for (const [clientId, ledger] of this.clients) {
      if (ledger.tabs === 0 && now - ledger.leftAt > LEDGER_KEEP_MS) this.clients.delete(clientId);
    }
  }

  private limit(): void {
    while (this.clients.size > LEDGER_MAX_CLIENTS) {
      let oldest: [string, ClientLedger] | undefined;
      for (const entry of this.clients) {
        if (entry[1].tabs === 0 && (!oldest || entry[1].leftAt < oldest[1].leftAt)) oldest = entry;
      }
      // Every kept tab is connected: MAX clients bounds that already (the bridge's maxClients is lower).
      if (!oldest) return;
      this.clients.delete(oldest[0]);
    }
  }
}
