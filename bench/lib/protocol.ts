// Messages between the benchmark runner and its child processes (over Node's IPC channel).

export interface ParentMessage {
  id: number;
  op: string;
  args?: unknown;
}

export type ChildMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  /** Sent unasked: `ready` once the child can take calls, then whatever the benchmark waits for. */
  | { kind: 'notice'; event: string; data: unknown };

/** CPU time a process spent, in milliseconds, from `process.cpuUsage()`. */
export interface CpuTime {
  userMs: number;
  systemMs: number;
}
