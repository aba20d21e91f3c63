import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startChild, stopAllChildren } from './lib/children';
import { fmtCount, fmtMiB, fmtMs, fmtRate, fmtRatio, GiB, median, MiB } from './lib/numbers';
import type { CpuTime } from './lib/protocol';
import { alternating, atLeast, check, errorText, finish, newResult, type BenchResult } from './lib/result';

// File send: one file of random bytes, sent over loopback TCP to a receiver process that hashes every
// byte (bench/children/file.ts) by (a) bare Node, `fs.createReadStream(path).pipe(socket)`, and (b) the
// Sockpit engine's `file.send.start` from a TCP client session. Rate = bytes / (accepted → closed),
// measured in the receiver, the same for both. The sides alternate (A B, B A, …).

export interface FileOptions {
  totalBytes: number;
  reps: number;
  runTimeoutMs: number;
}

export const FILE_FULL: FileOptions = { totalBytes: 1 * GiB, reps: 3, runTimeoutMs: 180_000 };
export const FILE_SMOKE: FileOptions = { totalBytes: 8 * MiB, reps: 1, runTimeoutMs: 60_000 };

interface Received {
  bytes: number;
  sha256: string;
  ms: number;
  cpu: CpuTime;
}

interface SenderTotals {
  rssBytes: number;
  cpu: CpuTime;
  state?: string;
  sentBytes?: number;
}

export interface FileRun {
  side: 'bare' | 'sockpit';
  bytes: number;
  ms: number;
  rate: number;
  sha256: string;
  senderCpuMs: number;
  senderRssBytes: number;
  state?: string;
}

/** Random bytes written in 4 MiB pieces (the file is never whole in memory); returns its sha256. */
function makeFile(file: string, bytes: number): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  try {
    for (let left = bytes; left > 0;) {
      const piece = Buffer.alloc(Math.min(4 * MiB, left));
      // A cheap pseudo-random fill: the bytes only need to differ so a lost or repeated part changes the hash.
      let x = left >>> 0 || 1;
      for (let i = 0; i < piece.length; i += 4) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        piece.writeUInt32LE(x >>> 0, i);
      }
      hash.update(piece);
      writeSync(fd, piece);
      left -= piece.length;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

async function runSide(side: 'bare' | 'sockpit', file: string, options: FileOptions): Promise<FileRun> {
  const receiver = await startChild('file');
  const sender = await startChild('file');
  try {
    const { port } = await receiver.call<{ port: number }>('listen');
    const received = receiver.next<Received>('received', options.runTimeoutMs);
    const totals = await sender.call<SenderTotals>(
      side === 'bare' ? 'sendBare' : 'sendSockpit',
      { port, path: file },
      options.runTimeoutMs,
    );
    const got = await received;
    return {
      side,
      bytes: got.bytes,
      ms: got.ms,
      rate: (got.bytes / got.ms) * 1000,
      sha256: got.sha256,
      senderCpuMs: totals.cpu.userMs + totals.cpu.systemMs,
      senderRssBytes: totals.rssBytes,
      state: totals.state,
    };
  } finally {
    await Promise.all([receiver.stop(), sender.stop()]);
  }
}

export async function benchFile(
  options: FileOptions,
  mode: 'full' | 'smoke',
  preliminary = false,
): Promise<BenchResult & { runs: FileRun[] }> {
  const started = performance.now();
  const result = Object.assign(newResult('file', 'File send over TCP', mode, preliminary), { runs: [] as FileRun[] });
  const folder = mkdtempSync(path.join(tmpdir(), 'sockpit-bench-file-'));
  const file = path.join(folder, 'payload.bin');
  result.commands.push(
    `file: ${fmtCount(options.totalBytes)} pseudo-random bytes in a temporary folder, removed afterwards`,
    'receiver: a Node process (bench/children/file.ts listen) that sha256-hashes every byte and reports at close',
    'bare: fs.createReadStream(path).pipe(socket) in a Node process of its own (sendBare)',
    'sockpit: Engine + TCP client session + file.send.start { source: path } in a Node process of its own (sendSockpit)',
  );
  try {
    const sha256 = makeFile(file, options.totalBytes);
    await alternating(['bare', 'sockpit'] as const, options.reps, (side) => runSide(side, file, options), result.runs);
    for (const run of result.runs) {
      check(
        result,
        `${run.side === 'bare' ? 'bare Node' : 'Sockpit'}: the receiver got the file byte for byte`,
        run.bytes === options.totalBytes && run.sha256 === sha256,
        `${fmtCount(run.bytes)} of ${fmtCount(options.totalBytes)} bytes, sha256 ${run.sha256 === sha256 ? 'matches' : `differs (${run.sha256})`}`,
      );
      if (run.side === 'sockpit')
        check(result, 'Sockpit: the job ended "done"', run.state === 'done', `ended ${run.state ?? '(unknown)'}`);
    }
  } catch (err) {
    result.error = errorText(err);
  } finally {
    await stopAllChildren();
    rmSync(folder, { recursive: true, force: true });
  }
  const bare = result.runs.filter((run) => run.side === 'bare');
  const sockpit = result.runs.filter((run) => run.side === 'sockpit');
  const bareRate = median(bare.map((run) => run.rate));
  const sockpitRate = median(sockpit.map((run) => run.rate));
  result.targets.push(
    atLeast(
      'file send rate, Sockpit ÷ bare Node pipe() (medians)',
      sockpitRate / bareRate,
      0.8,
      fmtRatio,
      `bare Node pipe() ${fmtRate(bareRate)} in this run`,
    ),
  );
  result.tables.push({
    caption: 'Every run, in the order run',
    head: ['#', 'sender', 'rate', 'time', 'sender CPU', 'sender peak RSS'],
    rows: result.runs.map((run, i) => [
      String(i + 1),
      run.side === 'bare' ? 'bare Node pipe()' : 'Sockpit',
      fmtRate(run.rate),
      fmtMs(run.ms),
      fmtMs(run.senderCpuMs),
      fmtMiB(run.senderRssBytes),
    ]),
  });
  const perGiB = (runs: FileRun[]) => median(runs.map((run) => (run.senderCpuMs / run.bytes) * GiB));
  if (bare.length > 0 && sockpit.length > 0) {
    result.why.push(
      `Sender CPU per GiB: bare ${fmtMs(perGiB(bare))}, Sockpit ${fmtMs(perGiB(sockpit))}; Sockpit also records every 64 KiB write as a tx record (kept within the capture's cap). ` +
        'Receiver and sender share 2 cores, and the receiver hashes every byte, so it sets the pace for both.',
    );
  }
  return finish(result, started) as BenchResult & { runs: FileRun[] };
}
