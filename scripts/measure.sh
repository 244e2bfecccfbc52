#!/usr/bin/env bash
# Prints the visualizer's figures from headless Chromium: shipped size, first render beside a
# blank Yew app built the same way, step and re-render times with the timeline and the graph
# (fresh, after 10 000 steps, stepping back) and the explorer in wasm vs native.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
export PATH="$PWD/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo build --release -q -p daxlab-cli
trunk build --release >/dev/null 2>&1 || trunk build --release
# The baseline: a blank Yew app with the same profile, wasm-opt and trunk (target/blank-dist).
(cd bench/blank && { trunk build --release >/dev/null 2>&1 || trunk build --release; })
cd e2e && node measure.mjs
