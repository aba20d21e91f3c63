import { framedViews } from '../framing/framed-log';
import {
  hostError,
  type CaptureFileInfo,
  type CommandInput,
  type CommandType,
  type CommandValues,
  type SessionInfo,
  type SessionKind,
} from '../../../shared/contract';
import { parseHex } from '../../../shared/codec/hex';
import { hexDigitsOnly } from '../../../shared/codec/send-fields';
import type { Result, SockpitError } from '../../../shared/result';
import type { EngineLink } from '../link';
import { failWith, keyedError } from '../../../shared/errors/word';
import { errorSentence } from '../error-words';
import { translate } from '../i18n';
import { autoNameNumber } from './session-names';
import { configFromDraft, draftFromConfig } from './config';
import { connectionStore } from './connections';
import { fullRecords } from './full-records';
import { dropLogTools } from './log-tools';
import { logStore } from './log';
import { rememberSent } from '../presets/store';
import { missingConnectionLines } from '../workspace/connection-lines';
import {
  clearStaleError,
  defaultView,
  setStatus,
  updateView,
  useApp,
  type AppState,
  type SendDraft,
  type SessionView,
} from './store';
import { attachScheduleLink, fieldsFromDraft, noteSendMade, scheduleDraft, startRepeat } from './send-schedule';

let link: EngineLink | undefined;

/** Every command from the UI goes through this link (IPC in Electron, the bridge's WebSocket in a browser). */
export function attachLink(connected: EngineLink): void {
  link = connected;
  attachScheduleLink(connected);
}

export async function run<T extends CommandType>(
  command: Extract<CommandInput, { type: T }>,
): Promise<Result<CommandValues[T]>> {
  if (!link) return failWith('E_LINK', 'link-missing');
  try {
    return await link.execute<T>(command);
  } catch (err) {
    return failWith('E_LINK', 'link-no-answer', { detail: String((err as Error)?.message ?? err) });
  }
}

/** "TCP server 2", in the interface's language: the first number no other session's name uses. */
function autoName(kind: SessionKind, except?: string): string {
  const state = useApp.getState();
  const taken = new Set(
    Object.values(state.sessions)
      .filter((s) => s.sessionId !== except)
      .map((s) => s.name),
  );
  const kindName = translate(state.language, `kind.${kind}`);
  for (let n = 1; ; n++) {
    const name = `${kindName} ${n}`;
    if (!taken.has(name)) return name;
  }
}

/** A session with its view, both still present (a remove from another tab may have raced us). */
function lookup(sessionId: string): { state: AppState; session: SessionInfo; view: SessionView } | undefined {
  const state = useApp.getState();
  const session = state.sessions[sessionId];
  const view = state.views[sessionId];
  return session && view ? { state, session, view } : undefined;
}

/** Add a session we learned about (our own create, another tab's, or a snapshot) to the store. */
export function adoptSession(info: SessionInfo, view?: SessionView): void {
  useApp.setState((state) => {
    const known = state.sessions[info.sessionId];
    // Our own create passes the view it wants; its session.added event may have arrived first and made a plain one.
    const nextView = view ??
      state.views[info.sessionId] ?? {
        ...defaultView(info.config.kind),
        draft: draftFromConfig(info.config),
        // A session another tab or an earlier run made keeps following the language while its name is the app's.
        autoName: autoNameNumber(info.name, info.config.kind) !== undefined,
      };
    return {
      sessions: { ...state.sessions, [info.sessionId]: info },
      order: known ? state.order : [...state.order, info.sessionId],
      views: { ...state.views, [info.sessionId]: nextView },
    };
  });
}

/** Show a session in a pane: an empty one first, else the active pane; `newPane` may add a split (up to four). */
export function showSession(sessionId: string, options: { newPane?: boolean } = {}): void {
  useApp.setState((state) => {
    const already = state.panes.indexOf(sessionId);
    if (already >= 0) return { activePane: already };
    const panes = [...state.panes];
    let paneSizes = state.paneSizes;
    let target = panes.indexOf(null);
    if (target < 0 && options.newPane && panes.length < 4) {
      panes.push(null);
      paneSizes = panes.map(() => 1);
      target = panes.length - 1;
    }
    if (target < 0) target = state.activePane;
    panes[target] = sessionId;
    return { panes, paneSizes, activePane: target };
  });
}

export async function createSession(
  kind: SessionKind = 'tcp-server',
  placement: { pane?: number } = {},
): Promise<string | undefined> {
  const view = defaultView(kind);
  const config = configFromDraft(view.draft);
  if (!config.ok) return undefined;
  const created = await run({ type: 'session.create', config: config.value, name: autoName(kind) });
  if (!created.ok) {
    reportGlobal(created.error);
    return undefined;
  }
  adoptSession(created.value, view);
  if (placement.pane !== undefined) {
    useApp.setState((state) => {
      const panes = [...state.panes];
      panes[placement.pane!] = created.value.sessionId;
      return { panes, activePane: placement.pane };
    });
  } else {
    showSession(created.value.sessionId);
  }
  return created.value.sessionId;
}

/** The engine cannot turn a server into a client; an idle session changes kind by being replaced in place. */
export async function changeKind(sessionId: string, kind: SessionKind): Promise<void> {
  const found = lookup(sessionId);
  if (!found || found.session.config.kind === kind) return;
  const { state, session, view } = found;
  const pane = state.panes.indexOf(sessionId);
  const name = view.autoName ? autoName(kind, sessionId) : session.name;
  const fresh = defaultView(kind, { receiveEncoding: view.receiveEncoding, sendEncoding: view.send.encoding });
  const config = configFromDraft(fresh.draft);
  if (!config.ok) return;
  const created = await run({ type: 'session.create', config: config.value, name });
  if (!created.ok) {
    setStatus(sessionId, 'error', created.error);
    return;
  }
  adoptSession(created.value, { ...fresh, autoName: view.autoName });
  useApp.setState((s) => ({
    panes: s.panes.map((id) => (id === sessionId ? created.value.sessionId : id)),
    activePane: pane >= 0 ? pane : s.activePane,
  }));
  await removeSession(sessionId);
}

export async function startSession(sessionId: string): Promise<void> {
  const found = lookup(sessionId);
  if (!found) return;
  const { view } = found;
  const config = configFromDraft(view.draft);
  if (!config.ok) {
    setStatus(sessionId, 'error', config.error, 'start');
    return;
  }
  setStatus(sessionId, 'info', undefined);
  const updated = await run({ type: 'session.update', sessionId, config: config.value });
  if (!updated.ok) {
    setStatus(sessionId, 'error', updated.error, 'start');
    return;
  }
  const started = await run({ type: 'session.start', sessionId });
  if (!started.ok) setStatus(sessionId, 'error', started.error, 'start');
}

export async function stopSession(sessionId: string): Promise<void> {
  const stopped = await run({ type: 'session.stop', sessionId });
  if (!stopped.ok) setStatus(sessionId, 'error', stopped.error);
}

export async function removeSession(sessionId: string): Promise<void> {
  const removed = await run({ type: 'session.remove', sessionId });
  if (!removed.ok && removed.error.code !== 'E_NOT_FOUND') setStatus(sessionId, 'error', removed.error);
  else forgetSession(sessionId);
}

export function forgetSession(sessionId: string): void {
  useApp.setState((state) => {
    if (!state.sessions[sessionId]) return {};
    const { [sessionId]: _gone, ...sessions } = state.sessions;
    const { [sessionId]: _view, ...views } = state.views;
    const { [sessionId]: _stats, ...stats } = state.stats;
    return {
      sessions,
      views,
      stats,
      order: state.order.filter((id) => id !== sessionId),
      panes: state.panes.map((id) => (id === sessionId ? null : id)),
    };
  });
  logStore.drop(sessionId);
  connectionStore.drop(sessionId);
  dropLogTools(sessionId);
  framedViews.drop(sessionId);
}

export async function renameSession(sessionId: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (!trimmed) return;
  updateView(sessionId, () => ({ autoName: false }));
  const renamed = await run({ type: 'session.rename', sessionId, name: trimmed });
  if (!renamed.ok) setStatus(sessionId, 'error', renamed.error);
}

export async function duplicateSession(sessionId: string): Promise<void> {
  const found = lookup(sessionId);
  if (!found) return;
  const { session, view } = found;
  const config = configFromDraft(view.draft);
  const created = await run({
    type: 'session.create',
    config: config.ok ? config.value : session.config,
    name: autoName(session.config.kind),
  });
  if (!created.ok) {
    setStatus(sessionId, 'error', created.error);
    return;
  }
  adoptSession(created.value, { ...view, selected: [], status: undefined, paused: false, autoName: true });
  showSession(created.value.sessionId);
}

/** A hex message is checked where it is typed; this is the same check, with the position. */
export function hexProblem(text: string): SockpitError | undefined {
  const parsed = parseHex(hexDigitsOnly(text));
  return parsed.ok ? undefined : parsed.error;
}

type SendTarget = Extract<CommandInput, { type: 'send' }>['target'];

/** Where the send box's choice points right now, or why it points nowhere. */
export function sendTarget(found: {
  state: AppState;
  session: SessionInfo;
  view: SessionView;
}): SendTarget | { error: SockpitError } {
  const { session, view } = found;
  const sessionId = session.sessionId;
  const choice = view.send.target;
  if (session.config.kind === 'tcp-server') {
    if (choice !== 'selected') return { to: 'all' };
    const open = new Set(connectionStore.of(sessionId).open());
    const chosen = view.selected.filter((id) => open.has(id));
    if (chosen.length === 0) {
      return { error: keyedError('E_NO_TARGET', 'no-client-selected') };
    }
    return { to: 'connections', connectionIds: chosen };
  }
  if (session.config.kind !== 'udp') return undefined;
  if (choice === 'last-sender') {
    const seq = logStore.log(sessionId).lastRxSeq;
    if (seq > 0) return { to: 'reply', seq };
    return { error: keyedError('E_NO_TARGET', 'no-sender-yet') };
  }
  // The remote fields stay editable while bound: a UDP socket can talk to anyone at any time.
  const host = view.draft.remoteHost.trim();
  const portText = view.draft.remotePort.trim();
  if (!host || !portText) {
    return { error: keyedError('E_NO_TARGET', 'remote-empty') };
  }
  const problem = hostError(host);
  if (problem) return { error: problem };
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return { error: keyedError('E_VALIDATION', 'remote-port-text', { text: portText }) };
  return { to: 'peer', host, port };
}

export async function halfClose(sessionId: string, connectionIds: Array<string | undefined>): Promise<void> {
  for (const connectionId of connectionIds) {
    const result = await run({ type: 'connection.halfClose', sessionId, connectionId });
    if (!result.ok) {
      setStatus(sessionId, 'error', result.error);
      return;
    }
  }
}

type SendPayloadInput = Extract<CommandInput, { type: 'send' }>['payload'];
/** The box's draft, or a preset: a draft without its target, maybe with send-time field settings of its own. */
type KeptSend = Omit<SendDraft, 'target'> & { fields?: SendPayloadInput['fields'] };

/** The send box as a payload, with the counter settings of the send area. */
function sendPayloadOf(send: KeptSend, sessionId: string): SendPayloadInput {
  return {
    mode: send.mode,
    data: send.text,
    encoding: send.encoding,
    escapes: send.escapes,
    lineEnding: send.lineEnding,
    checksum: send.checksum,
    // A preset keeps the field settings it was saved with; the box uses the send area's.
    fields: send.fields ?? fieldsFromDraft(scheduleDraft(sessionId)),
  };
}

/** What the send box would send, wherever it goes (the preview needs no target). */
export function currentPayload(sessionId: string): SendPayloadInput | undefined {
  const found = lookup(sessionId);
  return found ? sendPayloadOf(found.view.send, sessionId) : undefined;
}

/** What the send box would send, and where, for a sequence step or a sequence run. */
export function currentSend(
  sessionId: string,
): { payload: SendPayloadInput; target: SendTarget } | { error: SockpitError } | undefined {
  const found = lookup(sessionId);
  if (!found) return undefined;
  const target = sendTarget(found);
  if (target && 'error' in target) return target;
  return { payload: sendPayloadOf(found.view.send, sessionId), target };
}

/**
 * Sends what the send box holds, or `message` (a preset) with the box's target. Only what the box itself
 * sends goes into the history, and only the box's own message can repeat.
 */
export async function sendMessage(sessionId: string, message?: KeptSend): Promise<boolean> {
  const found = lookup(sessionId);
  if (!found) return false;
  const { view } = found;
  const send: SendDraft & KeptSend = message ? { ...view.send, ...message, target: view.send.target } : view.send;
  if (send.mode === 'hex') {
    const problem = hexProblem(send.text);
    if (problem) {
      setStatus(sessionId, 'error', problem, 'send');
      return false;
    }
  }
  const target = sendTarget(found);
  if (target && 'error' in target) {
    setStatus(sessionId, 'error', target.error, 'send');
    return false;
  }
  const payload = sendPayloadOf(send, sessionId);
  if (!message && scheduleDraft(sessionId).repeat) {
    const started = await startRepeat(sessionId, payload, target);
    if (started.ok) clearStaleError(sessionId, 'send');
    else setStatus(sessionId, 'error', started.error, 'send');
    if (started.ok) rememberSent(sessionId, send);
    return started.ok;
  }
  const result = await run({ type: 'send', sessionId, payload, target });
  if (!result.ok) {
    setStatus(sessionId, 'error', result.error, 'send');
    return false;
  }
  noteSendMade(sessionId);
  if (!message) rememberSent(sessionId, send);
  const failed = result.value.failed ?? [];
  if (failed.length > 0) setStatus(sessionId, 'error', failed[0].error, 'send');
  else clearStaleError(sessionId, 'send');
  return true;
}

export async function disconnect(sessionId: string, connectionIds: string[] | undefined, reset = false): Promise<void> {
  const result = await run({ type: 'connection.close', sessionId, connectionIds, reset });
  if (!result.ok) setStatus(sessionId, 'error', result.error);
  else {
    // Ten thousand selected and closed: a Set keeps this one pass, not ten thousand.
    const closed = connectionIds ? new Set(connectionIds) : undefined;
    updateView(sessionId, (view) => ({ selected: closed ? view.selected.filter((id) => !closed.has(id)) : [] }));
  }
}

/** The client list forgets the closed clients; their rows stay in the log and the capture. */
export function clearClosed(sessionId: string): void {
  connectionStore.of(sessionId).clearClosed();
  connectionStore.changed(sessionId);
}

/** Pause view: frozen at once, in the click's own task, so rows arriving after it never show. */
export function setPaused(sessionId: string, paused: boolean): void {
  logStore.freeze(sessionId, paused);
  updateView(sessionId, () => ({ paused }));
}

export async function clearLog(sessionId: string): Promise<void> {
  logStore.clear(sessionId);
  const result = await run({ type: 'capture.clear', sessionId });
  if (!result.ok) setStatus(sessionId, 'error', result.error);
}

export async function resetCounters(sessionId: string): Promise<void> {
  const result = await run({ type: 'stats.reset', sessionId });
  if (result.ok) useApp.setState((state) => ({ stats: { ...state.stats, [sessionId]: result.value } }));
}

export async function joinMulticast(sessionId: string, group: string, action: 'join' | 'leave'): Promise<void> {
  const result = await run({ type: 'udp.multicast', sessionId, action, group });
  if (!result.ok) setStatus(sessionId, 'error', result.error);
}

export async function loadInterfaces(): Promise<void> {
  const result = await run({ type: 'net.interfaces' });
  if (result.ok) useApp.setState({ interfaces: result.value });
}

/**
 * The whole of one record, for a row that holds only the start a batch carried. Kept beside the log,
 * a few at a time: the capture store is where long records live.
 */
export async function loadFullRecord(sessionId: string, seq: number): Promise<void> {
  if (fullRecords.get(sessionId, seq) !== undefined) return;
  fullRecords.set(sessionId, seq, 'loading');
  const result = await run({ type: 'capture.read', sessionId, fromSeq: seq, limit: 1 });
  const record = result.ok ? result.value.records[0] : undefined;
  fullRecords.set(sessionId, seq, record && record.seq === seq ? record.bytes : 'gone');
  if (!result.ok) setStatus(sessionId, 'error', result.error);
}

export async function startCaptureFile(sessionId: string): Promise<void> {
  const found = lookup(sessionId);
  if (!found) return;
  const { captureFile } = found.view;
  const path = captureFile.path.trim();
  if (!path) {
    setStatus(sessionId, 'error', keyedError('E_VALIDATION', 'capture-path-empty'));
    return;
  }
  const result = await run({
    type: 'capture.file.start',
    sessionId,
    path,
    format: captureFile.format,
    append: captureFile.append,
  });
  if (!result.ok) setStatus(sessionId, 'error', result.error);
  else {
    setStatus(sessionId, 'info', undefined);
    adoptCaptureFile(sessionId, result.value);
  }
}

export async function stopCaptureFile(sessionId: string): Promise<void> {
  const result = await run({ type: 'capture.file.stop', sessionId });
  if (!result.ok) setStatus(sessionId, 'error', result.error);
  else adoptCaptureFile(sessionId, result.value);
}

/** A command's answer is news before the next stats report: show it at once. */
function adoptCaptureFile(sessionId: string, info: CaptureFileInfo): void {
  useApp.setState((state) => {
    const session = state.sessions[sessionId];
    if (!session) return {};
    const stats = state.stats[sessionId];
    return {
      sessions: { ...state.sessions, [sessionId]: { ...session, captureFile: info } },
      stats: stats ? { ...state.stats, [sessionId]: { ...stats, captureFile: info } } : state.stats,
    };
  });
}

function reportGlobal(error: SockpitError): void {
  useApp.setState({ linkError: errorSentence(error) });
}

/** How many records a reconnecting tab reads back per session: the newest, like a terminal's scrollback. */
const SNAPSHOT_RECORDS = 2000;
/**
 * The payload a reconnecting tab reads back per session. Without it a snapshot of a flooded session was 2000 records
 * of up to 64 KiB, a reply of over 100 MB that put the tab past the bridge's buffer limit again at every reconnect.
 */
const SNAPSHOT_BYTES = 512 * 1024;

/**
 * A tab that opens (or reopens after losing the bridge) rebuilds everything from the engine with
 * ordinary commands: sessions, their connections and counters, and the newest captured records.
 */
export async function resync(): Promise<void> {
  const listed = await run({ type: 'session.list' });
  if (!listed.ok) return;
  const alive = new Set(listed.value.map((s) => s.sessionId));
  for (const id of useApp.getState().order) if (!alive.has(id)) forgetSession(id);
  for (const info of listed.value) {
    adoptSession(info);
    const stats = await run({ type: 'stats.get', sessionId: info.sessionId });
    if (!stats.ok) continue;
    connectionStore.of(info.sessionId).replaceAll(stats.value.connections);
    connectionStore.changed(info.sessionId);
    useApp.setState((state) => ({ stats: { ...state.stats, [info.sessionId]: { ...stats.value, connections: [] } } }));
    const fromSeq = Math.max(stats.value.capture.firstSeq, stats.value.capture.lastSeq - SNAPSHOT_RECORDS + 1, 0);
    const records = await run({
      type: 'capture.read',
      sessionId: info.sessionId,
      fromSeq,
      limit: SNAPSHOT_RECORDS,
      tailBytes: SNAPSHOT_BYTES,
    });
    const lines = await missingConnectionLines(info.sessionId, info.config.kind);
    if (records.ok) logStore.replaceWithSnapshot(info.sessionId, records.value.records, lines);
  }
  const state = useApp.getState();
  if (state.panes.every((id) => id === null) && state.order.length > 0) {
    useApp.setState({
      panes: state.order.slice(0, Math.min(2, state.order.length)),
      paneSizes: state.order.slice(0, 2).map(() => 1),
      activePane: 0,
    });
  }
}

/** The one way other state modules (auto-reply rules) give the engine a command. */
export const runCommand = run;
