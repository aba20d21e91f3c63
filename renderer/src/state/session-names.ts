// Names the app makes ("TCP server 1", "TCP 服务器 1") follow the interface's language: when the language
// changes, every session still carrying such a name is renamed in the engine, so the sidebar, the pane,
// other tabs and the CLI all read the same name. A name the user gave is never touched.
import { translate } from '../i18n';
import type { SessionKind } from '../../../shared/contract';
import { runCommand } from './actions';
import { useApp, type Language } from './store';

const LANGUAGES: Language[] = ['en', 'zh-CN'];

/** The number in a name the app made for this kind of session, in either language; undefined for any other name. */
export function autoNameNumber(name: string, kind: SessionKind): number | undefined {
  for (const language of LANGUAGES) {
    const prefix = `${translate(language, `kind.${kind}`)} `;
    const rest = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    if (/^[1-9]\d{0,5}$/.test(rest)) return Number(rest);
  }
  return undefined;
}

async function renameAutoNamed(language: Language): Promise<void> {
  const state = useApp.getState();
  const taken = new Set(Object.values(state.sessions).map((session) => session.name));
  for (const sessionId of state.order) {
    const session = state.sessions[sessionId];
    if (!session || !state.views[sessionId]?.autoName) continue;
    const n = autoNameNumber(session.name, session.config.kind);
    if (n === undefined) continue;
    const name = `${translate(language, `kind.${session.config.kind}`)} ${n}`;
    if (taken.has(name)) continue;
    taken.add(name);
    await runCommand({ type: 'session.rename', sessionId, name });
  }
}

/** Start following the language; returns the way to stop. */
export function followLanguage(): () => void {
  return useApp.subscribe((state, previous) => {
    if (state.language !== previous.language) void renameAutoNamed(state.language);
  });
}
