//! The chain behind the stylus devnode: blocks (automine or interval mining), receipts with
//! logs and bloom, legacy/EIP-2930/EIP-1559/EIP-7702 transactions with nonce, balance,
//! intrinsic-gas and fee checks, `eth_call`/`eth_estimateGas` with state overrides, log
//! filters, snapshots, time travel and state dump/load.
//!
//! Execution goes through one narrow trait, [`Executor`]: `StylusExecutor` (feature
//! `stylus`, on by default) runs EVM and Stylus WASM with `stylus-vm`; [`RevmExecutor`] runs
//! plain EVM. [`Chain::new`] picks [`default_executor`]; [`Chain::with_executor`] takes any.
//!
//! [`Chain::trace_transaction`] and [`Chain::trace_call`] ([`trace`]) replay a mined
//! transaction in its block (or run a call) with the engine's recorder on and answer with
//! Nitro's Stylus hostio tracer or geth's `callTracer`.
//!
//! Genesis mirrors nitro-devnode: chain id 412346, the CREATE2 factory at
//! [`genesis::CREATE2_FACTORY`], the StylusDeployer at [`genesis::STYLUS_DEPLOYER`] (its
//! published bytecode run through the factory with salt 0), nitro-devnode's dev account and
//! ten deterministic dev accounts, all funded.

mod chain;
pub mod config;
mod error;
pub mod executor;
pub mod genesis;
pub mod state;
pub mod trace;
pub mod types;

pub use chain::{encode_envelope, BlockDump, Chain, ChainDump, MineOutcome, SEQUENCER_COINBASE};
pub use config::{ChainConfig, DevAccount};
pub use error::{decode_revert_reason, ChainError};
#[cfg(feature = "stylus")]
pub use executor::StylusExecutor;
pub use executor::{default_executor, ExecOutcome, Executed, Executor, RevmExecutor};
pub use trace::{TraceOptions, Tracer};

/// Re-exported dependency crates whose types appear in this API.
pub mod reexports {
    pub use alloy_eips;
    pub use alloy_primitives;
    pub use alloy_rpc_types_eth;
    pub use revm;
}
