//! Logs and filters: `eth_getLogs` and installed log, block and pending-transaction filters.

use super::*;

/// How long an unpolled filter lives.
const FILTER_TTL: Duration = Duration::from_secs(300);
/// Maximum number of installed filters.
const MAX_FILTERS: usize = 4096;
/// Maximum number of blocks one `eth_getLogs` may scan.
const MAX_LOG_RANGE: u64 = 100_000;

impl Chain {
    fn resolve_tag(&self, tag: Option<&BlockNumberOrTag>, default: u64) -> u64 {
        match tag {
            None => default,
            Some(BlockNumberOrTag::Earliest) => 0,
            Some(BlockNumberOrTag::Number(n)) => *n,
            Some(_) => self.block_number(),
        }
    }

    /// `eth_getLogs`.
    ///
    /// # Errors
    /// Unknown block hash, inverted or too large range.
    pub fn logs(&self, filter: &rpc::Filter) -> Result<Vec<rpc::Log>, ChainError> {
        let latest = self.block_number();
        let (from, to) = match &filter.block_option {
            rpc::FilterBlockOption::AtBlockHash(h) => {
                let n = self
                    .data
                    .block_by_hash
                    .get(h)
                    .copied()
                    .ok_or_else(|| ChainError::NotFound(format!("block {h} not found")))?;
                (n, n)
            }
            rpc::FilterBlockOption::Range {
                from_block,
                to_block,
            } => (
                self.resolve_tag(from_block.as_ref(), latest),
                self.resolve_tag(to_block.as_ref(), latest),
            ),
        };
        self.logs_in_range(filter, from, to.min(latest))
    }

    fn logs_in_range(
        &self,
        filter: &rpc::Filter,
        from: u64,
        to: u64,
    ) -> Result<Vec<rpc::Log>, ChainError> {
        if from > to {
            return Ok(Vec::new());
        }
        if to - from > MAX_LOG_RANGE {
            return Err(ChainError::LimitExceeded(format!(
                "block range too large: at most {MAX_LOG_RANGE} blocks"
            )));
        }
        let mut out = Vec::new();
        for n in from..=to {
            let Some(b) = self.block_at(n) else { break };
            if b.txs.is_empty() || !filter.matches_bloom(b.header.logs_bloom) {
                continue;
            }
            for h in &b.txs {
                let Some(t) = self.data.txs.get(h) else {
                    continue;
                };
                for log in t.rpc_logs() {
                    if filter.matches(&log.inner) {
                        out.push(log);
                    }
                }
            }
        }
        Ok(out)
    }

    fn install_filter(&mut self, kind: FilterKind) -> u64 {
        let now = Instant::now();
        self.filters
            .retain(|_, f| now.duration_since(f.last_poll) < FILTER_TTL);
        if self.filters.len() >= MAX_FILTERS {
            if let Some(oldest) = self
                .filters
                .iter()
                .min_by_key(|(_, f)| f.last_poll)
                .map(|(k, _)| *k)
            {
                self.filters.remove(&oldest);
            }
        }
        let id = self.next_filter;
        self.next_filter += 1;
        let next_block = match &kind {
            FilterKind::Logs(f) => match &f.block_option {
                rpc::FilterBlockOption::Range { from_block, .. } => {
                    self.resolve_tag(from_block.as_ref(), self.block_number() + 1)
                }
                rpc::FilterBlockOption::AtBlockHash(_) => self.block_number() + 1,
            },
            _ => self.block_number() + 1,
        };
        self.filters.insert(
            id,
            InstalledFilter {
                kind,
                next_block,
                pending: Vec::new(),
                last_poll: now,
            },
        );
        id
    }

    /// `eth_newFilter`.
    pub fn new_filter(&mut self, filter: rpc::Filter) -> u64 {
        self.install_filter(FilterKind::Logs(Box::new(filter)))
    }

    /// `eth_newBlockFilter`.
    pub fn new_block_filter(&mut self) -> u64 {
        self.install_filter(FilterKind::Blocks)
    }

    /// `eth_newPendingTransactionFilter`.
    pub fn new_pending_tx_filter(&mut self) -> u64 {
        self.install_filter(FilterKind::PendingTxs)
    }

    /// `eth_uninstallFilter`.
    pub fn uninstall_filter(&mut self, id: u64) -> bool {
        self.filters.remove(&id).is_some()
    }

    /// `eth_getFilterChanges`.
    ///
    /// # Errors
    /// Unknown filter.
    pub fn filter_changes(&mut self, id: u64) -> Result<rpc::FilterChanges, ChainError> {
        let latest = self.block_number();
        let f = self
            .filters
            .get_mut(&id)
            .ok_or_else(|| ChainError::NotFound("filter not found".into()))?;
        f.last_poll = Instant::now();
        let from = f.next_block;
        f.next_block = f.next_block.max(latest + 1);
        match &f.kind {
            FilterKind::Blocks => {
                let hashes = (from..=latest)
                    .filter_map(|n| {
                        self.data
                            .block_hashes
                            .get(usize::try_from(n).ok()?)
                            .copied()
                    })
                    .collect();
                Ok(rpc::FilterChanges::Hashes(hashes))
            }
            FilterKind::PendingTxs => {
                let hashes = std::mem::take(&mut f.pending);
                Ok(rpc::FilterChanges::Hashes(hashes))
            }
            FilterKind::Logs(filter) => {
                let filter = (**filter).clone();
                let to = match &filter.block_option {
                    rpc::FilterBlockOption::Range { to_block, .. } => {
                        self.resolve_tag(to_block.as_ref(), latest).min(latest)
                    }
                    rpc::FilterBlockOption::AtBlockHash(_) => latest,
                };
                let logs = match filter.block_option {
                    rpc::FilterBlockOption::AtBlockHash(_) => Vec::new(),
                    _ => self.logs_in_range(&filter, from, to)?,
                };
                Ok(rpc::FilterChanges::Logs(logs))
            }
        }
    }

    /// `eth_getFilterLogs`.
    ///
    /// # Errors
    /// Unknown filter, or not a log filter.
    pub fn filter_logs(&mut self, id: u64) -> Result<Vec<rpc::Log>, ChainError> {
        let f = self
            .filters
            .get_mut(&id)
            .ok_or_else(|| ChainError::NotFound("filter not found".into()))?;
        f.last_poll = Instant::now();
        match &f.kind {
            FilterKind::Logs(filter) => {
                let filter = (**filter).clone();
                self.logs(&filter)
            }
            _ => Err(ChainError::InvalidParams("not a log filter".into())),
        }
    }
}
