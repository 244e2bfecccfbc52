# The build tools' versions and how they are installed, shared by scripts/setup.sh (tests) and
# scripts/serve.sh (the app): sourced, not run. Nothing comes from outside crates.io.

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

# trunk's own release profile asks for fat LTO and one codegen unit: 14 min 24 s on a 2-core
# machine of ours, against 10 min 53 s without (2026-12-01; the app it builds is identical byte
# for byte). Its speed barely shows in a build, which is cargo, wasm-bindgen and wasm-opt.
install_trunk() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install trunk --version "$TRUNK_VERSION" --locked "$@"
}

install_wasm_bindgen() {
  # Not --locked: its lockfile pins a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force "$@"
}
