import { SessionConfig, WORKSPACE_FORMAT, WORKSPACE_VERSION, type WorkspaceDocument } from '../../../shared/contract';

/**
 * Document number `n`: a few dozen kilobytes (so a kill can land in the middle of a write), every part derived
 * from `n`, so a file read back tells which save it came from.
 */
export function savedDocument(n: number): WorkspaceDocument {
  const sessions = Array.from({ length: 40 + (n % 40) }, (_, i) => ({
    id: `s${i + 1}`,
    name: `save ${n} session ${i + 1} ${'·'.repeat(120)}`,
    config: SessionConfig.parse({ kind: 'udp', host: '127.0.0.1', port: 20000 + ((n + i) % 1000) }),
    wasRunning: (n + i) % 3 === 0,
  }));
  return {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    savedAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    sessions,
    ui: { language: n % 2 === 0 ? 'en' : 'zh-CN', startRunningOnOpen: n % 5 === 0 },
  };
}

/** Which save a document is, or undefined when it is none of them. */
export function saveNumberOf(document: WorkspaceDocument): number | undefined {
  const match = /^save (\d+) /.exec(document.sessions[0]?.name ?? '');
  return match ? Number(match[1]) : undefined;
}
