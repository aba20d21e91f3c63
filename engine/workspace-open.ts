import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { CommandValues, WorkspaceState } from '../shared/contract';
import type { Engine } from './engine';
import {
  asideName,
  ensureFolder,
  readWorkspaceFile,
  removeLeftoverTemps,
  WorkspaceFile,
  type WorkspaceFileOptions,
} from './workspace-file';

// The one open-and-restore step the faces that keep a workspace share (the bridge, the desktop app): read the
// file, bring its sessions back stopped under their ids, attach the keeper, and start what was running if the
// workspace asks for that.

export const WORKSPACE_FILE_NAME = 'workspace.json';

export interface OpenedWorkspace {
  keeper: WorkspaceFile;
  /** As `workspace.get` answers right after opening. */
  state: WorkspaceState;
  /** Present when `ui.startRunningOnOpen` was on and "Start all" ran. */
  startedOnOpen?: CommandValues['session.startAll'];
  /**
   * Writes what is pending and stops saving. Call it before the engine stops its sessions (quit), so the file
   * keeps saying which were running.
   */
  close(): Promise<void>;
}

async function keepAside(
  file: string,
  why: 'corrupt' | 'newer' | 'unreadable',
  message: string,
): Promise<{ problem: { message: string; keptAs?: string }; writable: boolean }> {
  const aside = asideName(file, why);
  try {
    await rename(file, aside);
    return {
      problem: { message: `${message} It was kept as ${path.basename(aside)}.`, keptAs: aside },
      writable: true,
    };
  } catch (err) {
    return {
      problem: {
        message: `${message} It could not be moved aside (${(err as Error).message}), so Sockpit will not save over it.`,
      },
      writable: false,
    };
  }
}

export async function openWorkspace(
  engine: Engine,
  file: string,
  options: Pick<WorkspaceFileOptions, 'saveDelayMs'> = {},
): Promise<OpenedWorkspace> {
  let problem: WorkspaceFileOptions['problem'];
  let writable = true;
  const folderProblem = await ensureFolder(file);
  if (folderProblem)
    problem = { message: `The workspace folder ${path.dirname(file)} could not be made: ${folderProblem}` };
  await removeLeftoverTemps(file);

  const read = await readWorkspaceFile(file);
  if (read.kind === 'document') {
    const imported = await engine.run({ type: 'workspace.import', document: read.document });
    if (!imported.ok) {
      // The file is well formed but names something this engine refuses (two sessions with one id, a greeting
      // that cannot be encoded): like a corrupt file, it is kept, not silently replaced by an empty workspace.
      ({ problem, writable } = await keepAside(
        file,
        'corrupt',
        `${file} could not be opened: ${imported.error.message}`,
      ));
    }
  } else if (read.kind !== 'missing') {
    ({ problem, writable } = await keepAside(file, read.kind, read.message));
  }

  const keeper = new WorkspaceFile(file, {
    onSaved: (event) => engine.workspace.saved(event),
    ...(problem ? { problem } : {}),
    writable,
    ...options,
  });
  engine.workspace.keepWith(keeper);
  const opened: OpenedWorkspace = {
    keeper,
    state: engine.workspace.state(),
    close: () => keeper.close(),
  };
  if (read.kind === 'document' && !problem && read.document.ui.startRunningOnOpen) {
    const all = await engine.run({ type: 'session.startAll' });
    if (all.ok) opened.startedOnOpen = all.value;
    opened.state = engine.workspace.state();
  }
  return opened;
}
