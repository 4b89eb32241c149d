//! State edits: balances, code, storage, nonces, impersonation, dump and load, reset.

use super::*;

impl Chain {
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
}
