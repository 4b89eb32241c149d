//! Time: the next block's timestamp, `evm_increaseTime`, `evm_setNextBlockTimestamp`, `evm_setTime`.

use super::*;

impl Chain {
    /// `evm_increaseTime`: moves the clock forward; returns the total offset in seconds.
    pub fn increase_time(&mut self, secs: u64) -> i64 {
        let secs = i64::try_from(secs).unwrap_or(i64::MAX);
        if let Some(ts) = self.data.next_timestamp.as_mut() {
            *ts = ts.saturating_add(secs.unsigned_abs());
        }
        self.data.time_offset = self.data.time_offset.saturating_add(secs);
        self.data.time_offset
    }

    /// `evm_setNextBlockTimestamp`.
    ///
    /// # Errors
    /// Timestamp before the latest block's.
    pub fn set_next_block_timestamp(&mut self, ts: u64) -> Result<(), ChainError> {
        let latest = self.latest().header.timestamp;
        if ts < latest {
            return Err(ChainError::InvalidParams(format!(
                "timestamp {ts} is lower than the latest block's {latest}"
            )));
        }
        self.data.next_timestamp = Some(ts);
        Ok(())
    }

    /// `evm_setTime`: sets the clock; returns the offset to the wall clock.
    pub fn set_time(&mut self, ts: u64) -> i64 {
        let now = i64::try_from(now_secs()).unwrap_or(0);
        self.data.time_offset = i64::try_from(ts).unwrap_or(i64::MAX) - now;
        self.data.next_timestamp = None;
        self.data.time_offset
    }
}
