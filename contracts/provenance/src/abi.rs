//! A minimal Solidity ABI encoder for event data.
//!
//! alloy's generic encoder is monomorphised once per event type, which costs
//! several KiB of WASM; the registry's events only need 32-byte words,
//! `bytes`/`string` and arrays of words, which this module encodes in one
//! small, non-generic function. The unit tests (and every `assert_emitted` in
//! the contract tests) check the output byte for byte against alloy.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

/// One ABI value of an event's data.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Item<'a> {
    /// A static 32-byte word (`uint`, `address`, `bool`, `bytes32`).
    Word(B256),
    /// A dynamic `bytes` or `string`.
    Bytes(&'a [u8]),
    /// A dynamic array of static words (`uint256[]`, `address[]`).
    Words(&'a [B256]),
}

/// The word of an address (left-padded).
#[inline(never)] // one copy instead of one per use (WASM size)
pub(crate) fn address(a: Address) -> B256 {
    a.into_word()
}

/// The word of an unsigned integer.
#[inline(never)] // one copy instead of one per use (WASM size)
pub(crate) fn uint(v: U256) -> B256 {
    B256::from(v)
}

/// The word of a `u64`.
#[inline(never)] // one copy instead of one per use (WASM size)
pub(crate) fn uint64(v: u64) -> B256 {
    B256::from(U256::from(v))
}

/// The word of a `bool`.
pub(crate) fn boolean(b: bool) -> B256 {
    uint64(u64::from(b))
}

/// `abi.encode(items...)` (the data of an event, or a function's
/// parameters without selector).
pub(crate) fn encode(items: &[Item<'_>]) -> Vec<u8> {
    let head_len = items.len() * 32;
    let mut head = Vec::with_capacity(head_len);
    let mut tail = Vec::new();
    for item in items {
        match *item {
            Item::Word(w) => head.extend_from_slice(w.as_slice()),
            Item::Bytes(b) => {
                head.extend_from_slice(uint64((head_len + tail.len()) as u64).as_slice());
                tail.extend_from_slice(uint64(b.len() as u64).as_slice());
                tail.extend_from_slice(b);
                // Zero-pad to a multiple of 32 bytes.
                tail.resize(tail.len().next_multiple_of(32), 0);
            }
            Item::Words(ws) => {
                head.extend_from_slice(uint64((head_len + tail.len()) as u64).as_slice());
                tail.extend_from_slice(uint64(ws.len() as u64).as_slice());
                for w in ws {
                    tail.extend_from_slice(w.as_slice());
                }
            }
        }
    }
    head.extend_from_slice(&tail);
    head
}

#[cfg(test)]
mod tests {
    use alloc::{string::String, vec};

    use alloy_sol_types::SolValue;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn static_words() {
        let a = Address::repeat_byte(0xab);
        let got = encode(&[
            Item::Word(address(a)),
            Item::Word(uint(U256::MAX)),
            Item::Word(boolean(true)),
        ]);
        assert_eq!(got, (a, U256::MAX, true).abi_encode_params());
        assert_eq!(encode(&[]), Vec::<u8>::new());
        assert_eq!(uint64(7), B256::from(U256::from(7)));
        assert_eq!(boolean(false), B256::ZERO);
    }

    #[test]
    fn dynamic_items() {
        let a = Address::repeat_byte(1);
        let addrs = [address(a), address(Address::repeat_byte(2))];
        let ids = [uint(U256::from(5))];
        let got = encode(&[
            Item::Word(B256::repeat_byte(9)),
            Item::Bytes(b"sdxl-1.0"),
            Item::Words(&addrs),
            Item::Bytes(&[7u8; 32]),
            Item::Words(&ids),
            Item::Bytes(b""),
        ]);
        let want = (
            B256::repeat_byte(9),
            String::from("sdxl-1.0"),
            vec![a, Address::repeat_byte(2)],
            alloy_primitives::Bytes::from(vec![7u8; 32]),
            vec![U256::from(5)],
            String::new(),
        )
            .abi_encode_params();
        assert_eq!(got, want);
    }

    proptest! {
        #[test]
        fn matches_alloy(
            w in any::<[u8; 32]>(),
            s in ".{0,80}",
            b in proptest::collection::vec(any::<u8>(), 0..100),
            xs in proptest::collection::vec(any::<[u8; 32]>(), 0..10),
        ) {
            let words: Vec<B256> = xs.iter().map(|x| B256::from(*x)).collect();
            let nums: Vec<U256> = xs.iter().map(|x| U256::from_be_bytes(*x)).collect();
            let got = encode(&[
                Item::Bytes(s.as_bytes()),
                Item::Word(B256::from(w)),
                Item::Words(&words),
                Item::Bytes(&b),
            ]);
            let want = (s, B256::from(w), nums, alloy_primitives::Bytes::from(b)).abi_encode_params();
            prop_assert_eq!(got, want);
        }
    }
}
