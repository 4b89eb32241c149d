//! Compact ABI encoding of the market's errors and events.
//!
//! alloy's generic `SolError::abi_encode` / `SolEvent::encode_log_data` are
//! monomorphised once per type; with 25 errors and 7 events that alone cost
//! ~18 KB of WASM. Every error and event here has only static fields (plus
//! one trailing `string` in [`crate::OfferTermsSet`]), whose encoding is just
//! the 32-byte words in order, so one non-generic encoder serves them all.
//! The types still come from `sol_decls!` (selectors, topics, ABI export),
//! and unit tests check every error and event byte-for-byte against alloy.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

/// A static ABI value: one left-padded 32-byte word.
pub(crate) trait Word {
    /// The value's ABI word.
    fn word(self) -> B256;
}

impl Word for U256 {
    #[inline(never)]
    fn word(self) -> B256 {
        B256::from(self)
    }
}

impl Word for Address {
    #[inline(never)]
    fn word(self) -> B256 {
        self.into_word()
    }
}

impl Word for B256 {
    #[inline(never)]
    fn word(self) -> B256 {
        self
    }
}

impl Word for u64 {
    #[inline(never)]
    fn word(self) -> B256 {
        U256::from(self).word()
    }
}

impl Word for u32 {
    #[inline(never)]
    fn word(self) -> B256 {
        U256::from(self).word()
    }
}

impl Word for u16 {
    #[inline(never)]
    fn word(self) -> B256 {
        U256::from(self).word()
    }
}

impl Word for u8 {
    #[inline(never)]
    fn word(self) -> B256 {
        U256::from(self).word()
    }
}

/// Revert data of a custom error, or calldata of a call: selector then the
/// static fields / arguments.
#[inline(never)]
pub(crate) fn encode_call(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(&selector);
    for w in words {
        out.extend_from_slice(w.as_slice());
    }
    out
}

/// Event data: the static non-indexed fields, then optionally one trailing
/// dynamic `string` (head offset word, length word, right-padded bytes).
pub(crate) fn log_data(words: &[B256], tail: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    for w in words {
        out.extend_from_slice(w.as_slice());
    }
    if let Some(s) = tail {
        let head = 32 * (words.len() + 1);
        out.extend_from_slice(head.word_usize().as_slice());
        out.extend_from_slice(s.len().word_usize().as_slice());
        out.extend_from_slice(s.as_bytes());
        out.resize(out.len() + (32 - s.len() % 32) % 32, 0);
    }
    out
}

/// `usize` lengths and offsets as ABI words.
trait WordUsize {
    fn word_usize(self) -> B256;
}

impl WordUsize for usize {
    fn word_usize(self) -> B256 {
        U256::from(self).word()
    }
}

/// Word `i` of ABI return data as a `uint256` (the caller checked the length).
pub(crate) fn word_at(ret: &[u8], i: usize) -> U256 {
    ret.get(32 * i..32 * (i + 1))
        .map_or(U256::ZERO, U256::from_be_slice)
}

/// Word `i` as an `address`; `None` unless its top 12 bytes are zero.
pub(crate) fn address_at(ret: &[u8], i: usize) -> Option<Address> {
    let w = ret.get(32 * i..32 * (i + 1))?;
    w[..12]
        .iter()
        .all(|&b| b == 0)
        .then(|| Address::from_slice(&w[12..]))
}

/// Word `i` as a `bool`; `None` unless it is exactly 0 or 1.
pub(crate) fn bool_at(ret: &[u8], i: usize) -> Option<bool> {
    let v = word_at(ret, i);
    (v <= U256::from(1)).then(|| v == U256::from(1))
}
