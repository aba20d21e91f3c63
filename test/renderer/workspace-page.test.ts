import { describe, expect, it } from 'vitest';
import { WorkspaceDocument, WorkspaceUi, type SessionViewSettings } from '../../shared/contract';
import type { Preset, SavedMessage } from '../../renderer/src/presets/saved';
import { HISTORY_KEY, PRESETS_KEY, type SavedStorage } from '../../renderer/src/presets/storage';
import { migrateFromBrowser, PREFERENCES_KEY } from '../../renderer/src/workspace/migrate';
import {
  appliedUi,
  fractions,
  layoutFor,
  pageUi,
  presetsOfLiveSessions,
  type RememberedView,
} from '../../renderer/src/workspace/page-ui';
import { readWorkspaceFile } from '../../renderer/src/workspace/workspace-file';

// The page's part of the workspace in plain Node: what is remembered, how it comes back, and what is taken over
// from the browser storage of an older Sockpit.

function storage(texts: Record<string, string>): SavedStorage & { texts: Record<string, string> } {
  return { texts, read: (key) => texts[key] ?? null, write: (key, text) => void (texts[key] = text) };
}

const message: SavedMessage = {
  text: 'PING',
  mode: 'text',
  encoding: 'utf-8',
  escapes: false,
  lineEnding: 'crlf',
  checksum: 'none',
};
const preset = (id: string, sessionId: string | null): Preset => ({ id, name: id, sessionId, message });

/** A session's view as a new pane has it, with the fields the store has and the workspace does not keep. */
function newView(): RememberedView & { selected: string[]; send: { target: string } } {
  return {
    receiveEncoding: 'utf-8',
    viewMode: 'text',
    timestamps: true,
    autoScroll: true,
    selected: [],
    send: {
      text: '',
      mode: 'text',
      encoding: 'utf-8',
      escapes: false,
      lineEnding: 'none',
      checksum: 'none',
      target: 'all',
    },
  };
}

function appWith(ids: string[]) {
  const views = Object.fromEntries(ids.map((id) => [id, newView()]));
  return {
    order: ids,
    views,
    panes: ids.slice(0, 2) as Array<string | null>,
    paneSizes: ids.slice(0, 2).map(() => 1),
    activePane: 0,
    language: 'en' as const,
    theme: 'system' as const,
  };
}

describe('the page part that is remembered', () => {
  it('holds each session view, the layout in fractions, language, theme, presets, history and the setting, and the engine accepts it', () => {
    const app = appWith(['s1', 's2']);
    app.views.s1 = {
      ...app.views.s1,
      receiveEncoding: 'gbk',
      viewMode: 'hex',
      timestamps: false,
      send: { ...app.views.s1.send, text: '7E 01', mode: 'hex', checksum: 'crc16-modbus', target: 'selected' },
    };
    app.paneSizes = [3, 1];
    const ui = pageUi(app, { presets: [preset('p1', 's1')], history: [], startRunningOnOpen: true });
    expect(WorkspaceUi.safeParse(ui).success).toBe(true);
    expect(ui.views?.s1).toMatchObject({
      receiveEncoding: 'gbk',
      viewMode: 'hex',
      timestamps: false,
      send: { text: '7E 01', mode: 'hex', checksum: 'crc16-modbus' },
    });
    // Where the box sends is a choice about live clients, not a setting of the session: it is not kept.
    expect(ui.views?.s1.send).not.toHaveProperty('target');
    expect(ui.layout).toEqual({ panes: ['s1', 's2'], paneSizes: [0.75, 0.25], activePane: 0 });
    expect(ui.presets?.presets.map((p) => p.sessionId)).toEqual(['s1']);
    expect(ui.startRunningOnOpen).toBe(true);
  });

  it('pane weights become fractions, and weights of nothing become equal shares', () => {
    expect(fractions([1, 1, 2])).toEqual([0.25, 0.25, 0.5]);
    expect(fractions([0, 0])).toEqual([0.5, 0.5]);
  });
});

describe('applying a remembered ui', () => {
  it('restores each view by session id; a session without one keeps the defaults', () => {
    const app = appWith(['s1', 's2']);
    const remembered: SessionViewSettings = {
      receiveEncoding: 'gbk',
      viewMode: 'hex',
      autoScroll: false,
      send: { text: 'hello', encoding: 'gb18030', lineEnding: 'lf' },
    };
    const next = appliedUi(app, { views: { s1: remembered }, language: 'zh-CN', theme: 'dark' });
    expect(next.views?.s1).toMatchObject({
      receiveEncoding: 'gbk',
      viewMode: 'hex',
      autoScroll: false,
      timestamps: true,
      send: { text: 'hello', encoding: 'gb18030', lineEnding: 'lf', mode: 'text', target: 'all' },
    });
    expect(next.views?.s2).toEqual(app.views.s2);
    expect(next.language).toBe('zh-CN');
    expect(next.theme).toBe('dark');
  });

  it('a view framing comes back as the framing the view was cut with', () => {
    const app = appWith(['s1']);
    const next = appliedUi(app, {
      views: { s1: { framing: { mode: 'fixed', length: 8, maxMessageBytes: 65536 } as never } },
    });
    const again = pageUi({ ...app, views: next.views! }, { presets: [], history: [], startRunningOnOpen: false });
    expect(again.views?.s1.framing).toMatchObject({ mode: 'fixed', length: 8 });
  });

  it('drops panes of sessions that are gone and keeps the active pane inside', () => {
    const live = new Set(['s2']);
    expect(layoutFor({ panes: ['s1', 's2', 's9'], paneSizes: [0.5, 0.25, 0.25], activePane: 2 }, live)).toEqual({
      panes: [null, 's2', null],
      paneSizes: [0.5, 0.25, 0.25],
      activePane: 2,
    });
    expect(layoutFor({ panes: ['s1'], paneSizes: [], activePane: 3 }, live)).toEqual({
      panes: [null],
      paneSizes: [1],
      activePane: 0,
    });
    // A layout with no live session leaves the page's own choice of panes alone.
    const app = appWith(['s2']);
    const next = appliedUi(app, { layout: { panes: ['s1'], paneSizes: [1], activePane: 0 } });
    expect(next.panes).toBeUndefined();
  });

  it('a preset of a session that is gone becomes a preset of every session, never lost', () => {
    const presets = [preset('a', 's1'), preset('b', 's2'), preset('c', null)];
    const kept = presetsOfLiveSessions(presets, new Set(['s1']));
    expect(kept.map((p) => [p.id, p.sessionId])).toEqual([
      ['a', 's1'],
      ['b', null],
      ['c', null],
    ]);
    expect(kept[0]).toBe(presets[0]);
  });
});

describe('taking over what an older Sockpit kept in the browser', () => {
  const oldPresets = JSON.stringify({ version: 1, presets: [preset('p1', null)] });
  const oldHistory = JSON.stringify({ version: 1, entries: [{ message, sentAt: 5 }] });

  it('takes language, theme, presets and history once, when the workspace has none', () => {
    const old = storage({
      [PREFERENCES_KEY]: JSON.stringify({ language: 'zh-CN', theme: 'dark' }),
      [PRESETS_KEY]: oldPresets,
      [HISTORY_KEY]: oldHistory,
    });
    const first = migrateFromBrowser({}, old);
    expect(first.took).toBe(true);
    expect(first.ui).toMatchObject({ language: 'zh-CN', theme: 'dark' });
    expect(first.ui.presets?.presets.map((p) => p.name)).toEqual(['p1']);
    expect(first.ui.history?.entries).toHaveLength(1);
    // Once the workspace has its own (even an empty list), the browser's copy is not read again.
    const again = migrateFromBrowser(
      { language: 'en', theme: 'light', presets: { version: 1, presets: [] }, history: { version: 1, entries: [] } },
      old,
    );
    expect(again.took).toBe(false);
    expect(again.ui.presets?.presets).toEqual([]);
    expect(again.ui.language).toBe('en');
  });

  it('old presets that cannot be read are kept aside and said in words; the workspace starts without them', () => {
    const old = storage({ [PRESETS_KEY]: '{"version":1,"presets":[{"name":' });
    const result = migrateFromBrowser({}, old);
    expect(result.took).toBe(false);
    expect(result.ui.presets).toBeUndefined();
    expect(result.problem).toMatch(
      /^Saved presets could not be read \(it is not JSON .*\)\. They were kept as “sockpit\.presets\.corrupt”\.$/,
    );
    expect(old.texts['sockpit.presets.corrupt']).toBe('{"version":1,"presets":[{"name":');
  });
});

describe('a workspace file chosen for import', () => {
  const document = {
    format: 'sockpit-workspace',
    version: 1,
    savedAt: '2026-11-30T08:00:00.000Z',
    sessions: [
      {
        id: 's1',
        name: 'Meter',
        config: { kind: 'tcp-server', host: '127.0.0.1', port: 9000 },
        wasRunning: true,
      },
    ],
    ui: { views: { s1: { receiveEncoding: 'gbk' } } },
  };

  it('is read when it is a workspace', () => {
    const read = readWorkspaceFile(JSON.stringify(document));
    expect('document' in read && WorkspaceDocument.safeParse(read.document).success).toBe(true);
  });

  it('is refused in words when it is not JSON, not a workspace, or from a newer Sockpit', () => {
    expect(readWorkspaceFile('{"format":')).toEqual({ problem: expect.stringMatching(/^It is not JSON \(.+\)\.$/) });
    expect(readWorkspaceFile(JSON.stringify({ ...document, format: 'sockpit-presets' }))).toEqual({
      problem: expect.stringContaining('format'),
    });
    expect(readWorkspaceFile(JSON.stringify({ ...document, version: 99 }))).toEqual({
      problem: expect.stringContaining('version'),
    });
  });
});
