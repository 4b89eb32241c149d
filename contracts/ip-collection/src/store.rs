//! Strings in raw storage slots, in Solidity's layout for `string`: up to
//! 31 bytes inline in the slot itself (the bytes left-aligned, `2 × length`
//! in the lowest byte), longer ones as `2 × length + 1` in the slot and the
//! bytes from slot `keccak256(slot)` on, 32 per slot. A short token URI
//! (`ipfs://…` of a CID path is often under 32 bytes) thus costs a mint one
//! new slot, as in Solidity, not two.
//!
//! stylus-sdk 0.9's `StorageString` writes byte by byte and computes lengths
//! with a general 256-bit division (plus formatting code for an `unwrap`):
//! kilobytes of compressed WASM and far more gas. These word-wise helpers
//! need neither. Words of a long string that a shorter one replaces keep
//! their stale bytes (Solidity zeroes them), which [`read`] never looks at.
//!
//! Roots come from [`root`] (ERC-7201-style `keccak256` of a label), so they
//! cannot meet the `#[storage]` fields, which start at slot 0. Every hash at
//! run time is the `native_keccak256` hostio.

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
    let head = load(slot);
    let out = if head[31] & 1 == 0 {
        // Short: at most 31 bytes inline.
        let len = usize::from(head[31] / 2).min(31);
        head[..len].to_vec()
    } else {
        // Long: only `write` stores this form, with a real length.
        let len = (U256::from_be_bytes(head.0).as_limbs()[0] / 2) as usize;
        let data = keccak(&slot.to_be_bytes::<32>());
        let mut out = Vec::with_capacity(len + 31);
        let mut i = 0u64;
        while out.len() < len {
            out.extend_from_slice(load(data.wrapping_add(U256::from(i))).as_slice());
            i += 1;
        }
        out.truncate(len);
        out
    };
    // The bytes come from a `&str` given to `write`, so they are UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Writes `value` at `slot` (see the module docs for the layout).
pub(crate) fn write(slot: U256, value: &str) {
    let bytes = value.as_bytes();
    if bytes.len() < 32 {
        let mut word = B256::ZERO;
        word[..bytes.len()].copy_from_slice(bytes);
        // len < 32, so 2 × len fits the byte.
        word[31] = (bytes.len() * 2) as u8;
        store(slot, word);
        return;
    }
    // 2 × len + 1 cannot overflow: `len` is a `usize` of a real allocation.
    store(slot, B256::from(U256::from(bytes.len() as u64 * 2 + 1)));
    let data = keccak(&slot.to_be_bytes::<32>());
    for (i, chunk) in bytes.chunks(32).enumerate() {
        let mut word = B256::ZERO;
        word[..chunk.len()].copy_from_slice(chunk);
        store(data.wrapping_add(U256::from(i)), word);
    }
}
