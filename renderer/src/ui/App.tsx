import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { SessionInfo } from '../../../shared/contract';
import { useT } from '../i18n';
import { formatBytes } from '../log/format';
import { createSession, duplicateSession, removeSession, renameSession, showSession } from '../state/actions';
import { useApp, type Language, type ThemeChoice } from '../state/store';
import { SelectField } from './controls';
import { ConfirmRemove } from './ConfirmRemove';
import { exactCounters } from './exact-counts';
import { isRunning, SessionPane } from './SessionPane';
import { WorkspaceBar } from '../workspace/WorkspaceBar';
import { WorkspaceMenu } from '../workspace/WorkspaceMenu';
import { sessionEndpoint } from './PaneHeader';

function useTheme(): void {
  const theme = useApp((state) => state.theme);
  const language = useApp((state) => state.language);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && media.matches);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
}

export function App() {
  useTheme();
  const t = useT();
  const link = useApp((state) => state.link);
  const linkKind = useApp((state) => state.linkKind);
  const linkError = useApp((state) => state.linkError);
  return (
    <div className="app" data-app-state={link === 'open' ? 'loaded' : 'loading'}>
      <Header />
      <WorkspaceBar />
      {linkKind === 'bridge' && link !== 'open' && (
        <div className="banner" role="status">
          {link === 'connecting' ? t('linkConnecting') : t('linkClosed')}
        </div>
      )}
      {linkError && (
        <div className="banner error" role="alert">
          {linkError}
        </div>
      )}
      <div className="body">
        <Sidebar />
        <Workspace />
      </div>
    </div>
  );
}

function Header() {
  const t = useT();
  const language = useApp((state) => state.language);
  const theme = useApp((state) => state.theme);
  const panes = useApp((state) => state.panes.length);
  const setPaneCount = (count: number) =>
    useApp.setState((state) => {
      const next = state.panes.slice(0, count);
      // Added panes start empty: "New session" or a click in the list fills them, and nothing moves by itself.
      while (next.length < count) next.push(null);
      return { panes: next, paneSizes: next.map(() => 1), activePane: Math.min(state.activePane, count - 1) };
    });
  return (
    <header className="header">
      <h1>
        <span className="logo" aria-hidden="true">
          ⇄
        </span>{' '}
        {t('appName')}
      </h1>
      <button type="button" className="primary" onClick={() => void createSession('tcp-server')}>
        {t('newSession')}
      </button>
      <WorkspaceMenu />
      <span className="spacer" />
      <SelectField
        label={t('panes')}
        value={String(panes)}
        options={['1', '2', '3', '4'].map((value) => ({ value, label: t('layoutPanes', { n: value }) }))}
        onChange={(value) => setPaneCount(Number(value))}
      />
      <SelectField<Language>
        label={t('language')}
        value={language}
        options={[
          { value: 'en', label: 'English' },
          { value: 'zh-CN', label: '简体中文' },
        ]}
        onChange={(value) => useApp.setState({ language: value })}
      />
      <SelectField<ThemeChoice>
        label={t('theme')}
        value={theme}
        options={(['system', 'light', 'dark'] as const).map((value) => ({ value, label: t(`theme.${value}`) }))}
        onChange={(value) => useApp.setState({ theme: value })}
      />
    </header>
  );
}

/** Drawn, not a font glyph: the fonts on a Linux box may lack the symbol. */
function Icon({ path }: { path: string }) {
  return (
    <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false">
      <path d={path} fill="currentColor" />
    </svg>
  );
}

function SessionItem({ session }: { session: SessionInfo }) {
  const t = useT();
  const stats = useApp((state) => state.stats[session.sessionId]);
  const shown = useApp((state) => state.panes.includes(session.sessionId));
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [name, setName] = useState(session.name);
  const endpoint = sessionEndpoint(session);
  const finish = (save: boolean) => {
    setEditing(false);
    if (save && name.trim() && name.trim() !== session.name) void renameSession(session.sessionId, name);
    else setName(session.name);
  };
  return (
    <li className={`session-item${shown ? ' shown' : ''}`}>
      {editing ? (
        <input
          className="rename"
          aria-label={t('renameSession', { name: session.name })}
          value={name}
          autoFocus
          onChange={(event) => setName(event.target.value)}
          onBlur={() => finish(true)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') finish(true);
            if (event.key === 'Escape') finish(false);
          }}
        />
      ) : (
        <button
          type="button"
          className="session-open"
          aria-label={t('showInPane', { name: session.name })}
          title={exactCounters(t, stats?.counters, session.config.kind)}
          onClick={() => showSession(session.sessionId)}
        >
          <span
            className={`dot ${isRunning(session) ? 'on' : session.state === 'failed' ? 'failed' : 'off'}`}
            aria-hidden="true"
          />
          <span className="session-name">{session.name}</span>
          <span className="session-meta">
            {t(`kind.${session.config.kind}`)} · {endpoint}
          </span>
          <span className="session-meta">
            {t(`state.${session.state}`)} · {t('rx')} {formatBytes(stats?.counters.bytesIn ?? 0)} · {t('tx')}{' '}
            {formatBytes(stats?.counters.bytesOut ?? 0)}
          </span>
        </button>
      )}
      <span className="session-actions">
        <button
          type="button"
          className="icon"
          title={t('rename')}
          aria-label={`${t('rename')} ${session.name}`}
          onClick={() => {
            setName(session.name);
            setEditing(true);
          }}
        >
          <Icon path="M3 17.25V21h3.75L17.8 9.94l-3.75-3.75L3 17.25zM20.7 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z" />
        </button>
        <button
          type="button"
          className="icon"
          title={t('duplicate')}
          aria-label={`${t('duplicate')} ${session.name}`}
          onClick={() => void duplicateSession(session.sessionId)}
        >
          <Icon path="M16 1H4a2 2 0 0 0-2 2v14h2V3h12V1zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11v14z" />
        </button>
        <button
          type="button"
          className="icon"
          title={t('remove')}
          aria-label={`${t('remove')} ${session.name}`}
          onClick={() => (isRunning(session) ? setConfirming(true) : void removeSession(session.sessionId))}
        >
          <Icon path="M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z" />
        </button>
      </span>
      {confirming && (
        <ConfirmRemove
          session={session}
          onCancel={() => setConfirming(false)}
          onRemove={() => {
            setConfirming(false);
            void removeSession(session.sessionId);
          }}
        />
      )}
    </li>
  );
}

function Sidebar() {
  const t = useT();
  const order = useApp((state) => state.order);
  const sessions = useApp((state) => state.sessions);
  return (
    <nav className="sidebar" aria-label={t('sessions')}>
      <h2>{t('sessions')}</h2>
      {order.length === 0 && <p className="muted">{t('noSessions')}</p>}
      <ul>{order.map((id) => sessions[id] && <SessionItem key={id} session={sessions[id]} />)}</ul>
    </nav>
  );
}

function Tabs() {
  const t = useT();
  const order = useApp((state) => state.order);
  const sessions = useApp((state) => state.sessions);
  const panes = useApp((state) => state.panes);
  const activePane = useApp((state) => state.activePane);
  if (order.length === 0) return null;
  return (
    <div className="tabs" role="tablist" aria-label={t('sessions')}>
      {order.map((id) => {
        const session = sessions[id];
        if (!session) return null;
        return (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={panes[activePane] === id}
            className={panes.includes(id) ? 'tab shown' : 'tab'}
            onClick={() => showSession(id)}
          >
            <span className={`dot ${isRunning(session) ? 'on' : 'off'}`} aria-hidden="true" /> {session.name}
          </button>
        );
      })}
    </div>
  );
}

/** The narrowest a pane gets by dragging (styles.css `.pane-slot` agrees): every control still fits. */
const PANE_MIN_PX = 240;
/** How far an arrow key moves the border between two panes. */
const KEY_STEP_PX = 24;

function Workspace() {
  const t = useT();
  const panes = useApp((state) => state.panes);
  const sizes = useApp((state) => state.paneSizes);
  const container = useRef<HTMLDivElement>(null);

  /** Moves the border between pane `index` and the next by `px`, stopping where either reaches PANE_MIN_PX. */
  const moveBorder = (index: number, initial: number[], px: number) => {
    const element = container.current;
    if (!element) return;
    const width = element.getBoundingClientRect().width;
    const total = initial.reduce((a, b) => a + b, 0);
    const pair = initial[index] + initial[index + 1];
    const least = Math.min(pair / 2, (PANE_MIN_PX / width) * total);
    const left = Math.min(Math.max(initial[index] + (px / width) * total, least), pair - least);
    const next = initial.slice();
    next[index] = left;
    next[index + 1] = pair - left;
    useApp.setState({ paneSizes: next });
  };

  const startResize = (index: number) => (event: ReactPointerEvent<HTMLDivElement>) => {
    if (!container.current) return;
    event.preventDefault();
    const startX = event.clientX;
    const initial = useApp.getState().paneSizes.slice();
    const move = (moveEvent: PointerEvent) => moveBorder(index, initial, moveEvent.clientX - startX);
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  return (
    <main className="workspace">
      <Tabs />
      <div className="panes" ref={container}>
        {panes.map((sessionId, index) => (
          <div key={index} className="pane-slot" style={{ flexGrow: sizes[index] ?? 1 }}>
            {index > 0 && (
              <div
                className="resizer"
                role="separator"
                aria-orientation="vertical"
                aria-label={t('resizePanes')}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(
                  ((sizes[index - 1] ?? 1) / ((sizes[index - 1] ?? 1) + (sizes[index] ?? 1))) * 100,
                )}
                tabIndex={0}
                onPointerDown={startResize(index - 1)}
                onKeyDown={(event) => {
                  const step = event.key === 'ArrowLeft' ? -KEY_STEP_PX : event.key === 'ArrowRight' ? KEY_STEP_PX : 0;
                  if (step === 0) return;
                  event.preventDefault();
                  moveBorder(index - 1, useApp.getState().paneSizes.slice(), step);
                }}
              />
            )}
            {sessionId ? (
              <SessionPane sessionId={sessionId} paneIndex={index} />
            ) : (
              <div className="pane empty" onMouseDown={() => useApp.setState({ activePane: index })}>
                <p className="muted">{t('emptyPane')}</p>
              </div>
            )}
          </div>
        ))}
      </div>
    </main>
  );
}
