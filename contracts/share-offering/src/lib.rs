//! Share offering of the stylus-ip suite: a creator (or any holder) raises
//! capital by selling share-vault shares atomically, all-or-nothing.
//!
//! One singleton contract serves every vault:
//!
//! * A **seller** deposits `shares` of a vault
//!   ([`ShareOffering::create_offering`]; it approves, or permits, the
//!   offering first) at a fixed `price` per whole share, in ETH or one of the
//!   vault's revenue tokens (so the payee, e.g. the creator's split, and the
//!   holders can handle it), with an optional per-buyer cap, a deadline at
//!   most [`logic::MAX_OFFERING_DURATION`] ahead, a minimum raise and a
//!   payee.
//! * A **buyer** pays and receives the shares in the same transaction
//!   ([`ShareOffering::buy`]): it earns the vault's revenue from that moment;
//!   revenue that arrived earlier stays with the earlier holders (the vault's
//!   accumulator guarantees it).
//! * **Success** (`raised ≥ minRaise`, possibly before the deadline): anyone
//!   may push the proceeds not yet paid to the payee
//!   ([`ShareOffering::withdraw_proceeds`]).
//! * **Failure** (deadline passed with `raised < minRaise`): for
//!   [`logic::REFUND_WINDOW`] (30 days) each buyer may return exactly the
//!   shares it bought for exactly what it paid ([`ShareOffering::refund`]).
//!   Purchases not refunded in the window stand; their payments then go to
//!   the payee.
//! * Once the offering is closed (deadline passed or sold out) the seller
//!   takes back its unsold and refunded shares
//!   ([`ShareOffering::withdraw_shares`], repeatedly: refunds can come later).
//!
//! Every wei and token unit paid in ends withdrawable by exactly one party
//! (the payee, or the buyer who refunded), and every deposited share ends
//! with a buyer or the seller: the accounting is a set of per-offering
//! counters that only grow, and every amount due is a difference of them
//! (see [`logic`], whose conservation property test runs random sequences of
//! purchases, refunds and withdrawals).
//!
//! **Trust and limits.**
//! * All accounting is per offering: the contract never reads its own total
//!   balance as one offering's funds, only balance *differences* around a
//!   single transfer (to refuse fee-on-transfer tokens). A malicious vault or
//!   payment token can therefore hurt only the participants of offerings
//!   that use it. The contract does not check that `vault` comes from the
//!   suite's vault factory (it has no constructor and serves any ERC-20 that
//!   answers `revenueTokens()`): buyers and dApps check
//!   `VaultFactory.isVault(vault)` before buying.
//! * The seller cannot take buyers' payments: they go to the payee named at
//!   creation, and only after success or after the refund window. The payee
//!   gets nothing from a failed raise until the window is over. The seller
//!   (or anyone) can still buy shares itself to reach `minRaise`, as in any
//!   open all-or-nothing sale; the per-buyer cap is per address.
//! * A refunded buyer keeps the vault revenue its shares earned while it
//!   held them (revenue follows the holder at the time it arrives).
//! * Shares held by this contract (unsold, or refunded and not yet
//!   withdrawn) earn no revenue: the suite's vault factory makes this
//!   contract a non-accruing account of every vault, so the revenue that
//!   arrives meanwhile goes to the accruing holders instead of being
//!   stranded at an address that never claims. A seller forgoes the
//!   revenue of the shares it escrows, for at most the offering's duration
//!   plus the refund window (and until it withdraws them). On a vault made
//!   by another factory the escrowed shares' revenue would be stranded:
//!   sell only shares of vaults that `VaultFactory.isVault` knows.
//! * Payouts are pushed with all gas and revert the whole call when they
//!   fail ([`OfferingEthTransferFailed`], [`SafeErc20FailedOperation`], or the
//!   token's own revert data): nothing changes and the amount stays due.
//! * An offering's counters are 128-bit: its total cost plus its share
//!   count must stay below 2^128 ([`OfferingTooLarge`]).
//!
//! The contract relies on stylus-sdk's default re-entrancy guard (the crate
//! never enables the `reentrant` feature: a re-entrant call reverts) and
//! still applies every effect before its interactions.
//!
//! **Storage layout** (slots per offering, see [`Offering`]): the vault and
//! the deadline share one slot, the seller, the payment token and the payee
//! take one each, price and per-buyer cap one each, and the 128-bit counters
//! are paired: `shares|minRaise`, `sold|raised` (one write per purchase),
//! `paidOut|refundedAmount`, `refundedShares|sharesWithdrawn`. A buyer's
//! record is `shares|paid` plus the refunded flag.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// On-chain builds are `no_std`: std's panic runtime and message formatting
// would otherwise be linked in.
#![cfg_attr(
    all(target_arch = "wasm32", not(any(test, feature = "export-abi"))),
    no_std
)]
// `#[entrypoint]` generates undocumented public items (the WASM export, the
// ABI printer); docs are enforced everywhere else (native builds, clippy).
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
// `#[storage]` expands to `vec!`, which `no_std` builds take from `alloc`.
#[macro_use]
extern crate alloc;

/// Traps on panic (the `unreachable` instruction reverts the call) without
/// formatting a message. Nothing here panics on user input.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

pub mod logic;

use alloc::vec::Vec;

use alloy_primitives::{aliases::U128, Address, B256, U256};
use alloy_sol_types::SolCall;
use stylus_ip_common::abi::{address_at, encode, Word};
use stylus_sdk::{
    call::RawCall,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU128, StorageU256, StorageU64},
};

use crate::logic::{BuyRefusal, Phase, RefundRefusal};

stylus_ip_common::sol_decls! {
    /// An offering as stored (`offering`): its terms, its counters (`sold`
    /// and `raised` count every purchase, refunded or not; `paidOut` went
    /// to the payee; `refundedShares`/`refundedAmount` came back from
    /// refunding buyers; `sharesWithdrawn` went back to the seller) and its
    /// `state`: 1 open, 2 succeeded, 3 refunding (failed, inside the refund
    /// window), 4 failed (window over).
    struct OfferingView {
        address vault;
        address seller;
        uint256 shares;
        uint256 price;
        address paymentToken;
        uint256 perBuyerCap;
        uint64 deadline;
        uint256 minRaise;
        address payee;
        uint256 sold;
        uint256 raised;
        uint256 paidOut;
        uint256 refundedShares;
        uint256 refundedAmount;
        uint256 sharesWithdrawn;
        uint8 state;
    }

    /// A buyer's purchases in one offering (`purchase`): the shares bought
    /// and the amount paid in total, and whether it refunded them.
    struct Purchase {
        uint256 shares;
        uint256 paid;
        bool refunded;
    }

    // Served by `ShareOffering::fallback` (declared here so that the
    // exported interface lists them).
    /// Opens an offering and returns its id (see the contract's docs).
    function createOffering(address vault, uint256 shares, uint256 price, address paymentToken, uint256 perBuyerCap, uint64 deadline, uint256 minRaise, address payee) external returns (uint256 id);
    /// Offering `id`'s terms, counters and state.
    function offering(uint256 id) external view returns (OfferingView memory);
    /// `buyer`'s purchases in offering `id` (all zero if none).
    function purchase(uint256 id, address buyer) external view returns (Purchase memory);
    /// How long after a failed offering's deadline buyers may refund: 30 days.
    function REFUND_WINDOW() external view returns (uint64);
    /// Furthest an offering's deadline may be from its creation: 365 days.
    function MAX_OFFERING_DURATION() external view returns (uint64);

    /// Offering `id` was never created.
    error OfferingUnknown(uint256 id);
    /// An offering or a purchase of zero shares.
    error OfferingZeroShares();
    /// A price of zero.
    error OfferingZeroPrice();
    /// The offering's total cost plus its share count does not fit 128 bits.
    error OfferingTooLarge(uint256 shares, uint256 price);
    /// The deadline is not in `(now, latest]`, `latest` being now plus
    /// `MAX_OFFERING_DURATION`.
    error OfferingInvalidDeadline(uint64 deadline, uint64 now, uint64 latest);
    /// `token` is neither ETH (zero) nor one of `vault.revenueTokens()`.
    error OfferingTokenNotAllowed(address vault, address token);
    /// The minimum raise is above `cost`, the price of all the shares.
    error OfferingMinRaiseAboveCost(uint256 minRaise, uint256 cost);
    /// The payee is the zero address or this contract.
    error OfferingInvalidPayee(address payee);
    /// The offering does not sell (state 2-4: deadline passed or sold out).
    error OfferingNotOpen(uint256 id, uint8 state);
    /// `requested` shares are more than the `available` unsold ones.
    error OfferingInsufficientShares(uint256 id, uint256 available, uint256 requested);
    /// The buyer's purchases would total `total` shares, above `cap`.
    error OfferingCapExceeded(uint256 id, uint256 cap, uint256 total);
    /// The call value must be `expected` (the cost in ETH, or 0 for a
    /// token-priced offering), not `value`.
    error OfferingWrongValue(uint256 expected, uint256 value);
    /// A transfer of `token` into the offering delivered `received`, not
    /// the `expected` amount (fee-on-transfer tokens are refused).
    error OfferingTransferAmountMismatch(address token, uint256 expected, uint256 received);
    /// Refunds need a failed raise; offering `id` is in `state` (1 open, 2
    /// succeeded).
    error OfferingNotFailed(uint256 id, uint8 state);
    /// The refund window of offering `id` ended at `windowEnd`.
    error OfferingRefundWindowOver(uint256 id, uint64 windowEnd);
    /// `buyer` holds no unrefunded purchase of offering `id`.
    error OfferingNothingToRefund(uint256 id, address buyer);
    /// `account` is not the seller of offering `id`.
    error OfferingNotSeller(uint256 id, address account);
    /// Offering `id` still sells (the seller's shares come back once closed).
    error OfferingNotClosed(uint256 id);
    /// Nothing is due from offering `id` now.
    error OfferingNothingToWithdraw(uint256 id);
    /// A counter left its range (unreachable: bounded at creation).
    error OfferingArithmeticOverflow();
    /// Sending `amount` wei to `to` failed.
    error OfferingEthTransferFailed(address to, uint256 amount);
    /// An ERC-20 `token` call returned something other than nothing or
    /// `true`, or its balance could not be read.
    error SafeErc20FailedOperation(address token);

    /// `seller` deposited `shares` of `vault` for sale at `price` per whole
    /// share in `paymentToken` (zero: ETH) until `deadline`, at most
    /// `perBuyerCap` per buyer (0: no cap), succeeding at `minRaise`,
    /// paying `payee`.
    event OfferingCreated(uint256 indexed id, address indexed vault, address indexed seller, uint256 shares, uint256 price, address paymentToken, uint256 perBuyerCap, uint64 deadline, uint256 minRaise, address payee);
    /// `buyer` bought `shares` for `cost`.
    event SharesPurchased(uint256 indexed id, address indexed buyer, uint256 shares, uint256 cost);
    /// `buyer` returned its `shares` and was repaid `amount`.
    event PurchaseRefunded(uint256 indexed id, address indexed buyer, uint256 shares, uint256 amount);
    /// `amount` of the proceeds was paid to `payee`.
    event ProceedsWithdrawn(uint256 indexed id, address indexed payee, uint256 amount);
    /// `shares` unsold or refunded shares went back to `seller`.
    event SharesWithdrawn(uint256 indexed id, address indexed seller, uint256 shares);
}

// Errors, events, structs and the functions served by the fallback reach
// the exported interface through `SOL_DECLS`.
stylus_ip_common::errors! {
    /// Errors of [`ShareOffering`]. ABI-encoded by [`stylus_ip_common::errors!`]
    /// (selector and static words) rather than by `#[derive(SolidityError)]`,
    /// which costs kilobytes of WASM; a unit test checks every variant
    /// against alloy's encoding.
    pub enum Error {
        /// See [`OfferingUnknown`].
        Unknown(OfferingUnknown { id }),
        /// See [`OfferingZeroShares`].
        ZeroShares(OfferingZeroShares {}),
        /// See [`OfferingZeroPrice`].
        ZeroPrice(OfferingZeroPrice {}),
        /// See [`OfferingTooLarge`].
        TooLarge(OfferingTooLarge { shares, price }),
        /// See [`OfferingInvalidDeadline`].
        InvalidDeadline(OfferingInvalidDeadline { deadline, now, latest }),
        /// See [`OfferingTokenNotAllowed`].
        TokenNotAllowed(OfferingTokenNotAllowed { vault, token }),
        /// See [`OfferingMinRaiseAboveCost`].
        MinRaiseAboveCost(OfferingMinRaiseAboveCost { minRaise, cost }),
        /// See [`OfferingInvalidPayee`].
        InvalidPayee(OfferingInvalidPayee { payee }),
        /// See [`OfferingNotOpen`].
        NotOpen(OfferingNotOpen { id, state }),
        /// See [`OfferingInsufficientShares`].
        InsufficientShares(OfferingInsufficientShares { id, available, requested }),
        /// See [`OfferingCapExceeded`].
        CapExceeded(OfferingCapExceeded { id, cap, total }),
        /// See [`OfferingWrongValue`].
        WrongValue(OfferingWrongValue { expected, value }),
        /// See [`OfferingTransferAmountMismatch`].
        TransferAmountMismatch(OfferingTransferAmountMismatch { token, expected, received }),
        /// See [`OfferingNotFailed`].
        NotFailed(OfferingNotFailed { id, state }),
        /// See [`OfferingRefundWindowOver`].
        RefundWindowOver(OfferingRefundWindowOver { id, windowEnd }),
        /// See [`OfferingNothingToRefund`].
        NothingToRefund(OfferingNothingToRefund { id, buyer }),
        /// See [`OfferingNotSeller`].
        NotSeller(OfferingNotSeller { id, account }),
        /// See [`OfferingNotClosed`].
        NotClosed(OfferingNotClosed { id }),
        /// See [`OfferingNothingToWithdraw`].
        NothingToWithdraw(OfferingNothingToWithdraw { id }),
        /// See [`OfferingArithmeticOverflow`].
        ArithmeticOverflow(OfferingArithmeticOverflow {}),
        /// See [`OfferingEthTransferFailed`].
        EthTransferFailed(OfferingEthTransferFailed { to, amount }),
        /// See [`SafeErc20FailedOperation`].
        SafeErc20FailedOperation(SafeErc20FailedOperation { token }),
    }
}

/// [`Error::ArithmeticOverflow`].
const fn overflow() -> Error {
    Error::ArithmeticOverflow(OfferingArithmeticOverflow {})
}

/// [`Error::SafeErc20FailedOperation`] for `token`.
const fn erc20_failed(token: Address) -> Error {
    Error::SafeErc20FailedOperation(SafeErc20FailedOperation { token })
}

/// `x` as a 128-bit counter value.
///
/// # Errors
/// [`Error::ArithmeticOverflow`] above `2^128 − 1` (unreachable through the
/// contract: [`logic::offering_cost`] bounds every counter at creation).
fn narrow(x: U256) -> Result<U128, Error> {
    U128::checked_from_limbs_slice(x.as_limbs()).ok_or_else(overflow)
}

/// A 128-bit counter value as a `uint256`.
fn wide(x: U128) -> U256 {
    let [lo, hi] = *x.as_limbs();
    U256::from_limbs([lo, hi, 0, 0])
}

/// `a + b` for 128-bit counters.
///
/// # Errors
/// [`Error::ArithmeticOverflow`] (unreachable, see [`narrow`]).
fn add(a: U128, b: U256) -> Result<U128, Error> {
    narrow(wide(a).checked_add(b).ok_or_else(overflow)?)
}

/// One offering (see the crate docs for the slot layout).
#[storage]
pub struct Offering {
    /// The share vault (an ERC-20); zero: no such offering.
    vault: StorageAddress,
    /// Last second of sale (packed with `vault`).
    deadline: StorageU64,
    /// Who deposited the shares; takes back the unsold and refunded ones.
    seller: StorageAddress,
    /// Zero for ETH, else an ERC-20 (one of the vault's revenue tokens).
    payment_token: StorageAddress,
    /// Receives the proceeds.
    payee: StorageAddress,
    /// Payment-token base units per whole share (10^18 share units).
    price: StorageU256,
    /// Most shares one buyer may buy in total; 0 = no cap.
    per_buyer_cap: StorageU256,
    /// Shares deposited.
    shares: StorageU128,
    /// The raise succeeds once `raised ≥ min_raise`.
    min_raise: StorageU128,
    /// Shares bought (refunded ones included).
    sold: StorageU128,
    /// Payments received (refunded ones included).
    raised: StorageU128,
    /// Proceeds paid to the payee.
    paid_out: StorageU128,
    /// Payments repaid to refunding buyers.
    refunded_paid: StorageU128,
    /// Shares returned by refunding buyers.
    refunded_shares: StorageU128,
    /// Shares returned to the seller.
    shares_withdrawn: StorageU128,
}

/// One buyer's purchases in one offering.
#[storage]
pub struct PurchaseRecord {
    /// Shares bought in total.
    shares: StorageU128,
    /// Amount paid in total (packed with `shares`).
    paid: StorageU128,
    /// Whether the buyer refunded (all of) them.
    refunded: StorageBool,
}

/// The share offering contract (a singleton for every vault).
#[entrypoint]
#[storage]
pub struct ShareOffering {
    /// Number of offerings created; ids are `1..=count`.
    count: StorageU256,
    /// Offerings by id.
    offerings: StorageMap<U256, Offering>,
    /// Purchases by offering id and buyer.
    purchases: StorageMap<U256, StorageMap<Address, PurchaseRecord>>,
}

#[public]
impl ShareOffering {
    /// Buys `shares` base units of offering `id` for the caller, who pays
    /// their cost, `⌈shares · price / 10^18⌉` (returned), and receives them
    /// in the same transaction. ETH offerings: send exactly the cost. Token
    /// offerings: send no ETH and approve the cost beforehand.
    ///
    /// # Errors
    /// [`Error::Unknown`], [`Error::NotOpen`] (deadline passed or sold out),
    /// [`Error::ZeroShares`], [`Error::InsufficientShares`],
    /// [`Error::CapExceeded`], [`Error::WrongValue`],
    /// [`Error::TransferAmountMismatch`] (fee-on-transfer token),
    /// [`Error::SafeErc20FailedOperation`] or the token's or vault's own
    /// revert data (e.g. `ERC20InsufficientAllowance`).
    ///
    /// # Events
    /// [`SharesPurchased`].
    #[payable]
    pub fn buy(&mut self, id: U256, shares: U256) -> Result<U256, Vec<u8>> {
        let (vault, phase) = self.phase_of(id)?;
        let buyer = self.vm().msg_sender();
        let (total, sold, raised, cap, price, token) = {
            let o = self.offerings.getter(id);
            (
                o.shares.get(),
                o.sold.get(),
                o.raised.get(),
                o.per_buyer_cap.get(),
                o.price.get(),
                o.payment_token.get(),
            )
        };
        let (bought, paid) = {
            let records = self.purchases.getter(id);
            let record = records.getter(buyer);
            (record.shares.get(), record.paid.get())
        };
        logic::check_buy(phase, wide(total), wide(sold), cap, wide(bought), shares).map_err(
            |r| match r {
                BuyRefusal::NotOpen(p) => Error::NotOpen(OfferingNotOpen { id, state: p as u8 }),
                BuyRefusal::ZeroShares => Error::ZeroShares(OfferingZeroShares {}),
                BuyRefusal::Insufficient { available } => {
                    Error::InsufficientShares(OfferingInsufficientShares {
                        id,
                        available,
                        requested: shares,
                    })
                }
                BuyRefusal::CapExceeded { total } => {
                    Error::CapExceeded(OfferingCapExceeded { id, cap, total })
                }
            },
        )?;
        let cost = logic::cost(shares, price).ok_or_else(overflow)?;
        let value = self.vm().msg_value();
        let expected = if token.is_zero() { cost } else { U256::ZERO };
        if value != expected {
            return Err(Error::WrongValue(OfferingWrongValue { expected, value }).into());
        }
        let (sold_next, raised_next) = (add(sold, shares)?, add(raised, cost)?);
        let (bought_next, paid_next) = (add(bought, shares)?, add(paid, cost)?);

        // Effects.
        {
            let mut o = self.offerings.setter(id);
            o.sold.set(sold_next);
            o.raised.set(raised_next);
        }
        {
            let mut records = self.purchases.setter(id);
            let mut record = records.setter(buyer);
            record.shares.set(bought_next);
            record.paid.set(paid_next);
        }
        stylus_ip_common::emit!(SharesPurchased, [id, buyer], [shares, cost]);

        // Interactions: the payment in, then the shares out.
        if !token.is_zero() {
            self.pull(token, buyer, cost)?;
        }
        self.push(vault, buyer, shares)?;
        Ok(cost)
    }

    /// Returns the caller's shares of a failed offering (pulled with
    /// `transferFrom`: approve this contract first) and repays what it paid,
    /// during the refund window (30 days after the deadline). Refunded
    /// shares go back to the seller's side.
    ///
    /// # Errors
    /// [`Error::Unknown`], [`Error::NotFailed`] (open or succeeded),
    /// [`Error::RefundWindowOver`], [`Error::NothingToRefund`],
    /// [`Error::TransferAmountMismatch`], the vault's own revert data (e.g.
    /// `ERC20InsufficientAllowance`, or `ERC20InsufficientBalance` when the
    /// buyer no longer holds the shares), [`Error::EthTransferFailed`],
    /// [`Error::SafeErc20FailedOperation`].
    ///
    /// # Events
    /// [`PurchaseRefunded`].
    pub fn refund(&mut self, id: U256) -> Result<(), Vec<u8>> {
        let (vault, phase) = self.phase_of(id)?;
        let buyer = self.vm().msg_sender();
        let (shares, paid, refunded) = {
            let records = self.purchases.getter(id);
            let record = records.getter(buyer);
            (
                record.shares.get(),
                record.paid.get(),
                record.refunded.get(),
            )
        };
        let (shares, paid) = (wide(shares), wide(paid));
        logic::check_refund(phase, shares, refunded).map_err(|r| match r {
            RefundRefusal::NotFailed => Error::NotFailed(OfferingNotFailed {
                id,
                state: phase as u8,
            }),
            RefundRefusal::WindowOver => Error::RefundWindowOver(OfferingRefundWindowOver {
                id,
                windowEnd: logic::refund_deadline(self.deadline_of(id)),
            }),
            RefundRefusal::Nothing => Error::NothingToRefund(OfferingNothingToRefund { id, buyer }),
        })?;
        let (token, shares_next, paid_next) = {
            let o = self.offerings.getter(id);
            (
                o.payment_token.get(),
                add(o.refunded_shares.get(), shares)?,
                add(o.refunded_paid.get(), paid)?,
            )
        };

        // Effects.
        self.purchases.setter(id).setter(buyer).refunded.set(true);
        {
            let mut o = self.offerings.setter(id);
            o.refunded_shares.set(shares_next);
            o.refunded_paid.set(paid_next);
        }
        stylus_ip_common::emit!(PurchaseRefunded, [id, buyer], [shares, paid]);

        // Interactions: the shares back, then the payment.
        self.pull(vault, buyer, shares)?;
        self.push(token, buyer, paid)?;
        Ok(())
    }

    /// Pays offering `id`'s payee the proceeds not yet paid: everything
    /// raised once `raised ≥ minRaise` (even before the deadline), or, after
    /// a failed raise's refund window, what was not refunded. Anyone may
    /// call this; the payment goes to the payee only.
    ///
    /// # Errors
    /// [`Error::Unknown`], [`Error::NothingToWithdraw`],
    /// [`Error::EthTransferFailed`] / [`Error::SafeErc20FailedOperation`] /
    /// the token's own revert data (nothing changes, the amount stays due).
    ///
    /// # Events
    /// [`ProceedsWithdrawn`].
    pub fn withdraw_proceeds(&mut self, id: U256) -> Result<(), Vec<u8>> {
        let (_, phase) = self.phase_of(id)?;
        let (due, token, payee, paid_out) = {
            let o = self.offerings.getter(id);
            let due = logic::proceeds_due(
                phase,
                wide(o.raised.get()),
                wide(o.min_raise.get()),
                wide(o.refunded_paid.get()),
                wide(o.paid_out.get()),
            );
            (due, o.payment_token.get(), o.payee.get(), o.paid_out.get())
        };
        if due.is_zero() {
            return Err(Error::NothingToWithdraw(OfferingNothingToWithdraw { id }).into());
        }
        let paid_next = add(paid_out, due)?;

        // Effects.
        self.offerings.setter(id).paid_out.set(paid_next);
        stylus_ip_common::emit!(ProceedsWithdrawn, [id, payee], [due]);

        // Interaction.
        self.push(token, payee, due)?;
        Ok(())
    }

    /// Sends offering `id`'s seller (the only caller allowed) its unsold and
    /// refunded shares not yet withdrawn, once the offering is closed
    /// (deadline passed or sold out). Can be called again for later refunds.
    ///
    /// # Errors
    /// [`Error::Unknown`], [`Error::NotSeller`], [`Error::NotClosed`],
    /// [`Error::NothingToWithdraw`], [`Error::SafeErc20FailedOperation`] or
    /// the vault's own revert data.
    ///
    /// # Events
    /// [`SharesWithdrawn`].
    pub fn withdraw_shares(&mut self, id: U256) -> Result<(), Vec<u8>> {
        let (vault, phase) = self.phase_of(id)?;
        let caller = self.vm().msg_sender();
        let (seller, due, withdrawn) = {
            let o = self.offerings.getter(id);
            let due = logic::seller_shares_due(
                phase,
                wide(o.shares.get()),
                wide(o.sold.get()),
                wide(o.refunded_shares.get()),
                wide(o.shares_withdrawn.get()),
            );
            (o.seller.get(), due, o.shares_withdrawn.get())
        };
        if caller != seller {
            return Err(Error::NotSeller(OfferingNotSeller {
                id,
                account: caller,
            })
            .into());
        }
        if phase == Phase::Open {
            return Err(Error::NotClosed(OfferingNotClosed { id }).into());
        }
        if due.is_zero() {
            return Err(Error::NothingToWithdraw(OfferingNothingToWithdraw { id }).into());
        }
        let withdrawn_next = add(withdrawn, due)?;

        // Effects.
        self.offerings
            .setter(id)
            .shares_withdrawn
            .set(withdrawn_next);
        stylus_ip_common::emit!(SharesWithdrawn, [id, seller], [due]);

        // Interaction.
        self.push(vault, seller, due)?;
        Ok(())
    }

    /// Number of offerings created (ids are `1..=offeringCount`).
    pub fn offering_count(&self) -> U256 {
        self.count.get()
    }

    /// Serves `createOffering`, `offering`, `purchase`, `REFUND_WINDOW` and
    /// `MAX_OFFERING_DURATION`, whose arguments and results are static
    /// words, decoded and encoded by hand here rather than by `#[public]`
    /// methods (the SDK's generic ABI code for eight arguments and a
    /// sixteen-field struct costs kilobytes of WASM; the constants keep
    /// their upper-case Solidity names). They are declared in the exported
    /// interface all the same (see [`Self::create_offering`],
    /// [`Self::offering`], [`Self::purchase`], [`Self::refund_window`],
    /// [`Self::max_offering_duration`]).
    /// Arguments are validated as Solidity's decoder does (short calldata,
    /// or an address or `uint64` word with dirty high bits, reverts without
    /// data), and so is any other selector. Not payable.
    ///
    /// # Errors
    /// Those of the functions served.
    ///
    /// # Events
    /// [`OfferingCreated`] from `createOffering`.
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let selector = calldata.get(..4).unwrap_or_default();
        let out = if selector == createOfferingCall::SELECTOR {
            let [vault, shares, price, token, cap, deadline, min_raise, payee] =
                logic::arg_words(calldata).ok_or_else(Vec::new)?;
            let addr = |w: B256| address_at(w.as_slice(), 0).ok_or_else(Vec::new);
            let num = |w: B256| U256::from_be_bytes(w.0);
            let id = self.create_offering(
                addr(vault)?,
                num(shares),
                num(price),
                addr(token)?,
                num(cap),
                logic::word_u64(deadline).ok_or_else(Vec::new)?,
                num(min_raise),
                addr(payee)?,
            )?;
            vec![id.word()]
        } else if selector == offeringCall::SELECTOR {
            let [id] = logic::arg_words(calldata).ok_or_else(Vec::new)?;
            let v = self.offering(U256::from_be_bytes(id.0))?;
            vec![
                v.vault.word(),
                v.seller.word(),
                v.shares.word(),
                v.price.word(),
                v.paymentToken.word(),
                v.perBuyerCap.word(),
                v.deadline.word(),
                v.minRaise.word(),
                v.payee.word(),
                v.sold.word(),
                v.raised.word(),
                v.paidOut.word(),
                v.refundedShares.word(),
                v.refundedAmount.word(),
                v.sharesWithdrawn.word(),
                v.state.word(),
            ]
        } else if selector == purchaseCall::SELECTOR {
            let [id, buyer] = logic::arg_words(calldata).ok_or_else(Vec::new)?;
            let buyer = address_at(buyer.as_slice(), 0).ok_or_else(Vec::new)?;
            let p = self.purchase(U256::from_be_bytes(id.0), buyer);
            vec![p.shares.word(), p.paid.word(), p.refunded.word()]
        } else if selector == REFUND_WINDOWCall::SELECTOR {
            vec![self.refund_window().word()]
        } else if selector == MAX_OFFERING_DURATIONCall::SELECTOR {
            vec![self.max_offering_duration().word()]
        } else {
            return Err(Vec::new());
        };
        Ok(encode(&[], &out))
    }
}

/// The entry points served by [`ShareOffering::fallback`] (also callable
/// from Rust).
impl ShareOffering {
    /// Opens offering number `count + 1` (returned): the caller deposits
    /// `shares` base units of `vault` (pulled with `transferFrom`; approve
    /// or permit this contract first) for sale at `price` base units of
    /// `payment_token` (zero: ETH; else one of `vault.revenueTokens()`) per
    /// whole share (10^18 units), at most `per_buyer_cap` units per buyer
    /// (0: no cap), until `deadline` (in `(now, now + 365 days]`),
    /// succeeding once `min_raise` (at most the cost of all the shares) is
    /// raised, the proceeds going to `payee`.
    ///
    /// # Errors
    /// [`Error::ZeroShares`], [`Error::ZeroPrice`], [`Error::TooLarge`],
    /// [`Error::MinRaiseAboveCost`], [`Error::InvalidDeadline`],
    /// [`Error::InvalidPayee`] (zero or this contract),
    /// [`Error::TokenNotAllowed`], [`Error::TransferAmountMismatch`] (the
    /// vault delivered another amount), [`Error::SafeErc20FailedOperation`]
    /// or the vault's own revert data (e.g. `ERC20InsufficientAllowance`).
    ///
    /// # Events
    /// [`OfferingCreated`].
    #[allow(clippy::too_many_arguments)]
    pub fn create_offering(
        &mut self,
        vault: Address,
        shares: U256,
        price: U256,
        payment_token: Address,
        per_buyer_cap: U256,
        deadline: u64,
        min_raise: U256,
        payee: Address,
    ) -> Result<U256, Vec<u8>> {
        if shares.is_zero() {
            return Err(Error::ZeroShares(OfferingZeroShares {}).into());
        }
        if price.is_zero() {
            return Err(Error::ZeroPrice(OfferingZeroPrice {}).into());
        }
        let total = logic::offering_cost(shares, price)
            .ok_or(Error::TooLarge(OfferingTooLarge { shares, price }))?;
        if min_raise > total {
            return Err(Error::MinRaiseAboveCost(OfferingMinRaiseAboveCost {
                minRaise: min_raise,
                cost: total,
            })
            .into());
        }
        let now = self.now();
        if !logic::valid_deadline(now, deadline) {
            return Err(Error::InvalidDeadline(OfferingInvalidDeadline {
                deadline,
                now,
                latest: logic::latest_deadline(now),
            })
            .into());
        }
        let this = self.vm().contract_address();
        // This contract could never withdraw proceeds paid to itself.
        if payee.is_zero() || payee == this {
            return Err(Error::InvalidPayee(OfferingInvalidPayee { payee }).into());
        }
        if !payment_token.is_zero() {
            let listed = self
                .call_capped(RawCall::new_static(), vault, &encode(&REVENUE_TOKENS, &[]))
                .is_some_and(|ret| logic::lists_token(&ret, payment_token));
            if !listed {
                return Err(Error::TokenNotAllowed(OfferingTokenNotAllowed {
                    vault,
                    token: payment_token,
                })
                .into());
            }
        }

        // Effects.
        let id = self
            .count
            .get()
            .checked_add(U256::from(1))
            .ok_or_else(overflow)?;
        self.count.set(id);
        let seller = self.vm().msg_sender();
        {
            let mut o = self.offerings.setter(id);
            o.vault.set(vault);
            o.deadline.set(alloy_primitives::U64::from(deadline));
            o.seller.set(seller);
            o.payment_token.set(payment_token);
            o.payee.set(payee);
            o.price.set(price);
            o.per_buyer_cap.set(per_buyer_cap);
            o.shares.set(narrow(shares)?);
            o.min_raise.set(narrow(min_raise)?);
        }
        stylus_ip_common::emit!(
            OfferingCreated,
            [id, vault, seller],
            [
                shares,
                price,
                payment_token,
                per_buyer_cap,
                deadline,
                min_raise,
                payee
            ]
        );

        // Interaction: the deposit.
        self.pull(vault, seller, shares)?;
        Ok(id)
    }

    /// Offering `id`: its terms, counters and state (1 open, 2 succeeded,
    /// 3 refunding, 4 failed), see [`OfferingView`].
    ///
    /// # Errors
    /// [`Error::Unknown`].
    pub fn offering(&self, id: U256) -> Result<OfferingView, Vec<u8>> {
        let (vault, phase) = self.phase_of(id)?;
        let o = self.offerings.getter(id);
        Ok(OfferingView {
            vault,
            seller: o.seller.get(),
            shares: wide(o.shares.get()),
            price: o.price.get(),
            paymentToken: o.payment_token.get(),
            perBuyerCap: o.per_buyer_cap.get(),
            deadline: o.deadline.get().to(),
            minRaise: wide(o.min_raise.get()),
            payee: o.payee.get(),
            sold: wide(o.sold.get()),
            raised: wide(o.raised.get()),
            paidOut: wide(o.paid_out.get()),
            refundedShares: wide(o.refunded_shares.get()),
            refundedAmount: wide(o.refunded_paid.get()),
            sharesWithdrawn: wide(o.shares_withdrawn.get()),
            state: phase as u8,
        })
    }

    /// `buyer`'s purchases in offering `id` (all zero if none).
    pub fn purchase(&self, id: U256, buyer: Address) -> Purchase {
        let record = self.purchases.getter(id);
        let record = record.getter(buyer);
        Purchase {
            shares: wide(record.shares.get()),
            paid: wide(record.paid.get()),
            refunded: record.refunded.get(),
        }
    }

    /// How long after a failed offering's deadline buyers may refund, in
    /// seconds ([`logic::REFUND_WINDOW`], 30 days).
    pub fn refund_window(&self) -> u64 {
        logic::REFUND_WINDOW
    }

    /// Furthest an offering's deadline may be from its creation, in seconds
    /// ([`logic::MAX_OFFERING_DURATION`], 365 days).
    pub fn max_offering_duration(&self) -> u64 {
        logic::MAX_OFFERING_DURATION
    }
}

/// Internal logic.
impl ShareOffering {
    /// Current block timestamp (tests shift it with a thread-local clock).
    fn now(&self) -> u64 {
        let t = self.vm().block_timestamp();
        #[cfg(test)]
        let t = tests::clock::shift(t);
        t
    }

    /// Offering `id`'s deadline.
    fn deadline_of(&self, id: U256) -> u64 {
        self.offerings.getter(id).deadline.get().to()
    }

    /// Offering `id`'s vault and its phase now.
    ///
    /// # Errors
    /// [`Error::Unknown`] if it was never created.
    fn phase_of(&self, id: U256) -> Result<(Address, Phase), Error> {
        let o = self.offerings.getter(id);
        let vault = o.vault.get();
        if vault.is_zero() {
            return Err(Error::Unknown(OfferingUnknown { id }));
        }
        let phase = logic::phase(
            self.now(),
            o.deadline.get().to(),
            wide(o.shares.get()),
            wide(o.sold.get()),
            wide(o.raised.get()),
            wide(o.min_raise.get()),
        );
        Ok((vault, phase))
    }

    /// Pulls exactly `amount` of ERC-20 `token` from `from` into this
    /// contract (`transferFrom`), checked by the difference of this
    /// contract's balance around the transfer.
    ///
    /// # Errors
    /// The token's revert data, verbatim; [`Error::SafeErc20FailedOperation`]
    /// if it returns neither nothing nor `true`, or if its balance cannot be
    /// read; [`Error::TransferAmountMismatch`] if another amount arrived.
    fn pull(&mut self, token: Address, from: Address, amount: U256) -> Result<(), Vec<u8>> {
        let this = self.vm().contract_address();
        let before = self.balance_of(token, this)?;
        self.erc20_call(
            token,
            TRANSFER_FROM,
            &[from.word(), this.word(), amount.word()],
        )?;
        let after = self.balance_of(token, this)?;
        let received = after.saturating_sub(before);
        if after < before || received != amount {
            return Err(
                Error::TransferAmountMismatch(OfferingTransferAmountMismatch {
                    token,
                    expected: amount,
                    received,
                })
                .into(),
            );
        }
        Ok(())
    }

    /// Pays `amount` of `token` (zero: ETH, with all gas) to `to`.
    ///
    /// # Errors
    /// [`Error::EthTransferFailed`]; for an ERC-20, those of
    /// [`Self::erc20_call`].
    fn push(&mut self, token: Address, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        if !token.is_zero() {
            return self.erc20_call(token, TRANSFER, &[to.word(), amount.word()]);
        }
        // SAFETY: every effect is written (and the storage cache flushed)
        // before the call; the contract is not `reentrant`, so the callee
        // cannot re-enter.
        unsafe {
            RawCall::new_with_value(amount)
                .flush_storage_cache()
                .skip_return_data()
                .call(to, &[])
        }
        .map(drop)
        .map_err(|_| Error::EthTransferFailed(OfferingEthTransferFailed { to, amount }).into())
    }

    /// Calls ERC-20 `token` with `selector ‖ words` (storage flushed
    /// first), OpenZeppelin `SafeERC20` style: success is no return data or
    /// the word `true`.
    ///
    /// # Errors
    /// The token's revert data, verbatim; [`Error::SafeErc20FailedOperation`]
    /// for any other return data.
    fn erc20_call(
        &mut self,
        token: Address,
        selector: [u8; 4],
        words: &[B256],
    ) -> Result<(), Vec<u8>> {
        // SAFETY: every effect is written before the call and the storage
        // cache is flushed; the contract is not `reentrant`.
        let ret = unsafe {
            RawCall::new()
                .flush_storage_cache()
                .call(token, &encode(&selector, words))
        }?;
        if ret.is_empty() || ret.as_slice() == true.word().as_slice() {
            Ok(())
        } else {
            Err(erc20_failed(token).into())
        }
    }

    /// `token.balanceOf(account)`.
    ///
    /// # Errors
    /// [`Error::SafeErc20FailedOperation`] if the call fails or does not
    /// return exactly one word.
    fn balance_of(&self, token: Address, account: Address) -> Result<U256, Error> {
        self.call_capped(
            RawCall::new_static(),
            token,
            &encode(&BALANCE_OF, &[account.word()]),
        )
        .filter(|ret| ret.len() == 32)
        .map(|ret| U256::from_be_slice(&ret))
        .ok_or(erc20_failed(token))
    }

    /// Makes `call` to `target`; on success returns at most the first
    /// [`MAX_RETURN`] bytes of its return data (no return-data bombs), else
    /// `None`.
    fn call_capped(&self, call: RawCall, target: Address, data: &[u8]) -> Option<Vec<u8>> {
        // SAFETY: only static calls come here (no state change, no
        // re-entry possible).
        unsafe { call.skip_return_data().call(target, data) }.ok()?;
        let len = self.vm().return_data_size().min(MAX_RETURN);
        Some(if len == 0 {
            Vec::new()
        } else {
            self.vm().read_return_data(0, Some(len))
        })
    }
}

/// Most return data read from a view call: `revenueTokens()` with up to 32
/// tokens (the suite's vaults allow at most 8). Longer lists are read up to
/// there (see [`logic::lists_token`]).
const MAX_RETURN: usize = 64 + 32 * 32;

/// `transfer(address,uint256)`.
const TRANSFER: [u8; 4] = stylus_sdk::function_selector!("transfer", Address, U256);
/// `transferFrom(address,address,uint256)`.
const TRANSFER_FROM: [u8; 4] =
    stylus_sdk::function_selector!("transferFrom", Address, Address, U256);
/// `balanceOf(address)`.
const BALANCE_OF: [u8; 4] = stylus_sdk::function_selector!("balanceOf", Address);
/// `revenueTokens()` (the share vault's allow-list of ERC-20 revenue tokens).
const REVENUE_TOKENS: [u8; 4] = stylus_sdk::function_selector!("revenueTokens");

#[cfg(test)]
mod tests;
