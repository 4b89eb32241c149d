//! Per-licence usage limits: requests per day (UTC days of gateway time),
//! counted per route, token and account.

use std::collections::HashMap;

use alloy::primitives::{Address, U256};

use crate::error::GatewayError;

/// Seconds per day.
pub const DAY: u64 = 86_400;

/// A licence, as usage is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsageKey {
    /// The route's name.
    pub route: String,
    /// The collection.
    pub collection: Address,
    /// The token.
    pub token_id: U256,
    /// The licensee.
    pub account: Address,
}

/// A licence's usage after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Requests served today, this one included.
    pub used: u32,
    /// The daily limit, if any.
    pub limit: Option<u32>,
    /// When today's counter resets.
    pub resets_at: u64,
}

/// The counters (plain data, explicit time).
#[derive(Debug, Default)]
pub struct UsageCounters {
    /// Per licence: day, requests that day, the limit last applied.
    counts: HashMap<UsageKey, (u64, u32, Option<u32>)>,
}

impl UsageCounters {
    /// Counts one request at `now` against `limit` requests per day.
    ///
    /// # Errors
    /// [`GatewayError::RateLimited`] when today's count already reached the
    /// limit (the request is not counted).
    pub fn try_consume(
        &mut self,
        key: UsageKey,
        now: u64,
        limit: Option<u32>,
    ) -> Result<Usage, GatewayError> {
        let day = now / DAY;
        let resets_at = (day + 1).saturating_mul(DAY);
        let slot = self.counts.entry(key).or_insert((day, 0, limit));
        if slot.0 != day {
            *slot = (day, 0, limit);
        }
        slot.2 = limit;
        if let Some(l) = limit {
            if slot.1 >= l {
                return Err(GatewayError::RateLimited {
                    limit: l,
                    resets_at,
                });
            }
        }
        slot.1 = slot.1.saturating_add(1);
        Ok(Usage {
            used: slot.1,
            limit,
            resets_at,
        })
    }

    /// Takes back one request counted at `counted_at` (one that delivered
    /// nothing), if its day's counter is still the current one.
    pub fn refund(&mut self, key: &UsageKey, counted_at: u64) {
        if let Some(slot) = self.counts.get_mut(key) {
            if slot.0 == counted_at / DAY {
                slot.1 = slot.1.saturating_sub(1);
            }
        }
    }

    /// Requests counted today for `key`.
    #[must_use]
    pub fn used_today(&self, key: &UsageKey, now: u64) -> u32 {
        match self.counts.get(key) {
            Some(&(day, n, _)) if day == now / DAY => n,
            _ => 0,
        }
    }

    /// Today's counters of every licence of `(collection, token_id)` with
    /// the limit last applied, sorted by route then account (what the
    /// token's owner may see).
    #[must_use]
    pub fn for_token(
        &self,
        collection: Address,
        token_id: U256,
        now: u64,
    ) -> Vec<(UsageKey, u32, Option<u32>)> {
        let day = now / DAY;
        let mut out: Vec<_> = self
            .counts
            .iter()
            .filter(|(k, &(d, n, _))| {
                k.collection == collection && k.token_id == token_id && d == day && n > 0
            })
            .map(|(k, &(_, n, l))| (k.clone(), n, l))
            .collect();
        out.sort_by(|a, b| (&a.0.route, a.0.account).cmp(&(&b.0.route, b.0.account)));
        out
    }

    /// Drops counters of days before `now`'s.
    pub fn prune(&mut self, now: u64) {
        let day = now / DAY;
        self.counts.retain(|_, (d, _, _)| *d >= day);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(a: u8) -> UsageKey {
        UsageKey {
            route: "r".into(),
            collection: Address::repeat_byte(1),
            token_id: U256::from(1),
            account: Address::repeat_byte(a),
        }
    }

    #[test]
    fn limit_then_reset_next_day() {
        let mut u = UsageCounters::default();
        let t = 10 * DAY + 5;
        assert_eq!(u.try_consume(key(1), t, Some(2)).unwrap().used, 1);
        assert_eq!(u.try_consume(key(1), t, Some(2)).unwrap().used, 2);
        // A failed generation is taken back, and only on its own day.
        u.refund(&key(1), t);
        assert_eq!(u.used_today(&key(1), t), 1);
        u.refund(&key(1), t - DAY);
        assert_eq!(u.used_today(&key(1), t), 1);
        assert_eq!(u.try_consume(key(1), t, Some(2)).unwrap().used, 2);
        let e = u.try_consume(key(1), t + 1, Some(2)).unwrap_err();
        assert_eq!(
            e,
            GatewayError::RateLimited {
                limit: 2,
                resets_at: 11 * DAY
            }
        );
        assert_eq!(
            u.try_consume(key(2), t, Some(2)).unwrap().used,
            1,
            "another licensee"
        );
        assert_eq!(u.try_consume(key(1), 11 * DAY, Some(2)).unwrap().used, 1);
        assert_eq!(u.used_today(&key(2), 11 * DAY), 0);
        let other_token = UsageKey {
            token_id: U256::from(2),
            ..key(3)
        };
        u.try_consume(other_token, 11 * DAY, None).unwrap();
        let listed = u.for_token(Address::repeat_byte(1), U256::from(1), 11 * DAY);
        assert_eq!(
            listed,
            [(key(1), 1, Some(2))],
            "today's counters of this token only"
        );
        assert_eq!(
            u.for_token(Address::repeat_byte(1), U256::from(1), 10 * DAY)
                .len(),
            1,
            "yesterday: the other licensee (the first one's counter moved to today)"
        );
        u.prune(11 * DAY);
        assert_eq!(u.counts.len(), 2);
    }

    proptest! {
        /// Within any day at most `limit` requests pass, and exactly
        /// `min(n, limit)` of `n` attempts do.
        #[test]
        fn at_most_limit_per_day(limit in 0u32..20, times in proptest::collection::vec(0u64..5 * DAY, 0..80)) {
            let mut times = times;
            times.sort_unstable();
            let mut u = UsageCounters::default();
            let mut per_day: HashMap<u64, (u32, u32)> = HashMap::new();
            for t in times {
                let ok = u.try_consume(key(1), t, Some(limit)).is_ok();
                let d = per_day.entry(t / DAY).or_default();
                d.0 += 1;
                if ok { d.1 += 1; }
            }
            for (_, (tried, passed)) in per_day {
                prop_assert_eq!(passed, tried.min(limit));
            }
        }
    }
}
