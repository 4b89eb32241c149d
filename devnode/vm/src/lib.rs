//! stylus-vm: executes Arbitrum Stylus WASM programs with Nitro's semantics and gas, on revm.
#![allow(missing_docs)]

pub mod arbos;
pub mod config;
pub mod engine;
pub mod evm;
pub mod host;
pub mod instrument;
pub mod precompiles;
pub mod pricing;
