//! Calls: `eth_call` and `eth_estimateGas`, with state and block overrides.

use super::*;

/// The intrinsic gas of a plain transfer; `eth_estimateGas` ignores a smaller request gas.
const MIN_TX_GAS: u64 = 21_000;

impl Chain {
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
