import { z } from 'zod';
import { CHECKSUMS, ENCODINGS, LINE_ENDINGS, SEND_MODES } from '../codec/options';
import { keyedError } from '../errors/word';
import type { SockpitError } from '../result';

// Field schemas shared by every command. Each says in plain words what is wrong, because these
// messages reach the person who typed the value.

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

function isIpv6(text: string): boolean {
  const [address, zone, ...rest] = text.split('%');
  if (rest.length > 0 || zone === '' || (zone !== undefined && !/^[\w.-]{1,64}$/.test(zone))) return false;
  if (!/^[0-9A-Fa-f:.]+$/.test(address) || !address.includes(':')) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...tail];
  let width = 0;
  for (let i = 0; i < all.length; i++) {
    const group = all[i];
    if (i === all.length - 1 && group.includes('.')) {
      if (!IPV4.test(group)) return false;
      width += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(group)) {
      width += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? width < 8 : width === 8;
}

export function hostProblem(text: string): string | undefined {
  return hostError(text)?.message;
}

/** What is wrong with a typed host, as an error the interface can word in its own language. */
export function hostError(text: string): SockpitError | undefined {
  if (text.length === 0) return keyedError('E_VALIDATION', 'host-empty');
  if (text.length > 253) return keyedError('E_VALIDATION', 'host-too-long');
  if (/\s/.test(text)) return keyedError('E_VALIDATION', 'host-space', { host: text });
  if (IPV4.test(text) || isIpv6(text)) return undefined;
  if (/^[\d.]+$/.test(text)) return keyedError('E_VALIDATION', 'host-bad-ipv4', { host: text });
  if (text.includes(':')) return keyedError('E_VALIDATION', 'host-bad-ipv6', { host: text });
  const labels = text.endsWith('.') ? text.slice(0, -1).split('.') : text.split('.');
  if (labels.every((label) => HOSTNAME_LABEL.test(label))) return undefined;
  return keyedError('E_VALIDATION', 'host-bad', { host: text });
}

export const Host = z.string().superRefine((text, ctx) => {
  const problem = hostProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A port to connect or send to: 1–65535. */
export const RemotePort = z
  .number({ error: 'The port must be a number from 1 to 65535.' })
  .int('The port must be a whole number from 1 to 65535.')
  .min(1, 'Port 0 cannot be connected to: choose a port from 1 to 65535.')
  .max(65535, 'The port must be at most 65535.');

/** A port to listen on or bind: 0 asks the system for a free one. */
export const LocalPort = z
  .number({ error: 'The port must be a number from 0 to 65535.' })
  .int('The port must be a whole number from 0 to 65535.')
  .min(0, 'The port cannot be negative: use 0 to let the system choose one.')
  .max(65535, 'The port must be at most 65535.');

export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, 'An id has only letters, digits, "_", "-" and ".".');

export const Encoding = z.enum(ENCODINGS, { error: `The encoding must be one of: ${ENCODINGS.join(', ')}.` });
export const LineEnding = z.enum(LINE_ENDINGS, {
  error: `The line ending must be one of: ${LINE_ENDINGS.join(', ')}.`,
});
export const Checksum = z.enum(CHECKSUMS, { error: `The checksum must be one of: ${CHECKSUMS.join(', ')}.` });
export const SendMode = z.enum(SEND_MODES, { error: 'The send mode is "text" or "hex".' });

/** Milliseconds with sane bounds, so a typo cannot arm a timer for a year or spin at 0 ms. */
export const Millis = (min: number, max: number) =>
  z
    .number()
    .int(`Must be a whole number of milliseconds.`)
    .min(min, `Must be at least ${min} ms.`)
    .max(max, `Must be at most ${max} ms.`);

/** The longest message one send may carry, in characters of input. Larger pastes are refused whole. */
export const MAX_SEND_INPUT_CHARS = 16 * 1024 * 1024;
