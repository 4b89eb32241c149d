//! Hand-rolled ABI encoding of the contract's event data and of the
//! ERC-1155 receiver calls.
//!
//! alloy's generic encoders are monomorphised per event/call type and cost
//! tens of KiB of WASM; these few helpers produce the same bytes (checked
//! against alloy in the tests below) for a fraction of the size.

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};

/// `onERC1155Received(address,address,uint256,uint256,bytes)` selector.
pub const ON_RECEIVED: [u8; 4] = [0xf2, 0x3a, 0x6e, 0x61];
/// `onERC1155BatchReceived(address,address,uint256[],uint256[],bytes)`
/// selector.
pub const ON_BATCH_RECEIVED: [u8; 4] = [0xbc, 0x19, 0x7c, 0x81];

/// An `address` as an ABI word (left-padded).
#[must_use]
#[inline(never)]
pub fn addr(a: Address) -> B256 {
    a.into_word()
}

/// A `uintN` as an ABI word.
#[must_use]
#[inline(never)]
pub fn uint(x: U256) -> B256 {
    B256::from(x)
}

/// A `bool` as an ABI word.
#[must_use]
#[inline(never)]
pub fn boolean(b: bool) -> B256 {
    B256::with_last_byte(u8::from(b))
}

/// A `usize` (offset or length) as an ABI word.
fn size(n: usize) -> B256 {
    uint(U256::from(n))
}

/// Concatenates static words (the data of an event with only static fields).
#[must_use]
#[inline(never)]
pub fn words(ws: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * ws.len());
    for w in ws {
        out.extend_from_slice(w.as_slice());
    }
    out
}

/// Appends a `uint256[]` tail (length, then items).
fn push_array(out: &mut Vec<u8>, xs: &[U256]) {
    out.extend_from_slice(size(xs.len()).as_slice());
    for x in xs {
        out.extend_from_slice(&x.to_be_bytes::<32>());
    }
}

/// Appends a `bytes`/`string` tail (length, then the data right-padded to a
/// multiple of 32 bytes).
fn push_bytes(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(size(data.len()).as_slice());
    out.extend_from_slice(data);
    let pad = (32 - data.len() % 32) % 32;
    out.resize(out.len() + pad, 0);
}

/// Data of an event whose only non-indexed field is one `string`.
#[must_use]
pub fn string_data(s: &str) -> Vec<u8> {
    let mut out = words(&[size(32)]);
    push_bytes(&mut out, s.as_bytes());
    out
}

/// Return data of a function returning one `uint256[]`.
#[must_use]
pub fn uint_array_data(xs: &[U256]) -> Vec<u8> {
    let mut out = words(&[size(32)]);
    push_array(&mut out, xs);
    out
}

/// A custom error with only static fields: selector, then the words.
#[must_use]
#[inline(never)]
pub fn error_data(selector: [u8; 4], ws: &[B256]) -> Vec<u8> {
    let mut out = selector.to_vec();
    out.extend_from_slice(&words(ws));
    out
}

/// Data of `TransferBatch` (`uint256[] ids, uint256[] values`).
#[must_use]
pub fn two_arrays(ids: &[U256], values: &[U256]) -> Vec<u8> {
    let mut out = words(&[size(64), size(64 + 32 * (1 + ids.len()))]);
    push_array(&mut out, ids);
    push_array(&mut out, values);
    out
}

/// Calldata of `onERC1155Received(operator, from, id, value, data)`.
#[must_use]
pub fn on_received(
    operator: Address,
    from: Address,
    id: U256,
    value: U256,
    data: &[u8],
) -> Vec<u8> {
    let mut out = ON_RECEIVED.to_vec();
    out.extend_from_slice(&words(&[
        addr(operator),
        addr(from),
        uint(id),
        uint(value),
        size(5 * 32),
    ]));
    push_bytes(&mut out, data);
    out
}

/// Calldata of `onERC1155BatchReceived(operator, from, ids, values, data)`.
#[must_use]
pub fn on_batch_received(
    operator: Address,
    from: Address,
    ids: &[U256],
    values: &[U256],
    data: &[u8],
) -> Vec<u8> {
    let ids_at = 5 * 32;
    let values_at = ids_at + 32 * (1 + ids.len());
    let data_at = values_at + 32 * (1 + values.len());
    let mut out = ON_BATCH_RECEIVED.to_vec();
    out.extend_from_slice(&words(&[
        addr(operator),
        addr(from),
        size(ids_at),
        size(values_at),
        size(data_at),
    ]));
    push_array(&mut out, ids);
    push_array(&mut out, values);
    push_bytes(&mut out, data);
    out
}

/// A string as stored: its byte length, then its bytes in 32-byte words
/// (the empty string is no word at all).
#[must_use]
pub fn text_words(s: &str) -> Vec<B256> {
    if s.is_empty() {
        return Vec::new();
    }
    let mut out = vec![size(s.len())];
    for chunk in s.as_bytes().chunks(32) {
        let mut w = [0u8; 32];
        w[..chunk.len()].copy_from_slice(chunk);
        out.push(B256::from(w));
    }
    out
}

/// Inverse of [`text_words`] (a malformed store reads as `""`; the contract
/// only ever stores valid UTF-8).
#[must_use]
pub fn text_string(words: &[B256]) -> String {
    let Some((len, body)) = words.split_first() else {
        return String::new();
    };
    let mut bytes = Vec::with_capacity(32 * body.len());
    for w in body {
        bytes.extend_from_slice(w.as_slice());
    }
    match usize::try_from(U256::from_be_bytes(len.0)) {
        Ok(len) if len <= bytes.len() => bytes.truncate(len),
        _ => return String::new(),
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Whether a receiver's return data is the ABI encoding of `selector` as a
/// `bytes4` (the selector left-aligned in a word, the rest zero).
#[must_use]
pub fn accepts(ret: &[u8], selector: [u8; 4]) -> bool {
    ret.len() >= 32 && ret[..4] == selector && ret[4..32].iter().all(|b| *b == 0)
}

#[cfg(test)]
mod tests {
    use alloc::{string::String, vec, vec::Vec};

    use alloy_primitives::{Address, Bytes, FixedBytes, U256};
    use alloy_sol_types::{sol, SolCall, SolEvent};
    use proptest::prelude::*;

    use super::*;

    sol! {
        function onERC1155Received(address operator, address from, uint256 id, uint256 value, bytes data) external returns (bytes4);
        function onERC1155BatchReceived(address operator, address from, uint256[] ids, uint256[] values, bytes data) external returns (bytes4);
        event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values);
        event URI(string value, uint256 indexed id);
        event Mixed(uint256 a, address b, bool c, uint64 d);
    }

    #[test]
    fn selectors_match_alloy() {
        assert_eq!(ON_RECEIVED, onERC1155ReceivedCall::SELECTOR);
        assert_eq!(ON_BATCH_RECEIVED, onERC1155BatchReceivedCall::SELECTOR);
    }

    #[test]
    fn static_words_match_alloy() {
        let e = Mixed {
            a: U256::from(7),
            b: Address::repeat_byte(9),
            c: true,
            d: 42,
        };
        let ours = words(&[
            uint(U256::from(7)),
            addr(Address::repeat_byte(9)),
            boolean(true),
            uint(U256::from(42)),
        ]);
        assert_eq!(ours, e.encode_data());
        assert_eq!(boolean(false), B256::ZERO);
    }

    #[test]
    fn accepts_only_the_clean_selector() {
        let mut ret = vec![0u8; 32];
        ret[..4].copy_from_slice(&ON_RECEIVED);
        assert!(accepts(&ret, ON_RECEIVED));
        assert!(!accepts(&ret, ON_BATCH_RECEIVED));
        assert!(!accepts(&ret[..31], ON_RECEIVED));
        ret[31] = 1;
        assert!(!accepts(&ret, ON_RECEIVED));
        let mut longer = vec![0u8; 64];
        longer[..4].copy_from_slice(&ON_RECEIVED);
        assert!(accepts(&longer, ON_RECEIVED));
    }

    proptest! {
        #[test]
        fn receiver_calls_match_alloy(
            op: [u8; 20], from: [u8; 20], id: [u64; 4], value: [u64; 4],
            data in proptest::collection::vec(any::<u8>(), 0..80),
            ids in proptest::collection::vec(any::<[u64; 4]>(), 0..5),
        ) {
            let (op, from) = (Address::from(op), Address::from(from));
            let (id, value) = (U256::from_limbs(id), U256::from_limbs(value));
            let expected = onERC1155ReceivedCall { operator: op, from, id, value, data: Bytes::from(data.clone()) }.abi_encode();
            prop_assert_eq!(on_received(op, from, id, value, &data), expected);

            let ids: Vec<U256> = ids.into_iter().map(U256::from_limbs).collect();
            let values: Vec<U256> = ids.iter().map(|x| x.wrapping_add(U256::from(1))).collect();
            let expected = onERC1155BatchReceivedCall {
                operator: op, from, ids: ids.clone(), values: values.clone(), data: Bytes::from(data.clone()),
            }.abi_encode();
            prop_assert_eq!(on_batch_received(op, from, &ids, &values, &data), expected);

            let e = TransferBatch { operator: op, from, to: op, ids: ids.clone(), values: values.clone() };
            prop_assert_eq!(two_arrays(&ids, &values), e.encode_data());
        }

        #[test]
        fn string_data_matches_alloy(s in ".{0,70}") {
            let e = URI { value: String::from(s.as_str()), id: U256::from(1) };
            prop_assert_eq!(string_data(&s), e.encode_data());
        }
    }

    proptest! {
        #[test]
        fn text_round_trips(s in ".{0,100}") {
            let w = text_words(&s);
            prop_assert_eq!(w.len(), if s.is_empty() { 0 } else { 1 + s.len().div_ceil(32) });
            prop_assert_eq!(text_string(&w), s);
        }
    }

    #[test]
    fn malformed_text_reads_empty() {
        assert_eq!(text_string(&[uint(U256::from(40)), B256::ZERO]), "");
        assert_eq!(text_string(&[uint(U256::MAX)]), "");
        let mut bad = [0u8; 32];
        bad[0] = 0xff;
        assert_eq!(text_string(&[uint(U256::from(1)), B256::from(bad)]), "");
    }

    #[test]
    fn bytes4_type_is_four_bytes() {
        // The receiver returns `bytes4`, encoded left-aligned.
        let ret = onERC1155ReceivedCall::abi_encode_returns(&(FixedBytes::<4>::from(ON_RECEIVED),));
        assert!(accepts(&ret, ON_RECEIVED));
    }
}
