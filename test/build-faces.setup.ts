import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The CLI and bridge tests spawn bin/, which runs the built faces (out/cli, out/bridge): build them from
// the sources under test first (about a second), so no test ever runs an older build.
export default function buildFaces(): () => void {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-faces.mjs')], { stdio: 'inherit' });
  // Every bridge a test starts without its own --data-dir keeps its workspace here, never in the real home folder.
  if (process.env.SOCKPIT_DATA_DIR) return () => undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sockpit-test-data-'));
  process.env.SOCKPIT_DATA_DIR = dataDir;
  return () => rmSync(dataDir, { recursive: true, force: true });
}
