#!/usr/bin/env bash
# The explorer's unreduced engine against SPIN's figures from issue 13 (SPIN 6.5.2, DFS, no
# reduction, on this 2-core machine, on a Promela model whose graph equalled daxlab's then):
#   (3,3): 7,395,838 states, 13.5 s, 635 MiB      (3,2): 21,916,939 states, 40.4 s, 1,935 MiB
# and the reduced search against the issue's goal for (3,3) `fixed` with por+symmetry (at most
# a tenth of 7,395,838 states, under 2 s).
# For each size: ROUNDS runs each of serial `--reduction none`, `--jobs 2 --reduction none` and
# serial `por+symmetry`, interleaved, each under /usr/bin/time -v, with the load average at its
# start; then the medians, states/s against SPIN's, peak RSS against SPIN's, and --jobs 2 against
# serial. The machine is shared: with WAIT_LOAD=1.5 each run first waits (up to WAIT_MAX
# seconds, default 600) for the 1-minute load average to fall below 1.5, and says if it did not.
# The SPIN figures are inputs quoted from the issue, not measured here; when the model's state
# count differs from SPIN's graph the ratio compares rates over different graphs and says so.
# scripts/vs-spin-model.sh runs SPIN itself, on a Promela model of today's graph.
# Usage: [ROUNDS=3] [SIZES="3 3;3 2"] [WAIT_LOAD=1.5] scripts/vs-spin.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
sizes=${SIZES:-"3 3;3 2"}
export PATH="$HOME/.cargo/bin:$PATH"
# The CLI as shipped: built with profile-guided optimisation (PGO=0: the plain release build).
daxlab=$(scripts/build-cli.sh)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source scripts/wait-quiet.sh

IFS=';' read -r -a list <<<"$sizes"
echo "| N | P | run | mode | states | transitions | seconds | states/s | peak RSS MiB | bytes/state (RSS) | load avg at start (1, 5, 15 min) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for np in "${list[@]}"; do
  set -- $np
  for i in $(seq "$rounds"); do
    for mode in serial jobs2 por+symmetry; do
      case $mode in
        serial) args=(--reduction none --jobs 1) ;;
        jobs2) args=(--reduction none --jobs 2) ;;
        *) args=(--reduction por+symmetry --jobs 1) ;;
      esac
      wait_quiet
      load=$(cut -d' ' -f1-3 /proc/loadavg)
      out="$tmp/$1-$2-$mode-$i"
      /usr/bin/time -v -o "$out.time" "$daxlab" explore --scenario freed-inode \
        --variant fixed --threads "$1" --pages "$2" --max-states 400000000 "${args[@]}" --json \
        >"$out.json"
      python3 - "$1" "$2" "$i" "$mode" "$load" "$out" <<'PY'
import json, re, sys
n, p, i, mode, load, out = sys.argv[1:7]
d = json.load(open(out + ".json"))
t = open(out + ".time").read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) * 1024
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
secs = sum(float(x) * 60 ** k for k, x in enumerate(reversed(wall.split(":"))))
rec = dict(n=n, p=p, mode=mode, states=d["states"], transitions=d["transitions"], secs=secs,
           rate=d["states"] / secs, rss=rss, complete=d["complete"], load=load)
open(out + ".rec", "w").write(json.dumps(rec))
print(f"| {n} | {p} | {i} | {mode} | {d['states']:,}{'' if d['complete'] else ' (bounded)'} | "
      f"{d['transitions']:,} | {secs:.2f} | {rec['rate']:,.0f} | {rss / 2**20:,.0f} | "
      f"{rss / d['states']:.0f} | {load} |")
PY
    done
  done
done

python3 - "$tmp" <<'PY'
import glob, json, statistics, sys
tmp = sys.argv[1]
recs = [json.load(open(f)) for f in glob.glob(tmp + "/*.rec")]
spin = {("3", "3"): (7_395_838, 13.5, 635), ("3", "2"): (21_916_939, 40.4, 1935)}
print()
print("Medians, against SPIN 6.5.2 DFS without reduction (issue 13's figures):")
print()
print("| N | P | mode | states | median s | median states/s | vs SPIN states/s (goal ≥ 1.5×) | median peak MiB | vs SPIN memory (goal ≤ 1) | loads |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (n, p) in sorted({(r["n"], r["p"]) for r in recs}, reverse=True):
    by = {m: [r for r in recs if (r["n"], r["p"], r["mode"]) == (n, p, m)] for m in ("serial", "jobs2", "por+symmetry")}
    med = {}
    for mode, rs in by.items():
        if not rs:
            continue
        s = statistics.median(r["secs"] for r in rs)
        rate = statistics.median(r["rate"] for r in rs)
        mib = statistics.median(r["rss"] for r in rs) / 2**20
        med[mode] = (s, rate, mib, rs[0]["states"])
        vs_rate = vs_mem = "–"
        if (n, p) in spin and mode != "por+symmetry":
            ss, st, sm = spin[(n, p)]
            note = "" if rs[0]["states"] == ss else " (other graph)"
            vs_rate = f"{rate / (ss / st):.2f}×{note}"
            vs_mem = f"{mib / sm:.2f}{note}"
        loads = "; ".join(r["load"].split()[0] for r in rs)
        print(f"| {n} | {p} | {mode} | {rs[0]['states']:,} | {s:.2f} | {rate:,.0f} | {vs_rate} | {mib:,.0f} | {vs_mem} | {loads} |")
    if "serial" in med and "jobs2" in med:
        print(f"\n({n},{p}) --jobs 2 against serial: {med['serial'][0] / med['jobs2'][0]:.2f}× (goal ≥ 1.8×)")
    if (n, p) == ("3", "3") and "por+symmetry" in med:
        s, _, _, states = med["por+symmetry"]
        print(f"(3,3) por+symmetry: {states:,} states = 1/{7_395_838 / states:.1f} of 7,395,838 "
              f"(goal ≤ 1/10), 1/{med['serial'][3] / states:.1f} of today's unreduced {med['serial'][3]:,}"
              if "serial" in med else f"(3,3) por+symmetry: {states:,} states")
        print(f"(3,3) por+symmetry: {s:.2f} s (goal < 2 s)")
PY
