//! stylus-vm: executes Arbitrum Stylus WASM programs with Nitro's semantics and gas, on revm.
#![allow(missing_docs)]

pub mod instrument;
pub mod pricing;
