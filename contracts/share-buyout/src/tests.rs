//! motsu tests of [`ShareBuyout`] against a mock vault (an ERC-20 of
//! shares with `buyout()`, `status()` and a `releaseAsset` that can be told
//! to revert) and holder wallets (contracts, since motsu can only pay ETH to
//! contracts), side by side.
#![allow(clippy::too_many_arguments)]

use super::*;
use alloc::vec;
use alloy_primitives::aliases::U8;
use alloy_sol_types::{sol, SolError, SolType};
use motsu::prelude::*;
use stylus_sdk::abi::Bytes;
use stylus_sdk::storage::{StorageAddress, StorageBool, StorageU8};

/// The shared test clock (the contract's `now` reads `clock::shift`).
pub(crate) use stylus_ip_common::test_mocks::clock;

/// motsu's fixed block timestamp.
const T0: u64 = 1_735_689_600;
const DAY: u64 = 86_400;
/// Whoever submits the wallets' transactions (irrelevant to the contracts).
const OPERATOR: Address = Address::repeat_byte(0x0e);

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// The current test time.
fn now() -> u64 {
    clock::shift(T0)
}

sol! {
    #[derive(Debug)]
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    #[derive(Debug)]
    error VaultNotBuyout(address account);
    #[derive(Debug)]
    error VaultNotActive();
    #[derive(Debug)]
    error Frozen();
}

/// Calldata of the buyout's and the vault's functions.
mod calls {
    alloy_sol_types::sol! {
        function propose(address vault, uint256 shares);
        function sellShares(address vault, uint256 amount);
        function buyShares(address vault, uint256 amount);
        function end(address vault);
        function cash(address vault, uint256 amount);
        function claimAsset(address vault);
        function withdraw();
        function buyoutOf(address vault);
        function PROPOSAL_PERIOD();
        function REJECTION_PERIOD();
        function credit(address account);
        function approve(address spender, uint256 value);
        function transfer(address to, uint256 value);
    }
}
use calls::{
    approveCall, buySharesCall, buyoutOfCall, cashCall, claimAssetCall, creditCall, endCall,
    proposeCall, sellSharesCall, transferCall, withdrawCall, PROPOSAL_PERIODCall,
    REJECTION_PERIODCall,
};

// ----------------------------------------------------------------------
// Mock vault: ERC-20 shares, `buyout()`, `status()`, `releaseAsset`.
// ----------------------------------------------------------------------

#[storage]
pub struct MockVault {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    supply: StorageU256,
    buyout: StorageAddress,
    status: StorageU8,
    /// `releaseAsset` reverts with `Frozen()` (ERC-1155 units under licence).
    frozen: StorageBool,
    /// Who received the asset.
    released_to: StorageAddress,
    /// `transferFrom` reports success but moves nothing (a lying vault).
    skim: StorageBool,
    /// Transfers return `false` instead of moving shares.
    return_false: StorageBool,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for MockVault {}

impl MockVault {
    fn move_shares(&mut self, from: Address, to: Address, value: U256) -> Result<(), Vec<u8>> {
        let balance = self.balances.get(from);
        if balance < value {
            return Err(ERC20InsufficientBalance {
                sender: from,
                balance,
                needed: value,
            }
            .abi_encode());
        }
        self.balances.setter(from).set(balance - value);
        let to_balance = self.balances.get(to);
        self.balances.setter(to).set(to_balance + value);
        Ok(())
    }
}

#[public]
impl MockVault {
    /// Test hook: mints shares (the real vault mints once, at initialisation).
    fn mint(&mut self, to: Address, value: U256) {
        let b = self.balances.get(to);
        self.balances.setter(to).set(b + value);
        let s = self.supply.get();
        self.supply.set(s + value);
    }
    /// Test hook: a redemption (every share burnt, status 3).
    fn redeem_all(&mut self, holder: Address) {
        self.balances.setter(holder).set(U256::ZERO);
        self.supply.set(U256::ZERO);
        self.status.set(U8::from(3));
    }
    fn set_buyout(&mut self, buyout: Address) {
        self.buyout.set(buyout);
    }
    fn set_status(&mut self, status: u8) {
        self.status.set(U8::from(status));
    }
    fn set_frozen(&mut self, frozen: bool) {
        self.frozen.set(frozen);
    }
    fn set_skim(&mut self, skim: bool) {
        self.skim.set(skim);
    }
    fn set_return_false(&mut self, v: bool) {
        self.return_false.set(v);
    }
    fn released_to(&self) -> Address {
        self.released_to.get()
    }
    fn buyout(&self) -> Address {
        self.buyout.get()
    }
    fn status(&self) -> u8 {
        self.status.get().to()
    }
    fn total_supply(&self) -> U256 {
        self.supply.get()
    }
    fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }
    fn approve(&mut self, spender: Address, value: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).setter(spender).set(value);
        true
    }
    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Vec<u8>> {
        if self.return_false.get() {
            return Ok(false);
        }
        let from = self.vm().msg_sender();
        self.move_shares(from, to, value)?;
        Ok(true)
    }
    fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> Result<bool, Vec<u8>> {
        if self.return_false.get() {
            return Ok(false);
        }
        let spender = self.vm().msg_sender();
        let allowance = self.allowances.getter(from).get(spender);
        if allowance < value {
            return Err(ERC20InsufficientAllowance {
                spender,
                allowance,
                needed: value,
            }
            .abi_encode());
        }
        self.allowances
            .setter(from)
            .setter(spender)
            .set(allowance - value);
        if !self.skim.get() {
            self.move_shares(from, to, value)?;
        }
        Ok(true)
    }
    fn release_asset(&mut self, to: Address) -> Result<(), Vec<u8>> {
        let sender = self.vm().msg_sender();
        if sender != self.buyout.get() {
            return Err(VaultNotBuyout { account: sender }.abi_encode());
        }
        if self.status.get() != U8::from(2) {
            return Err(VaultNotActive {}.abi_encode());
        }
        if self.frozen.get() {
            return Err(Frozen {}.abi_encode());
        }
        self.status.set(U8::from(4));
        self.released_to.set(to);
        Ok(())
    }
}

// ----------------------------------------------------------------------
// A holder wallet: makes any call with value, receives (or refuses) ETH.
// ----------------------------------------------------------------------

#[storage]
pub struct Wallet {
    reject: StorageBool,
}
// SAFETY: test contract, top-level in motsu.
unsafe impl TopLevelStorage for Wallet {}

#[public]
impl Wallet {
    /// Calls `target` with `data` and `value` wei of the wallet's own.
    fn exec(&mut self, target: Address, data: Bytes, value: U256) -> Result<Bytes, Vec<u8>> {
        // SAFETY: test wallet, nothing to alias.
        let ret = unsafe { RawCall::new_with_value(value).call(target, &data) }?;
        Ok(ret.into())
    }
    fn set_reject(&mut self, reject: bool) {
        self.reject.set(reject);
    }
    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        if self.reject.get() {
            return Err(b"no ETH".to_vec());
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------
// Helpers
// ----------------------------------------------------------------------

/// The wallet `w` calls `target` with `call` and `value` (funded first).
fn exec<C: SolCall>(
    w: &Contract<Wallet>,
    target: Address,
    call: C,
    value: U256,
) -> Result<Vec<u8>, Vec<u8>> {
    w.fund(value);
    w.sender(OPERATOR)
        .exec(target, call.abi_encode().into(), value)
        .map(|b| b.to_vec())
}

/// Ignores a successful call's return data.
fn ok(r: Result<Vec<u8>, Vec<u8>>) -> Result<(), Vec<u8>> {
    r.map(drop)
}

/// The revert data of `e`.
fn err(e: Error) -> Result<(), Vec<u8>> {
    Err(e.into())
}

/// The three holders of the standard vault and the contracts around them.
struct World<'a> {
    buyout: &'a Contract<ShareBuyout>,
    vault: &'a Contract<MockVault>,
    /// The proposer: 200 of the 1000 shares.
    p: &'a Contract<Wallet>,
    /// 350 shares.
    a: &'a Contract<Wallet>,
    /// 450 shares.
    b: &'a Contract<Wallet>,
}

impl World<'_> {
    /// Mints 200/350/450 shares, points the vault at the buyout, makes it
    /// active, and lets the buyout move every wallet's shares.
    fn setup<'a>(
        buyout: &'a Contract<ShareBuyout>,
        vault: &'a Contract<MockVault>,
        p: &'a Contract<Wallet>,
        a: &'a Contract<Wallet>,
        b: &'a Contract<Wallet>,
    ) -> World<'a> {
        vault.sender(OPERATOR).mint(p.address(), u(200));
        vault.sender(OPERATOR).mint(a.address(), u(350));
        vault.sender(OPERATOR).mint(b.address(), u(450));
        vault.sender(OPERATOR).set_buyout(buyout.address());
        vault.sender(OPERATOR).set_status(2);
        let w = World {
            buyout,
            vault,
            p,
            a,
            b,
        };
        for wallet in [p, a, b] {
            w.approve(wallet, U256::MAX);
        }
        w
    }

    fn v(&self) -> Address {
        self.vault.address()
    }

    fn approve(&self, w: &Contract<Wallet>, value: U256) {
        let call = approveCall {
            spender: self.buyout.address(),
            value,
        };
        exec(w, self.v(), call, U256::ZERO).expect("approve");
    }

    fn propose(&self, w: &Contract<Wallet>, shares: u64, value: u64) -> Result<(), Vec<u8>> {
        let call = proposeCall {
            vault: self.v(),
            shares: u(shares),
        };
        ok(exec(w, self.buyout.address(), call, u(value)))
    }

    fn sell(&self, w: &Contract<Wallet>, amount: u64) -> Result<(), Vec<u8>> {
        let call = sellSharesCall {
            vault: self.v(),
            amount: u(amount),
        };
        ok(exec(w, self.buyout.address(), call, U256::ZERO))
    }

    fn buy(&self, w: &Contract<Wallet>, amount: u64, value: u64) -> Result<(), Vec<u8>> {
        let call = buySharesCall {
            vault: self.v(),
            amount: u(amount),
        };
        ok(exec(w, self.buyout.address(), call, u(value)))
    }

    fn end(&self, w: &Contract<Wallet>) -> Result<(), Vec<u8>> {
        let call = endCall { vault: self.v() };
        ok(exec(w, self.buyout.address(), call, U256::ZERO))
    }

    fn cash(&self, w: &Contract<Wallet>, amount: u64) -> Result<(), Vec<u8>> {
        let call = cashCall {
            vault: self.v(),
            amount: u(amount),
        };
        ok(exec(w, self.buyout.address(), call, U256::ZERO))
    }

    fn claim(&self, w: &Contract<Wallet>) -> Result<(), Vec<u8>> {
        let call = claimAssetCall { vault: self.v() };
        ok(exec(w, self.buyout.address(), call, U256::ZERO))
    }

    fn withdraw(&self, w: &Contract<Wallet>) -> Result<(), Vec<u8>> {
        ok(exec(w, self.buyout.address(), withdrawCall {}, U256::ZERO))
    }

    /// `w` sends `amount` shares to `to` directly (a plain ERC-20 transfer).
    fn send(&self, w: &Contract<Wallet>, to: Address, amount: u64) {
        let call = transferCall {
            to,
            value: u(amount),
        };
        exec(w, self.v(), call, U256::ZERO).expect("transfer");
    }

    fn view(&self) -> BuyoutView {
        self.buyout.sender(OPERATOR).buyout_of(self.v())
    }

    fn shares(&self, account: Address) -> U256 {
        self.vault.sender(OPERATOR).balance_of(account)
    }

    fn pool(&self) -> U256 {
        self.shares(self.buyout.address())
    }

    fn credit(&self, account: Address) -> U256 {
        self.buyout.sender(OPERATOR).credit(account)
    }

    /// The standard proposal: `p` deposits its 200 shares and offers 1000
    /// wei for the other 800 (1.25 wei per share).
    fn standard_proposal(&self) {
        self.propose(self.p, 200, 1000).expect("propose");
    }

    /// The standard success: after the standard proposal `a` sells its 350
    /// shares (437 wei, 437.5 rounded down) and the buyout ends with 550 of
    /// 1000 in the pool and 563 wei held for `b`'s 450 shares.
    fn standard_success(&self) {
        self.standard_proposal();
        self.sell(self.a, 350).expect("sell");
        clock::advance(4 * DAY);
        self.end(self.b).expect("end");
    }
}

fn bv(
    state: u8,
    proposer: Address,
    start: u64,
    price: (u64, u64),
    pool: u64,
    held: u64,
    cash: (u64, u64),
    outstanding: u64,
    released: bool,
) -> BuyoutView {
    BuyoutView {
        state,
        proposer,
        start,
        proposalEnd: start + 2 * DAY,
        rejectionEnd: start + 4 * DAY,
        priceNumerator: u(price.0),
        priceDenominator: u(price.1),
        poolShares: u(pool),
        ethHeld: u(held),
        cashNumerator: u(cash.0),
        cashDenominator: u(cash.1),
        outstanding: u(outstanding),
        assetReleased: released,
    }
}

// ----------------------------------------------------------------------
// propose
// ----------------------------------------------------------------------

#[motsu::test]
fn propose_pulls_the_deposit_and_records_the_price(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    let start = now();
    w.standard_proposal();
    assert_eq!(
        w.view(),
        bv(
            1,
            p.address(),
            start,
            (1000, 800),
            200,
            1000,
            (0, 0),
            0,
            false
        )
    );
    assert_eq!(w.shares(p.address()), U256::ZERO);
    assert_eq!(buyout.balance(), u(1000));
    buyout.assert_emitted(&BuyoutStarted {
        vault: w.v(),
        proposer: p.address(),
        shares: u(200),
        priceNumerator: u(1000),
        priceDenominator: u(800),
        proposalEnd: start + 2 * DAY,
        rejectionEnd: start + 4 * DAY,
    });
}

#[motsu::test]
fn propose_without_a_deposit_offers_for_every_share(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    // No approval needed: nothing is pulled.
    w.approve(&p, U256::ZERO);
    w.propose(&p, 0, 5).expect("propose");
    let v = w.view();
    assert_eq!(
        (v.priceNumerator, v.priceDenominator, v.poolShares),
        (u(5), u(1000), u(0))
    );
    assert_eq!(w.shares(p.address()), u(200));
}

#[motsu::test]
fn propose_refuses_vaults_it_does_not_serve(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
    other: Contract<ShareBuyout>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    vault.sender(OPERATOR).set_buyout(other.address());
    assert_eq!(
        w.propose(&p, 200, 1000),
        err(Error::UnsupportedVault(BuyoutUnsupportedVault {
            vault: w.v(),
            buyout: other.address(),
        }))
    );
    // A contract without `buyout()` (a wallet) reads as buyout zero.
    let call = proposeCall {
        vault: a.address(),
        shares: u(1),
    };
    assert_eq!(
        ok(exec(&p, buyout.address(), call, u(1))),
        err(Error::UnsupportedVault(BuyoutUnsupportedVault {
            vault: a.address(),
            buyout: Address::ZERO,
        }))
    );
    for status in [0u8, 1, 3, 4] {
        vault.sender(OPERATOR).set_buyout(buyout.address());
        vault.sender(OPERATOR).set_status(status);
        assert_eq!(
            w.propose(&p, 200, 1000),
            err(Error::VaultNotActive(BuyoutVaultNotActive {
                vault: w.v(),
                status,
            }))
        );
    }
    assert_eq!(w.view().state, state::NONE);
    assert_eq!(buyout.balance(), U256::ZERO);
}

#[motsu::test]
fn propose_refuses_bad_amounts(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    let invalid = |shares: u64, supply: U256| {
        err(Error::InvalidShares(BuyoutInvalidShares {
            shares: u(shares),
            totalSupply: supply,
        }))
    };
    assert_eq!(w.propose(&p, 1000, 1000), invalid(1000, u(1000)));
    assert_eq!(w.propose(&p, 1001, 1000), invalid(1001, u(1000)));
    assert_eq!(
        w.propose(&p, 200, 0),
        err(Error::InvalidValue(BuyoutInvalidValue {
            value: U256::ZERO
        }))
    );
    // More than 2^128 − 1 wei does not fit the stored price.
    let huge = U256::from(u128::MAX) + u(1);
    let call = proposeCall {
        vault: w.v(),
        shares: u(200),
    };
    assert_eq!(
        ok(exec(&p, buyout.address(), call, huge)),
        err(Error::InvalidValue(BuyoutInvalidValue { value: huge }))
    );
    // The deposit needs an allowance: the vault's error comes back verbatim.
    w.approve(&p, u(199));
    assert_eq!(
        w.propose(&p, 200, 1000),
        Err(ERC20InsufficientAllowance {
            spender: buyout.address(),
            allowance: u(199),
            needed: u(200),
        }
        .abi_encode())
    );
    w.approve(&p, U256::MAX);
    // A supply above the vault's bound (2^96) is refused.
    vault
        .sender(OPERATOR)
        .mint(a.address(), logic::MAX_SUPPLY - u(1000));
    w.propose(&p, 0, 1000).expect("a supply of exactly 2^96");
    clock::advance(4 * DAY);
    w.end(&p).expect("end");
    vault.sender(OPERATOR).mint(a.address(), u(1));
    let supply = logic::MAX_SUPPLY + u(1);
    assert_eq!(w.propose(&p, 0, 1000), invalid(0, supply));
    assert_eq!(w.view().state, state::FAILED);
}

#[motsu::test]
fn propose_checks_the_deposit_by_balance_difference(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    vault.sender(OPERATOR).set_skim(true);
    assert_eq!(
        w.propose(&p, 200, 1000),
        err(Error::SharesNotReceived(BuyoutSharesNotReceived {
            vault: w.v(),
            expected: u(200),
            received: U256::ZERO,
        }))
    );
    vault.sender(OPERATOR).set_skim(false);
    vault.sender(OPERATOR).set_return_false(true);
    assert_eq!(
        w.propose(&p, 200, 1000),
        err(Error::SafeErc20Failed(SafeErc20FailedOperation {
            token: w.v()
        }))
    );
    assert_eq!(w.view().state, state::NONE);
}

#[motsu::test]
fn one_buyout_at_a_time(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    let start = now();
    w.standard_proposal();
    clock::advance(4 * DAY - 1);
    assert_eq!(
        w.propose(&a, 100, 1000),
        err(Error::AlreadyActive(BuyoutAlreadyActive {
            vault: w.v(),
            rejectionEnd: start + 4 * DAY,
        }))
    );
}

// ----------------------------------------------------------------------
// sellShares
// ----------------------------------------------------------------------

#[motsu::test]
fn sell_pays_the_rounded_down_value(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    w.standard_proposal();
    let before = a.balance();
    // 3 shares at 1.25 wei: 3.75, paid 3.
    w.sell(&a, 3).expect("sell");
    assert_eq!(a.balance() - before, u(3));
    buyout.assert_emitted(&SharesSold {
        vault: w.v(),
        seller: a.address(),
        amount: u(3),
        value: u(3),
    });
    w.sell(&a, 347).expect("sell");
    // 347 · 1.25 = 433.75 → 433.
    assert_eq!(a.balance() - before, u(436));
    assert_eq!(w.pool(), u(550));
    assert_eq!(w.view().ethHeld, u(1000 - 436));
    assert_eq!(buyout.balance(), u(1000 - 436));
}

#[motsu::test]
fn sell_is_open_until_the_proposal_period_ends(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    let start = now();
    w.standard_proposal();
    clock::advance(2 * DAY - 1);
    w.sell(&a, 4).expect("last second of the proposal period");
    clock::advance(1);
    assert_eq!(
        w.sell(&a, 4),
        err(Error::ProposalPeriodOver(BuyoutProposalPeriodOver {
            time: start + 2 * DAY,
            proposalEnd: start + 2 * DAY,
        }))
    );
    assert_eq!(w.shares(a.address()), u(346));
}

#[motsu::test]
fn sell_refusals(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    assert_eq!(
        w.sell(&a, 1),
        err(Error::NotActive(BuyoutNotActive {
            vault: w.v(),
            state: state::NONE,
        }))
    );
    w.standard_proposal();
    assert_eq!(w.sell(&a, 0), err(Error::ZeroAmount(BuyoutZeroAmount {})));
    // More than the seller holds: the vault's own error.
    assert_eq!(
        w.sell(&a, 351),
        Err(ERC20InsufficientBalance {
            sender: a.address(),
            balance: u(350),
            needed: u(351),
        }
        .abi_encode())
    );
    // A seller refusing ETH cannot sell (nothing moves).
    a.sender(OPERATOR).set_reject(true);
    assert_eq!(
        w.sell(&a, 8),
        err(Error::EthTransferFailed(BuyoutEthTransferFailed {
            to: a.address(),
            amount: u(10),
        }))
    );
    assert_eq!(w.shares(a.address()), u(350));
    assert_eq!(w.view().ethHeld, u(1000));
}

// ----------------------------------------------------------------------
// buyShares
// ----------------------------------------------------------------------

#[motsu::test]
fn buy_charges_exactly_the_rounded_up_value(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    w.standard_proposal();
    // 3 shares at 1.25 wei: 3.75, charged 4.
    for value in [3, 5] {
        assert_eq!(
            w.buy(&b, 3, value),
            err(Error::WrongValue(BuyoutWrongValue {
                value: u(value),
                expected: u(4),
            }))
        );
    }
    w.buy(&b, 3, 4).expect("buy");
    buyout.assert_emitted(&SharesBought {
        vault: w.v(),
        buyer: b.address(),
        amount: u(3),
        value: u(4),
    });
    assert_eq!(w.shares(b.address()), u(453));
    assert_eq!(w.pool(), u(197));
    assert_eq!(w.view().ethHeld, u(1004));
    assert_eq!(buyout.balance(), u(1004));
    // 4 shares cost exactly 5.
    w.buy(&b, 4, 5).expect("buy");
    assert_eq!(w.view().ethHeld, u(1009));
}

#[motsu::test]
fn buy_is_limited_by_the_pool_and_the_rejection_period(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    let start = now();
    assert_eq!(
        w.buy(&b, 1, 2),
        err(Error::NotActive(BuyoutNotActive {
            vault: w.v(),
            state: state::NONE,
        }))
    );
    w.standard_proposal();
    assert_eq!(w.buy(&b, 0, 0), err(Error::ZeroAmount(BuyoutZeroAmount {})));
    assert_eq!(
        w.buy(&b, 201, 252),
        err(Error::InsufficientBalance(ERC20InsufficientBalance {
            sender: buyout.address(),
            balance: u(200),
            needed: u(201),
        }))
    );
    // Buying stays open after selling closed, until the last second.
    clock::advance(4 * DAY - 1);
    assert_eq!(
        w.sell(&a, 1),
        err(Error::ProposalPeriodOver(BuyoutProposalPeriodOver {
            time: start + 4 * DAY - 1,
            proposalEnd: start + 2 * DAY,
        }))
    );
    w.buy(&b, 200, 250)
        .expect("the whole pool, in the last second");
    assert_eq!(w.pool(), U256::ZERO);
    clock::advance(1);
    assert_eq!(
        w.buy(&b, 1, 2),
        err(Error::RejectionPeriodOver(BuyoutRejectionPeriodOver {
            time: start + 4 * DAY,
            rejectionEnd: start + 4 * DAY,
        }))
    );
}

// ----------------------------------------------------------------------
// end
// ----------------------------------------------------------------------

#[motsu::test]
fn end_waits_for_the_rejection_period(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    let start = now();
    assert_eq!(
        w.end(&b),
        err(Error::NotActive(BuyoutNotActive {
            vault: w.v(),
            state: state::NONE,
        }))
    );
    w.standard_proposal();
    clock::advance(4 * DAY - 1);
    assert_eq!(
        w.end(&b),
        err(Error::RejectionPeriodOpen(BuyoutRejectionPeriodOpen {
            time: start + 4 * DAY - 1,
            rejectionEnd: start + 4 * DAY,
        }))
    );
    clock::advance(1);
    w.end(&b).expect("end at the first second allowed");
    assert_eq!(
        w.end(&b),
        err(Error::NotActive(BuyoutNotActive {
            vault: w.v(),
            state: state::FAILED,
        }))
    );
}

#[motsu::test]
fn success_releases_the_asset_and_fixes_the_cash_price(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    let start = now();
    w.standard_success();
    assert_eq!(
        w.view(),
        bv(
            2,
            p.address(),
            start,
            (1000, 800),
            550,
            563,
            (563, 450),
            450,
            true
        )
    );
    assert_eq!(vault.sender(OPERATOR).released_to(), p.address());
    assert_eq!(vault.sender(OPERATOR).status(), 4);
    // The pool's shares stay here: the proposer gets the asset, not them.
    assert_eq!(w.shares(p.address()), U256::ZERO);
    assert_eq!(w.credit(p.address()), U256::ZERO);
    buyout.assert_emitted(&BuyoutEnded {
        vault: w.v(),
        proposer: p.address(),
        success: true,
        poolShares: u(550),
        totalSupply: u(1000),
        eth: u(563),
        assetReleased: true,
    });
    // A succeeded vault never gets another buyout, even were it active.
    vault.sender(OPERATOR).set_status(2);
    assert_eq!(
        w.propose(&b, 100, 1000),
        err(Error::AlreadySucceeded(BuyoutAlreadySucceeded {
            vault: w.v()
        }))
    );
}

#[motsu::test]
fn half_the_supply_is_not_enough(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    w.standard_proposal();
    w.sell(&a, 300).expect("sell");
    assert_eq!(w.pool(), u(500));
    clock::advance(4 * DAY);
    w.end(&a).expect("end");
    assert_eq!(w.view().state, state::FAILED);
}

#[motsu::test]
fn shares_sent_directly_count_for_the_pool(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    w.standard_proposal();
    w.sell(&a, 300).expect("sell");
    clock::advance(4 * DAY);
    // After trading closed, a gift can only add to the pool.
    w.send(&a, buyout.address(), 1);
    w.end(&b).expect("end");
    let v = w.view();
    assert_eq!(
        (v.state, v.poolShares, v.outstanding),
        (state::SUCCEEDED, u(501), u(499))
    );
}

#[motsu::test]
fn failure_returns_the_pool_and_credits_the_proposer(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    let start = now();
    w.standard_proposal();
    w.sell(&a, 350).expect("sell"); // 437 wei out, pool 550
    clock::advance(3 * DAY);
    w.buy(&b, 100, 125).expect("buy back"); // pool 450
    clock::advance(DAY);
    w.end(&a).expect("end");
    // 1000 − 437 + 125 = 688 wei credited; pool's 450 shares back to p.
    assert_eq!(
        w.view(),
        bv(3, p.address(), start, (1000, 800), 0, 0, (0, 0), 0, false)
    );
    assert_eq!(w.shares(p.address()), u(450));
    assert_eq!(w.credit(p.address()), u(688));
    assert_eq!(vault.sender(OPERATOR).released_to(), Address::ZERO);
    buyout.assert_emitted(&Credited {
        account: p.address(),
        vault: w.v(),
        amount: u(688),
    });
    buyout.assert_emitted(&BuyoutEnded {
        vault: w.v(),
        proposer: p.address(),
        success: false,
        poolShares: u(450),
        totalSupply: u(1000),
        eth: u(688),
        assetReleased: false,
    });
    // Cash-outs are for succeeded buyouts only.
    assert_eq!(
        w.cash(&b, 1),
        err(Error::NotSucceeded(BuyoutNotSucceeded {
            vault: w.v(),
            state: state::FAILED,
        }))
    );
    // A new proposal replaces the failed record.
    let restart = now();
    w.propose(&b, 50, 95).expect("new proposal");
    assert_eq!(
        w.view(),
        bv(1, b.address(), restart, (95, 950), 50, 95, (0, 0), 0, false)
    );
    // The earlier refund stays withdrawable.
    let before = p.balance();
    w.withdraw(&p).expect("withdraw");
    assert_eq!(p.balance() - before, u(688));
    assert_eq!(buyout.balance(), u(95));
    buyout.assert_emitted(&Withdrawn {
        account: p.address(),
        amount: u(688),
    });
}

#[motsu::test]
fn a_proposer_refusing_eth_cannot_block_the_end(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    w.standard_proposal();
    p.sender(OPERATOR).set_reject(true);
    clock::advance(4 * DAY);
    w.end(&a).expect("end credits, never pushes");
    assert_eq!(w.credit(p.address()), u(1000));
    assert_eq!(
        w.withdraw(&p),
        err(Error::EthTransferFailed(BuyoutEthTransferFailed {
            to: p.address(),
            amount: u(1000),
        }))
    );
    assert_eq!(w.credit(p.address()), u(1000));
    p.sender(OPERATOR).set_reject(false);
    w.withdraw(&p).expect("withdraw");
    assert_eq!(
        w.withdraw(&p),
        err(Error::NothingToWithdraw(BuyoutNothingToWithdraw {
            account: p.address(),
        }))
    );
    assert_eq!(buyout.balance(), U256::ZERO);
}

#[motsu::test]
fn a_redeemed_vault_fails_and_refunds(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    w.propose(&p, 0, 7).expect("propose without a deposit");
    vault.sender(OPERATOR).redeem_all(a.address());
    clock::advance(4 * DAY);
    w.end(&a).expect("end");
    assert_eq!(w.view().state, state::FAILED);
    assert_eq!(w.credit(p.address()), u(7));
}

#[motsu::test]
fn success_with_every_share_in_the_pool_credits_the_rest(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    w.standard_proposal();
    w.sell(&a, 350).expect("sell"); // 437
    w.sell(&b, 450).expect("sell"); // 562 (562.5)
    clock::advance(4 * DAY);
    w.end(&a).expect("end");
    let v = w.view();
    assert_eq!(
        (
            v.state,
            v.ethHeld,
            v.cashNumerator,
            v.cashDenominator,
            v.outstanding
        ),
        (state::SUCCEEDED, u(0), u(1), u(0), u(0))
    );
    assert_eq!(w.credit(p.address()), u(1));
    assert_eq!(
        w.cash(&a, 1),
        err(Error::CashExceedsOutstanding(
            BuyoutCashExceedsOutstanding {
                amount: u(1),
                outstanding: U256::ZERO,
            }
        ))
    );
}

// ----------------------------------------------------------------------
// cash
// ----------------------------------------------------------------------

#[motsu::test]
fn cash_pays_the_cash_price_and_the_last_share_frees_the_dust(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    assert_eq!(
        w.cash(&b, 1),
        err(Error::NotSucceeded(BuyoutNotSucceeded {
            vault: w.v(),
            state: state::NONE,
        }))
    );
    w.standard_proposal();
    assert_eq!(
        w.cash(&b, 1),
        err(Error::NotSucceeded(BuyoutNotSucceeded {
            vault: w.v(),
            state: state::ACTIVE,
        }))
    );
    w.sell(&a, 350).expect("sell");
    clock::advance(4 * DAY);
    w.end(&b).expect("end");
    assert_eq!(w.cash(&b, 0), err(Error::ZeroAmount(BuyoutZeroAmount {})));

    // 563 wei for 450 shares: 100 → 125 (125.1), then 350 → 437 (437.9).
    let before = b.balance();
    w.cash(&b, 100).expect("cash");
    assert_eq!(b.balance() - before, u(125));
    buyout.assert_emitted(&Cashed {
        vault: w.v(),
        holder: b.address(),
        amount: u(100),
        value: u(125),
    });
    let v = w.view();
    assert_eq!((v.ethHeld, v.outstanding), (u(438), u(350)));
    // The cashed shares stay here, out of the proposer's reach.
    assert_eq!(w.pool(), u(650));
    assert_eq!(w.shares(p.address()), U256::ZERO);

    w.cash(&b, 350).expect("cash");
    assert_eq!(b.balance() - before, u(562));
    // 563 − 125 − 437 = 1 wei of dust, credited to the proposer.
    assert_eq!(w.credit(p.address()), u(1));
    buyout.assert_emitted(&Credited {
        account: p.address(),
        vault: w.v(),
        amount: u(1),
    });
    let v = w.view();
    assert_eq!((v.ethHeld, v.outstanding), (u(0), u(0)));
    assert_eq!(buyout.balance(), u(1));
    w.withdraw(&p).expect("withdraw");
    assert_eq!(buyout.balance(), U256::ZERO);
}

#[motsu::test]
fn cash_refusals(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    w.standard_success();
    // More than the holder owns: the vault's error; nothing changes.
    w.send(&b, a.address(), 50);
    assert_eq!(
        w.cash(&b, 401),
        Err(ERC20InsufficientBalance {
            sender: b.address(),
            balance: u(400),
            needed: u(401),
        }
        .abi_encode())
    );
    b.sender(OPERATOR).set_reject(true);
    assert_eq!(
        w.cash(&b, 100),
        err(Error::EthTransferFailed(BuyoutEthTransferFailed {
            to: b.address(),
            amount: u(125),
        }))
    );
    assert_eq!(w.view().outstanding, u(450));
    // Shares that were never outside the pool at the end (minted later by a
    // non-conforming vault) cannot draw on the reserve.
    vault.sender(OPERATOR).mint(a.address(), u(401));
    assert_eq!(
        w.cash(&a, 451),
        err(Error::CashExceedsOutstanding(
            BuyoutCashExceedsOutstanding {
                amount: u(451),
                outstanding: u(450),
            }
        ))
    );
}

#[motsu::test]
fn a_lying_vault_cannot_take_more_than_its_own_escrow(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
    honest: Contract<MockVault>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    // An honest vault's buyout holds 300 wei.
    honest.sender(OPERATOR).mint(b.address(), u(100));
    honest.sender(OPERATOR).set_buyout(buyout.address());
    honest.sender(OPERATOR).set_status(2);
    let call = proposeCall {
        vault: honest.address(),
        shares: u(0),
    };
    ok(exec(&b, buyout.address(), call, u(300))).expect("honest proposal");
    // The other vault reports transfers it never makes: its sellers keep
    // their shares and sell them again.
    w.standard_proposal();
    vault.sender(OPERATOR).set_skim(true);
    w.sell(&a, 350).expect("437 wei");
    w.sell(&a, 350).expect("874 wei");
    // 1000 − 874 = 126 wei left for that vault: the next sale is refused,
    // the other vault's escrow is out of reach.
    assert_eq!(
        w.sell(&a, 350),
        err(Error::ArithmeticOverflow(BuyoutArithmeticOverflow {}))
    );
    assert_eq!(w.view().ethHeld, u(126));
    assert_eq!(buyout.balance(), u(126 + 300));
    let honest_view = buyout.sender(OPERATOR).buyout_of(honest.address());
    assert_eq!(honest_view.ethHeld, u(300));
}

// ----------------------------------------------------------------------
// claimAsset
// ----------------------------------------------------------------------

#[motsu::test]
fn a_frozen_asset_is_claimed_later_by_anyone(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    assert_eq!(
        w.claim(&a),
        err(Error::NotSucceeded(BuyoutNotSucceeded {
            vault: w.v(),
            state: state::NONE,
        }))
    );
    vault.sender(OPERATOR).set_frozen(true);
    w.standard_success();
    let v = w.view();
    assert_eq!((v.state, v.assetReleased), (state::SUCCEEDED, false));
    assert_eq!(vault.sender(OPERATOR).status(), 2);
    buyout.assert_emitted(&BuyoutEnded {
        vault: w.v(),
        proposer: p.address(),
        success: true,
        poolShares: u(550),
        totalSupply: u(1000),
        eth: u(563),
        assetReleased: false,
    });
    // Cash-outs run while the asset waits.
    w.cash(&b, 100).expect("cash");
    // Still frozen: the vault's reason comes back.
    assert_eq!(w.claim(&a), Err(Frozen {}.abi_encode()));
    vault.sender(OPERATOR).set_frozen(false);
    w.claim(&a).expect("claim");
    assert_eq!(vault.sender(OPERATOR).released_to(), p.address());
    assert!(w.view().assetReleased);
    buyout.assert_emitted(&AssetClaimed {
        vault: w.v(),
        proposer: p.address(),
    });
    assert_eq!(
        w.claim(&a),
        err(Error::NothingToClaim(BuyoutNothingToClaim { vault: w.v() }))
    );
}

#[motsu::test]
fn shares_sent_after_a_success_forfeit_their_cash_value_to_the_proposer(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    vault.sender(OPERATOR).set_frozen(true);
    w.standard_success();
    w.cash(&b, 100).expect("cash"); // 125 wei, 350 outstanding
    w.send(&b, buyout.address(), 80);
    // Still frozen, but the forfeited shares are dealt with: no revert.
    w.claim(&a).expect("claim");
    // 80 · 563 / 450 = 100.08 → 100 wei credited; 270 outstanding.
    assert_eq!(w.credit(p.address()), u(100));
    let v = w.view();
    assert_eq!(
        (v.outstanding, v.ethHeld, v.assetReleased),
        (u(270), u(338), false)
    );
    buyout.assert_emitted(&Credited {
        account: p.address(),
        vault: w.v(),
        amount: u(100),
    });
    // Nothing new to credit and the asset still frozen: the vault's reason.
    assert_eq!(w.claim(&a), Err(Frozen {}.abi_encode()));
    // The last holder sends the rest directly: its value and the dust go
    // to the proposer, and the release goes through once unfrozen.
    vault.sender(OPERATOR).set_frozen(false);
    w.send(&b, buyout.address(), 270);
    w.claim(&a).expect("claim");
    // 338 wei left, all credited: 270 · 563 / 450 = 337.8 → 337, + 1 dust.
    assert_eq!(w.credit(p.address()), u(438));
    let v = w.view();
    assert_eq!(
        (v.outstanding, v.ethHeld, v.assetReleased),
        (u(0), u(0), true)
    );
    assert_eq!(buyout.balance(), u(438));
    assert_eq!(
        w.claim(&a),
        err(Error::NothingToClaim(BuyoutNothingToClaim { vault: w.v() }))
    );
}

// ----------------------------------------------------------------------
// Views, ABI
// ----------------------------------------------------------------------

#[motsu::test]
fn the_view_of_a_vault_without_a_buyout(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    // No buyout yet: all zeros, but shares already sent here show.
    w.send(&a, buyout.address(), 5);
    assert_eq!(
        w.view(),
        BuyoutView {
            poolShares: u(5),
            ..bv(0, Address::ZERO, 0, (0, 0), 0, 0, (0, 0), 0, false)
        }
        .with_no_periods()
    );
    assert_eq!(w.credit(a.address()), U256::ZERO);
}

impl BuyoutView {
    fn with_no_periods(self) -> Self {
        BuyoutView {
            proposalEnd: 0,
            rejectionEnd: 0,
            ..self
        }
    }
}

/// The functions' selectors and return encodings, seen from a caller.
#[motsu::test]
fn abi_as_seen_by_a_caller(
    buyout: Contract<ShareBuyout>,
    vault: Contract<MockVault>,
    p: Contract<Wallet>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
) {
    let w = World::setup(&buyout, &vault, &p, &a, &b);
    let start = now();
    w.standard_success();
    let to = buyout.address();
    let ret = exec(&a, to, buyoutOfCall { vault: w.v() }, U256::ZERO).expect("buyoutOf");
    assert_eq!(ret.len(), 13 * 32);
    let decoded = <BuyoutView as SolType>::abi_decode(&ret, true).expect("decodes");
    assert_eq!(
        decoded,
        bv(
            2,
            p.address(),
            start,
            (1000, 800),
            550,
            563,
            (563, 450),
            450,
            true
        )
    );
    // The fallback serves `buyoutOf` only, with a clean address, no value
    // (it reverts with no data; motsu reports that as "function not found").
    let call = |data: Vec<u8>, value: U256| a.sender(OPERATOR).exec(to, data.into(), value);
    let view = buyoutOfCall { vault: w.v() }.abi_encode();
    let mut dirty = view.clone();
    dirty[4] = 1;
    assert!(call(dirty, U256::ZERO).is_err(), "dirty address");
    assert!(call(view[..35].to_vec(), U256::ZERO).is_err(), "short");
    assert!(
        call(vec![0xde, 0xad, 0xbe, 0xef], U256::ZERO).is_err(),
        "unknown"
    );
    assert!(call(view.clone(), u(1)).is_err(), "a view refuses value");
    assert_eq!(call(view, U256::ZERO).map(|b| b.to_vec()), Ok(ret));
    assert_eq!(buyout.balance(), u(563));
    let word = |x: u64| u(x).word().to_vec();
    assert_eq!(
        exec(&a, to, PROPOSAL_PERIODCall {}, U256::ZERO),
        Ok(word(2 * DAY))
    );
    assert_eq!(
        exec(&a, to, REJECTION_PERIODCall {}, U256::ZERO),
        Ok(word(4 * DAY))
    );
    let credit = creditCall {
        account: p.address(),
    };
    assert_eq!(exec(&a, to, credit, U256::ZERO), Ok(word(0)));
}

/// Every error encodes exactly as alloy's `abi_encode`.
#[test]
fn errors_encode_like_alloy() {
    let (x, y) = (Address::repeat_byte(0x11), Address::repeat_byte(0x22));
    let (m, n) = (u(7), u(9));
    let checked = stylus_ip_common::assert_errors_encode_like_alloy!(
        Error::InsufficientBalance(ERC20InsufficientBalance {
            sender: x,
            balance: m,
            needed: n,
        }),
        Error::SafeErc20Failed(SafeErc20FailedOperation { token: x }),
        Error::UnsupportedVault(BuyoutUnsupportedVault {
            vault: x,
            buyout: y,
        }),
        Error::VaultNotActive(BuyoutVaultNotActive {
            vault: x,
            status: 3,
        }),
        Error::AlreadyActive(BuyoutAlreadyActive {
            vault: x,
            rejectionEnd: 5,
        }),
        Error::AlreadySucceeded(BuyoutAlreadySucceeded { vault: x }),
        Error::NotActive(BuyoutNotActive { vault: x, state: 2 }),
        Error::NotSucceeded(BuyoutNotSucceeded { vault: x, state: 3 }),
        Error::ProposalPeriodOver(BuyoutProposalPeriodOver {
            time: 8,
            proposalEnd: 6,
        }),
        Error::RejectionPeriodOver(BuyoutRejectionPeriodOver {
            time: 8,
            rejectionEnd: 6,
        }),
        Error::RejectionPeriodOpen(BuyoutRejectionPeriodOpen {
            time: 4,
            rejectionEnd: 6,
        }),
        Error::InvalidShares(BuyoutInvalidShares {
            shares: m,
            totalSupply: n,
        }),
        Error::InvalidValue(BuyoutInvalidValue { value: m }),
        Error::ZeroAmount(BuyoutZeroAmount {}),
        Error::WrongValue(BuyoutWrongValue {
            value: m,
            expected: n,
        }),
        Error::SharesNotReceived(BuyoutSharesNotReceived {
            vault: x,
            expected: m,
            received: n,
        }),
        Error::CashExceedsOutstanding(BuyoutCashExceedsOutstanding {
            amount: m,
            outstanding: n,
        }),
        Error::NothingToClaim(BuyoutNothingToClaim { vault: x }),
        Error::EthTransferFailed(BuyoutEthTransferFailed { to: x, amount: m }),
        Error::NothingToWithdraw(BuyoutNothingToWithdraw { account: x }),
        Error::ArithmeticOverflow(BuyoutArithmeticOverflow {}),
    );
    assert_eq!(checked, 21, "every variant");
}
