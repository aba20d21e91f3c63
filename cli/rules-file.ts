// `--rules FILE`: the auto-reply rules the app exports, read and judged before any socket opens.
import { readFile } from 'node:fs/promises';
import { describePosition } from '../shared/codec/hex';
import { formatIssues, RuleSet, type RuleSetInput } from '../shared/contract';
import { fail, ok, type Result } from '../shared/result';

const HINT = 'The format is described in the README, section "Auto-reply rules"; the app exports a working file.';

/** The file's rules, or what is wrong with them: the JSON path of the problem, or the line and column of bad JSON. */
export async function loadRulesFile(path: string): Promise<Result<RuleSetInput>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    return fail('E_VALIDATION', `Cannot read the rules file ${path}: ${why}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = at ? ` at ${describePosition(text, Number(at[1]))}` : '';
    const reason = message.replace(/ in JSON at position \d+.*$/s, '');
    return fail('E_VALIDATION', `The rules file ${path} is not valid JSON${where}: ${reason}.`, { hint: HINT });
  }
  const parsed = RuleSet.safeParse(json);
  if (!parsed.success) {
    return fail('E_VALIDATION', `The rules file ${path} has a problem: ${formatIssues(parsed.error)}`, { hint: HINT });
  }
  return ok(json as RuleSetInput);
}
