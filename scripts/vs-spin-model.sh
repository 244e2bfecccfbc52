#!/usr/bin/env bash
# daxlab's unreduced explorer against SPIN on the same state graph (issue 13), measured here.
#
# The Promela model is bench/spin/freed_inode.pml: the scaled `freed-inode` scenario under the
# `fixed` variant, written by hand (see bench/spin/README.md). For each size "N P" this script
#   1. runs `daxlab explore --threads N --pages P --variant fixed --reduction none --jobs 1`
#      under /usr/bin/time -v (states, transitions, seconds, states/s, peak RSS);
#   2. generates pan with `spin -DN=.. -DP=.. -a`, compiles it with -O2 -DNOREDUCE -DSAFETY
#      -DMEMLIM=$MEMLIM (DFS; exact state storage, no -DHC/-DBITSTATE), runs it under
#      /usr/bin/time -v, and checks that SPIN's graph is daxlab's:
#        states stored == daxlab states, and transitions == daxlab transitions + 1
#      (pan counts transitions as stored + matched, and "stored" includes the initial state,
#      which no transition reaches; every daxlab transition ends in a state that pan either
#      stores or matches);
#   3. the same with -DBFS (BFS=0 skips it) and with -DCOLLAPSE (COLLAPSE=0 skips it);
#   4. prints one table: states and transitions side by side, equal or not, seconds, states/s
#      and memory of each run, and daxlab states/s ÷ SPIN states/s.
# With LEVELS="N P;..." it first compares the number of states within each BFS depth bound d
# (d = 0 .. the graph's depth): daxlab `--max-depth d` against pan -DBFS `-m d`, which both
# store exactly the states at depth <= d; equal for every d means equal states per BFS level.
# An entry "N P D" compares only the bounds 0 .. D (for a graph too big to search whole).
#
# Every heavy run is under `nice -n 10` and they run one at a time.
# Usage: [SIZES="1 1;2 1;2 2;3 3"] [LEVELS="1 1;1 2;2 1;2 2"] [BFS=1] [COLLAPSE=1] [WAIT_LOAD=1.5]
#        [MEMLIM=8000] [MAX_STATES=40000000] [DAXLAB=path] scripts/vs-spin-model.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=${SIZES:-"1 1;2 1;2 2;3 3"}
levels=${LEVELS:-}
bfs=${BFS:-1}
collapse=${COLLAPSE:-1}
memlim=${MEMLIM:-8000}
max_states=${MAX_STATES:-40000000}
# The CLI as shipped: built with profile-guided optimisation, as scripts/vs-spin.sh measures it
# (PGO=0: the plain release build).
daxlab=${DAXLAB:-$(scripts/build-cli.sh)}
model=$root/bench/spin/freed_inode.pml

if ! command -v spin >/dev/null; then
  echo "installing SPIN (apt-get install -y spin)" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq spin >&2
fi
[ -x "$daxlab" ] || { echo "no daxlab binary at $daxlab (build it, or set DAXLAB)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# pan for sizes $1 $2 into $tmp/$3, with extra cc flags $4 and spin flags $5.
build_pan() {
  local dir=$tmp/$3
  mkdir -p "$dir"
  # pan prints its counts with %9.8g, which rounds beyond 10^8; print them whole (%9.0f).
  (cd "$dir" && spin $5 -DN="$1" -DP="$2" -a "$model" >spin.out &&
    sed -i -e 's/%9\.8g states, stored/%9.0f states, stored/' \
      -e 's/%9\.8g states, matched/%9.0f states, matched/' \
      -e 's/%9\.8g transitions (= stored+matched)/%9.0f transitions (= stored+matched)/' pan.c &&
    gcc -O2 -DNOREDUCE -DSAFETY -DMEMLIM="$memlim" $4 -o pan pan.c)
  echo "$dir/pan"
}

source scripts/wait-quiet.sh

# The hash table: 2^w slots with 2^w at least twice the states (pan's default is -w24).
hash_w() {
  python3 -c "import math,sys; print(max(18, math.ceil(math.log2(max(2, int(sys.argv[1])))) + 1))" "$1"
}

if [ -n "$levels" ]; then
  echo "## States within each BFS depth bound: daxlab --max-depth d vs pan -DBFS -m d"
  echo
  IFS=';' read -r -a list <<<"$levels"
  for np in "${list[@]}"; do
    set -- $np
    pan=$(build_pan "$1" "$2" "lv-$1-$2" -DBFS -DNOHIDDEN)
    if [ -n "${3:-}" ]; then
      depth=$3   # "N P D": only the bounds 0 .. D (for graphs too big to search whole)
    else
      full=$(nice -n 10 "$daxlab" explore --threads "$1" --pages "$2" --variant fixed --reduction none --json)
      depth=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["depth"])' "$full")
    fi
    bad=0
    prev_d=0
    prev_s=0
    per_level=""
    for d in $(seq 0 "$depth"); do
      ds=$(nice -n 10 "$daxlab" explore --threads "$1" --pages "$2" --variant fixed \
        --reduction none --max-depth "$d" --max-states "$max_states" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["states"])')
      # pan -m0 is not a bound; pan needs at least depth 1 to start, so d = 0 is the initial state.
      if [ "$d" = 0 ]; then ss=1; else
        ss=$( (cd "$(dirname "$pan")" && nice -n 10 ./pan -m"$d" -w"$(hash_w "$ds")" 2>&1) | awk '/states, stored/ {print $1}')
      fi
      if [ "$ds" != "$ss" ]; then bad=$((bad + 1)); echo "  N=$1 P=$2 depth <= $d: daxlab $ds, SPIN $ss" ; fi
      per_level="$per_level $((ds - prev_s))"
      prev_s=$ds
    done
    if [ -n "${3:-}" ]; then
      echo "- N=$1 P=$2: bounds 0..$depth compared (not the whole graph), $bad unequal; states within depth $depth: $prev_s"
    else
      sspin=$( (cd "$(dirname "$pan")" && nice -n 10 ./pan -m1000000 -w20 2>&1) | awk '/depth reached/ {gsub(",","",$6); print $6}')
      echo "- N=$1 P=$2: BFS depth $depth (SPIN BFS depth reached $sspin); bounds 0..$depth compared, $bad unequal"
    fi
    echo "  states per level:$per_level"
  done
  echo
fi

echo "## daxlab (--reduction none --jobs 1) and SPIN 6.5.2 (-O2 -DNOREDUCE -DSAFETY -DMEMLIM=$memlim, exact storage)"
echo
echo "| N | P | run | states | transitions | equal to daxlab | seconds (own) | seconds (wall) | states/s (own) | states/s (wall) | memory MiB (own) | peak RSS MiB | daxlab ÷ this (states/s, own) | daxlab ÷ this (states/s, wall) | load avg at start |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
IFS=';' read -r -a list <<<"$sizes"
for np in "${list[@]}"; do
  set -- $np
  n=$1 p=$2
  out=$tmp/d-$n-$p
  wait_quiet
  cut -d' ' -f1-3 /proc/loadavg >"$out.load"
  nice -n 10 /usr/bin/time -v -o "$out.time" "$daxlab" explore --threads "$n" --pages "$p" \
    --variant fixed --reduction none --jobs 1 --max-states "$max_states" --json >"$out.json"
  runs=(dfs)
  [ "$bfs" = 1 ] && runs+=(bfs)
  [ "$collapse" = 1 ] && runs+=(collapse)
  states=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["states"])' "$out.json")
  # A bounded daxlab search has no graph to compare against: SPIN is not run for it.
  if ! python3 -c 'import json,sys; sys.exit(not json.load(open(sys.argv[1]))["complete"])' "$out.json"; then
    runs=()
  fi
  w=$(hash_w "$states")
  for run in "${runs[@]}"; do
    case $run in
      dfs) pan=$(build_pan "$n" "$p" "dfs-$n-$p" "" "") ;;
      bfs) pan=$(build_pan "$n" "$p" "bfs-$n-$p" -DBFS -DNOHIDDEN) ;;
      collapse) pan=$(build_pan "$n" "$p" "col-$n-$p" -DCOLLAPSE "") ;;
    esac
    wait_quiet
    cut -d' ' -f1-3 /proc/loadavg >"$out.$run.load"
    (cd "$(dirname "$pan")" && nice -n 10 /usr/bin/time -v -o pan.time ./pan -m100000 -w"$w" >pan.out 2>&1 || true)
    cp "$(dirname "$pan")/pan.out" "$out.$run.pan"
    cp "$(dirname "$pan")/pan.time" "$out.$run.time"
  done
  python3 - "$n" "$p" "$out" "$w" ${runs[@]+"${runs[@]}"} <<'PY'
import json, re, sys
n, p, out, w = sys.argv[1:5]
runs = sys.argv[5:]

def timev(path):
    t = open(path).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
    secs = sum(float(x) * 60 ** k for k, x in enumerate(reversed(wall.split(":"))))
    return max(secs, 0.005), rss  # time -v has 10 ms resolution

d = json.load(open(out + ".json"))
dsecs, drss = timev(out + ".time")
down = max(d["millis"] / 1000, 1e-6)
drate_own, drate_wall = d["states"] / down, d["states"] / dsecs
bounded = "" if d["complete"] else f" (bounded by MAX_STATES: incomplete, SPIN not run)"
extra = "" if d["other_violations"] == 0 else f" ({d['other_violations']} violations)"
print(f"| {n} | {p} | daxlab | {d['states']:,}{bounded} | {d['transitions']:,}{extra} | — | "
      f"{down:.2f} | {dsecs:.2f} | {drate_own:,.0f} | {drate_wall:,.0f} | — | {drss:,.0f} | — | — | {open(out + '.load').read().strip()} |")
notes = []
for run in runs:
    t = open(f"{out}.{run}.pan").read()
    load = open(f"{out}.{run}.load").read().strip()
    secs, rss = timev(f"{out}.{run}.time")
    def num(pat):
        m = re.search(pat, t)
        return None if m is None else float(m.group(1))
    stored = num(r"(\d+) states, stored")
    trans = num(r"(\d+) transitions \(= stored\+matched\)")
    own = num(r"pan: elapsed time ([\d.e+]+) seconds")
    mem = num(r"([\d.]+)\s+total actual memory usage")
    errors = num(r"errors: (\d+)")
    vec = num(r"State-vector (\d+) byte")
    depth = num(r"depth reached (\d+)")
    if stored is None:
        print(f"| {n} | {p} | SPIN {run} | did not finish | | | | {secs:.2f} | | | | {rss:,.0f} | | | {load} |")
        tail = " / ".join(l.strip() for l in t.strip().splitlines()[-3:])
        notes.append(f"SPIN {run} at N={n} P={p} did not finish: {tail}")
        continue
    stored, trans = int(stored), int(trans)
    eq_s = stored == d["states"]
    eq_t = trans == d["transitions"] + 1
    eq = "yes" if eq_s and eq_t and d["complete"] else (
        f"NO (states {stored - d['states']:+,}, transitions−1 {trans - 1 - d['transitions']:+,})")
    if errors:
        eq += f", {int(errors)} SPIN errors"
    if "max search depth too small" in t:
        eq += ", depth-limited"
    if re.search(r"out of memory|memory limit", t):
        eq += ", out of memory"
    own = max(own or 0.0, 0.005)  # pan prints its elapsed time to 10 ms or so
    rate_own = stored / own
    rate_wall = stored / secs
    print(f"| {n} | {p} | SPIN {run} | {stored:,} | {trans:,} | {eq} | {own if own is not None else float('nan'):.2f} | "
          f"{secs:.2f} | {rate_own:,.0f} | {rate_wall:,.0f} | {mem if mem is not None else float('nan'):,.0f} | {rss:,.0f} | "
          f"{drate_own / rate_own:.2f} | {drate_wall / rate_wall:.2f} | {load} |")
    notes.append(f"SPIN {run} N={n} P={p}: state vector {int(vec)} bytes, depth reached {int(depth)}, -w{w}")
for x in notes:
    print(f"<!-- {x} -->")
PY
done
echo
echo "SPIN: $(spin -V). daxlab: $daxlab ($("$daxlab" --version 2>/dev/null || true)). Host: $(nproc) cores, load at end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Own seconds: daxlab's JSON millis, pan's 'elapsed time'; wall: /usr/bin/time -v (pan's includes allocating its hash table)."
