import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// R-FUSES without an Electron binary: a file laid out like one — the fuse sentinel, wire version 1 and
// Electron 45's nine fuses at their shipped defaults — big enough not to count as a placeholder.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar,
// BrowserProcessSpecificV8Snapshot, GrantFileProtocolExtraPrivileges, WasmTrapHandlers.
const ELECTRON_45_DEFAULTS = '101100011';
/** How the wire stores a fuse: an ASCII digit. */
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

type ApplyFuses = (
  binary: string,
  options?: { log?: (line: string) => void },
) => Promise<{ applied: boolean; reason?: string }>;
const { applyFuses } = createRequire(import.meta.url)('../../scripts/after-pack.cjs') as { applyFuses: ApplyFuses };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sockpit-fuses-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fakeElectron(wire = ELECTRON_45_DEFAULTS, size = 2 * 1024 * 1024): string {
  const binary = Buffer.alloc(size, 0x90);
  const at = 4096;
  binary.write(SENTINEL, at, 'latin1');
  binary[at + SENTINEL.length] = 1;
  binary[at + SENTINEL.length + 1] = wire.length;
  binary.write(wire, at + SENTINEL.length + 2, 'latin1');
  const file = path.join(dir, 'sockpit');
  writeFileSync(file, binary);
  return file;
}

describe('R-FUSES: the afterPack hook', () => {
  it('flips every required fuse and leaves the rest alone', async () => {
    const file = fakeElectron();
    const lines: string[] = [];
    await expect(applyFuses(file, { log: (line) => lines.push(line) })).resolves.toEqual({ applied: true });
    const wire = await getCurrentFuseWire(file);
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(OFF);
    // The ninth fuse (WasmTrapHandlers) is newer than @electron/fuses 1.x and keeps Electron's default.
    const bytes = readFileSync(file, 'latin1');
    const start = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect(bytes.slice(start, start + ELECTRON_45_DEFAULTS.length)).toBe('010011001');
    expect(lines.join('\n')).toContain('fuses applied');
  });

  it('skips a placeholder binary and says so, touching nothing', async () => {
    const file = path.join(dir, 'sockpit');
    writeFileSync(file, '#!/bin/sh\nexit 1\n');
    const lines: string[] = [];
    const result = await applyFuses(file, { log: (line) => lines.push(line) });
    expect(result.applied).toBe(false);
    expect(result.reason).toMatch(/placeholder/);
    expect(lines.join('\n')).toMatch(/fuses NOT applied/);
    expect(readFileSync(file, 'utf8')).toBe('#!/bin/sh\nexit 1\n');
  });

  it('fails the build for a real-sized binary without a fuse wire, rather than shipping it unfused', async () => {
    const file = path.join(dir, 'sockpit');
    writeFileSync(file, Buffer.alloc(2 * 1024 * 1024, 0x90));
    await expect(applyFuses(file, { log: () => {} })).rejects.toThrow(/sentinel/);
  });

  it('fails the build when the binary is missing (a misconfigured build must not ship unfused)', async () => {
    await expect(applyFuses(path.join(dir, 'nope'), { log: () => {} })).rejects.toThrow(/ENOENT/);
  });
});
