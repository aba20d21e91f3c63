import { useT } from '../i18n';
import { useWordError } from '../error-words';
import { useApp } from '../state/store';
import { dismissWorkspaceProblem, isRunning, startAll, useWorkspacePage } from './page-workspace';

/**
 * Under the header: "Start all" after a restart brought sessions back stopped, and what went wrong with the
 * workspace (it could not be read, saved, or Start all could not run), in words.
 */
export function WorkspaceBar() {
  const t = useT();
  const word = useWordError();
  const line = (error: { message: string; hint?: string }) =>
    error.hint ? `${error.message} ${error.hint}` : error.message;
  const toStart = useWorkspacePage((state) => state.toStart);
  const readProblem = useWorkspacePage((state) => state.readProblem);
  const saveError = useWorkspacePage((state) => state.saveError);
  const actionError = useWorkspacePage((state) => state.actionError);
  const sessions = useApp((state) => state.sessions);
  // A session started by hand (or removed) since the restart no longer waits for Start all.
  const waiting = toStart.filter((id) => sessions[id] && !isRunning(sessions[id]));
  const problems = [
    readProblem &&
      `${t('workspaceReadProblem', { problem: readProblem.message })}${readProblem.keptAs ? ` ${t('workspaceKeptAs', { path: readProblem.keptAs })}` : ''}`,
    actionError && line(word(actionError)),
  ].filter(Boolean);
  if (waiting.length === 0 && problems.length === 0 && !saveError) return null;
  return (
    <div className="workspace-bar">
      {waiting.length > 0 && (
        <div className="banner" role="status">
          <span>{t(waiting.length === 1 ? 'startAllTextOne' : 'startAllText', { n: waiting.length })}</span>{' '}
          <button type="button" className="primary" onClick={() => void startAll()}>
            {t('startAll')}
          </button>
        </div>
      )}
      {problems.length > 0 && (
        <div className="banner error" role="alert">
          <span>{problems.join(' ')}</span>{' '}
          <button type="button" onClick={dismissWorkspaceProblem}>
            {t('workspaceDismiss')}
          </button>
        </div>
      )}
      {saveError && (
        <div className="banner error" role="alert">
          {/* The engine's own save errors say what was kept; a refused command gets that said around it. */}
          {saveError.key ? line(word(saveError)) : t('workspaceSaveFailed', { problem: line(word(saveError)) })}
        </div>
      )}
    </div>
  );
}
