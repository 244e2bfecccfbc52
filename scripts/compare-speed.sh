#!/usr/bin/env bash
# Explorer speed of this checkout against another commit, on the same scaled search in one run:
#   scripts/compare-speed.sh BASE [THREADS PAGES VARIANT ROUNDS]
# Builds BASE's CLI in a temporary worktree, then runs both binaries ROUNDS times each,
# interleaved, and prints states/s for each run, the medians and the ratio (this / BASE).
# Both search unreduced (`--reduction none`, where the CLI has the flag): raw engine speed.
# REDUCTION=por+symmetry searches reduced instead; JOBS=N runs this checkout with `--jobs N`
# and BASE_JOBS=N the base (default: JOBS), so `JOBS=2 BASE_JOBS=1 scripts/compare-speed.sh
# HEAD` compares two threads with one on the same code. PGO=1 builds this checkout with
# profile-guided optimisation (scripts/build-cli.sh) and BASE_PGO=0|1 the base (default: PGO),
# so `PGO=1 BASE_PGO=0 scripts/compare-speed.sh HEAD` measures what PGO gives. The figures are
# medians of wall-clock states/s; the machine's speed drifts, which interleaving evens out.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: scripts/compare-speed.sh BASE-COMMIT [THREADS PAGES VARIANT ROUNDS]}
threads=${2:-3}; pages=${3:-3}; variant=${4:-fixed}; rounds=${5:-3}
want=${REDUCTION:-none}; jobs=${JOBS:-1}; base_jobs=${BASE_JOBS:-$jobs}
export PATH="$HOME/.cargo/bin:$PATH"
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$base" >/dev/null 2>&1
# Plain release builds unless PGO / BASE_PGO say otherwise (scripts/build-cli.sh from this
# checkout builds both source trees).
pgo=${PGO:-0}; base_pgo=${BASE_PGO:-$pgo}
echo "building $base (PGO=$base_pgo) and this checkout (PGO=$pgo)..." >&2
old=$(PGO=$base_pgo scripts/build-cli.sh "$work/base")
new=$(PGO=$pgo scripts/build-cli.sh)
# Commits from before `--reduction` (c48e010) had none, so they search unreduced whatever
# REDUCTION says. (grep without -q reads all the help: an early exit could SIGPIPE daxlab and,
# under pipefail, fail the run.)
flags() {
  local help out=""
  help=$("$1" explore --help)
  if grep -- --jobs >/dev/null <<<"$help"; then out="--jobs $2"; fi
  if grep -- --reduction >/dev/null <<<"$help"; then out="$out --reduction $want"; fi
  echo "$out"
}
old_flags=$(flags "$old" "$base_jobs"); new_flags=$(flags "$new" "$jobs")
echo "base: $old_flags; this: $new_flags" >&2
rate() {
  # $2 is the binary's flags, unquoted on purpose: several words.
  # shellcheck disable=SC2086
  "$1" explore --scenario freed-inode --variant "$variant" --threads "$threads" --pages "$pages" $2 --json |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["states"], d["states_per_second"])'
}
olds=(); news=()
for i in $(seq "$rounds"); do
  read -r s1 r1 < <(rate "$old" "$old_flags"); olds+=("$r1")
  read -r s2 r2 < <(rate "$new" "$new_flags"); news+=("$r2")
  [ "$s1" = "$s2" ] || { echo "state counts differ: $s1 vs $s2" >&2; exit 1; }
  printf 'round %s: %s states; base %s states/s, this %s states/s\n' "$i" "$s1" "$r1" "$r2"
done
python3 - "${olds[*]}" "${news[*]}" <<'PY'
import statistics, sys
o = [float(x) for x in sys.argv[1].split()]
n = [float(x) for x in sys.argv[2].split()]
mo, mn = statistics.median(o), statistics.median(n)
print(f"median states/s: base {mo:,.0f}, this {mn:,.0f}; ratio this/base {mn/mo:.2f}")
PY
