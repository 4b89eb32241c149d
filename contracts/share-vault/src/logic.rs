//! Pure per-share revenue accumulator maths (no VM, no storage).
//!
//! For each revenue token the vault keeps one **accumulator** `acc`: the
//! revenue paid per share since the vault opened, magnified by [`SCALE`].
//! When `amount` of fresh revenue is accounted over `supply` shares,
//! `acc += amount · SCALE / supply` (floor, [`accrue`]).
//!
//! Each holder `h` keeps one signed **correction** `corr[h]` per token so that
//! the *magnified amount earned and not yet claimed* is always
//!
//! ```text
//! X(h) = acc · balance(h) + corr(h)            (≥ 0)
//! ```
//!
//! and `claimable(h) = ⌊X(h) / SCALE⌋`. Whenever `s` shares leave `h`,
//! `corr(h) += acc · s` ([`on_send`]); when `s` shares arrive,
//! `corr(h) −= acc · s` ([`on_receive`]): `X` does not change on a transfer,
//! so revenue accrued before the transfer stays with the sender and revenue
//! accrued afterwards follows the shares. A payout of `p` does
//! `corr(h) −= p · SCALE` ([`on_claim`]), which leaves exactly the unpaid
//! fraction. Every operation touches one accumulator and at most two
//! corrections: O(1) whatever the number of holders.
//!
//! **Precision.** With `n` accruals, a holder's total (claimed + claimable)
//! is never above its exact pro-rata share `E = Σ amountᵢ · balanceᵢ / supply`
//! and `E − total < 1 + n · supply / SCALE`; since `supply ≤ MAX_SUPPLY = 2⁹⁶`
//! and `SCALE = 2¹²⁸`, that is under 1 wei plus 2⁻³² wei per deposit. Summed
//! over all holders the shortfall (dust left in the vault) is at most the
//! number of holders, in wei.
//!
//! **Bounds.** All products are checked. [`accrue`] refuses (returns `None`)
//! any accrual that would make `acc · supply` exceed `I256::MAX`, i.e. more
//! than about 2¹²⁷ base units of one token in total (≈1.7·10²⁰ whole tokens at
//! 18 decimals); with that invariant no later product can overflow, so the
//! `Overflow` errors below are defensive and unreachable through the vault.

use alloc::{string::String, vec::Vec};

use alloy_primitives::{Address, B256, I256, U256};

/// Fixed-point scale of the accumulator: 2¹²⁸.
pub const SCALE: U256 = U256::from_limbs([0, 0, 1, 0]);

/// Largest share supply a vault may have: 2⁹⁶ base units (≈7.9·10¹⁰ whole
/// shares at 18 decimals). Keeps every per-share increment of a 1-wei deposit
/// non-zero and the rounding loss under 2⁻³² wei per deposit.
pub const MAX_SUPPLY: U256 = U256::from_limbs([0, 1 << 32, 0, 0]);

/// `I256::MAX` as an unsigned value: the largest magnified amount kept.
const MAX_MAGNIFIED: U256 = U256::from_limbs([u64::MAX, u64::MAX, u64::MAX, i64::MAX as u64]);

/// A checked operation left the representable range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// Whether `supply` is a valid share supply: `1 ..= MAX_SUPPLY`.
#[must_use]
pub fn valid_supply(supply: U256) -> bool {
    !supply.is_zero() && supply <= MAX_SUPPLY
}

/// Revenue not yet accounted: `balance − accounted`, or zero when the balance
/// fell below what was accounted (only a rebasing or fee-taking token can do
/// that; such tokens are unsupported).
#[must_use]
pub fn fresh(balance: U256, accounted: U256) -> U256 {
    balance.saturating_sub(accounted)
}

/// Accumulator after sharing `amount` of fresh revenue among `supply` shares.
///
/// Returns `None` when `supply` is zero or when accounting `amount` would
/// break the invariant `acc · supply ≤ I256::MAX` (the revenue then simply
/// stays unaccounted: no other operation is affected).
#[must_use]
pub fn accrue(acc: U256, amount: U256, supply: U256) -> Option<U256> {
    if !valid_supply(supply) || amount >= SCALE {
        return None;
    }
    let [lo, hi, ..] = *supply.as_limbs();
    let increment = div_by_supply(amount << 128, u128::from(hi) << 64 | u128::from(lo));
    let next = acc.checked_add(increment)?;
    (next.checked_mul(supply)? <= MAX_MAGNIFIED).then_some(next)
}

/// `n / d` (floor) for a divisor `1 ≤ d ≤ 2⁹⁶` (a share supply), by long
/// division in 32-bit digits on `u128`: the remainder stays below 2⁹⁶, so
/// `remainder · 2³² + digit` fits a `u128`. Avoids linking a general 256-bit
/// divider into the contract.
#[must_use]
pub fn div_by_supply(n: U256, d: u128) -> U256 {
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
    U256::from_limbs(out)
}

/// `a · b` as a signed magnified amount.
///
/// # Errors
/// [`Overflow`] if the product does not fit an `I256`.
pub fn magnified(a: U256, b: U256) -> Result<I256, Overflow> {
    let product = a.checked_mul(b).ok_or(Overflow)?;
    I256::try_from(product).map_err(|_| Overflow)
}

/// Magnified amount earned and not yet claimed: `acc · balance + corr`.
///
/// # Errors
/// [`Overflow`] if out of range or negative (impossible while the vault's
/// invariants hold).
pub fn unclaimed_magnified(acc: U256, balance: U256, corr: I256) -> Result<U256, Overflow> {
    let x = magnified(acc, balance)?.checked_add(corr).ok_or(Overflow)?;
    if x.is_negative() {
        return Err(Overflow);
    }
    Ok(x.into_raw())
}

/// Amount a holder can claim now: `⌊(acc · balance + corr) / SCALE⌋`.
///
/// # Errors
/// As [`unclaimed_magnified`].
pub fn claimable(acc: U256, balance: U256, corr: I256) -> Result<U256, Overflow> {
    Ok(unclaimed_magnified(acc, balance, corr)? >> 128)
}

/// `corr + a·b` (`add`) or `corr − a·b`: every correction update is one of
/// these (one function keeps the WASM small).
///
/// # Errors
/// [`Overflow`] if out of range.
pub fn adjust(corr: I256, a: U256, b: U256, add: bool) -> Result<I256, Overflow> {
    let delta = magnified(a, b)?;
    if add {
        corr.checked_add(delta)
    } else {
        corr.checked_sub(delta)
    }
    .ok_or(Overflow)
}

/// Correction of a holder after `shares` left its balance (transfer out,
/// burn): `corr + acc·shares`.
///
/// # Errors
/// [`Overflow`] if out of range.
pub fn on_send(corr: I256, acc: U256, shares: U256) -> Result<I256, Overflow> {
    adjust(corr, acc, shares, true)
}

/// Correction of a holder after `shares` arrived in its balance (transfer in,
/// mint): `corr − acc·shares`.
///
/// # Errors
/// [`Overflow`] if out of range.
pub fn on_receive(corr: I256, acc: U256, shares: U256) -> Result<I256, Overflow> {
    adjust(corr, acc, shares, false)
}

/// Correction of a holder after `amount` was paid out to it:
/// `corr − amount·SCALE`.
///
/// # Errors
/// [`Overflow`] if out of range.
pub fn on_claim(corr: I256, amount: U256) -> Result<I256, Overflow> {
    adjust(corr, amount, SCALE, false)
}

/// Correction of a holder credited `amount` directly (revenue that arrives
/// after redemption, when no shares exist, goes to the redeemer):
/// `corr + amount·SCALE`.
///
/// # Errors
/// [`Overflow`] if out of range.
pub fn on_credit(corr: I256, amount: U256) -> Result<I256, Overflow> {
    adjust(corr, amount, SCALE, true)
}

/// What the factory passes to a new vault's `initialize`, packed by
/// [`encode_config`] (a compact layout instead of an 11-argument ABI call:
/// it keeps several KiB of ABI decoding out of the vault's WASM).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// The asset contract.
    pub asset: Address,
    /// The asset's token id.
    pub id: U256,
    /// ERC-1155 units (0: the asset is an ERC-721 token).
    pub units: U256,
    /// The curator (zero: none).
    pub curator: Address,
    /// The suite's licence market, the only contract the curator can make
    /// the vault approve as lease operator and publish offers on.
    pub market: Address,
    /// The longest lease any of the vault's offers may sell, in seconds
    /// (at most [`MAX_LEASE_DURATION`]).
    pub max_lease_duration: u64,
    /// Allow-listed ERC-20 revenue tokens.
    pub revenue_tokens: Vec<Address>,
    /// Share token name.
    pub name: String,
    /// Share token symbol.
    pub symbol: String,
    /// Initial holders and their share amounts.
    pub holders: Vec<(Address, U256)>,
}

/// Packs a [`Config`]:
/// `asset(20) id(32) units(32) curator(20) market(20) maxLeaseDuration(8)
///  n(1) token(20)·n nameLen(1) name symbolLen(1) symbol
///  (holder(20) amount(32))·m`.
/// Returns `None` if there are more than 255 revenue tokens or the name or
/// symbol is longer than 255 bytes.
#[must_use]
pub fn encode_config(c: &Config) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(134 + 20 * c.revenue_tokens.len() + 52 * c.holders.len());
    out.extend_from_slice(c.asset.as_slice());
    out.extend_from_slice(&c.id.to_be_bytes::<32>());
    out.extend_from_slice(&c.units.to_be_bytes::<32>());
    out.extend_from_slice(c.curator.as_slice());
    out.extend_from_slice(c.market.as_slice());
    out.extend_from_slice(&c.max_lease_duration.to_be_bytes());
    out.push(u8::try_from(c.revenue_tokens.len()).ok()?);
    for t in &c.revenue_tokens {
        out.extend_from_slice(t.as_slice());
    }
    for text in [&c.name, &c.symbol] {
        out.push(u8::try_from(text.len()).ok()?);
        out.extend_from_slice(text.as_bytes());
    }
    for (holder, amount) in &c.holders {
        out.extend_from_slice(holder.as_slice());
        out.extend_from_slice(&amount.to_be_bytes::<32>());
    }
    Some(out)
}

/// Unpacks [`encode_config`]'s layout; `None` if truncated, if a holder
/// entry is incomplete, or if the name or symbol is not UTF-8.
#[must_use]
pub fn decode_config(data: &[u8]) -> Option<Config> {
    let mut rest = data;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = rest.split_at_checked(n)?;
        rest = tail;
        Some(head)
    };
    let asset = Address::from_slice(take(20)?);
    let id = U256::from_be_slice(take(32)?);
    let units = U256::from_be_slice(take(32)?);
    let curator = Address::from_slice(take(20)?);
    let market = Address::from_slice(take(20)?);
    let max_lease_duration = u64::from_be_bytes(take(8)?.try_into().ok()?);
    let n = usize::from(take(1)?[0]);
    let revenue_tokens = (0..n)
        .map(|_| take(20).map(Address::from_slice))
        .collect::<Option<Vec<_>>>()?;
    let mut text = || -> Option<String> {
        let len = usize::from(take(1)?[0]);
        String::from_utf8(take(len)?.to_vec()).ok()
    };
    let name = text()?;
    let symbol = text()?;
    if !rest.len().is_multiple_of(52) {
        return None;
    }
    let holders = rest
        .chunks_exact(52)
        .map(|h| (Address::from_slice(&h[..20]), U256::from_be_slice(&h[20..])))
        .collect();
    Some(Config {
        asset,
        id,
        units,
        curator,
        market,
        max_lease_duration,
        revenue_tokens,
        name,
        symbol,
        holders,
    })
}

/// The licence market's bound on every offer's `maxDuration`: 5 × 365 days.
/// A vault's `maxLeaseDuration` may not exceed it.
pub const MAX_LEASE_DURATION: u64 = 5 * 365 * 86_400;

/// Number of head words of an ABI-encoded `OfferTerms` tuple (`termsUri`
/// is a dynamic field: its head word is an offset).
pub const TERMS_HEAD_WORDS: usize = 11;
/// Head word of `OfferTerms.paymentToken`.
const TERMS_PAYMENT_TOKEN: usize = 1;
/// Head word of `OfferTerms.maxDuration`.
const TERMS_MAX_DURATION: usize = 3;
/// Head word of `OfferTerms.payee`.
const TERMS_PAYEE: usize = 6;

/// Why [`check_offer`] refuses a curator's offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferRefusal {
    /// The calldata does not hold `selector ‖ word ‖ offset ‖ OfferTerms`.
    Malformed,
    /// The payee word is not the vault.
    Payee(Address),
    /// The payment token is neither ETH nor a revenue token (or its word is
    /// not a clean address).
    Token(Address),
    /// `maxDuration` exceeds the vault's `maxLeaseDuration`.
    TooLong(U256),
}

/// The ABI-encoded `OfferTerms` tuple of the calldata of a function
/// `f(uint, OfferTerms)` (the vault's `createOffer(uint64, OfferTerms)` and
/// `updateOffer(uint256, OfferTerms)`): its first argument word, and the
/// tuple from where its offset points to the end of the calldata (the tuple's
/// own offsets are relative to its start, so the slice is a complete
/// encoding). `None` if the calldata is too short for the tuple's head.
#[must_use]
pub fn offer_args(calldata: &[u8]) -> Option<(B256, &[u8])> {
    let args = calldata.get(4..)?;
    let first = B256::from_slice(args.get(..32)?);
    let offset = U256::from_be_slice(args.get(32..64)?);
    let offset = usize::try_from(offset).ok()?;
    let tuple = args.get(offset..)?;
    (tuple.len() >= 32 * TERMS_HEAD_WORDS).then_some((first, tuple))
}

/// Checks an encoded `OfferTerms` tuple against the vault's rules: `payee`
/// is `vault`, `paymentToken` is ETH (zero) or accepted by `is_revenue_token`,
/// and `maxDuration ≤ max_lease_duration`. Whole words are compared, so a
/// word with stray high bits never passes as the value it would truncate to.
///
/// # Errors
/// The first [`OfferRefusal`] in the order payee, token, duration.
pub fn check_offer(
    tuple: &[u8],
    vault: Address,
    max_lease_duration: u64,
    is_revenue_token: impl Fn(Address) -> bool,
) -> Result<(), OfferRefusal> {
    let word = |i: usize| {
        tuple
            .get(32 * i..32 * (i + 1))
            .map(B256::from_slice)
            .ok_or(OfferRefusal::Malformed)
    };
    let low = |w: B256| Address::from_slice(&w[12..]);
    let payee = word(TERMS_PAYEE)?;
    if payee != vault.into_word() {
        return Err(OfferRefusal::Payee(low(payee)));
    }
    let token = word(TERMS_PAYMENT_TOKEN)?;
    if token != low(token).into_word() || !(token.is_zero() || is_revenue_token(low(token))) {
        return Err(OfferRefusal::Token(low(token)));
    }
    let max_duration = U256::from_be_bytes(word(TERMS_MAX_DURATION)?.0);
    if max_duration > U256::from(max_lease_duration) {
        return Err(OfferRefusal::TooLong(max_duration));
    }
    Ok(())
}

/// The market call `selector ‖ words ‖ offset ‖ tuple` for an offer call
/// with static `words` and a trailing `OfferTerms` `tuple` (as cut by
/// [`offer_args`]): the market's `createOffer(address, uint256, uint64,
/// OfferTerms)` and `updateOffer(uint256, OfferTerms)`.
#[must_use]
pub fn market_offer_call(selector: [u8; 4], words: &[B256], tuple: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * (words.len() + 1) + tuple.len());
    out.extend_from_slice(&selector);
    for w in words {
        out.extend_from_slice(w.as_slice());
    }
    out.extend_from_slice(&U256::from(32 * (words.len() + 1)).to_be_bytes::<32>());
    out.extend_from_slice(tuple);
    out
}

/// Packs `s` into `N` storage words as `[length byte][bytes…][zero padding]`
/// (capacity `32·N − 1` bytes), or `None` if it does not fit. Used for the
/// share token's name and symbol: far less WASM than `StorageString`.
#[must_use]
pub fn pack_str<const N: usize>(s: &str) -> Option<[B256; N]> {
    let bytes = s.as_bytes();
    if bytes.len() >= 32 * N {
        return None;
    }
    let mut buf = [[0u8; 32]; N];
    let flat = buf.as_flattened_mut();
    // `len < 32·N ≤ 256` for the N used (≤ 8), so it fits the length byte.
    flat[0] = bytes.len() as u8;
    flat[1..=bytes.len()].copy_from_slice(bytes);
    Some(buf.map(B256::from))
}

/// Inverse of [`pack_str`]; a corrupt length or invalid UTF-8 (impossible
/// for words written by [`pack_str`] from a `&str`) reads as empty.
#[must_use]
pub fn unpack_str(words: &[B256]) -> String {
    let mut flat = Vec::with_capacity(32 * words.len());
    for w in words {
        flat.extend_from_slice(w.as_slice());
    }
    let len = flat.first().map_or(0, |l| usize::from(*l));
    flat.get(1..=len)
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U512;
    use alloy_sol_types::SolCall;
    use proptest::prelude::*;

    fn u(x: u128) -> U256 {
        U256::from(x)
    }

    #[test]
    fn constants() {
        assert_eq!(SCALE, U256::from(1u8) << 128);
        assert_eq!(MAX_SUPPLY, U256::from(1u8) << 96);
        assert_eq!(MAX_MAGNIFIED, I256::MAX.into_raw());
        // supply² ≤ SCALE² / 2³² : the per-deposit loss bound used in the docs.
        assert!(MAX_SUPPLY.checked_mul(U256::from(1u64 << 32)).unwrap() == SCALE);
    }

    #[test]
    fn supply_bounds() {
        assert!(!valid_supply(U256::ZERO));
        assert!(valid_supply(U256::from(1u8)));
        assert!(valid_supply(MAX_SUPPLY));
        assert!(!valid_supply(MAX_SUPPLY + U256::from(1u8)));
    }

    #[test]
    fn fresh_saturates() {
        assert_eq!(fresh(u(10), u(3)), u(7));
        assert_eq!(fresh(u(3), u(10)), U256::ZERO);
    }

    #[test]
    fn accrue_basics() {
        // 1 wei over 1 share: acc grows by exactly SCALE.
        assert_eq!(accrue(U256::ZERO, u(1), u(1)), Some(SCALE));
        // Zero supply: nothing can be accounted.
        assert_eq!(accrue(U256::ZERO, u(1), U256::ZERO), None);
        // 1 wei over MAX_SUPPLY shares still moves the accumulator.
        assert_eq!(
            accrue(U256::ZERO, u(1), MAX_SUPPLY),
            Some(U256::from(1u64 << 32))
        );
        // Amount too large to magnify.
        assert_eq!(accrue(U256::ZERO, U256::MAX >> 127, u(1)), None);
    }

    #[test]
    fn accrue_refuses_to_break_the_magnified_bound() {
        let supply = u(1_000);
        // Cumulative revenue up to 2¹²⁷ units is fine, above it is refused.
        let limit = U256::from(1u8) << 127;
        let ok = accrue(U256::ZERO, limit, supply).expect("within the bound");
        assert!(ok.checked_mul(supply).unwrap() <= MAX_MAGNIFIED);
        assert_eq!(accrue(U256::ZERO, limit + u(1), supply), None);
        assert_eq!(accrue(ok, u(1) << 64, supply), None);
        // Accumulator overflow itself.
        assert_eq!(accrue(U256::MAX, u(1), u(1)), None);
    }

    #[test]
    fn corrections_roundtrip() {
        let acc = accrue(U256::ZERO, u(1_000), u(10)).unwrap(); // 100 per share
                                                                // Holder with 3 shares earns 300; sending 3 shares keeps the 300.
        let corr = on_send(I256::ZERO, acc, u(3)).unwrap();
        assert_eq!(claimable(acc, U256::ZERO, corr).unwrap(), u(300));
        // Receiver of 3 shares earns nothing from the past.
        let corr_r = on_receive(I256::ZERO, acc, u(3)).unwrap();
        assert_eq!(claimable(acc, u(3), corr_r).unwrap(), U256::ZERO);
        // Paying 300 leaves nothing.
        let after = on_claim(corr, u(300)).unwrap();
        assert_eq!(claimable(acc, U256::ZERO, after).unwrap(), U256::ZERO);
        assert_eq!(after, I256::ZERO);
        // Credit after redemption.
        let credited = on_credit(I256::ZERO, u(42)).unwrap();
        assert_eq!(claimable(U256::ZERO, U256::ZERO, credited).unwrap(), u(42));
    }

    #[test]
    fn overflow_errors_are_typed() {
        assert_eq!(magnified(U256::MAX, u(2)), Err(Overflow));
        assert_eq!(magnified(U256::from(1u8) << 255, u(1)), Err(Overflow));
        assert_eq!(
            unclaimed_magnified(U256::ZERO, U256::ZERO, I256::MINUS_ONE),
            Err(Overflow)
        );
        assert_eq!(claimable(U256::MAX, u(2), I256::ZERO), Err(Overflow));
        assert_eq!(on_send(I256::MAX, u(1), u(1)), Err(Overflow));
        assert_eq!(on_receive(I256::MIN, u(1), u(1)), Err(Overflow));
        assert_eq!(on_claim(I256::MIN, u(1)), Err(Overflow));
        assert_eq!(on_credit(I256::MAX, u(1)), Err(Overflow));
        assert_eq!(on_send(I256::ZERO, U256::MAX, u(2)), Err(Overflow));
    }

    /// Reference implementation of the vault's bookkeeping for one token,
    /// built only from the functions above, exactly as the contract uses them.
    struct Ledger {
        supply: U256,
        balances: Vec<U256>,
        corr: Vec<I256>,
        claimed: Vec<U256>,
        acc: U256,
        accounted: U256,
        /// The vault's token balance.
        pool: U256,
        redeemer: Option<usize>,
    }

    impl Ledger {
        fn new(balances: Vec<U256>) -> Self {
            let supply = balances.iter().fold(U256::ZERO, |a, b| a + b);
            let n = balances.len();
            Self {
                supply,
                balances,
                corr: vec![I256::ZERO; n],
                claimed: vec![U256::ZERO; n],
                acc: U256::ZERO,
                accounted: U256::ZERO,
                pool: U256::ZERO,
                redeemer: None,
            }
        }

        fn sync(&mut self) {
            let new = fresh(self.pool, self.accounted);
            if new.is_zero() {
                return;
            }
            if self.supply.is_zero() {
                let r = self.redeemer.expect("zero supply only after redemption");
                self.corr[r] = on_credit(self.corr[r], new).unwrap();
            } else {
                self.acc = accrue(self.acc, new, self.supply).expect("within bounds");
            }
            self.accounted = self.pool;
        }

        fn transfer(&mut self, from: usize, to: usize, shares: U256) {
            self.sync();
            self.balances[from] -= shares;
            self.balances[to] += shares;
            self.corr[from] = on_send(self.corr[from], self.acc, shares).unwrap();
            self.corr[to] = on_receive(self.corr[to], self.acc, shares).unwrap();
        }

        fn claim(&mut self, h: usize) -> U256 {
            self.sync();
            let amount = claimable(self.acc, self.balances[h], self.corr[h]).unwrap();
            self.corr[h] = on_claim(self.corr[h], amount).unwrap();
            self.accounted -= amount;
            self.pool -= amount;
            self.claimed[h] += amount;
            amount
        }

        fn redeem(&mut self, h: usize) {
            assert_eq!(self.balances[h], self.supply);
            self.sync();
            self.corr[h] = on_send(self.corr[h], self.acc, self.balances[h]).unwrap();
            self.balances[h] = U256::ZERO;
            self.supply = U256::ZERO;
            self.redeemer = Some(h);
        }

        /// Claimable now, including revenue not yet synced (the vault's view).
        fn claimable_now(&self, h: usize) -> U256 {
            let new = fresh(self.pool, self.accounted);
            let (acc, corr) = if new.is_zero() {
                (self.acc, self.corr[h])
            } else if self.supply.is_zero() {
                let corr = if self.redeemer == Some(h) {
                    on_credit(self.corr[h], new).unwrap()
                } else {
                    self.corr[h]
                };
                (self.acc, corr)
            } else {
                (accrue(self.acc, new, self.supply).unwrap(), self.corr[h])
            };
            claimable(acc, self.balances[h], corr).unwrap()
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Deposit(u128),
        Transfer {
            from: usize,
            to: usize,
            permille: u16,
        },
        Claim(usize),
    }

    fn amount() -> impl Strategy<Value = u128> {
        prop_oneof![
            1u128..1_000,
            1u128..=u128::from(u64::MAX),
            1u128..(1u128 << 120)
        ]
    }

    fn op(holders: usize) -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => amount().prop_map(Op::Deposit),
            3 => (0..holders, 0..holders, 0u16..=1000).prop_map(|(from, to, permille)| Op::Transfer { from, to, permille }),
            2 => (0..holders).prop_map(Op::Claim),
        ]
    }

    fn supply() -> impl Strategy<Value = U256> {
        prop_oneof![
            (1u128..1_000).prop_map(U256::from),
            (1u128..=u128::from(u64::MAX)).prop_map(U256::from),
            (0u128..(1u128 << 96)).prop_map(|x| U256::from(x) + U256::from(1u8)),
        ]
    }

    /// (supply, split points, ops)
    fn scenario() -> impl Strategy<Value = (U256, Vec<u16>, Vec<Op>)> {
        (2usize..=5).prop_flat_map(|holders| {
            (
                supply(),
                proptest::collection::vec(0u16..=1000, holders - 1),
                proptest::collection::vec(op(holders), 0..40),
            )
        })
    }

    /// Splits `supply` into `weights.len() + 1` balances (some may be zero).
    fn split(supply: U256, weights: &[u16]) -> Vec<U256> {
        let mut left = supply;
        let mut out = Vec::new();
        for w in weights {
            let part = left * U256::from(*w) / U256::from(1000u16);
            out.push(part);
            left -= part;
        }
        out.push(left);
        out
    }

    fn wide(x: U256) -> U512 {
        U512::from(x)
    }

    /// Runs `ops`, returning the ledger, each holder's exact pro-rata
    /// numerator `Σ amount · balance_at_deposit` and the number of deposits.
    fn run(
        supply: U256,
        weights: &[u16],
        ops: &[Op],
        with_claims: bool,
    ) -> (Ledger, Vec<U512>, u64, U256) {
        let mut l = Ledger::new(split(supply, weights));
        let mut exact = vec![U512::ZERO; l.balances.len()];
        let mut deposits = 0u64;
        let mut deposited = U256::ZERO;
        for op in ops {
            match *op {
                Op::Deposit(a) => {
                    let a = U256::from(a);
                    // Revenue arrives passively; balances are frozen until the
                    // next interaction, which syncs first.
                    l.pool += a;
                    deposited += a;
                    deposits += 1;
                    for (e, b) in exact.iter_mut().zip(&l.balances) {
                        *e += wide(a) * wide(*b);
                    }
                }
                Op::Transfer { from, to, permille } => {
                    let shares = l.balances[from] * U256::from(permille) / U256::from(1000u16);
                    l.transfer(from, to, shares);
                }
                Op::Claim(h) => {
                    if with_claims {
                        l.claim(h);
                    } else {
                        // A claim first accounts pending revenue; do just that.
                        l.sync();
                    }
                }
            }
        }
        (l, exact, deposits, deposited)
    }

    #[test]
    fn pack_str_bounds() {
        assert_eq!(unpack_str(&pack_str::<1>("").unwrap()), "");
        assert_eq!(
            unpack_str(&pack_str::<1>(&"a".repeat(31)).unwrap()),
            "a".repeat(31)
        );
        assert!(pack_str::<1>(&"a".repeat(32)).is_none());
        assert_eq!(
            unpack_str(&pack_str::<3>(&"é".repeat(47)).unwrap()),
            "é".repeat(47)
        );
        assert!(pack_str::<3>(&"a".repeat(96)).is_none());
        // Corrupt words read as empty.
        let mut w = [B256::ZERO; 1];
        w[0][0] = 40;
        assert_eq!(unpack_str(&w), "");
        w[0][0] = 2;
        w[0][1] = 0xff;
        assert_eq!(unpack_str(&w), "");
    }

    #[test]
    fn config_edge_cases() {
        let mut c = Config {
            name: "n".into(),
            symbol: "s".into(),
            ..Config::default()
        };
        c.holders.push((Address::repeat_byte(1), u(5)));
        let bytes = encode_config(&c).unwrap();
        assert_eq!(bytes.len(), 20 + 32 + 32 + 20 + 20 + 8 + 1 + 2 + 2 + 52);
        // Trailing garbage that is not a whole holder entry.
        let mut bad = bytes.clone();
        bad.push(0);
        assert_eq!(decode_config(&bad), None);
        // Invalid UTF-8 in the name.
        let mut bad = bytes;
        bad[134] = 0xff;
        assert_eq!(decode_config(&bad), None);
        assert_eq!(decode_config(&[]), None);
        // Too long to pack.
        let long = Config {
            name: "x".repeat(256),
            ..Config::default()
        };
        assert_eq!(encode_config(&long), None);
        let many = Config {
            revenue_tokens: vec![Address::ZERO; 256],
            ..Config::default()
        };
        assert_eq!(encode_config(&many), None);
    }

    /// The vault in the offer tests.
    const VAULT: Address = Address::repeat_byte(0xaa);

    /// The vault's and the market's offer functions.
    mod abi {
        alloy_sol_types::sol! {
            #[derive(Debug, PartialEq)]
            struct OfferTerms {
                uint256 pricePerSecond;
                address paymentToken;
                uint64 minDuration;
                uint64 maxDuration;
                uint64 endTime;
                uint32 maxLicensees;
                address payee;
                bytes32 termsHash;
                string termsUri;
                uint8 flags;
                uint16 maxRoyaltyBps;
            }
            function createOffer(uint64 amount, OfferTerms terms) returns (uint256);
            function updateOffer(uint256 offerId, OfferTerms terms);
            function marketCreateOffer(address collection, uint256 tokenId, uint64 amount, OfferTerms terms) returns (uint256);
        }
    }

    /// Offer terms paying the vault or someone else, in ETH or a token, for
    /// durations around small bounds.
    fn offer_terms() -> impl Strategy<Value = abi::OfferTerms> {
        (
            any::<[u64; 4]>(),
            prop_oneof![
                Just(Address::ZERO),
                any::<[u8; 20]>().prop_map(Address::from)
            ],
            any::<u64>(),
            prop_oneof![0u64..100, any::<u64>()],
            prop_oneof![Just(VAULT), any::<[u8; 20]>().prop_map(Address::from)],
            "\\PC{0,70}",
            any::<(u8, u16, u32)>(),
        )
            .prop_map(|(price, token, min, max, payee, uri, (flags, bps, n))| {
                abi::OfferTerms {
                    pricePerSecond: U256::from_limbs(price),
                    paymentToken: token,
                    minDuration: min,
                    maxDuration: max,
                    endTime: min ^ max,
                    maxLicensees: n,
                    payee,
                    termsHash: B256::repeat_byte(flags),
                    termsUri: uri,
                    flags,
                    maxRoyaltyBps: bps,
                }
            })
    }

    #[test]
    fn offer_checks_by_example() {
        let terms = abi::OfferTerms {
            pricePerSecond: u(0),
            paymentToken: Address::ZERO,
            minDuration: 1,
            maxDuration: 100,
            endTime: 0,
            maxLicensees: 1,
            payee: VAULT,
            termsHash: B256::ZERO,
            termsUri: String::new(),
            flags: 0,
            maxRoyaltyBps: 0,
        };
        let data = abi::createOfferCall { amount: 0, terms }.abi_encode();
        let (_, tuple) = offer_args(&data).unwrap();
        let none = |_: Address| false;
        assert_eq!(check_offer(tuple, VAULT, 100, none), Ok(()));
        assert_eq!(
            check_offer(tuple, VAULT, 99, none),
            Err(OfferRefusal::TooLong(u(100)))
        );
        let other = Address::repeat_byte(1);
        assert_eq!(
            check_offer(tuple, other, 100, none),
            Err(OfferRefusal::Payee(VAULT))
        );
        assert_eq!(
            check_offer(&tuple[..32 * 6], VAULT, 100, none),
            Err(OfferRefusal::Malformed)
        );
        assert_eq!(MAX_LEASE_DURATION, 157_680_000);
    }

    #[test]
    fn div_by_supply_edges() {
        assert_eq!(div_by_supply(U256::MAX, 1), U256::MAX);
        assert_eq!(div_by_supply(U256::MAX, 1 << 96), U256::MAX >> 96);
        assert_eq!(div_by_supply(U256::ZERO, 3), U256::ZERO);
        assert_eq!(div_by_supply(u(10), 3), u(3));
        assert_eq!(
            div_by_supply(U256::MAX, (1 << 96) - 1),
            U256::MAX / U256::from((1u128 << 96) - 1)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Any configuration round-trips; any truncation is refused.
        #[test]
        fn config_roundtrip(
            asset in any::<[u8; 20]>(),
            id in any::<[u64; 4]>(),
            units in any::<u64>(),
            curator in any::<[u8; 20]>(),
            market in any::<[u8; 20]>(),
            max_lease_duration in any::<u64>(),
            tokens in proptest::collection::vec(any::<[u8; 20]>(), 0..9),
            name in "\\PC{0,30}",
            symbol in "\\PC{0,10}",
            holders in proptest::collection::vec((any::<[u8; 20]>(), any::<u128>()), 0..5),
            cut in any::<prop::sample::Index>(),
        ) {
            let c = Config {
                asset: Address::from(asset),
                id: U256::from_limbs(id),
                units: U256::from(units),
                curator: Address::from(curator),
                market: Address::from(market),
                max_lease_duration,
                revenue_tokens: tokens.into_iter().map(Address::from).collect(),
                name,
                symbol,
                holders: holders.into_iter().map(|(h, a)| (Address::from(h), U256::from(a))).collect(),
            };
            let bytes = encode_config(&c).unwrap();
            prop_assert_eq!(decode_config(&bytes), Some(c.clone()));
            // Cutting anywhere before the holders, or inside a holder, fails;
            // cutting exactly between holders drops the later ones.
            let at = cut.index(bytes.len());
            match decode_config(&bytes[..at]) {
                None => {}
                Some(d) => {
                    prop_assert!(d.holders.len() < c.holders.len());
                    prop_assert_eq!(&d.holders[..], &c.holders[..d.holders.len()]);
                    prop_assert_eq!(d.name, c.name);
                }
            }
        }

        /// The market call built from a curator's `createOffer` or
        /// `updateOffer` is alloy's encoding of the market's function with
        /// the same terms; the checks accept exactly the offers that pay the
        /// vault, in ETH or an allowed token, for at most the longest lease.
        #[test]
        fn offer_calls_are_forwarded_and_checked(
            terms in offer_terms(),
            amount in any::<u64>(),
            offer_id in any::<[u64; 4]>(),
            asset in any::<[u8; 20]>(),
            id in any::<[u64; 4]>(),
            max_lease in any::<u64>(),
            allowed in any::<[u8; 20]>(),
        ) {
            let (asset, id, allowed) = (Address::from(asset), U256::from_limbs(id), Address::from(allowed));
            let vault = VAULT;
            let offer_id = U256::from_limbs(offer_id);
            let data = abi::createOfferCall { amount, terms: terms.clone() }.abi_encode();
            let (first, tuple) = offer_args(&data).unwrap();
            prop_assert_eq!(first, B256::from(U256::from(amount)));
            prop_assert_eq!(
                market_offer_call(abi::marketCreateOfferCall::SELECTOR, &[asset.into_word(), id.into(), first], tuple),
                abi::marketCreateOfferCall { collection: asset, tokenId: id, amount, terms: terms.clone() }.abi_encode()
            );
            let data = abi::updateOfferCall { offerId: offer_id, terms: terms.clone() }.abi_encode();
            let (first, tuple) = offer_args(&data).unwrap();
            prop_assert_eq!(
                market_offer_call(abi::updateOfferCall::SELECTOR, &[first], tuple),
                data.clone()
            );
            let want = if terms.payee != vault {
                Err(OfferRefusal::Payee(terms.payee))
            } else if !(terms.paymentToken.is_zero() || terms.paymentToken == allowed) {
                Err(OfferRefusal::Token(terms.paymentToken))
            } else if terms.maxDuration > max_lease {
                Err(OfferRefusal::TooLong(U256::from(terms.maxDuration)))
            } else {
                Ok(())
            };
            prop_assert_eq!(check_offer(tuple, vault, max_lease, |t| t == allowed), want);
            // Cutting the tuple's head is refused.
            let short = &data[..4 + 64 + 32 * TERMS_HEAD_WORDS - 1];
            prop_assert!(offer_args(short).is_none());
        }

        /// Any string that fits round-trips.
        #[test]
        fn pack_str_roundtrip(text in "\\PC{0,40}") {
            match pack_str::<3>(&text) {
                Some(words) => prop_assert_eq!(unpack_str(&words), text.clone()),
                None => prop_assert!(text.len() >= 96),
            }
            match pack_str::<1>(&text) {
                Some(words) => prop_assert_eq!(unpack_str(&words), text.clone()),
                None => prop_assert!(text.len() >= 32),
            }
        }

        /// The small divider agrees with ruint's general division.
        #[test]
        fn div_by_supply_matches_u256_division(limbs in any::<[u64; 4]>(), d in 1u128..=(1u128 << 96)) {
            let n = U256::from_limbs(limbs);
            prop_assert_eq!(div_by_supply(n, d), n / U256::from(d));
        }

        /// Each holder's total (claimed + claimable) is its exact pro-rata
        /// share within 1 wei per deposit, never above it; the vault never
        /// owes more than it received.
        #[test]
        fn pro_rata_within_one_wei_per_deposit((supply, weights, ops) in scenario()) {
            let (l, exact, n, deposited) = run(supply, &weights, &ops, true);
            let s = wide(supply);
            let mut total_all = U256::ZERO;
            for (h, exact) in exact.iter().enumerate() {
                let total = l.claimed[h] + l.claimable_now(h);
                total_all += total;
                let paid = wide(total) * s;
                // Never above the exact share.
                prop_assert!(paid <= *exact, "holder {h} over-paid");
                let short = *exact - paid; // = (E − total) · supply
                // Proven bound: E − total < 1 + n · supply / SCALE.
                prop_assert!(
                    short * wide(SCALE) < s * wide(SCALE) + U512::from(n) * s * s,
                    "holder {h} outside the proven bound"
                );
                // Hence within 1 wei per deposit (n ≥ 2, or supply ≤ 2⁶⁴).
                if n >= 2 || supply <= U256::from(u64::MAX) {
                    prop_assert!(short <= U512::from(n) * s, "holder {h} short by more than {n} wei");
                }
            }
            // Σ claimed + Σ claimable ≤ Σ deposited, dust ≤ number of holders.
            prop_assert!(total_all <= deposited);
            prop_assert!(deposited - total_all <= U256::from(l.balances.len()));
            // Book-keeping: the pool is what was deposited minus what was paid.
            let claimed: U256 = l.claimed.iter().fold(U256::ZERO, |a, b| a + b);
            prop_assert_eq!(l.pool, deposited - claimed);
            prop_assert!(l.accounted <= l.pool);
        }

        /// Paying out never changes what a holder ends up with: a claim is
        /// exactly an accounting step plus a transfer of what was due.
        #[test]
        fn claims_do_not_change_totals((supply, weights, ops) in scenario()) {
            let (with, _, _, _) = run(supply, &weights, &ops, true);
            let (without, _, _, _) = run(supply, &weights, &ops, false);
            for h in 0..with.balances.len() {
                prop_assert_eq!(with.claimed[h] + with.claimable_now(h), without.claimable_now(h));
            }
        }

        /// After a holder consolidates 100% and redeems, earlier revenue stays
        /// claimable by whoever earned it and later revenue goes to the
        /// redeemer in full.
        #[test]
        fn redemption_keeps_accrued_and_credits_redeemer(
            (supply, weights, ops) in scenario(),
            redeemer in 0usize..5,
            later in proptest::collection::vec(amount(), 0..4),
        ) {
            let (mut l, _, _, _) = run(supply, &weights, &ops, true);
            let r = redeemer % l.balances.len();
            for h in 0..l.balances.len() {
                if h != r {
                    let b = l.balances[h];
                    l.transfer(h, r, b);
                }
            }
            let before: Vec<U256> = (0..l.balances.len()).map(|h| l.claimable_now(h)).collect();
            l.redeem(r);
            for (h, b) in before.iter().enumerate() {
                prop_assert_eq!(l.claimable_now(h), *b);
            }
            let mut extra = U256::ZERO;
            for a in later {
                l.pool += U256::from(a);
                extra += U256::from(a);
                if a % 2 == 0 { l.sync(); }
            }
            for (h, b) in before.iter().enumerate() {
                let want = if h == r { *b + extra } else { *b };
                prop_assert_eq!(l.claimable_now(h), want);
            }
            let got = l.claim(r);
            prop_assert_eq!(got, before[r] + extra);
        }
    }
}
