//! The lease rule an ERC-721 asset and the licence market share: when the
//! asset's facts refuse a lease sold by a lease operator.
//!
//! `license-market` raises its typed errors from [`asset_refusal`]'s answer,
//! and `ip-collection`'s `leaseTo` sets the user only when the same function
//! answers `None`, so the two can never disagree on which sale goes ahead.
//! Pure (explicit `now`), `no_std`, tested without a VM.

use alloy_primitives::U256;

/// Why an ERC-721 asset's answers refuse a lease (see [`asset_refusal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetRefusal {
    /// The lessor no longer approves the market as lease operator.
    NotApproved,
    /// The lessor no longer owns the token.
    NotOwner,
    /// A locked lease runs on the token (a purchase only).
    Leased,
}

/// The market's checks on an ERC-721 asset's answers, in order: operator
/// approval, ownership, and for a purchase (`renew == false`) no locked
/// lease in force (`locked` with `user_expires >= now`).
#[must_use]
#[inline(always)]
pub fn asset_refusal(
    approved: bool,
    owned: bool,
    renew: bool,
    locked: bool,
    user_expires: U256,
    now: u64,
) -> Option<AssetRefusal> {
    if !approved {
        Some(AssetRefusal::NotApproved)
    } else if !owned {
        Some(AssetRefusal::NotOwner)
    } else if !renew && locked && user_expires >= U256::from(now) {
        Some(AssetRefusal::Leased)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn asset_checks_in_order() {
        let (now, later) = (100, U256::from(100));
        let past = U256::from(99);
        assert_eq!(
            asset_refusal(false, false, false, true, later, now),
            Some(AssetRefusal::NotApproved)
        );
        assert_eq!(
            asset_refusal(true, false, false, true, later, now),
            Some(AssetRefusal::NotOwner)
        );
        assert_eq!(
            asset_refusal(true, true, false, true, later, now),
            Some(AssetRefusal::Leased)
        );
        // A lapsed lock, an unlocked user, or a renewal pass.
        assert_eq!(asset_refusal(true, true, false, true, past, now), None);
        assert_eq!(asset_refusal(true, true, false, false, later, now), None);
        assert_eq!(asset_refusal(true, true, true, true, later, now), None);
    }

    proptest! {
        /// Each refusal names the first failing check; `None` exactly when
        /// every check passes.
        #[test]
        fn refusal_is_the_first_failing_check(
            approved in any::<bool>(),
            owned in any::<bool>(),
            renew in any::<bool>(),
            locked in any::<bool>(),
            expires in any::<u64>(),
            now in any::<u64>(),
        ) {
            let leased = !renew && locked && expires >= now;
            let expected = if !approved {
                Some(AssetRefusal::NotApproved)
            } else if !owned {
                Some(AssetRefusal::NotOwner)
            } else if leased {
                Some(AssetRefusal::Leased)
            } else {
                None
            };
            let got = asset_refusal(approved, owned, renew, locked, U256::from(expires), now);
            prop_assert_eq!(got, expected);
            // A renewal is never refused for the lease it renews.
            if renew {
                prop_assert_ne!(got, Some(AssetRefusal::Leased));
            }
        }
    }
}
