//! The execution environments: block, transaction and configuration for revm.

use super::*;

impl Chain {
    pub(super) fn cfg_for(config: &ChainConfig, call: bool, skip_eoa_check: bool) -> CfgEnv {
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

    pub(super) fn block_env(&self, number: u64, timestamp: u64, base_fee: u64) -> BlockEnv {
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

    pub(super) fn pending_env(&self) -> BlockEnv {
        self.block_env(
            self.block_number() + 1,
            self.next_block_timestamp(),
            self.data.base_fee,
        )
    }

    pub(super) fn tx_env(&self, p: &PendingTx, base_fee: u64) -> Result<TxEnv, ChainError> {
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

    pub(super) fn execute(
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
    pub(super) fn execute_in_block(
        &mut self,
        state: &WorldState,
        cfg: CfgEnv,
        block: BlockEnv,
        tx: TxEnv,
    ) -> ExecOutcome {
        let db = StateDb::new(state, &self.data.block_hashes);
        self.executor.execute_in_block(db, cfg, block, tx)
    }
}
