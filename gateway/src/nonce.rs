//! Replay protection: each `(account, nonce)` is accepted once.
//!
//! This is the in-memory table of one process ([`crate::store::MemoryStore`]);
//! several instances share Redis instead ([`crate::store::RedisStore`]). A
//! nonce may be forgotten once its request has expired:
//! [`crate::request::check_expiry`] refuses such a request before the nonce
//! is looked at.

use std::collections::{BTreeMap, HashMap};

use alloy::primitives::{Address, U256};

/// The nonce table (plain data, explicit time).
#[derive(Debug, Default)]
pub struct NonceTable {
    seen: HashMap<(Address, U256), u64>,
    by_expiry: BTreeMap<u64, Vec<(Address, U256)>>,
}

impl NonceTable {
    /// Records `(account, nonce)` for a request valid until `expiry`; `false`
    /// if it was already recorded (a replay). `now` is gateway time.
    pub fn claim(&mut self, account: Address, nonce: U256, expiry: u64, now: u64) -> bool {
        self.prune(now);
        if self.seen.contains_key(&(account, nonce)) {
            return false;
        }
        self.seen.insert((account, nonce), expiry);
        self.by_expiry
            .entry(expiry)
            .or_default()
            .push((account, nonce));
        true
    }

    /// Forgets nonces whose requests expired before `now`.
    pub fn prune(&mut self, now: u64) {
        let keep = self.by_expiry.split_off(&now);
        for (_, keys) in std::mem::replace(&mut self.by_expiry, keep) {
            for k in keys {
                self.seen.remove(&k);
            }
        }
    }

    /// Number of remembered nonces.
    #[must_use]
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether no nonce is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the order and timing of claims, a nonce is accepted at
        /// most once while its request could still pass the expiry check
        /// (`now <= expiry`), and the table forgets expired nonces.
        #[test]
        fn no_replay_while_valid(claims in proptest::collection::vec((0u8..3, 0u64..4, 0u64..50, 0u64..10), 1..60)) {
            let mut t = NonceTable::default();
            let mut now = 0;
            let mut accepted: Vec<(u8, u64, u64)> = Vec::new();
            for (acct, nonce, expiry, dt) in claims {
                now += dt;
                if now > expiry {
                    continue; // refused by check_expiry before the store
                }
                let ok = t.claim(Address::repeat_byte(acct), U256::from(nonce), expiry, now);
                let earlier = accepted.iter().any(|&(a, n, e)| a == acct && n == nonce && now <= e);
                prop_assert_eq!(ok, !earlier, "acct {} nonce {} at {}", acct, nonce, now);
                if ok {
                    accepted.push((acct, nonce, expiry));
                }
                prop_assert!(t.len() <= accepted.iter().filter(|&&(_, _, e)| e >= now).count());
            }
        }
    }

    #[test]
    fn other_accounts_and_nonces_are_independent() {
        let mut s = NonceTable::default();
        let (a, b) = (Address::repeat_byte(1), Address::repeat_byte(2));
        assert!(s.claim(a, U256::from(1), 10, 0));
        assert!(!s.claim(a, U256::from(1), 10, 5));
        assert!(s.claim(b, U256::from(1), 10, 5));
        assert!(s.claim(a, U256::from(2), 10, 5));
        // Forgotten after expiry (the request itself would be refused then).
        assert!(s.claim(a, U256::from(1), 20, 11));
    }
}
