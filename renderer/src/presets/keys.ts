import type { KeyboardEvent } from 'react';
import { recallHistory, sendPresetNumber } from './store';

/**
 * ↑ and ↓ in the message box recall sent messages, but only from the first line (↑) or the last line (↓)
 * with nothing selected, so moving through a multi-line message still works. True when the key was used.
 */
export function recallKey(event: KeyboardEvent<HTMLTextAreaElement>, sessionId: string): boolean {
  if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return false;
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.nativeEvent.isComposing) return false;
  const box = event.currentTarget;
  if (box.selectionStart !== box.selectionEnd) return false;
  const older = event.key === 'ArrowUp';
  const onEdgeLine = older
    ? !box.value.slice(0, box.selectionStart).includes('\n')
    : !box.value.slice(box.selectionEnd).includes('\n');
  if (!onEdgeLine || !recallHistory(sessionId, older ? 'older' : 'newer')) return false;
  event.preventDefault();
  return true;
}

/** Alt+1 … Alt+9 anywhere in the window send that preset of the active session. True when one was sent. */
export function presetShortcut(event: globalThis.KeyboardEvent, sessionId: string): boolean {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false;
  // The key's place, not its character: Alt+digit types other characters on some layouts.
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(event.code);
  if (!match || !sendPresetNumber(sessionId, Number(match[1]))) return false;
  event.preventDefault();
  return true;
}
