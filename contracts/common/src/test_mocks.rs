//! Test doubles shared by the contracts' motsu tests (feature `test-mocks`,
//! enabled only through `[dev-dependencies]`: never linked into a WASM).

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use openzeppelin_stylus::token::erc1155::{Erc1155, IErc1155};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageMap, StorageU256},
};

alloy_sol_types::sol! {
    /// [`MockEditions`] refuses to move `id` units that are frozen.
    #[derive(Debug, PartialEq)]
    error Frozen(uint256 id);
}

/// An ERC-1155 asset (OpenZeppelin's) whose owners' units can be frozen, as
/// ip-editions freezes units under ERC-5006 user records: `frozenBalanceOf`,
/// `usableBalanceOf` (balance minus frozen) and transfers of frozen units
/// refused with [`Frozen`].
#[storage]
pub struct MockEditions {
    erc1155: Erc1155,
    frozen: StorageMap<Address, StorageMap<U256, StorageU256>>,
}

// SAFETY: a test contract, top-level in motsu.
unsafe impl TopLevelStorage for MockEditions {}

#[public]
impl MockEditions {
    /// Mints `value` units of `id` to `to`.
    ///
    /// # Errors
    /// OpenZeppelin's (a zero receiver, a refusing receiver hook).
    pub fn mint(&mut self, to: Address, id: U256, value: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc1155._mint(to, id, value, &Vec::new().into())?)
    }

    /// ERC-1155 `balanceOf`.
    pub fn balance_of(&self, owner: Address, id: U256) -> U256 {
        self.erc1155.balance_of(owner, id)
    }

    /// Units of `id` of `owner` frozen by [`Self::freeze`].
    pub fn frozen_balance_of(&self, owner: Address, id: U256) -> U256 {
        self.frozen.getter(owner).get(id)
    }

    /// Units of `id` that `owner` may move: balance minus frozen (zero if
    /// more are frozen than held).
    pub fn usable_balance_of(&self, owner: Address, id: U256) -> U256 {
        self.balance_of(owner, id)
            .saturating_sub(self.frozen_balance_of(owner, id))
    }

    /// Test hook: freezes `value` units of `id` of `owner` (replacing any
    /// earlier amount).
    pub fn freeze(&mut self, owner: Address, id: U256, value: U256) {
        self.frozen.setter(owner).insert(id, value);
    }

    /// ERC-1155 `setApprovalForAll`.
    ///
    /// # Errors
    /// OpenZeppelin's (a zero operator).
    pub fn set_approval_for_all(
        &mut self,
        operator: Address,
        approved: bool,
    ) -> Result<(), Vec<u8>> {
        Ok(self.erc1155.set_approval_for_all(operator, approved)?)
    }

    /// ERC-1155 `safeTransferFrom`, refusing frozen units.
    ///
    /// # Errors
    /// [`Frozen`] above the usable balance; OpenZeppelin's otherwise.
    #[selector(name = "safeTransferFrom")]
    pub fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        id: U256,
        value: U256,
        data: Bytes,
    ) -> Result<(), Vec<u8>> {
        if value > self.usable_balance_of(from, id) {
            return Err(Frozen { id }.abi_encode());
        }
        Ok(self.erc1155.safe_transfer_from(from, to, id, value, data)?)
    }

    /// ERC-1155 `safeBatchTransferFrom` (frozen units are not checked).
    ///
    /// # Errors
    /// OpenZeppelin's.
    #[selector(name = "safeBatchTransferFrom")]
    pub fn safe_batch_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        ids: Vec<U256>,
        values: Vec<U256>,
        data: Bytes,
    ) -> Result<(), Vec<u8>> {
        Ok(self
            .erc1155
            .safe_batch_transfer_from(from, to, ids, values, data)?)
    }
}

/// Asserts that `wrap(error)` (a contract `Error` variant, as the contract
/// encodes it: `errors!` or by hand) is exactly alloy's
/// `SolError::abi_encode` of `error`; a failure names the error's Solidity
/// signature.
///
/// # Panics
/// If the two encodings differ.
pub fn assert_encodes_like_alloy<T: SolError, E: Into<Vec<u8>>>(wrap: fn(T) -> E, error: T) {
    let expected = error.abi_encode();
    assert_eq!(wrap(error).into(), expected, "{}", T::SIGNATURE);
}

/// [`assert_encodes_like_alloy`] for each `Error::Variant(value)` given;
/// evaluates to how many were checked (for an "every variant" count).
#[macro_export]
macro_rules! assert_errors_encode_like_alloy {
    ($($error:ident :: $variant:ident ($value:expr)),* $(,)?) => {{
        let mut checked = 0usize;
        $(
            $crate::test_mocks::assert_encodes_like_alloy($error::$variant, $value);
            checked += 1;
        )*
        checked
    }};
}

/// Test clock: motsu's block timestamp is fixed, so a contract reads it
/// through [`clock::shift`] under `cfg(test)`, which adds a per-thread
/// (= per-test) offset that the test moves with [`clock::advance`].
pub mod clock {
    // The crate is `no_std` outside its own tests; the thread-local needs std.
    #[allow(unused_extern_crates)]
    extern crate std;

    use core::cell::Cell;

    std::thread_local! {
        static OFFSET: Cell<u64> = const { Cell::new(0) };
    }

    /// Block timestamp seen by the contract.
    #[must_use]
    pub fn shift(t: u64) -> u64 {
        t + OFFSET.with(Cell::get)
    }

    /// Moves the test's clock forward.
    pub fn advance(secs: u64) {
        OFFSET.with(|o| o.set(o.get() + secs));
    }
}
