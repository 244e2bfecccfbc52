#!/usr/bin/env bash
# Checks that the `daxlab` built with profile-guided optimisation (scripts/build-cli.sh) finds
# exactly what the plain build finds: the same states, transitions, depth, completeness and
# counterexample (every JSON field but the timing and memory figures), on every built-in
# scenario and on scaled searches, with one thread and with two. Exits non-zero on the first
# difference. Run by scripts/test.sh after the native tests (which build the plain binary).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
plain=target/debug/daxlab
[ -x "$plain" ] || cargo build -q -p daxlab-cli
pgo=$(scripts/build-cli.sh)
strip() {
  python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("millis", "states_per_second", "bytes_per_state"):
    d.pop(k, None)
print(json.dumps(d, sort_keys=True))'
}
n=0
check() {
  local a b
  a=$("$plain" explore "$@" --json | strip)
  b=$("$pgo" explore "$@" --jobs 2 --json | strip)
  if [ "$a" != "$b" ]; then
    echo "check-pgo: explore $* differs:" >&2
    echo "  plain: $a" >&2
    echo "  pgo:   $b" >&2
    exit 1
  fi
  n=$((n + 1))
}
for s in self-deadlock null-mapping freed-inode lost-wakeup truncate-wakeup inode-reuse \
  device-dax hash-collision; do
  for v in seed fixed; do
    for r in none por+symmetry; do
      check --scenario "$s" --variant "$v" --reduction "$r"
    done
  done
done
check --threads 2 --pages 3 --variant fixed --reduction none
check --threads 3 --pages 3 --variant fixed --reduction por
check --threads 3 --pages 3 --variant fixed --reduction por+symmetry
check --threads 3 --pages 2 --variant v4.19 --reduction por+symmetry --kind use-after-free
echo "check-pgo: $n searches, the PGO build ($pgo) found what the plain build found"
