//! Pure buyout maths and decisions (no VM, no storage): periods, the
//! fixed-price pool's ETH escrow, the success rule and the cash-out price.
//!
//! **Prices are rationals.** A proposal sending `value` wei with `shares`
//! deposited out of `supply` offers `value` for the `supply − shares` shares
//! it did not bring: the ETH value of `n` shares is `n · value / (supply −
//! shares)` ([`Price`]). Payouts round down ([`Price::floor`]), charges
//! round up ([`Price::ceil`]), so the escrow never pays out a fraction of a
//! wei it did not receive.
//!
//! **Escrow invariant while trading** (proptested below). Write `x = num /
//! den` for the price, `O` for the shares outside the pool and `held` for
//! the ETH held for the vault. At the proposal `held = num = den · x` and
//! `O = den`. A sale of `a` shares pays `⌊a·x⌋ ≤ a·x` and lowers `O` by `a`;
//! a purchase of `a` shares charges `⌈a·x⌉ ≥ a·x` and raises `O` by `a`;
//! shares sent to the pool directly lower `O` and leave `held` alone. So
//! `held ≥ O · x` at every step: every sale can be paid ([`sell`] never
//! runs dry for a holder who owns the shares it sells), and the rounding
//! dust (below one wei per trade) stays in the escrow.
//!
//! **Settlement** ([`settle`]). After the rejection period the buyout
//! succeeds iff `pool · 1000 / supply > 500` ([`succeeded`]). On success the
//! `held` ETH becomes the cash-out reserve of the `supply − pool` shares
//! still outside, at the cash price `held / (supply − pool) ≥ x` (holders
//! who kept their shares never get less than the offer). On failure all of
//! `held` is credited back to the proposer.
//!
//! **Cash-outs** ([`cash`]) pay `⌊a · cashNum / cashDen⌋` and count the
//! shares against the `outstanding` ones. Since a sum of floors is at most
//! the floor of the sum, `held ≥ ⌊outstanding · cashNum / cashDen⌋` after
//! every cash-out (the remaining holders are always covered), and the dust
//! is below one wei per cash-out. When the last outstanding share is
//! cashed the dust (then `held`) is returned as a credit to the proposer,
//! so the escrow of a fully cashed buyout ends at exactly zero.

use alloy_primitives::{Address, U256};

/// One day in seconds.
pub const DAY: u64 = 86_400;
/// Length of the proposal period, in seconds (2 days): holders may sell
/// shares into the pool during `[start, start + PROPOSAL_PERIOD)`.
pub const PROPOSAL_PERIOD: u64 = 2 * DAY;
/// Length of the rejection period, counted from the proposal, in seconds
/// (4 days): anyone may buy shares from the pool during `[start, start +
/// REJECTION_PERIOD)`, and the buyout can be ended from `start +
/// REJECTION_PERIOD` on.
pub const REJECTION_PERIOD: u64 = 4 * DAY;

/// A buyout record's state, as `buyoutOf(vault).state` reports it.
pub mod state {
    /// No buyout was ever proposed for the vault.
    pub const NONE: u8 = 0;
    /// Proposed and not yet ended.
    pub const ACTIVE: u8 = 1;
    /// Ended with the pool above half of the supply: holders cash out.
    pub const SUCCEEDED: u8 = 2;
    /// Ended without a majority: the vault may get a new proposal.
    pub const FAILED: u8 = 3;
}

/// The vault's `status()` that allows a proposal: the vault holds its asset.
pub const VAULT_ACTIVE: u8 = 2;

/// Largest share supply a buyout serves: 2⁹⁶, the vault's own bound
/// (≈7.9·10¹⁰ whole shares at 18 decimals). Every price denominator is a
/// number of shares, so it stays within this bound too, which lets
/// [`div_rem`] divide without a general 256-bit divider.
pub const MAX_SUPPLY: U256 = U256::from_limbs([0, 1 << 32, 0, 0]);

/// A checked operation left its range (a product above 2²⁵⁶, a division
/// by zero, or a subtraction below zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// End of the proposal period of a buyout started at `start`.
#[must_use]
pub const fn proposal_end(start: u64) -> u64 {
    start.saturating_add(PROPOSAL_PERIOD)
}

/// End of the rejection period of a buyout started at `start`.
#[must_use]
pub const fn rejection_end(start: u64) -> u64 {
    start.saturating_add(REJECTION_PERIOD)
}

/// Whether shares may be sold into the pool at `now`: `now < start + 2 days`.
#[must_use]
pub const fn selling_open(now: u64, start: u64) -> bool {
    now < proposal_end(start)
}

/// Whether shares may be bought from the pool at `now`: `now < start + 4 days`.
#[must_use]
pub const fn buying_open(now: u64, start: u64) -> bool {
    now < rejection_end(start)
}

/// Whether the buyout may be ended at `now`: `now ≥ start + 4 days` (exactly
/// when buying has closed, so the decision never shares a block time with a
/// trade).
#[must_use]
pub const fn can_end(now: u64, start: u64) -> bool {
    !buying_open(now, start)
}

/// Whether a pool of `pool` shares out of `supply` carries the buyout:
/// `pool · 1000 / supply > 500` (integer division), as Tessera's optimistic
/// buyout. A zero supply (a redeemed vault) never does.
#[must_use]
pub fn succeeded(pool: U256, supply: U256) -> bool {
    if supply.is_zero() {
        return false;
    }
    // ⌊a / b⌋ > 500 ⟺ a ≥ 501 · b: compared without a division.
    match (
        pool.checked_mul(U256::from(1000)),
        supply.checked_mul(U256::from(501)),
    ) {
        (Some(a), Some(b)) => a >= b,
        // Only a vault reporting more than 2²⁴⁶ shares gets here.
        _ => pool > supply >> 1,
    }
}

/// A price per share as the rational `num / den` (wei per share base unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    /// Numerator (wei).
    pub num: U256,
    /// Denominator (shares).
    pub den: U256,
}

impl Price {
    /// No price (a buyout without cash-outs).
    pub const ZERO: Self = Self {
        num: U256::ZERO,
        den: U256::ZERO,
    };

    /// `amount · num / den` as quotient and remainder.
    ///
    /// # Errors
    /// [`Overflow`] if `amount · num` exceeds 2²⁵⁶ or `den` is zero or
    /// above [`MAX_SUPPLY`].
    fn value(self, amount: U256) -> Result<(U256, u128), Overflow> {
        let product = amount.checked_mul(self.num).ok_or(Overflow)?;
        if self.den.is_zero() || self.den > MAX_SUPPLY {
            return Err(Overflow);
        }
        let [lo, hi, ..] = *self.den.as_limbs();
        Ok(div_rem(product, u128::from(hi) << 64 | u128::from(lo)))
    }

    /// The ETH value of `amount` shares, rounded down: what the escrow pays.
    ///
    /// # Errors
    /// [`Overflow`] if `amount · num` exceeds 2²⁵⁶, or `den` is zero or
    /// above [`MAX_SUPPLY`].
    pub fn floor(self, amount: U256) -> Result<U256, Overflow> {
        Ok(self.value(amount)?.0)
    }

    /// The ETH value of `amount` shares, rounded up: what the escrow charges.
    ///
    /// # Errors
    /// As [`Self::floor`].
    pub fn ceil(self, amount: U256) -> Result<U256, Overflow> {
        let (quotient, remainder) = self.value(amount)?;
        if remainder == 0 {
            Ok(quotient)
        } else {
            quotient.checked_add(U256::from(1)).ok_or(Overflow)
        }
    }
}

/// The first storage word of a buyout record ([`Meta::pack`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Meta {
    /// Who proposed.
    pub proposer: Address,
    /// Block time of the proposal.
    pub start: u64,
    /// See [`state`].
    pub state: u8,
    /// The vault released the asset to the proposer.
    pub released: bool,
}

impl Meta {
    /// Packs the fields into one word, big-endian bytes `[2]` released,
    /// `[3]` state, `[4..12]` start, `[12..32]` proposer (bytes 0 and 1 are
    /// zero).
    #[must_use]
    pub fn pack(self) -> U256 {
        let mut b = [0u8; 32];
        b[2] = u8::from(self.released);
        b[3] = self.state;
        b[4..12].copy_from_slice(&self.start.to_be_bytes());
        b[12..].copy_from_slice(self.proposer.as_slice());
        U256::from_be_bytes(b)
    }

    /// Inverse of [`Self::pack`].
    #[must_use]
    pub fn unpack(word: U256) -> Self {
        let b = word.to_be_bytes::<32>();
        let mut start = [0u8; 8];
        start.copy_from_slice(&b[4..12]);
        Self {
            proposer: Address::from_slice(&b[12..]),
            start: u64::from_be_bytes(start),
            state: b[3],
            released: b[2] != 0,
        }
    }
}

/// Packs two amounts below 2¹²⁸ into one storage word, `hi` in the upper
/// half (prices as numerator and denominator, the escrow as wei held and
/// shares outstanding).
///
/// # Errors
/// [`Overflow`] if either amount is 2¹²⁸ or more.
pub fn pack_pair(hi: U256, lo: U256) -> Result<U256, Overflow> {
    let [h0, h1, h2, h3] = *hi.as_limbs();
    let [l0, l1, l2, l3] = *lo.as_limbs();
    if h2 | h3 | l2 | l3 != 0 {
        return Err(Overflow);
    }
    Ok(U256::from_limbs([l0, l1, h0, h1]))
}

/// Inverse of [`pack_pair`]: `(hi, lo)`.
#[must_use]
pub fn unpack_pair(word: U256) -> (U256, U256) {
    let [l0, l1, h0, h1] = *word.as_limbs();
    (
        U256::from_limbs([h0, h1, 0, 0]),
        U256::from_limbs([l0, l1, 0, 0]),
    )
}

/// `n / d` (floor) and `n % d` for a divisor `1 ≤ d ≤ 2⁹⁶`, by long division
/// in 32-bit digits on `u128`: the remainder stays below 2⁹⁶, so `remainder ·
/// 2³² + digit` fits a `u128`. Avoids linking a general 256-bit divider into
/// the contract.
#[must_use]
pub fn div_rem(n: U256, d: u128) -> (U256, u128) {
    debug_assert!(d != 0 && d <= 1u128 << 96);
    let limbs = n.as_limbs();
    let mut out = [0u64; 4];
    let mut r: u128 = 0;
    for i in (0..4).rev() {
        let mut q = 0u64;
        for half in [limbs[i] >> 32, limbs[i] & 0xffff_ffff] {
            let x = (r << 32) | u128::from(half);
            // `x < d · 2³²`, so the digit fits 32 bits.
            q = (q << 32) | (x / d) as u64;
            r = x % d;
        }
        out[i] = q;
    }
    (U256::from_limbs(out), r)
}

/// A trade with the escrow: the ETH moved and the ETH held afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trade {
    /// Wei paid to a seller or charged to a buyer.
    pub value: U256,
    /// Wei held for the vault after the trade.
    pub held: U256,
}

/// A sale of `amount` shares into the pool at `price`: pays
/// `⌊amount · price⌋` out of `held`.
///
/// # Errors
/// [`Overflow`] if the value overflows or exceeds `held` (impossible for a
/// seller who owns the shares, by the escrow invariant in the module docs).
pub fn sell(held: U256, price: Price, amount: U256) -> Result<Trade, Overflow> {
    let value = price.floor(amount)?;
    let held = held.checked_sub(value).ok_or(Overflow)?;
    Ok(Trade { value, held })
}

/// A purchase of `amount` shares from the pool at `price`: charges
/// `⌈amount · price⌉` into `held`.
///
/// # Errors
/// [`Overflow`] if the value or the new `held` overflows.
pub fn buy(held: U256, price: Price, amount: U256) -> Result<Trade, Overflow> {
    let value = price.ceil(amount)?;
    let held = held.checked_add(value).ok_or(Overflow)?;
    Ok(Trade { value, held })
}

/// The outcome of ending a buyout ([`settle`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// The pool carried the buyout.
    pub success: bool,
    /// Cash-out price on success: the held ETH over the shares outside the
    /// pool ([`Price::ZERO`] on failure).
    pub cash: Price,
    /// Shares that may still be cashed out (the shares outside the pool).
    pub outstanding: U256,
    /// Wei credited to the proposer now: everything on failure; on success
    /// everything only when no share is left outside (nobody to cash out).
    pub credit: U256,
    /// Wei still held for the vault (the cash-out reserve).
    pub held: U256,
}

/// Ends a buyout holding `held` wei whose pool holds `pool` of the
/// `supply` shares (see [`succeeded`]).
#[must_use]
pub fn settle(held: U256, pool: U256, supply: U256) -> Settlement {
    if !succeeded(pool, supply) {
        return Settlement {
            success: false,
            cash: Price::ZERO,
            outstanding: U256::ZERO,
            credit: held,
            held: U256::ZERO,
        };
    }
    // `pool ≤ supply` for any ERC-20; saturation only guards a lying vault.
    let outside = supply.saturating_sub(pool);
    let cash = Price {
        num: held,
        den: outside,
    };
    if outside.is_zero() {
        Settlement {
            success: true,
            cash,
            outstanding: U256::ZERO,
            credit: held,
            held: U256::ZERO,
        }
    } else {
        Settlement {
            success: true,
            cash,
            outstanding: outside,
            credit: U256::ZERO,
            held,
        }
    }
}

/// Why a cash-out was refused ([`cash`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CashRefusal {
    /// More shares than are still outstanding.
    ExceedsOutstanding,
    /// A checked operation failed (unreachable with a consistent record).
    Overflow,
}

impl From<Overflow> for CashRefusal {
    fn from(_: Overflow) -> Self {
        Self::Overflow
    }
}

/// A cash-out's effect on the escrow ([`cash`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CashOut {
    /// Wei owed for the shares: `⌊amount · cashNum / cashDen⌋`.
    pub value: U256,
    /// Wei still held for the vault afterwards.
    pub held: U256,
    /// Shares still outstanding afterwards.
    pub outstanding: U256,
    /// Rounding dust released to the proposer: what is left of `held` once
    /// no share is outstanding (below one wei per cash-out), else zero.
    pub dust: U256,
}

/// Cashes out `amount` of the `outstanding` shares at price `cash` from
/// `held` wei.
///
/// # Errors
/// [`CashRefusal::ExceedsOutstanding`] for more than `outstanding` shares;
/// [`CashRefusal::Overflow`] if the value overflows or exceeds `held`
/// (impossible for a record made by [`settle`] and changed only here).
pub fn cash(
    held: U256,
    cash: Price,
    outstanding: U256,
    amount: U256,
) -> Result<CashOut, CashRefusal> {
    let outstanding = outstanding
        .checked_sub(amount)
        .ok_or(CashRefusal::ExceedsOutstanding)?;
    let value = cash.floor(amount)?;
    let held = held.checked_sub(value).ok_or(Overflow)?;
    Ok(if outstanding.is_zero() {
        CashOut {
            value,
            held: U256::ZERO,
            outstanding,
            dust: held,
        }
    } else {
        CashOut {
            value,
            held,
            outstanding,
            dust: U256::ZERO,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn u(x: u128) -> U256 {
        U256::from(x)
    }

    fn price(num: u128, den: u128) -> Price {
        Price {
            num: u(num),
            den: u(den),
        }
    }

    #[test]
    fn periods_have_exact_bounds() {
        let start = 1_000;
        assert_eq!(proposal_end(start), start + 2 * DAY);
        assert_eq!(rejection_end(start), start + 4 * DAY);
        assert!(selling_open(start, start));
        assert!(selling_open(start + 2 * DAY - 1, start));
        assert!(!selling_open(start + 2 * DAY, start));
        assert!(buying_open(start + 2 * DAY, start));
        assert!(buying_open(start + 4 * DAY - 1, start));
        assert!(!buying_open(start + 4 * DAY, start));
        assert!(!can_end(start + 4 * DAY - 1, start));
        assert!(can_end(start + 4 * DAY, start));
        // Saturating ends: a start near the end of time never wraps around.
        assert_eq!(rejection_end(u64::MAX - 1), u64::MAX);
        assert!(buying_open(u64::MAX - 1, u64::MAX - 1));
    }

    #[test]
    fn success_needs_more_than_half_in_tenths_of_a_percent() {
        assert!(!succeeded(u(500), u(1000)));
        assert!(succeeded(u(501), u(1000)));
        // 50.05 % rounds down to 500 ‰: not enough.
        assert!(!succeeded(u(5005), u(10_000)));
        assert!(succeeded(u(5010), u(10_000)));
        assert!(succeeded(u(1000), u(1000)));
        assert!(!succeeded(u(0), u(1000)));
        assert!(!succeeded(u(0), u(0)));
        assert!(!succeeded(u(1), u(0)));
        // Beyond the products' range (no real vault): more than half wins.
        assert!(succeeded(U256::MAX, U256::MAX - u(1)));
        assert!(!succeeded(U256::MAX >> 1, U256::MAX));
    }

    #[test]
    fn floor_and_ceil_round_apart_only_when_inexact() {
        let p = price(10, 3);
        assert_eq!(p.floor(u(1)), Ok(u(3)));
        assert_eq!(p.ceil(u(1)), Ok(u(4)));
        assert_eq!(p.floor(u(3)), Ok(u(10)));
        assert_eq!(p.ceil(u(3)), Ok(u(10)));
        assert_eq!(p.floor(u(0)), Ok(u(0)));
        assert_eq!(Price::ZERO.floor(u(1)), Err(Overflow));
        let too_many = Price {
            num: u(1),
            den: MAX_SUPPLY + u(1),
        };
        assert_eq!(too_many.floor(u(1)), Err(Overflow));
        assert_eq!(too_many.ceil(u(1)), Err(Overflow));
        assert_eq!(price(1, 1).floor(U256::MAX), Ok(U256::MAX));
        assert_eq!(price(2, 1).floor(U256::MAX), Err(Overflow));
        assert_eq!(price(2, 1).ceil(U256::MAX), Err(Overflow));
    }

    #[test]
    fn sell_and_buy_move_the_rounded_value() {
        let p = price(10, 3);
        assert_eq!(
            sell(u(10), p, u(2)),
            Ok(Trade {
                value: u(6),
                held: u(4)
            })
        );
        assert_eq!(sell(u(5), p, u(2)), Err(Overflow));
        assert_eq!(
            buy(u(4), p, u(2)),
            Ok(Trade {
                value: u(7),
                held: u(11)
            })
        );
        assert_eq!(buy(U256::MAX, p, u(2)), Err(Overflow));
    }

    #[test]
    fn settle_success_failure_and_nobody_outside() {
        assert_eq!(
            settle(u(900), u(600), u(1000)),
            Settlement {
                success: true,
                cash: price(900, 400),
                outstanding: u(400),
                credit: u(0),
                held: u(900),
            }
        );
        assert_eq!(
            settle(u(900), u(500), u(1000)),
            Settlement {
                success: false,
                cash: Price::ZERO,
                outstanding: u(0),
                credit: u(900),
                held: u(0),
            }
        );
        assert_eq!(
            settle(u(7), u(1000), u(1000)),
            Settlement {
                success: true,
                cash: price(7, 0),
                outstanding: u(0),
                credit: u(7),
                held: u(0),
            }
        );
        // A redeemed vault (no supply) fails and refunds.
        assert!(!settle(u(7), u(0), u(0)).success);
    }

    #[test]
    fn cash_pays_floor_and_releases_dust_at_the_last_share() {
        // 10 wei for 3 shares: 3, 3, then the last share's 3 plus 1 dust.
        let p = price(10, 3);
        let a = cash(u(10), p, u(3), u(1)).unwrap();
        assert_eq!(
            (a.value, a.held, a.outstanding, a.dust),
            (u(3), u(7), u(2), u(0))
        );
        let b = cash(a.held, p, a.outstanding, u(1)).unwrap();
        assert_eq!(
            (b.value, b.held, b.outstanding, b.dust),
            (u(3), u(4), u(1), u(0))
        );
        let c = cash(b.held, p, b.outstanding, u(1)).unwrap();
        assert_eq!(
            (c.value, c.held, c.outstanding, c.dust),
            (u(3), u(0), u(0), u(1))
        );
        assert_eq!(
            cash(c.held, p, c.outstanding, u(1)),
            Err(CashRefusal::ExceedsOutstanding)
        );
        assert_eq!(cash(u(2), p, u(3), u(1)), Err(CashRefusal::Overflow));
    }

    #[test]
    fn record_words_pack_and_unpack() {
        let m = Meta {
            proposer: Address::repeat_byte(0xab),
            start: u64::MAX - 1,
            state: state::FAILED,
            released: true,
        };
        let w = m.pack();
        assert_eq!(Meta::unpack(w), m);
        assert_eq!(w >> 240, U256::ZERO, "bytes 0 and 1 stay zero");
        assert_eq!(Meta::unpack(U256::ZERO), Meta::default());
        let max = u(u128::MAX);
        assert_eq!(pack_pair(max, u(7)).map(unpack_pair), Ok((max, u(7))));
        assert_eq!(pack_pair(u(3), max).map(unpack_pair), Ok((u(3), max)));
        assert_eq!(pack_pair(max + u(1), u(0)), Err(Overflow));
        assert_eq!(pack_pair(u(0), max + u(1)), Err(Overflow));
    }

    /// One step of a random buyout.
    #[derive(Debug, Clone)]
    enum Op {
        /// Holder `h` sells `‰` of its shares into the pool.
        Sell(usize, u16),
        /// Holder `h` buys `‰` of the pool's shares.
        Buy(usize, u16),
        /// Holder `h` sends `‰` of its shares to the pool directly.
        Donate(usize, u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..3usize, 0..=1000u16).prop_map(|(h, p)| Op::Sell(h, p)),
            (0..3usize, 0..=1000u16).prop_map(|(h, p)| Op::Buy(h, p)),
            (0..3usize, 0..=1000u16).prop_map(|(h, p)| Op::Donate(h, p)),
        ]
    }

    /// `‰` of `x`, at least 1 when `x` and `per_mille` are not zero.
    fn part(x: U256, per_mille: u16) -> U256 {
        if x.is_zero() || per_mille == 0 {
            return U256::ZERO;
        }
        (x * U256::from(per_mille) / U256::from(1000)).max(U256::from(1))
    }

    proptest! {
        /// Random proposals, trades, direct sends, settlement and cash-outs:
        /// the escrow never runs dry, always covers the shares outside the
        /// pool at the offer price, conserves ETH (in = out + credits +
        /// held, at every step), never pays a cash-out below the offer
        /// price, and ends at zero once every share is cashed, with at most
        /// one wei of dust per cash-out credited to the proposer.
        #[test]
        fn escrow_is_conserved_and_covers_the_holders(
            supply in 1u128..=(1u128 << 96),
            deposit_pm in 0u16..1000,
            num in 1u128..=(1u128 << 100),
            split in (1u16..=1000, 1u16..=1000, 1u16..=1000),
            ops in proptest::collection::vec(op(), 0..40),
            cash_order in proptest::collection::vec((0..3usize, 0..=1000u16), 0..12),
        ) {
            let supply = u(supply);
            // The proposer deposits `deposit < supply` shares.
            let deposit = (supply * U256::from(deposit_pm) / U256::from(1000)).min(supply - u(1));
            let den = supply - deposit;
            let p = Price { num: u(num), den };
            // The `den` shares outside are split over three holders.
            let weights = [split.0, split.1, split.2].map(U256::from);
            let total: U256 = weights.iter().copied().fold(U256::ZERO, |a, b| a + b);
            let mut bal: Vec<U256> = weights.iter().map(|w| den * *w / total).collect();
            let assigned = bal.iter().copied().fold(U256::ZERO, |a, b| a + b);
            bal[0] += den - assigned;
            let mut pool = deposit;
            let mut held = u(num);
            let (mut eth_in, mut eth_out) = (u(num), U256::ZERO);

            for op in ops {
                match op {
                    Op::Sell(h, pm) => {
                        let a = part(bal[h], pm);
                        let t = sell(held, p, a);
                        prop_assert!(t.is_ok(), "a sale of owned shares must be payable");
                        let t = t.unwrap();
                        prop_assert_eq!(t.value, p.floor(a).unwrap());
                        held = t.held;
                        eth_out += t.value;
                        bal[h] -= a;
                        pool += a;
                    }
                    Op::Buy(h, pm) => {
                        let a = part(pool, pm);
                        let t = buy(held, p, a).unwrap();
                        prop_assert_eq!(t.value, p.ceil(a).unwrap());
                        held = t.held;
                        eth_in += t.value;
                        bal[h] += a;
                        pool -= a;
                    }
                    Op::Donate(h, pm) => {
                        let a = part(bal[h], pm);
                        bal[h] -= a;
                        pool += a;
                    }
                }
                let outside = bal.iter().copied().fold(U256::ZERO, |a, b| a + b);
                prop_assert_eq!(outside + pool, supply);
                // held ≥ outside · num / den, exactly.
                prop_assert!(held * den >= outside * u(num));
                prop_assert_eq!(eth_in, eth_out + held);
            }

            let s = settle(held, pool, supply);
            prop_assert_eq!(s.success, pool * U256::from(1000) / supply > U256::from(500));
            prop_assert_eq!(eth_in, eth_out + s.credit + s.held);
            if !s.success {
                prop_assert_eq!(s.credit, held);
                prop_assert!(s.held.is_zero());
                return Ok(());
            }
            let outside = supply - pool;
            prop_assert_eq!(s.outstanding, outside);
            if outside.is_zero() {
                prop_assert_eq!(s.credit, held);
                return Ok(());
            }
            // Nobody who waited gets less than the offer: cashNum/cashDen ≥ num/den.
            prop_assert!(s.cash.num * den >= u(num) * s.cash.den);

            let (mut held, mut outstanding, mut credits) = (s.held, s.outstanding, s.credit);
            let mut cashes = 0u64;
            // Random partial cash-outs, then everyone cashes the rest.
            let finish = (0..3usize).map(|h| (h, 1000u16));
            for (h, pm) in cash_order.into_iter().chain(finish) {
                let a = part(bal[h], pm);
                if a.is_zero() {
                    continue;
                }
                let c = cash(held, s.cash, outstanding, a);
                prop_assert!(c.is_ok(), "a cash-out of held shares must be payable");
                let c = c.unwrap();
                cashes += 1;
                prop_assert_eq!(c.value, s.cash.floor(a).unwrap());
                bal[h] -= a;
                held = c.held;
                outstanding = c.outstanding;
                credits += c.dust;
                eth_out += c.value;
                prop_assert_eq!(eth_in, eth_out + credits + held);
                // The remaining holders stay covered at the cash price.
                prop_assert!(held >= s.cash.floor(outstanding).unwrap());
                prop_assert!(c.dust < U256::from(cashes));
            }
            prop_assert!(outstanding.is_zero());
            prop_assert!(held.is_zero());
        }

        /// The long division agrees with ruint's for every divisor in range.
        #[test]
        fn div_rem_matches_the_general_division(
            n in any::<[u64; 4]>(),
            d in 1u128..=(1u128 << 96),
        ) {
            let n = U256::from_limbs(n);
            let (q, r) = div_rem(n, d);
            prop_assert_eq!(q, n / u(d));
            prop_assert_eq!(u(r), n % u(d));
        }

        /// The division-free success test is Tessera's formula.
        #[test]
        fn success_rule_is_the_integer_formula(
            supply in 1u128..=(1u128 << 96),
            pool_pm in 0u32..=1_000_000,
        ) {
            let supply = u(supply);
            let pool = supply * U256::from(pool_pm) / U256::from(1_000_000u32);
            prop_assert_eq!(
                succeeded(pool, supply),
                pool * U256::from(1000) / supply > U256::from(500)
            );
        }

        /// Record words round-trip.
        #[test]
        fn record_words_round_trip(
            proposer in any::<[u8; 20]>(),
            start in any::<u64>(),
            st in 0u8..=3,
            released in any::<bool>(),
            hi in any::<u128>(),
            lo in any::<u128>(),
        ) {
            let m = Meta { proposer: Address::from(proposer), start, state: st, released };
            prop_assert_eq!(Meta::unpack(m.pack()), m);
            prop_assert_eq!(pack_pair(u(hi), u(lo)).map(unpack_pair), Ok((u(hi), u(lo))));
        }

        /// The floor and the ceiling bracket the exact value within one wei.
        #[test]
        fn floor_and_ceil_bracket_the_exact_value(
            amount in 0u128..=(1u128 << 96),
            num in 0u128..=(1u128 << 100),
            den in 1u128..=(1u128 << 96),
        ) {
            let p = price(num, den);
            let (f, c) = (p.floor(u(amount)).unwrap(), p.ceil(u(amount)).unwrap());
            let exact = u(amount) * u(num);
            prop_assert!(f * u(den) <= exact);
            prop_assert!(c * u(den) >= exact);
            prop_assert!(c - f <= u(1));
            prop_assert_eq!(c == f, exact % u(den) == U256::ZERO);
        }
    }
}
