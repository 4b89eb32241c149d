//! Pure pricing, payment-split and lease-slot maths of the licence market.
//!
//! Everything here takes explicit inputs (`now`, prices, expiries) and touches
//! no storage or host, so it is unit- and property-tested without a VM.
//!
//! Time convention (the same as ERC-4907's `userOf`): a lease or an offer with
//! expiry/end `t` is still valid at `now == t` and lapses at `now > t`.

use alloy_primitives::U256;

/// Most concurrent licensees an ERC-1155 (unit) offer may allow: the
/// suite's `ip-editions` keeps at most 16 active ERC-5006 records per
/// `(owner, id)` (its `MAX_ACTIVE_RECORDS`), and every licence is one record
/// of the lessor's for its whole life (a renewal extends it, it never adds
/// one), so an offer can always sell the licences it advertises. Offers on
/// the same `(lessor, id)` share those 16 records (and a licensee's own
/// records count against its 16 per `(user, id)`): a buyer beyond them gets
/// `LicenseMarketLeaseRejected` and keeps its payment (the sale reverts).
/// Also bounds the per-offer slot scan (slots are `u64` expiries packed four
/// to a storage word: at most 4 storage reads).
pub const MAX_UNIT_LICENSEES: u32 = 16;

/// Longest lease any offer may sell (its `maxDuration` bound), and the
/// furthest past now any licence may reach, renewals included: 5 × 365
/// days. An operator or asset lock set through the market therefore always
/// lapses; a lessor (a share vault, say) may bound its offers tighter.
pub const MAX_LEASE_DURATION: u64 = 5 * 365 * 86_400;

/// Basis points in a whole (EIP-2981's fee denominator): the unit of an
/// offer's `maxRoyaltyBps`.
pub const BPS_DENOMINATOR: u16 = 10_000;

/// Price of a lease of `duration` seconds at `price_per_second`, or `None`
/// on overflow.
#[must_use]
pub fn lease_price(price_per_second: U256, duration: u64) -> Option<U256> {
    // 256 x 64-bit schoolbook multiplication on the limbs: far smaller in
    // WASM than ruint's generic 256 x 256 `checked_mul` (equivalence is
    // property-tested below).
    let mut out = [0u64; 4];
    let mut carry = 0u128;
    for (o, &limb) in out.iter_mut().zip(price_per_second.as_limbs()) {
        let t = u128::from(limb) * u128::from(duration) + carry;
        *o = t as u64; // low half
        carry = t >> 64;
    }
    (carry == 0).then(|| U256::from_limbs(out))
}

/// Whether `duration` lies within the offer's inclusive bounds.
#[must_use]
pub const fn duration_in_bounds(duration: u64, min: u64, max: u64) -> bool {
    duration >= min && duration <= max
}

/// Expiry of a lease of `duration` seconds starting at `start`, or `None` if
/// it does not fit a `u64` timestamp.
#[must_use]
pub const fn expiry_after(start: u64, duration: u64) -> Option<u64> {
    start.checked_add(duration)
}

/// Whether something valid until `until` (lease expiry) is still valid at
/// `now`.
#[must_use]
pub const fn is_active(now: u64, until: u64) -> bool {
    now <= until
}

/// Whether an offer with end time `end_time` (`0` = no end) still sells at
/// `now`.
#[must_use]
pub const fn offer_open(now: u64, end_time: u64) -> bool {
    end_time == 0 || now <= end_time
}

/// Validates an offer's duration bounds:
/// `1 <= min <= max <= MAX_LEASE_DURATION`.
#[must_use]
pub const fn valid_duration_bounds(min: u64, max: u64) -> bool {
    min >= 1 && min <= max && max <= MAX_LEASE_DURATION
}

/// Latest expiry a licence sold or renewed at `now` under an offer whose
/// longest lease is `max_duration` may have: `now + max_duration`
/// (saturating). A renewal extends from the current expiry, so without this
/// bound repeated renewals of a cheap offer would push a lock arbitrarily
/// far.
#[must_use]
pub const fn latest_expiry(now: u64, max_duration: u64) -> u64 {
    now.saturating_add(max_duration)
}

/// Whether an offer's royalty cap is valid: at most 100 %.
#[must_use]
pub const fn valid_royalty_cap(max_royalty_bps: u16) -> bool {
    max_royalty_bps <= BPS_DENOMINATOR
}

/// Highest royalty an offer capped at `max_royalty_bps` accepts on a lease
/// costing `price`: `floor(price × cap / 10,000)`, exact for every `price`
/// ([`stylus_ip_common::math::royalty_amount`]). A cap above 100 % counts as
/// 100 %.
#[must_use]
pub fn max_royalty(price: U256, max_royalty_bps: u16) -> U256 {
    let cap = max_royalty_bps.min(BPS_DENOMINATOR);
    // Cannot fail: cap <= 10,000, so the quotient is at most `price`
    // (`stylus_ip_common::math`'s rule: only a ratio above one overflows).
    stylus_ip_common::math::royalty_amount(price, u32::from(cap)).unwrap_or(price)
}

/// Whether a sale paying `royalty` on `price` respects the offer's cap: the
/// lessor then receives at least `price - max_royalty(price, cap)`, i.e.
/// `price × (1 − cap)` rounded up. A sale above the cap is refused (not
/// capped): capping would let a lessor cut the creator's royalty on its own
/// say-so, refusing leaves both sides' terms intact.
#[must_use]
pub fn royalty_within_cap(price: U256, royalty: U256, max_royalty_bps: u16) -> bool {
    royalty <= max_royalty(price, max_royalty_bps)
}

/// Whether a purchase quoted at offer version `quoted` may proceed while
/// the offer is at version `current`: only the same version (every
/// `updateOffer` bumps it, so no token, price, terms, flag, payee or
/// royalty-cap change can slip in between quote and purchase).
#[must_use]
pub const fn version_matches(quoted: u32, current: u32) -> bool {
    quoted == current
}

/// The version an offer at version `current` gets from an update, or `None`
/// when it would overflow (after 2^32 − 1 updates).
#[must_use]
pub const fn next_version(current: u32) -> Option<u32> {
    current.checked_add(1)
}

/// Validates an offer's licensee cap: exactly `1` for an ERC-721 token
/// (`amount == 0`), `1..=MAX_UNIT_LICENSEES` for ERC-1155 units.
#[must_use]
pub const fn valid_max_licensees(amount: u64, max_licensees: u32) -> bool {
    if amount == 0 {
        max_licensees == 1
    } else {
        max_licensees >= 1 && max_licensees <= MAX_UNIT_LICENSEES
    }
}

/// Why a payment does not cover a lease (see [`amount_paid`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentRefusal {
    /// ETH sent to an ERC-20 offer.
    UnexpectedValue,
    /// Less ETH than the price.
    Insufficient,
}

/// What the buyer pays for a lease costing `price`: the ETH sent (`value`)
/// for an ETH offer, which must cover the price (the excess is refunded);
/// exactly the price, pulled later, for an ERC-20 offer, which takes no ETH.
///
/// # Errors
/// [`PaymentRefusal`] as above.
#[inline(always)]
pub fn amount_paid(eth: bool, value: U256, price: U256) -> Result<U256, PaymentRefusal> {
    if !eth && !value.is_zero() {
        return Err(PaymentRefusal::UnexpectedValue);
    }
    let paid = if eth { value } else { price };
    if paid < price {
        return Err(PaymentRefusal::Insufficient);
    }
    Ok(paid)
}

/// Why a lease cannot run for the asked duration (see [`lease_expiry`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermRefusal {
    /// A renewal without an active lease.
    NotLicensee,
    /// A purchase while the buyer's lease (expiring at this second) runs.
    AlreadyLicensed(u64),
    /// The expiry overflows a `u64`.
    Overflow,
    /// The expiry (first) is past the latest the offer allows (second).
    TooLong(u64, u64),
}

/// Expiry of a purchase (`renew == false`: from `now`) or renewal (from the
/// current lease's expiry `current`, `0` for none) lasting `duration`
/// seconds, bounded to `max_duration` past now so that stacked renewals
/// never lock an asset further ahead than one lease.
///
/// # Errors
/// [`TermRefusal`] as above.
#[inline(always)]
pub fn lease_expiry(
    renew: bool,
    current: u64,
    now: u64,
    duration: u64,
    max_duration: u64,
) -> Result<u64, TermRefusal> {
    let active = current != 0 && is_active(now, current);
    let start = match (renew, active) {
        (true, true) => current,
        (true, false) => return Err(TermRefusal::NotLicensee),
        (false, true) => return Err(TermRefusal::AlreadyLicensed(current)),
        (false, false) => now,
    };
    let expires = expiry_after(start, duration).ok_or(TermRefusal::Overflow)?;
    let latest = latest_expiry(now, max_duration);
    if expires > latest {
        return Err(TermRefusal::TooLong(expires, latest));
    }
    Ok(expires)
}

/// An offer's numeric parameters, packed into one storage word (one `u64`
/// per limb) so a sale reads them with a single storage load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OfferParams {
    /// ERC-1155 units per licence; `0` for an ERC-721 token.
    pub amount: u64,
    /// Shortest lease, seconds.
    pub min_duration: u64,
    /// Longest lease, seconds.
    pub max_duration: u64,
    /// Last second the offer sells (`0` = no end).
    pub end_time: u64,
}

impl OfferParams {
    /// The storage word.
    #[must_use]
    pub const fn pack(self) -> U256 {
        U256::from_limbs([
            self.amount,
            self.min_duration,
            self.max_duration,
            self.end_time,
        ])
    }

    /// Inverse of [`Self::pack`].
    #[must_use]
    pub const fn unpack(word: U256) -> Self {
        let [amount, min_duration, max_duration, end_time] = *word.as_limbs();
        Self {
            amount,
            min_duration,
            max_duration,
            end_time,
        }
    }
}

/// An offer's small fields packed into a `u64`: `maxLicensees` in bits
/// 0..32, `flags` in 32..40, `status` in 40..48, `maxRoyaltyBps` in 48..64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OfferMeta {
    /// Max concurrent licensees.
    pub max_licensees: u32,
    /// Licence flags.
    pub flags: u8,
    /// Offer status (0 unknown, 1 open, 2 cancelled).
    pub status: u8,
    /// Highest royalty the lessor accepts, basis points of the price.
    pub max_royalty_bps: u16,
}

impl OfferMeta {
    /// The packed value.
    #[must_use]
    pub const fn pack(self) -> u64 {
        self.max_licensees as u64
            | (self.flags as u64) << 32
            | (self.status as u64) << 40
            | (self.max_royalty_bps as u64) << 48
    }

    /// Inverse of [`Self::pack`].
    #[must_use]
    pub const fn unpack(v: u64) -> Self {
        Self {
            max_licensees: v as u32,
            flags: (v >> 32) as u8,
            status: (v >> 40) as u8,
            max_royalty_bps: (v >> 48) as u16,
        }
    }
}

/// A lease's expiry, ERC-1155 slot, kind and terms version, packed into one
/// storage word.
///
/// | bits    | field       |
/// |---------|-------------|
/// | 0-63    | `expires`   |
/// | 64-95   | `slot`      |
/// | 128     | `is_record` |
/// | 192-223 | `version`   |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LeaseState {
    /// Last valid second (`0` = no lease).
    pub expires: u64,
    /// ERC-1155 licensee slot.
    pub slot: u32,
    /// Whether this is an ERC-1155 lease (its record id is meaningful).
    pub is_record: bool,
    /// Offer version the lease was bought or last renewed under: its terms
    /// are that version's terms hash.
    pub version: u32,
}

impl LeaseState {
    /// The storage word.
    #[must_use]
    pub const fn pack(self) -> U256 {
        U256::from_limbs([
            self.expires,
            self.slot as u64,
            self.is_record as u64,
            self.version as u64,
        ])
    }

    /// Inverse of [`Self::pack`].
    #[must_use]
    pub const fn unpack(word: U256) -> Self {
        let [expires, slot, is_record, version] = *word.as_limbs();
        Self {
            expires,
            slot: slot as u32,
            is_record: is_record != 0,
            version: version as u32,
        }
    }
}

/// How a payment of `paid` for a lease costing `price` is distributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Royalty to the EIP-2981 receiver (never more than `price`).
    pub royalty: U256,
    /// Rest of the price, to the offer's payee.
    pub payee: U256,
    /// Excess over the price, back to the buyer.
    pub refund: U256,
}

/// Splits `paid` into royalty, payee share and refund for a lease costing
/// `price`, with the asset's EIP-2981 quote `royalty_quote` capped at the
/// price. Returns `None` when `paid < price` (underpayment).
///
/// Invariant (property-tested): `royalty + payee + refund == paid` and
/// `royalty <= price`.
#[must_use]
pub fn split_payment(paid: U256, price: U256, royalty_quote: U256) -> Option<Split> {
    let refund = paid.checked_sub(price)?;
    let royalty = royalty_quote.min(price);
    // Cannot underflow: royalty <= price by the `min` above.
    let payee = price - royalty;
    Some(Split {
        royalty,
        payee,
        refund,
    })
}

/// Units of an ERC-1155 id that its owner can still put under a new lease:
/// `balance - frozen`, or zero if the asset reports more frozen than held.
#[must_use]
pub fn free_units(balance: U256, frozen: U256) -> U256 {
    balance.saturating_sub(frozen)
}

/// Picks the licensee slot for a new ERC-1155 lease.
///
/// `slots` are the expiries of the offer's slots (a slot whose expiry has
/// passed is free). Returns the index to use — the first free slot, or
/// `slots.len()` to append one — or `None` when `max_licensees` leases are
/// already active. Appending only happens when every existing slot is active,
/// so the slot list never grows past `max_licensees` active entries.
#[must_use]
pub fn pick_slot(slots: &[u64], max_licensees: u32, now: u64) -> Option<usize> {
    let mut active: u32 = 0;
    let mut free = None;
    for (i, &expiry) in slots.iter().enumerate() {
        if is_active(now, expiry) {
            active = active.saturating_add(1);
        } else if free.is_none() {
            free = Some(i);
        }
    }
    if active >= max_licensees {
        return None;
    }
    Some(free.unwrap_or(slots.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    /// Number of active slots at `now` (helper for tests and views).
    fn active_slots(slots: &[u64], now: u64) -> usize {
        slots.iter().filter(|&&e| is_active(now, e)).count()
    }

    /// Applies [`pick_slot`]'s choice: sets slot `index` to `expiry`, appending
    /// when `index == slots.len()`. Model of the storage update, for tests.
    fn occupy_slot(slots: &mut Vec<u64>, index: usize, expiry: u64) {
        if index == slots.len() {
            slots.push(expiry);
        } else if let Some(s) = slots.get_mut(index) {
            *s = expiry;
        }
    }

    fn u(v: u64) -> U256 {
        U256::from(v)
    }

    #[test]
    fn price_is_rate_times_duration_and_overflow_is_none() {
        assert_eq!(lease_price(u(3), 7), Some(u(21)));
        assert_eq!(lease_price(U256::ZERO, u64::MAX), Some(U256::ZERO));
        assert_eq!(lease_price(U256::MAX, 2), None);
        assert_eq!(lease_price(U256::MAX, 1), Some(U256::MAX));
    }

    #[test]
    fn duration_bounds_are_inclusive() {
        assert!(duration_in_bounds(10, 10, 20));
        assert!(duration_in_bounds(20, 10, 20));
        assert!(!duration_in_bounds(9, 10, 20));
        assert!(!duration_in_bounds(21, 10, 20));
        assert!(valid_duration_bounds(1, 1));
        assert!(!valid_duration_bounds(0, 5));
        assert!(!valid_duration_bounds(6, 5));
    }

    /// The perpetual lock: a free offer with a huge maximum duration (or
    /// renewals stacking past it) locked an asset for ever.
    #[test]
    fn perpetual_lock_offer_durations_are_bounded() {
        assert_eq!(MAX_LEASE_DURATION, 157_680_000);
        assert!(valid_duration_bounds(1, MAX_LEASE_DURATION));
        assert!(!valid_duration_bounds(1, MAX_LEASE_DURATION + 1));
        assert!(!valid_duration_bounds(1, u64::MAX));
        assert_eq!(latest_expiry(100, 50), 150);
        assert_eq!(latest_expiry(u64::MAX - 1, 50), u64::MAX);
    }

    /// M-3: a royalty raised above the lessor's cap is refused.
    #[test]
    fn m3_royalty_cap_examples() {
        assert!(valid_royalty_cap(0));
        assert!(valid_royalty_cap(10_000));
        assert!(!valid_royalty_cap(10_001));
        assert_eq!(max_royalty(u(10_000), 500), u(500));
        assert_eq!(max_royalty(u(19_999), 500), u(999));
        assert_eq!(max_royalty(U256::MAX, 10_000), U256::MAX);
        assert_eq!(max_royalty(U256::MAX, u16::MAX), U256::MAX);
        assert_eq!(max_royalty(u(123), 0), U256::ZERO);
        assert!(royalty_within_cap(u(10_000), u(500), 500));
        assert!(!royalty_within_cap(u(10_000), u(501), 500));
        // 100 % royalty under a 5 % cap.
        assert!(!royalty_within_cap(u(86_400), u(86_400), 500));
        // No royalty always passes, even under a 0 cap.
        assert!(royalty_within_cap(u(86_400), U256::ZERO, 0));
    }

    /// M-1: a purchase quoted at an older version is refused.
    #[test]
    fn m1_version_examples() {
        assert!(version_matches(1, 1));
        assert!(!version_matches(1, 2));
        assert_eq!(next_version(1), Some(2));
        assert_eq!(next_version(u32::MAX), None);
    }

    #[test]
    fn expiry_and_activity_follow_erc4907() {
        assert_eq!(expiry_after(100, 50), Some(150));
        assert_eq!(expiry_after(u64::MAX, 1), None);
        assert!(is_active(150, 150));
        assert!(!is_active(151, 150));
        assert!(offer_open(u64::MAX, 0));
        assert!(offer_open(10, 10));
        assert!(!offer_open(11, 10));
    }

    #[test]
    fn licensee_caps() {
        assert!(valid_max_licensees(0, 1));
        assert!(!valid_max_licensees(0, 2));
        assert!(!valid_max_licensees(0, 0));
        assert!(valid_max_licensees(5, 1));
        assert!(valid_max_licensees(5, MAX_UNIT_LICENSEES));
        assert!(valid_max_licensees(5, 16));
        assert!(!valid_max_licensees(5, 17));
        assert!(!valid_max_licensees(5, 64));
        assert!(!valid_max_licensees(5, 0));
    }

    #[test]
    fn split_examples() {
        assert_eq!(
            split_payment(u(120), u(100), u(10)),
            Some(Split {
                royalty: u(10),
                payee: u(90),
                refund: u(20)
            })
        );
        // Royalty quote above the price is capped at the price.
        assert_eq!(
            split_payment(u(100), u(100), u(1000)),
            Some(Split {
                royalty: u(100),
                payee: U256::ZERO,
                refund: U256::ZERO
            })
        );
        assert_eq!(split_payment(u(99), u(100), u(0)), None);
    }

    #[test]
    fn free_units_saturate() {
        assert_eq!(free_units(u(10), u(4)), u(6));
        assert_eq!(free_units(u(3), u(4)), U256::ZERO);
    }

    #[test]
    fn slot_picking_examples() {
        let now = 1_000;
        assert_eq!(pick_slot(&[], 2, now), Some(0));
        assert_eq!(pick_slot(&[2_000], 2, now), Some(1));
        assert_eq!(pick_slot(&[2_000, 3_000], 2, now), None);
        // Expired slot is reused (first free one).
        assert_eq!(pick_slot(&[2_000, 999, 500], 2, now), Some(1));
        // Slot expiring exactly now is still active.
        assert_eq!(pick_slot(&[1_000], 1, now), None);
        assert_eq!(pick_slot(&[1_000], 1, now + 1), Some(0));
        // Cap lowered below the active count: no new lease.
        assert_eq!(pick_slot(&[2_000, 2_000, 2_000], 2, now), None);
        assert_eq!(active_slots(&[2_000, 999, 1_000], now), 2);
    }

    #[test]
    fn payment_rules() {
        let p = U256::from(100);
        assert_eq!(amount_paid(true, U256::from(150), p), Ok(U256::from(150)));
        assert_eq!(amount_paid(true, p, p), Ok(p));
        assert_eq!(
            amount_paid(true, U256::from(99), p),
            Err(PaymentRefusal::Insufficient)
        );
        // ERC-20: the price is pulled; any ETH is refused.
        assert_eq!(amount_paid(false, U256::ZERO, p), Ok(p));
        assert_eq!(
            amount_paid(false, U256::from(1), p),
            Err(PaymentRefusal::UnexpectedValue)
        );
    }

    #[test]
    fn lease_terms_start_and_bound() {
        let (now, day) = (1_000, 86_400);
        // A purchase starts now; a renewal at the current expiry.
        assert_eq!(lease_expiry(false, 0, now, day, day), Ok(now + day));
        assert_eq!(lease_expiry(false, now - 1, now, day, day), Ok(now + day));
        assert_eq!(
            lease_expiry(false, now, now, day, day),
            Err(TermRefusal::AlreadyLicensed(now))
        );
        assert_eq!(
            lease_expiry(true, 0, now, 1, day),
            Err(TermRefusal::NotLicensee)
        );
        assert_eq!(
            lease_expiry(true, now - 1, now, 1, day),
            Err(TermRefusal::NotLicensee)
        );
        assert_eq!(lease_expiry(true, now + 10, now, 5, day), Ok(now + 15));
        // Stacked renewals stop at maxDuration past now.
        assert_eq!(
            lease_expiry(true, now + day, now, 1, day),
            Err(TermRefusal::TooLong(now + day + 1, now + day))
        );
        assert_eq!(
            lease_expiry(true, u64::MAX, now, 1, day),
            Err(TermRefusal::Overflow)
        );
    }

    proptest! {
        #[test]
        fn lease_expiry_is_bounded(renew in any::<bool>(), current in any::<u64>(), now in any::<u64>(), duration in any::<u64>(), max in 0u64..=MAX_LEASE_DURATION) {
            let active = current != 0 && is_active(now, current);
            match lease_expiry(renew, current, now, duration, max) {
                Ok(expires) => {
                    prop_assert_eq!(renew, active);
                    let start = if renew { current } else { now };
                    prop_assert_eq!(Some(expires), start.checked_add(duration));
                    prop_assert!(expires <= latest_expiry(now, max));
                }
                Err(TermRefusal::NotLicensee) => prop_assert!(renew && !active),
                Err(TermRefusal::AlreadyLicensed(e)) => prop_assert!(!renew && active && e == current),
                Err(TermRefusal::Overflow) => {
                    let start = if renew { current } else { now };
                    prop_assert!(start.checked_add(duration).is_none());
                }
                Err(TermRefusal::TooLong(e, latest)) => {
                    prop_assert!(e > latest);
                    prop_assert_eq!(latest, latest_expiry(now, max));
                }
            }
        }

        #[test]
        fn packing_round_trips(a in any::<u64>(), b in any::<u64>(), c in any::<u64>(), d in any::<u64>(), l in any::<u32>(), f in any::<u8>(), st in any::<u8>(), cap in any::<u16>(), rec in any::<bool>()) {
            let p = OfferParams { amount: a, min_duration: b, max_duration: c, end_time: d };
            prop_assert_eq!(OfferParams::unpack(p.pack()), p);
            let m = OfferMeta { max_licensees: l, flags: f, status: st, max_royalty_bps: cap };
            prop_assert_eq!(OfferMeta::unpack(m.pack()), m);
            let s = LeaseState { expires: a, slot: l, is_record: rec, version: l.rotate_left(7) };
            prop_assert_eq!(LeaseState::unpack(s.pack()), s);
        }

        #[test]
        fn split_conserves_value(paid in any::<[u64; 4]>(), price in any::<[u64; 4]>(), quote in any::<[u64; 4]>()) {
            let paid = U256::from_limbs(paid);
            let price = U256::from_limbs(price);
            let quote = U256::from_limbs(quote);
            match split_payment(paid, price, quote) {
                None => prop_assert!(paid < price),
                Some(s) => {
                    prop_assert!(s.royalty <= price);
                    prop_assert!(s.royalty <= quote);
                    prop_assert_eq!(s.royalty + s.payee, price);
                    // No overflow possible: the parts sum to `paid`.
                    prop_assert_eq!(s.royalty.checked_add(s.payee).and_then(|x| x.checked_add(s.refund)), Some(paid));
                }
            }
        }

        /// M-3: `max_royalty` is exactly `floor(price × cap / 10,000)`
        /// (checked against 512-bit arithmetic), and a sale within the cap
        /// leaves the lessor at least `price × (1 − cap)`.
        #[test]
        fn m3_max_royalty_is_the_exact_floor(limbs in any::<[u64; 4]>(), small in any::<bool>(), cap in any::<u16>(), quote in any::<[u64; 4]>()) {
            use alloy_primitives::U512;
            let price = if small { U256::from(limbs[0]) } else { U256::from_limbs(limbs) };
            let m = max_royalty(price, cap);
            let c = u64::from(cap.min(BPS_DENOMINATOR));
            let exact = U512::from(price) * U512::from(c) / U512::from(10_000u64);
            prop_assert_eq!(U512::from(m), exact);
            prop_assert!(m <= price);
            prop_assert_eq!(valid_royalty_cap(cap), cap <= 10_000);
            // What the market does: the asset's quote capped at the price,
            // refused above the offer's cap.
            let royalty = U256::from_limbs(quote).min(price);
            if royalty_within_cap(price, royalty, cap) {
                let s = split_payment(price, price, royalty).expect("paid == price");
                // payee × 10,000 >= price × (10,000 − cap), in 512 bits.
                let lhs = U512::from(s.payee) * U512::from(10_000u64);
                let rhs = U512::from(price) * U512::from(10_000 - c);
                prop_assert!(lhs >= rhs);
            } else {
                prop_assert!(U512::from(royalty) * U512::from(10_000u64) > U512::from(price) * U512::from(c));
            }
        }

        /// M-1: only the current version buys; every update moves it on.
        #[test]
        fn m1_only_the_current_version_buys(quoted in any::<u32>(), current in any::<u32>()) {
            prop_assert_eq!(version_matches(quoted, current), quoted == current);
            if let Some(next) = next_version(current) {
                prop_assert!(!version_matches(current, next));
                prop_assert!(next > current);
            } else {
                prop_assert_eq!(current, u32::MAX);
            }
        }

        /// The perpetual lock: valid bounds never exceed
        /// `MAX_LEASE_DURATION`, and any expiry within `latest_expiry` is at
        /// most that far from now.
        #[test]
        fn perpetual_lock_expiries_stay_within_the_horizon(now in any::<u64>(), min in any::<u64>(), max in any::<u64>(), start_ahead in any::<u64>(), duration in any::<u64>()) {
            if valid_duration_bounds(min, max) {
                prop_assert!(1 <= min && min <= max && max <= MAX_LEASE_DURATION);
            }
            let max = max % (MAX_LEASE_DURATION + 1);
            // A renewal: start at a current expiry at or after now.
            let start = now.saturating_add(start_ahead % (MAX_LEASE_DURATION + 1));
            if let Some(expires) = expiry_after(start, duration) {
                if expires <= latest_expiry(now, max) && now <= u64::MAX - MAX_LEASE_DURATION {
                    prop_assert!(expires - now <= MAX_LEASE_DURATION);
                }
            }
        }

        #[test]
        fn split_conserves_small_values(paid in 0u64..1_000, price in 0u64..1_000, quote in 0u64..2_000) {
            if let Some(s) = split_payment(u(paid), u(price), u(quote)) {
                prop_assert_eq!(s.royalty + s.payee + s.refund, u(paid));
                prop_assert_eq!(s.royalty, u(quote.min(price)));
            } else {
                prop_assert!(paid < price);
            }
        }

        #[test]
        fn price_matches_ruint_checked_mul(limbs in any::<[u64; 4]>(), duration in any::<u64>(), small in any::<bool>()) {
            // Mix full-range and small rates so both overflow and exact
            // results are exercised.
            let rate = if small { U256::from(limbs[0] >> 8) } else { U256::from_limbs(limbs) };
            prop_assert_eq!(lease_price(rate, duration), rate.checked_mul(U256::from(duration)));
        }

        #[test]
        fn price_matches_wide_multiplication(rate in any::<u128>(), duration in any::<u64>()) {
            let p = lease_price(U256::from(rate), duration).expect("u128 * u64 fits 256 bits");
            prop_assert_eq!(p, U256::from(rate) * U256::from(duration));
            if duration > 0 {
                prop_assert_eq!(p / U256::from(duration), U256::from(rate));
            }
        }

        #[test]
        fn slots_never_exceed_cap(
            max in 1u32..=8,
            steps in proptest::collection::vec((0u64..50, 1u64..40), 1..80),
        ) {
            // Random sequence of purchases at non-decreasing times.
            let mut slots: Vec<u64> = Vec::new();
            let mut now = 0u64;
            for (advance, duration) in steps {
                now += advance;
                let before = active_slots(&slots, now);
                match pick_slot(&slots, max, now) {
                    Some(i) => {
                        prop_assert!(before < max as usize);
                        prop_assert!(i <= slots.len());
                        if i < slots.len() {
                            prop_assert!(!is_active(now, slots[i]), "picked an active slot");
                        } else {
                            prop_assert_eq!(before, slots.len(), "appended while a slot was free");
                        }
                        occupy_slot(&mut slots, i, now + duration);
                        prop_assert_eq!(active_slots(&slots, now), before + 1);
                    }
                    None => prop_assert!(before >= max as usize),
                }
                prop_assert!(active_slots(&slots, now) <= max as usize);
                prop_assert!(slots.len() <= max as usize);
            }
        }
    }
}
