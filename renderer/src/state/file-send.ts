import { create } from 'zustand';
import {
  DEFAULT_UDP_DATAGRAM_BYTES,
  FILE_PUSH_CHUNK_BYTES,
  type FileSendInfo,
  type SendTarget,
} from '../../../shared/contract';
import type { SockpitError } from '../../../shared/result';
import { run, sendTarget } from './actions';
import { setStatus, useApp } from './store';

// "Send file…": the page reads the picked File itself (a browser page cannot name a path) and pushes it
// to the engine in parts, sending the next only once the engine answered the last, so the page's pace
// is the socket's. The same code runs in Electron and behind the bridge.

export interface FileSendView {
  /** The job while it runs and after it ended, until the next file. */
  job?: FileSendInfo;
  /** Reading the File failed in the page itself. */
  readError?: { name: string; reason: string };
  /** UDP options, as typed. */
  datagramBytes: string;
  pauseMs: string;
}

const EMPTY: FileSendView = { datagramBytes: String(DEFAULT_UDP_DATAGRAM_BYTES), pauseMs: '0' };

export const useFileSends = create<Record<string, FileSendView>>(() => ({}));

export function fileSendView(sessionId: string): FileSendView {
  return useFileSends.getState()[sessionId] ?? EMPTY;
}

export function updateFileSend(sessionId: string, change: Partial<FileSendView>): void {
  useFileSends.setState((state) => ({ [sessionId]: { ...(state[sessionId] ?? EMPTY), ...change } }));
}

/** Progress and end events from the engine (any window's job on this session shows). */
export function applyFileSendEvent(job: FileSendInfo): void {
  const current = fileSendView(job.sessionId).job;
  // A late progress report must not undo the end.
  if (current?.jobId === job.jobId && current.state !== 'sending' && job.state === 'sending') return;
  updateFileSend(job.sessionId, { job, readError: undefined });
}

/** Bytes as base64 without one string per byte: 32 KiB at a time through String.fromCharCode. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}

/** A whole number as typed, or a problem in words (the engine judges the range). */
function whole(text: string, what: string): number | SockpitError {
  if (/^\s*\d+\s*$/.test(text)) return Number(text);
  return { code: 'E_VALIDATION', message: `${what} must be a whole number, not "${text}".` };
}

export async function sendFile(sessionId: string, file: File): Promise<void> {
  const state = useApp.getState();
  const session = state.sessions[sessionId];
  const view = state.views[sessionId];
  if (!session || !view) return;
  const target = sendTarget({ state, session, view });
  if (target && 'error' in target) {
    setStatus(sessionId, 'error', target.error);
    return;
  }
  const options = fileSendView(sessionId);
  const udp = session.config.kind === 'udp';
  const chunkBytes = whole(options.datagramBytes, 'The datagram size');
  const pauseMs = whole(options.pauseMs, 'The pause between datagrams');
  for (const value of [chunkBytes, pauseMs]) {
    if (udp && typeof value !== 'number') {
      setStatus(sessionId, 'error', value);
      return;
    }
  }
  const started = await run({
    type: 'file.send.start',
    sessionId,
    source: { kind: 'push', name: file.name, size: file.size },
    ...(target ? { target: target as SendTarget } : {}),
    ...(udp && typeof chunkBytes === 'number' && typeof pauseMs === 'number' ? { chunkBytes, pauseMs } : {}),
  });
  if (!started.ok) {
    setStatus(sessionId, 'error', started.error);
    return;
  }
  setStatus(sessionId, 'info', undefined);
  applyFileSendEvent(started.value);
  const { jobId } = started.value;
  for (let offset = 0; offset < file.size;) {
    if (fileSendView(sessionId).job?.state !== 'sending') return;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.slice(offset, offset + FILE_PUSH_CHUNK_BYTES).arrayBuffer());
    } catch (err) {
      const reason = (err as Error)?.message ?? String(err);
      updateFileSend(sessionId, { readError: { name: file.name, reason } });
      await run({ type: 'file.send.cancel', sessionId, jobId });
      return;
    }
    const taken = await run({ type: 'file.send.chunk', sessionId, jobId, offset, data: toBase64(bytes) });
    if (!taken.ok) {
      // A cancel or an end the engine reported already says why; anything else is shown here.
      if (fileSendView(sessionId).job?.state === 'sending') reportPushFailure(sessionId, taken.error);
      return;
    }
    offset += bytes.byteLength;
  }
}

function reportPushFailure(sessionId: string, error: SockpitError): void {
  setStatus(sessionId, 'error', error);
}

export async function cancelFileSend(sessionId: string): Promise<void> {
  const job = fileSendView(sessionId).job;
  if (!job || job.state !== 'sending') return;
  const result = await run({ type: 'file.send.cancel', sessionId, jobId: job.jobId });
  if (result.ok) applyFileSendEvent(result.value);
  else setStatus(sessionId, 'error', result.error);
}
