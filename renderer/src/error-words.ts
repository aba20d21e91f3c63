// Errors in the interface's language. Every place that shows an error or its hint words it here, from the
// error's catalog key and params (shared/errors); an error without a known key keeps the English it came with.
import { useCallback } from 'react';
import { errorLine, wordError, type ErrorLanguage } from '../../shared/errors/word';
import type { ErrorText } from '../../shared/errors/catalog';
import type { SockpitError } from '../../shared/result';
import { useApp } from './state/store';

export type WordError = (error: SockpitError) => ErrorText;

/** For components: re-words when the language changes. */
export function useWordError(): WordError {
  const language: ErrorLanguage = useApp((state) => state.language);
  return useCallback((error: SockpitError) => wordError(error, language), [language]);
}

/** Message and hint in the current language, for code outside components. */
export function errorWords(error: SockpitError): ErrorText {
  return wordError(error, useApp.getState().language);
}

/** "Message. Hint." in one line, in the current language (log rows, the banner). */
export function errorSentence(error: SockpitError): string {
  return errorLine(error, useApp.getState().language);
}
