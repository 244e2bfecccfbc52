#!/usr/bin/env bash
# Installs everything the build and the tests need, skipping what is already present at the right
# version. Safe to run again. Nothing is downloaded from outside crates.io, npm and Debian's apt.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# TRUNK_VERSION, WASM_BINDGEN_VERSION, install_trunk, install_wasm_bindgen.
source scripts/tools.sh

export PATH="$HOME/.cargo/bin:$PATH"

want_targets="wasm32-unknown-unknown x86_64-unknown-none"
have_targets=$(rustup target list --installed)
for t in $want_targets; do
  if ! grep -qx "$t" <<<"$have_targets"; then
    say "adding Rust target $t"
    rustup target add "$t"
  fi
done
for c in rustfmt clippy; do
  rustup component list --installed | grep -q "^$c" || rustup component add "$c"
done

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
  say "installing trunk $TRUNK_VERSION (takes several minutes)"
  install_trunk
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$" ||
   ! wasm-bindgen-test-runner --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  install_wasm_bindgen
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium and chromium-driver from apt"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# SPIN, for the test that holds bench/spin's Promela model to the explorer's graph.
if ! command -v spin >/dev/null; then
  say "installing spin (the model checker) from apt"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq spin >/dev/null
fi

if [ ! -x e2e/node_modules/.bin/playwright ] || [ ! -x e2e/node_modules/.bin/wasm-opt ] ||
   [ ! -f e2e/node_modules/@axe-core/playwright/package.json ]; then
  say "installing npm packages (Playwright, axe-core, binaryen's wasm-opt)"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

say "all tools present"
