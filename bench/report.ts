import { renderHistory, type History } from './lib/history';
import type { Machine } from './lib/machine';
import { BENCH_NAMES, type BenchName, type BenchResult } from './lib/result';

// docs/PERFORMANCE.md is written from bench/results.json by `npm run bench`: today's figures beside the
// references and targets, how they were measured, and what the numbers say where a target is missed.

export interface StoredResult extends BenchResult {
  machine: Machine;
}

/** bench/results.json: each benchmark's last result, and the headline figures of past runs. */
export type StoredResults = Partial<Record<BenchName, StoredResult>> & { history?: History };

const METHOD: Record<BenchName, string> = {
  tcp:
    'A client process writes 2 GiB in 64 KiB writes (waiting for `drain`) to a server on 127.0.0.1. The bare server only adds up ' +
    'chunk lengths. The Sockpit server is the real engine — a TCP server session with capture on and the default 64 MiB cap — with ' +
    'one user interface attached through the real EventStream: a separate process (standing in for the renderer) gets every batch ' +
    'over IPC, decodes it with `decodeBatch` and acknowledges it. Rate = bytes ÷ (connection accepted → connection closed), timed ' +
    'inside the server process. The two alternate (A B B A …), five runs each, and the medians are compared: client, server and ' +
    'UI process share the two cores, so one run alone is noisy. Server CPU per GiB received (user + kernel, the server process ' +
    'alone) is compared the same way. Where socat is installed, `socat -u TCP-LISTEN:… /dev/null` takes its turn in the same ' +
    'rotation as a third receiver, fed by the same client: its rate (from its own log stamps, accepting → exiting) and CPU per GiB ' +
    'stand beside the others to show Sockpit next to a tool people use; it is not a target.',
  udp:
    'One sender process sends 1,000,000 datagrams of 64 B and of 1400 B to 127.0.0.1, paced at 100k/s (each 1 ms timer tick sends ' +
    'what the rate allows by then) and unpaced (as fast as one process can). Three receivers take turns: a Sockpit UDP session ' +
    '(UI attached as above, receive buffer 4 MiB requested), a bare Node `dgram` socket given the same 4 MiB, and a bare one with ' +
    "the system's default; where socat is installed, `socat -u UDP-RECV:… STDOUT` takes its turn as a fourth, shown beside " +
    'them and not a target. Rate = datagrams received ÷ (first → last received); loss = sent − received, and every loss is checked ' +
    "against the kernel's own drop counter for that socket (`/proc/net/udp`), which is also read one second after the sender " +
    'starts: losses while a receiver meets a flood (for Sockpit, code V8 has not optimised yet and capture memory the system has ' +
    'not mapped yet) are told apart from losses once it runs steadily. Unpaced cases run three times per receiver; paced ones three ' +
    'times each for Sockpit and bare Node, alternating (A B B A A B), whose median CPU per million datagrams is compared (one ' +
    "10 s run's CPU varies by about a tenth), and once for the others. Every paced run of Sockpit counts towards its loss target. " +
    'Where `taskset` is available the sender runs pinned to the first CPU and each receiver to the last, in every row, so the ' +
    'scheduler places Sockpit and its references alike; the Sockpit UI process forks and loads before the sender starts.',
  connections:
    'A client process opens 10,000 TCP connections to one server (at most 256 connecting at once; both servers listen with a ' +
    "backlog of 4096, since Node's default 511 overflows under such a burst and the clients then wait for SYN retries) and holds them. Accept time runs from telling the client to start until the server process reports " +
    'its 10,000th accepted connection. The Sockpit server is a TCP server session (no client limit set) with its UI attached; its RSS ' +
    'is the engine process alone (the UI is another process), peak over the whole run, with every connection open for 3 s after the ' +
    'last is accepted so the once-a-second counters reports of 10,000 connections are included. Three runs each, alternating.',
  echo:
    'One client process keeps a TCP connection to each of two echo servers — a Sockpit TCP server session with `echo: true` (capture ' +
    'and UI attached) and a bare Node server that writes back what it reads — and times 100-byte round trips one at a time, ' +
    'alternating between the servers in blocks of 1,000 so both see the same machine. 2,000 warm-up round trips each, then 50,000 ' +
    'each are timed; every reply is compared byte for byte.',
  window:
    'The real UI in Chromium (Playwright, headless; the browser line below says which Chromium) against the real browser bridge (engine + HTTP/WebSocket in one ' +
    'Node process, as `npm run web` runs it). A TCP server session and a UDP session are on screen side by side; the page first sits ' +
    'idle for 3 s, and its frame rate then is the reference. A peer process sends ' +
    '50 MB/s of mixed text (ASCII and UTF-8 Chinese lines, tabs, ANSI colour codes, control bytes, long JSON lines) for 20 s to the TCP ' +
    'session, then 100k small UDP datagrams/s for 10 s to the UDP one. Meanwhile the page records every requestAnimationFrame, ' +
    '"Pause view" of the flooded pane is clicked every second — pause, check for 0.4 s that the rows on screen hold still, ' +
    "resume at the next click — (click-to-effect = from the click event's timestamp to the first frame painted after the button " +
    "shows the new state), the renderer's JS heap is sampled over CDP every second, and the bridge process's RSS every 0.5 s. Afterwards " +
    "the engine's byte counters and the ones the page shows must equal what the peer sent.",
  redecode:
    'The same setup with one UDP session (capture limit raised to 1024 MiB in its options, so nothing is evicted: the engine counts ' +
    'each small record at its real memory cost). A peer sends 1,000,000 ' +
    'small GBK-encoded datagrams paced at 25k/s, topped up with more until the engine holds exactly 1,000,000 records whatever the ' +
    'kernel dropped; the view holds what it took in (it says how many it skipped). Then the "Receive encoding" select is switched ' +
    "between UTF-8 and GBK ten times. Each time the page measures from the `change` event's timestamp to the first frame painted after " +
    "the log's rows changed, and the visible rows are checked to read as the chosen encoding.",
  framing:
    'The TCP ingest setup with the client writing 1 GiB of 64-byte lines ending in "\\n", in 64 KiB writes. Four servers alternate, ' +
    'five runs each: bare Node that only counts; a Sockpit TCP server session as in TCP ingest (per-read framing, UI attached); the ' +
    'same session with framing `delimiter 0A` and one message listener (`Engine.onMessage`) counting every message, as auto-reply rules ' +
    'or `sockpit --frame` listen; and the same framing with nobody listening for messages (only a view would use it). The figures are ' +
    'the ingest ratio (Sockpit ÷ bare, medians) with framing minus the ratio without it.',
  drift:
    'The sender runs in the benchmark process, the receiver in a child Node process that timestamps each arriving UDP datagram ' +
    'with `performance.now()`. Sockpit: an engine UDP session repeating a 4-byte datagram with `send.repeat` (scheduled on absolute ' +
    'times, catching up in bounded bursts); bare: `dgram` `socket.send` from `setInterval(send, period)`. Each sends at a 10 ms ' +
    'period for 60 s, then at 1 ms for 10 s, one after the other. Period error = |mean gap between arrivals − period| ÷ period; ' +
    'jitter = |gap − period| per arrival; rate = arrivals per second between the first and the last.',
  charts:
    "In plain Node, on the renderer's own code: 100,000 received messages of 40 B (`T=21.53 status OK seq=…`) are appended to a " +
    "session's log (the reference: what every received record already costs the page), then a value chart with the regex " +
    '`T=(-?\\d+\\.\\d+)` is added, which reads those rows through the same adapter live rows take (`followReceivedMessages`): ' +
    'decode as UTF-8, match, store the point. Time per message, median of seven runs. The goal (2 µs, so that a 100k/s flood leaves ' +
    "four fifths of the main thread) is the charts' own.",
  search:
    "The renderer's log model (`SessionLog`, in Node) holds 1,000,000 short sensor lines; the newest is the only one that " +
    'matches. The real `LogScan` searches it in the slices the page uses (8 ms, then a yield to the event loop, as the page ' +
    'yields to input and painting) until the first result: text in any case and exact, hex, a regex over the decoded text, and ' +
    'Tx rows only. The reference is a plain loop over the same rows with the same byte search, in one go. Five runs each; the ' +
    'longest slice says whether the page could have frozen.',
  file:
    'A 1 GiB file of pseudo-random bytes (made in a temporary folder, removed afterwards) is sent over 127.0.0.1 to a receiver process ' +
    'that sha256-hashes every byte, by a bare Node sender (`fs.createReadStream(path).pipe(socket)`) and by the Sockpit engine ' +
    '(a TCP client session and `file.send.start` with the path; 64 KiB writes, each one tx record), each in a process of its own. ' +
    "Rate = bytes ÷ (connection accepted → closed), timed in the receiver; the hash must equal the file's. Three runs each, " +
    'alternating (A B, B A, A B), medians compared.',
  reframe:
    'The same setup with one UDP session (capture limit 1024 MiB). A peer sends 1,000,000 datagrams of one 24-byte numbered text ' +
    'line each, paced at 25k/s and topped up until the engine holds all of them. As the reference, the "Receive encoding" select is ' +
    'switched four times (re-decoding, the existing path); then the "Framing" select is switched between "Line" and "By delimiter" ' +
    '(delimiter 0A) ten times, each switch re-splitting the whole kept history into messages. Each switch is timed from its `change` ' +
    "event to the first frame painted after the log's rows changed, and the view must show one message per line of the whole " +
    'history, none pending or bad.',
  flood:
    'The real UI in Chromium against the real browser bridge, three panes on screen. For 60 s a python3 client writes 64 KiB blocks ' +
    'with `sendall` into a TCP server session (as fast as the engine reads: the rate the machine sustains) while a peer process sends ' +
    '100k 40-byte datagrams/s into a UDP session in the second pane. Twenty times during it: "Pause view" of the TCP pane (rows must ' +
    'then hold still), a wheel in the paused log, "Resume view", Send on a third session (a UDP one, to a python3 receiver), and a ' +
    "switch of the second pane to a fourth session's tab and back. Each is timed from its input event's timestamp to the first frame " +
    'painted with its effect in the DOM (button state, rows moved, the sent row, the other log). The page records every ' +
    "requestAnimationFrame; the renderer's JS heap with its typed arrays is sampled over CDP every second. Afterwards every send must " +
    'have reached the receiver exactly once, and the engine counted exactly what the peers sent.',
};

const TITLES: Record<BenchName, string> = {
  tcp: 'TCP ingest',
  udp: 'UDP ingest',
  connections: 'Connections',
  echo: 'Echo latency',
  window: 'The window under flood',
  redecode: 'Re-decode',
  framing: 'Framing at ingest',
  drift: 'Timed send drift',
  charts: 'Value charts under a flood',
  search: 'Log search',
  file: 'File send over TCP',
  reframe: 'Re-frame',
  flood: 'The tab under a sustained flood',
};

const ISSUE_REFERENCES: Array<[string, string]> = [
  ['iperf3, 1 TCP stream', '~3.6 GB/s'],
  ['socat, 128 KiB blocks, 4 GiB', '~3.0 GB/s'],
  ['Node `net` server that only counts bytes (client writes 64 KiB)', '~2.5 GB/s'],
  ['same + keeping a copy of every chunk in a 256 MiB ring', '~0.99× of that'],
  ["same + `toString('hex')` on every chunk", '0.16×'],
  ['same + iconv-lite GBK decode on every chunk', '0.10×'],
  [
    'Node UDP receive, 64 B / 1400 B datagrams',
    '~259k/s / ~234k/s; losses 4–6 % with the default receive buffer, 0 with 4 MiB',
  ],
  ['Node server holding N TCP connections', '10k: 0.84 s to establish, ~80 MiB RSS; ~3.7 KiB per connection'],
  ['100-byte echo round trip, Node ↔ Node', 'p50 62 µs, p99 92 µs'],
];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

function when(result: BenchResult): string {
  const date = result.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const flags = [
    result.mode === 'smoke' ? 'smoke scale' : 'full scale',
    result.preliminary ? 'preliminary' : '',
  ].filter(Boolean);
  return `${date} (${flags.join(', ')}; load ${result.loadAtStart.toFixed(2)} → ${result.loadAtEnd.toFixed(2)})`;
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? 'not measured' : met ? 'met' : '**missed**';
}

function machineRows(machine: Machine): string[][] {
  return [
    ['CPU', machine.cpu],
    ['cores', String(machine.cores)],
    ['RAM', `${(machine.ramBytes / 1024 ** 3).toFixed(1)} GiB`],
    ['OS', `${machine.os} (${machine.kernel})`],
    ['Node', machine.node],
    ...(machine.chromium ? [['browser', machine.chromium]] : []),
  ];
}

export function renderReport(results: StoredResults): string {
  const present = BENCH_NAMES.map((name) => results[name]).filter((r): r is StoredResult => Boolean(r));
  const out: string[] = [];
  out.push('# Performance');
  out.push('');
  out.push(
    'Written by `npm run bench` (bench/run.ts) from its last results (bench/results.json); do not edit by hand — change the ' +
      'benchmarks or bench/report.ts and run them again. Every figure is measured side by side with its reference in the same run, ' +
      "on the machine below; the issue's own reference figures (measured earlier on this machine) are listed at the end.",
  );
  out.push('');
  if (present.some((r) => r.preliminary)) {
    out.push(
      '> **Preliminary.** Results marked preliminary were taken while other work was using this 2-core machine; their timings are ' +
        'indications, not the final figures. The correctness checks hold regardless. Run `npm run bench` on a quiet machine to replace them.',
    );
    out.push('');
  }

  out.push('## Summary');
  out.push('');
  const summary: string[][] = [];
  for (const result of present) {
    const run = `${result.startedAt.slice(0, 10)}${result.preliminary ? ', preliminary' : ''}${result.mode === 'smoke' ? ', smoke' : ''}`;
    if (result.skipped) summary.push([result.title, 'skipped', '', '', result.skipped, '', run]);
    for (const target of result.targets)
      summary.push([result.title, target.what, target.figure, target.reference, target.goal, verdict(target.met), run]);
    if (result.error) summary.push([result.title, 'did not finish', '', '', result.error.split('\n')[0]!, '', run]);
  }
  out.push(table(['benchmark', 'what', 'Sockpit', 'reference (same run)', 'target', '', 'run'], summary));
  out.push('');
  const failedChecks = present.flatMap((r) =>
    r.checks.filter((c) => !c.ok).map((c) => `${r.title}: ${c.what} — ${c.detail}`),
  );
  out.push(
    failedChecks.length === 0
      ? `Correctness: all ${present.reduce((n, r) => n + r.checks.length, 0)} checks passed (counters exact, every loss accounted for, caps respected); details under each benchmark.`
      : `Correctness: **${failedChecks.length} check(s) failed**:\n\n${failedChecks.map((line) => `- ${line}`).join('\n')}`,
  );
  out.push('');
  out.push(...renderHistory(results.history));

  // One table per distinct machine; the browser version is whichever run had one.
  const machines = new Map<string, Machine>();
  for (const { machine } of present) {
    const key = JSON.stringify([
      machine.cpu,
      machine.cores,
      machine.ramBytes,
      machine.os,
      machine.kernel,
      machine.node,
    ]);
    const seen = machines.get(key);
    machines.set(key, { ...machine, chromium: machine.chromium ?? seen?.chromium });
  }
  out.push('## Machine');
  out.push('');
  for (const machine of machines.values()) {
    out.push(table(['', ''], machineRows(machine)));
    out.push('');
  }
  if (machines.size > 1)
    out.push('(The results below come from runs on different machines; each section names its run.)\n');

  out.push('## How to run');
  out.push('');
  out.push('```sh');
  out.push('npm install');
  out.push('npm run bench                      # all six, full scale (about 10 minutes); rewrites this file');
  out.push(
    'npm run bench -- tcp udp           # some of them: tcp udp connections echo window redecode framing reframe',
  );
  out.push(
    'npm run bench -- --smoke           # every benchmark at small scale, correctness only; prints, writes nothing',
  );
  out.push('npm run bench -- --preliminary     # full scale, results marked preliminary (the machine is shared)');
  out.push('```');
  out.push('');
  out.push(
    "The window and re-decode benchmarks use the end-to-end suite's Chromium (`CHROMIUM_PATH`, else the system's, else npm's @sparticuz/chromium); they build the UI first " +
      '(`electron-vite build`). Every loop is bounded in count and in time; a benchmark that breaks reports what it measured up to ' +
      'then. The same code runs at small scale in `npm test` (test/bench/*.test.ts and e2e/bench.spec.ts), asserting correctness only.',
  );
  out.push('');

  BENCH_NAMES.forEach((name, index) => {
    const result = results[name];
    out.push(`## ${index + 1}. ${TITLES[name]}`);
    out.push('');
    out.push(METHOD[name]);
    out.push('');
    if (!result) {
      out.push('_Not run yet._');
      out.push('');
      return;
    }
    out.push(`Run ${when(result)}, took ${(result.durationMs / 1000).toFixed(0)} s.`);
    out.push('');
    if (result.skipped) {
      out.push(`**Skipped:** ${result.skipped}`);
      out.push('');
    }
    if (result.error) {
      out.push(`**Did not finish:** ${result.error}`);
      out.push('');
    }
    if (result.targets.length > 0) {
      out.push(
        table(
          ['what', 'Sockpit', 'reference (same run)', 'target', ''],
          result.targets.map((t) => [t.what, t.figure, t.reference, t.goal, verdict(t.met)]),
        ),
      );
      out.push('');
    }
    const missed = result.targets.filter((t) => t.met === false);
    if (missed.length > 0) {
      out.push('**Missed targets**');
      out.push('');
      for (const target of missed)
        out.push(`- ${target.what}: ${target.figure} against ${target.goal} — ${target.missedBy}.`);
      out.push('');
    }
    if (result.why.length > 0) {
      out.push(missed.length > 0 ? "**Why (from this run's own measurements)**" : '**Notes from this run**');
      out.push('');
      for (const line of result.why) out.push(`- ${line}`);
      out.push('');
    }
    for (const t of result.tables) {
      out.push(`${t.caption}:`);
      out.push('');
      out.push(table(t.head, t.rows));
      out.push('');
    }
    if (result.checks.length > 0) {
      out.push('Correctness checks:');
      out.push('');
      // A check repeated for every run is one line: how many runs passed it, the failures in full.
      const byWhat = new Map<string, typeof result.checks>();
      for (const c of result.checks) byWhat.set(c.what, [...(byWhat.get(c.what) ?? []), c]);
      for (const [what, list] of byWhat) {
        const bad = list.filter((c) => !c.ok);
        const runs = list.length > 1 ? ` (${list.length - bad.length} of ${list.length} runs)` : '';
        if (bad.length === 0) out.push(`- ✓ ${what}${runs}: ${list[list.length - 1]!.detail}`);
        else for (const c of bad) out.push(`- ✗ ${what}${runs}: ${c.detail}`);
      }
      out.push('');
    }
    out.push('Commands and peers:');
    out.push('');
    for (const command of result.commands) out.push(`- ${command.startsWith('npm ') ? `\`${command}\`` : command}`);
    out.push('');
  });

  out.push('## Reference figures from the issue');
  out.push('');
  out.push('Measured on this machine before the work started (2 cores; loopback; client and server share the cores):');
  out.push('');
  out.push(table(['reference', 'figure'], ISSUE_REFERENCES));
  out.push('');
  out.push('Sizes: 1 MiB = 1,048,576 bytes, 1 GiB = 1024 MiB; 1 MB = 1,000,000 bytes, so 1 GB/s = 10⁹ bytes a second.');
  out.push('');
  return out.join('\n');
}
