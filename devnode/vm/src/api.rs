//! The in-process devnode: a deterministic chain state with accounts,
//! deployment, activation, calls, transactions, time and snapshots. No
//! sockets, no threads.

use alloy_sol_types::SolCall;
use revm::context::{BlockEnv, TxEnv};
use revm::context_interface::result::{ExecutionResult, Output};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::{Address, Bytes, Log, TxKind, U256};
use revm::state::{AccountInfo, Bytecode};
use revm::{DatabaseCommit, DatabaseRef};

use crate::abi::ArbWasm;
use crate::config::{VmConfig, ARBOS_STATE_ADDRESS, ARB_PRECOMPILES, ARB_WASM};
use crate::evm::{execute_in_block, execute_with_cfg, Execution, Runtime};
use crate::recent::RecentPrograms;

/// The state database of the in-process devnode.
pub type StateDb = CacheDB<EmptyDB>;

/// Default gas limit of a transaction sent through [`Sandbox`].
pub const DEFAULT_TX_GAS: u64 = 30_000_000;
/// Timestamp of the genesis block.
pub const GENESIS_TIMESTAMP: u64 = 1_700_000_000;

/// What a call or transaction did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxOutcome {
    /// Whether it succeeded.
    pub success: bool,
    /// Gas used (after refunds), as a receipt shows it.
    pub gas_used: u64,
    /// Return data on success, revert data on revert, empty on halt.
    pub output: Bytes,
    /// Logs emitted (empty unless it succeeded).
    pub logs: Vec<Log>,
    /// The created contract, for deployments.
    pub created: Option<Address>,
    /// The halt reason (`OutOfGas`, `NotActivated`…), when it halted.
    pub halt: Option<String>,
    /// Why a top-level Stylus program failed (e.g. `ProgramNotActivated`).
    pub stylus_error: Option<String>,
    /// `console.*` output of debug programs.
    pub console: Vec<String>,
    /// Program entries that paid the cached init cost because the program was
    /// entered earlier in the same block (the recent-programs cache, ArbOS 60+).
    pub recent_cache_hits: u64,
}

impl TxOutcome {
    /// Builds an outcome from a VM execution.
    #[must_use]
    pub fn from_execution(exec: &Execution) -> Self {
        let mut out = Self {
            stylus_error: exec.top_level_error().map(str::to_string),
            console: exec.trace.console.clone(),
            recent_cache_hits: exec.trace.recent_cache_hits,
            ..Self::default()
        };
        match &exec.result.result {
            ExecutionResult::Success {
                gas, logs, output, ..
            } => {
                out.success = true;
                out.gas_used = gas.tx_gas_used();
                out.logs.clone_from(logs);
                match output {
                    Output::Call(b) => out.output = b.clone(),
                    Output::Create(b, a) => {
                        out.output = b.clone();
                        out.created = *a;
                    }
                }
            }
            ExecutionResult::Revert { gas, output, .. } => {
                out.gas_used = gas.tx_gas_used();
                out.output = output.clone();
            }
            ExecutionResult::Halt { gas, reason, .. } => {
                out.gas_used = gas.tx_gas_used();
                out.halt = Some(format!("{reason:?}"));
            }
        }
        out
    }
}

/// A deterministic in-process Stylus sandbox: the VM and a state, without
/// the chain around them (see the crate docs for usage). Transactions skip
/// signatures, nonce and fee checks and need no mining; blocks advance only
/// when asked. The VM's own tests and the bench's entry-cost measurements use
/// it; everything that should behave like a node (RPC, pool, receipts, logs)
/// uses `devnode_chain::Chain` or `stylus_devnode::Devnode` instead.
#[derive(Debug, Clone)]
pub struct Sandbox {
    runtime: Runtime,
    db: StateDb,
    block: BlockEnv,
    snapshots: Vec<(StateDb, BlockEnv)>,
    /// The open block's recent-programs cache (ArbOS 60+).
    recent: RecentPrograms,
    /// Whether transactions accumulate in one block until [`Sandbox::end_block`].
    block_open: bool,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

/// Installs what every chain needs before its first transaction: the ArbOS
/// state account (non-empty, so its storage survives EIP-161) and `0xFE`
/// code at the Arbitrum precompile addresses (Solidity checks `extcodesize`
/// before calling them, as on Nitro).
pub fn install_genesis<DB: DatabaseCommitExt>(db: &mut DB) {
    db.put_account(
        ARBOS_STATE_ADDRESS,
        AccountInfo {
            nonce: 1,
            ..AccountInfo::default()
        },
    );
    for a in ARB_PRECOMPILES {
        let code = Bytecode::new_raw(Bytes::from_static(&[0xFE]));
        db.put_account(
            a,
            AccountInfo {
                code_hash: code.hash_slow(),
                code: Some(code),
                ..AccountInfo::default()
            },
        );
    }
}

/// Databases [`install_genesis`] can write to.
pub trait DatabaseCommitExt {
    /// Inserts or replaces an account's info.
    fn put_account(&mut self, address: Address, info: AccountInfo);
}

impl<E: DatabaseRef> DatabaseCommitExt for CacheDB<E> {
    fn put_account(&mut self, address: Address, info: AccountInfo) {
        self.insert_account_info(address, info);
    }
}

impl Sandbox {
    /// A devnode with the defaults: ArbOS 61 ([`crate::DEFAULT_ARBOS_VERSION`]),
    /// chain 412346, debug chain.
    #[must_use]
    pub fn new() -> Self {
        Self::with_config(VmConfig::default())
    }

    /// A devnode with `config`.
    #[must_use]
    pub fn with_config(config: VmConfig) -> Self {
        Self::with_runtime(Runtime::new(config))
    }

    /// A devnode sharing `runtime` (and so its compiled-program cache).
    #[must_use]
    pub fn with_runtime(runtime: Runtime) -> Self {
        let mut db = StateDb::new(EmptyDB::default());
        install_genesis(&mut db);
        let block = BlockEnv {
            number: U256::from(1),
            timestamp: U256::from(GENESIS_TIMESTAMP),
            gas_limit: 1_125_899_906_842_624,
            basefee: 0,
            ..BlockEnv::default()
        };
        Self {
            runtime,
            db,
            block,
            snapshots: Vec::new(),
            recent: RecentPrograms::new(),
            block_open: false,
        }
    }

    /// The VM runtime (configuration and compiled programs).
    #[must_use]
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The state database.
    #[must_use]
    pub fn db(&self) -> &StateDb {
        &self.db
    }

    /// The state database, mutably (for direct pokes).
    pub fn db_mut(&mut self) -> &mut StateDb {
        &mut self.db
    }

    /// The environment of the next block.
    #[must_use]
    pub fn block(&self) -> &BlockEnv {
        &self.block
    }

    /// Sets the environment of the next block.
    pub fn set_block(&mut self, block: BlockEnv) {
        self.block = block;
    }

    fn info(&self, a: Address) -> AccountInfo {
        self.db.basic_ref(a).ok().flatten().unwrap_or_default()
    }

    /// Adds `amount` wei to `account`.
    pub fn fund(&mut self, account: Address, amount: U256) {
        let mut info = self.info(account);
        info.balance = info.balance.saturating_add(amount);
        self.db.insert_account_info(account, info);
    }

    /// Balance of `account`.
    #[must_use]
    pub fn balance(&self, account: Address) -> U256 {
        self.info(account).balance
    }

    /// Nonce of `account`.
    #[must_use]
    pub fn nonce(&self, account: Address) -> u64 {
        self.info(account).nonce
    }

    /// Code of `account`.
    #[must_use]
    pub fn code(&self, account: Address) -> Bytes {
        self.info(account)
            .code
            .map(|c| c.original_bytes())
            .unwrap_or_default()
    }

    /// Sets the code of `account`.
    pub fn set_code(&mut self, account: Address, code: Bytes) {
        let mut info = self.info(account);
        let code = Bytecode::new_raw(code);
        info.code_hash = code.hash_slow();
        info.code = Some(code);
        self.db.insert_account_info(account, info);
    }

    /// Storage slot of `account`.
    #[must_use]
    pub fn storage(&self, account: Address, slot: U256) -> U256 {
        self.db.storage_ref(account, slot).unwrap_or_default()
    }

    /// Timestamp of the next block.
    #[must_use]
    pub fn timestamp(&self) -> u64 {
        self.block.timestamp.saturating_to()
    }

    /// Sets the timestamp of the next block.
    pub fn set_timestamp(&mut self, timestamp: u64) {
        self.block.timestamp = U256::from(timestamp);
    }

    /// Moves time forward by `seconds`.
    pub fn warp(&mut self, seconds: u64) {
        self.block.timestamp += U256::from(seconds);
    }

    /// Number of the next block (each committed transaction mines one).
    #[must_use]
    pub fn block_number(&self) -> u64 {
        self.block.number.saturating_to()
    }

    /// Saves the state; returns an id for [`revert`](Self::revert).
    pub fn snapshot(&mut self) -> usize {
        self.snapshots.push((self.db.clone(), self.block.clone()));
        self.snapshots.len() - 1
    }

    /// Restores snapshot `id` (and drops later ones). Returns `false` for an unknown id.
    pub fn revert(&mut self, id: usize) -> bool {
        if id >= self.snapshots.len() {
            return false;
        }
        self.snapshots.truncate(id + 1);
        let Some((db, block)) = self.snapshots.pop() else {
            return false;
        };
        self.db = db;
        self.block = block;
        self.recent.clear();
        self.block_open = false;
        true
    }

    /// Opens a block: the transactions sent until [`end_block`](Self::end_block)
    /// share one block (its number and its recent-programs cache) instead of
    /// mining one block each.
    pub fn begin_block(&mut self) {
        self.block_open = true;
    }

    /// Seals the open block (if any): the block number moves on and the
    /// recent-programs cache is discarded, as Nitro does at each block's end.
    pub fn end_block(&mut self) {
        self.block_open = false;
        self.block.number += U256::from(1);
        self.recent.clear();
    }

    /// The recent-programs cache of the block being built.
    #[must_use]
    pub fn recent_programs(&self) -> &RecentPrograms {
        &self.recent
    }

    fn tx(&self, from: Address, kind: TxKind, data: Bytes, value: U256, gas: u64) -> TxEnv {
        TxEnv {
            caller: from,
            gas_limit: gas,
            gas_price: u128::from(self.block.basefee),
            kind,
            value,
            data,
            nonce: self.nonce(from),
            chain_id: Some(self.runtime.config.chain_id),
            ..TxEnv::default()
        }
    }

    /// Executes `tx` on the current state without committing.
    ///
    /// # Errors
    /// A message for invalid transactions.
    pub fn execute(&mut self, tx: TxEnv) -> Result<Execution, String> {
        let cfg = self.runtime.cfg_env();
        execute_with_cfg(&self.runtime, &mut self.db, self.block.clone(), cfg, tx)
            .map_err(|e| e.to_string())
    }

    /// [`Self::execute`] with tracing on: the execution's trace carries its
    /// frames and the hostios of its Stylus frames, with the ink before and
    /// after each ([`crate::StylusTrace::events`]). Nothing is committed; the
    /// open block's recent-programs cache is seen but not changed.
    ///
    /// # Errors
    /// A message for invalid transactions.
    pub fn execute_traced(&mut self, tx: TxEnv) -> Result<Execution, String> {
        let cfg = self.runtime.cfg_env();
        let mut recent = self.recent.clone();
        crate::evm::execute_traced(
            &self.runtime,
            &mut self.db,
            self.block.clone(),
            cfg,
            tx,
            &mut recent,
        )
        .map_err(|e| e.to_string())
    }

    /// Executes and commits `tx`, mining one block (or adding it to the block
    /// opened by [`begin_block`](Self::begin_block)).
    ///
    /// # Errors
    /// A message for invalid transactions (nothing is committed then).
    pub fn transact_tx(&mut self, tx: TxEnv) -> Result<TxOutcome, String> {
        let cfg = self.runtime.cfg_env();
        let exec = execute_in_block(
            &self.runtime,
            &mut self.db,
            self.block.clone(),
            cfg,
            tx,
            &mut self.recent,
        )
        .map_err(|e| e.to_string())?;
        let outcome = TxOutcome::from_execution(&exec);
        self.db.commit(exec.result.state);
        if !self.block_open {
            self.end_block();
        }
        Ok(outcome)
    }

    /// Sends a call transaction and commits it.
    ///
    /// # Errors
    /// A message for invalid transactions (bad nonce, no funds…).
    pub fn transact(
        &mut self,
        from: Address,
        to: Address,
        data: Bytes,
        value: U256,
    ) -> Result<TxOutcome, String> {
        let tx = self.tx(from, TxKind::Call(to), data, value, DEFAULT_TX_GAS);
        self.transact_tx(tx)
    }

    /// Simulates a call (like `eth_call`): nothing is committed, nonce and
    /// balance are not checked.
    ///
    /// # Errors
    /// A message for invalid transactions.
    pub fn call(&mut self, from: Address, to: Address, data: Bytes) -> Result<TxOutcome, String> {
        self.call_with_value(from, to, data, U256::ZERO)
    }

    /// [`call`](Self::call) with a value.
    ///
    /// # Errors
    /// A message for invalid transactions.
    pub fn call_with_value(
        &mut self,
        from: Address,
        to: Address,
        data: Bytes,
        value: U256,
    ) -> Result<TxOutcome, String> {
        let tx = self.tx(from, TxKind::Call(to), data, value, DEFAULT_TX_GAS);
        let mut cfg = self.runtime.cfg_env();
        cfg.disable_nonce_check = true;
        cfg.disable_balance_check = true;
        cfg.disable_base_fee = true;
        let exec = execute_with_cfg(&self.runtime, &mut self.db, self.block.clone(), cfg, tx)
            .map_err(|e| e.to_string())?;
        Ok(TxOutcome::from_execution(&exec))
    }

    /// Deploys `init_code` (EVM init code) and commits.
    ///
    /// # Errors
    /// A message for invalid transactions.
    pub fn deploy(
        &mut self,
        from: Address,
        init_code: Bytes,
        value: U256,
    ) -> Result<TxOutcome, String> {
        let tx = self.tx(from, TxKind::Create, init_code, value, DEFAULT_TX_GAS);
        self.transact_tx(tx)
    }

    /// Deploys a WASM program the way cargo-stylus does (brotli, `EF F0 00 00`
    /// prefix, 43-byte init code), without activating it.
    ///
    /// # Errors
    /// The failed deployment.
    #[allow(clippy::result_large_err)] // the outcome is the error report; boxing would only add noise
    pub fn deploy_wasm(&mut self, from: Address, wasm: &[u8]) -> Result<Address, TxOutcome> {
        let code = stylus_validate::program_code(wasm);
        let init = stylus_validate::deploy_init_code(&code);
        let out = self
            .deploy(from, init.into(), U256::ZERO)
            .map_err(|e| TxOutcome {
                halt: Some(e),
                ..TxOutcome::default()
            })?;
        match out.created {
            Some(a) if out.success => Ok(a),
            _ => Err(out),
        }
    }

    /// The data fee `activateProgram(program)` would charge now (simulated).
    ///
    /// # Errors
    /// The simulated activation's failure.
    #[allow(clippy::result_large_err)] // the outcome is the error report; boxing would only add noise
    pub fn activation_fee(&mut self, from: Address, program: Address) -> Result<U256, TxOutcome> {
        let data = ArbWasm::activateProgramCall { program }.abi_encode();
        let big = U256::from(10u64).pow(U256::from(18));
        let out = self
            .call_with_value(from, ARB_WASM, data.into(), big)
            .map_err(|e| TxOutcome {
                halt: Some(e),
                ..TxOutcome::default()
            })?;
        if !out.success {
            return Err(out);
        }
        ArbWasm::activateProgramCall::abi_decode_returns(&out.output)
            .map(|r| r.dataFee)
            .map_err(|_| out)
    }

    /// Activates `program` as cargo-stylus does: simulates to get the data
    /// fee, then sends `activateProgram` with the fee plus 20 %. `from` must
    /// hold the fee.
    ///
    /// # Errors
    /// The failed activation (revert data holds the ArbWasm custom error).
    #[allow(clippy::result_large_err)] // the outcome is the error report; boxing would only add noise
    pub fn activate(&mut self, from: Address, program: Address) -> Result<TxOutcome, TxOutcome> {
        let fee = self.activation_fee(from, program)?;
        let value = fee + fee / U256::from(5);
        let data = ArbWasm::activateProgramCall { program }.abi_encode();
        let out = self
            .transact(from, ARB_WASM, data.into(), value)
            .map_err(|e| TxOutcome {
                halt: Some(e),
                ..TxOutcome::default()
            })?;
        if out.success {
            Ok(out)
        } else {
            Err(out)
        }
    }

    /// Deploys and activates a WASM program; funds `from` for the data fee.
    ///
    /// # Errors
    /// The failed deployment or activation.
    #[allow(clippy::result_large_err)] // the outcome is the error report; boxing would only add noise
    pub fn deploy_and_activate(
        &mut self,
        from: Address,
        wasm: &[u8],
    ) -> Result<Address, TxOutcome> {
        let program = self.deploy_wasm(from, wasm)?;
        self.fund(from, U256::from(10u64).pow(U256::from(18)));
        self.activate(from, program)?;
        Ok(program)
    }
}
