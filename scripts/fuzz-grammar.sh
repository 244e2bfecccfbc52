#!/usr/bin/env bash
# Fuzzes the scenario grammar (core/src/scenario/text.rs) for a bounded time: rounds of the
# property tests in core/tests/scenario_text.rs (accepted text round-trips, any text gets an
# answer and never a panic, random runs of accepted scenarios never hit a model-error), each
# round with its own seed, until the time is up. Usage: scripts/fuzz-grammar.sh [SECONDS]
# (default 60). A failing round prints its seed: rerun it with PROPTEST_RNG_SEED=N.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
secs=${1:-${FUZZ_SECONDS:-60}}
cases=${FUZZ_CASES_PER_ROUND:-2000}
cargo test -q -p daxlab-core --test scenario_text --no-run
start=$SECONDS
round=0
while [ $((SECONDS - start)) -lt "$secs" ]; do
  round=$((round + 1))
  seed=$((RANDOM * 32768 + RANDOM))
  if ! PROPTEST_RNG_SEED=$seed PROPTEST_CASES=$cases \
      cargo test -q -p daxlab-core --test scenario_text -- accepted_text any_text random_runs \
      >/tmp/fuzz-grammar.$$ 2>&1; then
    cat /tmp/fuzz-grammar.$$
    rm -f /tmp/fuzz-grammar.$$
    echo "fuzz: round $round FAILED (PROPTEST_RNG_SEED=$seed)"
    exit 1
  fi
done
rm -f /tmp/fuzz-grammar.$$
echo "fuzz: $round rounds x 3 properties x $cases cases in $((SECONDS - start)) s, 0 failures"
