//! The suite's one ABI toolkit: static words, `selector ‖ words`, events.
//!
//! alloy's generic `SolError::abi_encode` / `SolEvent::encode_log_data` are
//! monomorphised once per type and cost kilobytes of WASM per contract. The
//! suite's errors, calls and events have static fields only (a few events end
//! with one dynamic `string` or `bytes`), whose ABI encoding is just 32-byte
//! words in order, so these non-generic encoders serve them all:
//!
//! * [`Word`]: one value → its left-padded ABI word (`address`, `uintN`,
//!   `bool`, `bytes32`);
//! * [`encode`]: `selector ‖ words`, the revert data of a custom error or the
//!   calldata of a call (with an empty selector: static return data);
//! * [`log_data`] and [`emit`]: an event's data (static words, optionally one
//!   trailing dynamic `string`/`bytes`) and the log itself;
//! * [`errors!`](crate::errors): a contract's flat `Error` enum, its `From`
//!   impls and its revert-data encoder from one list.
//!
//! The selectors and topics still come from the `sol_decls!` types (each
//! topic built from code immediates by [`topic!`](crate::topic), see
//! [`imm`](crate::imm)), and the unit tests below check every encoder
//! against alloy's own encoding.
//!
//! Slices rather than generic arrays everywhere: one copy of each function in
//! the WASM whatever the number of words.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

/// A static ABI value: one left-padded 32-byte word.
pub trait Word {
    /// The value's ABI word.
    fn word(&self) -> B256;
}

impl Word for B256 {
    fn word(&self) -> B256 {
        *self
    }
}

impl Word for U256 {
    // Out of line, as the address one: every error and event site is then a
    // few calls rather than inlined byte shuffling.
    #[inline(never)]
    fn word(&self) -> B256 {
        B256::from(*self)
    }
}

impl Word for Address {
    #[inline(never)]
    fn word(&self) -> B256 {
        self.into_word()
    }
}

impl Word for u64 {
    fn word(&self) -> B256 {
        U256::from(*self).word()
    }
}

impl Word for u32 {
    fn word(&self) -> B256 {
        u64::from(*self).word()
    }
}

impl Word for u16 {
    fn word(&self) -> B256 {
        u64::from(*self).word()
    }
}

impl Word for u8 {
    fn word(&self) -> B256 {
        u64::from(*self).word()
    }
}

impl Word for bool {
    fn word(&self) -> B256 {
        u64::from(*self).word()
    }
}

impl Word for usize {
    fn word(&self) -> B256 {
        // usize is at most 64 bits on every target the suite builds for.
        (*self as u64).word()
    }
}

/// `selector ‖ words`: the revert data of a custom error, or the calldata of
/// a call, whose fields are all static. With an empty `selector`: static
/// return data.
#[inline(never)]
#[must_use]
pub fn encode(selector: &[u8], words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(selector.len() + 32 * words.len());
    out.extend_from_slice(selector);
    for w in words {
        out.extend_from_slice(w.as_slice());
    }
    out
}

/// A custom error's revert data, `selector ‖ words`, with the selector
/// passed as a `u32` immediate rather than read from a 4-byte constant in
/// the data segment (see [`imm`](crate::imm)).
#[inline(never)]
#[must_use]
pub fn revert_data(selector: u32, words: &[B256]) -> Vec<u8> {
    encode(&selector.to_be_bytes(), words)
}

/// `selector ‖ words ‖ bytes`: the calldata of a call whose static
/// arguments are followed by one dynamic `bytes` (its head offset word, its
/// length word, its bytes right-padded to a whole word).
#[must_use]
pub fn encode_with_bytes(selector: &[u8], words: &[B256], bytes: &[u8]) -> Vec<u8> {
    let mut out = encode(selector, words);
    push_bytes(&mut out, 32 * (words.len() + 1), bytes);
    out
}

/// Word `i` of ABI return data as a `uint256`; `None` if the data is too
/// short.
#[must_use]
pub fn uint_at(data: &[u8], i: usize) -> Option<U256> {
    data.get(32 * i..32 * (i + 1)).map(U256::from_be_slice)
}

/// Word `i` of ABI return data as an `address`; `None` if the data is too
/// short or the word's top 12 bytes are not zero.
#[must_use]
pub fn address_at(data: &[u8], i: usize) -> Option<Address> {
    let w = data.get(32 * i..32 * (i + 1))?;
    w[..12]
        .iter()
        .all(|&b| b == 0)
        .then(|| Address::from_slice(&w[12..]))
}

/// Word `i` of ABI return data as a `bool`; `None` if the data is too short
/// or the word is neither 0 nor 1.
#[must_use]
pub fn bool_at(data: &[u8], i: usize) -> Option<bool> {
    let v = uint_at(data, i)?;
    (v <= U256::from(1)).then(|| v == U256::from(1))
}

/// Event data: the static non-indexed fields, then optionally one trailing
/// dynamic `string`/`bytes` (its head offset word, its length word, its bytes
/// right-padded to a whole word).
#[must_use]
pub fn log_data(words: &[B256], tail: Option<&[u8]>) -> Vec<u8> {
    let mut out = encode(&[], words);
    if let Some(bytes) = tail {
        push_bytes(&mut out, 32 * (words.len() + 1), bytes);
    }
    out
}

/// Appends the head word `offset`, then `bytes` as an ABI `bytes`/`string`
/// tail (length word, bytes right-padded with zeros to a whole word).
pub fn push_bytes(out: &mut Vec<u8>, offset: usize, bytes: &[u8]) {
    out.extend_from_slice(offset.word().as_slice());
    out.extend_from_slice(bytes.len().word().as_slice());
    out.extend_from_slice(bytes);
    out.resize(out.len() + (32 - bytes.len() % 32) % 32, 0);
}

/// Emits a log: `topics` (the event's signature hash, then its indexed
/// fields' words) and the static data `words`.
#[allow(deprecated)] // stylus-sdk 0.9's free `raw_log`: the same hostio as `vm().raw_log`.
#[inline(never)]
pub fn emit(topics: &[B256], words: &[B256]) {
    // `raw_log` only fails on more than 4 topics; the suite's events have at
    // most 3 indexed fields.
    let _ = stylus_sdk::evm::raw_log(topics, &encode(&[], words));
}

/// [`emit`] for an event whose static data `words` are followed by one
/// dynamic `string`/`bytes` field, `tail` (see [`log_data`]). A function of
/// its own so that contracts without such events carry no tail encoder.
#[allow(deprecated)] // See `emit`.
pub fn emit_with_tail(topics: &[B256], words: &[B256], tail: &[u8]) {
    let _ = stylus_sdk::evm::raw_log(topics, &log_data(words, Some(tail)));
}

/// Emits event `$ev` (a `sol_decls!` type) with indexed fields `[..]`,
/// static data fields `[..]` (anything [`Word`]) and optionally one trailing
/// dynamic `string`/`bytes` (`&[u8]`). Used as (in a contract, with the
/// events declared by `sol_decls!`):
///
/// ```text
/// stylus_ip_common::emit!(Transfer, [from, to], [value]);
/// stylus_ip_common::emit!(OfferTermsSet, [offer_id], [hash], uri.as_bytes());
/// ```
#[macro_export]
macro_rules! emit {
    ($ev:ty, [$($topic:expr),* $(,)?], [$($word:expr),* $(,)?]) => {
        $crate::abi::emit(
            &[
                $crate::topic!($ev),
                $($crate::abi::Word::word(&$topic)),*
            ],
            &[$($crate::abi::Word::word(&$word)),*],
        )
    };
    ($ev:ty, [$($topic:expr),* $(,)?], [$($word:expr),* $(,)?], $tail:expr) => {
        $crate::abi::emit_with_tail(
            &[
                $crate::topic!($ev),
                $($crate::abi::Word::word(&$topic)),*
            ],
            &[$($crate::abi::Word::word(&$word)),*],
            $tail,
        )
    };
}

/// Builds a contract's flat `Error` enum, one `From<SolErrorType>` impl per
/// variant and its revert data (`From<Error> for Vec<u8>`: `selector ‖ one
/// word per field`, all fields static) from one list, plus the empty
/// `InnerTypes` impl the ABI exporter needs (the errors reach the interface
/// through `SOL_DECLS`).
///
/// Every variant names its `sol_decls!` error type and that type's fields in
/// declaration order. An optional `verbatim { Variant }` after the enum adds
/// a `Variant(Vec<u8>)` whose revert data is the bytes themselves (a callee's
/// revert re-thrown unchanged). For example (in a contract, with the errors
/// declared by `sol_decls!`):
///
/// ```text
/// stylus_ip_common::errors! {
///     /// Errors of [`Vault`].
///     pub enum Error {
///         /// See [`ERC20InvalidSender`].
///         InvalidSender(ERC20InvalidSender { sender }),
///         /// See [`VaultArithmeticOverflow`].
///         Overflow(VaultArithmeticOverflow {}),
///     }
/// }
/// ```
#[macro_export]
macro_rules! errors {
    (
        $(#[$enum_meta:meta])*
        pub enum $name:ident {
            $($(#[$doc:meta])* $variant:ident($ty:ident { $($field:ident),* $(,)? }),)*
        }
        $(verbatim { $(#[$vdoc:meta])* $verbatim:ident })?
    ) => {
        $(#[$enum_meta])*
        #[derive(Debug, PartialEq)]
        pub enum $name {
            $($(#[$doc])* $variant($ty),)*
            $($(#[$vdoc])* $verbatim($crate::__private::Vec<u8>),)?
        }
        $(impl From<$ty> for $name {
            fn from(e: $ty) -> Self {
                Self::$variant(e)
            }
        })*
        impl From<$name> for $crate::__private::Vec<u8> {
            #[allow(non_snake_case)]
            fn from(e: $name) -> Self {
                match e {
                    // By reference: each word is read where the field lies.
                    $($name::$variant($ty { $(ref $field),* }) => $crate::abi::revert_data(
                        u32::from_be_bytes(
                            <$ty as $crate::__private::alloy_sol_types::SolError>::SELECTOR,
                        ),
                        &[$($crate::abi::Word::word($field)),*],
                    ),)*
                    $($name::$verbatim(data) => data,)?
                }
            }
        }
        $crate::abi_structs!($name);
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{string::String, vec};
    use alloy_primitives::{address, b256, Log};
    use alloy_sol_types::{sol, SolError, SolEvent};
    use proptest::prelude::*;

    sol! {
        #[derive(Debug, PartialEq)]
        error Static(address who, uint256 amount, uint64 time, uint32 count, uint16 bps, uint8 state, bool flag, bytes32 hash);
        #[derive(Debug, PartialEq)]
        error Empty();
        #[derive(Debug, PartialEq)]
        event Moved(address indexed from, uint256 indexed id, uint64 at, bool ok);
        #[derive(Debug, PartialEq)]
        event Named(uint256 indexed id, bytes32 hash, uint16 bps, string uri);
    }

    /// The crate-level `errors!` expansion under test (`Word` fields of
    /// every kind, a field-less error, a verbatim variant).
    mod generated {
        use super::{Empty, Static};
        crate::errors! {
            /// Test errors.
            pub enum Error {
                /// Static.
                Static(Static { who, amount, time, count, bps, state, flag, hash }),
                /// Empty.
                Empty(Empty {}),
            }
            verbatim {
                /// Verbatim.
                Raw
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // one per field of `Static`
    fn static_error(
        who: [u8; 20],
        amount: [u8; 32],
        time: u64,
        count: u32,
        bps: u16,
        state: u8,
        flag: bool,
        hash: [u8; 32],
    ) -> Static {
        Static {
            who: Address::from(who),
            amount: U256::from_be_bytes(amount),
            time,
            count,
            bps,
            state,
            flag,
            hash: B256::from(hash),
        }
    }

    proptest! {
        #[test]
        fn errors_match_alloy(
            who in any::<[u8; 20]>(),
            amount in any::<[u8; 32]>(),
            time in any::<u64>(),
            count in any::<u32>(),
            bps in any::<u16>(),
            state in any::<u8>(),
            flag in any::<bool>(),
            hash in any::<[u8; 32]>(),
        ) {
            let e = static_error(who, amount, time, count, bps, state, flag, hash);
            let ours: Vec<u8> = generated::Error::from(e.clone()).into();
            prop_assert_eq!(ours, e.abi_encode());
        }

        #[test]
        fn static_events_match_alloy(
            from in any::<[u8; 20]>(),
            id in any::<[u8; 32]>(),
            at in any::<u64>(),
            ok in any::<bool>(),
        ) {
            let ev = Moved { from: Address::from(from), id: U256::from_be_bytes(id), at, ok };
            let topics = [Moved::SIGNATURE_HASH, ev.from.word(), ev.id.word()];
            let data = log_data(&[at.word(), ok.word()], None);
            let log = Log::new_unchecked(Address::ZERO, topics.to_vec(), data.into());
            prop_assert_eq!(&log.data, &ev.encode_log_data());
            prop_assert_eq!(Moved::decode_log(&log, true).unwrap().data, ev);
        }

        #[test]
        fn dynamic_tail_events_match_alloy(
            id in any::<[u8; 32]>(),
            hash in any::<[u8; 32]>(),
            bps in any::<u16>(),
            uri in ".{0,80}",
        ) {
            let ev = Named { id: U256::from_be_bytes(id), hash: B256::from(hash), bps, uri: uri.clone() };
            let topics = vec![Named::SIGNATURE_HASH, ev.id.word()];
            let data = log_data(&[ev.hash.word(), bps.word()], Some(uri.as_bytes()));
            let log = Log::new_unchecked(Address::ZERO, topics, data.into());
            prop_assert_eq!(log.data, ev.encode_log_data());
        }

        #[test]
        fn words_are_alloys_static_encoding(x in any::<u64>(), a in any::<[u8; 20]>()) {
            use alloy_sol_types::SolValue;
            prop_assert_eq!(x.word().to_vec(), x.abi_encode());
            prop_assert_eq!((x as u32).word().to_vec(), (x as u32).abi_encode());
            prop_assert_eq!((x as usize).word().to_vec(), U256::from(x).abi_encode());
            let a = Address::from(a);
            prop_assert_eq!(a.word().to_vec(), a.abi_encode());
        }
    }

    sol! {
        function take(address to, uint256 id, bytes data);
    }

    proptest! {
        #[test]
        fn calls_with_bytes_match_alloy(
            to in any::<[u8; 20]>(),
            id in any::<[u8; 32]>(),
            data in proptest::collection::vec(any::<u8>(), 0..100),
        ) {
            use alloy_sol_types::SolCall;
            let call = takeCall { to: Address::from(to), id: U256::from_be_bytes(id), data: data.clone().into() };
            let ours = encode_with_bytes(&takeCall::SELECTOR, &[call.to.word(), call.id.word()], &data);
            prop_assert_eq!(ours, call.abi_encode());
        }

        #[test]
        fn decoders_read_alloys_return_data(a in any::<[u8; 20]>(), x in any::<[u8; 32]>(), b in any::<bool>()) {
            use alloy_sol_types::SolValue;
            let (a, x) = (Address::from(a), U256::from_be_bytes(x));
            let data = (a, x, b).abi_encode_params();
            prop_assert_eq!(address_at(&data, 0), Some(a));
            prop_assert_eq!(uint_at(&data, 1), Some(x));
            prop_assert_eq!(bool_at(&data, 2), Some(b));
            prop_assert_eq!(uint_at(&data, 3), None);
            prop_assert_eq!(address_at(&data[..95], 2), None);
        }
    }

    #[test]
    fn decoders_refuse_dirty_words() {
        let mut w = [0u8; 32];
        w[11] = 1;
        assert_eq!(address_at(&w, 0), None);
        w[11] = 0;
        w[31] = 2;
        assert_eq!(bool_at(&w, 0), None);
        assert_eq!(uint_at(&w, 0), Some(U256::from(2)));
    }

    #[test]
    fn field_less_and_verbatim_errors() {
        let ours: Vec<u8> = generated::Error::from(Empty {}).into();
        assert_eq!(ours, Empty {}.abi_encode());
        assert_eq!(ours.len(), 4);
        let raw = vec![1u8, 2, 3];
        let ours: Vec<u8> = generated::Error::Raw(raw.clone()).into();
        assert_eq!(ours, raw);
    }

    #[test]
    fn encode_is_selector_then_words() {
        let a = address!("00000000000000000000000000000000000000aa");
        let h = b256!("0101010101010101010101010101010101010101010101010101010101010101");
        let out = encode(&[0xde, 0xad, 0xbe, 0xef], &[a.word(), h]);
        assert_eq!(out.len(), 4 + 64);
        assert_eq!(&out[..4], &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(out[4 + 31], 0xaa);
        assert_eq!(&out[36..], h.as_slice());
        assert_eq!(encode(&[], &[]), Vec::<u8>::new());
        // A tail of exactly one word gets no padding; an empty one is just
        // its offset and length.
        let s = String::from("0123456789abcdef0123456789abcdef");
        assert_eq!(log_data(&[], Some(s.as_bytes())).len(), 96);
        assert_eq!(log_data(&[], Some(&[])).len(), 64);
    }
}
