#!/usr/bin/env bash
# The README's test command: every test of the suite, in dependency order.
#   1. contracts: native unit + property tests (motsu, proptest)
#   2. WASM build of every contract + the Stylus gate (rules, size table)
#   3. abi/ freshness (exported interfaces and JSON ABIs match the sources)
#   4. off-chain workspace: validator, devnode, deploy, end-to-end tests on
#      the devnode (they use the WASM from step 2)
set -euo pipefail
export RUSTUP_AUTO_INSTALL=0
# proptest cases per property / state machine (CI: 256 per machine)
export PROPTEST_CASES="${PROPTEST_CASES:-256}"
cd "$(dirname "$0")/.."

echo "== 1/4 contracts: native tests"
cargo test --workspace --locked

echo "== 2/4 WASM build + Stylus gate"
cargo ip build

echo "== 3/4 ABI freshness"
cargo ip abi --check

echo "== 4/4 off-chain: validator, devnode, deploy, end-to-end"
cargo test --manifest-path devnode/Cargo.toml --workspace --locked --target-dir target/devnode
