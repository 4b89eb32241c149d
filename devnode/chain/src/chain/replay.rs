//! Replay hooks for tracing: the state and environment a mined transaction ran in.

use super::*;

impl Chain {
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
}
