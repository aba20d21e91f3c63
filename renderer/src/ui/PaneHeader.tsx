import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { SessionInfo } from '../../../shared/contract';
import type { Translate } from '../i18n';
import { startSession, stopSession } from '../state/actions';
import type { SessionView } from '../state/store';
import { isSettled, settleSession } from '../state/settled-sessions';
import { isRunning } from './SessionPane';

/** Where the session is or will be: the address a person would type into a peer. */
export function sessionEndpoint(session: SessionInfo): string {
  const { config } = session;
  return config.kind === 'tcp-client'
    ? (session.remote ?? `${config.host}:${config.port}`)
    : (session.local ?? `${config.host}:${config.port}`);
}

/**
 * One line per pane — kind · address · state, Start/Stop and a "Session settings" button — with the full
 * settings folded under it. Open, they push the log down rather than cover it, so nothing behind them is
 * out of reach; Escape folds them again.
 */
export function PaneHeader({
  session,
  view,
  t,
  settings,
}: {
  session: SessionInfo;
  view: SessionView;
  t: Translate;
  settings: ReactNode;
}) {
  const running = isRunning(session);
  if (running) settleSession(session.sessionId);
  const fieldError = view.status?.tone === 'error' && Boolean((view.status.error as { field?: string }).field);
  // Undefined until the person opens or closes them: then they stay as chosen until the next Start.
  const [choice, setChoice] = useState<boolean | undefined>();
  const open = choice ?? (!isSettled(session.sessionId) || session.state === 'failed' || fieldError);
  const drawerId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const drawer = useRef<HTMLDivElement>(null);
  const focusOnOpen = useRef(false);

  useEffect(() => {
    if (!open || !focusOnOpen.current) return;
    focusOnOpen.current = false;
    drawer.current?.querySelector<HTMLElement>('input:not(:disabled), select:not(:disabled), summary')?.focus();
  }, [open]);

  const close = () => {
    setChoice(false);
    toggle.current?.focus();
  };
  const start = () => {
    setChoice(undefined);
    void startSession(session.sessionId);
  };

  return (
    <>
      <div className="pane-header" role="group" aria-label={t('paneSummary')}>
        <span className="pane-title">
          <span className="pane-kind" title={t(`kind.${session.config.kind}`)}>
            {t(`kind.${session.config.kind}`)}
          </span>
          <span className="pane-sep">{' · '}</span>
          <span className="pane-address mono" title={sessionEndpoint(session)}>
            {sessionEndpoint(session)}
          </span>
          <span className="pane-sep">{' · '}</span>
          <span className={`pane-state ${session.state}`}>{t(`state.${session.state}`)}</span>
        </span>
        <span className="pane-actions">
          {running ? (
            <button type="button" className="primary stop" onClick={() => void stopSession(session.sessionId)}>
              {t('stop')}
            </button>
          ) : (
            <button type="button" className="primary" onClick={start}>
              {t('start')}
            </button>
          )}
          <button
            ref={toggle}
            type="button"
            className={`icon settings-toggle${open ? ' pressed' : ''}`}
            aria-label={t('sessionSettings')}
            title={t('sessionSettings')}
            aria-expanded={open}
            aria-controls={drawerId}
            onClick={() => {
              focusOnOpen.current = !open;
              setChoice(!open);
            }}
          >
            <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
              <path
                fill="currentColor"
                d="M19.14 12.94a7.4 7.4 0 0 0 0-1.88l2.03-1.58a.5.5 0 0 0 .12-.64l-1.92-3.32a.5.5 0 0 0-.6-.22l-2.39.96a7.03 7.03 0 0 0-1.63-.94l-.36-2.54a.5.5 0 0 0-.5-.42h-3.84a.5.5 0 0 0-.5.42l-.36 2.54c-.59.24-1.13.56-1.63.94l-2.39-.96a.5.5 0 0 0-.6.22L2.65 8.84a.5.5 0 0 0 .12.64l2.03 1.58a7.4 7.4 0 0 0 0 1.88l-2.03 1.58a.5.5 0 0 0-.12.64l1.92 3.32c.13.22.39.3.6.22l2.39-.96c.5.38 1.04.7 1.63.94l.36 2.54c.05.24.26.42.5.42h3.84c.25 0 .45-.18.5-.42l.36-2.54c.59-.24 1.13-.56 1.63-.94l2.39.96c.22.08.47 0 .6-.22l1.92-3.32a.5.5 0 0 0-.12-.64l-2.03-1.58zM12 15.6a3.6 3.6 0 1 1 0-7.2 3.6 3.6 0 0 1 0 7.2z"
              />
            </svg>
          </button>
        </span>
      </div>
      {open && (
        <div
          id={drawerId}
          ref={drawer}
          className="settings-drawer"
          role="group"
          aria-label={t('sessionSettings')}
          onKeyDown={(event) => {
            if (event.key !== 'Escape') return;
            event.stopPropagation();
            close();
          }}
        >
          {settings}
        </div>
      )}
    </>
  );
}
