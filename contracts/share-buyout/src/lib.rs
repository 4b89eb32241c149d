//! Optimistic buyout of a share vault's asset: one singleton program serving
//! every vault of the suite (each vault's `buyout()` is this contract, fixed
//! by the vault factory at creation).
//!
//! **How a buyout runs** (after Tessera's optimistic buyout):
//!
//! 1. A **proposer** calls [`ShareBuyout::propose`] with ETH and any number
//!    of its shares (fewer than the supply). The shares go into the
//!    **pool** (this contract's balance in the vault) and fix the price:
//!    `msg.value` buys the `totalSupply − shares` shares not deposited, so
//!    `n` shares are worth `n · msg.value / (totalSupply − shares)` wei
//!    (rounded down when the escrow pays, up when it charges; see
//!    [`logic`]).
//! 2. **Proposal period**, `[start, start + 2 days)`: holders who accept
//!    sell shares into the pool at that price ([`ShareBuyout::sell_shares`]).
//! 3. **Rejection period**, `[start, start + 4 days)`: holders who refuse
//!    buy shares back from the pool at the same price
//!    ([`ShareBuyout::buy_shares`]), paying exactly the rounded-up value.
//! 4. From `start + 4 days` anyone ends it ([`ShareBuyout::end`]): it
//!    **succeeds** iff the pool holds more than half of the supply
//!    (`pool · 1000 / supply > 500`). Shares sent to this contract directly
//!    count as pool shares.
//!    * **Success**: the vault releases the asset to the proposer
//!      (`releaseAsset`; if that reverts, e.g. ERC-1155 units still frozen
//!      by a paid licence, anyone retries later with
//!      [`ShareBuyout::claim_asset`]). The ETH held becomes the cash-out
//!      reserve of the shares outside the pool, at the cash price `held /
//!      (supply − pool)`, never below the offer price: every remaining
//!      holder [`ShareBuyout::cash`]es out whenever it wants (no deadline).
//!      The vault cannot get another buyout.
//!    * **Failure**: the pool's shares go back to the proposer and the
//!      ETH held is credited to it ([`ShareBuyout::withdraw`]); the vault
//!      may get a new proposal.
//!
//! **Shares of a succeeded buyout stay here.** On success the pool's shares
//! are not handed to the proposer, and cashed shares come to this contract
//! rather than to the proposer: the vault cannot burn shares, and shares the
//! proposer held could be passed to a friend and cashed again, draining the
//! reserve the other holders are owed. Shares held here never move again
//! and, the buyout being a non-accruing account of the vault, earn no
//! revenue (it goes to the accruing holders instead).
//!
//! **No decision from a flash loan.** The outcome is read in the `end`
//! transaction, which can only run after trading has closed: from then on
//! the pool can only grow (nothing leaves it but through `buyShares`,
//! closed), and shares sent to it are kept for good (they go to the
//! proposer on either outcome), so borrowed shares could never be
//! returned within the transaction. Deciding on same-transaction balances
//! while trading is still open (as a vote snapshot taken at end time
//! would) is what a flash loan can game; this cannot be.
//!
//! **Escrow conservation**, per vault: ETH in (proposal + purchases) = ETH
//! out (sales + cash-outs + credits) + held, at every step; payouts round
//! down and charges up, so `held` never goes negative and always covers
//! the shares outside the pool (proptested in [`logic`]). **Rounding dust**
//! is below one wei per trade and per cash-out. Trading dust stays in the
//! escrow: on success it is part of the cash-out reserve (the remaining
//! holders get it through the cash price), on failure it is credited back
//! to the proposer with the rest. Cash-out dust stays in the reserve until
//! the last outstanding share is cashed out, which credits it to the
//! proposer. So a fully cashed buyout holds nothing, and until then the
//! reserve exceeds what the remaining holders are owed by less than one
//! wei per cash-out made.
//!
//! **Nothing is ever stuck here.** Plain ETH is refused (the contract has
//! no `receive`); ETH owed to a proposer is a pull credit, so a proposer
//! contract refusing ETH cannot block `end`; shares sent here while no
//! buyout runs join the next proposal's pool, and shares sent here after a
//! success (instead of through `cash`) forfeit their cash value to the
//! proposer, credited by [`ShareBuyout::claim_asset`].
//!
//! **Composition with the vault.**
//! * *Accrued revenue is never lost*: the vault keeps revenue accrued by a
//!   holder with the holder when its shares move, so selling into the pool
//!   or cashing out leaves earlier revenue claimable from the vault. While
//!   shares sit in the pool they earn nothing; their revenue is shared over
//!   the accruing holders.
//! * *Paid licences survive the release*: the ERC-721 collection keeps a
//!   licence's user across transfers, so the proposer receives a token whose
//!   current licensee keeps using it until expiry. ERC-1155 units leased by
//!   records cannot move until the records expire, so `releaseAsset`
//!   reverts until then; the buyout has succeeded all the same and cash-outs
//!   run, and anyone calls `claimAsset` once the units are free. A vault
//!   whose curator keeps selling licences on its units can delay that
//!   release (each licence is bounded by the vault's `maxLeaseDuration`).
//! * A proposer that is a contract must accept ERC-721/ERC-1155 safe
//!   transfers, or the asset cannot be released to it.
//!
//! **Bounds.** Every right with a time bound has one: selling ends at
//! `start + 2 days`, buying at `start + 4 days`; ending, cash-outs, asset
//! claims and withdrawals have no deadline. A proposal's value must be
//! below 2¹²⁸ wei (ETH's whole supply is below 2⁸⁸) and a vault's supply at
//! most 2⁹⁶ (the vault's own bound), so every amount fits the record's
//! 128-bit halves and every price denominator the contract's own
//! division.
//!
//! **Limits.** A vault has one buyout at a time: a proposal at a low price
//! holds the vault for four days, after which anyone (the same proposer
//! included) may propose again. The contract does not know the vault
//! factory: any contract whose `buyout()` is this one is served, and each
//! vault's escrow is kept apart, so a fake vault can only affect the ETH
//! sent for that vault.
//!
//! IMPORTANT: the contract relies on stylus-sdk's default reentrancy guard
//! (the crate never enables the `reentrant` feature) and still applies
//! checks-effects-interactions throughout.
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

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use stylus_ip_common::abi::{address_at, encode, Word};
use stylus_sdk::{
    call::RawCall,
    prelude::*,
    storage::{StorageMap, StorageU256},
};

use crate::logic::{pack_pair, state, unpack_pair, CashRefusal, Meta, Price};

stylus_ip_common::sol_decls! {
    /// A vault's buyout (`buyoutOf`). `state`: 0 none, 1 active, 2
    /// succeeded, 3 failed (a new proposal overwrites a failed record).
    /// `start`, `proposalEnd`, `rejectionEnd`: the proposal's time and the
    /// ends of its periods. `priceNumerator / priceDenominator`: wei per
    /// share of the offer. `poolShares`: this contract's current balance in
    /// the vault. `ethHeld`: wei held for the vault (the cash-out reserve
    /// after a success). `cashNumerator / cashDenominator`: wei per share
    /// paid by `cash` (after a success; the denominator is 0 when no share
    /// was left outside the pool). `outstanding`: shares that can still be
    /// cashed out. `assetReleased`: the vault released the asset to the
    /// proposer.
    struct BuyoutView {
        uint8 state;
        address proposer;
        uint64 start;
        uint64 proposalEnd;
        uint64 rejectionEnd;
        uint256 priceNumerator;
        uint256 priceDenominator;
        uint256 poolShares;
        uint256 ethHeld;
        uint256 cashNumerator;
        uint256 cashDenominator;
        uint256 outstanding;
        bool assetReleased;
    }

    /// The pool (`sender`, this contract) holds `balance` shares of the
    /// vault, fewer than the `needed` (ERC-6093).
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    /// A share transfer of the vault `token` returned `false`.
    error SafeErc20FailedOperation(address token);
    /// `vault`'s `buyout()` is `buyout`, not this contract (zero: `vault`
    /// does not answer as a share vault).
    error BuyoutUnsupportedVault(address vault, address buyout);
    /// `vault`'s `status()` is `status`, not 2 (it does not hold its asset).
    error BuyoutVaultNotActive(address vault, uint8 status);
    /// `vault` already has a buyout running until `rejectionEnd`.
    error BuyoutAlreadyActive(address vault, uint64 rejectionEnd);
    /// `vault` was bought out: it cannot get another buyout.
    error BuyoutAlreadySucceeded(address vault);
    /// `vault` has no running buyout (its record is in `state`).
    error BuyoutNotActive(address vault, uint8 state);
    /// `vault`'s last buyout did not succeed (its record is in `state`).
    error BuyoutNotSucceeded(address vault, uint8 state);
    /// Selling closed at `proposalEnd`; it is `time`.
    error BuyoutProposalPeriodOver(uint64 time, uint64 proposalEnd);
    /// Buying closed at `rejectionEnd`; it is `time`.
    error BuyoutRejectionPeriodOver(uint64 time, uint64 rejectionEnd);
    /// The buyout can only be ended from `rejectionEnd`; it is `time`.
    error BuyoutRejectionPeriodOpen(uint64 time, uint64 rejectionEnd);
    /// A proposal must deposit fewer than all `totalSupply` shares, and the
    /// supply be at most 2^96 (the vault's own bound).
    error BuyoutInvalidShares(uint256 shares, uint256 totalSupply);
    /// A proposal must send between 1 wei and 2^128 − 1 wei.
    error BuyoutInvalidValue(uint256 value);
    /// Zero shares cannot be sold, bought or cashed.
    error BuyoutZeroAmount();
    /// A purchase must send exactly `expected` wei, not `value`.
    error BuyoutWrongValue(uint256 value, uint256 expected);
    /// The proposal moved `received` shares into the pool, not `expected`.
    error BuyoutSharesNotReceived(address vault, uint256 expected, uint256 received);
    /// Only `outstanding` shares can still be cashed out, fewer than `amount`.
    error BuyoutCashExceedsOutstanding(uint256 amount, uint256 outstanding);
    /// `vault`'s asset was released and no share was sent here since the end.
    error BuyoutNothingToClaim(address vault);
    /// Sending `amount` wei to `to` failed.
    error BuyoutEthTransferFailed(address to, uint256 amount);
    /// `account` has no ETH credit.
    error BuyoutNothingToWithdraw(address account);
    /// A price or escrow computation left its range.
    error BuyoutArithmeticOverflow();

    /// `proposer` started a buyout of `vault` depositing `shares`: the
    /// pool pays `priceNumerator / priceDenominator` wei per share; selling
    /// closes at `proposalEnd`, buying at `rejectionEnd`.
    event BuyoutStarted(address indexed vault, address indexed proposer, uint256 shares, uint256 priceNumerator, uint256 priceDenominator, uint64 proposalEnd, uint64 rejectionEnd);
    /// `seller` sold `amount` shares into the pool for `value` wei.
    event SharesSold(address indexed vault, address indexed seller, uint256 amount, uint256 value);
    /// `buyer` bought `amount` shares from the pool for `value` wei.
    event SharesBought(address indexed vault, address indexed buyer, uint256 amount, uint256 value);
    /// The buyout of `vault` ended: `success` with `poolShares` of
    /// `totalSupply` in the pool; `eth` is the cash-out reserve on success
    /// and the refund credited to `proposer` on failure; `assetReleased`
    /// tells whether the asset reached the proposer.
    event BuyoutEnded(address indexed vault, address indexed proposer, bool success, uint256 poolShares, uint256 totalSupply, uint256 eth, bool assetReleased);
    /// `holder` cashed out `amount` shares for `value` wei.
    event Cashed(address indexed vault, address indexed holder, uint256 amount, uint256 value);
    /// The asset of `vault` was released to `proposer` by a `claimAsset`.
    event AssetClaimed(address indexed vault, address indexed proposer);
    /// `amount` wei from `vault`'s escrow were credited to `account`
    /// (a failed buyout's refund, rounding dust, forfeited cash value).
    event Credited(address indexed account, address indexed vault, uint256 amount);
    /// `account` withdrew its credit of `amount` wei.
    event Withdrawn(address indexed account, uint256 amount);

    // Served by `ShareBuyout::fallback` (declared here so that the
    // exported interface lists them).
    /// `vault`'s current (or last) buyout; all zeros but `poolShares` when
    /// none was ever proposed.
    function buyoutOf(address vault) external view returns (BuyoutView memory);
    /// Length of the proposal period in seconds (2 days).
    function PROPOSAL_PERIOD() external view returns (uint64);
    /// Length of the rejection period, counted from the proposal, in
    /// seconds (4 days).
    function REJECTION_PERIOD() external view returns (uint64);
}

stylus_ip_common::errors! {
    /// Errors of [`ShareBuyout`]; each wraps the Solidity error of the same name.
    ///
    /// ABI-encoded by [`stylus_ip_common::errors!`] (selector and static
    /// words) rather than by `#[derive(SolidityError)]`, which costs
    /// kilobytes of WASM; a unit test
    /// checks every variant against alloy's encoding. Public functions return
    /// `Vec<u8>` so that a vault's own revert data (e.g. an insufficient
    /// allowance) reaches the caller verbatim.
    pub enum Error {
        /// See [`ERC20InsufficientBalance`].
        InsufficientBalance(ERC20InsufficientBalance { sender, balance, needed }),
        /// See [`SafeErc20FailedOperation`].
        SafeErc20Failed(SafeErc20FailedOperation { token }),
        /// See [`BuyoutUnsupportedVault`].
        UnsupportedVault(BuyoutUnsupportedVault { vault, buyout }),
        /// See [`BuyoutVaultNotActive`].
        VaultNotActive(BuyoutVaultNotActive { vault, status }),
        /// See [`BuyoutAlreadyActive`].
        AlreadyActive(BuyoutAlreadyActive { vault, rejectionEnd }),
        /// See [`BuyoutAlreadySucceeded`].
        AlreadySucceeded(BuyoutAlreadySucceeded { vault }),
        /// See [`BuyoutNotActive`].
        NotActive(BuyoutNotActive { vault, state }),
        /// See [`BuyoutNotSucceeded`].
        NotSucceeded(BuyoutNotSucceeded { vault, state }),
        /// See [`BuyoutProposalPeriodOver`].
        ProposalPeriodOver(BuyoutProposalPeriodOver { time, proposalEnd }),
        /// See [`BuyoutRejectionPeriodOver`].
        RejectionPeriodOver(BuyoutRejectionPeriodOver { time, rejectionEnd }),
        /// See [`BuyoutRejectionPeriodOpen`].
        RejectionPeriodOpen(BuyoutRejectionPeriodOpen { time, rejectionEnd }),
        /// See [`BuyoutInvalidShares`].
        InvalidShares(BuyoutInvalidShares { shares, totalSupply }),
        /// See [`BuyoutInvalidValue`].
        InvalidValue(BuyoutInvalidValue { value }),
        /// See [`BuyoutZeroAmount`].
        ZeroAmount(BuyoutZeroAmount {}),
        /// See [`BuyoutWrongValue`].
        WrongValue(BuyoutWrongValue { value, expected }),
        /// See [`BuyoutSharesNotReceived`].
        SharesNotReceived(BuyoutSharesNotReceived { vault, expected, received }),
        /// See [`BuyoutCashExceedsOutstanding`].
        CashExceedsOutstanding(BuyoutCashExceedsOutstanding { amount, outstanding }),
        /// See [`BuyoutNothingToClaim`].
        NothingToClaim(BuyoutNothingToClaim { vault }),
        /// See [`BuyoutEthTransferFailed`].
        EthTransferFailed(BuyoutEthTransferFailed { to, amount }),
        /// See [`BuyoutNothingToWithdraw`].
        NothingToWithdraw(BuyoutNothingToWithdraw { account }),
        /// See [`BuyoutArithmeticOverflow`].
        ArithmeticOverflow(BuyoutArithmeticOverflow {}),
    }
}

impl From<logic::Overflow> for Error {
    fn from(_: logic::Overflow) -> Self {
        Error::ArithmeticOverflow(BuyoutArithmeticOverflow {})
    }
}

/// The vault functions this contract calls (selectors only: the calls are
/// encoded by [`encode`], all arguments being static words).
mod vault_abi {
    alloy_sol_types::sol! {
        function buyout() external view returns (address);
        function status() external view returns (uint8);
        function totalSupply() external view returns (uint256);
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        function releaseAsset(address to) external;
    }
}
use vault_abi::{
    balanceOfCall, buyoutCall, releaseAssetCall, statusCall, totalSupplyCall, transferCall,
    transferFromCall,
};

/// One vault's buyout: four storage words, packed by hand
/// ([`logic::Meta`], [`logic::pack_pair`]; fewer storage fields keep the
/// WASM small). Amounts are 128-bit halves: wei and share amounts of real
/// vaults fit (ETH's whole supply is below 2⁸⁸ wei, a vault's share supply
/// at most 2⁹⁶).
#[storage]
struct Buyout {
    /// [`Meta`]: proposer, start time, state, asset released.
    meta: StorageU256,
    /// Offer price: numerator (the proposal's wei) | denominator (the
    /// shares not deposited).
    price: StorageU256,
    /// Escrow: wei held for the vault | shares that can still be cashed out
    /// (after a success; zero before).
    escrow: StorageU256,
    /// Cash price after a success: numerator (wei held at the end) |
    /// denominator (shares outside the pool); zero before.
    cash: StorageU256,
}

/// The buyout contract (a singleton serving every vault; no constructor).
#[entrypoint]
#[storage]
pub struct ShareBuyout {
    /// Vault → its current (or last) buyout.
    buyouts: StorageMap<Address, Buyout>,
    /// Account → withdrawable wei (proposers' refunds and dust).
    credits: StorageMap<Address, StorageU256>,
}

#[public]
impl ShareBuyout {
    /// Proposes to buy `vault`'s asset: deposits `shares` of the caller's
    /// shares into the pool (approve this contract first) and offers
    /// `msg.value` wei for the `totalSupply − shares` others, which fixes
    /// the price of every sale and purchase of this buyout. The caller
    /// becomes the proposer; a failed earlier buyout's record is replaced.
    ///
    /// # Errors
    /// [`Error::UnsupportedVault`] if `vault.buyout()` is not this
    /// contract; [`Error::VaultNotActive`] unless `vault.status()` is 2;
    /// [`Error::AlreadyActive`] / [`Error::AlreadySucceeded`];
    /// [`Error::InvalidShares`] unless `shares < totalSupply ≤ 2⁹⁶`;
    /// [`Error::InvalidValue`] for no ETH (or more than 2¹²⁸ − 1 wei);
    /// the vault's revert data if the share transfer fails;
    /// [`Error::SharesNotReceived`] if the pool did not grow by `shares`.
    ///
    /// # Events
    /// [`BuyoutStarted`]; the vault's `Transfer`.
    #[payable]
    pub fn propose(&mut self, vault: Address, shares: U256) -> Result<(), Vec<u8>> {
        let this = self.vm().contract_address();
        let proposer = self.vm().msg_sender();
        let value = self.vm().msg_value();
        let buyout = self
            .read(vault, buyoutCall::SELECTOR, &[])
            .and_then(|w| address_at(w.as_slice(), 0))
            .unwrap_or_default();
        if buyout != this {
            return Err(Error::UnsupportedVault(BuyoutUnsupportedVault { vault, buyout }).into());
        }
        let status = self.read(vault, statusCall::SELECTOR, &[]).map_or(0, |w| {
            u8::try_from(U256::from_be_bytes(w.0)).unwrap_or(u8::MAX)
        });
        if status != logic::VAULT_ACTIVE {
            return Err(Error::VaultNotActive(BuyoutVaultNotActive { vault, status }).into());
        }
        let meta = self.meta(vault);
        match meta.state {
            state::ACTIVE => {
                return Err(Error::AlreadyActive(BuyoutAlreadyActive {
                    vault,
                    rejectionEnd: logic::rejection_end(meta.start),
                })
                .into());
            }
            state::SUCCEEDED => {
                return Err(Error::AlreadySucceeded(BuyoutAlreadySucceeded { vault }).into());
            }
            _ => {}
        }
        let supply = self.total_supply(vault)?;
        let invalid_shares = || {
            Error::InvalidShares(BuyoutInvalidShares {
                shares,
                totalSupply: supply,
            })
        };
        if shares >= supply || supply > logic::MAX_SUPPLY {
            return Err(invalid_shares().into());
        }
        // `shares < supply ≤ 2⁹⁶`: cannot underflow, fits a half word.
        let den = supply - shares;
        let invalid_value = || Error::InvalidValue(BuyoutInvalidValue { value });
        if value.is_zero() {
            return Err(invalid_value().into());
        }
        let price = pack_pair(value, den).map_err(|_| invalid_value())?;

        // Effects. The cash word is zero: only a success sets it, and a
        // succeeded record is never replaced.
        let now = self.now();
        self.set_meta(
            vault,
            Meta {
                proposer,
                start: now,
                state: state::ACTIVE,
                released: false,
            },
        );
        self.buyouts.setter(vault).price.set(price);
        self.set_escrow(vault, value, U256::ZERO)?;
        stylus_ip_common::emit!(
            BuyoutStarted,
            [vault, proposer],
            [
                shares,
                value,
                den,
                logic::proposal_end(now),
                logic::rejection_end(now)
            ]
        );

        // Interactions: pull the deposit and check it by balance difference.
        if !shares.is_zero() {
            let before = self.balance_of(vault, this)?;
            self.send_shares(vault, Some(proposer), this, shares)?;
            let after = self.balance_of(vault, this)?;
            let received = after.saturating_sub(before);
            if received != shares {
                return Err(Error::SharesNotReceived(BuyoutSharesNotReceived {
                    vault,
                    expected: shares,
                    received,
                })
                .into());
            }
        }
        Ok(())
    }

    /// Sells `amount` of the caller's shares into `vault`'s pool during the
    /// proposal period (approve this contract first) and pays the caller
    /// their value, rounded down. Revenue the shares accrued so far stays
    /// claimable from the vault by the caller.
    ///
    /// # Errors
    /// [`Error::NotActive`]; [`Error::ProposalPeriodOver`] from `start + 2
    /// days`; [`Error::ZeroAmount`]; the vault's revert data if the share
    /// transfer fails; [`Error::EthTransferFailed`] if the caller refuses
    /// the ETH; [`Error::ArithmeticOverflow`] (unreachable for a real vault).
    ///
    /// # Events
    /// [`SharesSold`]; the vault's `Transfer`.
    pub fn sell_shares(&mut self, vault: Address, amount: U256) -> Result<(), Vec<u8>> {
        let seller = self.vm().msg_sender();
        let now = self.now();
        let start = self.active(vault)?.start;
        if !logic::selling_open(now, start) {
            return Err(Error::ProposalPeriodOver(BuyoutProposalPeriodOver {
                time: now,
                proposalEnd: logic::proposal_end(start),
            })
            .into());
        }
        nonzero(amount)?;
        let (held, outstanding) = self.escrow(vault);
        let trade = logic::sell(held, self.price(vault), amount).map_err(Error::from)?;
        self.set_escrow(vault, trade.held, outstanding)?;
        stylus_ip_common::emit!(SharesSold, [vault, seller], [amount, trade.value]);
        let this = self.vm().contract_address();
        self.send_shares(vault, Some(seller), this, amount)?;
        pay(seller, trade.value)?;
        Ok(())
    }

    /// Buys `amount` shares from `vault`'s pool during the rejection period:
    /// `msg.value` must be exactly their value, rounded up.
    ///
    /// # Errors
    /// [`Error::NotActive`]; [`Error::RejectionPeriodOver`] from `start + 4
    /// days`; [`Error::ZeroAmount`]; [`Error::WrongValue`];
    /// [`Error::InsufficientBalance`] if the pool holds fewer shares; the
    /// vault's revert data if the share transfer fails.
    ///
    /// # Events
    /// [`SharesBought`]; the vault's `Transfer`.
    #[payable]
    pub fn buy_shares(&mut self, vault: Address, amount: U256) -> Result<(), Vec<u8>> {
        let buyer = self.vm().msg_sender();
        let value = self.vm().msg_value();
        let now = self.now();
        let start = self.active(vault)?.start;
        if !logic::buying_open(now, start) {
            return Err(Error::RejectionPeriodOver(BuyoutRejectionPeriodOver {
                time: now,
                rejectionEnd: logic::rejection_end(start),
            })
            .into());
        }
        nonzero(amount)?;
        let (held, outstanding) = self.escrow(vault);
        let trade = logic::buy(held, self.price(vault), amount).map_err(Error::from)?;
        if value != trade.value {
            return Err(Error::WrongValue(BuyoutWrongValue {
                value,
                expected: trade.value,
            })
            .into());
        }
        let this = self.vm().contract_address();
        let pool = self.balance_of(vault, this)?;
        if amount > pool {
            return Err(Error::InsufficientBalance(ERC20InsufficientBalance {
                sender: this,
                balance: pool,
                needed: amount,
            })
            .into());
        }
        self.set_escrow(vault, trade.held, outstanding)?;
        stylus_ip_common::emit!(SharesBought, [vault, buyer], [amount, value]);
        self.send_shares(vault, None, buyer, amount)?;
        Ok(())
    }

    /// Ends `vault`'s buyout, from `start + 4 days` on; anyone may call it.
    ///
    /// Success (the pool holds more than half of the supply): the pool's
    /// shares stay here for good; the vault is asked to release the asset to
    /// the proposer (if it reverts, [`Self::claim_asset`] retries later);
    /// the ETH held becomes the cash-out reserve of the shares outside the
    /// pool (credited to the proposer at once if there are none). Failure:
    /// the pool's shares go back to the proposer and the ETH held is
    /// credited to it ([`Self::withdraw`]); a new proposal may follow.
    ///
    /// # Errors
    /// [`Error::NotActive`]; [`Error::RejectionPeriodOpen`] before `start +
    /// 4 days`; the vault's revert data if returning a failed pool fails.
    ///
    /// # Events
    /// [`BuyoutEnded`]; [`Credited`] when ETH is credited; the vault's
    /// `Transfer` on failure and its release events on success.
    pub fn end(&mut self, vault: Address) -> Result<(), Vec<u8>> {
        let now = self.now();
        let mut meta = self.active(vault)?;
        if !logic::can_end(now, meta.start) {
            return Err(Error::RejectionPeriodOpen(BuyoutRejectionPeriodOpen {
                time: now,
                rejectionEnd: logic::rejection_end(meta.start),
            })
            .into());
        }
        let this = self.vm().contract_address();
        let pool = self.balance_of(vault, this)?;
        let supply = self.total_supply(vault)?;
        let proposer = meta.proposer;
        let (held, _) = self.escrow(vault);
        let s = logic::settle(held, pool, supply);

        // Effects.
        self.set_escrow(vault, s.held, s.outstanding)?;
        if s.success {
            let cash = pack_pair(s.cash.num, s.cash.den).map_err(Error::from)?;
            self.buyouts.setter(vault).cash.set(cash);
            meta.state = state::SUCCEEDED;
        } else {
            meta.state = state::FAILED;
        }
        self.set_meta(vault, meta);
        self.credit_to(proposer, vault, s.credit)?;

        // Interactions.
        let released = s.success && self.release(vault, proposer).is_ok();
        if released {
            meta.released = true;
            self.set_meta(vault, meta);
        }
        stylus_ip_common::emit!(
            BuyoutEnded,
            [vault, proposer],
            [
                s.success,
                pool,
                supply,
                if s.success { s.cash.num } else { s.credit },
                released
            ]
        );
        if !s.success && !pool.is_zero() {
            self.send_shares(vault, None, proposer, pool)?;
        }
        Ok(())
    }

    /// After a success: sends `amount` of the caller's shares of `vault` to
    /// this contract (approve it first; they never move again) and pays the
    /// caller `amount` times the cash price, rounded down. No deadline.
    /// Revenue the shares accrued so far stays claimable from the vault by
    /// the caller. The last outstanding share's cash-out also credits the
    /// reserve's rounding dust to the proposer.
    ///
    /// # Errors
    /// [`Error::NotSucceeded`]; [`Error::ZeroAmount`];
    /// [`Error::CashExceedsOutstanding`] (unreachable for a real vault);
    /// the vault's revert data if the share transfer fails;
    /// [`Error::EthTransferFailed`] if the caller refuses the ETH.
    ///
    /// # Events
    /// [`Cashed`]; [`Credited`] for the dust; the vault's `Transfer`.
    pub fn cash(&mut self, vault: Address, amount: U256) -> Result<(), Vec<u8>> {
        let holder = self.vm().msg_sender();
        let (proposer, out) = self.cash_out(vault, amount)?;
        self.credit_to(proposer, vault, out.dust)?;
        stylus_ip_common::emit!(Cashed, [vault, holder], [amount, out.value]);
        let this = self.vm().contract_address();
        self.send_shares(vault, Some(holder), this, amount)?;
        pay(holder, out.value)?;
        Ok(())
    }

    /// After a success, anyone may call this to deliver to the proposer
    /// what the buyout still owes it: the asset, if the vault has not
    /// released it yet (e.g. ERC-1155 units that were still frozen by a
    /// licence at `end`), and the cash value of shares of `vault` sent to
    /// this contract directly since the end (they can never be cashed out),
    /// credited for [`Self::withdraw`].
    ///
    /// # Errors
    /// [`Error::NotSucceeded`]; the vault's revert data if the release
    /// fails and no forfeited shares were found;
    /// [`Error::NothingToClaim`] if the asset was released and no share
    /// was sent here.
    ///
    /// # Events
    /// [`AssetClaimed`] when the asset is released; [`Credited`] for
    /// forfeited shares (and the dust, when they were the last
    /// outstanding ones); the vault's release events.
    pub fn claim_asset(&mut self, vault: Address) -> Result<(), Vec<u8>> {
        let this = self.vm().contract_address();
        let mut meta = self.succeeded(vault)?;
        let (_, outstanding) = self.escrow(vault);
        // Shares here: the pool's and the cashed ones, `supply −
        // outstanding`; anything above was sent directly since the end.
        let balance = self.balance_of(vault, this)?;
        let supply = self.total_supply(vault)?;
        let forfeited = balance
            .saturating_sub(supply.saturating_sub(outstanding))
            .min(outstanding);
        let proposer = meta.proposer;
        if !forfeited.is_zero() {
            let (_, out) = self.cash_out(vault, forfeited)?;
            let credit = out
                .value
                .checked_add(out.dust)
                .ok_or(logic::Overflow)
                .map_err(Error::from)?;
            self.credit_to(proposer, vault, credit)?;
        }
        if meta.released {
            if forfeited.is_zero() {
                return Err(Error::NothingToClaim(BuyoutNothingToClaim { vault }).into());
            }
            return Ok(());
        }
        match self.release(vault, proposer) {
            Ok(()) => {
                meta.released = true;
                self.set_meta(vault, meta);
                stylus_ip_common::emit!(AssetClaimed, [vault, proposer], []);
                Ok(())
            }
            Err(_) if !forfeited.is_zero() => Ok(()),
            Err(data) => Err(data),
        }
    }

    /// Pays the caller its whole ETH credit (a failed buyout's refund,
    /// rounding dust, forfeited cash value), forwarding all gas.
    ///
    /// # Errors
    /// [`Error::NothingToWithdraw`]; [`Error::EthTransferFailed`] (the
    /// credit is kept).
    ///
    /// # Events
    /// [`Withdrawn`].
    pub fn withdraw(&mut self) -> Result<(), Vec<u8>> {
        let account = self.vm().msg_sender();
        let amount = self.credits.get(account);
        if amount.is_zero() {
            return Err(Error::NothingToWithdraw(BuyoutNothingToWithdraw { account }).into());
        }
        // Effects before the interaction: a re-entrant withdraw sees zero.
        self.credits.setter(account).set(U256::ZERO);
        stylus_ip_common::emit!(Withdrawn, [account], [amount]);
        pay(account, amount)?;
        Ok(())
    }

    /// `account`'s withdrawable ETH credit, in wei.
    pub fn credit(&self, account: Address) -> U256 {
        self.credits.get(account)
    }

    /// Serves three views, decoded and encoded by hand here rather than as
    /// `#[public]` methods; they are declared in the exported interface all
    /// the same:
    ///
    /// * `buyoutOf(address vault) returns (BuyoutView)` (see
    ///   [`Self::buyout_of`]): the generic struct encoder of a `#[public]`
    ///   method would cost about 4 KB of WASM;
    /// * `PROPOSAL_PERIOD() returns (uint64)` and `REJECTION_PERIOD()
    ///   returns (uint64)`: [`logic::PROPOSAL_PERIOD`],
    ///   [`logic::REJECTION_PERIOD`] (stylus-sdk 0.9 exports a method
    ///   renamed with `#[selector]` under a name without the underscores).
    ///
    /// Not payable: value is refused, as is any other calldata (plain ETH
    /// included), which reverts with no data.
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let selector = calldata.get(..4).unwrap_or_default();
        let period = if selector == PROPOSAL_PERIODCall::SELECTOR {
            Some(logic::PROPOSAL_PERIOD)
        } else if selector == REJECTION_PERIODCall::SELECTOR {
            Some(logic::REJECTION_PERIOD)
        } else {
            None
        };
        if let Some(period) = period {
            return Ok(encode(&[], &[period.word()]));
        }
        if selector != buyoutOfCall::SELECTOR {
            return Err(Vec::new());
        }
        let vault = calldata
            .get(4..)
            .and_then(|args| address_at(args, 0))
            .ok_or_else(Vec::new)?;
        let v = self.buyout_of(vault);
        Ok(encode(
            &[],
            &[
                v.state.word(),
                v.proposer.word(),
                v.start.word(),
                v.proposalEnd.word(),
                v.rejectionEnd.word(),
                v.priceNumerator.word(),
                v.priceDenominator.word(),
                v.poolShares.word(),
                v.ethHeld.word(),
                v.cashNumerator.word(),
                v.cashDenominator.word(),
                v.outstanding.word(),
                v.assetReleased.word(),
            ],
        ))
    }
}

/// Internal logic.
impl ShareBuyout {
    /// `vault`'s current (or last) buyout; all zeros but `poolShares` when
    /// none was ever proposed (the `buyoutOf` view, see [`Self::fallback`]).
    pub fn buyout_of(&self, vault: Address) -> BuyoutView {
        let this = self.vm().contract_address();
        let m = self.meta(vault);
        let (proposal_end, rejection_end) = if m.state == state::NONE {
            (0, 0)
        } else {
            (logic::proposal_end(m.start), logic::rejection_end(m.start))
        };
        let (price, cash) = (self.price(vault), self.cash_price(vault));
        let (held, outstanding) = self.escrow(vault);
        BuyoutView {
            state: m.state,
            proposer: m.proposer,
            start: m.start,
            proposalEnd: proposal_end,
            rejectionEnd: rejection_end,
            priceNumerator: price.num,
            priceDenominator: price.den,
            poolShares: self.balance_of(vault, this).unwrap_or_default(),
            ethHeld: held,
            cashNumerator: cash.num,
            cashDenominator: cash.den,
            outstanding,
            assetReleased: m.released,
        }
    }

    /// Current block timestamp (tests shift it with a thread-local clock).
    fn now(&self) -> u64 {
        let t = self.vm().block_timestamp();
        #[cfg(test)]
        let t = tests::clock::shift(t);
        t
    }

    /// The first word of `vault`'s record.
    fn meta(&self, vault: Address) -> Meta {
        Meta::unpack(self.buyouts.getter(vault).meta.get())
    }

    fn set_meta(&mut self, vault: Address, meta: Meta) {
        self.buyouts.setter(vault).meta.set(meta.pack());
    }

    /// `vault`'s escrow: wei held and shares outstanding.
    fn escrow(&self, vault: Address) -> (U256, U256) {
        unpack_pair(self.buyouts.getter(vault).escrow.get())
    }

    /// # Errors
    /// [`Error::ArithmeticOverflow`] if an amount is 2¹²⁸ or more
    /// (unreachable: the wei held is real ETH, the shares a vault's).
    fn set_escrow(&mut self, vault: Address, held: U256, outstanding: U256) -> Result<(), Error> {
        let word = pack_pair(held, outstanding)?;
        self.buyouts.setter(vault).escrow.set(word);
        Ok(())
    }

    /// The offer price of `vault`'s buyout.
    fn price(&self, vault: Address) -> Price {
        let (num, den) = unpack_pair(self.buyouts.getter(vault).price.get());
        Price { num, den }
    }

    /// The cash price of `vault`'s succeeded buyout.
    fn cash_price(&self, vault: Address) -> Price {
        let (num, den) = unpack_pair(self.buyouts.getter(vault).cash.get());
        Price { num, den }
    }

    /// The record of `vault`'s running buyout.
    ///
    /// # Errors
    /// [`Error::NotActive`] when none is running.
    fn active(&self, vault: Address) -> Result<Meta, Error> {
        let meta = self.meta(vault);
        if meta.state != state::ACTIVE {
            return Err(Error::NotActive(BuyoutNotActive {
                vault,
                state: meta.state,
            }));
        }
        Ok(meta)
    }

    /// The record of `vault`'s succeeded buyout.
    ///
    /// # Errors
    /// [`Error::NotSucceeded`] unless `vault`'s buyout succeeded.
    fn succeeded(&self, vault: Address) -> Result<Meta, Error> {
        let meta = self.meta(vault);
        if meta.state != state::SUCCEEDED {
            return Err(Error::NotSucceeded(BuyoutNotSucceeded {
                vault,
                state: meta.state,
            }));
        }
        Ok(meta)
    }

    /// Counts `amount` of `vault`'s outstanding shares as cashed out at the
    /// cash price and stores the escrow; returns the proposer and the
    /// cash-out (the caller pays or credits its value and dust).
    fn cash_out(
        &mut self,
        vault: Address,
        amount: U256,
    ) -> Result<(Address, logic::CashOut), Error> {
        let meta = self.succeeded(vault)?;
        nonzero(amount)?;
        let (held, outstanding) = self.escrow(vault);
        let out =
            logic::cash(held, self.cash_price(vault), outstanding, amount).map_err(
                |e| match e {
                    CashRefusal::ExceedsOutstanding => {
                        Error::CashExceedsOutstanding(BuyoutCashExceedsOutstanding {
                            amount,
                            outstanding,
                        })
                    }
                    CashRefusal::Overflow => logic::Overflow.into(),
                },
            )?;
        self.set_escrow(vault, out.held, out.outstanding)?;
        Ok((meta.proposer, out))
    }

    /// Credits `amount` wei of `vault`'s escrow to `account` (nothing for 0).
    fn credit_to(&mut self, account: Address, vault: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        let credit = self
            .credits
            .get(account)
            .checked_add(amount)
            .ok_or(logic::Overflow)?;
        self.credits.setter(account).set(credit);
        stylus_ip_common::emit!(Credited, [account, vault], [amount]);
        Ok(())
    }

    /// Static call `selector(words)` on `vault`; its first return word, if
    /// it succeeded and returned one.
    fn read(&self, vault: Address, selector: [u8; 4], words: &[B256]) -> Option<B256> {
        let ret = call(RawCall::new_static(), vault, &encode(&selector, words)).ok()?;
        ret.get(..32).map(B256::from_slice)
    }

    /// `vault.balanceOf(account)`.
    ///
    /// # Errors
    /// [`Error::UnsupportedVault`] (buyout zero) if it does not answer.
    fn balance_of(&self, vault: Address, account: Address) -> Result<U256, Error> {
        self.read(vault, balanceOfCall::SELECTOR, &[account.word()])
            .map(|w| U256::from_be_bytes(w.0))
            .ok_or_else(|| unsupported(vault))
    }

    /// `vault.totalSupply()`.
    ///
    /// # Errors
    /// [`Error::UnsupportedVault`] (buyout zero) if it does not answer.
    fn total_supply(&self, vault: Address) -> Result<U256, Error> {
        self.read(vault, totalSupplyCall::SELECTOR, &[])
            .map(|w| U256::from_be_bytes(w.0))
            .ok_or_else(|| unsupported(vault))
    }

    /// Moves `amount` shares of `vault` to `to`: from `from` with this
    /// contract's allowance (`transferFrom`), or from the pool (`transfer`).
    ///
    /// # Errors
    /// The vault's revert data verbatim; [`Error::SafeErc20Failed`] if it
    /// returns anything but nothing or `true`.
    fn send_shares(
        &mut self,
        vault: Address,
        from: Option<Address>,
        to: Address,
        amount: U256,
    ) -> Result<(), Vec<u8>> {
        let data = match from {
            Some(from) => encode(
                &transferFromCall::SELECTOR,
                &[from.word(), to.word(), amount.word()],
            ),
            None => encode(&transferCall::SELECTOR, &[to.word(), amount.word()]),
        };
        let ret = call(RawCall::new(), vault, &data)?;
        if ret.is_empty() || ret.as_slice() == true.word().as_slice() {
            Ok(())
        } else {
            Err(Error::SafeErc20Failed(SafeErc20FailedOperation { token: vault }).into())
        }
    }

    /// `vault.releaseAsset(proposer)`, forwarding all gas; the vault's
    /// revert data on failure.
    fn release(&mut self, vault: Address, proposer: Address) -> Result<(), Vec<u8>> {
        call(
            RawCall::new(),
            vault,
            &encode(&releaseAssetCall::SELECTOR, &[proposer.word()]),
        )
        .map(drop)
    }
}

/// [`Error::ZeroAmount`] for a zero `amount`.
fn nonzero(amount: U256) -> Result<(), Error> {
    if amount.is_zero() {
        return Err(Error::ZeroAmount(BuyoutZeroAmount {}));
    }
    Ok(())
}

/// [`Error::UnsupportedVault`] for a vault that does not answer its views.
fn unsupported(vault: Address) -> Error {
    Error::UnsupportedVault(BuyoutUnsupportedVault {
        vault,
        buyout: Address::ZERO,
    })
}

/// Makes `raw` call `target` with `data`, the storage cache flushed first;
/// the return data, or the revert data.
#[inline(never)]
fn call(raw: RawCall, target: Address, data: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    // SAFETY: every write is made (and flushed) before the call, and the
    // contract is not `reentrant`, so the callee cannot re-enter and alias
    // storage.
    unsafe { raw.flush_storage_cache().call(target, data) }
}

/// Pays `amount` wei to `to` with all gas (nothing for 0).
///
/// # Errors
/// [`Error::EthTransferFailed`] if the transfer fails.
fn pay(to: Address, amount: U256) -> Result<(), Error> {
    if amount.is_zero() {
        return Ok(());
    }
    // SAFETY: as in `call`.
    unsafe {
        RawCall::new_with_value(amount)
            .flush_storage_cache()
            .skip_return_data()
            .call(to, &[])
    }
    .map(drop)
    .map_err(|_| Error::EthTransferFailed(BuyoutEthTransferFailed { to, amount }))
}

#[cfg(test)]
mod tests;
