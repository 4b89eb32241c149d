//! The one place where the chain hands a transaction to an execution engine.
//!
//! The chain never calls revm directly: it builds a [`CfgEnv`], a [`BlockEnv`] and a [`TxEnv`]
//! and asks an [`Executor`] for the result and the state changes (not committed). Swapping the
//! plain-EVM engine ([`RevmExecutor`]) for the Stylus engine is a change of the executor
//! passed to [`crate::Chain::new`].

use std::convert::Infallible;

use revm::context::result::{EVMError, ResultAndState};
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::database_interface::WrapDatabaseRef;
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};

use crate::state::StateDb;
use crate::trace::TraceEvent;

/// Result of executing one transaction: the outcome and the (uncommitted) state changes, or
/// an invalid-transaction error.
pub type ExecOutcome = Result<Executed, EVMError<Infallible>>;

/// A successful execution (the transaction was valid; it may still have reverted).
#[derive(Debug, Clone)]
pub struct Executed {
    /// revm's result and the state changes to commit.
    pub result: ResultAndState,
    /// Why a top-level Stylus program failed (e.g. `ProgramNotActivated`), if it did.
    pub stylus_error: Option<String>,
}

impl From<ResultAndState> for Executed {
    fn from(result: ResultAndState) -> Self {
        Self {
            result,
            stylus_error: None,
        }
    }
}

/// An execution engine.
pub trait Executor: Send + 'static {
    /// Executes `tx` on top of `db` in `block` with `cfg`, without committing.
    ///
    /// # Errors
    /// `EVMError::Transaction` when the transaction is invalid (nonce, balance, gas, fees).
    fn execute(&mut self, db: StateDb<'_>, cfg: CfgEnv, block: BlockEnv, tx: TxEnv) -> ExecOutcome;

    /// Executes `tx`, included in the block being mined, on top of `db` (the block's state
    /// so far). The Stylus engine carries its per-block recent-programs cache from one
    /// transaction of the block to the next; by default this is [`execute`](Self::execute).
    ///
    /// # Errors
    /// As [`execute`](Self::execute).
    fn execute_in_block(
        &mut self,
        db: StateDb<'_>,
        cfg: CfgEnv,
        block: BlockEnv,
        tx: TxEnv,
    ) -> ExecOutcome {
        self.execute(db, cfg, block, tx)
    }

    /// A new block is being mined: per-block state (Nitro's recent-programs cache) starts
    /// afresh. Does nothing by default.
    fn begin_block(&mut self) {}

    /// A second engine of the same kind with its own per-block state, for replaying a past
    /// block (tracing) without disturbing the block being mined. Compiled programs may be
    /// shared.
    fn replayer(&self) -> Box<dyn Executor>;

    /// [`execute_in_block`](Self::execute_in_block) with the frames and, for Stylus
    /// programs, the hostios recorded in execution order. By default nothing is recorded
    /// (an engine that cannot trace).
    ///
    /// # Errors
    /// As [`execute`](Self::execute).
    fn execute_traced(
        &mut self,
        db: StateDb<'_>,
        cfg: CfgEnv,
        block: BlockEnv,
        tx: TxEnv,
    ) -> Result<(Executed, Vec<TraceEvent>), EVMError<Infallible>> {
        self.execute_in_block(db, cfg, block, tx)
            .map(|e| (e, Vec::new()))
    }

    /// Human-readable engine name (shown by `web3_clientVersion`).
    fn name(&self) -> &'static str;

    /// Accounts the engine needs at genesis (e.g. ArbOS state, precompile markers).
    fn genesis(&self, state: &mut crate::state::WorldState) {
        let _ = state;
    }
}

/// The default engine for `config`: [`StylusExecutor`] with the `stylus` feature (default),
/// [`RevmExecutor`] without.
pub fn default_executor(config: &crate::ChainConfig) -> Box<dyn Executor> {
    #[cfg(feature = "stylus")]
    {
        Box::new(StylusExecutor::with_config(stylus_vm::config::VmConfig {
            chain_id: config.chain_id,
            tx_gas_limit_cap: config.tx_gas_cap,
            max_code_size: config.max_code_size,
            ..stylus_vm::config::VmConfig::arbos(config.arbos_version)
        }))
    }
    #[cfg(not(feature = "stylus"))]
    {
        let _ = config;
        Box::new(RevmExecutor)
    }
}

/// Plain revm (EVM only, no Stylus): the fallback engine.
#[derive(Debug, Default, Clone, Copy)]
pub struct RevmExecutor;

impl Executor for RevmExecutor {
    fn execute(&mut self, db: StateDb<'_>, cfg: CfgEnv, block: BlockEnv, tx: TxEnv) -> ExecOutcome {
        let mut evm = Context::mainnet()
            .with_db(WrapDatabaseRef(db))
            .with_cfg(cfg)
            .with_block(block)
            .build_mainnet();
        evm.transact(tx).map(Executed::from)
    }

    fn replayer(&self) -> Box<dyn Executor> {
        Box::new(*self)
    }

    fn name(&self) -> &'static str {
        "revm"
    }
}

/// The Stylus engine (`stylus-vm`): EVM plus Stylus WASM programs, ArbWasm and the other
/// Arbitrum precompiles, with Nitro's gas.
#[cfg(feature = "stylus")]
#[derive(Debug, Clone)]
pub struct StylusExecutor {
    runtime: stylus_vm::evm::Runtime,
    /// The recent-programs cache of the block being mined.
    recent: stylus_vm::RecentPrograms,
}

#[cfg(feature = "stylus")]
impl StylusExecutor {
    /// An engine for `chain_id` at the default ArbOS version (61, `stylus_vm::DEFAULT_ARBOS_VERSION`).
    pub fn new(chain_id: u64) -> Self {
        Self::with_config(stylus_vm::config::VmConfig {
            chain_id,
            ..stylus_vm::config::VmConfig::default()
        })
    }

    /// An engine with an explicit VM configuration.
    pub fn with_config(config: stylus_vm::config::VmConfig) -> Self {
        Self {
            runtime: stylus_vm::evm::Runtime::new(config),
            recent: stylus_vm::RecentPrograms::new(),
        }
    }

    /// The ArbOS version the engine follows.
    pub fn arbos_version(&self) -> u64 {
        self.runtime.config.arbos_version
    }

    /// The revm configuration: the VM's (spec, EIP-3541 handled by the VM, code size) plus
    /// the chain's per-call switches.
    fn cfg(&self, cfg: &CfgEnv) -> CfgEnv {
        let mut c = self.runtime.cfg_env();
        c.chain_id = cfg.chain_id;
        c.tx_gas_limit_cap = cfg.tx_gas_limit_cap;
        c.disable_nonce_check = cfg.disable_nonce_check;
        c.disable_base_fee = cfg.disable_base_fee;
        c.disable_block_gas_limit = cfg.disable_block_gas_limit;
        c.disable_balance_check = cfg.disable_balance_check;
        c.disable_eip3607 = cfg.disable_eip3607;
        c.limit_contract_code_size = cfg.limit_contract_code_size;
        c.limit_contract_initcode_size = cfg.limit_contract_initcode_size;
        c
    }
}

#[cfg(feature = "stylus")]
fn executed(exec: stylus_vm::Execution) -> Executed {
    let stylus_error = exec.top_level_error().map(str::to_string);
    Executed {
        result: exec.result,
        stylus_error,
    }
}

#[cfg(feature = "stylus")]
impl Executor for StylusExecutor {
    /// A simulation (`eth_call`, `eth_estimateGas`): it starts from an empty
    /// recent-programs cache, as Nitro's fresh state does, and leaves the block's alone.
    fn execute(&mut self, db: StateDb<'_>, cfg: CfgEnv, block: BlockEnv, tx: TxEnv) -> ExecOutcome {
        let c = self.cfg(&cfg);
        let exec =
            stylus_vm::evm::execute_with_cfg(&self.runtime, WrapDatabaseRef(db), block, c, tx)?;
        Ok(executed(exec))
    }

    fn execute_in_block(
        &mut self,
        db: StateDb<'_>,
        cfg: CfgEnv,
        block: BlockEnv,
        tx: TxEnv,
    ) -> ExecOutcome {
        let c = self.cfg(&cfg);
        let exec = stylus_vm::evm::execute_in_block(
            &self.runtime,
            WrapDatabaseRef(db),
            block,
            c,
            tx,
            &mut self.recent,
        )?;
        Ok(executed(exec))
    }

    fn begin_block(&mut self) {
        self.recent.clear();
    }

    fn replayer(&self) -> Box<dyn Executor> {
        Box::new(Self {
            runtime: self.runtime.clone(),
            recent: stylus_vm::RecentPrograms::new(),
        })
    }

    fn execute_traced(
        &mut self,
        db: StateDb<'_>,
        cfg: CfgEnv,
        block: BlockEnv,
        tx: TxEnv,
    ) -> Result<(Executed, Vec<TraceEvent>), EVMError<Infallible>> {
        let c = self.cfg(&cfg);
        let mut exec = stylus_vm::evm::execute_traced(
            &self.runtime,
            WrapDatabaseRef(db),
            block,
            c,
            tx,
            &mut self.recent,
        )?;
        let events = std::mem::take(&mut exec.trace.events)
            .into_iter()
            .map(crate::trace::from_vm_event)
            .collect();
        Ok((executed(exec), events))
    }

    fn name(&self) -> &'static str {
        "stylus-vm"
    }

    fn genesis(&self, state: &mut crate::state::WorldState) {
        use stylus_vm::config::{ARBOS_STATE_ADDRESS, ARB_PRECOMPILES};
        // The ArbOS state account must be non-empty so its storage survives EIP-161, and
        // the precompiles carry `0xFE` code (Solidity checks `extcodesize`), as on Nitro.
        state.set_nonce(ARBOS_STATE_ADDRESS, 1);
        for a in ARB_PRECOMPILES {
            state.set_code(a, alloy_primitives::Bytes::from_static(&[0xFE]));
        }
    }
}

#[cfg(all(test, feature = "stylus"))]
mod tests {
    #[test]
    fn chain_and_vm_default_to_the_same_arbos_version() {
        assert_eq!(
            crate::config::DEFAULT_ARBOS_VERSION,
            stylus_vm::DEFAULT_ARBOS_VERSION
        );
        let e = super::default_executor(&crate::ChainConfig::default());
        assert_eq!(e.name(), "stylus-vm");
        let old = super::StylusExecutor::with_config(stylus_vm::VmConfig::arbos(51));
        assert_eq!(old.arbos_version(), 51);
    }
}
