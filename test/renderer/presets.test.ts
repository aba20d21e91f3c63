import { describe, expect, it } from 'vitest';
import { PRESETS_FILE_FORMAT, StoredPresets } from '../../shared/contract';
import {
  addPresets,
  deletePreset,
  exportPresets,
  HISTORY_LIMIT,
  importPresets,
  messageKey,
  messageOf,
  movePreset,
  NOT_RECALLING,
  presetsFor,
  recallStep,
  remember,
  renamePreset,
  restorePreset,
  searchHistory,
  type HistoryEntry,
  type Preset,
  type SavedMessage,
} from '../../renderer/src/presets/saved';
import { loadStored, saveStored, type SavedStorage } from '../../renderer/src/presets/storage';

// The rules behind presets and history, in plain Node: what the panels and ↑/↓ do is these functions.

const message = (text: string, change: Partial<SavedMessage> = {}): SavedMessage => ({
  text,
  mode: 'text',
  encoding: 'utf-8',
  escapes: false,
  lineEnding: 'none',
  checksum: 'none',
  ...change,
});

function memoryStorage(initial: Record<string, string> = {}): SavedStorage & { items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    items,
    read: (key) => items.get(key) ?? null,
    write: (key, text) => void items.set(key, text),
  };
}

let ids = 0;
const newId = () => `id${++ids}`;

describe('history', () => {
  it('keeps the newest first and moves a message sent again to the top instead of repeating it', () => {
    let entries: HistoryEntry[] = [];
    entries = remember(entries, message('a'), 1);
    entries = remember(entries, message('b'), 2);
    entries = remember(entries, message('a'), 3);
    expect(entries.map((e) => [e.message.text, e.sentAt])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('the same text with other options is another entry; field order does not matter', () => {
    let entries: HistoryEntry[] = [];
    entries = remember(entries, message('您好', { encoding: 'gbk' }), 1);
    entries = remember(entries, message('您好'), 2);
    expect(entries).toHaveLength(2);
    const reordered = {
      checksum: 'none',
      lineEnding: 'none',
      escapes: false,
      encoding: 'gbk',
      mode: 'text',
      text: '您好',
    };
    expect(messageKey(reordered as SavedMessage)).toBe(messageKey(message('您好', { encoding: 'gbk' })));
    entries = remember(entries, reordered as SavedMessage, 3);
    expect(entries.map((e) => e.message.encoding)).toEqual(['gbk', 'utf-8']);
  });

  it('is bounded: beyond the limit the oldest goes', () => {
    let entries: HistoryEntry[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) entries = remember(entries, message(`m${i}`), i);
    expect(entries).toHaveLength(HISTORY_LIMIT);
    expect(entries[0].message.text).toBe(`m${HISTORY_LIMIT + 4}`);
    expect(entries.at(-1)!.message.text).toBe('m5');
  });

  it('search matches every word of the query anywhere in the text, ignoring case', () => {
    const entries = ['AT+GMR', 'at+rst', 'GET /status HTTP/1.1', '温度查询'].reduce<HistoryEntry[]>(
      (all, text, i) => remember(all, message(text), i),
      [],
    );
    expect(searchHistory(entries, 'at+').map((e) => e.message.text)).toEqual(['at+rst', 'AT+GMR']);
    expect(searchHistory(entries, 'http get').map((e) => e.message.text)).toEqual(['GET /status HTTP/1.1']);
    expect(searchHistory(entries, '温度').map((e) => e.message.text)).toEqual(['温度查询']);
    expect(searchHistory(entries, '  ')).toHaveLength(4);
    expect(searchHistory(entries, 'nothing')).toEqual([]);
  });

  it('↑ walks to older entries and stops at the oldest; ↓ walks back and past the newest gives the draft back', () => {
    const entries = [message('new'), message('mid'), message('old', { mode: 'hex' })].map((m, i) => ({
      message: m,
      sentAt: 10 - i,
    }));
    const draft = message('half typed', { lineEnding: 'crlf' });
    const up1 = recallStep(NOT_RECALLING, entries, draft, 'older')!;
    expect(up1.message.text).toBe('new');
    const up2 = recallStep(up1.recall, entries, up1.message, 'older')!;
    const up3 = recallStep(up2.recall, entries, up2.message, 'older')!;
    expect(up3.message).toEqual(message('old', { mode: 'hex' }));
    expect(recallStep(up3.recall, entries, up3.message, 'older')).toBeUndefined();
    const down1 = recallStep(up3.recall, entries, up3.message, 'newer')!;
    const down2 = recallStep(down1.recall, entries, down1.message, 'newer')!;
    expect(down2.message.text).toBe('new');
    const back = recallStep(down2.recall, entries, down2.message, 'newer')!;
    expect(back.message).toEqual(draft);
    expect(back.recall).toEqual(NOT_RECALLING);
    expect(recallStep(back.recall, entries, back.message, 'newer')).toBeUndefined();
  });

  it('↑ with no history goes nowhere', () => {
    expect(recallStep(NOT_RECALLING, [], message('x'), 'older')).toBeUndefined();
  });

  it('a saved message is the send draft without its target, other options included', () => {
    const draft = { ...message('x'), target: 'all', repeat: true };
    expect(messageOf(draft)).toEqual({ ...message('x'), repeat: true });
  });
});

describe('presets', () => {
  const presets: Preset[] = [
    { id: 'g1', name: 'Ping', sessionId: null, message: message('PING') },
    { id: 'a1', name: 'A only', sessionId: 's1', message: message('A') },
    { id: 'b1', name: 'B only', sessionId: 's2', message: message('B') },
    { id: 'g2', name: '查询', sessionId: null, message: message('查询', { encoding: 'gbk' }) },
  ];

  it('a session shows the global presets and its own, in order', () => {
    expect(presetsFor(presets, 's1').map((p) => p.id)).toEqual(['g1', 'a1', 'g2']);
    expect(presetsFor(presets, 's2').map((p) => p.id)).toEqual(['g1', 'b1', 'g2']);
  });

  it('moving swaps with the neighbour this session shows, skipping other sessions’ presets', () => {
    const moved = movePreset(presets, 's1', 'g2', -1);
    expect(presetsFor(moved, 's1').map((p) => p.id)).toEqual(['g1', 'g2', 'a1']);
    // s2 still sees its own between the globals, whose order changed for everyone only where s1 asked.
    expect(moved.map((p) => p.id)).toEqual(['g1', 'g2', 'b1', 'a1']);
    expect(movePreset(presets, 's1', 'g1', -1)).toEqual(presets);
    expect(movePreset(presets, 's1', 'g2', 1)).toEqual(presets);
  });

  it('rename, delete and undo put everything back where it was', () => {
    const renamed = renamePreset(presets, 'a1', '新名字');
    expect(renamed[1].name).toBe('新名字');
    const { presets: without, removed, index } = deletePreset(renamed, 'a1');
    expect(without.map((p) => p.id)).toEqual(['g1', 'b1', 'g2']);
    expect(restorePreset(without, removed!, index)).toEqual(renamed);
  });

  it('export then import gives the same presets; session ones belong to the importing session', () => {
    const text = exportPresets(presets, 's1');
    const file = JSON.parse(text) as { format: string; presets: Array<{ scope: string }> };
    expect(file.format).toBe(PRESETS_FILE_FORMAT);
    expect(file.presets.map((p) => p.scope)).toEqual(['global', 'session', 'global']);
    const imported = importPresets(text, 's9', newId);
    if (!imported.ok) throw new Error(imported.error.message);
    expect(imported.value.map((p) => [p.name, p.sessionId, p.message])).toEqual([
      ['Ping', null, message('PING')],
      ['A only', 's9', message('A')],
      ['查询', null, message('查询', { encoding: 'gbk' })],
    ]);
  });

  it('an option the send box gained later survives export and import', () => {
    const withField: Preset[] = [{ id: 'x', name: 'x', sessionId: null, message: { ...message('x'), counter: 5 } }];
    const imported = importPresets(exportPresets(withField, 's1'), 's1', newId);
    expect(imported.ok && imported.value[0].message).toEqual({ ...message('x'), counter: 5 });
  });

  it('a bad file is refused whole, saying what is wrong', () => {
    const refuse = (text: string) => {
      const result = importPresets(text, 's1', newId);
      if (result.ok) throw new Error('imported a bad file');
      return result.error.message;
    };
    expect(refuse('{ not json')).toMatch(/^The file is not JSON/);
    expect(refuse('{"presets": []}')).toMatch(/not a Sockpit presets file/);
    expect(refuse(JSON.stringify({ format: PRESETS_FILE_FORMAT, version: 2, presets: [] }))).toMatch(/version/);
    const bad = {
      format: PRESETS_FILE_FORMAT,
      version: 1,
      presets: [
        { name: 'ok', message: message('fine') },
        { name: 'bad', message: { ...message('x'), encoding: 'klingon' } },
      ],
    };
    expect(refuse(JSON.stringify(bad))).toMatch(/presets\[1\]\.message\.encoding: The encoding must be one of/);
    expect(refuse(JSON.stringify({ ...bad, presets: [{ name: '  ', message: message('x') }] }))).toMatch(
      /presets\[0\]\.name: A preset needs a name/,
    );
  });

  it('adding beyond the limit adds nothing', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...presets[0], id: `m${i}` }));
    const added = addPresets(many, [presets[1]]);
    expect(added.ok).toBe(false);
    expect(addPresets(presets, [presets[0]]).ok).toBe(true);
  });
});

describe('storage', () => {
  const empty = { version: 1 as const, presets: [] };

  it('reads what was saved', () => {
    const storage = memoryStorage();
    const value = { version: 1 as const, presets: [{ id: 'a', name: 'A', sessionId: null, message: message('a') }] };
    expect(saveStored(storage, 'k', value)).toBeUndefined();
    expect(loadStored(storage, 'k', StoredPresets, empty)).toEqual({ value });
  });

  it('a corrupt value is reported and kept aside, not thrown; the app starts empty', () => {
    const storage = memoryStorage({ k: '{"version":1,"presets":[{"id":"a"' });
    const loaded = loadStored(storage, 'k', StoredPresets, empty);
    expect(loaded.value).toEqual(empty);
    expect(loaded.problem).toMatch(/not JSON/);
    expect(loaded.keptAs).toBe('k.corrupt');
    expect(storage.items.get('k.corrupt')).toBe('{"version":1,"presets":[{"id":"a"');

    storage.items.set('k', JSON.stringify({ version: 1, presets: [{ id: 'a', name: '', sessionId: null }] }));
    const invalid = loadStored(storage, 'k', StoredPresets, empty);
    expect(invalid.problem).toMatch(/presets\[0\]/);
    expect(invalid.value).toEqual(empty);
  });

  it('storage that refuses to save is reported in words', () => {
    const full: SavedStorage = {
      read: () => null,
      write: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(saveStored(full, 'k', empty)).toBe('Could not save: QuotaExceededError');
  });
});
