// --interval, --repeat and --counter: read here, judged by the same contract schemas as the engine's commands.
import { CounterField, JobTimes, MAX_INTERVAL_MS, RepeatInterval, type JobTimes as Times } from '../shared/contract';
import type { CounterField as Counter } from '../shared/contract';
import { fail, ok, type Result } from '../shared/result';

/** How the CLI's sends are paced: each item `intervalMs` after the one before, the whole list `times` times. */
export interface SendSchedule {
  intervalMs?: number;
  times: Times;
}

function usage(message: string): Result<never> {
  return fail('E_USAGE', message, { hint: 'Run "sockpit --help" to see every option.' });
}

export function parseSchedule(
  intervalText: string | undefined,
  repeatText: string | undefined,
): Result<SendSchedule | undefined> {
  if (intervalText === undefined && repeatText === undefined) return ok(undefined);
  let intervalMs: number | undefined;
  if (intervalText !== undefined) {
    if (!/^\d+$/.test(intervalText.trim()))
      return usage(
        `--interval needs a whole number of milliseconds from 1 to ${MAX_INTERVAL_MS}, not "${intervalText}".`,
      );
    const checked = RepeatInterval.safeParse(Number(intervalText));
    if (!checked.success) return usage(`--interval: ${checked.error.issues[0].message}`);
    intervalMs = checked.data;
  }
  let times: Times = 1;
  if (repeatText !== undefined) {
    const value =
      repeatText.trim() === 'forever' ? 'forever' : /^\d+$/.test(repeatText.trim()) ? Number(repeatText) : NaN;
    const checked = JobTimes.safeParse(value);
    if (!checked.success)
      return usage(`--repeat needs a whole number of times from 1, or "forever", not "${repeatText}".`);
    times = checked.data;
  }
  return ok({ intervalMs, times });
}

/** START[:STEP[:WIDTH[:be|le|text]]], e.g. 1, 0:2, 1:1:2:le, 100:1:1:text. */
export function parseCounter(text: string): Result<Counter> {
  const parts = text.split(':');
  if (parts.length > 4 || parts.some((part) => part.trim() === ''))
    return usage(`--counter needs START[:STEP[:WIDTH[:be|le|text]]], e.g. 1:1:2:le, not "${text}".`);
  const [start, step, width, format] = parts;
  const number = (part: string | undefined) =>
    part === undefined ? undefined : /^-?\d+$/.test(part) ? Number(part) : part;
  const checked = CounterField.safeParse({
    start: number(start),
    ...(step !== undefined ? { step: number(step) } : {}),
    ...(width !== undefined ? { width: number(width) } : {}),
    ...(format !== undefined ? { format } : {}),
  });
  if (!checked.success) return usage(`--counter "${text}": ${checked.error.issues[0].message}`);
  return ok(checked.data);
}
