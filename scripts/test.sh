#!/usr/bin/env bash
# Runs every test: formatting, clippy, native tests, the profile-guided CLI build against the
# plain one, the no_std build, browser component tests (wasm-bindgen-test in headless
# Chromium), the release build, and Playwright end-to-end tests.
# Installs whatever is missing first (scripts/setup.sh). Prints one closing line:
# "all: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Each stage says when it started (seconds since this script did, setup included), so a slow
# run shows where its time went (CI must stay under 45 minutes).
stage() { printf '\n=== %s (at %d s)\n' "$*" "$SECONDS"; }

stage "cargo fmt --check"
cargo fmt --all -- --check

stage "clippy (native, all targets; web on wasm32)"
cargo clippy --workspace --exclude daxlab-web --all-targets -- -D warnings
cargo clippy -p daxlab-web --target wasm32-unknown-unknown --all-targets -- -D warnings

stage "native tests"
cargo test --workspace --exclude daxlab-web 2>&1 | tee -a "$log"
cargo test -p daxlab-web --lib 2>&1 | tee -a "$log"   # URL and state logic, natively

stage "the PGO-built CLI finds what the plain build finds (scripts/check-pgo.sh)"
scripts/check-pgo.sh

stage "SPIN explores the explorer's graph, state for state (bench/spin, small sizes)"
spin_out=$(SIZES="1 1;2 1;1 2;2 2;2 3" LEVELS="1 1;2 2" BFS=0 COLLAPSE=0 PGO=0 scripts/vs-spin-model.sh)
echo "$spin_out"
if grep -qE '\| NO \(|did not finish| [1-9][0-9]* unequal' <<<"$spin_out" ||
   [ "$(grep -c '| SPIN dfs | .* | yes |' <<<"$spin_out")" != 5 ]; then
  echo "SPIN's graph of bench/spin/freed_inode.pml differs from daxlab's (see above)"
  exit 1
fi

stage "scenario grammar fuzz (bounded: ${FUZZ_SECONDS:-60} s)"
scripts/fuzz-grammar.sh "${FUZZ_SECONDS:-60}"

stage "no_std: daxlab-core for x86_64-unknown-none"
cargo build -p daxlab-core --target x86_64-unknown-none

stage "browser component tests (wasm-bindgen-test, headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test -p daxlab-web --target wasm32-unknown-unknown 2>&1 | tee -a "$log"

stage "release build (trunk, offline)"
trunk build --release

stage "end-to-end tests (Playwright, headless Chromium)"
(cd e2e && node run-e2e.mjs) 2>&1 | tee -a "$log"

sum() { grep -Eo "$1" "$log" | grep -Eo '[0-9]+' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(sum '(test result: (ok|FAILED)\. |e2e: )[0-9]+ passed')
failed=$(sum '[0-9]+ failed')
printf '\ntest.sh: %d s in all\n' "$SECONDS"
printf '\nall: %s passed, %s failed\n' "${passed:-0}" "${failed:-0}"
[ "${failed:-0}" = 0 ]
