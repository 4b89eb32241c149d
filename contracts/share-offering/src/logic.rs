//! Pure maths and state machine of a share offering (no VM, no storage).
//!
//! Every function takes explicit inputs (`now`, amounts) and touches no
//! storage or host, so everything here is unit- and property-tested without
//! a VM; the contract only loads the stored values, calls these functions
//! and stores the results.
//!
//! **Units.** Shares are counted in base units (18 decimals: `10^18` units
//! are one whole share); `price` is in base units of the payment token per
//! whole share, so `n` share units cost `⌈n · price / 10^18⌉` ([`cost`],
//! rounded up: splitting a purchase never makes it cheaper, and the seller
//! always receives at least the exact price).
//!
//! **Time** (the suite's convention, as ERC-4907's `userOf`): an offering
//! with deadline `d` still sells at `now == d` and is closed at `now > d`;
//! its refund window runs up to and including `d + REFUND_WINDOW`.
//!
//! **Lifecycle** ([`phase`]), a pure function of `(now, deadline, shares,
//! sold, raised, minRaise)`:
//!
//! ```text
//! Open ──(sold out, or now > deadline)──► closed, then by the raise:
//!   raised ≥ minRaise                       → Succeeded
//!   raised < minRaise, now ≤ deadline + 30d → Refunding
//!   raised < minRaise, now > deadline + 30d → Failed
//! ```
//!
//! Proceeds are payable to the payee as soon as `raised ≥ minRaise`, even
//! while the offering is still open, and in [`Phase::Failed`] (purchases not
//! refunded in the window stand): [`proceeds_due`]. Buyers may refund only
//! in [`Phase::Refunding`]: [`check_refund`]. The seller takes back unsold
//! and refunded shares once the offering is closed: [`seller_shares_due`].
//! The counters only grow (`sold`, `raised` at purchases; `paidOut`,
//! `refundedPaid`, `refundedShares`, `sharesWithdrawn` at payouts), so every
//! amount due is a difference of counters and a payout can never be made
//! twice.
//!
//! **Bounds.** An offering's counters are 128-bit: [`offering_cost`] refuses
//! an offering whose total cost plus its share count exceeds `2^128 − 1`.
//! Since every purchase buys at least one unit and its rounding adds less
//! than one base unit, `raised ≤ cost(all shares) + shares` always fits.

use alloy_primitives::{Address, B256, U256};

/// One whole share in base units (the vault's shares have 18 decimals):
/// the denominator of [`cost`].
pub const WAD: u64 = 1_000_000_000_000_000_000;

/// One day in seconds.
pub const DAY: u64 = 86_400;

/// How long after a failed offering's deadline its buyers may refund:
/// 30 days.
pub const REFUND_WINDOW: u64 = 30 * DAY;

/// Furthest an offering's deadline may be from its creation: 365 days.
pub const MAX_OFFERING_DURATION: u64 = 365 * DAY;

/// Largest value of an offering's 128-bit counters: `2^128 − 1`.
pub const MAX_TOTAL: U256 = U256::from_limbs([u64::MAX, u64::MAX, 0, 0]);

/// Where an offering is in its life (also the `state` of the `offering`
/// view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// Selling: `now ≤ deadline` and shares are left. Proceeds are already
    /// payable once `raised ≥ minRaise`.
    Open = 1,
    /// Closed with `raised ≥ minRaise`: the proceeds go to the payee, unsold
    /// shares back to the seller.
    Succeeded = 2,
    /// Closed with `raised < minRaise`, inside the refund window: each buyer
    /// may return its shares for its payment.
    Refunding = 3,
    /// Closed with `raised < minRaise`, after the refund window: purchases
    /// not refunded stand and their payments go to the payee.
    Failed = 4,
}

/// Why a purchase is refused ([`check_buy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyRefusal {
    /// The offering is not [`Phase::Open`] (deadline passed or sold out).
    NotOpen(Phase),
    /// Zero shares requested.
    ZeroShares,
    /// More shares requested than the `available` unsold ones.
    Insufficient {
        /// Unsold shares.
        available: U256,
    },
    /// The buyer's purchases would total `total`, above the per-buyer cap.
    CapExceeded {
        /// The buyer's shares bought so far plus the requested ones.
        total: U256,
    },
}

/// Why a refund is refused ([`check_refund`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundRefusal {
    /// The offering is open or succeeded.
    NotFailed,
    /// The refund window is over.
    WindowOver,
    /// The buyer bought nothing, or already refunded.
    Nothing,
}

/// `⌈x / 10^18⌉`. Since `10^18 = 2^18 · 5^18`, the 2^18 is shifted out
/// (remembering whether bits were lost) and the rest is a long division by
/// `5^18 < 2^42` in 16-bit digits, so every partial dividend fits a `u64`:
/// no 128- or 256-bit divider is linked into the contract.
#[must_use]
pub fn div_wad_ceil(x: U256) -> U256 {
    /// `5^18`.
    const FIVE_18: u64 = 3_814_697_265_625;
    let lost = x.as_limbs()[0] & ((1 << 18) - 1) != 0;
    let y: U256 = x >> 18_usize;
    let limbs = y.as_limbs();
    let mut out = [0u64; 4];
    let mut r: u64 = 0;
    for i in (0..4).rev() {
        let mut q = 0u64;
        for k in (0..4).rev() {
            // `r < 5^18 < 2^42`, so `n < 2^58` and the digit `n / 5^18`
            // fits 16 bits.
            let n = (r << 16) | ((limbs[i] >> (16 * k)) & 0xffff);
            q = (q << 16) | (n / FIVE_18);
            r = n % FIVE_18;
        }
        out[i] = q;
    }
    let q = U256::from_limbs(out);
    if r == 0 && !lost {
        q
    } else {
        // `q ≤ (2^256 − 1) / 10^18`: adding one cannot saturate.
        q.saturating_add(U256::from(1))
    }
}

/// `a · b` for `a < 2^128`, or `None` if `a` is larger or the product
/// overflows 256 bits. Schoolbook multiplication on 64-bit limbs: far
/// smaller in WASM than ruint's general `checked_mul`.
#[must_use]
pub fn mul_128(a: U256, b: U256) -> Option<U256> {
    let [a0, a1, a2, a3] = *a.as_limbs();
    if a2 != 0 || a3 != 0 {
        return None;
    }
    let b = b.as_limbs();
    let mut out = [0u64; 6];
    for (i, ai) in [a0, a1].into_iter().enumerate() {
        let mut carry: u128 = 0;
        for (j, &bj) in b.iter().enumerate() {
            // At most `(2^64 − 1)^2 + 2 · (2^64 − 1) = 2^128 − 1`.
            let t = u128::from(ai) * u128::from(bj) + u128::from(out[i + j]) + carry;
            out[i + j] = t as u64;
            carry = t >> 64;
        }
        out[i + 4] = carry as u64;
    }
    (out[4] == 0 && out[5] == 0).then(|| U256::from_limbs([out[0], out[1], out[2], out[3]]))
}

/// What `shares` base units cost at `price` (payment-token base units per
/// whole share): `⌈shares · price / 10^18⌉`, or `None` if `shares` is not
/// below 2^128 (an offering's shares never are) or the product overflows
/// 256 bits.
#[must_use]
pub fn cost(shares: U256, price: U256) -> Option<U256> {
    Some(div_wad_ceil(mul_128(shares, price)?))
}

/// The cost of all `shares` of a new offering at `price`, or `None` if the
/// offering does not fit its 128-bit counters (`cost + shares > 2^128 − 1`,
/// see the module docs).
#[must_use]
pub fn offering_cost(shares: U256, price: U256) -> Option<U256> {
    let total = cost(shares, price)?;
    (total.checked_add(shares)? <= MAX_TOTAL).then_some(total)
}

/// The latest deadline an offering created at `now` may have.
#[must_use]
pub const fn latest_deadline(now: u64) -> u64 {
    now.saturating_add(MAX_OFFERING_DURATION)
}

/// Whether `deadline` is valid for an offering created at `now`: in
/// `(now, now + MAX_OFFERING_DURATION]`.
#[must_use]
pub const fn valid_deadline(now: u64, deadline: u64) -> bool {
    now < deadline && deadline <= latest_deadline(now)
}

/// The last second at which the buyers of a failed offering with
/// `deadline` may refund.
#[must_use]
pub const fn refund_deadline(deadline: u64) -> u64 {
    deadline.saturating_add(REFUND_WINDOW)
}

/// The phase of an offering at `now` (see the module docs).
#[must_use]
pub fn phase(
    now: u64,
    deadline: u64,
    shares: U256,
    sold: U256,
    raised: U256,
    min_raise: U256,
) -> Phase {
    if now <= deadline && sold < shares {
        Phase::Open
    } else if raised >= min_raise {
        Phase::Succeeded
    } else if now <= refund_deadline(deadline) {
        Phase::Refunding
    } else {
        Phase::Failed
    }
}

/// What the payee may be paid now: everything raised and neither refunded
/// nor paid yet, once the raise succeeded (`raised ≥ min_raise`, in any
/// phase) or the refund window of a failed raise is over; nothing otherwise.
#[must_use]
pub fn proceeds_due(
    phase: Phase,
    raised: U256,
    min_raise: U256,
    refunded_paid: U256,
    paid_out: U256,
) -> U256 {
    if raised >= min_raise || phase == Phase::Failed {
        // `paid_out + refunded_paid ≤ raised` always holds (each payout is
        // bounded by this very difference): saturation is defensive.
        raised
            .saturating_sub(refunded_paid)
            .saturating_sub(paid_out)
    } else {
        U256::ZERO
    }
}

/// The shares the seller may take back now: nothing while open; once
/// closed, the unsold and refunded shares not yet withdrawn.
#[must_use]
pub fn seller_shares_due(
    phase: Phase,
    shares: U256,
    sold: U256,
    refunded_shares: U256,
    withdrawn: U256,
) -> U256 {
    if phase == Phase::Open {
        return U256::ZERO;
    }
    // `sold ≤ shares`, `refunded_shares ≤ sold` and `withdrawn` never
    // exceeds the sum: saturation is defensive.
    shares
        .saturating_sub(sold)
        .saturating_add(refunded_shares)
        .saturating_sub(withdrawn)
}

/// Checks a purchase of `n` shares by a buyer who already bought `bought`
/// of an offering of `shares` with `sold` sold and per-buyer cap `cap`
/// (0 = none), in `phase`.
///
/// # Errors
/// The first [`BuyRefusal`] that applies, in the order of its variants.
pub fn check_buy(
    phase: Phase,
    shares: U256,
    sold: U256,
    cap: U256,
    bought: U256,
    n: U256,
) -> Result<(), BuyRefusal> {
    if phase != Phase::Open {
        return Err(BuyRefusal::NotOpen(phase));
    }
    if n.is_zero() {
        return Err(BuyRefusal::ZeroShares);
    }
    let available = shares.saturating_sub(sold);
    if n > available {
        return Err(BuyRefusal::Insufficient { available });
    }
    // `bought + n ≤ shares`: no saturation in practice.
    let total = bought.saturating_add(n);
    if !cap.is_zero() && total > cap {
        return Err(BuyRefusal::CapExceeded { total });
    }
    Ok(())
}

/// Checks a refund by a buyer who bought `bought` shares (and has or has
/// not `refunded` them already), in `phase`.
///
/// # Errors
/// [`RefundRefusal::NotFailed`] while open or after a successful raise,
/// [`RefundRefusal::WindowOver`] after the refund window,
/// [`RefundRefusal::Nothing`] without an unrefunded purchase.
pub fn check_refund(phase: Phase, bought: U256, refunded: bool) -> Result<(), RefundRefusal> {
    match phase {
        Phase::Refunding => {}
        Phase::Failed => return Err(RefundRefusal::WindowOver),
        Phase::Open | Phase::Succeeded => return Err(RefundRefusal::NotFailed),
    }
    if bought.is_zero() || refunded {
        return Err(RefundRefusal::Nothing);
    }
    Ok(())
}

/// Whether the ABI return data of `revenueTokens() returns (address[])`
/// lists `token`. Malformed data (a head other than `0x20`, a length word
/// above 2^32) lists nothing; of a list longer than the data, only the
/// entries present are read.
#[must_use]
pub fn lists_token(ret: &[u8], token: Address) -> bool {
    let word = |i: usize| ret.get(32 * i..32 * (i + 1));
    if word(0).map(U256::from_be_slice) != Some(U256::from(32)) {
        return false;
    }
    let Some(len) = word(1).map(U256::from_be_slice) else {
        return false;
    };
    let Ok(len) = u32::try_from(len) else {
        return false;
    };
    let want = token.into_word();
    (0..len as usize)
        .map_while(|i| word(2 + i))
        .any(|w| w == want.as_slice())
}

/// The `N` static argument words of `calldata` (after its 4-byte
/// selector), or `None` if it is shorter (extra bytes are ignored, as by
/// Solidity's decoder).
#[must_use]
pub fn arg_words<const N: usize>(calldata: &[u8]) -> Option<[B256; N]> {
    let args = calldata.get(4..4 + 32 * N)?;
    let mut out = [B256::ZERO; N];
    for (word, chunk) in out.iter_mut().zip(args.chunks_exact(32)) {
        word.0.copy_from_slice(chunk);
    }
    Some(out)
}

/// An ABI `uint64` word, or `None` if its 24 high bytes are not zero.
#[must_use]
pub fn word_u64(word: B256) -> Option<u64> {
    let (high, low) = word.0.split_at(24);
    high.iter().all(|&b| b == 0).then(|| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(low);
        u64::from_be_bytes(bytes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use alloy_primitives::U512;
    use proptest::prelude::*;

    fn u(x: u128) -> U256 {
        U256::from(x)
    }

    const W: u128 = WAD as u128;

    #[test]
    fn cost_rounds_up_to_the_base_unit() {
        // One whole share at 1 token (6 decimals): 1e6.
        assert_eq!(cost(u(W), u(1_000_000)), Some(u(1_000_000)));
        // One share unit at 1e6 per share: 1e-12 base units, rounded up to 1.
        assert_eq!(cost(u(1), u(1_000_000)), Some(u(1)));
        // Half a share at 3 base units: 1.5 → 2.
        assert_eq!(cost(u(W / 2), u(3)), Some(u(2)));
        assert_eq!(cost(U256::ZERO, u(3)), Some(U256::ZERO));
        assert_eq!(cost(U256::MAX, u(2)), None);
        // Share amounts are 128-bit.
        assert_eq!(cost(MAX_TOTAL, u(1)), Some(div_wad_ceil(MAX_TOTAL)));
        assert_eq!(cost(MAX_TOTAL + u(1), u(1)), None);
        assert_eq!(mul_128(MAX_TOTAL, MAX_TOTAL), Some(MAX_TOTAL * MAX_TOTAL));
        assert_eq!(mul_128(u(2), U256::MAX), None);
        assert_eq!(mul_128(u(1), U256::MAX), Some(U256::MAX));
        assert_eq!(div_wad_ceil(U256::MAX), U256::MAX / u(W) + u(1));
        assert_eq!(div_wad_ceil(u(W)), u(1));
        assert_eq!(div_wad_ceil(u(W + 1)), u(2));
    }

    #[test]
    fn offering_cost_keeps_the_counters_in_128_bits() {
        let max = MAX_TOTAL;
        // Price 1 per whole share: cost = ⌈shares / 1e18⌉.
        assert_eq!(offering_cost(u(W), u(1)), Some(u(1)));
        // shares alone at the limit: cost 1 more overflows.
        assert_eq!(offering_cost(max - u(1), u(1)), None);
        // cost = ⌈shares / 1e18⌉ ≈ 3.4e20 fits the room left by 1e21.
        let shares = max - u(1000 * W);
        assert_eq!(offering_cost(shares, u(1)), Some(div_wad_ceil(shares)));
        assert_eq!(offering_cost(u(1), MAX_TOTAL * u(W)), None);
        assert_eq!(offering_cost(u(2), U256::MAX), None);
    }

    #[test]
    fn deadlines_are_bounded() {
        let now = 1_000;
        assert!(!valid_deadline(now, now));
        assert!(valid_deadline(now, now + 1));
        assert!(valid_deadline(now, now + MAX_OFFERING_DURATION));
        assert!(!valid_deadline(now, now + MAX_OFFERING_DURATION + 1));
        assert!(!valid_deadline(now, 0));
        assert!(valid_deadline(u64::MAX - 1, u64::MAX));
        assert_eq!(refund_deadline(u64::MAX), u64::MAX);
        assert_eq!(refund_deadline(10), 10 + 30 * 86_400);
    }

    #[test]
    fn phase_boundaries() {
        let (d, s, m) = (100, u(10), u(50));
        let p = |now, sold, raised| phase(now, d, s, u(sold), u(raised), m);
        assert_eq!(p(100, 9, 0), Phase::Open);
        assert_eq!(p(100, 9, 60), Phase::Open);
        // Sold out closes before the deadline.
        assert_eq!(p(50, 10, 60), Phase::Succeeded);
        assert_eq!(p(101, 9, 50), Phase::Succeeded);
        assert_eq!(p(101, 9, 49), Phase::Refunding);
        assert_eq!(p(100 + REFUND_WINDOW, 9, 49), Phase::Refunding);
        assert_eq!(p(101 + REFUND_WINDOW, 9, 49), Phase::Failed);
        assert_eq!(p(101 + REFUND_WINDOW, 0, 0), Phase::Failed);
        // minRaise 0: an unsold, closed offering succeeded.
        assert_eq!(
            phase(101, d, s, U256::ZERO, U256::ZERO, U256::ZERO),
            Phase::Succeeded
        );
    }

    #[test]
    fn buy_checks_in_order() {
        let open = Phase::Open;
        let (s, sold) = (u(100), u(60));
        assert_eq!(
            check_buy(
                Phase::Succeeded,
                s,
                sold,
                U256::ZERO,
                U256::ZERO,
                U256::ZERO
            ),
            Err(BuyRefusal::NotOpen(Phase::Succeeded))
        );
        assert_eq!(
            check_buy(open, s, sold, U256::ZERO, U256::ZERO, U256::ZERO),
            Err(BuyRefusal::ZeroShares)
        );
        assert_eq!(
            check_buy(open, s, sold, U256::ZERO, U256::ZERO, u(41)),
            Err(BuyRefusal::Insufficient { available: u(40) })
        );
        assert_eq!(check_buy(open, s, sold, U256::ZERO, u(60), u(40)), Ok(()));
        assert_eq!(check_buy(open, s, sold, u(30), u(10), u(20)), Ok(()));
        assert_eq!(
            check_buy(open, s, sold, u(30), u(10), u(21)),
            Err(BuyRefusal::CapExceeded { total: u(31) })
        );
    }

    #[test]
    fn refund_checks() {
        assert_eq!(
            check_refund(Phase::Open, u(1), false),
            Err(RefundRefusal::NotFailed)
        );
        assert_eq!(
            check_refund(Phase::Succeeded, u(1), false),
            Err(RefundRefusal::NotFailed)
        );
        assert_eq!(
            check_refund(Phase::Failed, u(1), false),
            Err(RefundRefusal::WindowOver)
        );
        assert_eq!(
            check_refund(Phase::Refunding, u(0), false),
            Err(RefundRefusal::Nothing)
        );
        assert_eq!(
            check_refund(Phase::Refunding, u(1), true),
            Err(RefundRefusal::Nothing)
        );
        assert_eq!(check_refund(Phase::Refunding, u(1), false), Ok(()));
    }

    #[test]
    fn proceeds_and_shares_due() {
        let (r, m) = (u(100), u(80));
        // Funded, still open: payable.
        assert_eq!(proceeds_due(Phase::Open, r, m, U256::ZERO, u(30)), u(70));
        // Not funded: nothing while open or refunding.
        assert_eq!(
            proceeds_due(Phase::Open, r, u(101), U256::ZERO, U256::ZERO),
            U256::ZERO
        );
        assert_eq!(
            proceeds_due(Phase::Refunding, r, u(101), u(10), U256::ZERO),
            U256::ZERO
        );
        // Failed: what was not refunded.
        assert_eq!(proceeds_due(Phase::Failed, r, u(101), u(10), u(5)), u(85));
        assert_eq!(
            seller_shares_due(Phase::Open, u(10), u(3), U256::ZERO, U256::ZERO),
            U256::ZERO
        );
        assert_eq!(
            seller_shares_due(Phase::Refunding, u(10), u(3), u(2), u(7)),
            u(2)
        );
        assert_eq!(
            seller_shares_due(Phase::Succeeded, u(10), u(3), U256::ZERO, U256::ZERO),
            u(7)
        );
    }

    fn encode_list(tokens: &[Address]) -> Vec<u8> {
        let mut out = u(32).to_be_bytes::<32>().to_vec();
        out.extend_from_slice(&U256::from(tokens.len()).to_be_bytes::<32>());
        for t in tokens {
            out.extend_from_slice(t.into_word().as_slice());
        }
        out
    }

    #[test]
    fn revenue_token_lists() {
        use alloy_sol_types::SolValue;
        let (a, b, c) = (
            Address::repeat_byte(0xa),
            Address::repeat_byte(0xb),
            Address::repeat_byte(0xc),
        );
        let list = encode_list(&[a, b]);
        // The hand encoding is alloy's.
        assert_eq!(list, alloc::vec![a, b].abi_encode());
        assert!(lists_token(&list, a));
        assert!(lists_token(&list, b));
        assert!(!lists_token(&list, c));
        assert!(!lists_token(&encode_list(&[]), a));
        assert!(!lists_token(&[], a));
        // A wrong head, or a length word beyond 32 bits, lists nothing.
        let mut bad = list.clone();
        bad[31] = 64;
        assert!(!lists_token(&bad, a));
        let mut huge = list.clone();
        huge[32] = 1;
        assert!(!lists_token(&huge, a));
        // A length beyond the data: only the entries present count.
        let mut long = list.clone();
        long[63] = 5;
        assert!(lists_token(&long, b));
        let truncated = &list[..list.len() - 1];
        assert!(lists_token(truncated, a));
        assert!(!lists_token(truncated, b));
        // Dirty high bytes are not an address.
        let mut dirty = list;
        dirty[64] = 1;
        assert!(!lists_token(&dirty, a));
    }

    #[test]
    fn static_arguments_decode_like_solidity() {
        use alloy_sol_types::SolValue;
        let word_address = |w: B256| stylus_ip_common::abi::address_at(w.as_slice(), 0);
        let (a, n, d) = (Address::repeat_byte(0xab), U256::MAX - u(5), u64::MAX - 7);
        let mut calldata = alloc::vec![1, 2, 3, 4];
        calldata.extend((a, n, d).abi_encode_params());
        let [wa, wn, wd] = arg_words(&calldata).unwrap();
        assert_eq!(word_address(wa), Some(a));
        assert_eq!(U256::from_be_bytes(wn.0), n);
        assert_eq!(word_u64(wd), Some(d));
        // Extra bytes are ignored; missing ones refuse.
        assert!(arg_words::<2>(&calldata).is_some());
        assert!(arg_words::<4>(&calldata).is_none());
        assert!(arg_words::<1>(&calldata[..35]).is_none());
        assert_eq!(arg_words::<0>(&calldata[..4]), Some([]));
        // Dirty high bits are not an address or a uint64.
        assert_eq!(word_address(wn), None);
        assert_eq!(word_u64(wn), None);
        let mut high = B256::ZERO;
        high.0[11] = 1;
        assert_eq!(word_address(high), None);
        high.0[11] = 0;
        high.0[23] = 1;
        assert_eq!(word_u64(high), None);
        assert_eq!(word_address(high), Some(Address::from_slice(&high.0[12..])));
    }

    fn any_u256() -> impl Strategy<Value = U256> {
        prop_oneof![
            any::<[u64; 4]>().prop_map(U256::from_limbs),
            any::<u128>().prop_map(U256::from),
            any::<u64>().prop_map(U256::from),
            (any::<u128>(), 0..4u64).prop_map(|(x, hi)| U256::from(x) | (U256::from(hi) << 128)),
        ]
    }

    proptest! {
        /// `div_wad_ceil` is the exact ceiling (checked in 512 bits).
        #[test]
        fn div_wad_ceil_is_exact(x in any_u256()) {
            let q = div_wad_ceil(x);
            let w = U512::from(WAD);
            let x = U512::from(x);
            let q = U512::from(q);
            prop_assert!(q * w >= x);
            prop_assert!(q.is_zero() || (q - U512::from(1)) * w < x);
        }

        /// `mul_128` is the exact product (checked in 512 bits).
        #[test]
        fn mul_128_is_exact(a in any_u256(), b in any_u256()) {
            let exact = U512::from(a) * U512::from(b);
            match mul_128(a, b) {
                None => prop_assert!(a > MAX_TOTAL || exact > U512::from(U256::MAX)),
                Some(p) => {
                    prop_assert!(a <= MAX_TOTAL);
                    prop_assert_eq!(U512::from(p), exact);
                }
            }
        }

        /// The cost is never below the exact price, by less than one base
        /// unit, and `None` exactly when the shares are not below 2^128 or
        /// the product overflows.
        #[test]
        fn cost_is_the_exact_price_rounded_up(n in any_u256(), p in any_u256()) {
            let exact = U512::from(n) * U512::from(p);
            match cost(n, p) {
                None => prop_assert!(n > MAX_TOTAL || exact > U512::from(U256::MAX)),
                Some(c) => {
                    let c = U512::from(c) * U512::from(WAD);
                    prop_assert!(c >= exact);
                    prop_assert!(c < exact + U512::from(WAD));
                }
            }
        }

        /// `offering_cost` accepts exactly the offerings whose cost plus
        /// share count fits 128 bits (checked in 512 bits near the limit).
        #[test]
        fn offering_cost_bound_is_exact(below in 0..10u128.pow(22), price in 1..=3_u64) {
            let shares = MAX_TOTAL - U256::from(below);
            let exact = U512::from(cost(shares, U256::from(price)).unwrap()) + U512::from(shares);
            let fits = exact <= U512::from(MAX_TOTAL);
            prop_assert_eq!(offering_cost(shares, U256::from(price)).is_some(), fits);
        }

        /// Splitting a purchase never makes it cheaper, by less than one
        /// base unit per extra purchase.
        #[test]
        fn split_purchases_cost_at_least_the_whole(a in any::<u128>(), b in any::<u128>(), p in any::<u128>()) {
            let (a, b, p) = (U256::from(a >> 2), U256::from(b >> 2), U256::from(p));
            let (ca, cb, cab) = (cost(a, p).unwrap(), cost(b, p).unwrap(), cost(a + b, p).unwrap());
            prop_assert!(ca + cb >= cab);
            prop_assert!(ca + cb <= cab + U256::from(1));
            prop_assert!(ca <= cab);
        }

        /// The phase is monotone in time: once closed an offering never
        /// reopens, a success stays a success, a failure goes from
        /// refunding to failed and stays there.
        #[test]
        fn phases_only_move_forward(
            t1 in any::<u64>(), dt in any::<u64>(), deadline in any::<u64>(),
            shares in any::<u64>(), sold in any::<u64>(), raised in any::<u64>(), min in any::<u64>(),
        ) {
            let t2 = t1.saturating_add(dt);
            let (s, sold) = (U256::from(shares), U256::from(sold.min(shares)));
            let (r, m) = (U256::from(raised), U256::from(min));
            let p1 = phase(t1, deadline, s, sold, r, m);
            let p2 = phase(t2, deadline, s, sold, r, m);
            prop_assert!(p1 as u8 <= p2 as u8);
            if p1 != Phase::Open {
                prop_assert!(p2 != Phase::Open);
            }
            if p1 == Phase::Succeeded {
                prop_assert_eq!(p2, Phase::Succeeded);
            }
            if p1 == Phase::Failed {
                prop_assert_eq!(p2, Phase::Failed);
            }
            // Open exactly before the deadline with shares left.
            prop_assert_eq!(p1 == Phase::Open, t1 <= deadline && sold < s);
            // Refunds only for a failed raise, inside the window.
            prop_assert_eq!(
                p1 == Phase::Refunding,
                p1 != Phase::Open && r < m && t1 <= refund_deadline(deadline)
            );
        }
    }

    // ------------------------------------------------------------------
    // Conservation: a model of the contract built from these functions.
    // ------------------------------------------------------------------

    const BUYERS: usize = 4;

    /// One step of the model.
    #[derive(Debug, Clone)]
    enum Action {
        Buy(usize, u128),
        Refund(usize),
        WithdrawProceeds,
        WithdrawShares,
        Advance(u64),
        /// Jumps to `deadline + 1 + k` (into or past the refund window of a
        /// failed raise) unless that is in the past.
        PastDeadline(u64),
    }

    /// The offering's counters and everyone's balances, updated exactly as
    /// the contract updates its storage and pays.
    #[derive(Debug, Default)]
    struct Model {
        shares: U256,
        price: U256,
        cap: U256,
        min_raise: U256,
        deadline: u64,
        now: u64,
        sold: U256,
        raised: U256,
        paid_out: U256,
        refunded_paid: U256,
        refunded_shares: U256,
        withdrawn: U256,
        bought: [U256; BUYERS],
        paid: [U256; BUYERS],
        refunded: [bool; BUYERS],
        // The world: what moved where.
        payments_in: U256,
        to_payee: U256,
        refunds_out: U256,
        buyer_shares: [U256; BUYERS],
        seller_shares: U256,
        offering_shares: U256,
        ever_funded: bool,
    }

    impl Model {
        fn phase(&self) -> Phase {
            phase(
                self.now,
                self.deadline,
                self.shares,
                self.sold,
                self.raised,
                self.min_raise,
            )
        }

        fn apply(&mut self, action: &Action) {
            let ph = self.phase();
            match *action {
                Action::Buy(b, n) => {
                    let n = U256::from(n);
                    let ok = check_buy(ph, self.shares, self.sold, self.cap, self.bought[b], n);
                    if ok.is_ok() {
                        let c = cost(n, self.price).unwrap();
                        self.sold += n;
                        self.raised += c;
                        self.bought[b] += n;
                        self.paid[b] += c;
                        self.payments_in += c;
                        self.offering_shares -= n;
                        self.buyer_shares[b] += n;
                    }
                }
                Action::Refund(b) => {
                    if check_refund(ph, self.bought[b], self.refunded[b]).is_ok() {
                        self.refunded[b] = true;
                        self.refunded_shares += self.bought[b];
                        self.refunded_paid += self.paid[b];
                        self.buyer_shares[b] -= self.bought[b];
                        self.offering_shares += self.bought[b];
                        self.refunds_out += self.paid[b];
                    }
                }
                Action::WithdrawProceeds => {
                    let due = proceeds_due(
                        ph,
                        self.raised,
                        self.min_raise,
                        self.refunded_paid,
                        self.paid_out,
                    );
                    self.paid_out += due;
                    self.to_payee += due;
                }
                Action::WithdrawShares => {
                    let due = seller_shares_due(
                        ph,
                        self.shares,
                        self.sold,
                        self.refunded_shares,
                        self.withdrawn,
                    );
                    self.withdrawn += due;
                    self.offering_shares -= due;
                    self.seller_shares += due;
                }
                Action::Advance(dt) => self.now += dt,
                Action::PastDeadline(k) => self.now = self.now.max(self.deadline + 1 + k),
            }
            self.ever_funded |= self.raised >= self.min_raise;
        }

        fn check(&self) {
            // Money: everything paid in is paid to the payee, refunded, or held.
            let held = self.raised - self.paid_out - self.refunded_paid;
            assert_eq!(self.payments_in, self.raised);
            assert_eq!(self.payments_in, self.to_payee + self.refunds_out + held);
            // The payee never touches an unsuccessful raise inside the window.
            if !self.ever_funded && self.phase() != Phase::Failed {
                assert_eq!(self.to_payee, U256::ZERO);
            }
            // A successful raise is never refunded.
            if self.ever_funded {
                assert_eq!(self.refunds_out, U256::ZERO);
            }
            // The counters fit their 128 bits.
            assert!(self.raised <= cost(self.shares, self.price).unwrap() + self.shares);
            assert!(self.raised <= MAX_TOTAL);
            // Shares: deposited = buyers' + seller's + still held.
            let buyers: U256 = self.buyer_shares.iter().copied().sum();
            assert_eq!(
                buyers + self.seller_shares + self.offering_shares,
                self.shares
            );
            assert_eq!(
                self.offering_shares,
                self.shares - self.sold + self.refunded_shares - self.withdrawn
            );
            for b in 0..BUYERS {
                let held = if self.refunded[b] {
                    U256::ZERO
                } else {
                    self.bought[b]
                };
                assert_eq!(self.buyer_shares[b], held);
                assert!(self.cap.is_zero() || self.bought[b] <= self.cap);
            }
        }

        /// After the refund window everything paid in has left, to exactly
        /// one party each, and every share is with a buyer or the seller.
        fn settle_and_check(&mut self) {
            self.now = self.now.max(refund_deadline(self.deadline) + 1);
            self.apply(&Action::WithdrawProceeds);
            self.apply(&Action::WithdrawShares);
            self.check();
            assert_eq!(self.raised - self.paid_out - self.refunded_paid, U256::ZERO);
            assert_eq!(self.offering_shares, U256::ZERO);
            let mut standing = U256::ZERO;
            let mut refunded = U256::ZERO;
            let mut standing_shares = U256::ZERO;
            for b in 0..BUYERS {
                if self.refunded[b] {
                    refunded += self.paid[b];
                } else {
                    standing += self.paid[b];
                    standing_shares += self.bought[b];
                }
            }
            assert_eq!(self.to_payee, standing);
            assert_eq!(self.refunds_out, refunded);
            assert_eq!(self.seller_shares, self.shares - standing_shares);
            // Nothing more to take by anyone.
            let ph = self.phase();
            assert_eq!(
                proceeds_due(
                    ph,
                    self.raised,
                    self.min_raise,
                    self.refunded_paid,
                    self.paid_out
                ),
                U256::ZERO
            );
            assert_eq!(
                seller_shares_due(
                    ph,
                    self.shares,
                    self.sold,
                    self.refunded_shares,
                    self.withdrawn
                ),
                U256::ZERO
            );
            for b in 0..BUYERS {
                assert!(check_refund(ph, self.bought[b], self.refunded[b]).is_err());
            }
        }
    }

    fn action(shares: u128) -> impl Strategy<Value = Action> {
        prop_oneof![
            4 => (0..BUYERS, 0..=shares / 2).prop_map(|(b, n)| Action::Buy(b, n)),
            1 => (0..BUYERS, 0..=shares).prop_map(|(b, n)| Action::Buy(b, n)),
            4 => (0..BUYERS).prop_map(Action::Refund),
            1 => Just(Action::WithdrawProceeds),
            1 => Just(Action::WithdrawShares),
            1 => (0..40 * DAY).prop_map(Action::Advance),
            1 => (0..REFUND_WINDOW + DAY).prop_map(Action::PastDeadline),
        ]
    }

    fn scenario() -> impl Strategy<Value = (u128, u128, u128, u128, u64, Vec<Action>)> {
        // Minimum raises of 0, anything, or most of the cost (so that many
        // raises fail and refunds happen).
        let min_pct = prop_oneof![Just(0u128), 0..=100u128, 60..=100u128];
        (
            1..=10_000_u128,
            1..=10u128.pow(24),
            0..=10_000_u128,
            min_pct,
            1..=60 * DAY,
        )
            .prop_flat_map(|(whole, price, cap, min_pct, duration)| {
                let shares = whole * W / 100;
                (
                    Just(shares),
                    Just(price),
                    Just(if cap < 2_000 { 0 } else { cap * W / 100 }),
                    Just(min_pct),
                    Just(duration),
                    proptest::collection::vec(action(shares), 0..40),
                )
            })
    }

    proptest! {
        /// Over random sequences of purchases, refunds and withdrawals:
        /// Σ payments in = Σ paid to the payee + Σ refunds + held, shares
        /// are conserved, and once the refund window is over every unit
        /// paid in went to exactly one party (the payee, or the buyer who
        /// refunded), every share to a buyer or the seller.
        #[test]
        fn conservation(
            (shares, price, cap, min_pct, duration, actions) in scenario(),
            late_refunders in any::<[bool; BUYERS]>(),
        ) {
            let (shares, price) = (U256::from(shares), U256::from(price));
            let total = offering_cost(shares, price).unwrap();
            let now = 1_735_689_600;
            let mut m = Model {
                shares,
                price,
                cap: U256::from(cap),
                min_raise: total * U256::from(min_pct) / U256::from(100),
                deadline: now + duration,
                now,
                offering_shares: shares,
                ..Model::default()
            };
            prop_assert!(valid_deadline(now, m.deadline));
            for a in &actions {
                m.apply(a);
                m.check();
            }
            // Then, if the refund window is still ahead or open, some buyers
            // refund in it (a no-op for a successful raise).
            if m.now <= refund_deadline(m.deadline) {
                m.apply(&Action::PastDeadline(0));
                for (b, refunds) in late_refunders.into_iter().enumerate() {
                    if refunds {
                        m.apply(&Action::Refund(b));
                        m.check();
                    }
                }
            }
            m.settle_and_check();
        }
    }
}
