//! [`Words`], a compact storage list of 32-byte words.
//!
//! Same layout as a Solidity dynamic array (length at the slot, word `i` at
//! `keccak256(slot) + i`), but without stylus-sdk's generic `StorageVec`
//! machinery (lazy base cell, per-element index maths, panicking length
//! conversion), which costs kilobytes of WASM. Bounded lists are read whole
//! and rewritten as a diff against what was read; unbounded ones are edited
//! one word at a time ([`Words::length`], [`Words::get`], [`Words::set`],
//! [`Words::set_len`]).

use alloc::vec::Vec;

use alloy_primitives::{B256, U256};
use stylus_sdk::{
    host::VM,
    storage::{StorageB256, StorageGuard, StorageGuardMut, StorageType, StorageU256},
};

/// A length-prefixed list of words in storage (see the module docs).
#[derive(Debug)]
pub struct Words {
    slot: U256,
    host: VM,
}

impl StorageType for Words {
    type Wraps<'a>
        = StorageGuard<'a, Self>
    where
        Self: 'a;
    type WrapsMut<'a>
        = StorageGuardMut<'a, Self>
    where
        Self: 'a;

    unsafe fn new(slot: U256, _offset: u8, host: VM) -> Self {
        Self { slot, host }
    }

    fn load<'s>(self) -> Self::Wraps<'s> {
        StorageGuard::new(self)
    }

    fn load_mut<'s>(self) -> Self::WrapsMut<'s> {
        StorageGuardMut::new(self)
    }
}

impl Words {
    /// The length cell.
    fn len_cell(&self) -> StorageU256 {
        // SAFETY: the list owns its slot (it is a field or map value laid
        // out by stylus-sdk); nothing else aliases it.
        unsafe { StorageU256::new(self.slot, 0, self.host.clone()) }
    }

    /// The cell of word `i`, `base` being `keccak256(slot)`.
    fn cell(&self, base: U256, i: usize) -> StorageB256 {
        // SAFETY: the words live at `keccak256(slot) + i`, the Solidity
        // dynamic-array layout, which no other storage item uses.
        unsafe { StorageB256::new(base.wrapping_add(U256::from(i)), 0, self.host.clone()) }
    }

    /// Where the words start.
    fn base(&self) -> U256 {
        U256::from_be_bytes(stylus_sdk::crypto::keccak(self.slot.to_be_bytes::<32>()).0)
    }

    /// All the words. (Lengths are only ever written by [`Words::write`],
    /// so they are small; a length that does not fit reads as empty.)
    #[must_use]
    pub fn read(&self) -> Vec<B256> {
        let len = usize::try_from(self.len_cell().get()).unwrap_or(0);
        let base = self.base();
        (0..len).map(|i| self.cell(base, i).get()).collect()
    }

    /// Number of words (a length that does not fit reads as 0, as in
    /// [`Words::read`]).
    #[must_use]
    pub fn length(&self) -> usize {
        usize::try_from(self.len_cell().get()).unwrap_or(0)
    }

    /// Word `i` (not checked against the length).
    #[must_use]
    pub fn get(&self, i: usize) -> B256 {
        self.cell(self.base(), i).get()
    }

    /// Writes word `i` (not checked against the length).
    pub fn set(&mut self, i: usize, word: B256) {
        self.cell(self.base(), i).set(word);
    }

    /// Sets the length (words beyond it are left as they are: callers zero
    /// them).
    pub fn set_len(&mut self, len: usize) {
        self.len_cell().set(U256::from(len));
    }

    /// Replaces the list, whose current content `old` was just [`read`],
    /// by `new`: only changed words are written and freed ones are zeroed.
    ///
    /// [`read`]: Words::read
    pub fn write(&mut self, old: &[B256], new: &[B256]) {
        let base = self.base();
        for (i, w) in new.iter().enumerate() {
            if old.get(i) != Some(w) {
                self.cell(base, i).set(*w);
            }
        }
        for i in new.len()..old.len() {
            self.cell(base, i).set(B256::ZERO);
        }
        if old.len() != new.len() {
            self.len_cell().set(U256::from(new.len()));
        }
    }
}
