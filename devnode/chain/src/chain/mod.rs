//! The dev chain: transaction pool, mining, queries, calls, filters, snapshots and time.

mod calls;
mod env;
mod fees;
mod filters;
mod mining;
mod pool;
mod replay;
mod snapshots;
mod state_edits;
mod time;

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
