import { z } from 'zod';
import { CaptureFileFormat } from './events';
import { Checksum, Encoding, Id, LineEnding, MAX_SEND_INPUT_CHARS, SendMode } from './fields';
import { FramingSpec } from './framing';
import { StoredHistory, StoredPresets } from './presets';
import { RuleSet } from './rules';
import { SessionConfig } from './sessions';

// The workspace: what Sockpit remembers between runs, one JSON file in UTF-8. The host (Electron's main
// process, the bridge) keeps it in its data folder; the engine writes its sessions part from what it knows,
// the page writes its `ui` part. Both halves cross a boundary, so both are declared and checked here.

export const WORKSPACE_FORMAT = 'sockpit-workspace';
/** Raised when a change would make an older Sockpit misread the file; an older version is still read. */
export const WORKSPACE_VERSION = 1;
export const MAX_WORKSPACE_SESSIONS = 256;

/** One session as it was: its id stays the same across restarts, so what is keyed by it (presets, views) stays attached. */
export const WorkspaceSession = z.strictObject({
  id: Id,
  name: z.string().max(200),
  config: SessionConfig,
  rules: z.lazy(() => RuleSet).optional(),
  /**
   * The file it was saving its capture to; opened again, appending, when the workspace is opened, so the log
   * on disk goes on where it stopped (the log in memory is not kept).
   */
  captureFile: z
    .strictObject({
      path: z
        .string()
        .min(1)
        .max(4096)
        .refine((text) => !text.includes('\u0000'), 'The path contains a NUL character, which no file name can.'),
      format: CaptureFileFormat,
    })
    .optional(),
  /** It was running (listening, connected, bound, or trying to) when the workspace was last saved. */
  wasRunning: z.boolean(),
});
export type WorkspaceSession = z.infer<typeof WorkspaceSession>;

/** What the page shows for one session; every field optional, so a page that knows fewer fields still loads. */
export const SessionViewSettings = z
  .strictObject({
    receiveEncoding: Encoding,
    viewMode: z.enum(['text', 'hex', 'both']),
    timestamps: z.boolean(),
    autoScroll: z.boolean(),
    /** The framing the log view cuts messages with (the engine's own `config.framing` is in the session). */
    framing: FramingSpec,
    send: z
      .strictObject({
        text: z.string().max(MAX_SEND_INPUT_CHARS),
        mode: SendMode,
        encoding: Encoding,
        escapes: z.boolean(),
        lineEnding: LineEnding,
        checksum: Checksum,
      })
      .partial(),
  })
  .partial();
export type SessionViewSettings = z.infer<typeof SessionViewSettings>;

export const WorkspaceLayout = z.strictObject({
  /** Session ids in the panes, left to right; null is an empty pane. One to four panes. */
  panes: z.array(Id.nullable()).min(1).max(4),
  /** Fractions of the width, one per pane. */
  paneSizes: z.array(z.number().min(0).max(1)).max(4),
  activePane: z.number().int().min(0).max(3),
});
export type WorkspaceLayout = z.infer<typeof WorkspaceLayout>;

export const WorkspaceUi = z
  .strictObject({
    /** Per session, keyed by session id. */
    views: z.record(Id, SessionViewSettings),
    layout: WorkspaceLayout,
    language: z.enum(['en', 'zh-CN']),
    theme: z.enum(['system', 'light', 'dark']),
    presets: StoredPresets,
    history: StoredHistory,
    /** Start the sessions that were running as soon as the workspace is opened, without asking. */
    startRunningOnOpen: z.boolean(),
  })
  .partial();
export type WorkspaceUi = z.infer<typeof WorkspaceUi>;

export const WorkspaceDocument = z.strictObject({
  format: z.literal(WORKSPACE_FORMAT),
  version: z.number().int().min(1).max(WORKSPACE_VERSION),
  /** ISO 8601, when it was written. */
  savedAt: z.string().max(64),
  sessions: z.array(WorkspaceSession).max(MAX_WORKSPACE_SESSIONS),
  ui: WorkspaceUi,
});
export type WorkspaceDocument = z.infer<typeof WorkspaceDocument>;

/** What `workspace.get` answers: the document, where it lives, and what went wrong opening it, if anything. */
export interface WorkspaceState {
  document: WorkspaceDocument;
  /** The file it is kept in; absent when this run keeps no workspace (a plain CLI run, a test harness). */
  path?: string;
  /** The file could not be used (corrupt, from a newer Sockpit, unreadable): it was kept aside as `keptAs`. */
  problem?: { message: string; keptAs?: string };
  /** Sessions that were running at the last save and are stopped now: what "Start all" would start. */
  toStart: string[];
}
