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

/// Result of executing one transaction: the outcome and the (uncommitted) state changes, or
/// an invalid-transaction error.
pub type ExecOutcome = Result<ResultAndState, EVMError<Infallible>>;

/// An execution engine.
pub trait Executor: Send + 'static {
    /// Executes `tx` on top of `db` in `block` with `cfg`, without committing.
    ///
    /// # Errors
    /// `EVMError::Transaction` when the transaction is invalid (nonce, balance, gas, fees).
    fn execute(&mut self, db: StateDb<'_>, cfg: CfgEnv, block: BlockEnv, tx: TxEnv) -> ExecOutcome;

    /// Human-readable engine name (shown by `web3_clientVersion`).
    fn name(&self) -> &'static str;
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
        evm.transact(tx)
    }

    fn name(&self) -> &'static str {
        "revm"
    }
}
