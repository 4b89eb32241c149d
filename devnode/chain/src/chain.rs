//! The dev chain: transaction pool, mining, queries, calls, filters, snapshots and time.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use alloy_consensus::{
    SignableTransaction, Transaction as _, TxEnvelope, TxType, TypedTransaction,
};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{keccak256, Address, Bloom, Bytes, Signature, TxKind, B256, B64, U256};
use alloy_rpc_types_eth as rpc;
use alloy_rpc_types_eth::state::StateOverride;
use alloy_signer::SignerSync;
use revm::context::result::{EVMError, ExecutionResult, InvalidTransaction, Output};
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::context_interface::either::Either;
use revm::primitives::hardfork::SpecId;
use serde::{Deserialize, Serialize};

use crate::config::{ChainConfig, DevAccount};
use crate::error::ChainError;
use crate::executor::{ExecOutcome, Executor};
use crate::genesis;
use crate::state::{StateDb, StateDump, WorldState};
use crate::types::{rpc_block, BlockRecord, ReceiptRecord, TxRecord};

/// Arbitrum's `block.coinbase` on L2 (the "sequencer" address).
pub const SEQUENCER_COINBASE: Address =
    alloy_primitives::address!("0xA4b000000000000000000073657175656e636572");

/// How long an unpolled filter lives.
const FILTER_TTL: Duration = Duration::from_secs(300);
/// Maximum number of installed filters.
const MAX_FILTERS: usize = 4096;
/// Maximum number of blocks one `eth_getLogs` may scan.
const MAX_LOG_RANGE: u64 = 100_000;
/// Maximum number of blocks `anvil_mine` may mine in one call.
const MAX_MINE_BLOCKS: u64 = 100_000;
/// Maximum pending transactions.
const MAX_POOL: usize = 10_000;
/// How much more (in percent) a transaction must offer, on both its max fee and its tip, to
/// replace a pool transaction with the same sender and nonce (geth's default price bump).
const PRICE_BUMP_PERCENT: u64 = 10;
/// The intrinsic gas of a plain transfer; `eth_estimateGas` ignores a smaller request gas.
const MIN_TX_GAS: u64 = 21_000;

/// A transaction waiting to be mined.
#[derive(Clone, Debug)]
struct PendingTx {
    envelope: TxEnvelope,
    from: Address,
    hash: B256,
    impersonated: bool,
}

/// Everything that a snapshot captures (cheap to clone: persistent collections).
#[derive(Clone)]
struct ChainData {
    state: WorldState,
    blocks: imbl::Vector<Arc<BlockRecord>>,
    block_hashes: imbl::Vector<B256>,
    block_by_hash: imbl::HashMap<B256, u64>,
    txs: imbl::HashMap<B256, Arc<TxRecord>>,
    pool: imbl::Vector<PendingTx>,
    time_offset: i64,
    next_timestamp: Option<u64>,
    base_fee: u64,
    coinbase: Address,
    block_gas_limit: u64,
}

enum FilterKind {
    Logs(Box<rpc::Filter>),
    Blocks,
    PendingTxs,
}

struct InstalledFilter {
    kind: FilterKind,
    /// Next block number not yet reported.
    next_block: u64,
    /// Pending tx hashes not yet reported (pending-transaction filters).
    pending: Vec<B256>,
    last_poll: Instant,
}

/// Result of a mining step.
#[derive(Debug, Clone, Default)]
pub struct MineOutcome {
    /// Numbers of the blocks mined.
    pub blocks: Vec<u64>,
    /// Transactions rejected while mining (dropped from the pool).
    pub rejected: Vec<(B256, ChainError)>,
}

/// The dev chain.
pub struct Chain {
    config: ChainConfig,
    data: ChainData,
    executor: Box<dyn Executor>,
    dev_accounts: Vec<DevAccount>,
    dev_keys: HashMap<Address, usize>,
    impersonated: HashSet<Address>,
    auto_impersonate: bool,
    automine: bool,
    snapshots: BTreeMap<u64, ChainData>,
    next_snapshot: u64,
    filters: HashMap<u64, InstalledFilter>,
    next_filter: u64,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn u256_to_u64(v: U256) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// A full serialisable copy of the chain (`--state` files, `anvil_dumpState`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainDump {
    /// Format version (1).
    pub version: u32,
    /// Chain id.
    pub chain_id: u64,
    /// Latest state.
    pub state: StateDump,
    /// Blocks with their transactions (history of states is not kept).
    #[serde(default)]
    pub blocks: Vec<BlockDump>,
    /// Seconds added to the wall clock.
    #[serde(default)]
    pub time_offset: i64,
    /// Base fee of the next block.
    #[serde(default)]
    pub base_fee: Option<u64>,
}

/// One block in a [`ChainDump`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlockDump {
    /// Header.
    pub header: alloy_consensus::Header,
    /// Transactions with receipts.
    pub transactions: Vec<TxRecord>,
}

impl Chain {
    /// Creates a chain with the default engine ([`crate::default_executor`]: Stylus when the
    /// `stylus` feature is on, plain revm otherwise).
    ///
    /// # Errors
    /// If genesis fails (bad config).
    pub fn new(config: ChainConfig) -> Result<Self, ChainError> {
        let executor = crate::executor::default_executor(&config);
        Self::with_executor(config, executor)
    }

    /// Creates a chain with the given execution engine.
    ///
    /// # Errors
    /// If genesis fails (bad config).
    pub fn with_executor(
        config: ChainConfig,
        mut executor: Box<dyn Executor>,
    ) -> Result<Self, ChainError> {
        let dev_accounts = config.dev_accounts()?;
        let timestamp = config.genesis_timestamp.unwrap_or_else(now_secs);
        let base_cfg = Self::cfg_for(&config, true, true);
        let state =
            genesis::genesis_state(&config, &dev_accounts, &mut *executor, base_cfg, timestamp)?;
        let header = alloy_consensus::Header {
            parent_hash: B256::ZERO,
            ommers_hash: alloy_consensus::EMPTY_OMMER_ROOT_HASH,
            beneficiary: SEQUENCER_COINBASE,
            state_root: keccak256(format!("stylus-devnode genesis {}", config.chain_id)),
            transactions_root: alloy_consensus::EMPTY_ROOT_HASH,
            receipts_root: alloy_consensus::EMPTY_ROOT_HASH,
            logs_bloom: Bloom::ZERO,
            difficulty: U256::from(1),
            number: 0,
            gas_limit: config.block_gas_limit,
            gas_used: 0,
            timestamp,
            extra_data: Bytes::new(),
            mix_hash: B256::ZERO,
            nonce: B64::ZERO,
            base_fee_per_gas: Some(config.base_fee),
            ..Default::default()
        };
        let hash = header.hash_slow();
        let genesis = Arc::new(BlockRecord {
            header,
            hash,
            txs: Vec::new(),
            state: state.clone(),
        });
        let time_offset =
            i64::try_from(timestamp).unwrap_or(0) - i64::try_from(now_secs()).unwrap_or(0);
        let data = ChainData {
            state,
            blocks: imbl::vector![genesis],
            block_hashes: imbl::vector![hash],
            block_by_hash: imbl::HashMap::unit(hash, 0),
            txs: imbl::HashMap::new(),
            pool: imbl::Vector::new(),
            time_offset,
            next_timestamp: None,
            base_fee: config.base_fee,
            coinbase: SEQUENCER_COINBASE,
            block_gas_limit: config.block_gas_limit,
        };
        let dev_keys = dev_accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.address, i))
            .collect();
        Ok(Self {
            automine: config.automine,
            config,
            data,
            executor,
            dev_accounts,
            dev_keys,
            impersonated: HashSet::new(),
            auto_impersonate: false,
            snapshots: BTreeMap::new(),
            next_snapshot: 1,
            filters: HashMap::new(),
            next_filter: 1,
        })
    }

    // ---------------------------------------------------------------- basics

    /// The configuration.
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// Chain id.
    pub fn chain_id(&self) -> u64 {
        self.config.chain_id
    }

    /// `web3_clientVersion` string.
    pub fn client_version(&self) -> String {
        format!(
            "stylus-devnode/v{}/{}",
            env!("CARGO_PKG_VERSION"),
            self.executor.name()
        )
    }

    /// The funded dev accounts (nitro-devnode's account first).
    pub fn dev_accounts(&self) -> &[DevAccount] {
        &self.dev_accounts
    }

    /// Latest block number.
    pub fn block_number(&self) -> u64 {
        self.latest().header.number
    }

    fn latest(&self) -> &Arc<BlockRecord> {
        // SAFETY-like invariant: the genesis block is always present.
        self.data
            .blocks
            .last()
            .unwrap_or_else(|| unreachable!("chain always has a genesis block"))
    }

    /// Base fee of the next block (also `eth_gasPrice`).
    pub fn base_fee(&self) -> u64 {
        self.data.base_fee
    }

    /// Whether each transaction is mined at once.
    pub fn automine(&self) -> bool {
        self.automine
    }

    /// Latest state.
    pub fn state(&self) -> &WorldState {
        &self.data.state
    }

    /// Resolves a block tag to a number (pending = latest).
    ///
    /// # Errors
    /// Unknown block number or hash.
    pub fn resolve_block(&self, id: BlockId) -> Result<u64, ChainError> {
        let latest = self.block_number();
        match id {
            BlockId::Hash(h) => self
                .data
                .block_by_hash
                .get(&h.block_hash)
                .copied()
                .ok_or_else(|| ChainError::NotFound(format!("block {} not found", h.block_hash))),
            BlockId::Number(tag) => match tag {
                BlockNumberOrTag::Earliest => Ok(0),
                BlockNumberOrTag::Number(n) if n <= latest => Ok(n),
                BlockNumberOrTag::Number(n) => Err(ChainError::NotFound(format!(
                    "block {n} not found (latest is {latest})"
                ))),
                _ => Ok(latest),
            },
        }
    }

    pub(crate) fn block_at(&self, n: u64) -> Option<&Arc<BlockRecord>> {
        self.data.blocks.get(usize::try_from(n).ok()?)
    }

    /// State at a block.
    ///
    /// # Errors
    /// Unknown block.
    pub fn state_at(&self, id: BlockId) -> Result<&WorldState, ChainError> {
        let n = self.resolve_block(id)?;
        if n == self.block_number() {
            return Ok(&self.data.state);
        }
        self.block_at(n)
            .map(|b| &b.state)
            .ok_or_else(|| ChainError::NotFound(format!("block {n} not found")))
    }

    /// Block by tag as a JSON-RPC object (`None` if unknown).
    pub fn rpc_block_by_number(&self, tag: BlockNumberOrTag, full: bool) -> Option<rpc::Block> {
        let n = self.resolve_block(BlockId::Number(tag)).ok()?;
        self.block_at(n).map(|b| self.rpc_block(b, full))
    }

    /// Block by hash as a JSON-RPC object (`None` if unknown).
    pub fn rpc_block_by_hash(&self, hash: B256, full: bool) -> Option<rpc::Block> {
        let n = self.data.block_by_hash.get(&hash).copied()?;
        self.block_at(n).map(|b| self.rpc_block(b, full))
    }

    fn rpc_block(&self, b: &BlockRecord, full: bool) -> rpc::Block {
        let txs: Vec<Arc<TxRecord>> = b
            .txs
            .iter()
            .filter_map(|h| self.data.txs.get(h).cloned())
            .collect();
        rpc_block(b, &txs, full)
    }

    /// Number of transactions in a block.
    pub fn block_tx_count(&self, id: BlockId) -> Option<u64> {
        let n = self.resolve_block(id).ok()?;
        self.block_at(n).map(|b| b.txs.len() as u64)
    }

    /// Transaction of a block by index.
    pub fn tx_by_block_and_index(&self, id: BlockId, index: u64) -> Option<rpc::Transaction> {
        let n = self.resolve_block(id).ok()?;
        let b = self.block_at(n)?;
        let h = b.txs.get(usize::try_from(index).ok()?)?;
        self.data.txs.get(h).map(|t| t.to_rpc())
    }

    /// Transaction by hash (mined or pending).
    pub fn transaction(&self, hash: B256) -> Option<rpc::Transaction> {
        if let Some(t) = self.data.txs.get(&hash) {
            return Some(t.to_rpc());
        }
        self.data
            .pool
            .iter()
            .find(|p| p.hash == hash)
            .map(|p| rpc::Transaction {
                inner: alloy_consensus::transaction::Recovered::new_unchecked(
                    p.envelope.clone(),
                    p.from,
                ),
                block_hash: None,
                block_number: None,
                transaction_index: None,
                effective_gas_price: None,
                block_timestamp: None,
            })
    }

    /// Receipt by hash (`None` if unknown or pending).
    pub fn receipt(&self, hash: B256) -> Option<rpc::TransactionReceipt> {
        self.data.txs.get(&hash).map(|t| t.to_rpc_receipt())
    }

    /// The stored record of a mined transaction (includes return/revert data).
    pub fn tx_record(&self, hash: B256) -> Option<Arc<TxRecord>> {
        self.data.txs.get(&hash).cloned()
    }

    /// Receipts of a block.
    pub fn block_receipts(&self, id: BlockId) -> Option<Vec<rpc::TransactionReceipt>> {
        let n = self.resolve_block(id).ok()?;
        let b = self.block_at(n)?;
        Some(
            b.txs
                .iter()
                .filter_map(|h| self.data.txs.get(h).map(|t| t.to_rpc_receipt()))
                .collect(),
        )
    }

    /// Pending-aware nonce: the state nonce, or the next one after queued pool transactions.
    pub fn pending_nonce(&self, address: Address) -> u64 {
        let mut n = self.data.state.nonce(&address);
        loop {
            let next = self
                .data
                .pool
                .iter()
                .any(|p| p.from == address && p.envelope.nonce() == n);
            if !next {
                return n;
            }
            n += 1;
        }
    }

    // ---------------------------------------------------------------- envs

    fn cfg_for(config: &ChainConfig, call: bool, skip_eoa_check: bool) -> CfgEnv {
        let mut cfg = CfgEnv::new_with_spec(SpecId::OSAKA);
        cfg.chain_id = config.chain_id;
        cfg.tx_gas_limit_cap = Some(config.tx_gas_cap);
        cfg.limit_contract_code_size = Some(config.max_code_size);
        cfg.limit_contract_initcode_size = Some(config.max_code_size.saturating_mul(2));
        cfg.disable_eip3607 = skip_eoa_check;
        if call {
            cfg.disable_nonce_check = true;
            cfg.disable_base_fee = true;
            cfg.disable_block_gas_limit = true;
        }
        cfg
    }

    pub(crate) fn cfg(&self, call: bool, skip_eoa_check: bool) -> CfgEnv {
        Self::cfg_for(&self.config, call, skip_eoa_check)
    }

    fn block_env(&self, number: u64, timestamp: u64, base_fee: u64) -> BlockEnv {
        BlockEnv {
            number: U256::from(number),
            beneficiary: self.data.coinbase,
            timestamp: U256::from(timestamp),
            gas_limit: self.data.block_gas_limit,
            basefee: base_fee,
            difficulty: U256::from(1),
            prevrandao: Some(B256::with_last_byte(1)),
            blob_excess_gas_and_price: Some(
                revm::context_interface::block::BlobExcessGasAndPrice::new(
                    0,
                    revm::primitives::eip4844::BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE,
                ),
            ),
            ..BlockEnv::default()
        }
    }

    pub(crate) fn env_of_block(&self, b: &BlockRecord) -> BlockEnv {
        self.block_env(
            b.header.number,
            b.header.timestamp,
            b.header.base_fee_per_gas.unwrap_or_default(),
        )
    }

    /// Timestamp the next block will get.
    pub fn next_block_timestamp(&self) -> u64 {
        if let Some(ts) = self.data.next_timestamp {
            return ts;
        }
        let now = i64::try_from(now_secs()).unwrap_or(i64::MAX);
        let t = u64::try_from(now.saturating_add(self.data.time_offset)).unwrap_or(0);
        t.max(self.latest().header.timestamp)
    }

    fn pending_env(&self) -> BlockEnv {
        self.block_env(
            self.block_number() + 1,
            self.next_block_timestamp(),
            self.data.base_fee,
        )
    }

    fn tx_env(&self, p: &PendingTx, base_fee: u64) -> Result<TxEnv, ChainError> {
        let e = &p.envelope;
        let ty = e.tx_type();
        let (gas_price, priority) = match ty {
            TxType::Legacy | TxType::Eip2930 => {
                let gp = e.gas_price().unwrap_or_default();
                // Arbitrum charges the base fee only (tips are dropped).
                (
                    if gp >= u128::from(base_fee) {
                        u128::from(base_fee)
                    } else {
                        gp
                    },
                    None,
                )
            }
            TxType::Eip1559 | TxType::Eip7702 => (e.max_fee_per_gas(), Some(0)),
            TxType::Eip4844 => {
                return Err(ChainError::InvalidTx(
                    "blob transactions are not supported".into(),
                ))
            }
        };
        let authorization_list = e
            .authorization_list()
            .map(|l| l.iter().cloned().map(Either::Left).collect())
            .unwrap_or_default();
        Ok(TxEnv {
            tx_type: ty as u8,
            caller: p.from,
            gas_limit: e.gas_limit(),
            gas_price,
            kind: e.kind(),
            value: e.value(),
            data: e.input().clone(),
            nonce: e.nonce(),
            chain_id: e.chain_id(),
            access_list: e.access_list().cloned().unwrap_or_default(),
            gas_priority_fee: priority,
            blob_hashes: Vec::new(),
            max_fee_per_blob_gas: 0,
            authorization_list,
        })
    }

    fn execute(
        &mut self,
        state: &WorldState,
        cfg: CfgEnv,
        block: BlockEnv,
        tx: TxEnv,
    ) -> ExecOutcome {
        let db = StateDb::new(state, &self.data.block_hashes);
        self.executor.execute(db, cfg, block, tx)
    }

    /// Like [`execute`](Self::execute) for a transaction of the block being mined.
    fn execute_in_block(
        &mut self,
        state: &WorldState,
        cfg: CfgEnv,
        block: BlockEnv,
        tx: TxEnv,
    ) -> ExecOutcome {
        let db = StateDb::new(state, &self.data.block_hashes);
        self.executor.execute_in_block(db, cfg, block, tx)
    }

    // ---------------------------------------------------------------- replay (tracing)

    /// A database over `state` with this chain's block hashes (`BLOCKHASH`).
    pub(crate) fn state_db<'a>(&'a self, state: &'a WorldState) -> StateDb<'a> {
        StateDb::new(state, &self.data.block_hashes)
    }

    /// A separate engine for replaying past blocks (see [`Executor::replayer`]).
    pub(crate) fn replayer(&self) -> Box<dyn Executor> {
        self.executor.replayer()
    }

    /// The revm transaction of a mined transaction, as its block executed it (the EOA
    /// check is skipped: impersonated senders replay too).
    pub(crate) fn mined_tx_env(&self, t: &TxRecord, base_fee: u64) -> Result<TxEnv, ChainError> {
        let p = PendingTx {
            envelope: t.envelope.clone(),
            from: t.from,
            hash: t.hash,
            impersonated: true,
        };
        self.tx_env(&p, base_fee)
    }

    // ---------------------------------------------------------------- tx submission

    /// `eth_sendRawTransaction`.
    ///
    /// # Errors
    /// Undecodable or invalid transaction.
    pub fn send_raw_transaction(&mut self, raw: &[u8]) -> Result<B256, ChainError> {
        let mut buf = raw;
        let envelope = TxEnvelope::decode_2718(&mut buf)
            .map_err(|e| ChainError::InvalidParams(format!("failed to decode transaction: {e}")))?;
        if !buf.is_empty() {
            return Err(ChainError::InvalidParams(
                "failed to decode transaction: trailing bytes".into(),
            ));
        }
        let from = alloy_consensus::transaction::SignerRecoverable::recover_signer(&envelope)
            .map_err(|_| ChainError::InvalidTx("invalid transaction signature".into()))?;
        let hash = *envelope.tx_hash();
        self.submit(PendingTx {
            envelope,
            from,
            hash,
            impersonated: false,
        })
    }

    /// `eth_sendTransaction` from a dev account or an impersonated account.
    ///
    /// # Errors
    /// Unknown sender, invalid fields, failed gas estimation.
    pub fn send_transaction(
        &mut self,
        mut req: rpc::TransactionRequest,
    ) -> Result<B256, ChainError> {
        let from = match req.from {
            Some(f) => f,
            None => self
                .dev_accounts
                .first()
                .map(|a| a.address)
                .ok_or_else(|| ChainError::InvalidParams("missing `from`".into()))?,
        };
        req.from = Some(from);
        let key = self.dev_keys.get(&from).copied();
        let impersonated = self.auto_impersonate || self.impersonated.contains(&from);
        if key.is_none() && !impersonated {
            return Err(ChainError::InvalidTx(format!(
                "no signer for account {from}: use a dev account or anvil_impersonateAccount"
            )));
        }
        if req.nonce.is_none() {
            req.nonce = Some(self.pending_nonce(from));
        }
        req.chain_id = Some(self.config.chain_id);
        if req.to.is_none() {
            req.to = Some(TxKind::Create);
        }
        // Fees first, then the gas estimate with them (as geth fills an `eth_sendTransaction`):
        // the estimate then answers `insufficient funds for transfer` when the value is
        // more than the sender has.
        if req.gas_price.is_none() {
            let tip = *req.max_priority_fee_per_gas.get_or_insert(0);
            if req.max_fee_per_gas.is_none() {
                req.max_fee_per_gas = Some(
                    u128::from(self.data.base_fee)
                        .saturating_mul(2)
                        .saturating_add(tip),
                );
            }
        }
        if req.gas.is_none() {
            let est = self.estimate_gas(req.clone(), BlockId::pending(), None)?;
            req.gas = Some(est);
        }
        if req.sidecar.is_some() || req.blob_versioned_hashes.is_some() {
            return Err(ChainError::InvalidTx(
                "blob transactions are not supported".into(),
            ));
        }
        let typed: TypedTransaction = req
            .build_typed_tx()
            .map_err(|_| ChainError::InvalidParams("incomplete transaction request".into()))?;
        let (signature, impersonated) = match key {
            Some(i) => {
                let sig = self.dev_accounts[i]
                    .signer
                    .sign_hash_sync(&typed.signature_hash())
                    .map_err(|e| ChainError::Internal(format!("signing failed: {e}")))?;
                (sig, false)
            }
            None => (impersonation_signature(from), true),
        };
        let envelope = TxEnvelope::new_unhashed(typed, signature);
        let hash = *envelope.tx_hash();
        self.submit(PendingTx {
            envelope,
            from,
            hash,
            impersonated,
        })
    }

    /// Checks a transaction before it enters the pool or a block, answering as geth's pool and
    /// Nitro's sequencer do (their messages' leading phrases are what wallet libraries match
    /// on). Returns the position of the pool transaction it replaces (same sender and nonce,
    /// outbid by [`PRICE_BUMP_PERCENT`] on both the max fee and the tip), if any.
    fn prevalidate(&self, p: &PendingTx) -> Result<Option<usize>, ChainError> {
        let e = &p.envelope;
        if self.data.pool.iter().any(|q| q.hash == p.hash) {
            return Err(ChainError::already_known());
        }
        if e.tx_type() == TxType::Eip4844 {
            return Err(ChainError::InvalidTx(
                "blob transactions are not supported".into(),
            ));
        }
        if let Some(id) = e.chain_id() {
            if id != self.config.chain_id {
                return Err(ChainError::InvalidTx(format!(
                    "invalid chain id: have {id}, want {}",
                    self.config.chain_id
                )));
            }
        }
        if e.gas_limit() > self.config.tx_gas_cap {
            return Err(ChainError::InvalidTx(format!(
                "transaction gas limit too high (cap: {}, tx: {})",
                self.config.tx_gas_cap,
                e.gas_limit()
            )));
        }
        let (fee_cap, tip) = fee_cap_and_tip(e);
        if tip > fee_cap {
            return Err(ChainError::tip_above_fee_cap(p.from, tip, fee_cap));
        }
        let intrinsic = revm::context_interface::cfg::gas::calculate_initial_tx_gas_for_tx(
            self.tx_env(p, self.data.base_fee)?,
            SpecId::OSAKA,
            None,
        );
        let needed = intrinsic
            .initial_regular_gas
            .saturating_add(intrinsic.initial_state_gas);
        if e.gas_limit() < needed {
            return Err(ChainError::intrinsic_gas_too_low(e.gas_limit(), needed));
        }
        let state_nonce = self.data.state.nonce(&p.from);
        if e.nonce() < state_nonce {
            return Err(ChainError::nonce_too_low(p.from, e.nonce(), state_nonce));
        }
        if self.data.txs.contains_key(&p.hash) {
            // Mined before and valid again (the nonce was set back): a hash names one
            // transaction only.
            return Err(ChainError::already_known());
        }
        if fee_cap < u128::from(self.data.base_fee) {
            return Err(ChainError::fee_cap_too_low(
                p.from,
                fee_cap,
                self.data.base_fee,
            ));
        }
        let cost = U256::from(e.gas_limit())
            .saturating_mul(U256::from(fee_cap))
            .saturating_add(e.value());
        let balance = self.data.state.balance(&p.from);
        if balance < cost {
            return Err(ChainError::insufficient_funds(p.from, balance, cost));
        }
        let same_nonce = self
            .data
            .pool
            .iter()
            .position(|q| q.from == p.from && q.envelope.nonce() == e.nonce());
        if let Some(i) = same_nonce {
            let (old_cap, old_tip) = fee_cap_and_tip(&self.data.pool[i].envelope);
            if !outbids(fee_cap, old_cap) || !outbids(tip, old_tip) {
                return Err(ChainError::replacement_underpriced());
            }
            return Ok(Some(i));
        }
        // Automine models Nitro's sequencer, which has no mempool: a nonce gap is refused.
        let next = self.pending_nonce(p.from);
        if self.automine && e.nonce() > next {
            return Err(ChainError::nonce_too_high(p.from, e.nonce(), next));
        }
        if self.data.pool.len() >= MAX_POOL {
            return Err(ChainError::InvalidTx("txpool is full".into()));
        }
        Ok(None)
    }

    fn submit(&mut self, p: PendingTx) -> Result<B256, ChainError> {
        if let Some(replaced) = self.prevalidate(&p)? {
            self.data.pool.remove(replaced);
        }
        let hash = p.hash;
        for f in self.filters.values_mut() {
            if matches!(f.kind, FilterKind::PendingTxs) {
                f.pending.push(hash);
            }
        }
        let ready = p.envelope.nonce() == self.data.state.nonce(&p.from);
        if self.automine && ready {
            let out = self.mine_block_with(vec![p], None, false);
            if let Some((_, err)) = out.rejected.into_iter().next() {
                return Err(err);
            }
            self.mine_ready_pool_automine();
        } else {
            self.data.pool.push_back(p);
        }
        Ok(hash)
    }

    /// Automine: mine queued transactions whose nonce gap is now filled, one block each.
    fn mine_ready_pool_automine(&mut self) {
        loop {
            self.drop_stale_pool();
            let pos = self
                .data
                .pool
                .iter()
                .position(|p| p.envelope.nonce() == self.data.state.nonce(&p.from));
            let Some(pos) = pos else { return };
            let p = self.data.pool.remove(pos);
            let _ = self.mine_block_with(vec![p], None, false);
        }
    }

    fn drop_stale_pool(&mut self) {
        let state = &self.data.state;
        self.data
            .pool
            .retain(|p| p.envelope.nonce() >= state.nonce(&p.from));
    }

    /// Takes the pool transactions that are executable in nonce order.
    fn take_ready_pool(&mut self) -> Vec<PendingTx> {
        self.drop_stale_pool();
        let mut expected: HashMap<Address, u64> = HashMap::new();
        let mut taken = Vec::new();
        let mut rest: Vec<PendingTx> = self.data.pool.iter().cloned().collect();
        let mut gas = 0u64;
        loop {
            let mut progress = false;
            let mut i = 0;
            while i < rest.len() {
                let p = &rest[i];
                let want = *expected
                    .entry(p.from)
                    .or_insert_with(|| self.data.state.nonce(&p.from));
                if p.envelope.nonce() == want
                    && gas.saturating_add(p.envelope.gas_limit()) <= self.data.block_gas_limit
                {
                    gas = gas.saturating_add(p.envelope.gas_limit());
                    expected.insert(p.from, want + 1);
                    taken.push(rest.remove(i));
                    progress = true;
                } else {
                    i += 1;
                }
            }
            if !progress {
                break;
            }
        }
        self.data.pool = rest.into_iter().collect();
        taken
    }

    // ---------------------------------------------------------------- mining

    /// Mines one block with `txs` (in order). With `allow_empty == false` no block is made
    /// when every transaction is rejected.
    fn mine_block_with(
        &mut self,
        txs: Vec<PendingTx>,
        timestamp: Option<u64>,
        allow_empty: bool,
    ) -> MineOutcome {
        let parent = self.latest().clone();
        let number = parent.header.number + 1;
        let timestamp = timestamp.unwrap_or_else(|| self.next_block_timestamp());
        let base_fee = self.data.base_fee;
        let env = self.block_env(number, timestamp, base_fee);
        let mut state = self.data.state.clone();
        let mut records: Vec<TxRecord> = Vec::new();
        let mut rejected = Vec::new();
        let mut cumulative = 0u64;
        let mut log_index = 0u64;
        self.executor.begin_block();
        for p in txs {
            let tx_env = match self.tx_env(&p, base_fee) {
                Ok(t) => t,
                Err(e) => {
                    rejected.push((p.hash, e));
                    continue;
                }
            };
            let cfg = self.cfg(false, p.impersonated);
            let gas_price = if tx_env.tx_type >= 2 {
                u128::from(base_fee).min(tx_env.gas_price)
            } else {
                tx_env.gas_price
            };
            let res = match self.execute_in_block(&state, cfg, env.clone(), tx_env) {
                Ok(r) => r,
                Err(e) => {
                    rejected.push((p.hash, ChainError::from_evm(e, p.from)));
                    continue;
                }
            };
            state.commit(res.result.state);
            let gas_used = res.result.result.tx_gas_used();
            cumulative += gas_used;
            let (status, logs, output, contract_address) = match res.result.result {
                ExecutionResult::Success { logs, output, .. } => {
                    let created = match &output {
                        Output::Create(_, addr) => *addr,
                        Output::Call(_) => None,
                    };
                    (true, logs, output.into_data(), created)
                }
                ExecutionResult::Revert { logs, output, .. } => (false, logs, output, None),
                ExecutionResult::Halt { logs, .. } => (false, logs, Bytes::new(), None),
            };
            let n_logs = logs.len() as u64;
            records.push(TxRecord {
                hash: p.hash,
                envelope: p.envelope,
                from: p.from,
                block_number: number,
                block_hash: B256::ZERO,
                index: records.len() as u64,
                block_timestamp: timestamp,
                receipt: ReceiptRecord {
                    status,
                    gas_used,
                    cumulative_gas_used: cumulative,
                    effective_gas_price: gas_price,
                    logs,
                    first_log_index: log_index,
                    contract_address,
                    output,
                },
            });
            log_index += n_logs;
        }
        if records.is_empty() && !allow_empty {
            return MineOutcome {
                blocks: Vec::new(),
                rejected,
            };
        }
        let tx_root = alloy_consensus::proofs::calculate_transaction_root(
            &records
                .iter()
                .map(|r| r.envelope.clone())
                .collect::<Vec<_>>(),
        );
        let receipts: Vec<_> = records
            .iter()
            .map(|r| {
                r.receipt
                    .envelope(r.envelope.tx_type(), r.receipt.logs.clone())
            })
            .collect();
        let receipts_root = alloy_consensus::proofs::calculate_receipt_root(&receipts);
        let mut bloom = Bloom::ZERO;
        for r in &records {
            bloom.accrue_bloom(&r.receipt.bloom());
        }
        let mut root_input = parent.header.state_root.to_vec();
        root_input.extend_from_slice(tx_root.as_slice());
        root_input.extend_from_slice(&number.to_be_bytes());
        let header = alloy_consensus::Header {
            parent_hash: parent.hash,
            ommers_hash: alloy_consensus::EMPTY_OMMER_ROOT_HASH,
            beneficiary: self.data.coinbase,
            state_root: keccak256(&root_input),
            transactions_root: tx_root,
            receipts_root,
            logs_bloom: bloom,
            difficulty: U256::from(1),
            number,
            gas_limit: self.data.block_gas_limit,
            gas_used: cumulative,
            timestamp,
            extra_data: Bytes::new(),
            mix_hash: B256::with_last_byte(1),
            nonce: B64::ZERO,
            base_fee_per_gas: Some(base_fee),
            ..Default::default()
        };
        let hash = header.hash_slow();
        let mut tx_hashes = Vec::with_capacity(records.len());
        for mut r in records {
            r.block_hash = hash;
            tx_hashes.push(r.hash);
            self.data.txs.insert(r.hash, Arc::new(r));
        }
        self.data.blocks.push_back(Arc::new(BlockRecord {
            header,
            hash,
            txs: tx_hashes,
            state: state.clone(),
        }));
        self.data.block_hashes.push_back(hash);
        self.data.block_by_hash.insert(hash, number);
        self.data.state = state;
        if self.data.next_timestamp.take().is_some() {
            // Keep the clock running from the forced timestamp.
            let now = i64::try_from(now_secs()).unwrap_or(0);
            self.data.time_offset = i64::try_from(timestamp).unwrap_or(i64::MAX) - now;
        }
        MineOutcome {
            blocks: vec![number],
            rejected,
        }
    }

    /// Mines one block with every ready pool transaction (`evm_mine`, interval mining).
    pub fn mine_one(&mut self, timestamp: Option<u64>) -> MineOutcome {
        let txs = self.take_ready_pool();
        self.mine_block_with(txs, timestamp, true)
    }

    /// Mines `blocks` blocks, `interval` seconds apart (`anvil_mine`).
    ///
    /// # Errors
    /// Too many blocks requested.
    pub fn mine(&mut self, blocks: u64, interval: Option<u64>) -> Result<MineOutcome, ChainError> {
        if blocks > MAX_MINE_BLOCKS {
            return Err(ChainError::InvalidParams(format!(
                "at most {MAX_MINE_BLOCKS} blocks per call"
            )));
        }
        let mut out = MineOutcome::default();
        for i in 0..blocks {
            let ts = match interval {
                Some(secs) if i > 0 => Some(self.latest().header.timestamp.saturating_add(secs)),
                _ => None,
            };
            let o = self.mine_one(ts);
            out.blocks.extend(o.blocks);
            out.rejected.extend(o.rejected);
        }
        Ok(out)
    }

    /// Turns automine on or off.
    pub fn set_automine(&mut self, on: bool) {
        self.automine = on;
        if on {
            let _ = self.mine_one(None);
        }
    }

    /// Number of transactions waiting in the pool.
    pub fn pool_len(&self) -> usize {
        self.data.pool.len()
    }

    // ---------------------------------------------------------------- time

    /// `evm_increaseTime`: moves the clock forward; returns the total offset in seconds.
    pub fn increase_time(&mut self, secs: u64) -> i64 {
        let secs = i64::try_from(secs).unwrap_or(i64::MAX);
        if let Some(ts) = self.data.next_timestamp.as_mut() {
            *ts = ts.saturating_add(secs.unsigned_abs());
        }
        self.data.time_offset = self.data.time_offset.saturating_add(secs);
        self.data.time_offset
    }

    /// `evm_setNextBlockTimestamp`.
    ///
    /// # Errors
    /// Timestamp before the latest block's.
    pub fn set_next_block_timestamp(&mut self, ts: u64) -> Result<(), ChainError> {
        let latest = self.latest().header.timestamp;
        if ts < latest {
            return Err(ChainError::InvalidParams(format!(
                "timestamp {ts} is lower than the latest block's {latest}"
            )));
        }
        self.data.next_timestamp = Some(ts);
        Ok(())
    }

    /// `evm_setTime`: sets the clock; returns the offset to the wall clock.
    pub fn set_time(&mut self, ts: u64) -> i64 {
        let now = i64::try_from(now_secs()).unwrap_or(0);
        self.data.time_offset = i64::try_from(ts).unwrap_or(i64::MAX) - now;
        self.data.next_timestamp = None;
        self.data.time_offset
    }

    // ---------------------------------------------------------------- snapshots

    /// `evm_snapshot`: returns the id.
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        self.snapshots.insert(id, self.data.clone());
        id
    }

    /// `evm_revert`: restores snapshot `id` (and forgets it and every later one).
    pub fn revert(&mut self, id: u64) -> bool {
        let Some(data) = self.snapshots.remove(&id) else {
            return false;
        };
        self.snapshots.retain(|k, _| *k < id);
        self.data = data;
        let latest = self.block_number();
        for f in self.filters.values_mut() {
            f.next_block = f.next_block.min(latest + 1);
        }
        true
    }

    // ---------------------------------------------------------------- state edits

    /// `anvil_setBalance`.
    pub fn set_balance(&mut self, a: Address, v: U256) {
        self.data.state.set_balance(a, v);
    }

    /// `anvil_setNonce`.
    pub fn set_nonce(&mut self, a: Address, n: u64) {
        self.data.state.set_nonce(a, n);
    }

    /// `anvil_setCode`.
    pub fn set_code(&mut self, a: Address, code: Bytes) {
        self.data.state.set_code(a, code);
    }

    /// `anvil_setStorageAt`.
    pub fn set_storage(&mut self, a: Address, slot: U256, v: U256) {
        self.data.state.set_storage(a, slot, v);
    }

    /// `anvil_impersonateAccount` / `anvil_stopImpersonatingAccount`.
    pub fn impersonate(&mut self, a: Address, on: bool) {
        if on {
            self.impersonated.insert(a);
        } else {
            self.impersonated.remove(&a);
        }
    }

    /// `anvil_autoImpersonateAccount`.
    pub fn auto_impersonate(&mut self, on: bool) {
        self.auto_impersonate = on;
    }

    /// `anvil_setCoinbase`.
    pub fn set_coinbase(&mut self, a: Address) {
        self.data.coinbase = a;
    }

    /// `anvil_setNextBlockBaseFeePerGas` (kept for later blocks too: no EIP-1559 drift).
    pub fn set_base_fee(&mut self, fee: u64) {
        self.data.base_fee = fee;
    }

    /// `evm_setBlockGasLimit`.
    pub fn set_block_gas_limit(&mut self, limit: u64) {
        self.data.block_gas_limit = limit;
    }

    /// `anvil_dumpState`/`--state`: a full copy of the chain.
    pub fn dump(&self) -> ChainDump {
        let blocks = self
            .data
            .blocks
            .iter()
            .map(|b| BlockDump {
                header: b.header.clone(),
                transactions: b
                    .txs
                    .iter()
                    .filter_map(|h| self.data.txs.get(h).map(|t| (**t).clone()))
                    .collect(),
            })
            .collect();
        ChainDump {
            version: 1,
            chain_id: self.config.chain_id,
            state: self.data.state.dump(),
            blocks,
            time_offset: self.data.time_offset,
            base_fee: Some(self.data.base_fee),
        }
    }

    /// Restores a full dump (replaces blocks and state). Historical states of the loaded
    /// blocks are not kept: every loaded block answers with the loaded (latest) state.
    ///
    /// # Errors
    /// A dump without blocks, or for another chain id.
    pub fn restore(&mut self, dump: &ChainDump) -> Result<(), ChainError> {
        if dump.blocks.is_empty() {
            return Err(ChainError::InvalidParams("state dump has no blocks".into()));
        }
        if dump.chain_id != self.config.chain_id {
            return Err(ChainError::InvalidParams(format!(
                "state dump is for chain id {}, this chain is {}",
                dump.chain_id, self.config.chain_id
            )));
        }
        let state = WorldState::from_dump(&dump.state);
        let mut data = self.data.clone();
        data.state = state.clone();
        data.blocks = imbl::Vector::new();
        data.block_hashes = imbl::Vector::new();
        data.block_by_hash = imbl::HashMap::new();
        data.txs = imbl::HashMap::new();
        data.pool = imbl::Vector::new();
        for (i, b) in dump.blocks.iter().enumerate() {
            if b.header.number != i as u64 {
                return Err(ChainError::InvalidParams(
                    "state dump blocks are not contiguous".into(),
                ));
            }
            let hash = b.header.hash_slow();
            data.blocks.push_back(Arc::new(BlockRecord {
                header: b.header.clone(),
                hash,
                txs: b.transactions.iter().map(|t| t.hash).collect(),
                state: state.clone(),
            }));
            data.block_hashes.push_back(hash);
            data.block_by_hash.insert(hash, b.header.number);
            for t in &b.transactions {
                data.txs.insert(t.hash, Arc::new(t.clone()));
            }
        }
        data.time_offset = dump.time_offset;
        data.next_timestamp = None;
        if let Some(fee) = dump.base_fee {
            data.base_fee = fee;
        }
        self.data = data;
        self.snapshots.clear();
        self.filters.clear();
        Ok(())
    }

    /// `anvil_loadState`: merges the dumped accounts into the current state.
    pub fn merge_state(&mut self, dump: &StateDump) {
        self.data.state.merge_dump(dump);
    }

    // ---------------------------------------------------------------- calls

    pub(crate) fn call_env(
        &self,
        req: &rpc::TransactionRequest,
        state: &WorldState,
        gas_cap: u64,
    ) -> Result<TxEnv, ChainError> {
        let caller = req.from.unwrap_or_default();
        let gas_limit = req.gas.unwrap_or(gas_cap).min(gas_cap);
        let access_list = req.access_list.clone();
        let authorization_list: Vec<_> = req
            .authorization_list
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(Either::Left)
            .collect();
        let (tx_type, gas_price, priority) = if !authorization_list.is_empty() {
            (
                4u8,
                req.max_fee_per_gas.unwrap_or_default(),
                Some(req.max_priority_fee_per_gas.unwrap_or_default()),
            )
        } else if let Some(gp) = req.gas_price {
            (if access_list.is_some() { 1 } else { 0 }, gp, None)
        } else if req.max_fee_per_gas.is_some() || req.max_priority_fee_per_gas.is_some() {
            let max = req.max_fee_per_gas.unwrap_or_default();
            let prio = req.max_priority_fee_per_gas.unwrap_or_default().min(max);
            (2, max, Some(prio))
        } else if access_list.is_some() {
            (1, 0, None)
        } else {
            (0, 0, None)
        };
        let data = req.input.input().cloned().unwrap_or_default();
        Ok(TxEnv {
            tx_type,
            caller,
            gas_limit,
            gas_price,
            kind: req.to.unwrap_or(TxKind::Create),
            value: req.value.unwrap_or_default(),
            data,
            nonce: req.nonce.unwrap_or_else(|| state.nonce(&caller)),
            chain_id: Some(self.config.chain_id),
            access_list: access_list.unwrap_or_default(),
            gas_priority_fee: priority,
            blob_hashes: Vec::new(),
            max_fee_per_blob_gas: 0,
            authorization_list,
        })
    }

    pub(crate) fn call_context(
        &self,
        block: BlockId,
        overrides: Option<&StateOverride>,
        block_overrides: Option<&rpc::BlockOverrides>,
    ) -> Result<(WorldState, BlockEnv), ChainError> {
        let pending = matches!(block, BlockId::Number(BlockNumberOrTag::Pending));
        let n = self.resolve_block(block)?;
        let mut state = self.state_at(block)?.clone();
        let mut env = if pending {
            self.pending_env()
        } else {
            let b = self
                .block_at(n)
                .ok_or_else(|| ChainError::NotFound(format!("block {n} not found")))?;
            self.env_of_block(b)
        };
        if let Some(o) = overrides {
            apply_state_overrides(&mut state, o)?;
        }
        if let Some(bo) = block_overrides {
            if let Some(num) = bo.number {
                env.number = num;
            }
            if let Some(t) = bo.time {
                env.timestamp = U256::from(t);
            }
            if let Some(g) = bo.gas_limit {
                env.gas_limit = g;
            }
            if let Some(c) = bo.coinbase {
                env.beneficiary = c;
            }
            if let Some(f) = bo.base_fee {
                env.basefee = u256_to_u64(f);
            }
        }
        Ok((state, env))
    }

    /// `eth_call`.
    ///
    /// # Errors
    /// `Revert` with the revert data, `Halt`, invalid request, unknown block.
    pub fn call(
        &mut self,
        req: &rpc::TransactionRequest,
        block: BlockId,
        overrides: Option<&StateOverride>,
        block_overrides: Option<&rpc::BlockOverrides>,
    ) -> Result<Bytes, ChainError> {
        let (state, env) = self.call_context(block, overrides, block_overrides)?;
        check_call_fees(req, env.basefee)?;
        let tx = self.call_env(req, &state, self.config.tx_gas_cap)?;
        let cfg = self.cfg(true, true);
        let caller = tx.caller;
        let res = self
            .execute(&state, cfg, env, tx)
            .map_err(|e| ChainError::from_evm(e, caller))?;
        result_to_output(res.result.result, res.stylus_error)
    }

    /// `eth_estimateGas`: the lowest gas limit (within 1.5 %) that makes the call succeed.
    ///
    /// As geth does: the search starts at the request's gas (if at least 21,000) or the
    /// per-transaction cap; with a non-zero fee cap (max fee or gas price) it is capped by
    /// what the sender can pay, `(balance - value) / fee cap`, and a value of at least the
    /// balance fails at once with `insufficient funds for transfer`.
    ///
    /// # Errors
    /// `insufficient funds for transfer`; the fee checks of [`call`](Self::call); a revert
    /// (code 3, data) or halt at the highest gas; `gas required exceeds allowance (N)` when
    /// the call runs out of gas (or below intrinsic gas) at that highest gas `N`.
    pub fn estimate_gas(
        &mut self,
        req: rpc::TransactionRequest,
        block: BlockId,
        overrides: Option<&StateOverride>,
    ) -> Result<u64, ChainError> {
        let (state, env) = self.call_context(block, overrides, None)?;
        let mut hi = match req.gas {
            Some(g) if g >= MIN_TX_GAS => g.min(self.config.tx_gas_cap),
            _ => self.config.tx_gas_cap,
        };
        let base = self.call_env(&req, &state, hi)?;
        let caller = base.caller;
        // Limit by what the sender can pay for.
        let fee_cap = req.gas_price.or(req.max_fee_per_gas).unwrap_or_default();
        if fee_cap > 0 {
            let balance = state.balance(&caller);
            if base.value >= balance {
                return Err(ChainError::insufficient_funds_for_transfer());
            }
            let allowance = (balance - base.value) / U256::from(fee_cap);
            hi = hi.min(u256_to_u64(allowance));
        }
        check_call_fees(&req, env.basefee)?;
        let cfg = self.cfg(true, true);
        let run =
            |this: &mut Self, gas: u64| -> Result<(ExecutionResult, Option<String>), ChainError> {
                let mut tx = base.clone();
                tx.gas_limit = gas;
                this.execute(&state, cfg.clone(), env.clone(), tx)
                    .map(|r| (r.result.result, r.stylus_error))
                    .map_err(|e| ChainError::from_evm(e, caller))
            };
        let (first, note) = match run(self, hi) {
            Ok(r) => r,
            Err(e) if e.is_gas_too_low() => return Err(ChainError::gas_allowance_exceeded(hi)),
            Err(e) => return Err(e),
        };
        if !first.is_success() {
            if matches!(
                first,
                ExecutionResult::Halt {
                    reason: revm::context::result::HaltReason::OutOfGas(_),
                    ..
                }
            ) {
                return Err(ChainError::gas_allowance_exceeded(hi));
            }
            return result_to_output(first, note).map(|_| hi);
        }
        let used = first.tx_gas_used();
        let spent = first.gas().total_gas_spent();
        let mut lo = used.saturating_sub(1);
        // Most transactions succeed with exactly the gas they used.
        if used < hi {
            match run(self, used) {
                Ok((r, _)) if r.is_success() => return Ok(used),
                Ok(_) => lo = used,
                Err(e) if e.is_gas_too_low() => lo = used,
                Err(e) => return Err(e),
            }
        }
        // Optimistic guess: what was spent plus the 63/64 reserve.
        let guess = spent.saturating_add(2300).saturating_mul(64) / 63;
        if guess < hi {
            match run(self, guess) {
                Ok((r, _)) if r.is_success() => hi = guess,
                Ok(_) => lo = lo.max(guess),
                Err(e) if e.is_gas_too_low() => lo = lo.max(guess),
                Err(e) => return Err(e),
            }
        }
        while lo + 1 < hi {
            // Stop within 1.5 % of the answer (as geth does).
            if (hi - lo) * 1000 / hi < 15 {
                break;
            }
            let mid = lo + (hi - lo) / 2;
            match run(self, mid) {
                Ok((r, _)) if r.is_success() => hi = mid,
                Ok(_) => lo = mid,
                Err(e) if e.is_gas_too_low() => lo = mid,
                Err(e) => return Err(e),
            }
        }
        Ok(hi)
    }

    // ---------------------------------------------------------------- logs and filters

    fn resolve_tag(&self, tag: Option<&BlockNumberOrTag>, default: u64) -> u64 {
        match tag {
            None => default,
            Some(BlockNumberOrTag::Earliest) => 0,
            Some(BlockNumberOrTag::Number(n)) => *n,
            Some(_) => self.block_number(),
        }
    }

    /// `eth_getLogs`.
    ///
    /// # Errors
    /// Unknown block hash, inverted or too large range.
    pub fn logs(&self, filter: &rpc::Filter) -> Result<Vec<rpc::Log>, ChainError> {
        let latest = self.block_number();
        let (from, to) = match &filter.block_option {
            rpc::FilterBlockOption::AtBlockHash(h) => {
                let n = self
                    .data
                    .block_by_hash
                    .get(h)
                    .copied()
                    .ok_or_else(|| ChainError::NotFound(format!("block {h} not found")))?;
                (n, n)
            }
            rpc::FilterBlockOption::Range {
                from_block,
                to_block,
            } => (
                self.resolve_tag(from_block.as_ref(), latest),
                self.resolve_tag(to_block.as_ref(), latest),
            ),
        };
        self.logs_in_range(filter, from, to.min(latest))
    }

    fn logs_in_range(
        &self,
        filter: &rpc::Filter,
        from: u64,
        to: u64,
    ) -> Result<Vec<rpc::Log>, ChainError> {
        if from > to {
            return Ok(Vec::new());
        }
        if to - from > MAX_LOG_RANGE {
            return Err(ChainError::LimitExceeded(format!(
                "block range too large: at most {MAX_LOG_RANGE} blocks"
            )));
        }
        let mut out = Vec::new();
        for n in from..=to {
            let Some(b) = self.block_at(n) else { break };
            if b.txs.is_empty() || !filter.matches_bloom(b.header.logs_bloom) {
                continue;
            }
            for h in &b.txs {
                let Some(t) = self.data.txs.get(h) else {
                    continue;
                };
                for log in t.rpc_logs() {
                    if filter.matches(&log.inner) {
                        out.push(log);
                    }
                }
            }
        }
        Ok(out)
    }

    fn install_filter(&mut self, kind: FilterKind) -> u64 {
        let now = Instant::now();
        self.filters
            .retain(|_, f| now.duration_since(f.last_poll) < FILTER_TTL);
        if self.filters.len() >= MAX_FILTERS {
            if let Some(oldest) = self
                .filters
                .iter()
                .min_by_key(|(_, f)| f.last_poll)
                .map(|(k, _)| *k)
            {
                self.filters.remove(&oldest);
            }
        }
        let id = self.next_filter;
        self.next_filter += 1;
        let next_block = match &kind {
            FilterKind::Logs(f) => match &f.block_option {
                rpc::FilterBlockOption::Range { from_block, .. } => {
                    self.resolve_tag(from_block.as_ref(), self.block_number() + 1)
                }
                rpc::FilterBlockOption::AtBlockHash(_) => self.block_number() + 1,
            },
            _ => self.block_number() + 1,
        };
        self.filters.insert(
            id,
            InstalledFilter {
                kind,
                next_block,
                pending: Vec::new(),
                last_poll: now,
            },
        );
        id
    }

    /// `eth_newFilter`.
    pub fn new_filter(&mut self, filter: rpc::Filter) -> u64 {
        self.install_filter(FilterKind::Logs(Box::new(filter)))
    }

    /// `eth_newBlockFilter`.
    pub fn new_block_filter(&mut self) -> u64 {
        self.install_filter(FilterKind::Blocks)
    }

    /// `eth_newPendingTransactionFilter`.
    pub fn new_pending_tx_filter(&mut self) -> u64 {
        self.install_filter(FilterKind::PendingTxs)
    }

    /// `eth_uninstallFilter`.
    pub fn uninstall_filter(&mut self, id: u64) -> bool {
        self.filters.remove(&id).is_some()
    }

    /// `eth_getFilterChanges`.
    ///
    /// # Errors
    /// Unknown filter.
    pub fn filter_changes(&mut self, id: u64) -> Result<rpc::FilterChanges, ChainError> {
        let latest = self.block_number();
        let f = self
            .filters
            .get_mut(&id)
            .ok_or_else(|| ChainError::NotFound("filter not found".into()))?;
        f.last_poll = Instant::now();
        let from = f.next_block;
        f.next_block = f.next_block.max(latest + 1);
        match &f.kind {
            FilterKind::Blocks => {
                let hashes = (from..=latest)
                    .filter_map(|n| {
                        self.data
                            .block_hashes
                            .get(usize::try_from(n).ok()?)
                            .copied()
                    })
                    .collect();
                Ok(rpc::FilterChanges::Hashes(hashes))
            }
            FilterKind::PendingTxs => {
                let hashes = std::mem::take(&mut f.pending);
                Ok(rpc::FilterChanges::Hashes(hashes))
            }
            FilterKind::Logs(filter) => {
                let filter = (**filter).clone();
                let to = match &filter.block_option {
                    rpc::FilterBlockOption::Range { to_block, .. } => {
                        self.resolve_tag(to_block.as_ref(), latest).min(latest)
                    }
                    rpc::FilterBlockOption::AtBlockHash(_) => latest,
                };
                let logs = match filter.block_option {
                    rpc::FilterBlockOption::AtBlockHash(_) => Vec::new(),
                    _ => self.logs_in_range(&filter, from, to)?,
                };
                Ok(rpc::FilterChanges::Logs(logs))
            }
        }
    }

    /// `eth_getFilterLogs`.
    ///
    /// # Errors
    /// Unknown filter, or not a log filter.
    pub fn filter_logs(&mut self, id: u64) -> Result<Vec<rpc::Log>, ChainError> {
        let f = self
            .filters
            .get_mut(&id)
            .ok_or_else(|| ChainError::NotFound("filter not found".into()))?;
        f.last_poll = Instant::now();
        match &f.kind {
            FilterKind::Logs(filter) => {
                let filter = (**filter).clone();
                self.logs(&filter)
            }
            _ => Err(ChainError::InvalidParams("not a log filter".into())),
        }
    }

    // ---------------------------------------------------------------- fees

    /// `eth_feeHistory`.
    ///
    /// # Errors
    /// Unknown newest block.
    pub fn fee_history(
        &self,
        count: u64,
        newest: BlockNumberOrTag,
        percentiles: Option<&[f64]>,
    ) -> Result<rpc::FeeHistory, ChainError> {
        let newest = self.resolve_block(BlockId::Number(newest))?;
        let count = count.clamp(0, 1024).min(newest + 1);
        if count == 0 {
            return Ok(rpc::FeeHistory::default());
        }
        let oldest = newest + 1 - count;
        let mut base_fee_per_gas = Vec::new();
        let mut gas_used_ratio = Vec::new();
        let mut reward = Vec::new();
        for n in oldest..=newest {
            let Some(b) = self.block_at(n) else { break };
            base_fee_per_gas.push(u128::from(b.header.base_fee_per_gas.unwrap_or_default()));
            #[allow(clippy::cast_precision_loss)]
            gas_used_ratio.push(b.header.gas_used as f64 / b.header.gas_limit.max(1) as f64);
            if let Some(p) = percentiles {
                reward.push(vec![0u128; p.len()]);
            }
        }
        base_fee_per_gas.push(u128::from(self.data.base_fee));
        Ok(rpc::FeeHistory {
            base_fee_per_gas,
            gas_used_ratio,
            base_fee_per_blob_gas: Vec::new(),
            blob_gas_used_ratio: Vec::new(),
            oldest_block: oldest,
            reward: percentiles.map(|_| reward),
        })
    }
}

/// Placeholder signature for impersonated transactions (unique per sender).
fn impersonation_signature(from: Address) -> Signature {
    let mut r = [0u8; 32];
    r[12..].copy_from_slice(from.as_slice());
    Signature::from_scalars_and_parity(B256::from(r), B256::with_last_byte(1), false)
}

/// Turns an execution result into return data or a typed error.
fn result_to_output(
    result: ExecutionResult,
    stylus_error: Option<String>,
) -> Result<Bytes, ChainError> {
    match result {
        ExecutionResult::Success { output, .. } => Ok(output.into_data()),
        ExecutionResult::Revert { output, .. } => Err(ChainError::Revert(output)),
        ExecutionResult::Halt { reason, .. } => Err(ChainError::Halt(
            stylus_error.unwrap_or_else(|| halt_message(&reason)),
        )),
    }
}

/// geth-style messages for halts.
fn halt_message(reason: &revm::context::result::HaltReason) -> String {
    use revm::context::result::HaltReason as H;
    match reason {
        H::OutOfGas(_) => "out of gas".into(),
        H::OpcodeNotFound | H::InvalidFEOpcode => "invalid opcode".into(),
        H::InvalidJump => "invalid jump destination".into(),
        H::StackOverflow => "stack overflow".into(),
        H::StackUnderflow => "stack underflow".into(),
        H::StateChangeDuringStaticCall => "write protection".into(),
        H::CreateContractSizeLimit => "max code size exceeded".into(),
        H::CreateInitCodeSizeLimit => "max initcode size exceeded".into(),
        H::CreateCollision => "contract address collision".into(),
        H::OutOfFunds => "insufficient balance for transfer".into(),
        H::CallTooDeep => "max call depth exceeded".into(),
        other => format!("execution halted: {other:?}"),
    }
}

/// Applies `eth_call` state overrides to a state copy.
fn apply_state_overrides(state: &mut WorldState, o: &StateOverride) -> Result<(), ChainError> {
    for (addr, acc) in o {
        if acc.state.is_some() && acc.state_diff.is_some() {
            return Err(ChainError::InvalidParams(format!(
                "account {addr} has both `state` and `stateDiff`"
            )));
        }
        if acc.move_precompile_to.is_some() {
            return Err(ChainError::InvalidParams(
                "movePrecompileToAddress is not supported".into(),
            ));
        }
        if let Some(b) = acc.balance {
            state.set_balance(*addr, b);
        }
        if let Some(n) = acc.nonce {
            state.set_nonce(*addr, n);
        }
        if let Some(code) = &acc.code {
            state.set_code(*addr, code.clone());
        }
        if let Some(slots) = &acc.state {
            state.replace_storage(*addr, slots.iter().map(|(k, v)| ((*k).into(), (*v).into())));
        }
        if let Some(diff) = &acc.state_diff {
            for (k, v) in diff {
                state.set_storage(*addr, (*k).into(), (*v).into());
            }
        }
    }
    Ok(())
}

impl ChainError {
    /// revm's verdict on a transaction of `caller`, in geth's words.
    fn from_evm(e: EVMError<std::convert::Infallible>, caller: Address) -> Self {
        match e {
            EVMError::Transaction(t) => invalid_tx_error(&t, caller),
            EVMError::Header(h) => Self::InvalidTx(format!("invalid block environment: {h}")),
            EVMError::Custom(s) => Self::Internal(s),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// The fee checks geth applies to `eth_call` and `eth_estimateGas` unless every fee field is
/// zero: the tip may not exceed the fee cap, nor the fee cap fall below the base fee. A gas
/// price is both the fee cap and the tip; a missing max fee is zero.
fn check_call_fees(req: &rpc::TransactionRequest, base_fee: u64) -> Result<(), ChainError> {
    let (cap, tip) = match req.gas_price {
        Some(price) => (price, price),
        None => (
            req.max_fee_per_gas.unwrap_or_default(),
            req.max_priority_fee_per_gas.unwrap_or_default(),
        ),
    };
    if cap == 0 && tip == 0 {
        return Ok(());
    }
    let from = req.from.unwrap_or_default();
    if tip > cap {
        return Err(ChainError::tip_above_fee_cap(from, tip, cap));
    }
    if cap < u128::from(base_fee) {
        return Err(ChainError::fee_cap_too_low(from, cap, base_fee));
    }
    Ok(())
}

/// A transaction's fee cap and tip: the max fee and the max priority fee, or the gas price
/// for both (legacy and EIP-2930 transactions).
fn fee_cap_and_tip(e: &TxEnvelope) -> (u128, u128) {
    let cap = e.max_fee_per_gas();
    (cap, e.max_priority_fee_per_gas().unwrap_or(cap))
}

/// Whether `new` outbids `old` enough to replace it: strictly more, and at least
/// [`PRICE_BUMP_PERCENT`] % more (rounded down).
fn outbids(new: u128, old: u128) -> bool {
    let threshold = U256::from(old) * U256::from(100 + PRICE_BUMP_PERCENT) / U256::from(100);
    new > old && U256::from(new) >= threshold
}

/// An invalid transaction of `who` found by revm, with geth's message.
fn invalid_tx_error(t: &InvalidTransaction, who: Address) -> ChainError {
    match t {
        InvalidTransaction::NonceTooLow { tx, state } => {
            ChainError::nonce_too_low(who, *tx, *state)
        }
        InvalidTransaction::NonceTooHigh { tx, state } => {
            ChainError::nonce_too_high(who, *tx, *state)
        }
        InvalidTransaction::LackOfFundForMaxFee { fee, balance } => {
            ChainError::insufficient_funds(who, **balance, **fee)
        }
        InvalidTransaction::CallGasCostMoreThanGasLimit {
            initial_gas,
            gas_limit,
        } => ChainError::intrinsic_gas_too_low(*gas_limit, *initial_gas),
        InvalidTransaction::GasFloorMoreThanGasLimit {
            gas_floor,
            gas_limit,
        } => ChainError::floor_data_gas(*gas_limit, *gas_floor),
        InvalidTransaction::GasPriceLessThanBasefee => ChainError::InvalidTx(format!(
            "max fee per gas less than block base fee: address {who}"
        )),
        InvalidTransaction::PriorityFeeGreaterThanMaxFee => ChainError::InvalidTx(format!(
            "max priority fee per gas higher than max fee per gas: address {who}"
        )),
        InvalidTransaction::TxGasLimitGreaterThanCap { gas_limit, cap } => ChainError::InvalidTx(
            format!("transaction gas limit too high (cap: {cap}, tx: {gas_limit})"),
        ),
        InvalidTransaction::CallerGasLimitMoreThanBlock => {
            ChainError::InvalidTx("exceeds block gas limit".into())
        }
        InvalidTransaction::RejectCallerWithCode => {
            ChainError::InvalidTx(format!("sender not an eoa: address {who}"))
        }
        other => ChainError::InvalidTx(other.to_string()),
    }
}

/// Re-encodes an envelope (raw transaction bytes).
pub fn encode_envelope(e: &TxEnvelope) -> Bytes {
    e.encoded_2718().into()
}
