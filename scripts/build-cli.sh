#!/usr/bin/env bash
# Builds the `daxlab` command with profile-guided optimisation (PGO) and prints its path:
#   scripts/build-cli.sh [SOURCE-DIR]      (default: this checkout)
# 1. an instrumented release build runs a fixed set of searches (reduced and unreduced, one and
#    two threads, every built-in scenario), which records where the code branches and what it
#    calls;
# 2. llvm-profdata (rustup's llvm-tools, added if missing) merges that profile;
# 3. the release build uses it to lay out and inline the hot paths.
# The code is the same as `cargo build --release -p daxlab-cli`; only how it is compiled
# differs, and the test command (scripts/test.sh) checks that both builds find the same states,
# transitions and schedules. Without llvm-profdata it falls back to the plain release build.
# Everything goes under SOURCE-DIR/target/pgo (a build output, never committed). PGO=0 skips
# the profile and prints the plain release binary.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=$(cd "${1:-$here}" && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
cd "$src"
plain() {
  cargo build --release -q -p daxlab-cli >&2
  echo "$src/target/release/daxlab"
}
if [ "${PGO:-1}" = 0 ]; then
  plain
  exit 0
fi
rustup component add llvm-tools >/dev/null 2>&1 || true
profdata=$(find "$(rustc --print sysroot)/lib/rustlib" -name llvm-profdata -type f 2>/dev/null | head -1)
if [ -z "$profdata" ]; then
  echo "build-cli.sh: llvm-profdata not found (rustup component llvm-tools); plain release build" >&2
  plain
  exit 0
fi
out="$src/target/pgo"
rm -rf "$out/data"
mkdir -p "$out/data"
echo "build-cli.sh: instrumented build..." >&2
RUSTFLAGS="-Cprofile-generate=$out/data" CARGO_TARGET_DIR="$out/gen" \
  cargo build --release -q -p daxlab-cli >&2
gen="$out/gen/release/daxlab"
echo "build-cli.sh: training searches..." >&2
# The flags each commit's CLI knows (older ones had no --reduction or --jobs).
help=$("$gen" explore --help)
has() { grep -- "$1" >/dev/null <<<"$help"; }
train() { "$gen" explore "$@" --json >/dev/null || true; }
reductions=none
if has --reduction; then reductions="none por por+symmetry"; fi
for r in $reductions; do
  flag=()
  if has --reduction; then flag=(--reduction "$r"); fi
  for s in self-deadlock null-mapping freed-inode lost-wakeup truncate-wakeup inode-reuse \
    device-dax hash-collision; do
    train --scenario "$s" --variant seed "${flag[@]}"
    train --scenario "$s" --variant fixed "${flag[@]}"
  done
  train --scenario freed-inode --variant fixed --threads 2 --pages 2 "${flag[@]}"
  if [ "$r" != none ]; then
    train --scenario freed-inode --variant fixed --threads 3 --pages 3 "${flag[@]}"
    if has --jobs; then
      train --scenario freed-inode --variant fixed --threads 3 --pages 3 --jobs 2 "${flag[@]}"
    fi
  elif has --jobs; then
    train --scenario freed-inode --variant fixed --threads 2 --pages 3 --jobs 2 "${flag[@]}"
  fi
done
"$profdata" merge -o "$out/merged.profdata" "$out/data"
echo "build-cli.sh: optimised build..." >&2
# Cargo sees the profile's path, not its contents: rebuild the workspace's own crates so a new
# profile is always used.
CARGO_TARGET_DIR="$out/use" cargo clean -q --release -p daxlab-core -p daxlab-cli 2>/dev/null || true
RUSTFLAGS="-Cprofile-use=$out/merged.profdata" CARGO_TARGET_DIR="$out/use" \
  cargo build --release -q -p daxlab-cli >&2
echo "$out/use/release/daxlab"
