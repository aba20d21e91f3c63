import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

// Writes every skipped test with its note (`ctx.skip(note)`) to .vitest-skips.json, which vitest's own
// JSON report leaves out. scripts/peers-summary.cjs reads it, with Playwright's report, at the end of
// `npm test` to say which optional peers were missing.
export default class SkipNotesReporter implements Reporter {
  private root = process.cwd();

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: Array<{ file: string; test: string; note: string | null }> = [];
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const result = test.result();
        if (result.state !== 'skipped') continue;
        skipped.push({
          file: path.relative(this.root, testModule.moduleId),
          test: test.fullName,
          note: result.note ?? null,
        });
      }
    }
    writeFileSync(path.join(this.root, '.vitest-skips.json'), `${JSON.stringify({ skipped }, null, 2)}\n`);
  }
}
