//! Method dispatch: `eth_*`, `net_*`, `web3_*`, `debug_trace*`, `evm_*`, `anvil_*` (and hardhat
//! aliases).

use std::sync::{Arc, Mutex, MutexGuard};

use alloy_primitives::{hex, keccak256, Address, Bytes, B256, U256};
use devnode_chain::reexports::alloy_eips::{BlockId, BlockNumberOrTag};
use devnode_chain::reexports::alloy_rpc_types_eth as rpc;
use devnode_chain::state::StateDump;
use devnode_chain::{Chain, ChainDump, TraceOptions};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::jsonrpc::{RpcError, INTERNAL_ERROR, METHOD_NOT_FOUND};

/// The chain shared by the server, the interval miner and in-process users.
pub type SharedChain = Arc<Mutex<Chain>>;

/// Locks the chain (a poisoned lock is recovered: chain operations keep it consistent).
pub fn lock(chain: &SharedChain) -> MutexGuard<'_, Chain> {
    chain
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// State the method handlers need besides the chain.
#[derive(Clone)]
pub(crate) struct Node {
    pub(crate) chain: SharedChain,
    /// Interval-mining period in milliseconds (0 = off).
    pub(crate) interval: watch::Sender<u64>,
}

struct Params(Vec<Value>);

impl Params {
    fn check_len(&self, max: usize) -> Result<(), RpcError> {
        if self.0.len() > max {
            return Err(RpcError::invalid_params(format!(
                "too many arguments, want at most {max}"
            )));
        }
        Ok(())
    }

    fn req<T: DeserializeOwned>(&self, i: usize) -> Result<T, RpcError> {
        match self.0.get(i) {
            None => Err(RpcError::invalid_params(format!(
                "missing value for required argument {i}"
            ))),
            Some(v) => serde_json::from_value(v.clone())
                .map_err(|e| RpcError::invalid_params(format!("invalid argument {i}: {e}"))),
        }
    }

    fn opt<T: DeserializeOwned>(&self, i: usize) -> Result<Option<T>, RpcError> {
        match self.0.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.req(i).map(Some),
        }
    }

    fn raw(&self, i: usize) -> Option<&Value> {
        self.0.get(i).filter(|v| !v.is_null())
    }

    fn block(&self, i: usize) -> Result<BlockId, RpcError> {
        Ok(self.opt::<BlockId>(i)?.unwrap_or(BlockId::latest()))
    }
}

/// A quantity given as a JSON number, a `0x` hex string or a decimal string.
fn quantity_u256(v: &Value) -> Result<U256, RpcError> {
    let bad = || RpcError::invalid_params(format!("invalid quantity: {v}"));
    match v {
        Value::Number(n) => n.as_u64().map(U256::from).ok_or_else(bad),
        Value::String(s) => {
            if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                if h.is_empty() || h.len() > 64 {
                    return Err(bad());
                }
                U256::from_str_radix(h, 16).map_err(|_| bad())
            } else {
                U256::from_str_radix(s, 10).map_err(|_| bad())
            }
        }
        _ => Err(bad()),
    }
}

fn quantity_u64(v: &Value) -> Result<u64, RpcError> {
    let n = quantity_u256(v)?;
    u64::try_from(n).map_err(|_| RpcError::invalid_params(format!("quantity too large: {v}")))
}

fn q(n: u64) -> Value {
    json!(format!("{n:#x}"))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value, RpcError> {
    serde_json::to_value(v).map_err(|e| RpcError::new(INTERNAL_ERROR, e.to_string()))
}

/// A receipt with the fields Nitro's receipts add: `gasUsedForL1` (0: the devnode has no L1
/// pricing, as nitro-devnode sets the L1 price to 0) and `l1BlockNumber` (the devnode has no
/// L1: it is the receipt's own block number, the value `block.number` gives inside the EVM
/// and Stylus programs on the devnode).
fn arbitrum_receipt(r: &rpc::TransactionReceipt) -> Result<Value, RpcError> {
    let mut v = to_json(r)?;
    if let Value::Object(m) = &mut v {
        m.insert("gasUsedForL1".into(), q(0));
        m.insert(
            "l1BlockNumber".into(),
            q(r.block_number.unwrap_or_default()),
        );
    }
    Ok(v)
}

fn parse_snapshot_id(v: &Value) -> Result<u64, RpcError> {
    quantity_u64(v)
}

/// Dispatches one call.
pub(crate) fn dispatch(node: &Node, method: &str, params: Vec<Value>) -> Result<Value, RpcError> {
    let p = Params(params);
    let chain = &node.chain;
    match method {
        // ------------------------------------------------------------ web3 / net
        "web3_clientVersion" => Ok(json!(lock(chain).client_version())),
        "web3_sha3" => {
            p.check_len(1)?;
            let data: Bytes = p.req(0)?;
            Ok(json!(keccak256(&data)))
        }
        "net_version" => Ok(json!(lock(chain).chain_id().to_string())),
        "net_listening" => Ok(json!(true)),
        "net_peerCount" => Ok(q(0)),
        // ------------------------------------------------------------ eth: chain info
        "eth_chainId" => Ok(q(lock(chain).chain_id())),
        "eth_blockNumber" => Ok(q(lock(chain).block_number())),
        "eth_syncing" => Ok(json!(false)),
        "eth_mining" => Ok(json!(true)),
        "eth_hashrate" => Ok(q(0)),
        "eth_protocolVersion" => Ok(json!("0x41")),
        "eth_coinbase" => Ok(json!(devnode_chain::SEQUENCER_COINBASE)),
        "eth_accounts" => {
            let c = lock(chain);
            Ok(json!(c
                .dev_accounts()
                .iter()
                .map(|a| a.address)
                .collect::<Vec<_>>()))
        }
        "eth_gasPrice" => Ok(q(lock(chain).base_fee())),
        "eth_maxPriorityFeePerGas" => Ok(q(0)),
        "eth_blobBaseFee" => Ok(q(1)),
        "eth_feeHistory" => {
            p.check_len(3)?;
            let count = quantity_u64(p.raw(0).ok_or_else(|| {
                RpcError::invalid_params("missing value for required argument 0")
            })?)?;
            let newest: BlockNumberOrTag = p.req(1)?;
            let percentiles: Option<Vec<f64>> = p.opt(2)?;
            if let Some(ps) = &percentiles {
                let sorted = ps.windows(2).all(|w| w[0] <= w[1]);
                if ps.len() > 100 || !sorted || ps.iter().any(|x| !(0.0..=100.0).contains(x)) {
                    return Err(RpcError::invalid_params("invalid reward percentiles"));
                }
            }
            let h = lock(chain).fee_history(count, newest, percentiles.as_deref())?;
            to_json(&h)
        }
        // ------------------------------------------------------------ eth: state
        "eth_getBalance" => {
            p.check_len(2)?;
            let a: Address = p.req(0)?;
            let c = lock(chain);
            Ok(json!(c.state_at(p.block(1)?)?.balance(&a)))
        }
        "eth_getTransactionCount" => {
            p.check_len(2)?;
            let a: Address = p.req(0)?;
            let b = p.block(1)?;
            let c = lock(chain);
            if matches!(b, BlockId::Number(BlockNumberOrTag::Pending)) {
                return Ok(q(c.pending_nonce(a)));
            }
            Ok(q(c.state_at(b)?.nonce(&a)))
        }
        "eth_getCode" => {
            p.check_len(2)?;
            let a: Address = p.req(0)?;
            let c = lock(chain);
            Ok(json!(c.state_at(p.block(1)?)?.code(&a)))
        }
        "eth_getStorageAt" => {
            p.check_len(3)?;
            let a: Address = p.req(0)?;
            let slot = quantity_u256(p.raw(1).ok_or_else(|| {
                RpcError::invalid_params("missing value for required argument 1")
            })?)?;
            let c = lock(chain);
            let v = c.state_at(p.block(2)?)?.storage(&a, slot);
            Ok(json!(B256::from(v)))
        }
        // ------------------------------------------------------------ eth: blocks and txs
        "eth_getBlockByNumber" => {
            p.check_len(2)?;
            let tag: BlockNumberOrTag = p.req(0)?;
            let full: bool = p.opt(1)?.unwrap_or(false);
            to_json(&lock(chain).rpc_block_by_number(tag, full))
        }
        "eth_getBlockByHash" => {
            p.check_len(2)?;
            let h: B256 = p.req(0)?;
            let full: bool = p.opt(1)?.unwrap_or(false);
            to_json(&lock(chain).rpc_block_by_hash(h, full))
        }
        "eth_getBlockTransactionCountByNumber" => {
            p.check_len(1)?;
            let tag: BlockNumberOrTag = p.req(0)?;
            Ok(lock(chain)
                .block_tx_count(BlockId::Number(tag))
                .map_or(Value::Null, q))
        }
        "eth_getBlockTransactionCountByHash" => {
            p.check_len(1)?;
            let h: B256 = p.req(0)?;
            Ok(lock(chain)
                .block_tx_count(BlockId::hash(h))
                .map_or(Value::Null, q))
        }
        "eth_getUncleCountByBlockNumber" | "eth_getUncleCountByBlockHash" => Ok(q(0)),
        "eth_getUncleByBlockNumberAndIndex" | "eth_getUncleByBlockHashAndIndex" => Ok(Value::Null),
        "eth_getTransactionByBlockNumberAndIndex" => {
            p.check_len(2)?;
            let tag: BlockNumberOrTag = p.req(0)?;
            let i = quantity_u64(p.raw(1).unwrap_or(&Value::Null))?;
            to_json(&lock(chain).tx_by_block_and_index(BlockId::Number(tag), i))
        }
        "eth_getTransactionByBlockHashAndIndex" => {
            p.check_len(2)?;
            let h: B256 = p.req(0)?;
            let i = quantity_u64(p.raw(1).unwrap_or(&Value::Null))?;
            to_json(&lock(chain).tx_by_block_and_index(BlockId::hash(h), i))
        }
        "eth_getTransactionByHash" => {
            p.check_len(1)?;
            let h: B256 = p.req(0)?;
            to_json(&lock(chain).transaction(h))
        }
        "eth_getTransactionReceipt" => {
            p.check_len(1)?;
            let h: B256 = p.req(0)?;
            let r = lock(chain).receipt(h);
            r.as_ref().map_or(Ok(Value::Null), arbitrum_receipt)
        }
        "eth_getBlockReceipts" => {
            p.check_len(1)?;
            let b: BlockId = p.req(0)?;
            match lock(chain).block_receipts(b) {
                None => Ok(Value::Null),
                Some(rs) => Ok(Value::Array(
                    rs.iter().map(arbitrum_receipt).collect::<Result<_, _>>()?,
                )),
            }
        }
        // ------------------------------------------------------------ eth: execution
        "eth_call" => {
            p.check_len(4)?;
            let req: rpc::TransactionRequest = p.req(0)?;
            let b = p.block(1)?;
            let overrides: Option<rpc::state::StateOverride> = p.opt(2)?;
            let block_overrides: Option<rpc::BlockOverrides> = p.opt(3)?;
            let out = lock(chain).call(&req, b, overrides.as_ref(), block_overrides.as_ref())?;
            Ok(json!(out))
        }
        "eth_estimateGas" => {
            p.check_len(3)?;
            let req: rpc::TransactionRequest = p.req(0)?;
            let b = p.opt::<BlockId>(1)?.unwrap_or(BlockId::pending());
            let overrides: Option<rpc::state::StateOverride> = p.opt(2)?;
            Ok(q(lock(chain).estimate_gas(req, b, overrides.as_ref())?))
        }
        "eth_sendRawTransaction" => {
            p.check_len(1)?;
            let raw: Bytes = p.req(0)?;
            Ok(json!(lock(chain).send_raw_transaction(&raw)?))
        }
        "eth_sendTransaction" => {
            p.check_len(1)?;
            let req: rpc::TransactionRequest = p.req(0)?;
            Ok(json!(lock(chain).send_transaction(req)?))
        }
        "eth_sendUnsignedTransaction" => {
            p.check_len(1)?;
            let req: rpc::TransactionRequest = p.req(0)?;
            let from = req
                .from
                .ok_or_else(|| RpcError::invalid_params("missing `from`"))?;
            let mut c = lock(chain);
            c.impersonate(from, true);
            let r = c.send_transaction(req);
            c.impersonate(from, false);
            Ok(json!(r?))
        }
        // ------------------------------------------------------------ debug: tracing
        "debug_traceTransaction" => {
            p.check_len(2)?;
            let h: B256 = p.req(0)?;
            let opts = TraceOptions::from_config(p.raw(1))?;
            Ok(lock(chain).trace_transaction(h, &opts)?)
        }
        "debug_traceBlockByNumber" | "debug_traceBlockByHash" => {
            p.check_len(2)?;
            let b: BlockId = if method == "debug_traceBlockByHash" {
                BlockId::hash(p.req::<B256>(0)?)
            } else {
                p.req(0)?
            };
            let opts = TraceOptions::from_config(p.raw(1))?;
            Ok(lock(chain).trace_block(b, &opts)?)
        }
        "debug_traceCall" => {
            p.check_len(3)?;
            let req: rpc::TransactionRequest = p.req(0)?;
            let b = p.block(1)?;
            let config = p.raw(2);
            let opts = TraceOptions::from_config(config)?;
            let field = |k: &str| config.and_then(|c| c.get(k)).filter(|v| !v.is_null());
            let overrides: Option<rpc::state::StateOverride> = field("stateOverrides")
                .map(|v| serde_json::from_value(v.clone()))
                .transpose()
                .map_err(|e| RpcError::invalid_params(format!("invalid stateOverrides: {e}")))?;
            let block_overrides: Option<rpc::BlockOverrides> = field("blockOverrides")
                .map(|v| serde_json::from_value(v.clone()))
                .transpose()
                .map_err(|e| RpcError::invalid_params(format!("invalid blockOverrides: {e}")))?;
            Ok(lock(chain).trace_call(
                &req,
                b,
                overrides.as_ref(),
                block_overrides.as_ref(),
                &opts,
            )?)
        }
        // ------------------------------------------------------------ eth: logs and filters
        "eth_getLogs" => {
            p.check_len(1)?;
            let f: rpc::Filter = p.req(0)?;
            to_json(&lock(chain).logs(&f)?)
        }
        "eth_newFilter" => {
            p.check_len(1)?;
            let f: rpc::Filter = p.req(0)?;
            Ok(q(lock(chain).new_filter(f)))
        }
        "eth_newBlockFilter" => Ok(q(lock(chain).new_block_filter())),
        "eth_newPendingTransactionFilter" => Ok(q(lock(chain).new_pending_tx_filter())),
        "eth_getFilterChanges" => {
            p.check_len(1)?;
            let id = quantity_u64(p.raw(0).unwrap_or(&Value::Null))?;
            to_json(&lock(chain).filter_changes(id)?)
        }
        "eth_getFilterLogs" => {
            p.check_len(1)?;
            let id = quantity_u64(p.raw(0).unwrap_or(&Value::Null))?;
            to_json(&lock(chain).filter_logs(id)?)
        }
        "eth_uninstallFilter" => {
            p.check_len(1)?;
            let id = quantity_u64(p.raw(0).unwrap_or(&Value::Null))?;
            Ok(json!(lock(chain).uninstall_filter(id)))
        }
        // ------------------------------------------------------------ time and mining
        "evm_increaseTime" | "anvil_increaseTime" => {
            p.check_len(1)?;
            let secs = quantity_u64(p.raw(0).unwrap_or(&Value::Null))?;
            let total = lock(chain).increase_time(secs);
            Ok(q(total.max(0).unsigned_abs()))
        }
        "evm_setNextBlockTimestamp" | "anvil_setNextBlockTimestamp" => {
            p.check_len(1)?;
            let ts = quantity_u64(p.raw(0).unwrap_or(&Value::Null))?;
            lock(chain).set_next_block_timestamp(ts)?;
            Ok(Value::Null)
        }
        "evm_setTime" | "anvil_setTime" => {
            p.check_len(1)?;
            let ts = quantity_u64(p.raw(0).unwrap_or(&Value::Null))?;
            let offset = lock(chain).set_time(ts);
            Ok(json!(offset))
        }
        "evm_mine" | "evm_mine_detailed" => {
            p.check_len(1)?;
            let (ts, blocks) = match p.raw(0) {
                None => (None, 1),
                Some(Value::Object(o)) => {
                    let ts = o
                        .get("timestamp")
                        .filter(|v| !v.is_null())
                        .map(quantity_u64)
                        .transpose()?;
                    let blocks = o
                        .get("blocks")
                        .filter(|v| !v.is_null())
                        .map(quantity_u64)
                        .transpose()?;
                    (ts, blocks.unwrap_or(1))
                }
                Some(v) => (Some(quantity_u64(v)?), 1),
            };
            let mut c = lock(chain);
            if let Some(ts) = ts {
                c.set_next_block_timestamp(ts)?;
            }
            let out = c.mine(blocks, None)?;
            if method == "evm_mine_detailed" {
                let blocks: Vec<_> = out
                    .blocks
                    .iter()
                    .filter_map(|n| c.rpc_block_by_number(BlockNumberOrTag::Number(*n), true))
                    .collect();
                return to_json(&blocks);
            }
            Ok(json!("0x0"))
        }
        "anvil_mine" | "hardhat_mine" => {
            p.check_len(2)?;
            let blocks = p.raw(0).map(quantity_u64).transpose()?.unwrap_or(1);
            let interval = p.raw(1).map(quantity_u64).transpose()?;
            lock(chain).mine(blocks, interval)?;
            Ok(Value::Null)
        }
        "evm_setAutomine" | "anvil_setAutomine" => {
            p.check_len(1)?;
            let on: bool = p.req(0)?;
            lock(chain).set_automine(on);
            Ok(Value::Null)
        }
        "anvil_getAutomine" | "hardhat_getAutomine" => Ok(json!(lock(chain).automine())),
        "evm_setIntervalMining" | "anvil_setIntervalMining" => {
            p.check_len(1)?;
            let secs = quantity_u64(p.raw(0).unwrap_or(&Value::Null))?;
            if secs > 0 {
                lock(chain).set_automine(false);
            }
            node.interval.send_replace(secs.saturating_mul(1000));
            Ok(Value::Null)
        }
        "anvil_getIntervalMining" => Ok(json!(*node.interval.borrow() / 1000)),
        "evm_setBlockGasLimit" => {
            p.check_len(1)?;
            let g = quantity_u64(p.raw(0).unwrap_or(&Value::Null))?;
            lock(chain).set_block_gas_limit(g);
            Ok(json!(true))
        }
        // ------------------------------------------------------------ snapshots
        "evm_snapshot" | "anvil_snapshot" => Ok(q(lock(chain).snapshot())),
        "evm_revert" | "anvil_revert" => {
            p.check_len(1)?;
            let id = parse_snapshot_id(p.raw(0).unwrap_or(&Value::Null))?;
            Ok(json!(lock(chain).revert(id)))
        }
        // ------------------------------------------------------------ state edits
        "anvil_setBalance" | "hardhat_setBalance" => {
            p.check_len(2)?;
            let a: Address = p.req(0)?;
            let v = quantity_u256(p.raw(1).unwrap_or(&Value::Null))?;
            lock(chain).set_balance(a, v);
            Ok(Value::Null)
        }
        "anvil_setCode" | "hardhat_setCode" => {
            p.check_len(2)?;
            let a: Address = p.req(0)?;
            let code: Bytes = p.req(1)?;
            lock(chain).set_code(a, code);
            Ok(Value::Null)
        }
        "anvil_setStorageAt" | "hardhat_setStorageAt" => {
            p.check_len(3)?;
            let a: Address = p.req(0)?;
            let slot = quantity_u256(p.raw(1).unwrap_or(&Value::Null))?;
            let v = quantity_u256(p.raw(2).unwrap_or(&Value::Null))?;
            lock(chain).set_storage(a, slot, v);
            Ok(json!(true))
        }
        "anvil_setNonce" | "hardhat_setNonce" | "evm_setAccountNonce" => {
            p.check_len(2)?;
            let a: Address = p.req(0)?;
            let n = quantity_u64(p.raw(1).unwrap_or(&Value::Null))?;
            lock(chain).set_nonce(a, n);
            Ok(Value::Null)
        }
        "anvil_impersonateAccount" | "hardhat_impersonateAccount" => {
            p.check_len(1)?;
            let a: Address = p.req(0)?;
            lock(chain).impersonate(a, true);
            Ok(Value::Null)
        }
        "anvil_stopImpersonatingAccount" | "hardhat_stopImpersonatingAccount" => {
            p.check_len(1)?;
            let a: Address = p.req(0)?;
            lock(chain).impersonate(a, false);
            Ok(Value::Null)
        }
        "anvil_autoImpersonateAccount" => {
            p.check_len(1)?;
            let on: bool = p.req(0)?;
            lock(chain).auto_impersonate(on);
            Ok(Value::Null)
        }
        "anvil_setCoinbase" | "hardhat_setCoinbase" => {
            p.check_len(1)?;
            let a: Address = p.req(0)?;
            lock(chain).set_coinbase(a);
            Ok(Value::Null)
        }
        "anvil_setNextBlockBaseFeePerGas" | "hardhat_setNextBlockBaseFeePerGas" => {
            p.check_len(1)?;
            let fee = quantity_u64(p.raw(0).unwrap_or(&Value::Null))?;
            lock(chain).set_base_fee(fee);
            Ok(Value::Null)
        }
        "anvil_dumpState" | "hardhat_dumpState" => {
            let dump = lock(chain).dump();
            let bytes = serde_json::to_vec(&dump)
                .map_err(|e| RpcError::new(INTERNAL_ERROR, e.to_string()))?;
            Ok(json!(format!("0x{}", hex::encode(bytes))))
        }
        "anvil_loadState" | "hardhat_loadState" => {
            p.check_len(1)?;
            let raw: Bytes = p.req(0)?;
            let state = parse_state_blob(&raw)?;
            lock(chain).merge_state(&state);
            Ok(json!(true))
        }
        "anvil_reset" | "hardhat_reset" => {
            let mut c = lock(chain);
            let fresh = Chain::new(c.config().clone())?;
            *c = fresh;
            Ok(Value::Null)
        }
        "anvil_nodeInfo" => {
            let c = lock(chain);
            Ok(json!({
                "currentBlockNumber": q(c.block_number()),
                "currentBlockTimestamp": c.rpc_block_by_number(BlockNumberOrTag::Latest, false).map(|b| b.header.timestamp),
                "chainId": q(c.chain_id()),
                "hardFork": "osaka",
                "environment": { "baseFee": c.base_fee().to_string(), "chainId": c.chain_id() },
                "network": "stylus-devnode",
                "client": c.client_version(),
            }))
        }
        "rpc_modules" => {
            Ok(json!({"eth":"1.0","net":"1.0","web3":"1.0","evm":"1.0","anvil":"1.0"}))
        }
        "eth_subscribe" | "eth_unsubscribe" => Err(RpcError::new(
            METHOD_NOT_FOUND,
            "subscriptions need a WebSocket transport; this node serves HTTP only",
        )),
        _ => Err(RpcError::new(
            METHOD_NOT_FOUND,
            format!(
                "the method {} does not exist/is not available",
                truncate(method, 64)
            ),
        )),
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Accepts a full chain dump or a bare state dump (JSON).
fn parse_state_blob(raw: &[u8]) -> Result<StateDump, RpcError> {
    if let Ok(d) = serde_json::from_slice::<ChainDump>(raw) {
        return Ok(d.state);
    }
    serde_json::from_slice::<StateDump>(raw)
        .map_err(|e| RpcError::invalid_params(format!("invalid state dump: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(quantity_u64(&json!(5)).ok(), Some(5));
        assert_eq!(quantity_u64(&json!("0x10")).ok(), Some(16));
        assert_eq!(quantity_u64(&json!("12")).ok(), Some(12));
        assert!(quantity_u64(&json!("0x")).is_err());
        assert!(quantity_u64(&json!("0x1ffffffffffffffff")).is_err());
        assert!(quantity_u64(&json!(-1)).is_err());
        assert!(quantity_u64(&json!([1])).is_err());
        assert!(quantity_u256(&json!(format!("0x{}", "f".repeat(65)))).is_err());
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("ééé", 2), "éé");
        assert_eq!(truncate("ab", 5), "ab");
    }
}
