#!/usr/bin/env bash
# Builds the app (release) and serves it on http://127.0.0.1:${PORT:-8080}/ .
# Installs only what serving needs, skipping what is present: the Rust target
# wasm32-unknown-unknown, trunk, wasm-bindgen-cli at Cargo.lock's version and binaryen's
# wasm-opt (npm). No Chromium, no Playwright: those are for scripts/test.sh.
# Nothing is downloaded from outside crates.io, npm and Debian's apt.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8080}
# TRUNK_VERSION, WASM_BINDGEN_VERSION, install_trunk, install_wasm_bindgen.
source scripts/tools.sh
BINARYEN_VERSION=132.0.0
# wasm-opt from npm goes here unless scripts/setup.sh already put it in e2e/node_modules.
TOOLS="$PWD/target/serve-tools"

export PATH="$PWD/e2e/node_modules/.bin:$TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf 'serve: %s\n' "$*"; }
started=$SECONDS
part_start=$SECONDS
part() { part_start=$SECONDS; say "$*"; }
took() { say "  done in $((SECONDS - part_start)) s"; }

if ! command -v cargo >/dev/null || ! command -v rustup >/dev/null; then
  say "Rust is missing: install it with rustup (https://rustup.rs), then run this again."
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  part "adding the Rust target wasm32-unknown-unknown (about 20 s)"
  rustup target add wasm32-unknown-unknown
  took
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
  part "installing trunk $TRUNK_VERSION from crates.io: it compiles from source (7 to 14 minutes on 2 cores; the longest part)"
  install_trunk
  took
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  part "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io (about 2 to 4 minutes)"
  install_wasm_bindgen
  took
fi

if ! command -v wasm-opt >/dev/null || ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  if ! command -v npm >/dev/null; then
    part "installing nodejs and npm from apt, for binaryen's wasm-opt (about 1 minute)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
    took
  fi
  part "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into target/serve-tools (a few seconds)"
  npm install --prefix "$TOOLS" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "binaryen@$BINARYEN_VERSION"
  took
fi

# terser minifies the wasm-bindgen glue after each build (scripts/minify-glue.mjs); without it
# the build still works and ships the glue as it is.
TERSER_VERSION=$(awk -F'"' '/"terser"/ {print $4}' e2e/package.json)
if [ ! -d e2e/node_modules/terser ] && [ ! -d "$TOOLS/node_modules/terser" ] && command -v npm >/dev/null; then
  part "installing terser@$TERSER_VERSION (npm) into target/serve-tools, to minify the glue (a few seconds)"
  npm install --prefix "$TOOLS" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "terser@$TERSER_VERSION"
  took
fi

part "fetching the crates the build needs (trunk builds offline; seconds when cached)"
cargo fetch --quiet
took

part "building the app: trunk build --release (3 to 8 minutes the first time, under a minute after)"
trunk build --release
took

say "ready after $((SECONDS - started)) s"
if command -v python3 >/dev/null; then
  say "daxlab is at http://127.0.0.1:$PORT/ (Ctrl-C stops the server)"
  exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory dist
fi
say "daxlab is at http://127.0.0.1:$PORT/ (trunk serves it; Ctrl-C stops the server)"
exec trunk serve --release --address 127.0.0.1 --port "$PORT"
