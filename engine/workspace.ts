import {
  WORKSPACE_FORMAT,
  WORKSPACE_VERSION,
  type WorkspaceDocument,
  type WorkspaceSession,
  type WorkspaceState,
  type WorkspaceUi,
} from '../shared/contract';

// The workspace as the engine holds it: the sessions come from the engine itself whenever a document is
// asked for, the page's part is kept as the page last sent it. Where it is stored is the host's business
// (`WorkspaceKeeper`); without a keeper the workspace lives as long as the engine does.

/** Told whenever the workspace changed, so that a host can write it down (debounced, atomically). */
export interface WorkspaceKeeper {
  changed(document: () => WorkspaceDocument): void;
  /** The file the workspace is kept in. */
  readonly path: string;
  /** What went wrong opening it, if anything (the file was kept aside, not overwritten). */
  readonly problem?: { message: string; keptAs?: string };
}

export class Workspace {
  private ui: WorkspaceUi = {};
  /** Sessions that were running when the workspace was saved and have not been started since. */
  private readonly toStart = new Set<string>();

  constructor(
    private readonly sessions: () => WorkspaceSession[],
    private keeper?: WorkspaceKeeper,
  ) {}

  keepWith(keeper: WorkspaceKeeper): void {
    this.keeper = keeper;
  }

  document(): WorkspaceDocument {
    return {
      format: WORKSPACE_FORMAT,
      version: WORKSPACE_VERSION,
      savedAt: new Date().toISOString(),
      sessions: this.sessions(),
      ui: this.ui,
    };
  }

  state(): WorkspaceState {
    return {
      document: this.document(),
      ...(this.keeper ? { path: this.keeper.path } : {}),
      ...(this.keeper?.problem ? { problem: this.keeper.problem } : {}),
      toStart: [...this.toStart],
    };
  }

  /** Adopts an opened document's page part and its list of sessions to start; the sessions are the caller's. */
  opened(document: WorkspaceDocument): void {
    this.ui = document.ui;
    this.toStart.clear();
    for (const session of document.sessions) if (session.wasRunning) this.toStart.add(session.id);
  }

  setUi(ui: WorkspaceUi): boolean {
    this.ui = ui;
    this.changed();
    return this.keeper !== undefined;
  }

  /** A session started, stopped, changed or went away: it is no longer waiting for "Start all". */
  sessionStarted(sessionId: string): void {
    this.toStart.delete(sessionId);
  }

  waitingToStart(): string[] {
    return [...this.toStart];
  }

  changed(): void {
    this.keeper?.changed(() => this.document());
  }
}
