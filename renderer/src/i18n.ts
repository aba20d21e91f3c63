// Looking words up in the interface's language. The words themselves are in words.ts: plain data that any
// module (and a test in plain Node) can import without the store.
import { useApp, type Language } from './state/store';
import { en, zh, type Dictionary, type MessageKey, type NoteKey } from './words';

const DICTIONARIES: Record<Language, Dictionary> = { en, 'zh-CN': zh };

export type { MessageKey, NoteKey };

function fill(template: string, values?: Record<string, string | number>): string {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function translate(language: Language, key: MessageKey, values?: Record<string, string | number>): string {
  return fill(DICTIONARIES[language][key], values);
}

export function translateNote(language: Language, key: NoteKey, values?: Record<string, string | number>): string {
  return fill(DICTIONARIES[language].note[key], values);
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

// One function per language, so a memoized row sees the same `t` until the language changes.
const translators = new Map<Language, Translate>();

export function useT(): Translate {
  const language = useApp((state) => state.language);
  let t = translators.get(language);
  if (!t) translators.set(language, (t = (key, values) => translate(language, key, values)));
  return t;
}
