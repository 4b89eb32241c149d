//! Mining: automine, interval and on-demand blocks, receipts and the per-block recent-programs cache.

use super::*;

/// Maximum number of blocks `anvil_mine` may mine in one call.
const MAX_MINE_BLOCKS: u64 = 100_000;

impl Chain {
    /// Mines one block with `txs` (in order). With `allow_empty == false` no block is made
    /// when every transaction is rejected.
    pub(super) fn mine_block_with(
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
}
