import { useState, type KeyboardEvent } from 'react';
import { CHECKSUMS, ENCODINGS, LINE_ENDINGS, type Encoding } from '../../../shared/codec/options';
import { ENCODING_LABELS } from '../../../shared/codec/text';
import type { CaptureFileFormat, CaptureFileInfo, SessionInfo, SessionKind } from '../../../shared/contract';
import { ChartsArea, ChartsToggle } from '../charts/ChartsArea';
import { useT, type Translate } from '../i18n';
import { LogToolsBar } from '../log/LogToolsBar';
import { FramingControls } from '../framing/FramingControls';
import { LogView } from '../log/LogView';
import { DatagramCounters } from './DatagramCounters';
import { exactCounters } from './exact-counts';
import { formatBytes } from '../log/format';
import {
  changeKind,
  clearLog,
  halfClose,
  hexProblem,
  joinMulticast,
  resetCounters,
  sendMessage,
  setPaused,
  startCaptureFile,
  stopCaptureFile,
} from '../state/actions';
import {
  updateDraft,
  updateSend,
  updateView,
  useApp,
  type CaptureFileDraft,
  type SessionView,
  type SettingsDraft,
} from '../state/store';
import { recallKey } from '../presets/keys';
import { SavedMessages } from '../presets/SavedMessages';
import { ConnectionsTable } from './ConnectionsTable';
import { GreetingSetting } from './GreetingSetting';
import { SendPreviewRegion, SendSchedulePanel } from './SendSchedule';
import { RulesPanel } from './RulesPanel';
import { FileSendBox } from './FileSendBox';
import { PaneHeader } from './PaneHeader';
import { CheckField, SelectField, TextField, Toolbar } from './controls';
import { useWordError } from '../error-words';

const RUNNING = new Set(['starting', 'listening', 'connecting', 'connected', 'ready', 'reconnecting']);
const KINDS: SessionKind[] = ['tcp-server', 'tcp-client', 'udp'];
const ENCODING_OPTIONS = ENCODINGS.map((value) => ({ value, label: ENCODING_LABELS[value] }));

export function isRunning(session: SessionInfo): boolean {
  return RUNNING.has(session.state);
}

export function SessionPane({ sessionId, paneIndex }: { sessionId: string; paneIndex: number }) {
  const t = useT();
  const session = useApp((state) => state.sessions[sessionId]);
  const view = useApp((state) => state.views[sessionId]);
  const active = useApp((state) => state.activePane === paneIndex);
  // The log's less used controls, folded away only where the pane is narrow (styles.css).
  const [logMore, setLogMore] = useState(false);
  const [sendMore, setSendMore] = useState(false);
  if (!session || !view) return null;
  const kind = session.config.kind;
  return (
    <section
      className={`pane${active ? ' active' : ''}`}
      aria-label={session.name}
      onFocusCapture={() => useApp.setState({ activePane: paneIndex })}
      onMouseDown={() => useApp.setState({ activePane: paneIndex })}
    >
      <PaneHeader
        key={`header-${sessionId}`}
        session={session}
        view={view}
        t={t}
        settings={<SettingsBar session={session} view={view} t={t} />}
      />
      {kind === 'tcp-server' && <ConnectionsTable session={session} view={view} t={t} />}
      <LogToolbar session={session} view={view} t={t} more={logMore} onMore={() => setLogMore(!logMore)} />
      <ChartsArea sessionId={sessionId} />
      <div id={`log-more-${sessionId}`} className={`log-fold${logMore ? ' open' : ''}`}>
        <LogToolsBar session={session} view={view} />
      </div>
      <LogView key={sessionId} sessionId={sessionId} view={view} />
      <RulesPanel session={session} t={t} />
      <SendBox session={session} view={view} t={t} more={sendMore} onMore={() => setSendMore(!sendMore)} />
      <div className={`send-extra${sendMore ? ' open' : ''}`}>
        <SavedMessages sessionId={sessionId} paneIndex={paneIndex} t={t} />
      </div>
      <StatusLine session={session} view={view} t={t} />
    </section>
  );
}

function InterfaceList({ id }: { id: string }) {
  const interfaces = useApp((state) => state.interfaces);
  const t = useT();
  return (
    <datalist id={id}>
      <option value="0.0.0.0">{t('iface.allIpv4')}</option>
      <option value="::">{t('iface.allIpv6')}</option>
      {interfaces.map((entry) => (
        <option key={`${entry.iface}-${entry.address}`} value={entry.address}>
          {t(entry.internal ? 'iface.loopbackEntry' : 'iface.entry', { iface: entry.iface, family: entry.family })}
        </option>
      ))}
    </datalist>
  );
}

function SettingsBar({ session, view, t }: { session: SessionInfo; view: SessionView; t: Translate }) {
  const running = isRunning(session);
  const draft = view.draft;
  const set = (change: Partial<SettingsDraft>) => updateDraft(session.sessionId, change);
  const listId = `interfaces-${session.sessionId}`;
  const kind = session.config.kind;
  const [group, setGroup] = useState('');
  const field = view.status?.tone === 'error' ? (view.status.error as { field?: string }).field : undefined;
  return (
    <div className="settings">
      <InterfaceList id={listId} />
      <div className="settings-row">
        <SelectField
          label={t('sessionType')}
          value={kind}
          disabled={running}
          options={KINDS.map((value) => ({ value, label: t(`kind.${value}`) }))}
          onChange={(value) => void changeKind(session.sessionId, value)}
        />
        {kind === 'tcp-client' ? (
          <>
            <TextField
              label={t('remoteHost')}
              value={draft.remoteHost}
              disabled={running}
              invalid={field === 'remoteHost'}
              onChange={(v) => set({ remoteHost: v })}
            />
            <TextField
              label={t('remotePort')}
              value={draft.remotePort}
              disabled={running}
              inputMode="numeric"
              width="narrow"
              invalid={field === 'remotePort'}
              onChange={(v) => set({ remotePort: v })}
            />
          </>
        ) : (
          <>
            <TextField
              label={t('localAddress')}
              value={draft.localHost}
              disabled={running}
              list={listId}
              invalid={field === 'localHost'}
              onChange={(v) => set({ localHost: v })}
            />
            <TextField
              label={t('localPort')}
              value={draft.localPort}
              disabled={running}
              inputMode="numeric"
              width="narrow"
              invalid={field === 'localPort'}
              onChange={(v) => set({ localPort: v })}
            />
          </>
        )}
        {kind === 'udp' && (
          <>
            <TextField
              label={t('remoteHost')}
              value={draft.remoteHost}
              invalid={field === 'remoteHost'}
              onChange={(v) => set({ remoteHost: v })}
            />
            <TextField
              label={t('remotePort')}
              value={draft.remotePort}
              inputMode="numeric"
              width="narrow"
              invalid={field === 'remotePort'}
              onChange={(v) => set({ remotePort: v })}
            />
          </>
        )}
        {kind === 'tcp-client' && session.state === 'connected' && (
          <button
            type="button"
            title={t('halfCloseTitle')}
            onClick={() => void halfClose(session.sessionId, [undefined])}
          >
            {t('halfClose')}
          </button>
        )}
      </div>
      <details className="options">
        <summary>{t('options')}</summary>
        <div className="settings-row">
          {kind === 'tcp-server' && (
            <>
              <TextField
                label={t('maxClients')}
                value={draft.maxClients}
                disabled={running}
                inputMode="numeric"
                width="narrow"
                onChange={(v) => set({ maxClients: v })}
              />
              <TextField
                label={t('maxClientsPerIp')}
                value={draft.maxClientsPerIp}
                disabled={running}
                inputMode="numeric"
                width="narrow"
                invalid={field === 'maxClientsPerIp'}
                onChange={(v) => set({ maxClientsPerIp: v })}
              />
              <TextField
                label={t('idleTimeout')}
                value={draft.idleTimeoutSec}
                disabled={running}
                inputMode="numeric"
                width="narrow"
                onChange={(v) => set({ idleTimeoutSec: v })}
              />
              <CheckField
                label={t('halfOpen')}
                checked={draft.allowHalfOpen}
                disabled={running}
                onChange={(v) => set({ allowHalfOpen: v })}
              />
              <CheckField
                label={t('noDelay')}
                checked={draft.noDelay}
                disabled={running}
                onChange={(v) => set({ noDelay: v })}
              />
            </>
          )}
          {kind === 'tcp-client' && (
            <>
              <TextField
                label={t('localAddress')}
                value={draft.localHost}
                disabled={running}
                list={listId}
                onChange={(v) => set({ localHost: v })}
              />
              <TextField
                label={t('localPort')}
                value={draft.localPort}
                disabled={running}
                inputMode="numeric"
                width="narrow"
                onChange={(v) => set({ localPort: v })}
              />
              <TextField
                label={t('connectTimeout')}
                value={draft.connectTimeoutMs}
                disabled={running}
                inputMode="numeric"
                width="narrow"
                onChange={(v) => set({ connectTimeoutMs: v })}
              />
              <SelectField
                label={t('clientMode')}
                value={draft.clientMode}
                disabled={running}
                options={(['long', 'short'] as const).map((value) => ({ value, label: t(`clientMode.${value}`) }))}
                onChange={(v) => set({ clientMode: v })}
              />
              {draft.clientMode === 'short' && (
                <>
                  <TextField
                    label={t('shortIdle')}
                    value={draft.shortIdleMs}
                    disabled={running}
                    inputMode="numeric"
                    width="narrow"
                    invalid={field === 'shortIdleMs'}
                    onChange={(v) => set({ shortIdleMs: v })}
                  />
                  <TextField
                    label={t('shortTimeout')}
                    value={draft.shortTimeoutMs}
                    disabled={running}
                    inputMode="numeric"
                    width="narrow"
                    invalid={field === 'shortTimeoutMs'}
                    onChange={(v) => set({ shortTimeoutMs: v })}
                  />
                </>
              )}
              <CheckField
                label={t('autoReconnect')}
                checked={draft.reconnect}
                disabled={running}
                onChange={(v) => set({ reconnect: v })}
              />
              {draft.reconnect && (
                <TextField
                  label={t('reconnectInterval')}
                  value={draft.reconnectIntervalMs}
                  disabled={running}
                  inputMode="numeric"
                  width="narrow"
                  onChange={(v) => set({ reconnectIntervalMs: v })}
                />
              )}
              <CheckField
                label={t('keepAlive')}
                checked={draft.keepAlive}
                disabled={running}
                onChange={(v) => set({ keepAlive: v })}
              />
              <CheckField
                label={t('noDelay')}
                checked={draft.noDelay}
                disabled={running}
                onChange={(v) => set({ noDelay: v })}
              />
              <CheckField
                label={t('halfOpen')}
                checked={draft.allowHalfOpen}
                disabled={running}
                onChange={(v) => set({ allowHalfOpen: v })}
              />
            </>
          )}
          {kind === 'udp' && (
            <>
              <TextField
                label={t('ttl')}
                value={draft.ttl}
                disabled={running}
                inputMode="numeric"
                width="narrow"
                invalid={field === 'ttl'}
                onChange={(v) => set({ ttl: v })}
              />
              <TextField
                label={t('recvBuffer')}
                value={draft.recvBufferKiB}
                disabled={running}
                inputMode="numeric"
                width="narrow"
                invalid={field === 'recvBufferKiB'}
                onChange={(v) => set({ recvBufferKiB: v })}
              />
              {session.recvBufferBytes !== undefined && (
                <span className="muted">{t('recvBufferGranted', { size: formatBytes(session.recvBufferBytes) })}</span>
              )}
              <CheckField
                label={t('reuseAddr')}
                checked={draft.reuseAddr}
                disabled={running}
                onChange={(v) => set({ reuseAddr: v })}
              />
              <CheckField
                label={t('broadcast')}
                checked={draft.broadcast}
                disabled={running}
                onChange={(v) => set({ broadcast: v })}
              />
              <TextField
                label={t('multicastTtl')}
                value={draft.multicastTtl}
                disabled={running}
                inputMode="numeric"
                width="narrow"
                invalid={field === 'multicastTtl'}
                onChange={(v) => set({ multicastTtl: v })}
              />
              <CheckField
                label={t('multicastLoopback')}
                checked={draft.multicastLoopback}
                disabled={running}
                onChange={(v) => set({ multicastLoopback: v })}
              />
              <TextField label={t('multicastGroup')} value={group} onChange={setGroup} placeholder="239.1.2.3" />
              <button
                type="button"
                disabled={!running || !group}
                onClick={() => void joinMulticast(session.sessionId, group.trim(), 'join')}
              >
                {t('join')}
              </button>
              <button
                type="button"
                disabled={!running || !group}
                onClick={() => void joinMulticast(session.sessionId, group.trim(), 'leave')}
              >
                {t('leave')}
              </button>
              {session.multicastGroups && session.multicastGroups.length > 0 && (
                <span className="muted">{session.multicastGroups.join(', ')}</span>
              )}
            </>
          )}
        </div>
        <div className="settings-row">
          <CheckField label={t('echo')} checked={draft.echo} disabled={running} onChange={(v) => set({ echo: v })} />
          {draft.kind !== 'udp' && <GreetingSetting draft={draft} disabled={running} t={t} onChange={set} />}
          <TextField
            label={t('captureCap')}
            value={draft.captureCapMiB}
            disabled={running}
            inputMode="numeric"
            width="narrow"
            invalid={field === 'captureCapMiB'}
            onChange={(v) => set({ captureCapMiB: v })}
          />
        </div>
        <CaptureFileBox session={session} view={view} t={t} />
      </details>
    </div>
  );
}

/** The capture file the engine reports: the periodic counters are newest, the session's info covers a stopped one. */
function useCaptureFile(session: SessionInfo): CaptureFileInfo | undefined {
  const fromStats = useApp((state) => state.stats[session.sessionId]?.captureFile);
  return fromStats ?? session.captureFile;
}

function CaptureFileBox({ session, view, t }: { session: SessionInfo; view: SessionView; t: Translate }) {
  const info = useCaptureFile(session);
  const saving = info?.state === 'writing' || info?.state === 'disk-behind';
  const draft = view.captureFile;
  const set = (change: Partial<CaptureFileDraft>) =>
    updateView(session.sessionId, (current) => ({ captureFile: { ...current.captureFile, ...change } }));
  return (
    <div className="settings-row capture-file" role="group" aria-label={t('captureFile')}>
      <strong className="group-title">{t('captureFile')}</strong>
      <TextField
        label={t('captureFilePath')}
        value={draft.path}
        disabled={saving}
        width="wide"
        placeholder="/tmp/capture.bin"
        onChange={(v) => set({ path: v })}
      />
      <SelectField<CaptureFileFormat>
        label={t('captureFileFormat')}
        value={draft.format}
        disabled={saving}
        options={(['raw', 'records'] as const).map((value) => ({ value, label: t(`captureFileFormat.${value}`) }))}
        onChange={(v) => set({ format: v })}
      />
      <CheckField
        label={t('captureFileAppend')}
        checked={draft.append}
        disabled={saving}
        onChange={(v) => set({ append: v })}
      />
      {saving ? (
        <button type="button" onClick={() => void stopCaptureFile(session.sessionId)}>
          {t('stopCaptureFile')}
        </button>
      ) : (
        <button type="button" onClick={() => void startCaptureFile(session.sessionId)}>
          {t('startCaptureFile')}
        </button>
      )}
    </div>
  );
}

/** The capture file's state in words, where it stays visible while the options are folded away. */
function CaptureFileStatus({ session, t }: { session: SessionInfo; t: Translate }) {
  const info = useCaptureFile(session);
  const word = useWordError();
  if (!info) return null;
  const values = {
    path: info.path,
    written: formatBytes(info.bytesWritten),
    pending: formatBytes(info.pendingBytes),
    message: info.error ? word(info.error).message : info.note,
  };
  const key =
    info.state === 'disk-behind'
      ? session.config.kind === 'udp'
        ? 'captureFile.disk-behind.udp'
        : 'captureFile.disk-behind.tcp'
      : (`captureFile.${info.state}` as const);
  return (
    <div
      className={`capture-file-status ${info.state}`}
      role="note"
      aria-label={t('captureFileStatus')}
      data-state={info.state}
      data-bytes-written={info.bytesWritten}
      title={info.note}
    >
      {t(key, values)}
      {info.droppedRecords > 0 && (
        <> {t('captureFileDropped', { n: info.droppedRecords, size: formatBytes(info.droppedBytes) })}</>
      )}
    </div>
  );
}

function LogToolbar({
  session,
  view,
  t,
  more,
  onMore,
}: {
  session: SessionInfo;
  view: SessionView;
  t: Translate;
  more: boolean;
  onMore: () => void;
}) {
  const set = (change: Partial<SessionView>) => updateView(session.sessionId, () => change);
  return (
    <Toolbar label={t('log')}>
      <SelectField
        label={t('receiveEncoding')}
        value={view.receiveEncoding}
        options={ENCODING_OPTIONS}
        onChange={(value: Encoding) => set({ receiveEncoding: value })}
      />
      <SelectField
        label={t('view')}
        value={view.viewMode}
        options={(['text', 'hex', 'both'] as const).map((value) => ({ value, label: t(`view.${value}`) }))}
        onChange={(value) => set({ viewMode: value })}
      />
      <button
        type="button"
        aria-pressed={view.paused}
        className={view.paused ? 'pressed' : ''}
        onClick={() => setPaused(session.sessionId, !view.paused)}
      >
        {view.paused ? t('resumeView') : t('pauseView')}
      </button>
      <button type="button" onClick={() => void clearLog(session.sessionId)}>
        {t('clearLog')}
      </button>
      <span className={`log-fold${more ? ' open' : ''}`}>
        <FramingControls session={session} view={view} t={t} />
        <CheckField label={t('autoScroll')} checked={view.autoScroll} onChange={(v) => set({ autoScroll: v })} />
        <CheckField label={t('timestamps')} checked={view.timestamps} onChange={(v) => set({ timestamps: v })} />
        <ChartsToggle sessionId={session.sessionId} />
      </span>
      <button
        type="button"
        className="log-more"
        aria-expanded={more}
        aria-controls={`log-more-${session.sessionId}`}
        title={t('logMoreTitle')}
        onClick={onMore}
      >
        {t('sendMore')} {more ? '▴' : '▾'}
      </button>
    </Toolbar>
  );
}

function SendBox({
  session,
  view,
  t,
  more,
  onMore,
}: {
  session: SessionInfo;
  view: SessionView;
  t: Translate;
  more: boolean;
  onMore: () => void;
}) {
  const send = view.send;
  const set = (change: Partial<typeof send>) => updateSend(session.sessionId, change);
  const hexError = send.mode === 'hex' && send.text.trim() !== '' ? hexProblem(send.text) : undefined;
  const word = useWordError();
  const errorId = `hex-error-${session.sessionId}`;
  const submit = () => {
    if (!hexError) void sendMessage(session.sessionId);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (recallKey(event, session.sessionId)) return;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  };
  const kind = session.config.kind;
  const foldId = `send-more-${session.sessionId}`;
  return (
    <div className="send-box">
      <div className="send-options">
        <SelectField
          label={t('sendMode')}
          value={send.mode}
          options={(['text', 'hex'] as const).map((value) => ({ value, label: t(`mode.${value}`) }))}
          onChange={(value) => set({ mode: value })}
        />
        <span id={foldId} className={`send-fold${more ? ' open' : ''}`}>
          <SelectField
            label={t('sendEncoding')}
            value={send.encoding}
            disabled={send.mode === 'hex'}
            options={ENCODING_OPTIONS}
            onChange={(value: Encoding) => set({ encoding: value })}
          />
          <CheckField
            label={t('escapes')}
            checked={send.escapes}
            disabled={send.mode === 'hex'}
            onChange={(value) => set({ escapes: value })}
          />
          <SelectField
            label={t('lineEnding')}
            value={send.lineEnding}
            options={LINE_ENDINGS.map((value) => ({ value, label: t(`lineEnding.${value}`) }))}
            onChange={(value) => set({ lineEnding: value })}
          />
          <SelectField
            label={t('checksum')}
            value={send.checksum}
            options={CHECKSUMS.map((value) => ({ value, label: t(`checksum.${value}`) }))}
            onChange={(value) => set({ checksum: value })}
          />
        </span>
        {kind === 'udp' && (
          <SelectField
            label={t('sendTo')}
            value={send.target}
            options={[
              { value: 'remote' as const, label: t('sendToRemote') },
              { value: 'last-sender' as const, label: t('sendToLastSender') },
            ]}
            onChange={(value) => set({ target: value })}
          />
        )}
        {kind === 'tcp-server' && (
          <SelectField
            label={t('sendTo')}
            value={send.target}
            options={[
              { value: 'all' as const, label: t('allClients') },
              { value: 'selected' as const, label: t('selectedClients') },
            ]}
            onChange={(value) => set({ target: value })}
          />
        )}
        <button
          type="button"
          className="send-more"
          aria-expanded={more}
          aria-controls={foldId}
          title={t('sendMoreTitle')}
          onClick={onMore}
        >
          {t('sendMore')} {more ? '▴' : '▾'}
        </button>
        <button
          type="button"
          className="primary send-button"
          disabled={Boolean(hexError)}
          onClick={submit}
          title="Ctrl+Enter"
        >
          {t('send')}
        </button>
      </div>
      <div className="send-row">
        <span className="field message">
          <label htmlFor={`message-${session.sessionId}`}>{t('message')}</label>
          <textarea
            id={`message-${session.sessionId}`}
            value={send.text}
            rows={2}
            spellCheck={false}
            aria-invalid={hexError ? true : undefined}
            aria-describedby={hexError ? errorId : undefined}
            placeholder={send.mode === 'hex' ? '48 65 6C 6C 6F' : ''}
            onChange={(event) => set({ text: event.target.value })}
            onKeyDown={onKeyDown}
          />
        </span>
      </div>
      <div className={`send-extra${more ? ' open' : ''}`}>
        <SendPreviewRegion session={session} view={view} t={t} />
        <SendSchedulePanel session={session} t={t} />
        <FileSendBox session={session} t={t} />
      </div>
      {hexError && (
        <div id={errorId} className="field-error" role="alert">
          {t('hexError', { message: word(hexError).message })}
          {hexError.position !== undefined && <ErrorSpot text={send.text} position={hexError.position} />}
        </div>
      )}
    </div>
  );
}

/** The typed text around a problem, with the offending character marked, so it is found at a glance. */
function ErrorSpot({ text, position }: { text: string; position: number }) {
  const start = Math.max(0, position - 12);
  const char = text.slice(position, position + 1) || ' ';
  return (
    <code className="error-spot">
      {start > 0 ? '…' : ''}
      {text.slice(start, position)}
      <mark>{char}</mark>
      {text.slice(position + 1, position + 13)}
      {position + 13 < text.length ? '…' : ''}
    </code>
  );
}

function StatusLine({ session, view, t }: { session: SessionInfo; view: SessionView; t: Translate }) {
  const stats = useApp((state) => state.stats[session.sessionId]);
  const counters = stats?.counters;
  let summary: string = t(`state.${session.state}`);
  if (session.state === 'listening' && session.local)
    summary =
      session.config.kind === 'udp'
        ? t('boundTo', { address: session.local })
        : t('listeningOn', { address: session.local });
  if (session.state === 'connected')
    summary = t('connectedTo', { remote: session.remote ?? '', local: session.local ?? '' });
  const word = useWordError();
  const error = view.status?.tone === 'error' && view.status.error ? word(view.status.error) : undefined;
  return (
    <footer className="status-line">
      <div role="status" className={`state ${session.state}`}>
        {summary}
      </div>
      <div
        className="counters"
        role="group"
        aria-label={t('countersGroup')}
        data-bytes-in={counters?.bytesIn ?? 0}
        data-bytes-out={counters?.bytesOut ?? 0}
        title={exactCounters(t, counters, session.config.kind)}
      >
        {counters
          ? t('counters', {
              rx: formatBytes(counters.bytesIn),
              tx: formatBytes(counters.bytesOut),
              rateIn: formatBytes(Math.round(counters.rateIn)),
              rateOut: formatBytes(Math.round(counters.rateOut)),
            })
          : t('counters', { rx: '0 B', tx: '0 B', rateIn: '0 B', rateOut: '0 B' })}
        <button type="button" className="link" onClick={() => void resetCounters(session.sessionId)}>
          {t('resetCounters')}
        </button>
      </div>
      {session.config.kind === 'udp' && <DatagramCounters stats={stats} t={t} />}
      <CaptureFileStatus session={session} t={t} />
      {error && (
        <div role="alert" className="error">
          <strong>{error.message}</strong>
          {error.hint && (
            <span className="hint">
              {' '}
              {t('hint')}: {error.hint}
            </span>
          )}
        </div>
      )}
    </footer>
  );
}
