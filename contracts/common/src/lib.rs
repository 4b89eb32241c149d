//! Shared building blocks of the stylus-ip contracts.
//!
//! This crate is linked into every contract (so it stays small and
//! `no_std`-friendly) and into off-chain code that needs the same maths.
//!
//! * [`sol_decls!`] declares a contract's Solidity errors and events once:
//!   it expands to alloy's `sol!` for the Rust types **and**, under the
//!   `export-abi` feature, to the Solidity source text that the ABI exporter
//!   splices into `abi/<Contract>.sol`. One source of truth for the ABI.
//! * [`abi`] is the one ABI toolkit of the contracts: static words,
//!   `selector ‖ words` for errors and calls, events ([`emit!`]), and
//!   [`errors!`], which builds a contract's `Error` enum and its revert data.
//! * [`imm`] builds 32-byte constants (event topics, storage roots) from
//!   code immediates instead of the data segment, whose every byte Nitro
//!   prices into each entry into a program ([`topic!`], [`imm_u256!`]).
//! * [`math`] is the one home of small-divisor mul-div (one overflow rule:
//!   a typed [`math::Overflow`], never a silent clamp) and the EIP-2981
//!   royalty amount.
//! * [`lease`] is the one lease rule an ERC-721 asset (`leaseTo`) and the
//!   licence market share: when an asset's facts refuse a sale.
//! * [`export`] prints a contract's full Solidity interface (functions from
//!   stylus-sdk's `export-abi`, plus the errors and events above).
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

extern crate alloc;

pub mod abi;
#[cfg(feature = "export-abi")]
pub mod export;
pub mod imm;
pub mod lease;
pub mod math;
#[cfg(feature = "test-mocks")]
pub mod test_mocks;

#[doc(hidden)]
pub mod __private {
    pub use alloc::vec::Vec;
    pub use alloy_primitives::U256;
    pub use alloy_sol_types;
}

/// Declares Solidity errors and events once, for both Rust and the ABI.
///
/// Expands to `alloy_sol_types::sol!` with `Debug`/`PartialEq` derives on every
/// item, and (with the `export-abi` feature) to `pub const SOL_DECLS: &str`,
/// the Solidity text of the same items, which [`export::print_interface`]
/// appends to the exported interface.
///
/// Write `//` comments inside the block rather than `///` doc comments when
/// an item needs no rustdoc of its own; doc attributes are stripped from the
/// exported text either way.
#[macro_export]
macro_rules! sol_decls {
    ($($item:tt)*) => {
        $crate::__private::alloy_sol_types::sol! {
            #![sol(all_derives)]
            $($item)*
        }
        /// Solidity source of this contract's errors, events and structs (ABI export only).
        #[cfg(feature = "export-abi")]
        pub const SOL_DECLS: &str = stringify!($($item)*);
    };
}

/// Makes `sol_decls!` structs (and hand-written error enums) usable as
/// `#[public]` return types under the `export-abi` feature.
///
/// stylus-sdk 0.9's ABI printer asks every return type for its "inner types"
/// (the struct declarations to print); its `AbiType` derive does not provide
/// them. The suite declares structs inside [`sol_decls!`], whose text is
/// already spliced into the interface, so each struct just needs an empty
/// `InnerTypes` impl: `stylus_ip_common::abi_structs!(UserRecord, ModelView);`
/// The same holds for an `Error` enum whose `Into<Vec<u8>>` is written by
/// hand instead of derived with `SolidityError`: `abi_structs!(Error);`.
#[macro_export]
macro_rules! abi_structs {
    ($($name:ident),* $(,)?) => {
        $(
            #[cfg(feature = "export-abi")]
            impl stylus_sdk::abi::export::internal::InnerTypes for $name {}
        )*
    };
}
