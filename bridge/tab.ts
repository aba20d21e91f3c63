// One browser tab on the bridge: its WebSocket, its own EventStream of batches, and the commands it sends,
// each checked against the wire contract and bounded (MAX_PENDING_COMMANDS, the buffered bytes) so one tab
// cannot flood the engine or the bridge.
import { WebSocket, type RawData } from 'ws';
import { formatIssues } from '../shared/contract';
import {
  AckMessage,
  CommandMessage,
  fromWireText,
  HelloMessage,
  MAX_PENDING_COMMANDS,
  toWireText,
} from '../shared/contract/wire';
import type { Result } from '../shared/result';
import type { Engine } from '../engine/engine';
import { EventStream } from '../stream/event-stream';
import type { ClientLedger, ReplyLedger } from './reply-ledger';

type Reply = { type: 'reply'; id: number; result: Result<unknown> };

/**
 * A browser tab's budget of unacknowledged batches. Over a WebSocket a reply travels behind every batch byte
 * sent before it, and Chromium takes in no more of a socket than the page has consumed: with fewer batches out,
 * a command's answer (and the record of what it did) waits behind less. The page still gets a batch per
 * interval while it keeps up; one that falls behind is handed the newest records, told how many it skipped.
 */
export const TAB_MAX_UNACKED = 2;

export interface TabOptions {
  engine: Engine;
  /** Unsent data past this disconnects the tab with close code 1013 (see BridgeOptions.maxBufferedBytes). */
  maxBufferedBytes: number;
  log: (line: string) => void;
  /** Answers kept per tab across reconnects, for tabs that say who they are (HelloMessage). */
  ledger: ReplyLedger;
  /** Called once, when the tab's WebSocket has closed. */
  onClose: (tab: Tab) => void;
}

function idOf(raw: unknown): number {
  if (raw === null || typeof raw !== 'object') return -1;
  const id = (raw as Record<string, unknown>).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : -1;
}

export class Tab {
  private readonly stream: EventStream;
  private pending = 0;
  private client: ClientLedger | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: TabOptions,
  ) {
    this.stream = new EventStream(options.engine, (bytes) => this.sendBatch(bytes), { maxUnacked: TAB_MAX_UNACKED });
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(data, isBinary);
      } catch (err) {
        options.log(
          `A message from a browser tab could not be handled: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    });
    // ws reports protocol violations (oversized or malformed frames) here, then closes with the right code.
    ws.on('error', () => {});
    ws.on('close', () => {
      this.stream.close();
      if (this.client) options.ledger.detach(this.client);
      options.onClose(this);
    });
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  /** Resolves once the WebSocket is closed (at once if it already is). */
  closed(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.ws.once('close', () => resolve()));
  }

  terminate(): void {
    this.ws.terminate();
  }

  private send(message: Reply): void {
    const { ws } = this;
    if (ws.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = toWireText(message);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      text = toWireText({
        type: 'reply',
        id: message.id,
        result: { ok: false, error: { code: 'E_INTERNAL', message: `The answer could not be encoded: ${why}` } },
      });
    }
    ws.send(text);
    this.client?.sent(message.id, text.length);
    // Batches are held back by the acknowledgements, replies are not: MAX_PENDING_COMMANDS bounds the commands
    // waiting for the engine, not the answers waiting for a tab that never reads them. This is the bound.
    if (ws.bufferedAmount > this.options.maxBufferedBytes) {
      this.options.log('Disconnected a browser tab that fell too far behind the data; reloading it resumes.');
      ws.close(1013, 'This tab fell too far behind the data; reload to resume.');
    }
  }

  /** One batch as one binary frame; the stream sends no more than TAB_MAX_UNACKED unacknowledged ones. */
  private sendBatch(bytes: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(bytes, { binary: true });
  }

  private replyError(id: number, code: string, message: string): void {
    this.send({ type: 'reply', id, result: { ok: false, error: { code, message } } });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.replyError(-1, 'E_VALIDATION', 'Messages must be JSON text, not binary.');
      return;
    }
    const text = (
      Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)
    ).toString('utf8');
    let raw: unknown;
    try {
      raw = fromWireText(text);
    } catch {
      this.replyError(-1, 'E_VALIDATION', 'The message is not valid JSON.');
      return;
    }
    const isObject = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
    if (isObject && (raw as Record<string, unknown>).type === 'ack') {
      const ack = AckMessage.safeParse(raw);
      if (!ack.success) {
        this.replyError(-1, 'E_VALIDATION', `The message is not an acknowledgement: ${formatIssues(ack.error)}`);
        return;
      }
      this.stream.ack(ack.data.batchId);
      return;
    }
    if (isObject && (raw as Record<string, unknown>).type === 'hello') {
      const hello = HelloMessage.safeParse(raw);
      if (!hello.success) {
        this.replyError(-1, 'E_VALIDATION', `The message is not a hello: ${formatIssues(hello.error)}`);
        return;
      }
      if (this.client) this.options.ledger.detach(this.client);
      this.client = this.options.ledger.attach(hello.data.clientId);
      return;
    }
    // JSON has no undefined, so `execute(undefined)` arrives with no command at all; the router, not the
    // envelope, must judge it, or the same bad command would get other words here than over IPC.
    const withoutCommand = isObject && !Object.hasOwn(raw as object, 'command');
    const envelope = CommandMessage.safeParse(
      withoutCommand ? { ...(raw as Record<string, unknown>), command: undefined } : raw,
    );
    if (!envelope.success) {
      this.replyError(
        idOf(raw),
        'E_VALIDATION',
        `The message is not a command envelope: ${formatIssues(envelope.error)}`,
      );
      return;
    }
    const { id, command } = envelope.data;
    if (this.pending >= MAX_PENDING_COMMANDS) {
      this.replyError(
        id,
        'E_TOO_MANY',
        `Too many commands are waiting for an answer (at most ${MAX_PENDING_COMMANDS}); wait for replies before sending more.`,
      );
      return;
    }
    this.pending++;
    const run = () =>
      this.options.engine.execute(command).catch((err: unknown): Result<unknown> => ({
        ok: false,
        error: {
          code: 'E_INTERNAL',
          message: `Sockpit hit an internal error: ${err instanceof Error ? err.message : String(err)}`,
        },
      }));
    // A tab that said who it is may ask again for an answer it lost with its connection: it gets the first one.
    const answer = this.client ? this.client.answer(id, run) : run();
    void answer.then((result) => {
      this.pending--;
      this.send({ type: 'reply', id, result });
    });
  }
}
