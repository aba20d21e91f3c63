import { z } from 'zod';
import { failWith } from '../errors/word';
import { ok, type Result, type SockpitError } from '../result';
import { Command, type CommandType } from './commands';
import { describeThrown, formatIssueList } from './issue-text';
import type { FileChunkAccepted, FileSendInfo } from './file-send';
import type {
  CaptureFileInfo,
  CaptureRecord,
  ConnectionEvent,
  ConnectionInfo,
  NetworkInterfaceAddress,
  SendResult,
  SessionInfo,
  SessionStats,
} from './events';
import type { SendJobInfo, SendPreview } from './send-jobs';
import type { RulesState, TryAnswer } from './rules';
import type { WorkspaceState } from './workspace';

export * from './commands';
export * from './events';
export * from './sessions';
export * from './framing';
export * from './send-payload';
export * from './send-jobs';
export * from './rules';
export * from './record-encoding';
export * from './presets';
export * from './file-send';
export * from './workspace';
export { hostError, hostProblem, MAX_SEND_INPUT_CHARS } from './fields';

/** What each command answers with when it succeeds. */
export interface CommandValues {
  'session.create': SessionInfo;
  'session.update': SessionInfo;
  'session.rename': SessionInfo;
  'session.framing': SessionInfo;
  'session.start': SessionInfo;
  'session.stop': SessionInfo;
  'session.remove': { sessionId: string };
  'session.list': SessionInfo[];
  send: SendResult;
  'connection.close': { closed: number };
  'connection.halfClose': { connectionId: string };
  'connection.list': ConnectionInfo[];
  'udp.multicast': { groups: string[] };
  'stats.get': SessionStats;
  'stats.reset': SessionStats;
  'capture.read': { records: CaptureRecord[]; nextSeq: number; firstSeq: number; evictedRecords: number };
  'capture.clear': { cleared: number };
  'capture.file.start': CaptureFileInfo;
  /** The file's final state: "closed" with everything flushed, or "error". */
  'capture.file.stop': CaptureFileInfo;
  'net.interfaces': NetworkInterfaceAddress[];
  'send.repeat': SendJobInfo;
  'send.sequence': SendJobInfo;
  'send.stop': { stopped: number };
  'send.jobs': SendJobInfo[];
  'send.preview': SendPreview;
  'rules.set': RulesState;
  'rules.get': RulesState;
  'rules.counters.reset': RulesState;
  /** Empty when no rule matches. */
  'rules.try': { answers: TryAnswer[] };
  'file.send.start': FileSendInfo;
  'file.send.chunk': FileChunkAccepted;
  /** The job's final info, state "cancelled" (or how it ended, if it ended first). */
  'file.send.cancel': FileSendInfo;
  /** Sessions it started, and those that failed to start with why. */
  'session.startAll': { started: string[]; failed: Array<{ sessionId: string; error: SockpitError }> };
  'workspace.get': WorkspaceState;
  /** `saved` false: this run keeps the workspace in memory only (no data folder). */
  'workspace.ui': { saved: boolean };
  'workspace.import': WorkspaceState;
  /** In the order they happened. */
  'connection.events': { events: ConnectionEvent[] };
}
export type CommandResult<T extends CommandType> = Result<CommandValues[T]>;

/**
 * Validate anything that arrived from outside (IPC, WebSocket, CLI flags) against the contract.
 * The message names the field and says what is wrong in words, e.g. "config.port: The port must be at most 65535."
 */
export function parseCommand(raw: unknown): Result<Command> {
  let parsed: ReturnType<typeof Command.safeParse>;
  try {
    parsed = Command.safeParse(raw);
  } catch (thrown) {
    // Only plain data crosses a boundary; an object whose getter or Proxy trap throws is refused in words.
    return failWith('E_VALIDATION', 'command-unreadable', { detail: describeThrown(thrown) });
  }
  if (parsed.success) return ok(parsed.data);
  return failWith('E_VALIDATION', 'command-invalid', { detail: formatIssues(parsed.error) });
}

/** Capped in length whatever the input was (see `formatIssueList`). */
export function formatIssues(error: z.ZodError): string {
  return formatIssueList(error.issues);
}
