// Results cross every boundary (IPC, WebSocket, CLI) as plain data: Electron passes only an error's
// message across IPC, so nothing here relies on a thrown error surviving the trip.

/** Codes of our own making start with `E_`; operating-system codes (EADDRINUSE, ECONNREFUSED, …) pass through. */
export type ErrorCode =
  | 'E_VALIDATION'
  | 'E_HEX'
  | 'E_ESCAPE'
  | 'E_ENCODING'
  | 'E_TOO_LARGE'
  | 'E_NOT_FOUND'
  | 'E_STATE'
  | 'E_NO_TARGET'
  | 'E_INTERNAL'
  | 'E_SENDER'
  | (string & {});

/** Plain values a catalog template puts into its words: names, numbers, addresses. */
export type ErrorParams = Record<string, string | number>;

export interface SockpitError {
  code: ErrorCode;
  /**
   * The catalog entry (shared/errors/catalog.ts) that words this error, e.g. "port-in-use"; with `params`
   * it lets a reader word the error in their own language. `message` and `hint` are its English words.
   */
  key?: string;
  params?: ErrorParams;
  /** One sentence a person can act on, e.g. "Nothing is listening on 127.0.0.1:7890." */
  message: string;
  /** What to try next, when we know. */
  hint?: string;
  /** Where in the user's input the problem is (hex and escape parsing), 0-based character offset. */
  position?: number;
  /** The operating system's own words and context, for people who want them. */
  syscall?: string;
  address?: string;
  port?: number;
  /** Every attempt of a multi-address connect (Node's AggregateError), one entry per address. */
  attempts?: Array<{ code: string; address?: string; port?: number; message: string }>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: SockpitError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(
  code: ErrorCode,
  message: string,
  extra: Omit<SockpitError, 'code' | 'message'> = {},
): Result<T> {
  return { ok: false, error: { code, message, ...extra } };
}
