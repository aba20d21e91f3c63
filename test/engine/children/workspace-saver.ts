// A process that saves a changing workspace as fast as it can, for the kill -9 test: it opens the file the way a
// face does (leftover temp files removed), then saves document `first`, `first + 1`, … and prints "saved N" after
// each write is on disk. Built by the test with esbuild and run as plain Node, so it starts quickly.
import { removeLeftoverTemps, WorkspaceFile } from '../../../engine/workspace-file';
import { savedDocument } from './workspace-documents';

async function main(): Promise<void> {
  const [file, firstText, countText] = process.argv.slice(2);
  if (!file || !firstText || !countText) throw new Error('usage: workspace-saver FILE FIRST COUNT');
  await removeLeftoverTemps(file);
  const keeper = new WorkspaceFile(file, {
    onSaved: (event) => {
      if (event.error) process.stderr.write(`save failed: ${event.error.message}\n`);
    },
  });
  process.stdout.write('ready\n');
  const first = Number(firstText);
  for (let n = first; n < first + Number(countText); n++) {
    keeper.changed(() => savedDocument(n));
    await keeper.flush();
    process.stdout.write(`saved ${n}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
