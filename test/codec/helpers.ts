import { expect } from 'vitest';
import type { Result, SockpitError } from '../../shared/result';

/** Independent of formatHex, so a bug there cannot hide one elsewhere. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

export function bytesOf(spaced: string): Uint8Array {
  return spaced === '' ? new Uint8Array(0) : Uint8Array.from(spaced.split(' '), (h) => parseInt(h, 16));
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export function errorOf<T>(result: Result<T>): SockpitError {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
