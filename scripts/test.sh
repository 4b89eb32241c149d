#!/usr/bin/env bash
# The README's test command: every test of the suite, in dependency order.
#   1. contracts: native unit + property tests (motsu, proptest)
#   2. WASM build of every contract + the Stylus gate (rules, size table)
#   3. abi/ freshness (exported interfaces and JSON ABIs match the sources)
#   4. off-chain workspace: validator, devnode, deploy, end-to-end tests on
#      the devnode (they use the WASM from step 2)
#   5. the end-to-end state machines again, over JSON-RPC: the suite deployed
#      by the deploy crate on the embedded devnode's server (fewer cases:
#      every transaction is a signed one, plus an eth_call, over HTTP)
set -euo pipefail
export RUSTUP_AUTO_INSTALL=0
# proptest cases per property / state machine (CI: 256 per machine)
export PROPTEST_CASES="${PROPTEST_CASES:-256}"
cd "$(dirname "$0")/.."

echo "== 1/5 contracts: native tests"
cargo test --workspace --locked

echo "== 2/5 WASM build + Stylus gate"
cargo ip build

echo "== 3/5 ABI freshness"
cargo ip abi --check

echo "== 4/5 off-chain: validator, devnode, deploy, end-to-end"
# The gateway's shared-store test runs a real redis-server: as root, install
# Debian's package (after apt-get update) when it is missing.
if ! command -v redis-server >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
fi
cargo offchain-test --workspace --locked

echo "== 5/5 state machines over JSON-RPC (embedded devnode server)"
STYLUS_RPC_URL=embedded PROPTEST_CASES="${PROPTEST_RPC_CASES:-16}" \
  cargo offchain-test --locked \
  -p stylus-ip-tests --test suite_state_machine
