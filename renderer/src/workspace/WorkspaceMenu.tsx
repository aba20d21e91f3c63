import { useRef, useState } from 'react';
import { ConfirmDialog } from '../ui/ConfirmRemove';
import type { WorkspaceDocument } from '../../../shared/contract';
import { useT } from '../i18n';
import { useApp } from '../state/store';
import { exportWorkspace, importWorkspace, isRunning, setStartRunningOnOpen, useWorkspacePage } from './page-workspace';
import { readWorkspaceFile } from './workspace-file';
import { saveFile } from '../ui/save-file';

interface Pending {
  document: WorkspaceDocument;
  file: string;
}

/** The header's workspace menu: export, import, and whether sessions that were running start by themselves. */
export function WorkspaceMenu() {
  const t = useT();
  const startRunningOnOpen = useWorkspacePage((state) => state.startRunningOnOpen);
  const [pending, setPending] = useState<Pending>();
  const [message, setMessage] = useState<string>();
  const input = useRef<HTMLInputElement>(null);

  const replace = async (chosen: Pending) => {
    setPending(undefined);
    const problem = await importWorkspace(chosen.document);
    setMessage(problem ? t('workspaceImportFailed', { problem }) : undefined);
  };

  const chose = async (file: File | undefined) => {
    if (!file) return;
    const read = readWorkspaceFile(await file.text());
    if ('problem' in read) {
      setMessage(t('workspaceImportBad', { file: file.name, problem: read.problem }));
      return;
    }
    setMessage(undefined);
    const chosen = { document: read.document, file: file.name };
    const sessions = Object.values(useApp.getState().sessions);
    if (sessions.some(isRunning)) setPending(chosen);
    else await replace(chosen);
  };

  return (
    <details className="workspace-menu">
      <summary>{t('workspaceMenu')}</summary>
      <div className="workspace-menu-items">
        <button
          type="button"
          onClick={() =>
            void exportWorkspace().then((result) => {
              if ('error' in result) setMessage(t('workspaceExportFailed', { problem: result.error }));
              else saveFile(new Blob([result.text], { type: 'application/json' }), 'sockpit-workspace.json');
            })
          }
        >
          {t('exportWorkspace')}
        </button>
        <button type="button" onClick={() => input.current?.click()}>
          {t('importWorkspace')}
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            void chose(file);
          }}
        />
        <label>
          <input
            type="checkbox"
            checked={startRunningOnOpen}
            onChange={(event) => setStartRunningOnOpen(event.target.checked)}
          />{' '}
          {t('startRunningOnOpen')}
        </label>
        {message && (
          <p className="workspace-menu-error" role="alert">
            {message}
          </p>
        )}
      </div>
      {pending && (
        <ConfirmReplace
          file={pending.file}
          onReplace={() => void replace(pending)}
          onCancel={() => setPending(undefined)}
        />
      )}
    </details>
  );
}

/** Asks before an import stops running sessions and throws away their logs. */
function ConfirmReplace({ file, onReplace, onCancel }: { file: string; onReplace: () => void; onCancel: () => void }) {
  const t = useT();
  const sessions = Object.values(useApp.getState().sessions);
  return (
    <ConfirmDialog
      title={t(sessions.length === 1 ? 'replaceSessionsTitleOne' : 'replaceSessionsTitle', { n: sessions.length })}
      text={t('replaceSessionsText', { running: sessions.filter(isRunning).length, file })}
      cancel={t('replaceSessionsCancel')}
      confirm={t('replaceSessionsConfirm')}
      onConfirm={onReplace}
      onCancel={onCancel}
    />
  );
}
