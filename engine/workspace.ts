import {
  type EngineEvent,
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
  /** When the file last had the workspace written (or when the opened one was); '' before any. */
  private lastSavedAt = '';

  constructor(
    private readonly sessions: () => WorkspaceSession[],
    private readonly emit: (event: Extract<EngineEvent, { type: 'workspace.saved' }>) => void = () => {},
    private keeper?: WorkspaceKeeper,
  ) {}

  /** The keeper's word on a write, passed on to every face as a `workspace.saved` event. */
  saved(event: Extract<EngineEvent, { type: 'workspace.saved' }>): void {
    if (!event.error) this.lastSavedAt = event.savedAt;
    this.emit(event);
  }

  keepWith(keeper: WorkspaceKeeper): void {
    this.keeper = keeper;
  }

  document(): WorkspaceDocument {
    return {
      format: WORKSPACE_FORMAT,
      version: WORKSPACE_VERSION,
      savedAt: new Date().toISOString(),
      // A session still waiting for "Start all" was running as far as the next run is concerned: saving now
      // (a layout change, a quit) must not forget it.
      sessions: this.sessions().map((session) =>
        !session.wasRunning && this.toStart.has(session.id) ? { ...session, wasRunning: true } : session,
      ),
      ui: this.ui,
    };
  }

  state(): WorkspaceState {
    return {
      // The time it was last written, not the time of asking: the same workspace reads the same, from any face.
      document: { ...this.document(), savedAt: this.lastSavedAt },
      ...(this.keeper ? { path: this.keeper.path } : {}),
      ...(this.keeper?.problem ? { problem: this.keeper.problem } : {}),
      toStart: [...this.toStart],
    };
  }

  /** Adopts an opened document's page part and its list of sessions to start; the sessions are the caller's. */
  opened(document: WorkspaceDocument): void {
    this.ui = document.ui;
    this.lastSavedAt = document.savedAt;
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
