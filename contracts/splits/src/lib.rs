//! Revenue split wallet: the Stylus implementation behind every split clone.
//!
//! Each split lives at its own address, a 51-byte EVM minimal proxy
//! (`stylus_ip_proxy`) created by the `split-factory` contract with
//! CREATE2. The proxy accepts plain ETH (empty calldata) for 15 gas without
//! entering WASM, and delegatecalls everything else to this contract, so all
//! storage below is the clone's.
//!
//! # Accounting (no distribute loop)
//! Nothing is pushed. For each token (`address(0)` = ETH) the wallet tracks
//! what it has paid out; `received = balance + paid`, and a recipient can
//! claim `floor((received - base) * allocation / 1e6) - offset`
//! ([`logic`]). Deposits are plain transfers, and `withdraw` is O(1) per
//! token whatever the number of recipients; anyone may trigger a
//! withdrawal, the funds only ever go to the recipient.
//!
//! # Allocation sets (epochs) and updates
//! The recipients of epoch `e` are stored as a sorted linked list, one
//! storage slot per recipient (next pointer, allocation and dust flag packed).
//! `updateSplit` (controller only) writes the new set as epoch `e+1` and
//! *settles* ETH and the listed tokens: every recipient of the old set keeps
//! exactly what it could claim (credited into its offset), and the rounding
//! dust goes to the old set's dust recipient. Cost: O(old recipients ×
//! (1 + listed tokens)). Every other token keeps following the allocation
//! set it is in until someone settles it (`settle`, permissionless) — never
//! lost, never claimable twice. A token the split has never touched follows
//! the initial set (epoch 0, [`logic::followed_epoch`]): ERC-20 transfers are
//! invisible to the split, so it cannot know which set such revenue was
//! earned under, and handing it to the current set would let an update take
//! un-withdrawn revenue from the old recipients. So an update never lowers
//! any recipient's claimable amount in any token; the new recipients (or
//! anyone) `settle` a token to move it into the current set.
//!
//! Listing the split's own address as a recipient is pointless but safe:
//! its withdrawals pay the wallet itself, which counts as new revenue, so
//! its share is re-split among everyone (every claim stays covered by the
//! balance).
//!
//! # Unsupported tokens
//! Fee-on-transfer and rebasing ERC-20s are unsupported: `received` would not
//! reflect what was actually distributable (a negative rebase can make the
//! last withdrawals fail; a positive one is simply revenue). Amounts must
//! stay below 2^255.
//!
//! # Gas (measured on the project's devnode VM, programs not cached)
//! | operation | gas |
//! |---|---|
//! | plain ETH from an EOA (proxy STOP path) | 21,015 (15 in the proxy) |
//! | `transfer()` with the 2,300 stipend from a contract | succeeds |
//! | `createSplit`, 2 recipients (factory + CREATE2 + initialize) | 247,111 (216,837 with a 64 KiB WASM stack) |
//! | `createSplit`, 500 recipients | 12.1 M |
//! | `withdraw` ETH, first / later (2 or 500 recipients alike) | ~157 k / ~98 k (new EOA payee) |
//! | `updateSplit` 500 → 2 recipients, settling ETH | 12.6 M |
//!
//! Settlement costs ~22 k gas per (old recipient, listed token) pair, so a
//! 500-recipient split can settle at most two tokens per update within a
//! 32 M block; settle the others with [`Split::settle`] afterwards.
//!
//! # Clones have no constructor
//! `initialize` runs once per address (the factory calls it in the same
//! transaction as the CREATE2). Calling `initialize` on the implementation
//! itself is harmless: clones never read its storage.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

pub mod logic;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, I256, U256};
use logic::SplitError;
use stylus_ip_common::abi::{self, Word};
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageI256, StorageMap, StorageU16, StorageU256, StorageU32,
        StorageUint,
    },
    stylus_core::calls::context::Call,
};

stylus_ip_common::sol_decls! {
    /// An allocation set: recipients (ascending), their allocations (parts
    /// per million, summing to 1,000,000) and the dust recipient. Returned
    /// as one struct because stylus-sdk 0.9 encodes a returned tuple holding
    /// arrays with an extra leading offset word, which no ABI decoder
    /// expects (OffchainLabs/stylus-sdk-rs#308); a struct encodes correctly.
    struct SplitView {
        address[] recipients;
        uint32[] allocations;
        address dustRecipient;
    }

    /// `initialize` was already called on this split (OpenZeppelin
    /// `Initializable`'s name).
    error InvalidInitialization();
    /// The split has not been initialized.
    error SplitNotInitialized();
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
    /// `caller` is not allowed to do this.
    error SplitUnauthorized(address caller);
    /// The split has no controller: it can never change.
    error SplitImmutable();
    /// `controller` cannot be the new controller (use `makeImmutable`).
    error SplitInvalidController(address controller);
    /// `recipient` has nothing to withdraw in any of the tokens given.
    error SplitNothingToWithdraw(address recipient);
    /// Sending `amount` wei to `recipient` failed (it reverted).
    error SplitEthTransferFailed(address recipient, uint256 amount);
    /// `token.transfer(recipient, amount)` reverted or returned false.
    error SplitTokenTransferFailed(address token, address recipient, uint256 amount);
    /// `token.balanceOf(split)` failed or returned no uint256.
    error SplitBalanceQueryFailed(address token);
    /// An amount or counter left its supported range.
    error SplitArithmeticOverflow();

    /// A new allocation set took effect (epoch 0 on initialization).
    event SplitUpdated(uint32 indexed epoch, address[] recipients, uint32[] allocations, address dustRecipient);
    /// `token` moved from allocation set `fromEpoch` to `toEpoch`; `revenue`
    /// was credited to `fromEpoch`'s recipients and `dust` of it to its dust
    /// recipient.
    event TokenSettled(address indexed token, uint32 fromEpoch, uint32 toEpoch, uint256 revenue, uint256 dust);
    /// `amount` of `token` (zero = ETH) was paid to `recipient`.
    event Withdrawal(address indexed recipient, address indexed token, uint256 amount);
    /// `controller` proposed `newController`, who must accept.
    event ControlTransferStarted(address indexed controller, address indexed newController);
    /// The pending transfer to `pendingController` was cancelled.
    event ControlTransferCancelled(address indexed controller, address indexed pendingController);
    /// Control passed from `previousController` to `newController` (zero:
    /// the split became immutable).
    event ControlTransferred(address indexed previousController, address indexed newController);
}

stylus_ip_common::errors! {
    /// Errors of [`Split`].
    ///
    /// ABI-encoded by [`stylus_ip_common::errors!`] (selector +
    /// static words) rather than `#[derive(SolidityError)]`, whose per-variant
    /// alloy encoders cost ~7 KB of WASM; a unit test checks the bytes against
    /// alloy's encoding for every variant.
    pub enum Error {
        /// See [`InvalidInitialization`].
        AlreadyInitialized(InvalidInitialization {}),
        /// See [`SplitNotInitialized`].
        NotInitialized(SplitNotInitialized {}),
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
        /// See [`SplitUnauthorized`].
        Unauthorized(SplitUnauthorized { caller }),
        /// See [`SplitImmutable`].
        Immutable(SplitImmutable {}),
        /// See [`SplitInvalidController`].
        InvalidController(SplitInvalidController { controller }),
        /// See [`SplitNothingToWithdraw`].
        NothingToWithdraw(SplitNothingToWithdraw { recipient }),
        /// See [`SplitEthTransferFailed`].
        EthTransferFailed(SplitEthTransferFailed { recipient, amount }),
        /// See [`SplitTokenTransferFailed`].
        TokenTransferFailed(SplitTokenTransferFailed { token, recipient, amount }),
        /// See [`SplitBalanceQueryFailed`].
        BalanceQueryFailed(SplitBalanceQueryFailed { token }),
        /// See [`SplitArithmeticOverflow`].
        ArithmeticOverflow(SplitArithmeticOverflow {}),
    }
}

stylus_ip_common::abi_structs!(SplitView);

/// `SplitView` as a return type: the canonical tuple (see `OfferTerms` in
/// the licence market for why the SDK's derive cannot be used).
impl stylus_sdk::abi::AbiType for SplitView {
    type SolType = Self;

    const ABI: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("(address[],uint32[],address)");
    const EXPORT_ABI_ARG: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("SplitView calldata");
    const EXPORT_ABI_RET: stylus_sdk::abi::ConstString =
        stylus_sdk::abi::ConstString::new("SplitView memory");
}

impl From<SplitError> for Error {
    fn from(e: SplitError) -> Self {
        // usize -> U256 is lossless.
        let u = |v: usize| U256::from(v);
        match e {
            SplitError::RecipientCount { count } => {
                Self::InvalidRecipientCount(SplitInvalidRecipientCount {
                    count: u(count),
                    max: u(logic::MAX_RECIPIENTS),
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

/// One recipient of one allocation set: a single storage slot
/// (20 + 4 + 1 bytes, packed like Solidity).
#[storage]
pub struct Entry {
    /// Next recipient in ascending order (zero: last).
    next: StorageAddress,
    /// Parts per million (zero: not a recipient of this set).
    allocation: StorageU32,
    /// Whether this recipient receives the set's rounding dust.
    dust: StorageBool,
}

/// Head of an allocation set's list: one slot.
#[storage]
pub struct EpochInfo {
    /// Lowest recipient.
    head: StorageAddress,
    /// Number of recipients.
    count: StorageU16,
}

/// 224-bit unsigned storage (packed with a `u32` in one slot).
type StorageU224 = StorageUint<224, 4>;

/// Per-token accounting: two slots.
#[storage]
pub struct TokenState {
    /// Allocation set the token follows, plus one (zero: never touched,
    /// follows the current set). Packed with `paid`: a withdrawal writes
    /// one slot.
    epoch_plus_one: StorageU32,
    /// Total ever withdrawn (< 2^224, far above any real token supply).
    paid: StorageU224,
    /// `received` when the token entered its current allocation set.
    base: StorageU256,
}

/// Total ever withdrawn of a token, widened.
fn paid_of(state: &TokenState) -> U256 {
    U256::from_limbs(state.paid.get().into_limbs())
}

/// The split implementation (see the crate docs).
#[entrypoint]
#[storage]
pub struct Split {
    /// Who may update; zero = immutable. Packed with `epoch` and
    /// `initialized` in one slot.
    controller: StorageAddress,
    /// Current allocation set.
    epoch: StorageU32,
    /// Set by `initialize`.
    initialized: StorageBool,
    /// Proposed controller (two-step transfer).
    pending_controller: StorageAddress,
    /// Allocation set heads.
    epochs: StorageMap<u32, EpochInfo>,
    /// Allocation set entries: epoch => recipient => entry.
    entries: StorageMap<u32, StorageMap<Address, Entry>>,
    /// token => state.
    tokens: StorageMap<Address, TokenState>,
    /// token => recipient => signed offset (withdrawn minus credited).
    offsets: StorageMap<Address, StorageMap<Address, StorageI256>>,
}

const TRANSFER_SELECTOR: [u8; 4] = [0xa9, 0x05, 0x9c, 0xbb];
const BALANCE_OF_SELECTOR: [u8; 4] = [0x70, 0xa0, 0x82, 0x31];
/// `keccak256("")`: the code hash of an account without code.
const EMPTY_CODE_HASH: alloy_primitives::B256 =
    alloy_primitives::b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

fn overflow() -> Error {
    Error::ArithmeticOverflow(SplitArithmeticOverflow {})
}

impl Split {
    /// Emits an event with two indexed addresses and no data.
    fn emit_pair(&self, signature: B256, first: Address, second: Address) {
        abi::emit(&[signature, first.word(), second.word()], &[]);
    }

    fn emit_split_updated(
        &self,
        epoch: u32,
        recipients: &[Address],
        allocations: &[u32],
        dust: Address,
    ) {
        let data = logic::encode_with_arrays(recipients, allocations, &[dust.word()]);
        let _ = self.vm().raw_log(
            &[stylus_ip_common::topic!(SplitUpdated), epoch.word()],
            &data,
        );
    }

    fn require_initialized(&self) -> Result<(), Error> {
        if self.initialized.get() {
            Ok(())
        } else {
            Err(Error::NotInitialized(SplitNotInitialized {}))
        }
    }

    /// Checks the caller is the controller of an initialized, mutable split.
    fn require_controller(&self) -> Result<Address, Error> {
        self.require_initialized()?;
        let controller = self.controller.get();
        if controller.is_zero() {
            return Err(Error::Immutable(SplitImmutable {}));
        }
        let caller = self.vm().msg_sender();
        if caller != controller {
            return Err(Error::Unauthorized(SplitUnauthorized { caller }));
        }
        Ok(controller)
    }

    fn current_epoch(&self) -> u32 {
        self.epoch.get().as_limbs()[0] as u32
    }

    /// Allocation set that `token` follows ([`logic::followed_epoch`]).
    fn token_epoch_of(&self, token: Address) -> u32 {
        logic::followed_epoch(self.tokens.getter(token).epoch_plus_one.get().as_limbs()[0] as u32)
    }

    /// Writes allocation set `epoch` (parameters already validated).
    fn write_epoch(
        &mut self,
        epoch: u32,
        recipients: &[Address],
        allocations: &[u32],
        dust_recipient: Address,
    ) {
        for (i, (&r, &a)) in recipients.iter().zip(allocations).enumerate() {
            let next = recipients.get(i + 1).copied().unwrap_or(Address::ZERO);
            let mut set = self.entries.setter(epoch);
            let mut entry = set.setter(r);
            entry.next.set(next);
            entry
                .allocation
                .set(alloy_primitives::aliases::U32::from(a));
            entry.dust.set(r == dust_recipient);
        }
        let mut info = self.epochs.setter(epoch);
        info.head
            .set(recipients.first().copied().unwrap_or_default());
        // SAFETY of the cast: at most MAX_RECIPIENTS (500) recipients.
        info.count
            .set(alloy_primitives::aliases::U16::from(recipients.len() as u16));
    }

    /// Reads allocation set `epoch` as (recipients, allocations, dust recipient).
    fn view_of(&self, epoch: u32) -> SplitView {
        let (recipients, allocations, dust_recipient) = self.read_epoch(epoch);
        SplitView {
            recipients,
            allocations,
            dustRecipient: dust_recipient,
        }
    }

    fn read_epoch(&self, epoch: u32) -> (Vec<Address>, Vec<u32>, Address) {
        let mut recipients = Vec::new();
        let mut allocations = Vec::new();
        let mut dust = Address::ZERO;
        let mut cur = self.epochs.getter(epoch).head.get();
        let set = self.entries.getter(epoch);
        while !cur.is_zero() {
            let entry = set.getter(cur);
            recipients.push(cur);
            allocations.push(entry.allocation.get().as_limbs()[0] as u32);
            if entry.dust.get() {
                dust = cur;
            }
            cur = entry.next.get();
        }
        (recipients, allocations, dust)
    }

    /// `balance + paid` of `token` for this wallet.
    fn received(&self, token: Address) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        let balance = if token.is_zero() {
            self.vm().balance(this)
        } else {
            let data = abi::encode(&BALANCE_OF_SELECTOR, &[this.word()]);
            let failed = || Error::BalanceQueryFailed(SplitBalanceQueryFailed { token });
            let out = self
                .vm()
                .static_call(&Call::new(), token, &data)
                .map_err(|_| failed())?;
            if out.len() < 32 {
                return Err(failed());
            }
            U256::from_be_slice(&out[..32])
        };
        let paid = paid_of(&self.tokens.getter(token));
        Ok(logic::total_received(balance, paid)?)
    }

    /// (`share`, `offset`, `claimable`) of `recipient` in `token` now.
    fn position(&self, recipient: Address, token: Address) -> Result<(U256, I256, U256), Error> {
        let epoch = self.token_epoch_of(token);
        let allocation = self
            .entries
            .getter(epoch)
            .getter(recipient)
            .allocation
            .get()
            .as_limbs()[0] as u32;
        let received = self.received(token)?;
        let base = self.tokens.getter(token).base.get();
        let share = logic::share(logic::epoch_revenue(received, base), allocation);
        let offset = self.offsets.getter(token).get(recipient);
        let claimable = logic::claimable(share, offset)?;
        Ok((share, offset, claimable))
    }

    /// Moves `token` into allocation set `to` (no-op if already there),
    /// crediting the revenue of its current set to that set's recipients and
    /// its rounding dust to that set's dust recipient. O(recipients).
    fn settle_token(&mut self, token: Address, to: u32) -> Result<(), Error> {
        let from = self.token_epoch_of(token);
        if from == to {
            return Ok(());
        }
        let received = self.received(token)?;
        let base = self.tokens.getter(token).base.get();
        let revenue = logic::epoch_revenue(received, base);
        let mut dust = U256::ZERO;
        if !revenue.is_zero() {
            let (recipients, allocations, dust_recipient) = self.read_epoch(from);
            let dust_index = recipients
                .iter()
                .position(|r| *r == dust_recipient)
                .unwrap_or(0);
            let settlement = logic::settlement(revenue, &allocations, dust_index)?;
            for (recipient, credit) in recipients.into_iter().zip(settlement.credits) {
                if !credit.is_zero() {
                    self.credit(token, recipient, credit)?;
                }
            }
            dust = settlement.dust;
            self.tokens.setter(token).base.set(received);
        }
        let to_plus_one = to.checked_add(1).ok_or_else(overflow)?;
        self.tokens
            .setter(token)
            .epoch_plus_one
            .set(alloy_primitives::aliases::U32::from(to_plus_one));
        stylus_ip_common::emit!(TokenSettled, [token], [from, to, revenue, dust]);
        Ok(())
    }

    fn credit(&mut self, token: Address, recipient: Address, amount: U256) -> Result<(), Error> {
        let mut offsets = self.offsets.setter(token);
        let mut slot = offsets.setter(recipient);
        let updated = logic::offset_after_credit(slot.get(), amount)?;
        slot.set(updated);
        Ok(())
    }

    /// Pays `amount` of `token` to `recipient` (state already updated).
    fn pay(&mut self, token: Address, recipient: Address, amount: U256) -> Result<(), Error> {
        if token.is_zero() {
            return self.vm().transfer_eth(recipient, amount).map_err(|_| {
                Error::EthTransferFailed(SplitEthTransferFailed { recipient, amount })
            });
        }
        let failed = || {
            Error::TokenTransferFailed(SplitTokenTransferFailed {
                token,
                recipient,
                amount,
            })
        };
        let data = abi::encode(&TRANSFER_SELECTOR, &[recipient.word(), amount.word()]);
        let out = self
            .vm()
            .call(&Call::new(), token, &data)
            .map_err(|_| failed())?;
        // Tokens that return nothing (USDT-style) are accepted only if the
        // address has code; otherwise the return value must be `true`.
        let ok = if out.is_empty() {
            let hash = self.vm().code_hash(token);
            !hash.is_zero() && hash != EMPTY_CODE_HASH
        } else {
            out.len() >= 32 && U256::from_be_slice(&out[..32]) == U256::from(1)
        };
        if ok {
            Ok(())
        } else {
            Err(failed())
        }
    }
}

#[public]
impl Split {
    /// Initializes a fresh split (clones have no constructor; runs once).
    ///
    /// `recipients` strictly ascending, non-zero, 1..=500 of them;
    /// `allocations` non-zero parts per million summing to 1,000,000;
    /// `controller` may update the split (zero: immutable);
    /// `dust_recipient` (one of the recipients) gets the rounding dust when a
    /// token is settled out of this allocation set. O(n) storage writes.
    ///
    /// # Errors
    /// [`Error::AlreadyInitialized`]; the validation errors
    /// ([`Error::LengthMismatch`], [`Error::InvalidRecipientCount`],
    /// [`Error::ZeroAddressRecipient`], [`Error::RecipientsNotSorted`],
    /// [`Error::ZeroAllocation`], [`Error::InvalidAllocationSum`],
    /// [`Error::InvalidDustRecipient`]).
    ///
    /// # Events
    /// [`SplitUpdated`] for epoch 0, and [`ControlTransferred`] from zero to
    /// `controller` if it is non-zero.
    pub fn initialize(
        &mut self,
        recipients: Vec<Address>,
        allocations: Vec<u32>,
        controller: Address,
        dust_recipient: Address,
    ) -> Result<(), Error> {
        if self.initialized.get() {
            return Err(Error::AlreadyInitialized(InvalidInitialization {}));
        }
        logic::validate_split(&recipients, &allocations, dust_recipient)?;
        self.write_epoch(0, &recipients, &allocations, dust_recipient);
        self.controller.set(controller);
        self.initialized.set(true);
        if !controller.is_zero() {
            self.emit_pair(
                stylus_ip_common::topic!(ControlTransferred),
                Address::ZERO,
                controller,
            );
        }
        self.emit_split_updated(0, &recipients, &allocations, dust_recipient);
        Ok(())
    }

    /// Replaces the allocation set (controller only). First settles ETH and
    /// each of `settle_tokens` (ERC-20s; `address(0)`, ETH again, is a
    /// no-op) out of the set it follows: every recipient keeps exactly what
    /// it could claim, and the rounding dust goes to that set's dust
    /// recipient. Gas: O(old recipients × (1 + tokens)) plus O(new
    /// recipients) writes. Every other token — including one the split has
    /// never touched — keeps following its set until settled (see
    /// [`Self::settle`]), so no update lowers what any recipient can claim.
    ///
    /// # Errors
    /// [`Error::NotInitialized`], [`Error::Immutable`],
    /// [`Error::Unauthorized`], the validation errors of
    /// [`Self::initialize`], [`Error::BalanceQueryFailed`],
    /// [`Error::ArithmeticOverflow`].
    ///
    /// # Events
    /// [`TokenSettled`] per token moved, then [`SplitUpdated`].
    pub fn update_split(
        &mut self,
        recipients: Vec<Address>,
        allocations: Vec<u32>,
        dust_recipient: Address,
        settle_tokens: Vec<Address>,
    ) -> Result<(), Error> {
        self.require_controller()?;
        logic::validate_split(&recipients, &allocations, dust_recipient)?;
        let next = self.current_epoch().checked_add(1).ok_or_else(overflow)?;
        self.settle_token(Address::ZERO, next)?;
        for token in settle_tokens {
            self.settle_token(token, next)?;
        }
        self.write_epoch(next, &recipients, &allocations, dust_recipient);
        self.epoch.set(alloy_primitives::aliases::U32::from(next));
        self.emit_split_updated(next, &recipients, &allocations, dust_recipient);
        Ok(())
    }

    /// Moves `token` into the current allocation set, crediting what it
    /// earned under the set it follows (the initial set for a token never
    /// touched) to that set's recipients (permissionless; no-op for a token
    /// already current). O(that set's recipients).
    ///
    /// # Errors
    /// [`Error::NotInitialized`], [`Error::BalanceQueryFailed`],
    /// [`Error::ArithmeticOverflow`].
    ///
    /// # Events
    /// [`TokenSettled`] if the token moved.
    pub fn settle(&mut self, token: Address) -> Result<(), Error> {
        self.require_initialized()?;
        let current = self.current_epoch();
        self.settle_token(token, current)
    }

    /// Pays `recipient` everything it can claim in each of `tokens`
    /// (`address(0)` = ETH). Anyone may call it; funds only go to
    /// `recipient`. O(1) per token. Tokens with nothing due are skipped (the
    /// amounts paid are in the [`Withdrawal`] events). State is updated before each
    /// transfer (a re-entrant call finds nothing more to claim).
    ///
    /// # Errors
    /// [`Error::NotInitialized`], [`Error::NothingToWithdraw`] if nothing
    /// was due at all, [`Error::EthTransferFailed`] /
    /// [`Error::TokenTransferFailed`] if a payment fails (the whole call
    /// reverts; other recipients are unaffected),
    /// [`Error::BalanceQueryFailed`], [`Error::ArithmeticOverflow`].
    ///
    /// # Events
    /// [`Withdrawal`] per token paid.
    pub fn withdraw(&mut self, recipient: Address, tokens: Vec<Address>) -> Result<(), Error> {
        self.require_initialized()?;
        let mut any = false;
        for token in tokens {
            let (_, offset, amount) = self.position(recipient, token)?;
            if amount.is_zero() {
                continue;
            }
            any = true;
            // Effects.
            let epoch_plus_one = self
                .token_epoch_of(token)
                .checked_add(1)
                .ok_or_else(overflow)?;
            let new_offset = logic::offset_after_withdrawal(offset, amount)?;
            let paid = paid_of(&self.tokens.getter(token))
                .checked_add(amount)
                .filter(|p| p.bit_len() <= 224)
                .ok_or_else(overflow)?;
            self.offsets.setter(token).setter(recipient).set(new_offset);
            let mut state = self.tokens.setter(token);
            // SAFETY of from_limbs: bit_len <= 224 checked above.
            state.paid.set(alloy_primitives::Uint::<224, 4>::from_limbs(
                paid.into_limbs(),
            ));
            state
                .epoch_plus_one
                .set(alloy_primitives::aliases::U32::from(epoch_plus_one));
            // Interaction.
            self.pay(token, recipient, amount)?;
            stylus_ip_common::emit!(Withdrawal, [recipient, token], [amount]);
        }
        if !any {
            return Err(Error::NothingToWithdraw(SplitNothingToWithdraw {
                recipient,
            }));
        }
        Ok(())
    }

    /// Proposes `new_controller`; it takes over once it calls
    /// [`Self::accept_control`]. Replaces any pending proposal.
    ///
    /// # Errors
    /// [`Error::NotInitialized`], [`Error::Immutable`],
    /// [`Error::Unauthorized`], [`Error::InvalidController`] for zero.
    ///
    /// # Events
    /// [`ControlTransferStarted`].
    pub fn transfer_control(&mut self, new_controller: Address) -> Result<(), Error> {
        let controller = self.require_controller()?;
        if new_controller.is_zero() {
            return Err(Error::InvalidController(SplitInvalidController {
                controller: new_controller,
            }));
        }
        self.pending_controller.set(new_controller);
        self.emit_pair(
            stylus_ip_common::topic!(ControlTransferStarted),
            controller,
            new_controller,
        );
        Ok(())
    }

    /// Cancels the pending control transfer (controller only).
    ///
    /// # Errors
    /// [`Error::NotInitialized`], [`Error::Immutable`],
    /// [`Error::Unauthorized`].
    ///
    /// # Events
    /// [`ControlTransferCancelled`].
    pub fn cancel_control_transfer(&mut self) -> Result<(), Error> {
        let controller = self.require_controller()?;
        let pending = self.pending_controller.get();
        self.pending_controller.set(Address::ZERO);
        self.emit_pair(
            stylus_ip_common::topic!(ControlTransferCancelled),
            controller,
            pending,
        );
        Ok(())
    }

    /// Accepts a pending control transfer (pending controller only).
    ///
    /// # Errors
    /// [`Error::NotInitialized`], [`Error::Unauthorized`] if the caller is
    /// not the pending controller (or none is pending).
    ///
    /// # Events
    /// [`ControlTransferred`].
    pub fn accept_control(&mut self) -> Result<(), Error> {
        self.require_initialized()?;
        let caller = self.vm().msg_sender();
        let pending = self.pending_controller.get();
        if pending.is_zero() || caller != pending {
            return Err(Error::Unauthorized(SplitUnauthorized { caller }));
        }
        let previous = self.controller.get();
        self.controller.set(pending);
        self.pending_controller.set(Address::ZERO);
        self.emit_pair(
            stylus_ip_common::topic!(ControlTransferred),
            previous,
            pending,
        );
        Ok(())
    }

    /// Removes the controller for good: the allocations can never change
    /// again (controller only).
    ///
    /// # Errors
    /// [`Error::NotInitialized`], [`Error::Immutable`],
    /// [`Error::Unauthorized`].
    ///
    /// # Events
    /// [`ControlTransferred`] to zero.
    pub fn make_immutable(&mut self) -> Result<(), Error> {
        let controller = self.require_controller()?;
        self.controller.set(Address::ZERO);
        self.pending_controller.set(Address::ZERO);
        self.emit_pair(
            stylus_ip_common::topic!(ControlTransferred),
            controller,
            Address::ZERO,
        );
        Ok(())
    }

    /// Accepts plain ETH when this contract is called directly (a clone's
    /// proxy accepts empty-calldata ETH itself and never gets here).
    ///
    /// # Errors
    /// [`Error::NotInitialized`]: an uninitialized split refuses funds.
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        self.require_initialized().map_err(Into::into)
    }

    /// Current controller (zero: immutable).
    pub fn controller(&self) -> Address {
        self.controller.get()
    }

    /// Pending controller of a two-step transfer (zero: none).
    pub fn pending_controller(&self) -> Address {
        self.pending_controller.get()
    }

    /// Whether `initialize` has run.
    pub fn is_initialized(&self) -> bool {
        self.initialized.get()
    }

    /// Current allocation set number (0 after `initialize`, +1 per update).
    pub fn epoch(&self) -> u32 {
        self.current_epoch()
    }

    /// Allocation set `token` currently follows (0 for a token never
    /// touched: see [`logic::followed_epoch`]).
    pub fn token_epoch(&self, token: Address) -> u32 {
        self.token_epoch_of(token)
    }

    /// Current recipients and allocations (ascending), and dust recipient.
    pub fn get_split(&self) -> SplitView {
        self.view_of(self.current_epoch())
    }

    /// Recipients, allocations and dust recipient of allocation set `epoch`
    /// (empty for a set that never existed).
    pub fn get_split_at(&self, epoch: u32) -> SplitView {
        self.view_of(epoch)
    }

    /// `recipient`'s allocation (parts per million) in the current set.
    pub fn allocation_of(&self, recipient: Address) -> u32 {
        self.entries
            .getter(self.current_epoch())
            .getter(recipient)
            .allocation
            .get()
            .as_limbs()[0] as u32
    }

    /// What `recipient` could withdraw in `token` now.
    ///
    /// # Errors
    /// [`Error::BalanceQueryFailed`], [`Error::ArithmeticOverflow`].
    pub fn claimable(&self, recipient: Address, token: Address) -> Result<U256, Error> {
        Ok(self.position(recipient, token)?.2)
    }

    /// Total ever received of `token`: balance plus total withdrawn.
    ///
    /// # Errors
    /// [`Error::BalanceQueryFailed`], [`Error::ArithmeticOverflow`].
    pub fn total_received(&self, token: Address) -> Result<U256, Error> {
        self.received(token)
    }

    /// Total ever withdrawn of `token`.
    pub fn total_withdrawn(&self, token: Address) -> U256 {
        paid_of(&self.tokens.getter(token))
    }

    /// Rounding dust of `token` in its current allocation set: revenue not
    /// claimable by anyone yet (less than the number of recipients, in wei);
    /// it goes to the set's dust recipient when the token is settled.
    /// O(recipients) — a view.
    ///
    /// # Errors
    /// [`Error::BalanceQueryFailed`], [`Error::ArithmeticOverflow`].
    pub fn dust(&self, token: Address) -> Result<U256, Error> {
        let epoch = self.token_epoch_of(token);
        let revenue =
            logic::epoch_revenue(self.received(token)?, self.tokens.getter(token).base.get());
        let (_, allocations, _) = self.read_epoch(epoch);
        let mut sum = U256::ZERO;
        for a in allocations {
            sum = sum
                .checked_add(logic::share(revenue, a))
                .ok_or_else(overflow)?;
        }
        Ok(logic::dust(revenue, sum)?)
    }
}

#[cfg(test)]
mod tests;
