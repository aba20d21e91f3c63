// The answers the bridge gave (or is working out) per browser tab, by the tab's own command id, kept across
// reconnects. A tab whose connection dropped before an answer arrived asks again with the same id after it
// reconnects, and gets the first run's answer: a command is carried out once, however often it is asked.
import type { Result } from '../shared/result';

/** How long a disconnected tab's answers are kept; the tab asks again well within this (RESEND_WITHIN_MS). */
export const LEDGER_KEEP_MS = 60_000;
/** Tabs whose answers are kept at once; past it the one that left longest ago is forgotten. */
export const LEDGER_MAX_CLIENTS = 64;
/** Finished answers kept per tab, in count and in bytes of their wire text; the oldest go first. */
export const LEDGER_MAX_ANSWERS = 4096;
export const LEDGER_MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/**
 * Ids of commands whose answers were let go, per tab: asked again, they are said to have been carried out
 * rather than run a second time.
 */
export const LEDGER_MAX_FORGOTTEN = 65_536;

interface Entry {
  answer: Promise<Result<unknown>>;
  /** Size of the answer's wire text once it was sent; -1 while the command runs (it is never let go then). */
  bytes: number;
}

const FORGOTTEN: Result<unknown> = {
  ok: false,
  error: {
    code: 'E_ANSWER_NOT_KEPT',
    message: 'This command was carried out, but its answer was too big or too old to be kept for asking again.',
    hint: 'Look at the log and the session to see what it did; do not send it again unless it is missing.',
  },
};

export class ClientLedger {
  private readonly entries = new Map<number, Entry>();
  private readonly forgotten = new Set<number>();
  private bytes = 0;
  tabs = 0;
  leftAt = 0;

  /** Command `id`'s answer: the one already given or under way, or a new run of `run`. */
  answer(id: number, run: () => Promise<Result<unknown>>): Promise<Result<unknown>> {
    const known = this.entries.get(id);
    if (known) return known.answer;
    if (this.forgotten.has(id)) return Promise.resolve(FORGOTTEN);
    const entry: Entry = { answer: run(), bytes: -1 };
    this.entries.set(id, entry);
    return entry.answer;
  }

  /** The answer to `id` went out as `bytes` of text: from now on it counts against the limits. */
  sent(id: number, bytes: number): void {
    const entry = this.entries.get(id);
    if (!entry || entry.bytes >= 0) return;
    entry.bytes = bytes;
    this.bytes += bytes;
    for (const [oldId, old] of this.entries) {
      if (this.entries.size <= LEDGER_MAX_ANSWERS && this.bytes <= LEDGER_MAX_ANSWER_BYTES) break;
      if (old.bytes < 0) continue;
      this.entries.delete(oldId);
      this.bytes -= old.bytes;
      this.forgotten.add(oldId);
    }
    for (const oldId of this.forgotten) {
      if (this.forgotten.size <= LEDGER_MAX_FORGOTTEN) break;
      this.forgotten.delete(oldId);
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
