//! Licence policies and the pure decisions behind them: which on-chain fact
//! grants access, until when, and how long a granted decision may be cached
//! (never past the licence's own expiry).
//!
//! All times are unix seconds of *gateway time* (see [`crate::clock`]); a
//! licence or ERC-4907 user with expiry `e` is in force while `now <= e`,
//! as the contracts define it.

use alloy::primitives::{Address, B256, U256};
use serde::Deserialize;

/// One on-chain check a route may accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Check {
    /// `LicenseMarket.isLicensed(collection, tokenId, account)` is true.
    Licensed,
    /// `ownerOf(tokenId) == account`.
    Owner,
    /// ERC-4907: `userOf(tokenId) == account` and `userExpires >= now`.
    User,
}

impl Check {
    /// The check's name in configuration files and responses.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Licensed => "licensed",
            Self::Owner => "owner",
            Self::User => "user",
        }
    }
}

/// A route's policy: access if any of its checks grants it (tried in order).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "PolicySpec")]
pub struct Policy(Vec<Check>);

#[derive(Deserialize)]
#[serde(untagged)]
enum PolicySpec {
    One(Check),
    AnyOf(Vec<Check>),
}

impl TryFrom<PolicySpec> for Policy {
    type Error = String;
    fn try_from(s: PolicySpec) -> Result<Self, String> {
        match s {
            PolicySpec::One(c) => Ok(Self(vec![c])),
            PolicySpec::AnyOf(v) => Self::any_of(v),
        }
    }
}

impl Policy {
    /// A policy granting access when any of `checks` does.
    ///
    /// # Errors
    /// When `checks` is empty or repeats a check.
    pub fn any_of(checks: Vec<Check>) -> Result<Self, String> {
        if checks.is_empty() {
            return Err("a policy needs at least one check".into());
        }
        for (i, c) in checks.iter().enumerate() {
            if checks[..i].contains(c) {
                return Err(format!("check `{}` listed twice", c.name()));
            }
        }
        Ok(Self(checks))
    }

    /// The checks, in the order they are tried.
    #[must_use]
    pub fn checks(&self) -> &[Check] {
        &self.0
    }
}

/// Access granted by one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The check that granted it.
    pub check: Check,
    /// Last second the right is in force; `None` for rights without an end
    /// (ownership), which only events or the TTL end.
    pub until: Option<u64>,
    /// The licence's terms hash (market licences only).
    pub terms_hash: Option<B256>,
}

/// `isLicensed` answered `(licensed, expires, termsHash)`: a grant while
/// `now <= expires`. A `true` whose expiry is already past by gateway time
/// (the gateway's clock may run ahead of the last block) is refused.
#[must_use]
pub fn licensed_grant(licensed: bool, expires: u64, terms_hash: B256, now: u64) -> Option<Grant> {
    (licensed && now <= expires).then_some(Grant {
        check: Check::Licensed,
        until: Some(expires),
        terms_hash: Some(terms_hash),
    })
}

/// The daily limit of a licence: the tighter of the route's and its terms'
/// (either may be absent).
#[must_use]
pub fn effective_limit(route: Option<u32>, terms: Option<u32>) -> Option<u32> {
    match (route, terms) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `ownerOf` answered `owner` (or `None`: the token does not exist).
#[must_use]
pub fn owner_grant(owner: Option<Address>, account: Address) -> Option<Grant> {
    (owner == Some(account) && account != Address::ZERO).then_some(Grant {
        check: Check::Owner,
        until: None,
        terms_hash: None,
    })
}

/// ERC-4907 `userOf` and `userExpires` answered `user` and `expires`.
#[must_use]
pub fn user_grant(user: Address, expires: U256, account: Address, now: u64) -> Option<Grant> {
    let expires = u64::try_from(expires).unwrap_or(u64::MAX);
    (user == account && account != Address::ZERO && now <= expires).then_some(Grant {
        check: Check::User,
        until: Some(expires),
        terms_hash: None,
    })
}

/// Until when (inclusive) a grant obtained at `now` may be served from the
/// cache: the earlier of the right's own end and `now + ttl`.
#[must_use]
pub fn cache_until(grant: &Grant, now: u64, ttl: u64) -> u64 {
    let ttl_end = now.saturating_add(ttl);
    grant.until.map_or(ttl_end, |u| u.min(ttl_end))
}

/// Whether a cached grant valid until `until` may be served at `now`.
#[must_use]
pub fn cache_valid(until: u64, now: u64) -> bool {
    now <= until
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn policies_parse_from_toml() {
        #[derive(Deserialize)]
        struct T {
            p: Policy,
        }
        let one: T = toml::from_str(r#"p = "owner""#).unwrap();
        assert_eq!(one.p.checks(), [Check::Owner]);
        let any: T = toml::from_str(r#"p = ["licensed", "user"]"#).unwrap();
        assert_eq!(any.p.checks(), [Check::Licensed, Check::User]);
        assert!(toml::from_str::<T>(r#"p = []"#).is_err());
        assert!(toml::from_str::<T>(r#"p = ["owner", "owner"]"#).is_err());
        assert!(toml::from_str::<T>(r#"p = "renter""#).is_err());
    }

    #[test]
    fn grants() {
        let a = Address::repeat_byte(1);
        let t = B256::repeat_byte(5);
        assert_eq!(licensed_grant(true, 10, t, 10).unwrap().until, Some(10));
        assert_eq!(licensed_grant(true, 10, t, 10).unwrap().terms_hash, Some(t));
        assert!(licensed_grant(true, 10, t, 11).is_none());
        assert!(licensed_grant(false, 10, t, 5).is_none());
        assert_eq!(effective_limit(None, None), None);
        assert_eq!(effective_limit(Some(3), None), Some(3));
        assert_eq!(effective_limit(None, Some(4)), Some(4));
        assert_eq!(effective_limit(Some(9), Some(4)), Some(4));
        assert!(owner_grant(Some(a), a).is_some());
        assert!(owner_grant(None, a).is_none());
        assert!(owner_grant(Some(Address::ZERO), Address::ZERO).is_none());
        assert!(user_grant(a, U256::from(10), a, 10).is_some());
        assert!(user_grant(a, U256::from(10), a, 11).is_none());
        assert!(user_grant(Address::repeat_byte(2), U256::from(10), a, 1).is_none());
        assert_eq!(
            user_grant(a, U256::MAX, a, 1).unwrap().until,
            Some(u64::MAX)
        );
    }

    fn any_grant() -> impl Strategy<Value = Grant> {
        (
            prop_oneof![Just(Check::Licensed), Just(Check::Owner), Just(Check::User)],
            proptest::option::of(any::<u64>()),
        )
            .prop_map(|(check, until)| Grant {
                check,
                until,
                terms_hash: None,
            })
    }

    proptest! {
        /// A cached grant is never served after the right's end, nor more
        /// than `ttl` seconds after it was read; it is served right until then.
        #[test]
        fn cache_never_outlives_the_licence(g in any_grant(), now in any::<u64>(), ttl in 0u64..1_000_000, later in any::<u64>()) {
            let until = cache_until(&g, now, ttl);
            prop_assert!(until <= now.saturating_add(ttl));
            if let Some(end) = g.until {
                prop_assert!(until <= end);
            }
            if cache_valid(until, later) {
                prop_assert!(later <= now.saturating_add(ttl));
                prop_assert!(g.until.is_none_or(|end| later <= end));
            }
            // At the end of the window it is still served, one second later never.
            prop_assert!(cache_valid(until, until));
            if until < u64::MAX {
                prop_assert!(!cache_valid(until, until + 1));
            }
        }

        /// A licence in force at `now` grants exactly until its expiry; a
        /// lapsed one grants nothing.
        #[test]
        fn licence_grants_match_the_contract(licensed in any::<bool>(), expires in any::<u64>(), now in any::<u64>()) {
            let g = licensed_grant(licensed, expires, B256::ZERO, now);
            prop_assert_eq!(g.is_some(), licensed && now <= expires);
            if let Some(g) = g {
                prop_assert_eq!(g.until, Some(expires));
                prop_assert!(cache_until(&g, now, u64::MAX) == expires);
            }
        }
    }
}
