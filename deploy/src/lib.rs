//! The stylus-ip toolbox: everything that turns the contract sources into a
//! running, wired suite.
//!
//! * [`build`]: compile every contract to WASM, process it as cargo-stylus
//!   does (strip, brotli, `EF F0 00 00`), and gate it against Nitro's
//!   activation rules and the 24,576-byte code limit.
//! * [`abi`]: export each contract's Solidity interface and JSON ABI into
//!   `abi/`, and check that `abi/` is fresh.
//! * [`suite`]: the whole suite's deployment plan (every address computed
//!   offline: CREATE2 factory, StylusDeployer, clones initialised at
//!   creation by [`clone`]) and its wiring, run by the resumable [`engine`]
//!   that records every step in the [`manifest`]; [`run`] adds keys
//!   ([`keys`]), endpoint checks and the summary; [`status`] reads it back;
//!   [`cache`] bids for the deployed programs in the CacheManager auction
//!   (`deploy --cache-bid`).
//! * [`demo`]: the README's main job — deploy on the embedded devnode and
//!   play the story (model, mint + provenance, split, vault, lease, claims,
//!   lapse) through the exported ABIs ([`bindings`]).
//! * [`provenance`]: `provenance hash|attest`, off-chain records as the registry expects.
//! * [`stylus`]: ArbWasm, the CREATE2 factory and the StylusDeployer over JSON-RPC.
//! * [`toolchain`]: pick the WASM compiler (rustup's target, or Debian's
//!   rustc-web, installed or upgraded with apt after `apt-get update`).
//! * [`workspace`]: locate the checkout and its contract crates.
//! * [`npm`]: the one installer of npm packages (solc-js, Uniswap V2,
//!   wallet libraries) into the git-ignored `target/npm`.
//! * [`permit`]: EIP-2612 permits of the share tokens (domain, signing).
//! * [`uniswap`]: Uniswap V2 (factory, Router02, WETH9) from npm, checked and
//!   deployable through any way of sending a creation transaction.
//!
//! A library only: the `stylus-ip` binary (`cargo ip <command>` from the
//! repository root) is the `stylus-ip-cli` crate (`cli/`), which exposes
//! these as subcommands beside the licence-gated gateway.

pub mod abi;
pub mod bindings;
pub mod build;
pub mod cache;
pub mod clone;
pub mod demo;
pub mod engine;
pub mod keys;
pub mod manifest;
pub mod npm;
pub mod permit;
pub mod provenance;
pub mod run;
pub mod status;
pub mod studio;
pub mod stylus;
pub mod suite;
pub mod toolchain;
pub mod uniswap;
pub mod workspace;

/// Gas limit headroom over `eth_estimateGas`, in percent, on top of
/// [`GAS_HEADROOM_FIXED`]. An estimate holds for the block it was made in: a
/// transaction mined a second later can need more (a Uniswap V2 pair writes
/// its two price accumulators only when the timestamp has moved: up to two
/// fresh storage slots, 44,200 gas), so every transaction this crate signs
/// gets this much more (unused gas is not charged).
pub const GAS_HEADROOM_PERCENT: u64 = 20;

/// Fixed gas added to every estimate: two fresh storage slots and change.
pub const GAS_HEADROOM_FIXED: u64 = 50_000;

/// `estimate` plus [`GAS_HEADROOM_PERCENT`] and [`GAS_HEADROOM_FIXED`].
#[must_use]
pub fn with_gas_headroom(estimate: u64) -> u64 {
    (estimate.saturating_mul(100 + GAS_HEADROOM_PERCENT) / 100).saturating_add(GAS_HEADROOM_FIXED)
}
