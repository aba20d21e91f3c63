import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The CLI and bridge tests spawn bin/, which runs the built faces (out/cli, out/bridge): build them from
// the sources under test first (about a second), so no test ever runs an older build.
export default function buildFaces(): void {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-faces.mjs')], { stdio: 'inherit' });
}
