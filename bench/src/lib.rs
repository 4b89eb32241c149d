//! Benchmarks of the stylus-ip suite: gas per user operation beside
//! OpenZeppelin Solidity (and our Solidity ports where OZ has none), scaling
//! with holders and recipients, contract sizes and devnode speed.
//!
//! The `stylus-ip-bench` binary runs everything on the embedded devnode and
//! writes `bench/RESULTS.md` and `bench/results.json`. This library holds the
//! pure parts: the storage-floor model ([`floor`]) and the Solidity baseline
//! build ([`solidity`]).

pub mod floor;
pub mod solidity;
