import { useEffect, useId, useRef } from 'react';
import type { SessionInfo } from '../../../shared/contract';
import { useT } from '../i18n';

/**
 * Asks before a running session goes: removing it closes its sockets and throws away its log, which
 * one stray click on × should not do. A modal <dialog>, so focus stays inside and Escape cancels.
 */
export function ConfirmRemove({
  session,
  onRemove,
  onCancel,
}: {
  session: SessionInfo;
  onRemove: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const textId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={textId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{t('removeRunningTitle')}</h2>
      <p id={textId}>{t('removeRunningText', { name: session.name })}</p>
      <div className="confirm-actions">
        <button type="button" autoFocus onClick={onCancel}>
          {t('removeRunningCancel')}
        </button>
        <button type="button" className="primary stop" onClick={onRemove}>
          {t('removeRunningConfirm')}
        </button>
      </div>
    </dialog>
  );
}
