//! motsu tests of [`ShareOffering`] with the real `ShareVault` (linked
//! natively), an OpenZeppelin ERC-20 as payment token (with fee, blocklist
//! and return-false switches), wallets (contracts, since motsu pays ETH only
//! to contracts) and a raw-calldata caller that goes through the router.
#![allow(clippy::too_many_arguments)]

use alloc::{string::ToString, vec, vec::Vec};

use alloy_primitives::{uint, Address, U256};
use alloy_sol_types::{sol, SolCall, SolError};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::{Erc20, IErc20};
use share_vault::ShareVault;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageBytes, StorageMap, StorageU256, StorageU8},
};

use super::*;

/// The shared test clock (the contract's `now` reads `clock::shift`).
pub(crate) use stylus_ip_common::test_mocks::clock;

/// motsu's fixed block timestamp.
const T0: u64 = 1_735_689_600;
const DAY: u64 = 86_400;
const ETH: Address = Address::ZERO;
/// One whole share.
const SHARE: U256 = uint!(1_000_000_000_000_000_000_U256);
/// 0.002 ETH (or token base units) per whole share.
const PRICE: U256 = uint!(2_000_000_000_000_000_U256);

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `n` whole shares.
fn sh(n: u64) -> U256 {
    u(n) * SHARE
}

/// The cost of `n` whole shares at [`PRICE`].
fn at_price(n: u64) -> U256 {
    u(n) * PRICE
}

fn now() -> u64 {
    clock::shift(T0)
}

fn err(e: Error) -> Vec<u8> {
    e.into()
}

/// Asserts that a call failed with exactly `expected`'s revert data
/// (motsu's `motsu_unwrap_err`, which also rolls the failed call back).
#[track_caller]
fn assert_fails<T: core::fmt::Debug>(result: Result<T, Vec<u8>>, expected: Error) {
    assert_eq!(result.motsu_unwrap_err(), err(expected));
}

sol! {
    #[derive(Debug)]
    error Blocked(address account);
}

// ----------------------------------------------------------------------
// Mocks
// ----------------------------------------------------------------------

/// Payment token: OpenZeppelin's ERC-20 with a fee burnt from what a
/// `transferFrom` delivers, a blocklist of receivers, a mode where
/// `transfer` returns `false`. With a fee it also plays a share vault that
/// delivers less than asked.
#[storage]
struct Token {
    erc20: Erc20,
    fee_bps: StorageU256,
    blocked: StorageMap<Address, StorageBool>,
    return_false: StorageBool,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for Token {}

#[public]
impl Token {
    fn mint(&mut self, to: Address, value: U256) -> Result<(), Vec<u8>> {
        Ok(self.erc20._mint(to, value)?)
    }
    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Vec<u8>> {
        Ok(self.erc20.approve(spender, value)?)
    }
    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }
    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Vec<u8>> {
        if self.blocked.get(to) {
            return Err(Blocked { account: to }.abi_encode());
        }
        if self.return_false.get() {
            return Ok(false);
        }
        Ok(self.erc20.transfer(to, value)?)
    }
    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> Result<bool, Vec<u8>> {
        self.erc20.transfer_from(from, to, value)?;
        let fee = value * self.fee_bps.get() / u(10_000);
        if !fee.is_zero() {
            self.erc20._burn(to, fee)?;
        }
        Ok(true)
    }
    fn set_fee_bps(&mut self, bps: U256) {
        self.fee_bps.set(bps);
    }
    fn set_blocked(&mut self, account: Address, blocked: bool) {
        self.blocked.setter(account).set(blocked);
    }
    fn set_return_false(&mut self, v: bool) {
        self.return_false.set(v);
    }
}

sol_interface! {
    interface IOffering {
        function withdrawProceeds(uint256 id) external;
        function refund(uint256 id) external;
    }
}

/// Re-entry mode: `withdrawProceeds(id)` from `receive`.
const REENTER_WITHDRAW: u8 = 1;
/// Re-entry mode: `refund(id)` from `receive`.
const REENTER_REFUND: u8 = 2;

/// A contract account (buyer, payee): receives ETH unless told to reject
/// it, and can re-enter the offering once from its `receive`.
#[storage]
struct Wallet {
    reject: StorageBool,
    mode: StorageU8,
    offering: StorageAddress,
    id: StorageU256,
    reentry_error: StorageBytes,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for Wallet {}

#[public]
impl Wallet {
    fn set_reject(&mut self, v: bool) {
        self.reject.set(v);
    }
    fn set_reenter(&mut self, offering: Address, mode: u8, id: U256) {
        self.offering.set(offering);
        self.mode.set(alloy_primitives::aliases::U8::from(mode));
        self.id.set(id);
    }
    /// Revert data of the re-entrant call.
    fn reentry_error(&self) -> Vec<u8> {
        self.reentry_error.get_bytes()
    }
    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        if self.reject.get() {
            return Err(b"wallet rejects ETH".to_vec());
        }
        let mode: u8 = self.mode.get().to();
        if mode != 0 {
            // One attempt only.
            self.mode.set(alloy_primitives::aliases::U8::ZERO);
            let offering = IOffering::new(self.offering.get());
            let id = self.id.get();
            let res = if mode == REENTER_WITHDRAW {
                offering.withdraw_proceeds(&mut *self, id)
            } else {
                offering.refund(&mut *self, id)
            };
            let error = match res {
                Ok(()) => b"re-entry succeeded".to_vec(),
                Err(e) => e.into(),
            };
            self.reentry_error.set_bytes(error);
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------

/// Initialises `vault` with 1,000 shares held by `seller`, accepting the
/// ERC-20 revenue `tokens` (and ETH). The vault's asset never arrives:
/// shares move and revenue accrues all the same.
fn new_vault(vault: &Contract<ShareVault>, seller: Address, tokens: &[Address]) {
    let config = share_vault::logic::Config {
        asset: Address::repeat_byte(0xa5),
        id: u(1),
        units: U256::ZERO,
        curator: Address::ZERO,
        market: Address::repeat_byte(0x4d),
        max_lease_duration: 30 * DAY,
        revenue_tokens: tokens.to_vec(),
        name: "Mona Shares".to_string(),
        symbol: "MONA".to_string(),
        holders: vec![(seller, sh(1000))],
        ..Default::default()
    };
    let config = share_vault::logic::encode_config(&config).expect("encodable config");
    vault
        .sender(seller)
        .initialize(config.into())
        .motsu_unwrap();
}

/// The arguments of `createOffering` (after the vault).
#[derive(Clone, Copy)]
struct Terms {
    shares: U256,
    price: U256,
    token: Address,
    cap: U256,
    deadline: u64,
    min_raise: U256,
    payee: Address,
}

/// 100 shares at [`PRICE`] in ETH, no cap, 10 days, succeeding at 50
/// shares' worth.
fn terms(payee: Address) -> Terms {
    Terms {
        shares: sh(100),
        price: PRICE,
        token: ETH,
        cap: U256::ZERO,
        deadline: now() + 10 * DAY,
        min_raise: at_price(50),
        payee,
    }
}

/// Approves the offering for the shares, then creates it.
fn create(
    offering: &Contract<ShareOffering>,
    vault: &Contract<ShareVault>,
    seller: Address,
    t: Terms,
) -> Result<U256, Vec<u8>> {
    call_approve(vault, seller, offering.address(), t.shares);
    offering.sender(seller).create_offering(
        vault.address(),
        t.shares,
        t.price,
        t.token,
        t.cap,
        t.deadline,
        t.min_raise,
        t.payee,
    )
}

/// `approve(spender, value)` on the share vault, by `owner`.
fn call_approve(vault: &Contract<ShareVault>, owner: Address, spender: Address, value: U256) {
    vault.sender(owner).approve(spender, value).motsu_unwrap();
}

/// Buys `shares` with exactly their ETH cost (funding the buyer first).
fn buy_eth(
    offering: &Contract<ShareOffering>,
    buyer: Address,
    id: U256,
    shares: U256,
) -> Result<U256, Vec<u8>> {
    let cost = logic::cost(shares, PRICE).unwrap();
    buyer.fund(cost);
    offering.sender_and_value(buyer, cost).buy(id, shares)
}

fn view(offering: &Contract<ShareOffering>, id: U256) -> OfferingView {
    offering.sender(Address::ZERO).offering(id).motsu_unwrap()
}

fn purchase_of(offering: &Contract<ShareOffering>, id: U256, buyer: Address) -> (U256, U256, bool) {
    let p = offering.sender(buyer).purchase(id, buyer);
    (p.shares, p.paid, p.refunded)
}

/// A vault claim of `exact` wei, less at most the one wei of dust the
/// vault's accumulator may keep.
fn assert_pro_rata(claimable: U256, exact: u64) {
    assert!(
        claimable == u(exact) || claimable == u(exact - 1),
        "{claimable} is not {exact}"
    );
}

fn shares_of(vault: &Contract<ShareVault>, who: Address) -> U256 {
    vault.sender(who).balance_of(who)
}

// ----------------------------------------------------------------------
// Creation
// ----------------------------------------------------------------------

#[motsu::test]
fn creates_offerings_and_escrows_the_shares(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    token: Contract<Token>,
    seller: Address,
    payee: Address,
) {
    new_vault(&vault, seller, &[token.address()]);
    assert_eq!(offering.sender(seller).offering_count(), U256::ZERO);
    assert_eq!(offering.sender(seller).refund_window(), 30 * DAY);
    assert_eq!(offering.sender(seller).max_offering_duration(), 365 * DAY);

    let t = Terms {
        cap: sh(10),
        ..terms(payee)
    };
    let id = create(&offering, &vault, seller, t).motsu_unwrap();
    assert_eq!(id, u(1));
    offering.assert_emitted(&OfferingCreated {
        id,
        vault: vault.address(),
        seller,
        shares: sh(100),
        price: PRICE,
        paymentToken: ETH,
        perBuyerCap: sh(10),
        deadline: t.deadline,
        minRaise: at_price(50),
        payee,
    });
    assert_eq!(shares_of(&vault, seller), sh(900));
    assert_eq!(shares_of(&vault, offering.address()), sh(100));
    let v = view(&offering, id);
    assert_eq!(
        (
            v.vault,
            v.seller,
            v.shares,
            v.price,
            v.paymentToken,
            v.perBuyerCap
        ),
        (vault.address(), seller, sh(100), PRICE, ETH, sh(10))
    );
    assert_eq!(
        (v.deadline, v.minRaise, v.payee),
        (t.deadline, at_price(50), payee)
    );
    assert_eq!(
        (
            v.sold,
            v.raised,
            v.paidOut,
            v.refundedShares,
            v.refundedAmount,
            v.sharesWithdrawn
        ),
        (
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO
        )
    );
    assert_eq!(v.state, Phase::Open as u8);

    // A token-priced offering on the same vault, at the latest deadline and
    // with a minimum raise of exactly the cost of all its shares.
    let t2 = Terms {
        shares: sh(1),
        token: token.address(),
        deadline: now() + 365 * DAY,
        min_raise: PRICE,
        ..terms(payee)
    };
    let id2 = create(&offering, &vault, seller, t2).motsu_unwrap();
    assert_eq!(id2, u(2));
    assert_eq!(offering.sender(seller).offering_count(), u(2));
    assert_eq!(view(&offering, id2).paymentToken, token.address());
    assert_eq!(shares_of(&vault, offering.address()), sh(101));
}

#[motsu::test]
fn create_offering_validates_its_inputs(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    token: Contract<Token>,
    other: Contract<Token>,
    no_vault: Contract<Wallet>,
    seller: Address,
    payee: Address,
) {
    new_vault(&vault, seller, &[token.address()]);
    let v = vault.address();
    let base = terms(payee);
    assert_fails(
        create(
            &offering,
            &vault,
            seller,
            Terms {
                shares: U256::ZERO,
                ..base
            },
        ),
        Error::ZeroShares(OfferingZeroShares {}),
    );
    assert_fails(
        create(
            &offering,
            &vault,
            seller,
            Terms {
                price: U256::ZERO,
                ..base
            },
        ),
        Error::ZeroPrice(OfferingZeroPrice {}),
    );
    // 2^128 share units do not fit the counters, nor does a cost of 2^128.
    let big = U256::from(1) << 128;
    assert_fails(
        create(
            &offering,
            &vault,
            seller,
            Terms {
                shares: big,
                min_raise: U256::ZERO,
                ..base
            },
        ),
        Error::TooLarge(OfferingTooLarge {
            shares: big,
            price: PRICE,
        }),
    );
    let price = big * SHARE;
    assert_fails(
        create(
            &offering,
            &vault,
            seller,
            Terms {
                shares: SHARE,
                price,
                min_raise: U256::ZERO,
                ..base
            },
        ),
        Error::TooLarge(OfferingTooLarge {
            shares: SHARE,
            price,
        }),
    );
    assert_fails(
        create(
            &offering,
            &vault,
            seller,
            Terms {
                min_raise: at_price(100) + u(1),
                ..base
            },
        ),
        Error::MinRaiseAboveCost(OfferingMinRaiseAboveCost {
            minRaise: at_price(100) + u(1),
            cost: at_price(100),
        }),
    );
    let latest = now() + 365 * DAY;
    for deadline in [now(), now() - 1, latest + 1] {
        assert_fails(
            create(&offering, &vault, seller, Terms { deadline, ..base }),
            Error::InvalidDeadline(OfferingInvalidDeadline {
                deadline,
                now: now(),
                latest,
            }),
        );
    }
    for bad in [Address::ZERO, offering.address()] {
        assert_fails(
            create(&offering, &vault, seller, Terms { payee: bad, ..base }),
            Error::InvalidPayee(OfferingInvalidPayee { payee: bad }),
        );
    }
    // Only ETH and the vault's revenue tokens.
    assert_fails(
        create(
            &offering,
            &vault,
            seller,
            Terms {
                token: other.address(),
                ..base
            },
        ),
        Error::TokenNotAllowed(OfferingTokenNotAllowed {
            vault: v,
            token: other.address(),
        }),
    );
    // A "vault" that does not answer `revenueTokens()` lists nothing.
    assert_fails(
        offering.sender(seller).create_offering(
            no_vault.address(),
            sh(1),
            PRICE,
            token.address(),
            U256::ZERO,
            base.deadline,
            U256::ZERO,
            payee,
        ),
        Error::TokenNotAllowed(OfferingTokenNotAllowed {
            vault: no_vault.address(),
            token: token.address(),
        }),
    );
    // Beyond the approval (the helper approved 100 shares) the vault's own
    // error comes back verbatim.
    let e = offering
        .sender(seller)
        .create_offering(
            v,
            sh(500),
            PRICE,
            ETH,
            U256::ZERO,
            base.deadline,
            U256::ZERO,
            payee,
        )
        .motsu_unwrap_err();
    assert_eq!(
        e,
        share_vault::ERC20InsufficientAllowance {
            spender: offering.address(),
            allowance: sh(100),
            needed: sh(500)
        }
        .abi_encode()
    );
    // Nothing happened.
    assert_eq!(offering.sender(seller).offering_count(), U256::ZERO);
    assert_eq!(shares_of(&vault, seller), sh(1000));
    assert_eq!(
        offering.sender(seller).offering(u(1)).motsu_unwrap_err(),
        err(Error::Unknown(OfferingUnknown { id: u(1) }))
    );
}

#[motsu::test]
fn create_offering_checks_what_the_vault_delivers(
    offering: Contract<ShareOffering>,
    fee_vault: Contract<Token>,
    no_erc20: Contract<Wallet>,
    seller: Address,
    payee: Address,
) {
    // A share token taking a 1 % fee: the deposit is refused.
    fee_vault
        .sender(seller)
        .mint(seller, sh(1000))
        .motsu_unwrap();
    fee_vault.sender(seller).set_fee_bps(u(100));
    fee_vault
        .sender(seller)
        .approve(offering.address(), sh(100))
        .motsu_unwrap();
    let t = terms(payee);
    assert_fails(
        offering.sender(seller).create_offering(
            fee_vault.address(),
            t.shares,
            t.price,
            ETH,
            U256::ZERO,
            t.deadline,
            U256::ZERO,
            payee,
        ),
        Error::TransferAmountMismatch(OfferingTransferAmountMismatch {
            token: fee_vault.address(),
            expected: sh(100),
            received: sh(99),
        }),
    );
    assert_eq!(fee_vault.sender(seller).balance_of(seller), sh(1000));

    // Without the fee the deposit works; a fee that appears before a refund
    // makes the refund fail the same way (the seller's side would be short).
    fee_vault.sender(seller).set_fee_bps(U256::ZERO);
    let id = offering
        .sender(seller)
        .create_offering(
            fee_vault.address(),
            t.shares,
            t.price,
            ETH,
            U256::ZERO,
            t.deadline,
            t.min_raise,
            payee,
        )
        .motsu_unwrap();
    let buyer = Address::repeat_byte(0xb1);
    buy_eth(&offering, buyer, id, sh(10)).motsu_unwrap();
    clock::advance(10 * DAY + 1);
    fee_vault
        .sender(buyer)
        .approve(offering.address(), sh(10))
        .motsu_unwrap();
    fee_vault.sender(seller).set_fee_bps(u(100));
    assert_fails(
        offering.sender(buyer).refund(id),
        Error::TransferAmountMismatch(OfferingTransferAmountMismatch {
            token: fee_vault.address(),
            expected: sh(10),
            received: sh(10) - sh(10) / u(100),
        }),
    );
    assert!(!purchase_of(&offering, id, buyer).2);
    assert_eq!(offering.sender(buyer).offering_count(), u(1));

    // A "vault" without `balanceOf`.
    assert_fails(
        offering.sender(seller).create_offering(
            no_erc20.address(),
            sh(1),
            PRICE,
            ETH,
            U256::ZERO,
            now() + DAY,
            U256::ZERO,
            payee,
        ),
        Error::SafeErc20FailedOperation(SafeErc20FailedOperation {
            token: no_erc20.address(),
        }),
    );
    assert_eq!(offering.sender(seller).offering_count(), u(1));
}

// ----------------------------------------------------------------------
// Purchases
// ----------------------------------------------------------------------

#[motsu::test]
fn eth_purchase_delivers_the_shares_and_their_revenue_from_then_on(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    seller: Address,
    payee: Address,
    alice: Address,
) {
    new_vault(&vault, seller, &[]);
    let id = create(&offering, &vault, seller, terms(payee)).motsu_unwrap();
    // Revenue before the purchase belongs to the holders of that time.
    vault.address().fund(u(1_000_000));
    let cost = buy_eth(&offering, alice, id, sh(10)).motsu_unwrap();
    assert_eq!(cost, at_price(10));
    offering.assert_emitted(&SharesPurchased {
        id,
        buyer: alice,
        shares: sh(10),
        cost,
    });
    assert_eq!(shares_of(&vault, alice), sh(10));
    assert_eq!(shares_of(&vault, offering.address()), sh(90));
    assert_eq!(offering.balance(), cost);
    assert_eq!(
        vault.sender(alice).claimable(alice, ETH).motsu_unwrap(),
        U256::ZERO
    );
    // The seller's 900 shares earned 90 % of it, the escrowed 100 the rest.
    assert_pro_rata(
        vault.sender(seller).claimable(seller, ETH).motsu_unwrap(),
        900_000,
    );
    // Revenue after it is shared with the buyer: 10 of 1,000 shares.
    vault.address().fund(u(1_000_000));
    assert_pro_rata(
        vault.sender(alice).claimable(alice, ETH).motsu_unwrap(),
        10_000,
    );
    assert_eq!(purchase_of(&offering, id, alice), (sh(10), cost, false));
    let v = view(&offering, id);
    assert_eq!(
        (v.sold, v.raised, v.state),
        (sh(10), cost, Phase::Open as u8)
    );

    // The cost rounds up to the base unit: 1 share unit costs 0.002 wei → 1;
    // 1,001 units cost 2.002 wei → 3; and purchases add up per buyer.
    assert_eq!(buy_eth(&offering, alice, id, u(1)).motsu_unwrap(), u(1));
    assert_eq!(buy_eth(&offering, alice, id, u(1_001)).motsu_unwrap(), u(3));
    assert_eq!(
        purchase_of(&offering, id, alice),
        (sh(10) + u(1_002), cost + u(4), false)
    );
    assert_eq!(offering.balance(), cost + u(4));
}

#[motsu::test]
fn buy_refuses_bad_purchases(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    token: Contract<Token>,
    seller: Address,
    payee: Address,
    alice: Address,
    bob: Address,
) {
    new_vault(&vault, seller, &[token.address()]);
    let id = create(
        &offering,
        &vault,
        seller,
        Terms {
            cap: sh(30),
            ..terms(payee)
        },
    )
    .motsu_unwrap();
    assert_fails(
        buy_eth(&offering, alice, u(9), sh(1)),
        Error::Unknown(OfferingUnknown { id: u(9) }),
    );
    assert_fails(
        buy_eth(&offering, alice, id, U256::ZERO),
        Error::ZeroShares(OfferingZeroShares {}),
    );
    assert_fails(
        buy_eth(&offering, alice, id, sh(101)),
        Error::InsufficientShares(OfferingInsufficientShares {
            id,
            available: sh(100),
            requested: sh(101),
        }),
    );
    // The cap counts every purchase of the buyer: exactly the cap is fine.
    buy_eth(&offering, alice, id, sh(20)).motsu_unwrap();
    assert_fails(
        buy_eth(&offering, alice, id, sh(10) + u(1)),
        Error::CapExceeded(OfferingCapExceeded {
            id,
            cap: sh(30),
            total: sh(30) + u(1),
        }),
    );
    buy_eth(&offering, alice, id, sh(10)).motsu_unwrap();
    // ETH: exactly the cost, not less, not more.
    for value in [at_price(1) - u(1), at_price(1) + u(1), U256::ZERO] {
        bob.fund(value);
        assert_fails(
            offering.sender_and_value(bob, value).buy(id, sh(1)),
            Error::WrongValue(OfferingWrongValue {
                expected: at_price(1),
                value,
            }),
        );
    }
    // More than the 70 left.
    assert_fails(
        buy_eth(&offering, bob, id, sh(71)),
        Error::InsufficientShares(OfferingInsufficientShares {
            id,
            available: sh(70),
            requested: sh(71),
        }),
    );
    assert_eq!(
        purchase_of(&offering, id, bob),
        (U256::ZERO, U256::ZERO, false)
    );
    assert_eq!(view(&offering, id).sold, sh(30));
    assert_eq!(shares_of(&vault, offering.address()), sh(70));

    // A token-priced offering takes no ETH.
    let t = Terms {
        token: token.address(),
        ..terms(payee)
    };
    let id2 = create(&offering, &vault, seller, t).motsu_unwrap();
    bob.fund(u(1));
    assert_fails(
        offering.sender_and_value(bob, u(1)).buy(id2, sh(1)),
        Error::WrongValue(OfferingWrongValue {
            expected: U256::ZERO,
            value: u(1),
        }),
    );

    // Sold out: closed before the deadline.
    buy_eth(&offering, bob, id, sh(30)).motsu_unwrap();
    let carol = Address::repeat_byte(0xc0);
    buy_eth(&offering, carol, id, sh(30)).motsu_unwrap();
    buy_eth(&offering, Address::repeat_byte(0xd0), id, sh(10)).motsu_unwrap();
    assert_eq!(view(&offering, id).state, Phase::Succeeded as u8);
    assert_fails(
        buy_eth(&offering, carol, id, sh(1)),
        Error::NotOpen(OfferingNotOpen {
            id,
            state: Phase::Succeeded as u8,
        }),
    );
    // Past the deadline (the deadline second itself still sells).
    clock::advance(10 * DAY);
    token.sender(bob).mint(bob, at_price(2)).motsu_unwrap();
    token
        .sender(bob)
        .approve(offering.address(), at_price(2))
        .motsu_unwrap();
    offering.sender(bob).buy(id2, sh(1)).motsu_unwrap();
    clock::advance(1);
    assert_fails(
        offering.sender(bob).buy(id2, sh(1)),
        Error::NotOpen(OfferingNotOpen {
            id: id2,
            state: Phase::Refunding as u8,
        }),
    );
}

#[motsu::test]
fn erc20_purchase_pulls_exactly_the_cost(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    token: Contract<Token>,
    seller: Address,
    payee: Address,
    alice: Address,
) {
    new_vault(&vault, seller, &[token.address()]);
    let t = Terms {
        token: token.address(),
        ..terms(payee)
    };
    let id = create(&offering, &vault, seller, t).motsu_unwrap();
    token
        .sender(alice)
        .mint(alice, at_price(100))
        .motsu_unwrap();
    // No allowance: the token's own error, verbatim.
    let e = offering.sender(alice).buy(id, sh(10)).motsu_unwrap_err();
    assert_eq!(
        e,
        share_vault::ERC20InsufficientAllowance {
            spender: offering.address(),
            allowance: U256::ZERO,
            needed: at_price(10)
        }
        .abi_encode()
    );
    token
        .sender(alice)
        .approve(offering.address(), U256::MAX)
        .motsu_unwrap();
    // A fee-on-transfer token delivers less than the cost: refused.
    token.sender(alice).set_fee_bps(u(10));
    assert_fails(
        offering.sender(alice).buy(id, sh(10)),
        Error::TransferAmountMismatch(OfferingTransferAmountMismatch {
            token: token.address(),
            expected: at_price(10),
            received: at_price(10) - at_price(10) / u(1000),
        }),
    );
    assert_eq!(shares_of(&vault, alice), U256::ZERO);
    token.sender(alice).set_fee_bps(U256::ZERO);
    let cost = offering.sender(alice).buy(id, sh(10)).motsu_unwrap();
    assert_eq!(cost, at_price(10));
    assert_eq!(token.sender(alice).balance_of(alice), at_price(90));
    assert_eq!(
        token.sender(alice).balance_of(offering.address()),
        at_price(10)
    );
    assert_eq!(shares_of(&vault, alice), sh(10));
    assert_eq!(purchase_of(&offering, id, alice), (sh(10), cost, false));
    offering.assert_emitted(&SharesPurchased {
        id,
        buyer: alice,
        shares: sh(10),
        cost,
    });
}

// ----------------------------------------------------------------------
// Success
// ----------------------------------------------------------------------

#[motsu::test]
fn a_successful_raise_pays_the_payee_and_returns_unsold_shares(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    payee: Contract<Wallet>,
    seller: Address,
    alice: Address,
    bob: Address,
    anyone: Address,
) {
    new_vault(&vault, seller, &[]);
    let id = create(&offering, &vault, seller, terms(payee.address())).motsu_unwrap();
    buy_eth(&offering, alice, id, sh(30)).motsu_unwrap();
    // Below the minimum raise nothing is payable, and the seller waits.
    assert_fails(
        offering.sender(anyone).withdraw_proceeds(id),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id }),
    );
    assert_fails(
        offering.sender(seller).withdraw_shares(id),
        Error::NotClosed(OfferingNotClosed { id }),
    );
    assert_fails(
        offering.sender(alice).withdraw_shares(id),
        Error::NotSeller(OfferingNotSeller { id, account: alice }),
    );

    // Reaching it, before the deadline, makes the proceeds payable by anyone.
    buy_eth(&offering, bob, id, sh(20)).motsu_unwrap();
    offering.sender(anyone).withdraw_proceeds(id).motsu_unwrap();
    offering.assert_emitted(&ProceedsWithdrawn {
        id,
        payee: payee.address(),
        amount: at_price(50),
    });
    assert_eq!(payee.balance(), at_price(50));
    assert_eq!(offering.balance(), U256::ZERO);
    assert_fails(
        offering.sender(anyone).withdraw_proceeds(id),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id }),
    );
    // No refunds from a successful raise, open or closed.
    assert_fails(
        offering.sender(alice).refund(id),
        Error::NotFailed(OfferingNotFailed {
            id,
            state: Phase::Open as u8,
        }),
    );
    // Later purchases add to what is payable.
    buy_eth(&offering, alice, id, sh(5)).motsu_unwrap();
    clock::advance(10 * DAY + 1);
    assert_fails(
        offering.sender(alice).refund(id),
        Error::NotFailed(OfferingNotFailed {
            id,
            state: Phase::Succeeded as u8,
        }),
    );
    offering
        .sender(payee.address())
        .withdraw_proceeds(id)
        .motsu_unwrap();
    assert_eq!(payee.balance(), at_price(55));

    // The seller takes back the 45 unsold shares, once.
    offering.sender(seller).withdraw_shares(id).motsu_unwrap();
    offering.assert_emitted(&SharesWithdrawn {
        id,
        seller,
        shares: sh(45),
    });
    assert_eq!(shares_of(&vault, seller), sh(945));
    assert_eq!(shares_of(&vault, offering.address()), U256::ZERO);
    assert_fails(
        offering.sender(seller).withdraw_shares(id),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id }),
    );
    let v = view(&offering, id);
    assert_eq!(
        (v.sold, v.raised, v.paidOut, v.sharesWithdrawn, v.state),
        (
            sh(55),
            at_price(55),
            at_price(55),
            sh(45),
            Phase::Succeeded as u8
        )
    );
    // Buyers keep their shares.
    assert_eq!(shares_of(&vault, alice), sh(35));
    assert_eq!(shares_of(&vault, bob), sh(20));
}

#[motsu::test]
fn a_sold_out_erc20_offering_closes_at_once(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    token: Contract<Token>,
    seller: Address,
    payee: Address,
    alice: Address,
) {
    new_vault(&vault, seller, &[token.address()]);
    let t = Terms {
        token: token.address(),
        min_raise: at_price(100),
        ..terms(payee)
    };
    let id = create(&offering, &vault, seller, t).motsu_unwrap();
    token
        .sender(alice)
        .mint(alice, at_price(100))
        .motsu_unwrap();
    token
        .sender(alice)
        .approve(offering.address(), U256::MAX)
        .motsu_unwrap();
    offering.sender(alice).buy(id, sh(100)).motsu_unwrap();
    assert_eq!(view(&offering, id).state, Phase::Succeeded as u8);
    offering.sender(alice).withdraw_proceeds(id).motsu_unwrap();
    assert_eq!(token.sender(payee).balance_of(payee), at_price(100));
    assert_eq!(
        token.sender(payee).balance_of(offering.address()),
        U256::ZERO
    );
    // Nothing unsold.
    assert_fails(
        offering.sender(seller).withdraw_shares(id),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id }),
    );
}

// ----------------------------------------------------------------------
// Failure and refunds
// ----------------------------------------------------------------------

#[motsu::test]
fn a_failed_raise_refunds_inside_the_window_and_pays_the_rest_after(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    payee: Contract<Wallet>,
    alice: Contract<Wallet>,
    bob: Contract<Wallet>,
    seller: Address,
    stranger: Address,
) {
    new_vault(&vault, seller, &[]);
    let t = terms(payee.address());
    let id = create(&offering, &vault, seller, t).motsu_unwrap();
    let (a, b) = (alice.address(), bob.address());
    buy_eth(&offering, a, id, sh(30)).motsu_unwrap();
    buy_eth(&offering, b, id, sh(10)).motsu_unwrap();
    // Not failed while open.
    assert_fails(
        offering.sender(a).refund(id),
        Error::NotFailed(OfferingNotFailed {
            id,
            state: Phase::Open as u8,
        }),
    );
    clock::advance(10 * DAY + 1);
    assert_eq!(view(&offering, id).state, Phase::Refunding as u8);
    // Inside the window the payee gets nothing; the seller its unsold shares.
    assert_fails(
        offering.sender(payee.address()).withdraw_proceeds(id),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id }),
    );
    offering.sender(seller).withdraw_shares(id).motsu_unwrap();
    assert_eq!(shares_of(&vault, seller), sh(960));

    // A refund pulls the shares back: without approval the vault refuses.
    let e = offering.sender(a).refund(id).motsu_unwrap_err();
    assert_eq!(
        e,
        share_vault::ERC20InsufficientAllowance {
            spender: offering.address(),
            allowance: U256::ZERO,
            needed: sh(30)
        }
        .abi_encode()
    );
    call_approve(&vault, a, offering.address(), sh(30));
    offering.sender(a).refund(id).motsu_unwrap();
    offering.assert_emitted(&PurchaseRefunded {
        id,
        buyer: a,
        shares: sh(30),
        amount: at_price(30),
    });
    assert_eq!(alice.balance(), at_price(30));
    assert_eq!(shares_of(&vault, a), U256::ZERO);
    assert_eq!(purchase_of(&offering, id, a), (sh(30), at_price(30), true));
    assert_fails(
        offering.sender(a).refund(id),
        Error::NothingToRefund(OfferingNothingToRefund { id, buyer: a }),
    );
    assert_fails(
        offering.sender(stranger).refund(id),
        Error::NothingToRefund(OfferingNothingToRefund {
            id,
            buyer: stranger,
        }),
    );
    // Refunded shares go back to the seller's side.
    offering.sender(seller).withdraw_shares(id).motsu_unwrap();
    offering.assert_emitted(&SharesWithdrawn {
        id,
        seller,
        shares: sh(30),
    });
    assert_eq!(shares_of(&vault, seller), sh(990));
    assert_fails(
        offering.sender(payee.address()).withdraw_proceeds(id),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id }),
    );

    // The last second of the window still refunds; after it, Bob's purchase
    // stands and its payment goes to the payee.
    clock::advance(30 * DAY - 1);
    assert_eq!(view(&offering, id).state, Phase::Refunding as u8);
    clock::advance(1);
    assert_eq!(view(&offering, id).state, Phase::Failed as u8);
    call_approve(&vault, b, offering.address(), sh(10));
    assert_fails(
        offering.sender(b).refund(id),
        Error::RefundWindowOver(OfferingRefundWindowOver {
            id,
            windowEnd: t.deadline + 30 * DAY,
        }),
    );
    offering
        .sender(stranger)
        .withdraw_proceeds(id)
        .motsu_unwrap();
    assert_eq!(payee.balance(), at_price(10));
    assert_eq!(offering.balance(), U256::ZERO);
    assert_fails(
        offering.sender(stranger).withdraw_proceeds(id),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id }),
    );
    assert_fails(
        offering.sender(seller).withdraw_shares(id),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id }),
    );
    assert_eq!(shares_of(&vault, b), sh(10));
    assert_eq!(shares_of(&vault, offering.address()), U256::ZERO);
    let v = view(&offering, id);
    assert_eq!(
        (
            v.sold,
            v.raised,
            v.paidOut,
            v.refundedShares,
            v.refundedAmount,
            v.sharesWithdrawn
        ),
        (
            sh(40),
            at_price(40),
            at_price(10),
            sh(30),
            at_price(30),
            sh(90)
        )
    );
}

#[motsu::test]
fn a_failed_erc20_raise_refunds_tokens(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    token: Contract<Token>,
    seller: Address,
    payee: Address,
    alice: Address,
) {
    new_vault(&vault, seller, &[token.address()]);
    let t = Terms {
        token: token.address(),
        ..terms(payee)
    };
    let id = create(&offering, &vault, seller, t).motsu_unwrap();
    token.sender(alice).mint(alice, at_price(20)).motsu_unwrap();
    token
        .sender(alice)
        .approve(offering.address(), U256::MAX)
        .motsu_unwrap();
    offering.sender(alice).buy(id, sh(20)).motsu_unwrap();
    clock::advance(11 * DAY);
    call_approve(&vault, alice, offering.address(), sh(20));
    // A buyer who moved its shares away cannot refund.
    vault.sender(alice).transfer(seller, sh(1)).motsu_unwrap();
    let e = offering.sender(alice).refund(id).motsu_unwrap_err();
    assert_eq!(
        e,
        share_vault::ERC20InsufficientBalance {
            sender: alice,
            balance: sh(19),
            needed: sh(20)
        }
        .abi_encode()
    );
    vault.sender(seller).transfer(alice, sh(1)).motsu_unwrap();
    offering.sender(alice).refund(id).motsu_unwrap();
    assert_eq!(token.sender(alice).balance_of(alice), at_price(20));
    assert_eq!(
        token.sender(alice).balance_of(offering.address()),
        U256::ZERO
    );
    offering.sender(seller).withdraw_shares(id).motsu_unwrap();
    assert_eq!(shares_of(&vault, seller), sh(1000));
    // Everything went back: nothing is left for anyone, even after the window.
    clock::advance(30 * DAY);
    assert_fails(
        offering.sender(payee).withdraw_proceeds(id),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id }),
    );
}

// ----------------------------------------------------------------------
// Failing payouts, re-entry, separate books
// ----------------------------------------------------------------------

#[motsu::test]
fn failing_payouts_revert_and_stay_due(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    token: Contract<Token>,
    payee: Contract<Wallet>,
    buyer: Contract<Wallet>,
    seller: Address,
    alice: Address,
) {
    new_vault(&vault, seller, &[token.address()]);
    // ETH: a payee rejecting ETH.
    let id = create(&offering, &vault, seller, terms(payee.address())).motsu_unwrap();
    buy_eth(&offering, alice, id, sh(50)).motsu_unwrap();
    payee.sender(seller).set_reject(true);
    assert_fails(
        offering.sender(alice).withdraw_proceeds(id),
        Error::EthTransferFailed(OfferingEthTransferFailed {
            to: payee.address(),
            amount: at_price(50),
        }),
    );
    assert_eq!(view(&offering, id).paidOut, U256::ZERO);
    payee.sender(seller).set_reject(false);
    offering.sender(alice).withdraw_proceeds(id).motsu_unwrap();
    assert_eq!(payee.balance(), at_price(50));

    // ETH: a refunding buyer rejecting ETH keeps its shares and its claim.
    let id2 = create(&offering, &vault, seller, terms(payee.address())).motsu_unwrap();
    buy_eth(&offering, buyer.address(), id2, sh(10)).motsu_unwrap();
    clock::advance(10 * DAY + 1);
    call_approve(&vault, buyer.address(), offering.address(), sh(10));
    buyer.sender(seller).set_reject(true);
    assert_fails(
        offering.sender(buyer.address()).refund(id2),
        Error::EthTransferFailed(OfferingEthTransferFailed {
            to: buyer.address(),
            amount: at_price(10),
        }),
    );
    assert!(!purchase_of(&offering, id2, buyer.address()).2);
    assert_eq!(shares_of(&vault, buyer.address()), sh(10));
    buyer.sender(seller).set_reject(false);
    offering.sender(buyer.address()).refund(id2).motsu_unwrap();
    assert_eq!(buyer.balance(), at_price(10));

    // ERC-20: a payee the token blocks (its revert data comes back), then a
    // token returning `false`.
    let t = Terms {
        token: token.address(),
        deadline: now() + DAY,
        min_raise: U256::ZERO,
        ..terms(payee.address())
    };
    let id3 = create(&offering, &vault, seller, t).motsu_unwrap();
    token.sender(alice).mint(alice, at_price(1)).motsu_unwrap();
    token
        .sender(alice)
        .approve(offering.address(), U256::MAX)
        .motsu_unwrap();
    offering.sender(alice).buy(id3, sh(1)).motsu_unwrap();
    token.sender(alice).set_blocked(payee.address(), true);
    let e = offering
        .sender(alice)
        .withdraw_proceeds(id3)
        .motsu_unwrap_err();
    assert_eq!(
        e,
        Blocked {
            account: payee.address()
        }
        .abi_encode()
    );
    token.sender(alice).set_blocked(payee.address(), false);
    token.sender(alice).set_return_false(true);
    assert_fails(
        offering.sender(alice).withdraw_proceeds(id3),
        Error::SafeErc20FailedOperation(SafeErc20FailedOperation {
            token: token.address(),
        }),
    );
    assert_eq!(view(&offering, id3).paidOut, U256::ZERO);
    token.sender(alice).set_return_false(false);
    offering.sender(alice).withdraw_proceeds(id3).motsu_unwrap();
    assert_eq!(token.sender(alice).balance_of(payee.address()), at_price(1));
}

#[motsu::test]
fn reentrant_payee_and_buyer_are_paid_once(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    payee: Contract<Wallet>,
    buyer: Contract<Wallet>,
    seller: Address,
    alice: Address,
) {
    new_vault(&vault, seller, &[]);
    let id = create(&offering, &vault, seller, terms(payee.address())).motsu_unwrap();
    buy_eth(&offering, alice, id, sh(50)).motsu_unwrap();
    payee
        .sender(seller)
        .set_reenter(offering.address(), REENTER_WITHDRAW, id);
    offering.sender(alice).withdraw_proceeds(id).motsu_unwrap();
    assert_eq!(payee.balance(), at_price(50));
    // The effects were written before the payment: the nested call found
    // nothing due (on chain the SDK's guard refuses it even earlier).
    assert_eq!(
        payee.sender(seller).reentry_error(),
        err(Error::NothingToWithdraw(OfferingNothingToWithdraw { id }))
    );

    let id2 = create(&offering, &vault, seller, terms(payee.address())).motsu_unwrap();
    buy_eth(&offering, buyer.address(), id2, sh(10)).motsu_unwrap();
    clock::advance(10 * DAY + 1);
    call_approve(&vault, buyer.address(), offering.address(), sh(10));
    buyer
        .sender(seller)
        .set_reenter(offering.address(), REENTER_REFUND, id2);
    offering.sender(buyer.address()).refund(id2).motsu_unwrap();
    assert_eq!(buyer.balance(), at_price(10));
    assert_eq!(
        buyer.sender(seller).reentry_error(),
        err(Error::NothingToRefund(OfferingNothingToRefund {
            id: id2,
            buyer: buyer.address()
        }))
    );
    assert_eq!(offering.balance(), U256::ZERO);
}

#[motsu::test]
fn offerings_of_one_vault_keep_separate_books(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    payee: Contract<Wallet>,
    alice: Contract<Wallet>,
    seller: Address,
    curator: Address,
    bob: Address,
) {
    new_vault(&vault, seller, &[]);
    vault
        .sender(seller)
        .transfer(curator, sh(100))
        .motsu_unwrap();
    // Two sellers, two offerings of the same vault, both in ETH: one fails,
    // the other succeeds.
    let failing = create(&offering, &vault, seller, terms(payee.address())).motsu_unwrap();
    let t = Terms {
        min_raise: at_price(10),
        ..terms(payee.address())
    };
    let winning = create(&offering, &vault, curator, t).motsu_unwrap();
    buy_eth(&offering, alice.address(), failing, sh(20)).motsu_unwrap();
    buy_eth(&offering, bob, winning, sh(10)).motsu_unwrap();
    assert_eq!(offering.balance(), at_price(30));
    clock::advance(10 * DAY + 1);
    // Only the winning offering's proceeds are payable, only its own.
    offering
        .sender(bob)
        .withdraw_proceeds(winning)
        .motsu_unwrap();
    assert_eq!(payee.balance(), at_price(10));
    assert_fails(
        offering.sender(bob).withdraw_proceeds(failing),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id: failing }),
    );
    // Each seller takes only its own shares.
    assert_fails(
        offering.sender(seller).withdraw_shares(winning),
        Error::NotSeller(OfferingNotSeller {
            id: winning,
            account: seller,
        }),
    );
    offering
        .sender(curator)
        .withdraw_shares(winning)
        .motsu_unwrap();
    assert_eq!(shares_of(&vault, curator), sh(90));
    offering
        .sender(seller)
        .withdraw_shares(failing)
        .motsu_unwrap();
    assert_eq!(shares_of(&vault, offering.address()), sh(0));
    call_approve(&vault, alice.address(), offering.address(), sh(20));
    offering
        .sender(alice.address())
        .refund(failing)
        .motsu_unwrap();
    assert_eq!(alice.balance(), at_price(20));
    offering
        .sender(seller)
        .withdraw_shares(failing)
        .motsu_unwrap();
    assert_eq!(shares_of(&vault, seller), sh(900));
    assert_eq!(offering.balance(), U256::ZERO);
    assert_eq!(shares_of(&vault, offering.address()), U256::ZERO);
}

#[motsu::test]
fn views_of_unknown_offerings(offering: Contract<ShareOffering>, alice: Address) {
    for id in [U256::ZERO, u(1), U256::MAX] {
        assert_eq!(
            offering.sender(alice).offering(id).motsu_unwrap_err(),
            err(Error::Unknown(OfferingUnknown { id }))
        );
        assert_eq!(
            offering.sender(alice).refund(id).motsu_unwrap_err(),
            err(Error::Unknown(OfferingUnknown { id }))
        );
        assert_eq!(
            offering
                .sender(alice)
                .withdraw_proceeds(id)
                .motsu_unwrap_err(),
            err(Error::Unknown(OfferingUnknown { id }))
        );
        assert_eq!(
            offering
                .sender(alice)
                .withdraw_shares(id)
                .motsu_unwrap_err(),
            err(Error::Unknown(OfferingUnknown { id }))
        );
    }
    assert_eq!(
        purchase_of(&offering, u(1), alice),
        (U256::ZERO, U256::ZERO, false)
    );
}

// ----------------------------------------------------------------------
// Encodings
// ----------------------------------------------------------------------

#[test]
fn compact_error_encoding_matches_alloy() {
    let (a, b, n) = (
        Address::repeat_byte(0xa1),
        Address::repeat_byte(0xb2),
        U256::from(0xdead_beef_u64) << 200,
    );
    let checked = stylus_ip_common::assert_errors_encode_like_alloy!(
        Error::Unknown(OfferingUnknown { id: n }),
        Error::ZeroShares(OfferingZeroShares {}),
        Error::ZeroPrice(OfferingZeroPrice {}),
        Error::TooLarge(OfferingTooLarge {
            shares: n,
            price: U256::MAX
        }),
        Error::InvalidDeadline(OfferingInvalidDeadline {
            deadline: u64::MAX,
            now: 2,
            latest: 3
        }),
        Error::TokenNotAllowed(OfferingTokenNotAllowed { vault: a, token: b }),
        Error::MinRaiseAboveCost(OfferingMinRaiseAboveCost {
            minRaise: n,
            cost: u(1)
        }),
        Error::InvalidPayee(OfferingInvalidPayee { payee: a }),
        Error::NotOpen(OfferingNotOpen {
            id: n,
            state: u8::MAX
        }),
        Error::InsufficientShares(OfferingInsufficientShares {
            id: n,
            available: u(1),
            requested: U256::MAX
        }),
        Error::CapExceeded(OfferingCapExceeded {
            id: n,
            cap: u(2),
            total: u(3)
        }),
        Error::WrongValue(OfferingWrongValue {
            expected: n,
            value: u(4)
        }),
        Error::TransferAmountMismatch(OfferingTransferAmountMismatch {
            token: a,
            expected: n,
            received: u(5)
        }),
        Error::NotFailed(OfferingNotFailed { id: n, state: 2 }),
        Error::RefundWindowOver(OfferingRefundWindowOver {
            id: n,
            windowEnd: u64::MAX
        }),
        Error::NothingToRefund(OfferingNothingToRefund { id: n, buyer: b }),
        Error::NotSeller(OfferingNotSeller { id: n, account: a }),
        Error::NotClosed(OfferingNotClosed { id: n }),
        Error::NothingToWithdraw(OfferingNothingToWithdraw { id: n }),
        Error::ArithmeticOverflow(OfferingArithmeticOverflow {}),
        Error::EthTransferFailed(OfferingEthTransferFailed { to: a, amount: n }),
        Error::SafeErc20FailedOperation(SafeErc20FailedOperation { token: b }),
    );
    assert_eq!(checked, 22, "every Error variant is checked");
}

// ------------------------------------------------- ABI through the router ---

/// The interface as a Solidity client sees it.
mod client {
    alloy_sol_types::sol! {
        struct ClientView {
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
        struct ClientPurchase {
            uint256 shares;
            uint256 paid;
            bool refunded;
        }
        function createOffering(address vault, uint256 shares, uint256 price, address paymentToken, uint256 perBuyerCap, uint64 deadline, uint256 minRaise, address payee) external returns (uint256);
        function buy(uint256 id, uint256 shares) external payable returns (uint256);
        function refund(uint256 id) external;
        function withdrawProceeds(uint256 id) external;
        function withdrawShares(uint256 id) external;
        function offering(uint256 id) external view returns (ClientView);
        function purchase(uint256 id, address buyer) external view returns (ClientPurchase);
        function offeringCount() external view returns (uint256);
        function REFUND_WINDOW() external view returns (uint64);
        function MAX_OFFERING_DURATION() external view returns (uint64);
    }
}

/// A contract account that forwards raw calldata (and value), so calls go
/// through the offering's real selector router and ABI codec.
#[storage]
struct Caller {
    calls: StorageU256,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for Caller {}

#[public]
impl Caller {
    #[payable]
    fn forward(
        &mut self,
        target: Address,
        data: stylus_sdk::abi::Bytes,
    ) -> Result<stylus_sdk::abi::Bytes, Vec<u8>> {
        self.calls.set(self.calls.get() + u(1));
        let value = self.vm().msg_value();
        // SAFETY: test mock; no storage is read after the call.
        unsafe { stylus_sdk::call::RawCall::new_with_value(value).call(target, &data) }
            .map(Into::into)
    }

    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }
}

/// Whether `e` is a revert without data, which motsu reports to the caller
/// as its "function not found" message.
fn bare_revert(e: &[u8]) -> bool {
    e.is_empty() || e.starts_with(b"function not found for selector")
}

#[motsu::test]
fn solidity_clients_reach_every_entry_point_through_the_router(
    offering: Contract<ShareOffering>,
    vault: Contract<ShareVault>,
    seller: Contract<Caller>,
    buyer: Contract<Caller>,
    payee: Contract<Wallet>,
) {
    let s = seller.address();
    new_vault(&vault, s, &[]);
    call_approve(&vault, s, offering.address(), sh(10));
    let call = |c: &Contract<Caller>, data: Vec<u8>, value: U256| {
        c.fund(value);
        c.sender_and_value(c.address(), value)
            .forward(offering.address(), data.into())
    };
    let deadline = now() + DAY;
    let create = client::createOfferingCall {
        vault: vault.address(),
        shares: sh(10),
        price: PRICE,
        paymentToken: ETH,
        perBuyerCap: sh(5),
        deadline,
        minRaise: at_price(2),
        payee: payee.address(),
    };
    let ret = call(&seller, create.abi_encode(), U256::ZERO).motsu_unwrap();
    let id = client::createOfferingCall::abi_decode_returns(&ret, true)
        .unwrap()
        ._0;
    assert_eq!(id, u(1));

    let data = client::buyCall { id, shares: sh(3) }.abi_encode();
    let ret = call(&buyer, data, at_price(3)).motsu_unwrap();
    assert_eq!(
        client::buyCall::abi_decode_returns(&ret, true).unwrap()._0,
        at_price(3)
    );
    assert_eq!(shares_of(&vault, buyer.address()), sh(3));

    let ret = call(&buyer, client::offeringCall { id }.abi_encode(), U256::ZERO).motsu_unwrap();
    let v = client::offeringCall::abi_decode_returns(&ret, true)
        .unwrap()
        ._0;
    assert_eq!(
        (
            v.vault,
            v.seller,
            v.shares,
            v.price,
            v.paymentToken,
            v.perBuyerCap,
            v.deadline
        ),
        (vault.address(), s, sh(10), PRICE, ETH, sh(5), deadline)
    );
    assert_eq!(
        (v.minRaise, v.payee, v.sold, v.raised, v.paidOut, v.state),
        (
            at_price(2),
            payee.address(),
            sh(3),
            at_price(3),
            U256::ZERO,
            1
        )
    );
    assert_eq!(
        (v.refundedShares, v.refundedAmount, v.sharesWithdrawn),
        (U256::ZERO, U256::ZERO, U256::ZERO)
    );
    let data = client::purchaseCall {
        id,
        buyer: buyer.address(),
    }
    .abi_encode();
    let ret = call(&buyer, data, U256::ZERO).motsu_unwrap();
    let p = client::purchaseCall::abi_decode_returns(&ret, true)
        .unwrap()
        ._0;
    assert_eq!((p.shares, p.paid, p.refunded), (sh(3), at_price(3), false));
    let ret = call(
        &buyer,
        client::offeringCountCall {}.abi_encode(),
        U256::ZERO,
    )
    .motsu_unwrap();
    assert_eq!(
        client::offeringCountCall::abi_decode_returns(&ret, true)
            .unwrap()
            ._0,
        u(1)
    );
    let ret = call(
        &buyer,
        client::REFUND_WINDOWCall {}.abi_encode(),
        U256::ZERO,
    )
    .motsu_unwrap();
    assert_eq!(
        client::REFUND_WINDOWCall::abi_decode_returns(&ret, true)
            .unwrap()
            ._0,
        30 * DAY
    );
    let data = client::MAX_OFFERING_DURATIONCall {}.abi_encode();
    let ret = call(&buyer, data, U256::ZERO).motsu_unwrap();
    assert_eq!(
        client::MAX_OFFERING_DURATIONCall::abi_decode_returns(&ret, true)
            .unwrap()
            ._0,
        365 * DAY
    );

    let data = client::withdrawProceedsCall { id }.abi_encode();
    call(&buyer, data, U256::ZERO).motsu_unwrap();
    assert_eq!(payee.balance(), at_price(3));
    clock::advance(DAY + 1);
    let data = client::withdrawSharesCall { id }.abi_encode();
    call(&seller, data, U256::ZERO).motsu_unwrap();
    assert_eq!(shares_of(&vault, s), sh(997));
    // A typed error surfaces as the exact revert data; ETH to a
    // non-payable function is refused by the router.
    assert_fails(
        call(&buyer, client::refundCall { id }.abi_encode(), U256::ZERO),
        Error::NotFailed(OfferingNotFailed {
            id,
            state: Phase::Succeeded as u8,
        }),
    );
    let data = client::withdrawSharesCall { id }.abi_encode();
    assert!(call(&seller, data, u(1)).is_err());
    // The hand-decoded entry points are not payable either.
    let data = client::offeringCall { id }.abi_encode();
    assert!(call(&buyer, data, u(1)).is_err());
    let data = client::REFUND_WINDOWCall {}.abi_encode();
    assert!(call(&buyer, data, u(1)).is_err());

    // Calldata Solidity's decoder refuses is refused without data: short,
    // an address or a uint64 with dirty high bits, an unknown selector.
    call_approve(&vault, s, offering.address(), sh(10));
    let good = client::createOfferingCall {
        deadline: now() + DAY,
        ..create
    }
    .abi_encode();
    let mut short = good.clone();
    short.pop();
    let mut dirty_vault = good.clone();
    dirty_vault[4 + 11] = 1;
    let mut dirty_deadline = good.clone();
    dirty_deadline[4 + 5 * 32 + 23] = 1;
    let mut dirty_payee = good.clone();
    dirty_payee[4 + 7 * 32] = 1;
    let mut unknown = good.clone();
    unknown[0] ^= 0xff;
    for data in [short, dirty_vault, dirty_deadline, dirty_payee, unknown] {
        assert!(bare_revert(
            &call(&seller, data, U256::ZERO).motsu_unwrap_err()
        ));
    }
    let mut dirty_buyer = client::purchaseCall {
        id,
        buyer: buyer.address(),
    }
    .abi_encode();
    dirty_buyer[4 + 32] = 1;
    assert!(bare_revert(
        &call(&buyer, dirty_buyer, U256::ZERO).motsu_unwrap_err()
    ));
    let mut long = client::offeringCall { id }.abi_encode();
    long.truncate(35);
    assert!(bare_revert(
        &call(&buyer, long, U256::ZERO).motsu_unwrap_err()
    ));
    // Trailing bytes are ignored, as by Solidity; the well-formed call works.
    let mut padded = good;
    padded.extend_from_slice(&[0xee; 7]);
    let ret = call(&seller, padded, U256::ZERO).motsu_unwrap();
    let id2 = client::createOfferingCall::abi_decode_returns(&ret, true)
        .unwrap()
        ._0;
    assert_eq!(id2, u(2));
    assert_eq!(offering.sender(s).offering_count(), u(2));
}
