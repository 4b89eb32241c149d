//! # stylus-vm — Arbitrum Stylus on revm, with Nitro's semantics and gas
//!
//! Runs Stylus WASM programs the way Nitro does (ArbOS 51 by default, Osaka
//! rules, 32M per-tx gas cap, L1 gas 0), so that tests, gas figures and
//! benchmarks exercise the exact WASM that would ship.
//!
//! ## Modules (one job each)
//! * [`pricing`] — Nitro's ink constants, opcode table, memory model.
//! * [`instrument`] — rewrites a module like Nitro's activation: per-block ink
//!   meter, `memory.copy/fill` meter, depth checker, `pay_for_memory_grow`
//!   before `memory.grow`, export whitelist; computes init/cached costs,
//!   asm estimate, footprint and compile gas.
//! * [`host`] — all 42 `vm_hooks` (+ `console.*`) with exact ink charges,
//!   the storage cache (known/dirty, read/write tiers), engine-independent.
//! * [`engine`] — wasmi 2 behind the [`engine::ProgramRun`] trait; programs
//!   suspend on EVM requests (resumable host calls); modules cached by code hash.
//! * [`evm`] — the revm glue ([`evm::StylusEvm`]): Stylus frames suspend on
//!   sub-calls/creates and resume when the child returns; EIP-3541 waived only
//!   for Stylus prefixes; per-call program costs; reentrancy; the lower-level
//!   [`evm::execute`] entry point.
//! * [`arbos`] — program records, module hashes, data pricer (in the ArbOS
//!   state account's storage, so journaled and snapshotted), activation,
//!   fragmented (root) programs.
//! * [`recent`] — the per-block recent-programs cache (ArbOS 60+): a program
//!   entered again in the same block pays the cached init cost.
//! * [`precompiles`] — ArbWasm 0x71, ArbWasmCache 0x72, ArbSys 0x64,
//!   ArbOwnerPublic 0x6b, ArbGasInfo 0x6c, ArbOwner 0x70, ArbDebug 0xff
//!   (ABI-encoded custom errors); chain owners and cache managers live in the
//!   ArbOS state ([`arbos::AddressSet`]).
//! * [`cache_manager`] — the CacheManager bid auction as a native system
//!   contract at nitro-devnode's address (installed by the chain's genesis).
//! * [`api`] — [`Sandbox`], the VM and a state in process without the chain
//!   (no signatures, nonces, fees or mining); the node is `devnode-chain`.
//!
//! ## Using it in tests (in-process)
//! ```no_run
//! use stylus_vm::{Sandbox, primitives::{Address, U256, Bytes}};
//! let mut node = Sandbox::new();
//! let alice = Address::repeat_byte(0xA1);
//! node.fund(alice, U256::from(10u64).pow(U256::from(18)));
//! # let wasm: Vec<u8> = vec![];
//! let program = node.deploy_and_activate(alice, &wasm).unwrap();
//! let out = node.transact(alice, program, Bytes::from(vec![1, 2, 3]), U256::ZERO).unwrap();
//! assert!(out.success, "revert data: {}", out.output);
//! println!("gas used: {}, logs: {}", out.gas_used, out.logs.len());
//! let snap = node.snapshot();
//! node.warp(3600);
//! node.revert(snap);
//! ```
//! `call` simulates without committing (`eth_call`, starting from an empty
//! recent-programs cache); `transact` commits and mines one block (block
//! number + 1; the timestamp only moves with `warp`/`set_timestamp`), unless
//! `begin_block` opened a block that several transactions share until
//! `end_block` (they then share its recent-programs cache, [`recent`]).
//! Everything is deterministic.
//!
//! ## Using it from a chain / JSON-RPC layer (part 2)
//! Keep your own state database (anything implementing `revm::Database`;
//! `revm::database::CacheDB` works) and one shared [`Runtime`] per chain
//! (it caches compiled programs):
//! 1. At genesis call [`api::install_genesis`] on your database (ArbOS state
//!    account, `0xFE` code at the Arbitrum precompiles), or replicate it.
//! 2. For each transaction build a revm `BlockEnv` and `TxEnv` and call
//!    [`evm::execute`]`(&runtime, &mut db, block, tx)` (or
//!    [`evm::execute_with_cfg`] with `runtime.cfg_env()` modified, e.g.
//!    `disable_nonce_check`/`disable_balance_check`/`disable_base_fee` for
//!    `eth_call`/`eth_estimateGas`). It returns [`evm::Execution`]: revm's
//!    `ResultAndState` (result with gas used, logs, output; the state changes
//!    **not yet committed**) plus a [`evm::StylusTrace`].
//! 3. If the tx goes into a block, `db.commit(execution.result.state)`. For
//!    the transactions of a block use [`evm::execute_in_block`] with one
//!    [`RecentPrograms`] per block, cleared when the block is sealed.
//! 4. For error messages: `execution.top_level_error()` names a top-level
//!    Stylus failure (`ProgramNotActivated`, …); revert data of ArbWasm calls
//!    are ABI-encoded custom errors ([`abi::ArbWasm`]).
//!
//! ## Tracing
//! [`StylusEvm::set_tracing`] (or [`evm::execute_traced`]) records, in execution order, the
//! frames entered and left and every hostio of Stylus frames with its arguments and outputs
//! packed as Nitro's tracer sees them and its start/end ink ([`StylusTrace::events`]); the
//! chain turns them into `debug_traceTransaction` answers. Untraced runs only test an
//! `Option` once per hostio.
//!
//! Snapshots, dumps and time are the chain's business: all Stylus state
//! (program records, data pricer) lives in ordinary account storage of
//! [`config::ARBOS_STATE_ADDRESS`], so cloning or serialising the database
//! captures it. Compiled modules are recompiled on demand from the code.
//! Chain id, ArbOS version, debug mode and Stylus parameters are in
//! [`config::VmConfig`].

pub mod abi;
pub mod api;
pub mod arbos;
pub mod cache_manager;
pub mod config;
pub mod engine;
pub mod evm;
pub mod host;
pub mod instrument;
pub mod precompiles;
pub mod pricing;
pub mod recent;

pub use api::{Sandbox, TxOutcome};
pub use config::{VmConfig, DEFAULT_ARBOS_VERSION};
pub use evm::{
    execute, execute_in_block, execute_traced, execute_with_cfg, Execution, FrameEnter, FrameExit,
    FrameKind, Runtime, StylusEvm, StylusTrace, TraceEvent,
};
pub use host::HostioRecord;
pub use recent::RecentPrograms;
/// The revm version this crate is built on.
pub use revm;
/// revm's primitive types (`Address`, `U256`, `Bytes`, `B256`, `Log`…).
pub use revm::primitives;
