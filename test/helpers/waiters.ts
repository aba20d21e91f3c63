/**
 * Conditions a test waits for, re-checked whenever something arrives (a batch, a message, a close):
 * no polling interval to tune, and a timeout that says what never came.
 */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  /** Something arrived: re-check every condition still waited for. */
  wake(): void {
    for (const attempt of [...this.waiting]) attempt();
  }

  /** Resolves once `check` returns something other than undefined; rejects after `timeoutMs`. */
  until<T>(check: () => T | undefined, timeoutMs: number, what: string, progress: () => string = () => ''): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value === undefined) return;
        this.waiting.delete(attempt);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiting.delete(attempt);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${progress()}`));
      }, timeoutMs);
      this.waiting.add(attempt);
      attempt();
    });
  }
}
