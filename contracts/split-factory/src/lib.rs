//! Split factory: creates one split wallet per split, as a CREATE2 clone.
//!
//! Each split is a 51-byte EVM minimal proxy
//! ([`stylus_ip_proxy`]) that delegatecalls the activated split
//! implementation (crate `splits`) and accepts plain ETH itself for 15 gas.
//! [`SplitFactory::create_split`] deploys the proxy with CREATE2 and calls its
//! `initialize` in the same transaction, so nobody can initialize it first.
//!
//! The CREATE2 salt commits to every parameter:
//! `keccak256(abi.encode(recipients, allocations, controller, dustRecipient, salt))`,
//! so a predicted address ([`SplitFactory::predict_address`]) can only ever
//! hold exactly that split: funds may be sent to it before it exists.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

/// The split implementation's pure validation and salt derivation, compiled
/// from the same source file so that both contracts agree exactly.
#[path = "../../splits/src/logic.rs"]
#[allow(dead_code, unreachable_pub)]
mod split_logic;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use split_logic::SplitError;
use stylus_ip_common::abi::Word;
use stylus_ip_proxy as proxy;
use stylus_sdk::{prelude::*, storage::StorageAddress, stylus_core::calls::context::Call};

stylus_ip_common::sol_decls! {
    /// The implementation address given to the constructor is zero.
    error SplitFactoryInvalidImplementation(address implementation);
    /// CREATE2 failed: a split with these parameters and salt already
    /// exists at `predicted` (or the deployment ran out of gas).
    error SplitFactoryDeployFailed(address predicted);
    /// Calling `initialize` on the new split failed.
    error SplitFactoryInitializationFailed(address split);
    // Validation errors, identical to the split implementation's.
    /// No recipients, or more than `max`.
    error SplitInvalidRecipientCount(uint256 count, uint256 max);
    /// `recipients` and `allocations` differ in length.
    error SplitLengthMismatch(uint256 recipients, uint256 allocations);
    /// The zero address cannot be a recipient.
    error SplitZeroAddressRecipient();
    /// `recipients[index]` is not strictly greater than the previous one.
    error SplitRecipientsNotSorted(uint256 index);
    /// `allocations[index]` is zero.
    error SplitZeroAllocation(uint256 index);
    /// Allocations sum to `sum` instead of 1,000,000.
    error SplitInvalidAllocationSum(uint256 sum);
    /// The dust recipient must be one of the recipients.
    error SplitInvalidDustRecipient(address dustRecipient);
    /// An amount or counter left its supported range.
    error SplitArithmeticOverflow();

    /// `creator` created `split` (controlled by `controller`, zero =
    /// immutable) with the user salt `salt`.
    event SplitCreated(address indexed split, address indexed creator, address indexed controller, bytes32 salt);
}

stylus_ip_common::errors! {
    /// Errors of [`SplitFactory`].
    ///
    /// ABI-encoded by [`stylus_ip_common::errors!`] (selector + static words)
    /// instead of `#[derive(SolidityError)]`, to keep the WASM small; a unit
    /// test checks every variant against alloy's encoding.
    pub enum Error {
        /// See [`SplitFactoryInvalidImplementation`].
        InvalidImplementation(SplitFactoryInvalidImplementation { implementation }),
        /// See [`SplitFactoryDeployFailed`].
        DeployFailed(SplitFactoryDeployFailed { predicted }),
        /// See [`SplitFactoryInitializationFailed`].
        InitializationFailed(SplitFactoryInitializationFailed { split }),
        /// See [`SplitInvalidRecipientCount`].
        InvalidRecipientCount(SplitInvalidRecipientCount { count, max }),
        /// See [`SplitLengthMismatch`].
        LengthMismatch(SplitLengthMismatch { recipients, allocations }),
        /// See [`SplitZeroAddressRecipient`].
        ZeroAddressRecipient(SplitZeroAddressRecipient {}),
        /// See [`SplitRecipientsNotSorted`].
        RecipientsNotSorted(SplitRecipientsNotSorted { index }),
        /// See [`SplitZeroAllocation`].
        ZeroAllocation(SplitZeroAllocation { index }),
        /// See [`SplitInvalidAllocationSum`].
        InvalidAllocationSum(SplitInvalidAllocationSum { sum }),
        /// See [`SplitInvalidDustRecipient`].
        InvalidDustRecipient(SplitInvalidDustRecipient { dustRecipient }),
        /// See [`SplitArithmeticOverflow`].
        ArithmeticOverflow(SplitArithmeticOverflow {}),
    }
}

impl From<SplitError> for Error {
    fn from(e: SplitError) -> Self {
        let u = |v: usize| U256::from(v);
        match e {
            SplitError::RecipientCount { count } => {
                Self::InvalidRecipientCount(SplitInvalidRecipientCount {
                    count: u(count),
                    max: u(split_logic::MAX_RECIPIENTS),
                })
            }
            SplitError::LengthMismatch {
                recipients,
                allocations,
            } => Self::LengthMismatch(SplitLengthMismatch {
                recipients: u(recipients),
                allocations: u(allocations),
            }),
            SplitError::ZeroRecipient => Self::ZeroAddressRecipient(SplitZeroAddressRecipient {}),
            SplitError::NotSorted { index } => {
                Self::RecipientsNotSorted(SplitRecipientsNotSorted { index: u(index) })
            }
            SplitError::ZeroAllocation { index } => {
                Self::ZeroAllocation(SplitZeroAllocation { index: u(index) })
            }
            SplitError::AllocationSum { sum } => {
                Self::InvalidAllocationSum(SplitInvalidAllocationSum {
                    sum: U256::from(sum),
                })
            }
            SplitError::DustRecipient { dust_recipient } => {
                Self::InvalidDustRecipient(SplitInvalidDustRecipient {
                    dustRecipient: dust_recipient,
                })
            }
            SplitError::Overflow => Self::ArithmeticOverflow(SplitArithmeticOverflow {}),
        }
    }
}

/// `initialize(address[],uint32[],address,address)` selector.
pub const INITIALIZE_SELECTOR: [u8; 4] = [0xc2, 0x38, 0x65, 0x00];

/// Calldata of `initialize(recipients, allocations, controller, dustRecipient)`
/// (standard ABI encoding, hand-rolled to keep the WASM small).
#[must_use]
pub fn encode_initialize(
    recipients: &[Address],
    allocations: &[u32],
    controller: Address,
    dust_recipient: Address,
) -> Vec<u8> {
    let args = split_logic::encode_with_arrays(
        recipients,
        allocations,
        &[controller.word(), dust_recipient.word()],
    );
    let mut out = Vec::with_capacity(4 + args.len());
    out.extend_from_slice(&INITIALIZE_SELECTOR);
    out.extend_from_slice(&args);
    out
}

/// Topics of [`SplitCreated`] (its data is the 32-byte salt): hand-encoded
/// like the errors, checked against alloy in tests.
#[must_use]
pub fn split_created_topics(split: Address, creator: Address, controller: Address) -> [B256; 4] {
    [
        stylus_ip_common::topic!(SplitCreated),
        split.word(),
        creator.word(),
        controller.word(),
    ]
}

/// The factory contract.
#[entrypoint]
#[storage]
pub struct SplitFactory {
    /// The activated split implementation every clone delegates to.
    implementation: StorageAddress,
}

impl SplitFactory {
    fn salt_and_address(
        &self,
        recipients: &[Address],
        allocations: &[u32],
        controller: Address,
        dust_recipient: Address,
        salt: B256,
    ) -> (B256, Address) {
        let full =
            split_logic::split_salt(recipients, allocations, controller, dust_recipient, salt.0);
        let hash = proxy::proxy_init_code_hash(self.implementation.get().into_array());
        let predicted =
            proxy::predict_create2_address(self.vm().contract_address().into_array(), full, hash);
        (B256::from(full), Address::from(predicted))
    }
}

#[public]
impl SplitFactory {
    /// Sets the split implementation (an activated `splits` program).
    ///
    /// # Errors
    /// [`Error::InvalidImplementation`] if `implementation` is zero.
    #[constructor]
    pub fn constructor(&mut self, implementation: Address) -> Result<(), Error> {
        if implementation.is_zero() {
            return Err(Error::InvalidImplementation(
                SplitFactoryInvalidImplementation { implementation },
            ));
        }
        self.implementation.set(implementation);
        Ok(())
    }

    /// Creates and initializes a split wallet at
    /// [`Self::predict_address`]`(recipients, allocations, controller, dust_recipient, salt)`.
    /// Parameters as for the split's `initialize`: recipients strictly
    /// ascending and non-zero (1..=500), non-zero allocations summing to
    /// 1,000,000, `dust_recipient` one of the recipients, `controller` zero
    /// for an immutable split. Returns the split's address.
    ///
    /// # Errors
    /// [`Error::InvalidImplementation`] if the factory was never constructed;
    /// the validation errors ([`Error::LengthMismatch`],
    /// [`Error::InvalidRecipientCount`], [`Error::ZeroAddressRecipient`],
    /// [`Error::RecipientsNotSorted`], [`Error::ZeroAllocation`],
    /// [`Error::InvalidAllocationSum`], [`Error::InvalidDustRecipient`]);
    /// [`Error::DeployFailed`] if that split already exists;
    /// [`Error::InitializationFailed`] if `initialize` reverts.
    ///
    /// # Events
    /// [`SplitCreated`] (and the split's own `SplitUpdated` /
    /// `ControlTransferred`).
    pub fn create_split(
        &mut self,
        recipients: Vec<Address>,
        allocations: Vec<u32>,
        controller: Address,
        dust_recipient: Address,
        salt: B256,
    ) -> Result<Address, Error> {
        let implementation = self.implementation.get();
        if implementation.is_zero() {
            // Not constructed: a clone of address zero would "initialize"
            // successfully (a delegatecall to no code succeeds) and be dead.
            return Err(Error::InvalidImplementation(
                SplitFactoryInvalidImplementation { implementation },
            ));
        }
        split_logic::validate_split(&recipients, &allocations, dust_recipient)?;
        let (full_salt, predicted) =
            self.salt_and_address(&recipients, &allocations, controller, dust_recipient, salt);
        let code = proxy::proxy_init_array(implementation.into_array());
        let endowment = B256::ZERO;
        let mut split = Address::ZERO;
        let mut revert_len: usize = 0;
        // SAFETY: the init code is the fixed 60-byte proxy creation code: it
        // makes no call, so nothing can re-enter this factory during CREATE2
        // and the (untouched) storage cache cannot alias. Pointers are to
        // live local buffers of the sizes the hostio expects (code.len()
        // bytes, 32-byte endowment and salt, 20-byte address out).
        unsafe {
            self.vm().create2(
                code.as_ptr(),
                code.len(),
                endowment.as_ptr(),
                full_salt.as_ptr(),
                split.as_mut_ptr(),
                &mut revert_len,
            );
        }
        if split.is_zero() {
            return Err(Error::DeployFailed(SplitFactoryDeployFailed { predicted }));
        }
        let calldata = encode_initialize(&recipients, &allocations, controller, dust_recipient);
        self.vm()
            .call(&Call::new(), split, &calldata)
            .map_err(|_| Error::InitializationFailed(SplitFactoryInitializationFailed { split }))?;
        let topics = split_created_topics(split, self.vm().msg_sender(), controller);
        // Only fails for more than 4 topics.
        let _ = self.vm().raw_log(&topics, salt.as_slice());
        Ok(split)
    }

    /// Address at which [`Self::create_split`] creates (or created) this
    /// split. It does not validate the parameters.
    pub fn predict_address(
        &self,
        recipients: Vec<Address>,
        allocations: Vec<u32>,
        controller: Address,
        dust_recipient: Address,
        salt: B256,
    ) -> Address {
        self.salt_and_address(&recipients, &allocations, controller, dust_recipient, salt)
            .1
    }

    /// The split implementation every clone delegates to.
    pub fn implementation(&self) -> Address {
        self.implementation.get()
    }

    /// `keccak256` of the clones' creation code (for off-chain CREATE2
    /// address computation).
    pub fn proxy_init_code_hash(&self) -> B256 {
        B256::from(proxy::proxy_init_code_hash(
            self.implementation.get().into_array(),
        ))
    }
}

#[cfg(test)]
mod tests;
