import { z } from 'zod';
import type { Result } from '../result';
import type { CommandInput, CommandType } from './commands';
import type { DecodedBatch } from './batch';
import type { CommandResult } from './index';

export { IPC_CHANNELS, PRELOAD_API_KEYS } from './ipc';

// How a user interface talks to the engine it does not share a process with: the renderer in
// Electron (over IPC, where structured clone carries bytes as they are) and the renderer in a browser
// (over the bridge's WebSocket, where replies are JSON text with bytes as base64, and batches are binary).
// Both faces run every command through the same validated router, `Engine.execute`.

/** Most commands a client may have waiting for an answer at once; more is a client in a loop. */
export const MAX_PENDING_COMMANDS = 256;
/**
 * The bridge closes a WebSocket that sends a bigger message (code 1009), so the browser client checks
 * first and answers E_TOO_LARGE instead; Electron's IPC has no such limit below the send box's own.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

/** Renderer → engine: one command, answered by a reply with the same id. */
export const CommandMessage = z.strictObject({
  type: z.literal('command'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** Validated by the router, not here, so every face rejects bad commands with the same words. */
  command: z.unknown(),
});

/** Renderer → engine: batch `batchId` (and every one before it) is consumed; the stream may send more. */
export const AckMessage = z.strictObject({
  type: z.literal('ack'),
  batchId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

/**
 * Renderer → bridge, first on every connection: which tab this is (a random id per page load). The bridge then
 * keeps its answers by command id across reconnects, so a command the tab asks again after a reconnect, with
 * the same id, gets the answer of its one run instead of running twice.
 */
export const HelloMessage = z.strictObject({
  type: z.literal('hello'),
  clientId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'A client id is 16 to 64 letters, digits, _ or -.'),
});

/** A tab asks again for answers lost with its connection only this long; the bridge keeps them longer. */
export const RESEND_WITHIN_MS = 30_000;

export const ClientMessage = z.discriminatedUnion('type', [CommandMessage, AckMessage, HelloMessage]);
export type ClientMessage = z.infer<typeof ClientMessage>;

const WireResult = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }).loose() }),
]);

/**
 * Bridge → renderer, as WebSocket text: command replies. Events and records travel as binary batches
 * (`shared/contract/batch.ts`), one per flush, each acknowledged with an AckMessage.
 */
export const ReplyMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), id: z.number().int(), result: WireResult }),
]);
export type ReplyMessage = z.infer<typeof ReplyMessage>;

/**
 * What the renderer needs from the process that runs the engine: the preload's `window.sockpit` in Electron,
 * the WebSocket client in a browser. Named functions only — never a raw channel.
 */
export interface EngineApi {
  execute<T extends CommandType>(command: Extract<CommandInput, { type: T }>): Promise<CommandResult<T>>;
  /**
   * Batches arrive checked and in order. Listeners run synchronously; once they return, the link
   * acknowledges the batch, so a renderer that is busy receives less instead of queueing more.
   */
  onBatch(listener: (batch: DecodedBatch) => void): () => void;
}

/**
 * What the Electron preload puts on `window.sockpit`: raw batch bytes in, acknowledgements out.
 * The renderer wraps it into a EngineApi (decoding and checking each batch, then acknowledging).
 */
export interface PreloadApi {
  execute: EngineApi['execute'];
  onBatch(listener: (bytes: Uint8Array) => void): () => void;
  ack(batchId: number): void;
  platform: string;
}

/** The link state a renderer shows: a browser tab can lose its bridge and get it back. */
export type LinkState = 'connecting' | 'open' | 'closed';

export type AnyResult = Result<unknown>;

// JSON cannot carry bytes, so a Uint8Array crosses the WebSocket as {"$b64": "..."}.
const BYTES_TAG = '$b64';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_INDEX[BASE64.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let line = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    line += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + BASE64[(n >> 6) & 63] + BASE64[n & 63];
    // Joining parts keeps string building linear for multi-MiB captures.
    if (line.length >= 8192) {
      parts.push(line);
      line = '';
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    line += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    line += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + BASE64[(n >> 6) & 63] + '=';
  }
  parts.push(line);
  return parts.join('');
}

export function base64ToBytes(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = i + 2 < text.length - padding ? sextet(text, i + 2) : 0;
    const d = i + 3 < text.length - padding ? sextet(text, i + 3) : 0;
    if (a < 0 || b < 0 || c < 0 || d < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? BASE64_INDEX[code] : -1;
}

/** JSON text for the WebSocket, with every Uint8Array tagged as base64. */
export function toWireText(value: unknown): string {
  // The holder's own property, not `item`: a Node Buffer has already been through its toJSON() by then.
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
    const original = this[key];
    return original instanceof Uint8Array ? { [BYTES_TAG]: bytesToBase64(original) } : item;
  });
}

/** The inverse of `toWireText`; throws only on text that is not JSON. */
export function fromWireText(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const tagged = (item as Record<string, unknown>)[BYTES_TAG];
      if (typeof tagged === 'string' && Object.keys(item).length === 1) return base64ToBytes(tagged) ?? item;
    }
    return item;
  });
}
