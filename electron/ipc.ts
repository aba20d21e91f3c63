import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { AckMessage, IPC_CHANNELS } from '../shared/contract/wire';
import { fail, type Result } from '../shared/result';
import { APP_ORIGIN, originOf } from './window';

// The one place the desktop renderer reaches the engine. Structural types stand in for Electron's
// ipcMain and frames, so the sender and schema checks are tested in plain Node with fake events.

export interface FrameLike {
  readonly url: string;
}

/** The part of an IpcMainInvokeEvent the sender check reads. */
export interface SenderEventLike {
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike<E> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: E, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: E, ...args: unknown[]) => void): unknown;
}

/** `Engine.execute`: the validated router the browser bridge uses too. */
export interface CommandRouter {
  execute(raw: unknown): Promise<Result<unknown>>;
}

export interface RegisterIpcOptions<E> {
  ipcMain: IpcMainLike<E>;
  engine: CommandRouter;
  /** Decides before anything else runs; false answers E_SENDER and the command is never looked at. */
  isTrustedSender: (event: E) => boolean;
  /** The window's batch stream: the renderer consumed batch `batchId` (and all before it). */
  ack: (batchId: number) => void;
}

/**
 * Any frame can in principle send IPC — an iframe, a popup, a page the window was navigated to — so a
 * command counts only when it comes from our window's main frame while that frame shows our bundle
 * (checklist #17, CVE-2022-29247). `senderFrame` is null once the frame navigated away or died.
 */
export function isTrustedSenderFrame(event: SenderEventLike, mainFrame: FrameLike | null | undefined): boolean {
  try {
    const frame = event.senderFrame;
    if (!frame || !mainFrame || frame !== mainFrame) return false;
    return originOf(frame.url) === APP_ORIGIN;
  } catch {
    // Electron's getters throw on a destroyed frame; a frame we cannot inspect is not trusted.
    return false;
  }
}

/** Registers the execute and ack channels; the returned function removes them again. */
export function registerIpc<E = IpcMainInvokeEvent | IpcMainEvent>({
  ipcMain,
  engine,
  isTrustedSender,
  ack,
}: RegisterIpcOptions<E>): () => void {
  const trusted = (event: E): boolean => {
    try {
      return isTrustedSender(event);
    } catch {
      return false;
    }
  };
  ipcMain.handle(IPC_CHANNELS.execute, async (event: E, raw: unknown): Promise<Result<unknown>> => {
    if (!trusted(event)) {
      return fail('E_SENDER', 'This request did not come from the Sockpit window, so it was ignored.');
    }
    // Electron passes only a thrown error's message to the renderer; an envelope always arrives whole.
    try {
      return await engine.execute(raw);
    } catch (err) {
      return fail('E_INTERNAL', `Sockpit hit an internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  // Fire-and-forget from the renderer: nothing to answer, so anything untrusted or malformed is ignored.
  // An acknowledgement from another frame would let the stream send to a renderer that is not reading.
  const onAck = (event: E, raw: unknown): void => {
    if (!trusted(event)) return;
    const batchId = AckMessage.shape.batchId.safeParse(raw);
    if (batchId.success) ack(batchId.data);
  };
  ipcMain.on(IPC_CHANNELS.ack, onAck);
  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.execute);
    ipcMain.removeListener(IPC_CHANNELS.ack, onAck);
  };
}
