import path from 'node:path';
import type { SessionInfo } from '../../shared/contract';
import { Engine } from '../../engine/engine';
import { startBridge } from '../../bridge/server';
import { rssBytes, serve } from './ipc';

// The browser face as `npm run web` runs it — the engine and the real bridge (HTTP + WebSocket, batches,
// acknowledgements) in one plain Node process — bundled like the rest of the benchmark children so the
// measured RSS is the engine's and the bridge's, not a TypeScript compiler's. Sessions are set up from
// here; everything measured goes through the page.

const engine = new Engine();
const rendererDir = process.env.SOCKPIT_RENDERER_DIR ?? path.resolve(process.cwd(), 'out', 'renderer');
const started = startBridge({
  engine,
  rendererDir,
  host: '127.0.0.1',
  port: 0,
  log: (line) => process.stderr.write(`bridge: ${line}\n`),
});

async function unwrap<T>(pending: Promise<unknown>): Promise<T> {
  const result = (await pending) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

serve({
  url: async () => (await started).url,
  async create(args: { config: Record<string, unknown>; name?: string }): Promise<SessionInfo> {
    const created = await unwrap<SessionInfo>(
      engine.execute({ type: 'session.create', config: args.config, ...(args.name ? { name: args.name } : {}) }),
    );
    return unwrap<SessionInfo>(engine.execute({ type: 'session.start', sessionId: created.sessionId }));
  },
  /** Every session's name and exact counters, for checking what the page shows against the engine. */
  async counters() {
    const sessions = await unwrap<SessionInfo[]>(engine.execute({ type: 'session.list' }));
    return Promise.all(
      sessions.map(async (session) => {
        const stats = await unwrap<{
          counters: { bytesIn: number; packetsIn: number };
          capture: { bytes: number; capBytes: number; evictedBytes: number };
        }>(engine.execute({ type: 'stats.get', sessionId: session.sessionId }));
        return { name: session.name, kind: session.config.kind, counters: stats.counters, capture: stats.capture };
      }),
    );
  },
  resources() {
    const usage = process.resourceUsage();
    const memory = process.memoryUsage();
    return {
      rssBytes: rssBytes(),
      maxRssBytes: usage.maxRSS * 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      arrayBuffersBytes: memory.arrayBuffers,
    };
  },
});

started.catch((err: unknown) => {
  process.stderr.write(`the bridge did not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
