import type { ChildMessage, CpuTime, ParentMessage } from '../lib/protocol';

// The child side of bench/lib/children.ts: answer the runner's calls, tell it about what happened.

type Handler = (args: never) => unknown;

export function notify(event: string, data?: unknown): void {
  const message: ChildMessage = { kind: 'notice', event, data };
  process.send?.(message);
}

export function serve(handlers: Record<string, Handler>): void {
  process.on('message', async (raw) => {
    const { id, op, args } = raw as ParentMessage;
    let reply: ChildMessage;
    try {
      const handler = handlers[op];
      if (!handler) throw new Error(`no operation "${op}"`);
      reply = { kind: 'reply', id, ok: true, value: await (handler as (a: unknown) => unknown)(args) };
    } catch (err) {
      reply = { kind: 'reply', id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    process.send?.(reply);
  });
  // The runner went away (finished, crashed, Ctrl+C): nothing is left to measure for.
  process.on('disconnect', () => process.exit(0));
  notify('ready');
}

export function cpuSince(start: NodeJS.CpuUsage): CpuTime {
  const used = process.cpuUsage(start);
  return { userMs: used.user / 1000, systemMs: used.system / 1000 };
}

export function rssBytes(): number {
  return process.memoryUsage.rss();
}
