import { keyedError } from '../shared/errors/word';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { WORKSPACE_FORMAT, WORKSPACE_VERSION, WorkspaceDocument, type EngineEvent } from '../shared/contract';
import type { SockpitError } from '../shared/result';
import type { WorkspaceKeeper } from './workspace';

// The workspace on disk: one JSON file, replaced whole and atomically (a temp file beside it, fsynced, renamed
// over it, the folder fsynced), so a crash or a kill at any moment leaves either the old file or the new one.
// Writes are debounced: a burst of changes (a session starting, its settings, the page's layout) is one write.

export type WorkspaceSavedEvent = Extract<EngineEvent, { type: 'workspace.saved' }>;

/** Quiet time after the last change before the file is written. */
export const SAVE_DELAY_MS = 300;
/** A workspace that keeps changing is still written at least this often. */
export const SAVE_AT_LATEST_MS = 2000;

const TEMP_MARK = '.tmp-';

/** What reading a workspace file found; only `document` is usable, the others say why in plain words. */
export type WorkspaceRead =
  | { kind: 'missing' }
  | { kind: 'document'; document: WorkspaceDocument }
  | { kind: 'corrupt' | 'newer' | 'unreadable'; message: string };

/** Reads and checks a workspace file without changing anything on disk (the CLI's `--workspace`, and `open`). */
export async function readWorkspaceFile(file: string): Promise<WorkspaceRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a part of the path is a file, so there is no workspace file there to protect either.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'EISDIR') return { kind: 'unreadable', message: `${file} is a folder, not a workspace file.` };
    return { kind: 'unreadable', message: `${file} could not be read: ${(err as Error).message}` };
  }
  return parseWorkspaceText(text, file);
}

/** Judges the text of a workspace file; `file` only names it in the messages. */
export function parseWorkspaceText(text: string, file: string): WorkspaceRead {
  let raw: unknown;
  try {
    // A byte order mark is what some editors add when a person saves the file by hand.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return {
      kind: 'corrupt',
      message: `${file} is not a workspace file: it is not valid JSON (${(err as Error).message}).`,
    };
  }
  if (typeof raw === 'object' && raw !== null) {
    const { format, version } = raw as { format?: unknown; version?: unknown };
    if (format === WORKSPACE_FORMAT && typeof version === 'number' && version > WORKSPACE_VERSION)
      return {
        kind: 'newer',
        message: `${file} was saved by a newer Sockpit (workspace version ${version}; this one reads up to ${WORKSPACE_VERSION}).`,
      };
    if (format !== WORKSPACE_FORMAT)
      return {
        kind: 'corrupt',
        message: `${file} is not a Sockpit workspace file (its "format" is not "${WORKSPACE_FORMAT}").`,
      };
  }
  const parsed = WorkspaceDocument.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    const why = issue ? `${where}${issue.message}` : 'it does not match the workspace format';
    return { kind: 'corrupt', message: `${file} is not a valid workspace file (${why.slice(0, 300)}).` };
  }
  return { kind: 'document', document: parsed.data };
}

/** A name for keeping a bad file aside that no other file has: `workspace.json.corrupt-2026-11-30T07-45-42-123Z`. */
export function asideName(file: string, why: 'corrupt' | 'newer' | 'unreadable', now = new Date()): string {
  return `${file}.${why}-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/** Writes `text` to `file` so that the file is at every moment either its old content or the new one. */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const folder = path.dirname(file);
  const temp = path.join(folder, `${path.basename(file)}${TEMP_MARK}${process.pid}-${Date.now()}`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      // The data must be on disk before the rename makes it the file, or a power cut could leave it empty.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncFolder(folder);
}

/** Makes the rename itself durable. Windows cannot open a folder for this; there the rename is what it is. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL where folders cannot be synced: the rename has happened, only its durability is the OS's.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Temp files a killed writer left behind; never the workspace itself nor a file kept aside. */
export async function removeLeftoverTemps(file: string): Promise<void> {
  const folder = path.dirname(file);
  const prefix = `${path.basename(file)}${TEMP_MARK}`;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix))
      .map((name) => rm(path.join(folder, name), { force: true }).catch(() => undefined)),
  );
}

function saveError(file: string, err: unknown): SockpitError {
  const code = (err as NodeJS.ErrnoException).code;
  const key =
    code === 'ENOSPC'
      ? 'workspace-not-saved-full'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'workspace-not-saved-denied'
        : code === 'ENOTDIR' || code === 'ENOENT'
          ? 'workspace-not-saved-folder'
          : 'workspace-not-saved';
  return keyedError(code ?? 'E_WORKSPACE_SAVE', key, {
    path: file,
    detail: (err as Error)?.message ?? String(err),
  });
}

export interface WorkspaceFileOptions {
  /** Told after every write, good or failed. */
  onSaved?: (event: WorkspaceSavedEvent) => void;
  /** What went wrong opening the file, if anything (it was kept aside, or could not be and is not written). */
  problem?: { message: string; keptAs?: string };
  /** False when a bad file could not be moved aside: it is never overwritten, so nothing is written. */
  writable?: boolean;
  saveDelayMs?: number;
}

/**
 * Keeps the workspace in one file: debounced, one write in flight at a time, the newest document wins. The
 * document is built when the write starts, so a write always has everything changed up to then.
 */
export class WorkspaceFile implements WorkspaceKeeper {
  readonly problem?: { message: string; keptAs?: string };
  private latest?: () => WorkspaceDocument;
  private timer?: NodeJS.Timeout;
  private firstUnsavedAt = 0;
  private writing?: Promise<void>;
  private closed = false;
  /** The last document written, without its time: the same workspace again is not written again. */
  private lastWritten?: string;
  private readonly writable: boolean;
  private readonly saveDelayMs: number;

  constructor(
    readonly path: string,
    private readonly options: WorkspaceFileOptions = {},
  ) {
    if (options.problem) this.problem = options.problem;
    this.writable = options.writable ?? true;
    this.saveDelayMs = options.saveDelayMs ?? SAVE_DELAY_MS;
  }

  changed(document: () => WorkspaceDocument): void {
    if (this.closed) return;
    this.latest = document;
    const now = Date.now();
    if (this.timer === undefined) this.firstUnsavedAt = now;
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.saveDelayMs, this.firstUnsavedAt + SAVE_AT_LATEST_MS - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writePending();
    }, wait);
  }

  /** Writes what is pending now and waits until the file has it. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writePending();
  }

  /**
   * Flushes, then ignores every later change: a face closes the keeper before it stops the sessions, so the file
   * keeps saying which were running.
   */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private async writePending(): Promise<void> {
    // One write at a time; what changed meanwhile is written right after, from the newest document.
    while (this.writing) await this.writing;
    const build = this.latest;
    if (!build) return;
    this.latest = undefined;
    this.writing = this.write(build()).finally(() => (this.writing = undefined));
    await this.writing;
  }

  private async write(document: WorkspaceDocument): Promise<void> {
    const report = (error?: SockpitError) =>
      this.options.onSaved?.({
        type: 'workspace.saved',
        path: this.path,
        savedAt: document.savedAt,
        ...(error ? { error } : {}),
      });
    if (!this.writable) {
      report({
        code: 'E_WORKSPACE_SAVE',
        message: `The workspace is not saved: ${this.path} could not be read or moved aside, and Sockpit does not overwrite it.`,
        hint: 'Move or fix that file, then restart Sockpit.',
      });
      return;
    }
    const content = JSON.stringify({ ...document, savedAt: '' });
    if (content === this.lastWritten) return;
    try {
      await writeFileAtomically(this.path, `${JSON.stringify(document, null, 2)}\n`);
    } catch (err) {
      report(saveError(this.path, err));
      return;
    }
    this.lastWritten = content;
    report();
  }
}

/** The folder of a workspace file, made if missing; false (with the reason) when it cannot be. */
export async function ensureFolder(file: string): Promise<string | undefined> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
