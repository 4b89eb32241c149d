//! Gateway time: the later of the wall clock and the latest block's
//! timestamp seen. Licences are defined in chain time; taking the later of
//! the two never serves a licence longer than either clock allows (a dev
//! chain warped ahead, or a node lagging behind the wall clock).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Gateway time from its two sources.
#[must_use]
pub fn gateway_now(wall: u64, chain: u64) -> u64 {
    wall.max(chain)
}

/// Wall-clock milliseconds since the epoch.
#[must_use]
pub fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The gateway's clock and the freshness of its view of the chain.
#[derive(Debug, Default)]
pub struct Clock {
    chain_ts: AtomicU64,
    last_poll_ok_ms: AtomicU64,
}

impl Clock {
    /// Gateway time now, in seconds.
    #[must_use]
    pub fn now(&self) -> u64 {
        gateway_now(wall_ms() / 1000, self.chain_ts.load(Ordering::Acquire))
    }

    /// The latest block timestamp seen.
    #[must_use]
    pub fn chain_time(&self) -> u64 {
        self.chain_ts.load(Ordering::Acquire)
    }

    /// Records a block timestamp (time never goes back).
    pub fn observe_block(&self, timestamp: u64) {
        self.chain_ts.fetch_max(timestamp, Ordering::AcqRel);
    }

    /// Records a successful event poll.
    pub fn poll_ok(&self) {
        self.last_poll_ok_ms.store(wall_ms(), Ordering::Release);
    }

    /// Whether the last successful poll is at most `stale_after_ms` old.
    #[must_use]
    pub fn watch_fresh(&self, stale_after_ms: u64) -> bool {
        let last = self.last_poll_ok_ms.load(Ordering::Acquire);
        last != 0 && wall_ms().saturating_sub(last) <= stale_after_ms
    }

    /// Milliseconds since the last successful poll (`None`: never).
    #[must_use]
    pub fn since_last_poll_ms(&self) -> Option<u64> {
        let last = self.last_poll_ok_ms.load(Ordering::Acquire);
        (last != 0).then(|| wall_ms().saturating_sub(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_later_clock_wins_and_time_never_goes_back() {
        assert_eq!(gateway_now(5, 9), 9);
        assert_eq!(gateway_now(9, 5), 9);
        let c = Clock::default();
        assert!(!c.watch_fresh(u64::MAX), "never polled");
        let far = wall_ms() / 1000 + 31 * 86_400;
        c.observe_block(far);
        c.observe_block(far - 10);
        assert_eq!(c.chain_time(), far);
        assert_eq!(c.now(), far);
        c.poll_ok();
        assert!(c.watch_fresh(1_000));
    }
}
