//! Nitro's per-block cache of recently entered programs (`RecentWasms`).
//!
//! From ArbOS 60 a program entered again while its code hash is in this cache
//! pays the cached init cost (`cachedGas`, at least `MinCachedInitGas` × 32 =
//! 352 gas) instead of the full one (`initGas`, at least 8,832 gas on top).
//! Nitro's rules, which this type reproduces:
//!
//! * it is a least-recently-used set of code hashes holding `BlockCacheSize`
//!   (32) entries, its capacity fixed by the first insertion in the block;
//! * every successful program entry inserts its code hash: the first entry in
//!   the block misses (and inserts), a later one hits and becomes the most
//!   recent; inserting into a full cache evicts the least recently used hash;
//! * the entry is recorded before the call's init gas is charged, after the
//!   program was found active (an inactive or expired program never enters);
//! * it lives beside the block's state, not in the journal: a reverted call or
//!   transaction keeps its entries;
//! * it is discarded at the end of every block. A simulation (`eth_call`,
//!   `eth_estimateGas`) starts from an empty cache, as Nitro's fresh state
//!   does.

use revm::primitives::B256;

/// Least-recently-used set of program code hashes entered in the current block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecentPrograms {
    /// Most recent last.
    entries: Vec<B256>,
    /// Fixed by the first insertion (`None`: nothing inserted yet this block).
    capacity: Option<usize>,
}

impl RecentPrograms {
    /// An empty cache (the state at the start of a block).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
            capacity: None,
        }
    }

    /// Records an entry into the program with `codehash`; returns `true` on a
    /// hit (the program was entered earlier in this block and not evicted
    /// since). `retain` is `BlockCacheSize`; the first insertion of the block
    /// fixes the capacity (at least 1).
    pub fn insert(&mut self, codehash: B256, retain: u16) -> bool {
        let capacity = *self
            .capacity
            .get_or_insert_with(|| usize::from(retain).max(1));
        if let Some(i) = self.entries.iter().position(|h| *h == codehash) {
            let hit = self.entries.remove(i);
            self.entries.push(hit);
            return true;
        }
        if self.entries.len() >= capacity {
            self.entries.remove(0);
        }
        self.entries.push(codehash);
        false
    }

    /// Whether `codehash` is cached (without touching its recency).
    #[must_use]
    pub fn contains(&self, codehash: &B256) -> bool {
        self.entries.contains(codehash)
    }

    /// Number of cached code hashes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was entered in this block.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Discards everything: a new block starts.
    pub fn clear(&mut self) {
        *self = Self::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(i: u8) -> B256 {
        B256::repeat_byte(i)
    }

    #[test]
    fn lru_of_code_hashes() {
        let mut c = RecentPrograms::new();
        assert!(!c.insert(h(1), 2));
        assert!(c.insert(h(1), 2));
        assert!(!c.insert(h(2), 2));
        // h(1) becomes the most recent, so h(2) is evicted by h(3)
        assert!(c.insert(h(1), 2));
        assert!(!c.insert(h(3), 2));
        assert!(!c.contains(&h(2)) && c.contains(&h(1)) && c.contains(&h(3)));
        // the capacity stays what the first insertion set
        assert!(!c.insert(h(4), 100));
        assert_eq!(c.len(), 2);
        c.clear();
        assert!(c.is_empty());
        assert!(!c.insert(h(1), 0));
        assert!(!c.insert(h(2), 0));
        assert_eq!(c.len(), 1, "a zero BlockCacheSize still keeps one entry");
    }
}
