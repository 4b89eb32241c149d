//! Stored chain records (blocks, transactions, receipts) and their JSON-RPC views.

use std::sync::Arc;

use alloy_consensus::{
    Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, TxEnvelope, TxType,
};
use alloy_primitives::{Address, Bloom, Bytes, Log, B256};
use alloy_rpc_types_eth as rpc;
use serde::{Deserialize, Serialize};

use crate::state::WorldState;

/// A mined block.
#[derive(Clone, Debug)]
pub struct BlockRecord {
    /// The consensus header.
    pub header: Header,
    /// `keccak(rlp(header))`.
    pub hash: B256,
    /// Hashes of the block's transactions, in order.
    pub txs: Vec<B256>,
    /// The state after the block.
    pub state: WorldState,
}

/// The receipt part of a mined transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptRecord {
    /// `true` on success.
    pub status: bool,
    /// Gas used by this transaction.
    pub gas_used: u64,
    /// Gas used by the block up to and including this transaction.
    pub cumulative_gas_used: u64,
    /// Price paid per gas.
    pub effective_gas_price: u128,
    /// Logs emitted.
    pub logs: Vec<Log>,
    /// Index in the block of the first log.
    pub first_log_index: u64,
    /// Created contract, if any.
    pub contract_address: Option<Address>,
    /// Return data (success) or revert data.
    pub output: Bytes,
}

impl ReceiptRecord {
    /// The bloom of the receipt's logs.
    pub fn bloom(&self) -> Bloom {
        alloy_primitives::logs_bloom(self.logs.iter())
    }

    /// Consensus receipt envelope (for roots and RPC).
    pub fn envelope<L: Clone>(&self, ty: TxType, logs: Vec<L>) -> ReceiptEnvelope<L> {
        let receipt = ReceiptWithBloom {
            receipt: Receipt {
                status: Eip658Value::Eip658(self.status),
                cumulative_gas_used: self.cumulative_gas_used,
                logs,
            },
            logs_bloom: self.bloom(),
        };
        match ty {
            TxType::Legacy => ReceiptEnvelope::Legacy(receipt),
            TxType::Eip2930 => ReceiptEnvelope::Eip2930(receipt),
            TxType::Eip1559 => ReceiptEnvelope::Eip1559(receipt),
            TxType::Eip4844 => ReceiptEnvelope::Eip4844(receipt),
            TxType::Eip7702 => ReceiptEnvelope::Eip7702(receipt),
        }
    }
}

/// A mined transaction with its receipt and position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxRecord {
    /// Transaction hash.
    pub hash: B256,
    /// The signed transaction (impersonated ones carry a placeholder signature).
    pub envelope: TxEnvelope,
    /// Sender.
    pub from: Address,
    /// Block number.
    pub block_number: u64,
    /// Block hash.
    pub block_hash: B256,
    /// Index in the block.
    pub index: u64,
    /// Block timestamp.
    pub block_timestamp: u64,
    /// The receipt.
    pub receipt: ReceiptRecord,
}

impl TxRecord {
    /// JSON-RPC transaction object.
    pub fn to_rpc(&self) -> rpc::Transaction {
        rpc::Transaction {
            inner: alloy_consensus::transaction::Recovered::new_unchecked(
                self.envelope.clone(),
                self.from,
            ),
            block_hash: Some(self.block_hash),
            block_number: Some(self.block_number),
            transaction_index: Some(self.index),
            effective_gas_price: Some(self.receipt.effective_gas_price),
            block_timestamp: Some(self.block_timestamp),
        }
    }

    /// JSON-RPC logs of this transaction.
    pub fn rpc_logs(&self) -> Vec<rpc::Log> {
        self.receipt
            .logs
            .iter()
            .enumerate()
            .map(|(i, log)| rpc::Log {
                inner: log.clone(),
                block_hash: Some(self.block_hash),
                block_number: Some(self.block_number),
                block_timestamp: Some(self.block_timestamp),
                transaction_hash: Some(self.hash),
                transaction_index: Some(self.index),
                log_index: Some(self.receipt.first_log_index + i as u64),
                removed: false,
            })
            .collect()
    }

    /// JSON-RPC receipt object.
    pub fn to_rpc_receipt(&self) -> rpc::TransactionReceipt {
        use alloy_consensus::Transaction as _;
        rpc::TransactionReceipt {
            inner: self
                .receipt
                .envelope(self.envelope.tx_type(), self.rpc_logs()),
            transaction_hash: self.hash,
            transaction_index: Some(self.index),
            block_hash: Some(self.block_hash),
            block_number: Some(self.block_number),
            gas_used: self.receipt.gas_used,
            effective_gas_price: self.receipt.effective_gas_price,
            blob_gas_used: None,
            blob_gas_price: None,
            from: self.from,
            to: self.envelope.to(),
            contract_address: self.receipt.contract_address,
        }
    }
}

/// Builds the JSON-RPC block object.
pub fn rpc_block(block: &BlockRecord, txs: &[Arc<TxRecord>], full: bool) -> rpc::Block {
    let transactions = if full {
        rpc::BlockTransactions::Full(txs.iter().map(|t| t.to_rpc()).collect())
    } else {
        rpc::BlockTransactions::Hashes(block.txs.clone())
    };
    let size = alloy_rlp::encode(&block.header).len()
        + txs
            .iter()
            .map(|t| alloy_eips::eip2718::Encodable2718::encode_2718_len(&t.envelope))
            .sum::<usize>();
    rpc::Block {
        header: rpc::Header {
            hash: block.hash,
            inner: block.header.clone(),
            total_difficulty: Some(alloy_primitives::U256::from(block.header.number + 1)),
            size: Some(alloy_primitives::U256::from(size)),
        },
        uncles: Vec::new(),
        transactions,
        withdrawals: None,
    }
}
