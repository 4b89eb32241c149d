//! Strings in raw storage slots: the length in the slot itself, the bytes
//! from slot `keccak256(slot)` on, 32 per slot (Solidity's long-string
//! layout without its short-string packing, which would cost more code than
//! the one slot it saves).
//!
//! stylus-sdk 0.9's `StorageString` writes byte by byte and computes lengths
//! with a general 256-bit division (plus a software keccak and formatting
//! code for an `unwrap`): about 4 KB of compressed WASM and far more gas.
//! These word-wise helpers need neither.
//!
//! Roots come from [`root`] (ERC-7201-style `keccak256` of a label), so they
//! cannot meet the `#[storage]` fields, which start at slot 0.

use alloc::{string::String, vec::Vec};

use alloy_primitives::{B256, U256};
use stylus_sdk::{host::WasmVM, keccak_const::Keccak256, prelude::*};

/// A storage root derived from `label` at compile time.
pub(crate) const fn root(label: &[u8]) -> U256 {
    U256::from_be_bytes(Keccak256::new().update(label).finalize())
}

fn load(slot: U256) -> B256 {
    WasmVM {}.storage_load_bytes32(slot)
}

fn store(slot: U256, word: B256) {
    // SAFETY: "may alias storage" refers to typed storage handles of the
    // same slot; the slots written here derive from `root` labels that no
    // `#[storage]` field uses, so no other handle can see them.
    unsafe { WasmVM {}.storage_cache_bytes32(slot, word) }
}

fn keccak(bytes: &[u8]) -> U256 {
    U256::from_be_bytes(WasmVM {}.native_keccak256(bytes).0)
}

/// Slot of `key` in a mapping rooted at `root`: `keccak256(key ‖ root)`.
/// (Slot arithmetic below wraps modulo 2^256 on purpose, as in the EVM.)
pub(crate) fn map_slot(root: U256, key: U256) -> U256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(&key.to_be_bytes::<32>());
    buf[32..].copy_from_slice(&root.to_be_bytes::<32>());
    keccak(&buf)
}

/// Reads the string at `slot` (empty if never written).
pub(crate) fn read(slot: U256) -> String {
    // Only `write` fills these slots: the length is a real one and the
    // bytes come from a `&str`, so they are valid UTF-8.
    let len = U256::from_be_bytes(load(slot).0).as_limbs()[0] as usize;
    let data = keccak(&slot.to_be_bytes::<32>());
    let mut out = Vec::with_capacity(len + 31);
    let mut i = 0u64;
    while out.len() < len {
        out.extend_from_slice(load(data.wrapping_add(U256::from(i))).as_slice());
        i += 1;
    }
    out.truncate(len);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes `value` at `slot`. Words beyond a shorter new value keep stale
/// bytes, which `read` never looks at.
pub(crate) fn write(slot: U256, value: &str) {
    let bytes = value.as_bytes();
    store(slot, B256::from(U256::from(bytes.len())));
    let data = keccak(&slot.to_be_bytes::<32>());
    for (i, chunk) in bytes.chunks(32).enumerate() {
        let mut word = B256::ZERO;
        word[..chunk.len()].copy_from_slice(chunk);
        store(data.wrapping_add(U256::from(i)), word);
    }
}
