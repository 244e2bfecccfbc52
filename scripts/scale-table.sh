#!/usr/bin/env bash
# Prints how the explorer's cost grows on the scaled freed-inode scenario (N memory-failure
# threads and N faults over P pages), as a markdown table: distinct states, transitions, time,
# states/s, bytes/state as the explorer counts them and the process's peak RSS.
# Usage: [JOBS=N] scripts/scale-table.sh [VARIANT] [MAX_STATES]   (defaults: 1 job, fixed, 40000000)
set -euo pipefail
cd "$(dirname "$0")/.."
variant=${1:-fixed}
max=${2:-40000000}
cargo build --release -q -p daxlab-cli
echo "| N threads | P pages | complete | states | transitions | seconds | states/s | bytes/state | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|---|"
for np in "1 1" "1 2" "2 1" "2 2" "2 3" "3 1" "3 2" "3 3"; do
  set -- $np
  out=$(/usr/bin/time -f "%M" -o /tmp/daxlab-rss.$$ timeout 900 \
    target/release/daxlab explore --scenario freed-inode --variant "$variant" --jobs "${JOBS:-1}" \
    --threads "$1" --pages "$2" --max-states "$max" --json) || true
  rss=$(( $(tail -1 /tmp/daxlab-rss.$$) / 1024 ))
  echo "$out" | python3 -c '
import json, sys
n, p, rss = sys.argv[1:4]
r = json.load(sys.stdin)
row = [n, p, r["complete"], r["states"], r["transitions"], "%.2f" % (r["millis"] / 1000),
       "%.0f" % r["states_per_second"], "%.0f" % r["bytes_per_state"], rss]
print("| " + " | ".join(str(x) for x in row) + " |")
' "$1" "$2" "$rss"
done
rm -f /tmp/daxlab-rss.$$
