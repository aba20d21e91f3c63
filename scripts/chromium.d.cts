// Types for scripts/chromium.cjs, so TypeScript (the Playwright config, the benchmarks) can import it.
export interface ChromiumChoice {
  path: string;
  /** What `--version` printed, e.g. "Chromium 156.0.8078.108 built on Debian …". */
  version: string;
  /** Where it came from: CHROMIUM_PATH, the system, or npm's @sparticuz/chromium. */
  source: string;
  /** Candidates passed over, each with why. */
  tried?: string[];
}
/** The Chromium to use, unpacking the packaged one if it comes to that. */
export function resolveChromium(): Promise<ChromiumChoice>;
/** The same choice without unpacking; throws when there is none yet. */
export function findChromiumSync(): string;
