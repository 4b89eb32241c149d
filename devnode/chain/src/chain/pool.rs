//! Transaction submission: decoding, signing dev and impersonated transactions, admission checks with geth's errors, the pool and replacement.

use super::*;

/// Maximum pending transactions.
const MAX_POOL: usize = 10_000;
/// How much more (in percent) a transaction must offer, on both its max fee and its tip, to
/// replace a pool transaction with the same sender and nonce (geth's default price bump).
const PRICE_BUMP_PERCENT: u64 = 10;

impl Chain {
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
    pub(super) fn take_ready_pool(&mut self) -> Vec<PendingTx> {
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
}

/// Placeholder signature for impersonated transactions (unique per sender).
fn impersonation_signature(from: Address) -> Signature {
    let mut r = [0u8; 32];
    r[12..].copy_from_slice(from.as_slice());
    Signature::from_scalars_and_parity(B256::from(r), B256::with_last_byte(1), false)
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
