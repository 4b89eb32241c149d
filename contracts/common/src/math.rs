//! The suite's one home for small-divisor maths (`no_std`, no VM).
//!
//! `floor(x × num / den)` with a 32-bit numerator and denominator is what
//! royalties (basis points), split shares (parts per million) and similar
//! ratios need. ruint's generic 256-bit multiply and divide cost kilobytes
//! of WASM, and so does a 128-bit division; this one works on 32-bit digits
//! in native 64-bit arithmetic (the product on nine digits, then a long
//! division from the top digit down), exact for every `x`.
//!
//! One overflow rule: a result that does not fit 256 bits (only possible
//! when `num > den`), or a zero denominator, is [`Overflow`], a typed error
//! the caller maps to its own Solidity error. Nothing is clamped.

use alloy_primitives::U256;

/// EIP-2981 and the suite's royalty denominator: 10,000 basis points = 100 %.
pub const BPS_DENOMINATOR: u32 = 10_000;

/// The result does not fit 256 bits, or the denominator is zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// `floor(x × num / den)`, exact for every `x`.
///
/// # Errors
/// [`Overflow`] if `den` is zero or the quotient exceeds `U256::MAX` (never
/// when `num <= den`).
pub fn mul_div_small(x: U256, num: u32, den: u32) -> Result<U256, Overflow> {
    if den == 0 {
        return Err(Overflow);
    }
    let (num, den) = (u64::from(num), u64::from(den));
    // x × num over 32-bit digits (little-endian), nine of them: every step
    // is below 2^32 × 2^32, so all of it is native 64-bit arithmetic (no
    // 128-bit division routine in the WASM).
    let mut product = [0u64; 9];
    let mut carry = 0u64;
    for (i, &limb) in x.as_limbs().iter().enumerate() {
        for (j, digit) in [limb & 0xffff_ffff, limb >> 32].into_iter().enumerate() {
            let t = digit * num + carry;
            product[2 * i + j] = t & 0xffff_ffff;
            carry = t >> 32;
        }
    }
    product[8] = carry; // < num < 2^32
                        // Long division by den from the top digit: rem < den < 2^32.
    let mut rem = 0u64;
    for p in product.iter_mut().rev() {
        let cur = rem << 32 | *p;
        *p = cur / den; // < 2^32: rem < den
        rem = cur % den;
    }
    if product[8] != 0 {
        return Err(Overflow);
    }
    let limb = |i: usize| product[2 * i] | product[2 * i + 1] << 32;
    Ok(U256::from_limbs([limb(0), limb(1), limb(2), limb(3)]))
}

/// EIP-2981 `royaltyInfo`'s amount: `floor(sale_price × bps / 10,000)`.
///
/// # Errors
/// [`Overflow`] only for `bps` above 10,000 (more than the price) when the
/// amount exceeds `U256::MAX`.
pub fn royalty_amount(sale_price: U256, bps: u32) -> Result<U256, Overflow> {
    mul_div_small(sale_price, bps, BPS_DENOMINATOR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U512;
    use proptest::prelude::*;

    /// The same quotient in 512-bit arithmetic, if it fits 256 bits.
    fn reference(x: U256, num: u32, den: u32) -> Result<U256, Overflow> {
        if den == 0 {
            return Err(Overflow);
        }
        let q = U512::from(x) * U512::from(num) / U512::from(den);
        if q > U512::from(U256::MAX) {
            Err(Overflow)
        } else {
            Ok(U256::from(q))
        }
    }

    fn any_u256() -> impl Strategy<Value = U256> {
        prop_oneof![
            any::<[u64; 4]>().prop_map(U256::from_limbs),
            any::<u64>().prop_map(U256::from),
            Just(U256::MAX),
            Just(U256::ZERO),
        ]
    }

    #[test]
    fn examples() {
        let u = U256::from;
        assert_eq!(royalty_amount(u(10_000u64), 500), Ok(u(500u64)));
        assert_eq!(royalty_amount(u(19_999u64), 1), Ok(u(1u64)));
        assert_eq!(royalty_amount(U256::MAX, 10_000), Ok(U256::MAX));
        assert_eq!(royalty_amount(U256::MAX, 10_001), Err(Overflow));
        assert_eq!(mul_div_small(u(7u64), 1, 0), Err(Overflow));
        assert_eq!(mul_div_small(U256::MAX, u32::MAX, u32::MAX), Ok(U256::MAX));
        assert_eq!(mul_div_small(U256::MAX, 2, 1), Err(Overflow));
        assert_eq!(
            mul_div_small(U256::MAX, 500_000, 1_000_000),
            Ok(U256::MAX / u(2u64))
        );
    }

    proptest! {
        /// Exact floor, and `Overflow` exactly when 512-bit arithmetic says
        /// the quotient does not fit (or den is zero).
        #[test]
        fn is_the_exact_floor(x in any_u256(), num in any::<u32>(), den in any::<u32>()) {
            prop_assert_eq!(mul_div_small(x, num, den), reference(x, num, den));
        }

        /// A ratio at most one never overflows and never exceeds `x`.
        #[test]
        fn ratios_up_to_one_never_fail(x in any_u256(), a in any::<u32>(), b in any::<u32>()) {
            let (num, den) = (a.min(b), a.max(b).max(1));
            let q = mul_div_small(x, num, den).unwrap();
            prop_assert!(q <= x);
        }

        /// Royalties are monotone in the rate and at most the price up to 100 %.
        #[test]
        fn royalties_are_monotone(price in any_u256(), bps in 0u32..=10_000) {
            let r = royalty_amount(price, bps).unwrap();
            prop_assert!(r <= price);
            if bps > 0 {
                prop_assert!(royalty_amount(price, bps - 1).unwrap() <= r);
            }
        }
    }
}
