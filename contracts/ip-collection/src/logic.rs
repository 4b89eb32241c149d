//! Pure logic of the collection, free of storage and host calls so it can be
//! unit- and property-tested without a VM: the ERC-4907 lease state machine
//! (with explicit `now`), the royalty maths and token-id formatting.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

/// Denominator of every royalty fraction: royalties are in basis points.
pub const FEE_DENOMINATOR: u64 = 10_000;

/// Longest a locked lease may reach past the time it is set or renewed:
/// 5 × 365 days, the bound the licence market puts on its offers. A lock
/// binds the token's next owners, so it must end within a known horizon.
pub const MAX_LOCK_DURATION: u64 = 5 * 365 * 86_400;

/// The latest expiry a lock set at `now` may have (saturating at
/// `u64::MAX`).
#[must_use]
pub const fn max_lock_expiry(now: u64) -> u64 {
    now.saturating_add(MAX_LOCK_DURATION)
}

/// A token's ERC-4907 user record, as stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lease {
    /// The user (zero: none).
    pub user: Address,
    /// Last second (inclusive) at which `user` holds the rights.
    pub expires: u64,
    /// Set by a lease operator (a paid lease): it binds the token's owners
    /// until it expires.
    pub locked: bool,
}

impl Lease {
    /// The user at time `now`: zero once `expires < now`, so a lease lapses
    /// with no transaction (ERC-4907).
    #[must_use]
    pub fn user_at(&self, now: u64) -> Address {
        if self.expires >= now {
            self.user
        } else {
            Address::ZERO
        }
    }

    /// Whether the record is a locked lease still in force at `now`.
    #[must_use]
    pub fn locked_at(&self, now: u64) -> bool {
        self.locked && !self.user_at(now).is_zero()
    }
}

impl Lease {
    /// One storage word: `locked` (byte 3), `expires` (bytes 4..12, big
    /// endian), `user` (bytes 12..32).
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[3] = u8::from(self.locked);
        w[4..12].copy_from_slice(&self.expires.to_be_bytes());
        w[12..].copy_from_slice(self.user.as_slice());
        w
    }

    /// Inverse of [`Lease::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        let mut expires = [0u8; 8];
        expires.copy_from_slice(&w[4..12]);
        Self {
            user: Address::from_slice(&w[12..]),
            expires: u64::from_be_bytes(expires),
            locked: w[3] != 0,
        }
    }
}

/// A royalty: `bps` basis points to `receiver`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Royalty {
    /// Who receives it (zero: no royalty set).
    pub receiver: Address,
    /// Basis points (at most 10,000 when written by the contract).
    pub bps: u16,
}

impl Royalty {
    /// One storage word: `bps` (bytes 10..12, big endian), `receiver`
    /// (bytes 12..32).
    #[must_use]
    pub fn pack(&self) -> B256 {
        let mut w = B256::ZERO;
        w[10..12].copy_from_slice(&self.bps.to_be_bytes());
        w[12..].copy_from_slice(self.receiver.as_slice());
        w
    }

    /// Inverse of [`Royalty::pack`].
    #[must_use]
    pub fn unpack(w: B256) -> Self {
        Self {
            receiver: Address::from_slice(&w[12..]),
            bps: u16::from_be_bytes([w[10], w[11]]),
        }
    }
}

/// Who is asking to set a token's user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setter {
    /// The token's owner or an ERC-721-approved account: sets unlocked users.
    Holder,
    /// A lease operator of the owner: sets locked (paid) leases.
    LeaseOperator,
}

/// How `caller` may set the user of a token owned by `owner`, given whether
/// it is a lease operator of `owner` and whether it is ERC-721-authorised
/// (owner, approved or operator). The owner itself always sets unlocked
/// users, even if it approved itself as lease operator: a lock it could set
/// on its own token would survive its sale and bind the buyer (ip-editions
/// likewise makes an owner's records unlocked). `None`: no right at all.
#[must_use]
pub fn setter_of(
    caller: Address,
    owner: Address,
    lease_operator: bool,
    authorised: bool,
) -> Option<Setter> {
    if lease_operator && caller != owner {
        Some(Setter::LeaseOperator)
    } else if authorised || caller == owner {
        Some(Setter::Holder)
    } else {
        None
    }
}

/// Why a `setUser` is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseError {
    /// A non-zero user with `expires < now`.
    ExpiryInPast,
    /// A locked lease is in force and the request is not a renewal of it.
    Locked,
    /// A lock's `expires` is later than [`max_lock_expiry`]`(now)`.
    TooFar,
}

/// The record after `setUser(user, expires)` by `setter` at `now`.
///
/// * A zero `user` clears the record (to [`Lease::default`]).
/// * While a locked lease is in force, the only accepted request is its
///   renewal by a lease operator: same user, `expires` not earlier than the
///   current one. A locked lease is never replaced, cleared or shortened.
/// * Otherwise a non-zero user needs `expires >= now`; the new record is
///   locked iff a lease operator set it, and a lock (new or renewed) ends
///   by [`max_lock_expiry`]`(now)`.
///
/// # Errors
///
/// [`LeaseError::Locked`], [`LeaseError::ExpiryInPast`] or
/// [`LeaseError::TooFar`], as above.
pub fn set_user(
    current: Lease,
    setter: Setter,
    user: Address,
    expires: u64,
    now: u64,
) -> Result<Lease, LeaseError> {
    let operator = setter == Setter::LeaseOperator;
    if current.locked_at(now) && !(operator && user == current.user && expires >= current.expires) {
        return Err(LeaseError::Locked);
    }
    if user.is_zero() {
        return Ok(Lease::default());
    }
    if expires < now {
        return Err(LeaseError::ExpiryInPast);
    }
    if operator && expires > max_lock_expiry(now) {
        return Err(LeaseError::TooFar);
    }
    Ok(Lease {
        user,
        expires,
        locked: operator,
    })
}

/// Whether a transfer `from` → `to` at `now` clears the record: it does when
/// the token changes hands and holds a user that is not a locked lease in
/// force (as in the ERC-4907 reference, which clears on every transfer).
#[must_use]
pub fn clears_on_transfer(current: Lease, from: Address, to: Address, now: u64) -> bool {
    from != to && !current.user.is_zero() && !current.locked_at(now)
}

/// `(value / divisor, value % divisor)` for a non-zero 32-bit divisor, by
/// long division over 32-bit halves: native 64-bit arithmetic only (a
/// general 256-bit division or multiplication costs kilobytes of WASM).
/// `divisor == 0` returns `(0, 0)` instead of panicking.
#[must_use]
#[inline(never)]
pub fn div_rem_small(value: U256, divisor: u32) -> (U256, u32) {
    if divisor == 0 {
        return (U256::ZERO, 0);
    }
    let mut halves = to_halves(value);
    let mut rem = 0u64;
    for half in halves.iter_mut().rev() {
        let cur = (rem << 32) | u64::from(*half);
        // Both fit: cur < divisor * 2^32, so cur / divisor < 2^32.
        *half = (cur / u64::from(divisor)) as u32;
        rem = cur % u64::from(divisor);
    }
    (from_halves(halves), rem as u32)
}

/// `value * factor`, or `None` if the product does not fit 256 bits.
#[must_use]
pub fn mul_small(value: U256, factor: u32) -> Option<U256> {
    let mut halves = to_halves(value);
    let mut carry = 0u64;
    for half in &mut halves {
        let cur = u64::from(*half) * u64::from(factor) + carry;
        *half = cur as u32;
        carry = cur >> 32;
    }
    (carry == 0).then(|| from_halves(halves))
}

fn to_halves(value: U256) -> [u32; 8] {
    let mut halves = [0u32; 8];
    for (i, limb) in value.as_limbs().iter().enumerate() {
        halves[2 * i] = *limb as u32;
        halves[2 * i + 1] = (*limb >> 32) as u32;
    }
    halves
}

fn from_halves(halves: [u32; 8]) -> U256 {
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        *limb = u64::from(halves[2 * i]) | (u64::from(halves[2 * i + 1]) << 32);
    }
    U256::from_limbs(limbs)
}

/// Royalty owed on `sale_price` at `bps` basis points, rounded down:
/// `floor(sale_price * bps / 10_000)`, exact for every `sale_price` (the
/// product is split as `q * bps + r * bps / 10_000` with
/// `sale_price = q * 10_000 + r`, so nothing exceeds 256 bits).
///
/// Returns `None` if `bps > 10_000` (never stored by the contract).
#[must_use]
pub fn royalty_amount(sale_price: U256, bps: u64) -> Option<U256> {
    if bps > FEE_DENOMINATOR {
        return None;
    }
    let (bps, den) = (bps as u32, FEE_DENOMINATOR as u32);
    let (q, r) = div_rem_small(sale_price, den);
    // r < 10^4 and bps <= 10^4: the product fits u32 comfortably.
    let low = r * bps / den;
    mul_small(q, bps)?.checked_add(U256::from(low))
}

/// Verdict on a receiver's reply to `onERC721Received` (`Ok` return data or
/// `Err` revert data), as OZ Solidity's `ERC721Utils` decides it:
///
/// * `Ok(())`: it returned the selector `0x150b7a02` as a clean `bytes4`;
/// * `Err(Some(data))`: it reverted with `data`, to be re-thrown verbatim;
/// * `Err(None)`: anything else (revert without data, another value, or a
///   reply too short or not a clean `bytes4`): an invalid receiver.
///
/// # Errors
/// As above.
pub fn receiver_verdict(reply: Result<Vec<u8>, Vec<u8>>) -> Result<(), Option<Vec<u8>>> {
    match reply {
        Ok(ret)
            if ret.len() >= 32
                && ret[..4] == [0x15, 0x0b, 0x7a, 0x02]
                && ret[4..32].iter().all(|b| *b == 0) =>
        {
            Ok(())
        }
        Err(data) if !data.is_empty() => Err(Some(data)),
        _ => Err(None),
    }
}

/// Decimal ASCII digits of `value` (no leading zeros; `"0"` for zero).
#[must_use]
pub fn decimal(mut value: u64) -> Vec<u8> {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (value % 10) as u8);
        value /= 10;
        if value == 0 {
            break;
        }
    }
    digits.reverse();
    digits
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use alloy_primitives::U512;
    use proptest::prelude::*;

    use super::*;

    fn addr(b: u8) -> Address {
        Address::repeat_byte(b)
    }

    fn any_lease() -> impl Strategy<Value = Lease> {
        (0u8..3, any::<u64>(), any::<bool>()).prop_map(|(u, expires, locked)| Lease {
            user: if u == 0 { Address::ZERO } else { addr(u) },
            expires,
            locked,
        })
    }

    fn any_u256() -> impl Strategy<Value = U256> {
        any::<[u64; 4]>().prop_map(U256::from_limbs)
    }

    fn any_setter() -> impl Strategy<Value = Setter> {
        prop_oneof![Just(Setter::Holder), Just(Setter::LeaseOperator)]
    }

    #[test]
    fn user_lapses_strictly_after_expires() {
        let l = Lease {
            user: addr(1),
            expires: 100,
            locked: false,
        };
        assert_eq!(l.user_at(99), addr(1));
        assert_eq!(l.user_at(100), addr(1));
        assert_eq!(l.user_at(101), Address::ZERO);
        assert!(!l.locked_at(100));
        let locked = Lease { locked: true, ..l };
        assert!(locked.locked_at(100));
        assert!(!locked.locked_at(101));
    }

    #[test]
    fn holder_sets_unlocked_operator_sets_locked() {
        let l = set_user(Lease::default(), Setter::Holder, addr(1), 10, 5).unwrap();
        assert_eq!(
            l,
            Lease {
                user: addr(1),
                expires: 10,
                locked: false
            }
        );
        let l = set_user(l, Setter::LeaseOperator, addr(2), 20, 5).unwrap();
        assert_eq!(
            l,
            Lease {
                user: addr(2),
                expires: 20,
                locked: true
            }
        );
    }

    #[test]
    fn expiry_exactly_now_is_accepted_and_earlier_refused() {
        assert!(set_user(Lease::default(), Setter::Holder, addr(1), 5, 5).is_ok());
        assert_eq!(
            set_user(Lease::default(), Setter::Holder, addr(1), 4, 5),
            Err(LeaseError::ExpiryInPast)
        );
        // Clearing ignores `expires`.
        assert_eq!(
            set_user(Lease::default(), Setter::Holder, Address::ZERO, 0, 5),
            Ok(Lease::default())
        );
    }

    #[test]
    fn locked_lease_refuses_holder_and_shortening() {
        let l = Lease {
            user: addr(1),
            expires: 10,
            locked: true,
        };
        for (setter, user, exp) in [
            (Setter::Holder, addr(1), 20),
            (Setter::Holder, Address::ZERO, 0),
            (Setter::LeaseOperator, addr(2), 20),
            (Setter::LeaseOperator, addr(1), 9),
            (Setter::LeaseOperator, Address::ZERO, 0),
        ] {
            assert_eq!(set_user(l, setter, user, exp, 10), Err(LeaseError::Locked));
        }
        assert_eq!(
            set_user(l, Setter::LeaseOperator, addr(1), 30, 10),
            Ok(Lease {
                user: addr(1),
                expires: 30,
                locked: true
            })
        );
        // Expired: anyone authorised may replace it.
        assert_eq!(
            set_user(l, Setter::Holder, addr(2), 30, 11),
            Ok(Lease {
                user: addr(2),
                expires: 30,
                locked: false
            })
        );
    }

    #[test]
    fn l1_owner_never_sets_a_lock_on_its_own_token() {
        let (owner, op, other) = (addr(0xa), addr(0xc), addr(0xd));
        // The owner approved itself as lease operator: still a holder.
        assert_eq!(setter_of(owner, owner, true, true), Some(Setter::Holder));
        assert_eq!(setter_of(owner, owner, false, true), Some(Setter::Holder));
        assert_eq!(
            setter_of(op, owner, true, false),
            Some(Setter::LeaseOperator)
        );
        assert_eq!(
            setter_of(op, owner, true, true),
            Some(Setter::LeaseOperator)
        );
        assert_eq!(setter_of(other, owner, false, true), Some(Setter::Holder));
        assert_eq!(setter_of(other, owner, false, false), None);
        // Its "forever" user is unlocked, so the sale clears it.
        let l = set_user(Lease::default(), Setter::Holder, addr(1), u64::MAX, 5).unwrap();
        assert!(!l.locked);
        assert!(clears_on_transfer(l, owner, other, 6));
    }

    #[test]
    fn l1_locks_end_within_five_years() {
        assert_eq!(MAX_LOCK_DURATION, 157_680_000);
        let now = 1_000;
        let max = max_lock_expiry(now);
        assert_eq!(max, now + 157_680_000);
        let op = Setter::LeaseOperator;
        assert!(set_user(Lease::default(), op, addr(1), max, now).is_ok());
        assert_eq!(
            set_user(Lease::default(), op, addr(1), max + 1, now),
            Err(LeaseError::TooFar)
        );
        assert_eq!(
            set_user(Lease::default(), op, addr(1), u64::MAX, now),
            Err(LeaseError::TooFar)
        );
        // A renewal is bounded from the time it is made.
        let l = set_user(Lease::default(), op, addr(1), max, now).unwrap();
        assert_eq!(
            set_user(l, op, addr(1), max + 1, now),
            Err(LeaseError::TooFar)
        );
        assert!(set_user(l, op, addr(1), max + 1, now + 1).is_ok());
        // Unlocked users are not bounded (a sale clears them).
        assert!(set_user(Lease::default(), Setter::Holder, addr(1), u64::MAX, now).is_ok());
        assert_eq!(max_lock_expiry(u64::MAX - 1), u64::MAX);
    }

    #[test]
    fn transfer_clearing() {
        let (a, b) = (addr(0xa), addr(0xb));
        let unlocked = Lease {
            user: addr(1),
            expires: 10,
            locked: false,
        };
        let locked = Lease {
            locked: true,
            ..unlocked
        };
        assert!(clears_on_transfer(unlocked, a, b, 5));
        assert!(!clears_on_transfer(unlocked, a, a, 5));
        assert!(!clears_on_transfer(locked, a, b, 10));
        assert!(clears_on_transfer(locked, a, b, 11));
        assert!(!clears_on_transfer(Lease::default(), a, b, 5));
    }

    #[test]
    fn royalty_examples() {
        let r = |p: u64, bps: u64| royalty_amount(U256::from(p), bps);
        assert_eq!(r(1_000, 500), Some(U256::from(50)));
        assert_eq!(r(9_999, 1), Some(U256::ZERO));
        assert_eq!(r(10_000, 10_000), Some(U256::from(10_000)));
        assert_eq!(royalty_amount(U256::MAX, 10_000), Some(U256::MAX));
        assert_eq!(royalty_amount(U256::MAX, 0), Some(U256::ZERO));
        assert_eq!(royalty_amount(U256::from(1), 10_001), None);
    }

    #[test]
    fn small_arithmetic_edges() {
        assert_eq!(div_rem_small(U256::MAX, 0), (U256::ZERO, 0));
        assert_eq!(div_rem_small(U256::MAX, 1), (U256::MAX, 0));
        assert_eq!(mul_small(U256::MAX, 1), Some(U256::MAX));
        assert_eq!(mul_small(U256::MAX, 2), None);
        assert_eq!(mul_small(U256::MAX, 0), Some(U256::ZERO));
    }

    #[test]
    fn receiver_verdicts() {
        let mut word = vec![0u8; 32];
        word[..4].copy_from_slice(&[0x15, 0x0b, 0x7a, 0x02]);
        assert_eq!(receiver_verdict(Ok(word.clone())), Ok(()));
        // Longer return data is fine, as in Solidity's decoder.
        let mut longer = word.clone();
        longer.extend_from_slice(&[0u8; 32]);
        assert_eq!(receiver_verdict(Ok(longer)), Ok(()));
        // Another selector, dirty low bytes, short or empty returns.
        let mut other = word.clone();
        other[0] = 0;
        assert_eq!(receiver_verdict(Ok(other)), Err(None));
        let mut dirty = word.clone();
        dirty[31] = 1;
        assert_eq!(receiver_verdict(Ok(dirty)), Err(None));
        assert_eq!(receiver_verdict(Ok(word[..4].to_vec())), Err(None));
        assert_eq!(receiver_verdict(Ok(Vec::new())), Err(None));
        // Reverts: without data it is an invalid receiver, with data it bubbles.
        assert_eq!(receiver_verdict(Err(Vec::new())), Err(None));
        assert_eq!(
            receiver_verdict(Err(vec![1, 2, 3])),
            Err(Some(vec![1, 2, 3]))
        );
    }

    #[test]
    fn decimal_examples() {
        assert_eq!(decimal(0), b"0");
        assert_eq!(decimal(1), b"1");
        assert_eq!(decimal(10_000_000_000), b"10000000000");
        assert_eq!(decimal(u64::MAX), u64::MAX.to_string().as_bytes());
    }

    proptest! {
        #[test]
        fn user_at_matches_definition(l in any_lease(), now in any::<u64>()) {
            let expected = if l.expires >= now { l.user } else { Address::ZERO };
            prop_assert_eq!(l.user_at(now), expected);
            prop_assert_eq!(l.locked_at(now), l.locked && !expected.is_zero());
        }

        #[test]
        fn locked_lease_in_force_is_never_replaced_or_shortened(
            l in any_lease(), s in any_setter(), user in 0u8..3, exp in any::<u64>(), now in any::<u64>()
        ) {
            let user = if user == 0 { Address::ZERO } else { addr(user) };
            if l.locked_at(now) {
                match set_user(l, s, user, exp, now) {
                    Ok(n) => {
                        prop_assert_eq!(s, Setter::LeaseOperator);
                        prop_assert_eq!(n.user, l.user);
                        prop_assert!(n.expires >= l.expires);
                        prop_assert!(n.locked);
                    }
                    Err(LeaseError::TooFar) => {
                        prop_assert_eq!(s, Setter::LeaseOperator);
                        prop_assert!(exp > max_lock_expiry(now));
                    }
                    Err(e) => prop_assert_eq!(e, LeaseError::Locked),
                }
            }
        }

        #[test]
        fn set_user_result_is_consistent(
            l in any_lease(), s in any_setter(), user in 0u8..3, exp in any::<u64>(), now in any::<u64>()
        ) {
            let user = if user == 0 { Address::ZERO } else { addr(user) };
            match set_user(l, s, user, exp, now) {
                Ok(n) if user.is_zero() => prop_assert_eq!(n, Lease::default()),
                Ok(n) => {
                    prop_assert_eq!(n, Lease { user, expires: exp, locked: s == Setter::LeaseOperator });
                    prop_assert_eq!(n.user_at(now), user);
                }
                Err(LeaseError::ExpiryInPast) => {
                    prop_assert!(!user.is_zero() && exp < now && !l.locked_at(now));
                }
                Err(LeaseError::Locked) => prop_assert!(l.locked_at(now)),
                Err(LeaseError::TooFar) => {
                    prop_assert!(s == Setter::LeaseOperator && exp > max_lock_expiry(now));
                }
            }
            // Not locked in force: the only refusals are a past expiry and
            // a lock past the horizon.
            let too_far = s == Setter::LeaseOperator && exp > max_lock_expiry(now);
            if !l.locked_at(now) && (user.is_zero() || (exp >= now && !too_far)) {
                prop_assert!(set_user(l, s, user, exp, now).is_ok());
            }
        }

        /// L-1, owner self-lock: whatever the owner sets on its own token
        /// (even approved as its own lease operator) is cleared by a sale,
        /// and every lock that survives one ends within the horizon.
        #[test]
        fn after_a_sale_the_buyer_holds_full_use_rights_except_bounded_locks(
            l in any_lease(), caller in 1u8..4, self_approved in any::<bool>(),
            authorised in any::<bool>(), user in 1u8..3, exp in any::<u64>(), now in any::<u64>(),
        ) {
            let (owner, buyer) = (addr(0xa), addr(0xb));
            let caller = if caller == 3 { owner } else { addr(caller) };
            let Some(setter) = setter_of(caller, owner, self_approved, authorised) else {
                prop_assert!(caller != owner && !self_approved && !authorised);
                return Ok(());
            };
            if caller == owner {
                prop_assert_eq!(setter, Setter::Holder);
            }
            if let Ok(n) = set_user(l, setter, addr(user), exp, now) {
                if n.locked {
                    prop_assert_eq!(setter, Setter::LeaseOperator);
                    prop_assert!(caller != owner);
                    prop_assert!(n.expires <= max_lock_expiry(now));
                }
                let survives = !clears_on_transfer(n, owner, buyer, now) && !n.user.is_zero();
                if survives {
                    prop_assert!(n.locked_at(now));
                    prop_assert!(n.expires <= max_lock_expiry(now));
                }
            }
        }

        #[test]
        fn transfer_keeps_exactly_locked_leases_in_force(
            l in any_lease(), from in 1u8..3, to in 1u8..3, now in any::<u64>()
        ) {
            let (from, to) = (addr(from), addr(to));
            let clears = clears_on_transfer(l, from, to, now);
            if l.locked_at(now) || from == to || l.user.is_zero() {
                prop_assert!(!clears);
            } else {
                prop_assert!(clears);
            }
        }

        #[test]
        fn packing_round_trips(l in any_lease(), user in any::<[u8; 20]>(), bps in any::<u16>()) {
            let l = Lease { user: Address::from(user), ..l };
            prop_assert_eq!(Lease::unpack(l.pack()), l);
            let r = Royalty { receiver: Address::from(user), bps };
            prop_assert_eq!(Royalty::unpack(r.pack()), r);
            prop_assert_eq!(Lease::unpack(B256::ZERO), Lease::default());
            prop_assert_eq!(Royalty::unpack(B256::ZERO), Royalty::default());
        }

        #[test]
        fn royalty_matches_wide_maths(price in any_u256(), bps in 0u64..=FEE_DENOMINATOR) {
            let wide = U512::from(price) * U512::from(bps) / U512::from(FEE_DENOMINATOR);
            let got = royalty_amount(price, bps);
            prop_assert_eq!(got.map(U512::from), Some(wide));
            prop_assert!(got.unwrap() <= price);
        }

        #[test]
        fn small_arithmetic_matches_ruint(v in any_u256(), d in 1u32..) {
            let (q, r) = div_rem_small(v, d);
            prop_assert_eq!((q, U256::from(r)), v.div_rem(U256::from(d)));
            prop_assert_eq!(mul_small(v, d), v.checked_mul(U256::from(d)));
        }

        #[test]
        fn decimal_matches_to_string(v in any::<u64>()) {
            prop_assert_eq!(decimal(v), v.to_string().into_bytes());
        }
    }
}
