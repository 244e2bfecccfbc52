#!/usr/bin/env bash
# Prints how the explorer's cost grows on the scaled freed-inode scenario (N memory-failure
# threads and N faults over P pages) under each reduction, as a markdown table: distinct states,
# transitions, seconds, states/s, peak RSS (from /usr/bin/time -v) and the ratios to `none`
# (states and seconds), and the load average (1, 5, 15 min) as each run started: the machine is
# shared, so read seconds beside it. Sizes: (1,1) (2,2) (2,3) (3,3), then the larger ones in
# EXTRA.
# Usage: [JOBS=N] [EXTRA="3 2;4 4"] [TIMEOUT=900] scripts/scale-table.sh [VARIANT] [MAX_STATES]
#   (defaults: 1 job, fixed, 150000000 states: a bound that keeps a search under 8 GiB)
set -euo pipefail
cd "$(dirname "$0")/.."
variant=${1:-fixed}
max=${2:-150000000}
extra=${EXTRA:-"3 2;4 4"}
limit=${TIMEOUT:-900}
export PATH="$HOME/.cargo/bin:$PATH"
# The CLI as shipped: built with profile-guided optimisation (PGO=0: the plain release build).
daxlab=$(scripts/build-cli.sh)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| N | P | reduction | complete | states | transitions | seconds | states/s | peak RSS MiB | states vs none | time vs none | load avg at start |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
IFS=';' read -r -a more <<<"$extra"
for np in "1 1" "2 2" "2 3" "3 3" "${more[@]}"; do
  set -- $np
  for r in none por por+symmetry; do
    rc=0
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    /usr/bin/time -v -o "$tmp/time" timeout "$limit" \
      "$daxlab" explore --scenario freed-inode --variant "$variant" --jobs "${JOBS:-1}" \
      --threads "$1" --pages "$2" --max-states "$max" --reduction "$r" --json >"$tmp/$r.json" || rc=$?
    rss=$(awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$tmp/time")
    python3 - "$1" "$2" "$r" "$rss" "$rc" "$tmp" "$limit" "$load" <<'PY'
import json, sys, os
n, p, r, rss, rc, tmp, limit, loadavg = sys.argv[1:9]
def load(name):
    try:
        with open(os.path.join(tmp, name + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
d = load(r)
if d is None:
    why = f"timed out after {limit} s" if rc == "124" else f"exit {rc}"
    print(f"| {n} | {p} | {r} | no: {why} | | | | | {rss} | | | {loadavg} |")
    sys.exit(0)
none = load("none")
ratio = lambda a, b: f"{a / b:.3f}" if b else "–"
full = none if none and none.get("complete") else None
states_vs = ratio(d["states"], full["states"]) if full else "–"
time_vs = ratio(d["millis"], full["millis"]) if full else "–"
done = "yes" if d["complete"] else "no: " + str(d.get("bound"))
row = [n, p, r, done, f'{d["states"]:,}', f'{d["transitions"]:,}', f'{d["millis"] / 1000:.2f}',
       f'{d["states_per_second"]:,.0f}', rss, states_vs, time_vs, loadavg]
print("| " + " | ".join(str(x) for x in row) + " |")
PY
  done
done
