import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseWorkspaceText } from '../../engine/workspace-file';
import { startProgram, stopAll } from '../helpers/processes';
import { savedDocument, saveNumberOf } from './children/workspace-documents';

// The "Done when": kill -9 during a run of saves never corrupts the workspace. A real child process saves
// a changing workspace through the keeper again and again; the test SIGKILLs it at moments spread over its writes,
// then reads what is on disk.

const KILLS = 30;
const SAVES = 100;
/** Every round sees at least one save, so a slow machine reaches SAVES within this many kills. */
const MAX_KILLS = SAVES + KILLS;
const SAVES_PER_CHILD = 100_000;

let folder: string;
let saver: string;

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'sockpit-kill-'));
  saver = path.join(folder, 'workspace-saver.cjs');
  await build({
    entryPoints: [path.join(__dirname, 'children', 'workspace-saver.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: saver,
    logLevel: 'silent',
  });
});
afterEach(stopAll);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A small fixed-seed generator: the kill moments differ from round to round, and the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('the workspace file under kill -9', () => {
  it(`stays one of the saved documents through ${KILLS}+ kills in the middle of ${SAVES}+ saves`, async () => {
    const file = path.join(folder, 'workspace.json');
    const next = random(12);
    let savesSeen = 0;
    let lastConfirmed: number | undefined;
    // At least KILLS kills and at least SAVES saves: a loaded machine saves less between kills, so it gets more.
    for (let round = 0; round < MAX_KILLS && (round < KILLS || savesSeen < SAVES); round++) {
      const first = round * SAVES_PER_CHILD;
      const child = startProgram(process.execPath, [saver, file, String(first), String(SAVES_PER_CHILD)]);
      await child.waitForLine(/^ready$/);
      // Let it save a few times, then kill it at a moment that lands anywhere in a write (including before any).
      await child.waitForLine(new RegExp(`^saved ${first + Math.floor(next() * 4)}$`));
      await new Promise((resolve) => setTimeout(resolve, next() * 15));
      child.process.kill('SIGKILL');
      const ended = await child.exited();
      expect(ended.signal, ended.stderr).toBe('SIGKILL');

      const confirmed = [...ended.stdout.matchAll(/^saved (\d+)$/gm)].map((match) => Number(match[1]));
      savesSeen += confirmed.length;
      const read = parseWorkspaceText(readFileSync(file, 'utf8'), file);
      if (read.kind !== 'document')
        throw new Error(`after kill ${round + 1}: ${read.kind}: ${'message' in read ? read.message : ''}`);
      const number = saveNumberOf(read.document);
      expect(number, `after kill ${round + 1}`).toBeDefined();
      // Exactly a document that was saved: not a mix, not a half.
      expect(read.document).toEqual(savedDocument(number!));
      // Never older than the last save the child confirmed, and never from a save it had not begun.
      const newestConfirmed = confirmed.at(-1) ?? lastConfirmed;
      if (newestConfirmed !== undefined) expect(number!).toBeGreaterThanOrEqual(newestConfirmed);
      expect(number!).toBeLessThanOrEqual(confirmed.length > 0 ? confirmed.at(-1)! + 1 : first);
      lastConfirmed = newestConfirmed;
      // A temp file a kill left is never the workspace; the next open removes it.
      for (const name of readdirSync(folder))
        expect(name === 'workspace.json' || name.includes('.tmp-') || name.endsWith('.cjs')).toBe(true);
    }
    expect(savesSeen).toBeGreaterThanOrEqual(SAVES);

    // A last open cleans up whatever temp file the kills left behind.
    const child = startProgram(process.execPath, [saver, file, '0', '0']);
    expect((await child.exited()).code).toBe(0);
    expect(readdirSync(folder).filter((name) => name.includes('.tmp-'))).toEqual([]);
  }, 300_000);
});
