/** Chromium's `navigator.scheduling.isInputPending`, typed here because the DOM library does not declare it yet. */
interface InputScheduling {
  isInputPending?: (options?: { includeContinuous?: boolean }) => boolean;
}

/** True while a click, key or wheel is waiting for the main thread (where the browser can tell; elsewhere never). */
export function inputPending(): boolean {
  const scheduling = (globalThis as { navigator?: { scheduling?: InputScheduling } }).navigator?.scheduling;
  try {
    return scheduling?.isInputPending?.() ?? false;
  } catch {
    return false;
  }
}

/** The part of a MessageChannel this uses (typed here: the page's and Node's declarations differ). */
interface Channel {
  port1: { onmessage: ((event: unknown) => void) | null };
  port2: { postMessage(message: unknown): void };
}

/** How long one slice of queued messages may run before the page gets a turn to handle input and paint. */
export const SLICE_MS = 8;

/**
 * Runs the link's incoming messages (batches and replies) in the order they came, in slices between tasks:
 * a slice stops as soon as input is waiting or `SLICE_MS` has passed, and the rest runs in a task queued after
 * it, so a click that lands during a flood is handled before the next batch is applied, not after all of
 * them. Nothing is dropped or reordered; a batch is acknowledged only once it has run, so the engine's stream
 * holds back (and later skips, saying how many) while the page is busy.
 */
export class InboundQueue {
  private readonly jobs: Array<() => void> = [];
  private head = 0;
  private scheduled = false;
  private running = false;
  private readonly channel: Channel | undefined;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly busy: () => boolean = inputPending,
  ) {
    // A message to oneself is the quickest way to yield: setTimeout(0) is clamped to 4 ms once nested.
    this.channel = typeof MessageChannel === 'function' ? (new MessageChannel() as unknown as Channel) : undefined;
    if (this.channel) this.channel.port1.onmessage = () => this.drain();
  }

  get length(): number {
    return this.jobs.length - this.head;
  }

  /** Runs `job` now if nothing is waiting and no input is, else after what is queued. */
  push(job: () => void): void {
    this.jobs.push(job);
    if (this.scheduled || this.running) return;
    if (this.length === 1 && !this.busy()) this.drain();
    else this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.channel) this.channel.port2.postMessage(null);
    else setTimeout(() => this.drain(), 0);
  }

  private drain(): void {
    this.scheduled = false;
    if (this.running) return;
    this.running = true;
    const started = this.now();
    while (this.head < this.jobs.length) {
      const job = this.jobs[this.head]!;
      this.jobs[this.head++] = undefined as unknown as () => void;
      try {
        job();
      } catch (err) {
        console.error('Sockpit: handling a message from the engine failed', err);
      }
      if (this.head < this.jobs.length && (this.busy() || this.now() - started >= SLICE_MS)) break;
    }
    this.running = false;
    if (this.head >= this.jobs.length) {
      this.jobs.length = 0;
      this.head = 0;
    } else {
      this.schedule();
    }
  }
}
