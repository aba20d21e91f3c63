#!/usr/bin/env node
'use strict';
// The last lines of `npm test`: which optional peers (socat, nc, Packet Sender, iproute2, root, user
// nobody, the Electron binary) this machine lacked, and how many tests were skipped for each.
//
//   node scripts/peers-summary.cjs
//
// It reads the skip notes of both suites: .vitest-skips.json (test/helpers/skip-notes-reporter.ts) and
// the skip annotations in Playwright's .playwright-results.json. A test skipped for want of a peer has
// the note "needs PEER (why)" (test/helpers/peers.ts); any other skip is counted apart with its note.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PEER_NOTE = /^needs (.+?) \((.*)\)$/s;

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The skipped specs of a Playwright JSON report, with the note of each (null: none). */
function playwrightSkips(report) {
  const skipped = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === 'skipped')
          skipped.push({
            title: spec.title,
            note: (test.annotations ?? []).find((a) => a.type === 'skip')?.description || null,
          });
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  return skipped;
}

/** Notes of skipped tests, one entry per test (null: skipped without a note). */
function skipNotes() {
  const notes = [];
  const missingReports = [];
  const vitest = readJson('.vitest-skips.json');
  if (vitest) for (const { note } of vitest.skipped) notes.push(note);
  else missingReports.push('.vitest-skips.json');
  const playwright = readJson('.playwright-results.json');
  if (playwright) for (const { note } of playwrightSkips(playwright)) notes.push(note);
  else missingReports.push('.playwright-results.json');
  return { notes, missingReports };
}

const plural = (n) => `${n} test${n === 1 ? '' : 's'}`;

/** The summary lines for skip `notes` (null: a skip without a note); `missingReports` names reports not found. */
function summarize(notes, missingReports = []) {
  const peers = new Map();
  const others = new Map();
  for (const note of notes) {
    const match = note ? PEER_NOTE.exec(note) : null;
    if (match) {
      const [, peer, why] = match;
      const entry = peers.get(peer) ?? { count: 0, reasons: new Set() };
      entry.count += 1;
      entry.reasons.add(why);
      peers.set(peer, entry);
    } else {
      const key = note ?? 'no reason given';
      others.set(key, (others.get(key) ?? 0) + 1);
    }
  }
  const lines = [];
  for (const file of missingReports)
    lines.push(`(${file} is missing: its suite did not run, so its skips are not counted)`);
  for (const [note, count] of others) lines.push(`Skipped for another reason: ${plural(count)} (${note})`);
  if (peers.size === 0) {
    lines.push('All optional peers present.');
  } else {
    lines.push(
      `Skipped for missing optional peers: ${[...peers].map(([peer, { count }]) => `${peer} (${plural(count)})`).join(', ')}`,
    );
    for (const [peer, { reasons }] of peers) lines.push(`  ${peer}: ${[...reasons].join('; ')}`);
  }
  return lines;
}

if (require.main === module) {
  const { notes, missingReports } = skipNotes();
  for (const line of summarize(notes, missingReports)) console.log(line);
}

module.exports = { summarize, playwrightSkips };
