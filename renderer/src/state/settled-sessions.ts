/**
 * Sessions whose settings need not open by themselves: this page has seen them running, or a workspace
 * brought them back configured (a restart). A session that never ran still needs its address and port
 * typed, so its settings open; once it is settled, the log gets the room.
 */
const settled = new Set<string>();

export function settleSession(sessionId: string): void {
  settled.add(sessionId);
}

export function isSettled(sessionId: string): boolean {
  return settled.has(sessionId);
}
