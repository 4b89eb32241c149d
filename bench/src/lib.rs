//! Benchmarks of the stylus-ip suite: gas per user operation beside
//! OpenZeppelin Solidity (and our Solidity ports where OZ has none), with
//! Stylus programs cached and uncached, scaling with holders and recipients,
//! contract sizes and devnode speed.
//!
//! The `stylus-ip-bench` binary runs everything on the embedded devnode and
//! writes `bench/RESULTS.md`, `bench/results.json` and `bench/charts/*.svg`.
//!
//! * pure parts, unit-tested: [`floor`] (storage-floor model), [`ops`] (the
//!   operation catalogue), [`report`] (recorder, targets, Markdown),
//!   [`charts`] (SVG);
//! * runners: [`solidity`] (solc-js build), [`chain`] (JSON-RPC client,
//!   Stylus deployment and caching), [`baseline`] and [`stylus`] (the two
//!   scenarios), [`investors`] (the investor operations, shared by both), [`entries`] (the lease transactions' entries into programs
//!   before and after the recent-program cache, in process), [`speed`]
//!   (devnode throughput), [`gateway`] (the licence-gated gateway under
//!   load; `stylus-ip-bench gateway` runs it alone), [`studio`] (the studio
//!   batch mint's wall time, gas per asset and local hashing;
//!   `stylus-ip-bench studio` runs it alone).
//!
//! The devnode's rules are those of its configured ArbOS version (the
//! report states it); the entry comparison adds ArbOS 51's.

pub mod baseline;
pub mod breakdown;
pub mod chain;
pub mod charts;
pub mod entries;
pub mod floor;
pub mod gateway;
pub mod investors;
pub mod ops;
pub mod report;
pub mod solidity;
pub mod speed;
pub mod studio;
pub mod stylus;
