//! Fees: gas price, priority fee and `eth_feeHistory`.

use super::*;

impl Chain {
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
