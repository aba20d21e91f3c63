// A received message as framing hands it on: what auto-reply rules (and anything else that reads
// messages rather than reads) listen to. Engine-internal; it never crosses a process boundary.

export interface RxMessage {
  sessionId: string;
  /** The TCP connection it arrived on; null for UDP. */
  connectionId: string | null;
  /** Who sent it: host:port, IPv6 in brackets. */
  peer: string;
  bytes: Uint8Array;
  /** Time of its first byte: wall clock and monotonic, in microseconds. */
  wallUs: number;
  monoUs: number;
  /** Set when framing found the message malformed (a wrong CRC, an impossible length). */
  bad?: string;
  /** The capture records its bytes came from. */
  firstSeq: number;
  lastSeq: number;
}
