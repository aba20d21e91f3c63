import { z } from 'zod';
import { fail, ok, type Result } from '../result';
import { Command, type CommandType } from './commands';
import type {
  CaptureFileInfo,
  CaptureRecord,
  ConnectionInfo,
  NetworkInterfaceAddress,
  SendResult,
  SessionInfo,
  SessionStats,
} from './events';

export * from './commands';
export * from './events';
export * from './sessions';
export * from './framing';
export { hostProblem, MAX_SEND_INPUT_CHARS } from './fields';

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
}
export type CommandResult<T extends CommandType> = Result<CommandValues[T]>;

function issuePath(path: PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/**
 * Validate anything that arrived from outside (IPC, WebSocket, CLI flags) against the contract.
 * The message names the field and says what is wrong in words, e.g. "config.port: The port must be at most 65535."
 */
export function parseCommand(raw: unknown): Result<Command> {
  const parsed = Command.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  return fail('E_VALIDATION', formatIssues(parsed.error), { hint: 'Nothing was sent and no socket was touched.' });
}

export function formatIssues(error: z.ZodError): string {
  const lines = error.issues.slice(0, 5).map((issue) => {
    const where = issuePath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  if (error.issues.length > 5) lines.push(`…and ${error.issues.length - 5} more problems.`);
  return lines.join(' ');
}
