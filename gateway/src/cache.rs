//! The cache of granted decisions, and its invalidation by chain events.
//!
//! An entry says "account may use route R on token T until `until`"
//! ([`crate::policy::cache_until`]). Entries are dropped when they expire,
//! when the event poller sees an event touching the token (ERC-721
//! `Transfer`, ERC-4907 `UpdateUser`) or the licence market (its lease and
//! offer events name offers, not tokens, so they drop every entry).
//!
//! No event can be missed for an entry: the cache remembers the last block
//! the poller has scanned (`scanned_through`), refuses entries read at an
//! older block (events in between may be already scanned), and after each
//! scan drops entries of collections the scan did not watch.

use std::collections::{BTreeSet, HashMap};

use alloy::primitives::{Address, Log, B256, U256};
use alloy::sol_types::SolEvent;
use stylus_ip_deploy::bindings::{IpCollection, LicenseMarket};

use crate::policy::{cache_valid, Check};

/// What a cached decision is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// The route's name.
    pub route: String,
    /// The collection.
    pub collection: Address,
    /// The token.
    pub token_id: U256,
    /// The account.
    pub account: Address,
}

/// A cached grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Last second (gateway time) it may be served.
    pub until: u64,
    /// The check that granted it.
    pub check: Check,
    /// The right's own end, if any.
    pub licence_until: Option<u64>,
    /// The licence's terms hash (market licences only).
    pub terms_hash: Option<B256>,
}

/// What an event invalidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalidation {
    /// One token's entries.
    Token(Address, U256),
    /// Every entry of a collection.
    Collection(Address),
    /// Every entry.
    All,
    /// Nothing.
    Nothing,
}

/// The event signatures the poller asks for.
#[must_use]
pub fn watched_topics() -> Vec<B256> {
    vec![
        IpCollection::Transfer::SIGNATURE_HASH,
        IpCollection::UpdateUser::SIGNATURE_HASH,
        LicenseMarket::LeasePurchased::SIGNATURE_HASH,
        LicenseMarket::LeaseRenewed::SIGNATURE_HASH,
        LicenseMarket::OfferCancelled::SIGNATURE_HASH,
        LicenseMarket::OfferTermsSet::SIGNATURE_HASH,
        LicenseMarket::OfferCreated::SIGNATURE_HASH,
    ]
}

/// What `log` invalidates, given the licence market's address.
#[must_use]
pub fn invalidation_for(log: &Log, market: Address) -> Invalidation {
    let topics = log.topics();
    let Some(&t0) = topics.first() else {
        return Invalidation::Nothing;
    };
    if log.address == market {
        return if watched_topics().contains(&t0) {
            Invalidation::All
        } else {
            Invalidation::Nothing
        };
    }
    let token = |i: usize| topics.get(i).map(|t| U256::from_be_bytes(t.0));
    if t0 == IpCollection::Transfer::SIGNATURE_HASH {
        // ERC-721: Transfer(from, to, tokenId) with three indexed topics.
        match (topics.len(), token(3)) {
            (4, Some(id)) => Invalidation::Token(log.address, id),
            _ => Invalidation::Collection(log.address),
        }
    } else if t0 == IpCollection::UpdateUser::SIGNATURE_HASH {
        match token(1) {
            Some(id) => Invalidation::Token(log.address, id),
            None => Invalidation::Collection(log.address),
        }
    } else {
        Invalidation::Nothing
    }
}

/// The decision cache.
#[derive(Debug, Default)]
pub struct LicenceCache {
    entries: HashMap<CacheKey, Entry>,
    scanned_through: Option<u64>,
}

impl LicenceCache {
    /// An empty cache that accepts nothing until the first scan.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The cached entry for `key` if it may be served at `now` (an expired
    /// one is dropped).
    pub fn get(&mut self, key: &CacheKey, now: u64) -> Option<Entry> {
        let e = *self.entries.get(key)?;
        if cache_valid(e.until, now) {
            Some(e)
        } else {
            self.entries.remove(key);
            None
        }
    }

    /// Stores `entry`, read from the chain at block `read_at`. Refused (and
    /// `false` returned) before the first scan or when the poller has already
    /// scanned past `read_at`.
    pub fn insert(&mut self, key: CacheKey, entry: Entry, read_at: u64) -> bool {
        match self.scanned_through {
            Some(s) if read_at >= s => {
                self.entries.insert(key, entry);
                true
            }
            _ => false,
        }
    }

    /// Applies one scan of blocks up to `through` that watched `watched`
    /// collections; returns how many entries were dropped.
    pub fn apply_scan(
        &mut self,
        invalidations: &[Invalidation],
        watched: &BTreeSet<Address>,
        through: u64,
    ) -> usize {
        let before = self.entries.len();
        let all = invalidations.contains(&Invalidation::All);
        self.entries.retain(|k, _| {
            !all && watched.contains(&k.collection)
                && !invalidations.iter().any(|i| match *i {
                    Invalidation::Token(c, id) => c == k.collection && id == k.token_id,
                    Invalidation::Collection(c) => c == k.collection,
                    Invalidation::All => true,
                    Invalidation::Nothing => false,
                })
        });
        self.scanned_through = Some(self.scanned_through.map_or(through, |s| s.max(through)));
        before - self.entries.len()
    }

    /// The last block scanned for events.
    #[must_use]
    pub fn scanned_through(&self) -> Option<u64> {
        self.scanned_through
    }

    /// The collections with entries (the poller watches them).
    #[must_use]
    pub fn collections(&self) -> BTreeSet<Address> {
        self.entries.keys().map(|k| k.collection).collect()
    }

    /// Drops every entry (e.g. when the chain cannot be watched).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::LogData;

    fn key(c: u8, id: u64, a: u8) -> CacheKey {
        CacheKey {
            route: "r".into(),
            collection: Address::repeat_byte(c),
            token_id: U256::from(id),
            account: Address::repeat_byte(a),
        }
    }
    const E: Entry = Entry {
        until: 100,
        check: Check::Owner,
        licence_until: None,
        terms_hash: None,
    };

    fn log(address: Address, topics: Vec<B256>) -> Log {
        Log {
            address,
            data: LogData::new_unchecked(topics, Default::default()),
        }
    }

    #[test]
    fn events_map_to_invalidations() {
        let c = Address::repeat_byte(1);
        let m = Address::repeat_byte(2);
        let id = B256::from(U256::from(7));
        let z = B256::ZERO;
        let t = IpCollection::Transfer::SIGNATURE_HASH;
        let u = IpCollection::UpdateUser::SIGNATURE_HASH;
        assert_eq!(
            invalidation_for(&log(c, vec![t, z, z, id]), m),
            Invalidation::Token(c, U256::from(7))
        );
        // An ERC-20-shaped Transfer: the whole collection.
        assert_eq!(
            invalidation_for(&log(c, vec![t, z, z]), m),
            Invalidation::Collection(c)
        );
        assert_eq!(
            invalidation_for(&log(c, vec![u, id, z]), m),
            Invalidation::Token(c, U256::from(7))
        );
        assert_eq!(
            invalidation_for(
                &log(m, vec![LicenseMarket::LeasePurchased::SIGNATURE_HASH]),
                m
            ),
            Invalidation::All
        );
        assert_eq!(
            invalidation_for(&log(m, vec![LicenseMarket::Withdrawal::SIGNATURE_HASH]), m),
            Invalidation::Nothing
        );
        assert_eq!(invalidation_for(&log(c, vec![]), m), Invalidation::Nothing);
    }

    #[test]
    fn inserts_wait_for_the_scanner_and_scans_drop_what_they_touch() {
        let mut cache = LicenceCache::new();
        assert!(!cache.insert(key(1, 1, 1), E, 10), "no scan yet");
        let watched: BTreeSet<_> = [Address::repeat_byte(1)].into();
        assert_eq!(cache.apply_scan(&[], &watched, 10), 0);
        assert!(!cache.insert(key(1, 1, 1), E, 9), "read before the scan");
        assert!(cache.insert(key(1, 1, 1), E, 10));
        assert!(cache.insert(key(1, 2, 1), E, 11));
        assert!(cache.insert(key(3, 1, 1), E, 11));
        assert_eq!(cache.get(&key(1, 1, 1), 100), Some(E));
        assert_eq!(cache.get(&key(1, 1, 1), 101), None, "expired");
        assert_eq!(cache.len(), 2, "the expired entry is gone");
        assert!(cache.insert(key(1, 1, 1), E, 11));
        // Collection 3 was not watched by this scan: dropped too.
        let inv = [Invalidation::Token(Address::repeat_byte(1), U256::from(2))];
        assert_eq!(cache.apply_scan(&inv, &watched, 12), 2);
        assert_eq!(cache.get(&key(1, 1, 1), 1), Some(E));
        assert_eq!(cache.scanned_through(), Some(12));
        assert_eq!(cache.apply_scan(&[Invalidation::All], &watched, 13), 1);
        assert!(cache.is_empty());
    }
}
