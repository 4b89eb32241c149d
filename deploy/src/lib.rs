//! The stylus-ip toolbox: everything that turns the contract sources into a
//! running, wired suite.
//!
//! * [`build`]: compile every contract to WASM, process it as cargo-stylus
//!   does (strip, brotli, `EF F0 00 00`), and gate it against Nitro's
//!   activation rules and the 24,576-byte code limit.
//! * [`abi`]: export each contract's Solidity interface and JSON ABI into
//!   `abi/`, and check that `abi/` is fresh.
//! * [`workspace`]: locate the checkout and its contract crates.
//!
//! The `stylus-ip` binary (`cargo ip <command>` from the repository root)
//! exposes these as subcommands.

pub mod abi;
pub mod build;
pub mod engine;
pub mod manifest;
pub mod provenance;
pub mod status;
pub mod stylus;
pub mod workspace;
