#!/usr/bin/env bash
# `npm install && npm test` as on a machine that has only Node and python3: a fresh clone under a 0700
# home, run in a private mount namespace that hides socat, nc, ncat, Packet Sender, iproute2 (ip, ss),
# lsof, netstat, every system Chromium or Chrome, the system's NSS libraries and all system fonts.
# Nothing outside the namespace changes. Needs root (unshare, mount) and Linux.
#
#   sudo scripts/fresh-machine-check.sh [REPO] [WORKDIR]
#
# Clones REPO (default: this checkout's current branch, as committed) into WORKDIR/home/x/sockpit
# (WORKDIR defaults to a new folder in /tmp; home is chmod 0700) and exits with npm test's status. It fails as well if Playwright skipped any spec other than the Electron-binary ones.
set -euo pipefail

HIDDEN_PROGRAMS=(socat nc netcat nc.openbsd ncat packetsender ip ss lsof netstat chromium chromium-browser google-chrome google-chrome-stable)
HIDDEN_DIRS=(/usr/lib/chromium /usr/lib/chromium-browser /opt/google/chrome /usr/share/fonts /usr/local/share/fonts /etc/fonts)
HIDDEN_LIBS=(libnss3.so libnssutil3.so libsmime3.so libnspr4.so libplc4.so libplds4.so)

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-machine-check: needs root (it uses a mount namespace)" >&2
  exit 2
fi

if [ -z "${SOCKPIT_FRESH_NS:-}" ]; then
  SOURCE=${1:-$(git -C "$(dirname "${BASH_SOURCE[0]}")/.." rev-parse --show-toplevel)}
  WORK=${2:-$(mktemp -d /tmp/sockpit-fresh-XXXXXX)}
  mkdir -p "$WORK/home/x"
  chmod 0700 "$WORK/home"
  CLONE="$WORK/home/x/sockpit"
  rm -rf "$CLONE"
  git clone --quiet "$SOURCE" "$CLONE"
  echo "fresh-machine-check: cloned $SOURCE ($(git -C "$CLONE" log --oneline -1)) into $CLONE"
  exec unshare -m --propagation private env SOCKPIT_FRESH_NS=1 SOCKPIT_FRESH_CLONE="$CLONE" bash "${BASH_SOURCE[0]}"
fi

# In the namespace from here on: mounts below vanish with it.
CLONE=$SOCKPIT_FRESH_CLONE
declare -A hidden=()
# /dev/null over the file a path leads to (once: /bin and /usr/bin are often one folder).
hide_file() {
  [ -e "$1" ] || return 0
  local real
  real=$(readlink -f "$1")
  [ -n "${hidden[$real]:-}" ] && return 0
  hidden[$real]=1
  mount --bind /dev/null "$real"
}
for name in "${HIDDEN_PROGRAMS[@]}"; do
  for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do hide_file "$dir/$name"; done
done
for lib in "${HIDDEN_LIBS[@]}"; do
  for file in /usr/lib/*/"$lib" /lib/*/"$lib" /usr/lib64/"$lib"; do hide_file "$file"; done
done
for dir in "${HIDDEN_DIRS[@]}"; do
  if [ -d "$dir" ]; then mount -t tmpfs -o ro,size=1m none "$dir"; fi
done

# A hidden program must be gone for a POSIX shell, as it is for the tests (bash's own lookup still
# names a file that exists but cannot be run, so sh is asked).
for name in "${HIDDEN_PROGRAMS[@]}"; do
  if found=$(sh -c "command -v $name"); then
    echo "fresh-machine-check: $name is still found at $found" >&2
    exit 2
  fi
done
echo "fresh-machine-check: hidden ${HIDDEN_PROGRAMS[*]}, ${HIDDEN_DIRS[*]} and the system's ${HIDDEN_LIBS[*]}"
echo "fresh-machine-check: node $(node --version), npm $(npm --version), $(python3 --version)"

cd "$CLONE"
started=$(date +%s)
set +e
npm install --no-audit --no-fund && npm test
status=$?
set -e
echo "fresh-machine-check: npm install && npm test exited $status after $(($(date +%s) - started)) s"

# Every end-to-end spec must have run; only those needing the Electron binary may skip.
node -e '
const report = JSON.parse(require("node:fs").readFileSync(".playwright-results.json", "utf8"));
const skipped = require("./scripts/peers-summary.cjs").playwrightSkips(report);
const s = report.stats;
console.log(`fresh-machine-check: Playwright ran ${s.expected + s.unexpected + s.flaky} specs (${s.expected} passed, ${s.unexpected} failed, ${s.flaky} flaky), skipped ${skipped.length}`);
const wrong = skipped.filter((t) => !(t.note ?? "").startsWith("needs Electron binary"));
for (const t of skipped) console.log(`  skipped: ${t.title} (${t.note})`);
if (wrong.length) { console.log(`fresh-machine-check: ${wrong.length} spec(s) skipped for something other than the Electron binary`); process.exit(1); }
' || status=1
exit "$status"
