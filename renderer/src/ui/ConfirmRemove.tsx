import { useEffect, useId, useRef } from 'react';
import type { SessionInfo } from '../../../shared/contract';
import { useT } from '../i18n';

/**
 * A question that must be answered before something is lost: a modal <dialog>, so focus stays inside and
 * Escape cancels; Cancel has the focus, so Enter does not destroy anything by accident.
 */
export function ConfirmDialog({
  title,
  text,
  cancel,
  confirm,
  onConfirm,
  onCancel,
}: {
  title: string;
  text: string;
  cancel: string;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
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
      <h2 id={titleId}>{title}</h2>
      <p id={textId}>{text}</p>
      <div className="confirm-actions">
        <button type="button" autoFocus onClick={onCancel}>
          {cancel}
        </button>
        <button type="button" className="primary stop" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </dialog>
  );
}

/**
 * Asks before a running session goes: removing it closes its sockets and throws away its log, which
 * one stray click on × should not do.
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
  return (
    <ConfirmDialog
      title={t('removeRunningTitle')}
      text={t('removeRunningText', { name: session.name })}
      cancel={t('removeRunningCancel')}
      confirm={t('removeRunningConfirm')}
      onConfirm={onRemove}
      onCancel={onCancel}
    />
  );
}
