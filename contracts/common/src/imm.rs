//! 32-byte constants as code immediates, not data.
//!
//! A `B256`/`U256` constant used in contract code is laid out in the
//! module's data segment and copied from there. Nitro prices every byte of a
//! program's data segments into its `cachedGas` (75,244 / 100,000 gas a
//! byte), which every entry into the program pays, cached or not; code bytes
//! cost 0.0012 gas each there (and 0.13 in the uncached `initGas`). An
//! event's signature hash therefore costs about 24 gas on *every* call of
//! its contract, whichever function runs.
//!
//! Passed as four `u64` arguments to a function the compiler does not
//! inline, a constant becomes four `i64.const` immediates at its use site
//! instead: [`b256`] and [`u256`] rebuild it at run time (four 8-byte
//! stores), from the words [`le_words`] and [`U256::as_limbs`] split off at
//! compile time. [`topic!`](crate::topic) does so for an event's topic 0,
//! [`imm_b256!`](crate::imm_b256) and [`imm_u256!`](crate::imm_u256) for
//! any other constant (a type hash, a storage root). Error selectors go the
//! same way: [`errors!`](crate::errors) passes each as a `u32` immediate
//! ([`abi::revert_data`](crate::abi::revert_data)).
//!
//! The build gate's `no-topics-in-data` rule checks that no program keeps an
//! event topic of the suite in its data segment.

use alloy_primitives::{B256, U256};

/// `hash` as the four `u64`s whose little-endian bytes, in order, are its
/// bytes (on wasm32, little-endian, each is one `i64.store` of its value).
#[must_use]
pub const fn le_words(hash: B256) -> [u64; 4] {
    let b = hash.0;
    let mut out = [0u64; 4];
    let mut i = 0;
    while i < 4 {
        let o = 8 * i;
        out[i] = u64::from_le_bytes([
            b[o],
            b[o + 1],
            b[o + 2],
            b[o + 3],
            b[o + 4],
            b[o + 5],
            b[o + 6],
            b[o + 7],
        ]);
        i += 1;
    }
    out
}

/// The `B256` whose [`le_words`] are `w0..w3`. Never inlined, so that each
/// call site passes the words as immediates (see the module docs).
#[inline(never)]
#[must_use]
pub fn b256(w0: u64, w1: u64, w2: u64, w3: u64) -> B256 {
    let mut out = [0u8; 32];
    out[..8].copy_from_slice(&w0.to_le_bytes());
    out[8..16].copy_from_slice(&w1.to_le_bytes());
    out[16..24].copy_from_slice(&w2.to_le_bytes());
    out[24..].copy_from_slice(&w3.to_le_bytes());
    B256::new(out)
}

/// The `U256` whose limbs (least significant first) are `l0..l3`. Never
/// inlined, as [`b256`].
#[inline(never)]
#[must_use]
pub fn u256(l0: u64, l1: u64, l2: u64, l3: u64) -> U256 {
    U256::from_limbs([l0, l1, l2, l3])
}

/// Event `$ev`'s signature hash (topic 0, a `sol_decls!` event type), built
/// from code immediates (see [`imm`](crate::imm)):
///
/// ```text
/// let topic0 = stylus_ip_common::topic!(Transfer);
/// ```
#[macro_export]
macro_rules! topic {
    ($ev:ty) => {
        $crate::imm_b256!(<$ev as $crate::__private::alloy_sol_types::SolEvent>::SIGNATURE_HASH)
    };
}

/// The `B256` constant `$c` (a `const` path: an EIP-712 type hash, say),
/// built from code immediates (see [`imm`](crate::imm)).
#[macro_export]
macro_rules! imm_b256 {
    ($c:expr) => {{
        const W: [u64; 4] = $crate::imm::le_words($c);
        $crate::imm::b256(W[0], W[1], W[2], W[3])
    }};
}

/// The `U256` constant `$c` (a `const` path), built from code immediates
/// (see [`imm`](crate::imm)):
///
/// ```text
/// store::read(stylus_ip_common::imm_u256!(NAME_SLOT))
/// ```
#[macro_export]
macro_rules! imm_u256 {
    ($c:expr) => {{
        const L: [u64; 4] = *$crate::__private::U256::as_limbs(&$c);
        $crate::imm::u256(L[0], L[1], L[2], L[3])
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::{sol, SolEvent};
    use proptest::prelude::*;

    sol! {
        event Moved(address indexed from, uint256 indexed id, uint64 at, bool ok);
    }

    const ROOT: U256 = U256::from_limbs([1, u64::MAX, 0x0123_4567_89ab_cdef, 1 << 63]);

    #[test]
    fn topic_is_the_signature_hash() {
        assert_eq!(crate::topic!(Moved), Moved::SIGNATURE_HASH);
        assert_ne!(Moved::SIGNATURE_HASH, B256::ZERO);
    }

    #[test]
    fn imm_u256_is_the_constant() {
        assert_eq!(crate::imm_u256!(ROOT), ROOT);
    }

    #[test]
    fn imm_b256_is_the_constant() {
        const HASH: B256 = Moved::SIGNATURE_HASH;
        assert_eq!(crate::imm_b256!(HASH), HASH);
    }

    proptest! {
        #[test]
        fn b256_inverts_le_words(bytes in any::<[u8; 32]>()) {
            let h = B256::new(bytes);
            let [a, b, c, d] = le_words(h);
            prop_assert_eq!(b256(a, b, c, d), h);
        }

        #[test]
        fn u256_inverts_as_limbs(bytes in any::<[u8; 32]>()) {
            let v = U256::from_be_bytes(bytes);
            let [a, b, c, d] = *v.as_limbs();
            prop_assert_eq!(u256(a, b, c, d), v);
        }
    }
}
